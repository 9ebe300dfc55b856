package idpmock_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/samlharness/samlharness/assertions"
	"github.com/samlharness/samlharness/idpmock"
)

// mappingUser has every attribute a placeholder reads.
var mappingUser = idpmock.User{
	UserName:          "jdoe",
	Email:             "jane.doe@example.com",
	GivenName:         "Jane",
	MiddleName:        "Q",
	FamilyName:        "Doe",
	DisplayName:       "Jane Doe",
	PreferredUsername: "jane",
	ID:                "906744d8-1011-70ba-5c1b-e0ee3d1e5ee8",
	Groups:            []string{"frontline-agents", "supervisors"},
}

var subjectRow = idpmock.Mapping{Attribute: "Subject", Value: "${user:email}",
	Format: "emailAddress"}

func unspecified(name string, values ...string) assertions.Attribute {
	return assertions.Attribute{Name: name,
		NameFormat: assertions.AttrNameFormatUnspecified, Values: values}
}

func TestResolveMappingsPlaceholders(t *testing.T) {
	t.Parallel()
	tests := []struct {
		value string
		want  []string
	}{
		{"${user:email}", []string{"jane.doe@example.com"}},
		{"${user:givenName}", []string{"Jane"}},
		{"${user:familyName}", []string{"Doe"}},
		{"${user:middleName}", []string{"Q"}},
		{"${user:name}", []string{"Jane Doe"}},
		{"${user:preferredUsername}", []string{"jane"}},
		{"${user:subject}", []string{"906744d8-1011-70ba-5c1b-e0ee3d1e5ee8"}},
		{"${user:groups}", []string{"frontline-agents", "supervisors"}},
		{"agent", []string{"agent"}},
		{"Agent ${user:email}", []string{"Agent ${user:email}"}},
		{"${other:thing}", []string{"${other:thing}"}},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			t.Parallel()
			claims, err := idpmock.ResolveMappings([]idpmock.Mapping{
				subjectRow, {Attribute: "x", Value: tt.value},
			}, mappingUser)
			require.NoError(t, err)
			assert.Equal(t, []assertions.Attribute{unspecified("x", tt.want...)},
				claims.Attributes)
		})
	}
}

func TestResolveMappingsSubject(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		row        idpmock.Mapping
		wantNameID string
		wantFormat string
	}{
		{"email as emailAddress", subjectRow,
			"jane.doe@example.com", assertions.NameIDFormatEmail},
		{"user ID as persistent", idpmock.Mapping{Attribute: "Subject",
			Value: "${user:subject}", Format: "persistent"},
			"906744d8-1011-70ba-5c1b-e0ee3d1e5ee8", assertions.NameIDFormatPersistent},
		{"transient", idpmock.Mapping{Attribute: "Subject",
			Value: "${user:preferredUsername}", Format: "transient"},
			"jane", assertions.NameIDFormatTransient},
		{"unspecified", idpmock.Mapping{Attribute: "Subject",
			Value: "${user:email}", Format: "unspecified"},
			"jane.doe@example.com", assertions.NameIDFormatUnspecified},
		{"no format means unspecified", idpmock.Mapping{Attribute: "Subject",
			Value: "${user:email}"},
			"jane.doe@example.com", assertions.NameIDFormatUnspecified},
		{"uri has no NameID format", idpmock.Mapping{Attribute: "Subject",
			Value: "${user:email}", Format: "uri"},
			"jane.doe@example.com", assertions.NameIDFormatUnspecified},
		{"multi-valued gives its first value", idpmock.Mapping{Attribute: "Subject",
			Value: "${user:groups}", Format: "unspecified"},
			"frontline-agents", assertions.NameIDFormatUnspecified},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			claims, err := idpmock.ResolveMappings([]idpmock.Mapping{tt.row}, mappingUser)
			require.NoError(t, err)
			assert.Equal(t, tt.wantNameID, claims.NameID)
			assert.Equal(t, tt.wantFormat, claims.NameIDFormat)
			assert.Empty(t, claims.Attributes)
		})
	}
}

func TestResolveMappingsAttributeFormats(t *testing.T) {
	t.Parallel()
	tests := []struct{ word, want string }{
		{"unspecified", assertions.AttrNameFormatUnspecified},
		{"uri", assertions.AttrNameFormatURI},
		{"basic", assertions.AttrNameFormatBasic},
		{"", assertions.AttrNameFormatUnspecified},
		// NameID formats on an attribute row fall back to unspecified.
		{"emailAddress", assertions.AttrNameFormatUnspecified},
		{"persistent", assertions.AttrNameFormatUnspecified},
		{"transient", assertions.AttrNameFormatUnspecified},
	}
	for _, tt := range tests {
		t.Run(tt.word, func(t *testing.T) {
			t.Parallel()
			claims, err := idpmock.ResolveMappings([]idpmock.Mapping{
				subjectRow, {Attribute: "roles", Value: "agent", Format: tt.word},
			}, mappingUser)
			require.NoError(t, err)
			require.Len(t, claims.Attributes, 1)
			assert.Equal(t, tt.want, claims.Attributes[0].NameFormat)
		})
	}
}

