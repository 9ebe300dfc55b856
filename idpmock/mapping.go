package idpmock

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/samlharness/samlharness/assertions"
)

// SubjectAttribute is the attribute name of the mapping row that gives the
// NameID, the first row of the AWS console's table.
const SubjectAttribute = "Subject"

// Errors of the attribute-mapping table, wrapped in a [*ConfigError] that
// names the row.
var (
	// ErrUnknownPlaceholder marks a ${user:...} placeholder AWS does not
	// have, such as ${user:mail}.
	ErrUnknownPlaceholder = errors.New("unknown placeholder")
	// ErrUnsupported marks a placeholder AWS has but the mock does not
	// emulate: ${path:...}, ${dir:...} and ${user:AD_GUID}.
	ErrUnsupported = errors.New("not emulated by the mock")
	// ErrUnknownFormat marks a format other than the console's six.
	ErrUnknownFormat = errors.New("unknown format")
	// ErrSubjectRow marks a table without a Subject row, or with two.
	ErrSubjectRow = errors.New("the table needs exactly one Subject row")
)

// Claims are what the attribute mappings give for one user.
type Claims struct {
	// NameID and NameIDFormat come from the Subject row.
	NameID       string
	NameIDFormat string
	// Attributes hold one Attribute per other row, in table order. A row
	// whose value is empty for the user is left out.
	Attributes []assertions.Attribute
}

// userAttributes are the ${user:...} placeholders the mock resolves, with
// how each reads a [User]. ${user:groups} is multi-valued: the names of
// the groups the user is a direct member of.
var userAttributes = map[string]func(u *User) []string{
	"email":             func(u *User) []string { return one(u.Email) },
	"givenName":         func(u *User) []string { return one(u.GivenName) },
	"familyName":        func(u *User) []string { return one(u.FamilyName) },
	"middleName":        func(u *User) []string { return one(u.MiddleName) },
	"name":              func(u *User) []string { return one(u.DisplayName) },
	"preferredUsername": func(u *User) []string { return one(u.PreferredUsername) },
	"subject":           func(u *User) []string { return one(u.StoreID()) },
	"groups":            func(u *User) []string { return u.Groups },
}

