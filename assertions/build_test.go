package assertions_test

import (
	"encoding/xml"
	"testing"
	"time"

	"github.com/beevik/etree"
	"github.com/crewjam/saml"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/samlharness/samlharness/assertions"
)

const (
	buildIssuer = "https://portal.sso.us-east-1.amazonaws.com/saml/assertion/" +
		"NzQ4OTA2OTEyNDY5X2lucy00NGQ2M2ZjOGM2OWUyNGJl"
	buildACS = "https://iam.twilio.com/v2/saml2/authenticate/" +
		"JB0123456789abcdef0123456789abcdef"
	buildAudience = "https://iam.twilio.com/v2/saml2/metadata/" +
		"JB0123456789abcdef0123456789abcdef"
)

// buildInstant is in a zone other than UTC on purpose.
var buildInstant = time.Date(2026, 3, 1, 10, 20, 30, 456_789_000,
	time.FixedZone("CET", 3600))

func buildSpec() assertions.ResponseSpec {
	return assertions.ResponseSpec{
		ResponseID:          "_6f0b9c52-1b1e-4a8e-9d2a-2b7f0f6d9c11",
		AssertionID:         "_0c6a9e0e-7d38-4bb6-8f58-52a1a8d0a4f2",
		IssueInstant:        buildInstant,
		Issuer:              buildIssuer,
		Destination:         buildACS,
		Audience:            buildAudience,
		NotOnOrAfter:        buildInstant.Add(time.Hour),
		SessionNotOnOrAfter: buildInstant.Add(time.Hour),
		SessionIndex:        "_b6f4b0f7-0a51-4a3e-9c39-6c5b8a1a6e43",
		NameID:              "alice@example.com",
		NameIDFormat:        assertions.NameIDFormatEmail,
		Attributes: []assertions.Attribute{
			{Name: "email", NameFormat: assertions.AttrNameFormatUnspecified,
				Values: []string{"alice@example.com"}},
			{Name: "roles", NameFormat: assertions.AttrNameFormatUnspecified,
				Values: []string{"agent", "supervisor"}},
		},
	}
}

// find returns the one element at path, failing the test when absent.
func find(t *testing.T, el *etree.Element, path string) *etree.Element {
	t.Helper()
	found := el.FindElement(path)
	require.NotNil(t, found, "no element at %s", path)
	return found
}