// TestResolveMappingsFrontline resolves the guide's table, then the table
// of an admin who split roles over two rows: two Attribute elements.
func TestResolveMappingsFrontline(t *testing.T) {
	t.Parallel()
	guide := []idpmock.Mapping{
		subjectRow,
		{Attribute: "email", Value: "${user:email}", Format: "unspecified"},
		{Attribute: "roles", Value: "agent", Format: "unspecified"},
	}
	split := append(guide[:3:3],
		idpmock.Mapping{Attribute: "roles", Value: "supervisor", Format: "unspecified"})
	tests := []struct {
		name     string
		mappings []idpmock.Mapping
		want     []assertions.Attribute
	}{
		{"guide", guide, []assertions.Attribute{
			unspecified("email", "jane.doe@example.com"), unspecified("roles", "agent"),
		}},
		{"split roles", split, []assertions.Attribute{
			unspecified("email", "jane.doe@example.com"), unspecified("roles", "agent"),
			unspecified("roles", "supervisor"),
		}},
		{"Subject row not first", []idpmock.Mapping{guide[2], guide[0]},
			[]assertions.Attribute{unspecified("roles", "agent")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			claims, err := idpmock.ResolveMappings(tt.mappings, mappingUser)
			require.NoError(t, err)
			assert.Equal(t, "jane.doe@example.com", claims.NameID)
			assert.Equal(t, tt.want, claims.Attributes)
		})
	}
}

func TestResolveMappingsEmptyValuesLeftOut(t *testing.T) {
	t.Parallel()
	user := idpmock.User{UserName: "min", Email: "min@example.com"}
	claims, err := idpmock.ResolveMappings([]idpmock.Mapping{
		subjectRow,
		{Attribute: "middle", Value: "${user:middleName}"},
		{Attribute: "groups", Value: "${user:groups}"},
		{Attribute: "roles", Value: "agent"},
	}, user)
	require.NoError(t, err)
	assert.Equal(t, []assertions.Attribute{unspecified("roles", "agent")}, claims.Attributes)
}

func TestResolveMappingsErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		mappings  []idpmock.Mapping
		wantField string
		wantErr   error
	}{
		{"unknown placeholder", []idpmock.Mapping{subjectRow,
			{Attribute: "email", Value: "${user:mail}"}},
			"aws.attribute_mappings[1].value", idpmock.ErrUnknownPlaceholder},
		{"placeholder case", []idpmock.Mapping{subjectRow,
			{Attribute: "email", Value: "${user:Email}"}},
			"aws.attribute_mappings[1].value", idpmock.ErrUnknownPlaceholder},
		{"SCIM path", []idpmock.Mapping{subjectRow,
			{Attribute: "title", Value: "${path:title}"}},
			"aws.attribute_mappings[1].value", idpmock.ErrUnsupported},
		{"directory attribute", []idpmock.Mapping{subjectRow,
			{Attribute: "dept", Value: "${dir:department}"}},
			"aws.attribute_mappings[1].value", idpmock.ErrUnsupported},
		{"AD GUID", []idpmock.Mapping{{Attribute: "Subject", Value: "${user:AD_GUID}"}},
			"aws.attribute_mappings[0].value", idpmock.ErrUnsupported},
		{"unknown format", []idpmock.Mapping{subjectRow,
			{Attribute: "roles", Value: "agent", Format: "string"}},
			"aws.attribute_mappings[1].format", idpmock.ErrUnknownFormat},
		{"no Subject row", []idpmock.Mapping{{Attribute: "roles", Value: "agent"}},
			"aws.attribute_mappings", idpmock.ErrSubjectRow},
		{"two Subject rows", []idpmock.Mapping{subjectRow, subjectRow},
			"aws.attribute_mappings[1].attribute", idpmock.ErrSubjectRow},
		{"subject spelt in lower case", []idpmock.Mapping{{Attribute: "subject",
			Value: "${user:email}"}}, "aws.attribute_mappings", idpmock.ErrSubjectRow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := idpmock.ResolveMappings(tt.mappings, mappingUser)
			var cfgErr *idpmock.ConfigError
			require.ErrorAs(t, err, &cfgErr)
			assert.Equal(t, tt.wantField, cfgErr.Field)
			assert.ErrorIs(t, err, tt.wantErr)
		})
	}
}