func one(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// Format words of the AWS console. On the Subject row they name NameID
// formats; on other rows attribute NameFormats. A word that belongs to
// the other kind (emailAddress on an attribute row, uri on the Subject
// row) gives the unspecified format of the row's kind: AWS does not say
// what it sends then, and unspecified is what an SP least objects to.
var (
	nameIDFormats = map[string]string{
		"unspecified":  assertions.NameIDFormatUnspecified,
		"emailaddress": assertions.NameIDFormatEmail,
		"persistent":   assertions.NameIDFormatPersistent,
		"transient":    assertions.NameIDFormatTransient,
		"uri":          assertions.NameIDFormatUnspecified,
		"basic":        assertions.NameIDFormatUnspecified,
	}
	attrNameFormats = map[string]string{
		"unspecified":  assertions.AttrNameFormatUnspecified,
		"emailaddress": assertions.AttrNameFormatUnspecified,
		"persistent":   assertions.AttrNameFormatUnspecified,
		"transient":    assertions.AttrNameFormatUnspecified,
		"uri":          assertions.AttrNameFormatURI,
		"basic":        assertions.AttrNameFormatBasic,
	}
)

// placeholder matches a whole value of the form ${namespace:name}.
var placeholder = regexp.MustCompile(`^\$\{([A-Za-z]+):([^{}]*)\}$`)

// A row is a checked mapping row: a user attribute to read, or a literal.
type row struct {
	attribute string
	read      func(u *User) []string // nil for a literal
	literal   string
	usesEmail bool
	format    string // full URI
}

// A table is a checked attribute-mapping table.
type table struct {
	subject row
	rows    []row // the other rows, in table order
}

// compileMappings checks the table and prepares it for resolution.
func compileMappings(mappings []Mapping) (*table, error) {
	t := &table{}
	seenSubject := false
	for i, m := range mappings {
		field := fmt.Sprintf("aws.attribute_mappings[%d]", i)
		r, err := compileRow(m, field)
		if err != nil {
			return nil, err
		}
		switch {
		case r.attribute != SubjectAttribute:
			t.rows = append(t.rows, r)
		case seenSubject:
			return nil, &ConfigError{Field: field + ".attribute", Err: ErrSubjectRow}
		default:
			t.subject, seenSubject = r, true
		}
	}
	if !seenSubject {
		return nil, &ConfigError{Field: "aws.attribute_mappings", Err: ErrSubjectRow}
	}
	return t, nil
}

func compileRow(m Mapping, field string) (row, error) {
	r := row{attribute: m.Attribute, literal: m.Value}
	if strings.TrimSpace(m.Attribute) == "" {
		return r, &ConfigError{Field: field + ".attribute", Err: errors.New("is empty")}
	}
	if m.Value == "" {
		return r, &ConfigError{Field: field + ".value", Err: errors.New("is empty")}
	}

	formats := attrNameFormats
	if m.Attribute == SubjectAttribute {
		formats = nameIDFormats
	}
	word := strings.ToLower(m.Format)
	if word == "" {
		word = "unspecified"
	}
	format, ok := formats[word]
	if !ok {
		return r, &ConfigError{Field: field + ".format",
			Err: fmt.Errorf("%w %q", ErrUnknownFormat, m.Format)}
	}
	r.format = format

	parts := placeholder.FindStringSubmatch(m.Value)
	if parts == nil {
		return r, nil
	}
	switch namespace, name := parts[1], parts[2]; {
	case namespace == "path" || namespace == "dir" ||
		namespace == "user" && name == "AD_GUID":
		return r, &ConfigError{Field: field + ".value",
			Err: fmt.Errorf("%s: %w", m.Value, ErrUnsupported)}
	case namespace == "user":
		read, ok := userAttributes[name]
		if !ok {
			return r, &ConfigError{Field: field + ".value",
				Err: fmt.Errorf("%w %s", ErrUnknownPlaceholder, m.Value)}
		}
		r.read, r.literal, r.usesEmail = read, "", name == "email"
	}
	return r, nil
}

// resolve applies the table to u.
func (t *table) resolve(u *User) *Claims {
	c := &Claims{NameIDFormat: t.subject.format}
	if v := t.subject.values(u); len(v) > 0 {
		c.NameID = v[0]
	}
	for _, r := range t.rows {
		v := r.values(u)
		if len(v) == 0 {
			continue
		}
		c.Attributes = append(c.Attributes, assertions.Attribute{
			Name:       r.attribute,
			NameFormat: r.format,
			Values:     append([]string(nil), v...),
		})
	}
	return c
}

func (r row) values(u *User) []string {
	if r.read == nil {
		return []string{r.literal}
	}
	return r.read(u)
}

// mapsEmail reports whether a row of the table reads ${user:email}.
func (t *table) mapsEmail() bool {
	if t.subject.usesEmail {
		return true
	}
	for _, r := range t.rows {
		if r.usesEmail {
			return true
		}
	}
	return false
}

// ResolveMappings applies the attribute-mapping table to u as AWS does.
// The Subject row gives the NameID (a multi-valued placeholder gives its
// first value); every other row gives one Attribute, so two rows with the
// same attribute name give two Attribute elements. Placeholders are
// ${user:email}, ${user:givenName}, ${user:familyName},
// ${user:middleName}, ${user:name} (display name),
// ${user:preferredUsername}, ${user:subject} (the user ID, see
// [User.StoreID]) and
// ${user:groups}; any other value is a literal. Errors are
// [*ConfigError] values wrapping [ErrUnknownPlaceholder],
// [ErrUnsupported], [ErrUnknownFormat] or [ErrSubjectRow].
func ResolveMappings(mappings []Mapping, u User) (*Claims, error) {
	t, err := compileMappings(mappings)
	if err != nil {
		return nil, err
	}
	return t.resolve(&u), nil
}