func TestBuildResponseShape(t *testing.T) {
	t.Parallel()
	root := assertions.BuildResponse(buildSpec()).Root()
	require.NotNil(t, root)

	// Prefixes declared once, on the root.
	assert.Equal(t, "saml2p", root.Space)
	assert.Equal(t, "Response", root.Tag)
	assert.Equal(t, assertions.NamespaceProtocol, root.SelectAttrValue("xmlns:saml2p", ""))
	assert.Equal(t, assertions.NamespaceAssertion, root.SelectAttrValue("xmlns:saml2", ""))
	assert.Equal(t, assertions.NamespaceXS, root.SelectAttrValue("xmlns:xs", ""))
	assert.Equal(t, assertions.NamespaceXSI, root.SelectAttrValue("xmlns:xsi", ""))

	// 10:20:30.456789 at +01:00 is 09:20:30.456 UTC, milliseconds kept.
	const instant = "2026-03-01T09:20:30.456Z"
	const later = "2026-03-01T10:20:30.456Z"
	assert.Equal(t, instant, root.SelectAttrValue("IssueInstant", ""))
	assert.Equal(t, "2.0", root.SelectAttrValue("Version", ""))
	assert.Equal(t, buildACS, root.SelectAttrValue("Destination", ""))
	assert.Nil(t, root.SelectAttr("InResponseTo"))

	children := root.ChildElements()
	require.Len(t, children, 3)
	assert.Equal(t, "saml2:Issuer", children[0].FullTag())
	assert.Equal(t, "saml2p:Status", children[1].FullTag())
	assert.Equal(t, "saml2:Assertion", children[2].FullTag())
	assert.Equal(t, assertions.StatusCodeSuccess,
		find(t, root, "saml2p:Status/saml2p:StatusCode").SelectAttrValue("Value", ""))

	for _, issuer := range []*etree.Element{
		find(t, root, "saml2:Issuer"), find(t, root, "saml2:Assertion/saml2:Issuer"),
	} {
		assert.Equal(t, buildIssuer, issuer.Text())
		assert.Equal(t, assertions.NameIDFormatEntity, issuer.SelectAttrValue("Format", ""))
	}

	a := find(t, root, "saml2:Assertion")
	assert.Equal(t, instant, a.SelectAttrValue("IssueInstant", ""))
	nameID := find(t, a, "saml2:Subject/saml2:NameID")
	assert.Equal(t, "alice@example.com", nameID.Text())
	assert.Equal(t, assertions.NameIDFormatEmail, nameID.SelectAttrValue("Format", ""))
	confirmation := find(t, a, "saml2:Subject/saml2:SubjectConfirmation")
	assert.Equal(t, assertions.ConfirmationBearer, confirmation.SelectAttrValue("Method", ""))
	data := find(t, confirmation, "saml2:SubjectConfirmationData")
	assert.Equal(t, buildACS, data.SelectAttrValue("Recipient", ""))
	assert.Equal(t, later, data.SelectAttrValue("NotOnOrAfter", ""))
	assert.Nil(t, data.SelectAttr("InResponseTo"))

	conditions := find(t, a, "saml2:Conditions")
	assert.Equal(t, instant, conditions.SelectAttrValue("NotBefore", ""))
	assert.Equal(t, later, conditions.SelectAttrValue("NotOnOrAfter", ""))
	assert.Equal(t, buildAudience,
		find(t, conditions, "saml2:AudienceRestriction/saml2:Audience").Text())

	authn := find(t, a, "saml2:AuthnStatement")
	assert.Equal(t, instant, authn.SelectAttrValue("AuthnInstant", ""))
	assert.Equal(t, later, authn.SelectAttrValue("SessionNotOnOrAfter", ""))
	assert.Equal(t, "_b6f4b0f7-0a51-4a3e-9c39-6c5b8a1a6e43",
		authn.SelectAttrValue("SessionIndex", ""))
	assert.Equal(t, assertions.AuthnContextPPT,
		find(t, authn, "saml2:AuthnContext/saml2:AuthnContextClassRef").Text())
}

func TestBuildResponseAttributes(t *testing.T) {
	t.Parallel()
	root := assertions.BuildResponse(buildSpec()).Root()
	attrs := root.FindElements("saml2:Assertion/saml2:AttributeStatement/saml2:Attribute")
	require.Len(t, attrs, 2)

	want := map[string][]string{
		"email": {"alice@example.com"},
		"roles": {"agent", "supervisor"},
	}
	for _, attr := range attrs {
		name := attr.SelectAttrValue("Name", "")
		assert.Equal(t, assertions.AttrNameFormatUnspecified,
			attr.SelectAttrValue("NameFormat", ""))
		var got []string
		for _, v := range attr.SelectElements("AttributeValue") {
			assert.Equal(t, "saml2", v.Space)
			assert.Equal(t, "xs:string", v.SelectAttrValue("xsi:type", ""))
			got = append(got, v.Text())
		}
		assert.Equal(t, want[name], got, "values of %s", name)
	}
}

func TestBuildResponseOptionalParts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		edit       func(*assertions.ResponseSpec)
		path       string
		attr       string
		want       string
		wantAbsent bool
	}{
		{"SP-initiated InResponseTo on Response", func(s *assertions.ResponseSpec) {
			s.InResponseTo = "ONELOGIN_4f1e"
		}, ".", "InResponseTo", "ONELOGIN_4f1e", false},
		{"SP-initiated InResponseTo on SubjectConfirmationData",
			func(s *assertions.ResponseSpec) { s.InResponseTo = "ONELOGIN_4f1e" },
			"saml2:Assertion/saml2:Subject/saml2:SubjectConfirmation/" +
				"saml2:SubjectConfirmationData", "InResponseTo", "ONELOGIN_4f1e", false},
		{"explicit Recipient", func(s *assertions.ResponseSpec) {
			s.Recipient = "https://iam.twilio.com/v1/other"
		}, "saml2:Assertion/saml2:Subject/saml2:SubjectConfirmation/" +
			"saml2:SubjectConfirmationData", "Recipient",
			"https://iam.twilio.com/v1/other", false},
		{"status code", func(s *assertions.ResponseSpec) {
			s.StatusCode = "urn:oasis:names:tc:SAML:2.0:status:Requester"
		}, "saml2p:Status/saml2p:StatusCode", "Value",
			"urn:oasis:names:tc:SAML:2.0:status:Requester", false},
		{"no Destination", func(s *assertions.ResponseSpec) { s.Destination = "" },
			".", "Destination", "", true},
		{"no Conditions NotOnOrAfter", func(s *assertions.ResponseSpec) {
			s.NotOnOrAfter = time.Time{}
		}, "saml2:Assertion/saml2:Conditions", "NotOnOrAfter", "", true},
		{"no SessionIndex", func(s *assertions.ResponseSpec) { s.SessionIndex = "" },
			"saml2:Assertion/saml2:AuthnStatement", "SessionIndex", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			spec := buildSpec()
			tt.edit(&spec)
			el := find(t, assertions.BuildResponse(spec).Root(), tt.path)
			if tt.wantAbsent {
				assert.Nil(t, el.SelectAttr(tt.attr))
				return
			}
			assert.Equal(t, tt.want, el.SelectAttrValue(tt.attr, ""))
		})
	}
}

func TestBuildResponseNoAttributes(t *testing.T) {
	t.Parallel()
	spec := buildSpec()
	spec.Attributes = nil
	root := assertions.BuildResponse(spec).Root()
	assert.Nil(t, root.FindElement("saml2:Assertion/saml2:AttributeStatement"))
}

// TestBuildResponseNamespaces reads the XML with encoding/xml, which
// resolves prefixes, into crewjam's types: every element must land in the
// namespace the SAML schema gives it.
func TestBuildResponseNamespaces(t *testing.T) {
	t.Parallel()
	spec := buildSpec()
	spec.InResponseTo = "ONELOGIN_4f1e"
	out, err := assertions.BuildResponse(spec).WriteToBytes()
	require.NoError(t, err)

	var resp saml.Response
	require.NoError(t, xml.Unmarshal(out, &resp))
	assert.Equal(t, spec.ResponseID, resp.ID)
	assert.Equal(t, "ONELOGIN_4f1e", resp.InResponseTo)
	require.NotNil(t, resp.Issuer)
	assert.Equal(t, buildIssuer, resp.Issuer.Value)
	assert.Equal(t, assertions.StatusCodeSuccess, resp.Status.StatusCode.Value)
	require.NotNil(t, resp.Assertion)
	a := resp.Assertion
	assert.Equal(t, spec.AssertionID, a.ID)
	require.NotNil(t, a.Subject)
	require.NotNil(t, a.Subject.NameID)
	assert.Equal(t, "alice@example.com", a.Subject.NameID.Value)
	require.Len(t, a.Subject.SubjectConfirmations, 1)
	scd := a.Subject.SubjectConfirmations[0].SubjectConfirmationData
	require.NotNil(t, scd)
	assert.Equal(t, buildACS, scd.Recipient)
	assert.True(t, scd.NotOnOrAfter.Equal(time.Date(2026, 3, 1, 9, 20, 30,
		456_000_000, time.UTC).Add(time.Hour)))
	require.NotNil(t, a.Conditions)
	require.Len(t, a.Conditions.AudienceRestrictions, 1)
	assert.Equal(t, buildAudience, a.Conditions.AudienceRestrictions[0].Audience.Value)
	require.Len(t, a.AuthnStatements, 1)
	require.Len(t, a.AttributeStatements, 1)
	roles := a.AttributeStatements[0].Attributes[1]
	assert.Equal(t, "roles", roles.Name)
	require.Len(t, roles.Values, 2)
	assert.Equal(t, "xs:string", roles.Values[1].Type)
	assert.Equal(t, "supervisor", roles.Values[1].Value)
}

func TestFormatTime(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   time.Time
		want string
	}{
		{time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), "2026-01-02T03:04:05.000Z"},
		{time.Date(2026, 1, 2, 3, 4, 5, 999_999_999, time.UTC), "2026-01-02T03:04:05.999Z"},
		{time.Date(2026, 1, 2, 0, 30, 0, 7_000_000, time.FixedZone("", -3600)),
			"2026-01-02T01:30:00.007Z"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, assertions.FormatTime(tt.in))
	}
}
