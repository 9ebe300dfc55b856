package assertions

import (
	"time"

	"github.com/beevik/etree"
)

// An Attribute is one SAML Attribute of an AttributeStatement. Several
// values make one Attribute element with several AttributeValue children.
type Attribute struct {
	// Name is the attribute's Name, such as "email" or "roles".
	Name string
	// NameFormat is the full attrname-format URI, such as
	// [AttrNameFormatUnspecified]; "" leaves the NameFormat out.
	NameFormat string
	// Values are the attribute's values, each typed xs:string.
	Values []string
}

// ResponseSpec holds every value of a Response in the shape AWS IAM
// Identity Center gives it. [BuildResponse] writes it as it is: the caller
// chooses the IDs and instants.
type ResponseSpec struct {
	// ResponseID and AssertionID are the ID attributes, "_" and a UUID.
	ResponseID  string
	AssertionID string
	// IssueInstant is when the Response and its Assertion were issued; it
	// is also the AuthnInstant and the Conditions NotBefore.
	IssueInstant time.Time
	// Issuer is the issuer URL, on the Response and on the Assertion.
	Issuer string
	// Destination is the ACS URL; "" leaves the Destination out.
	Destination string
	// Recipient is the SubjectConfirmationData Recipient; "" means
	// Destination.
	Recipient string
	// Audience is the one Audience of the AudienceRestriction.
	Audience string
	// InResponseTo is the AuthnRequest ID the Response answers, set on the
	// Response and on the SubjectConfirmationData; "" for an IdP-initiated
	// login.
	InResponseTo string
	// NotOnOrAfter ends the SubjectConfirmationData and the Conditions;
	// AWS sets it from the session duration. The zero time leaves it out.
	NotOnOrAfter time.Time
	// SessionNotOnOrAfter ends the session of the AuthnStatement; the zero
	// time leaves it out.
	SessionNotOnOrAfter time.Time
	// SessionIndex names the session; "" leaves it out.
	SessionIndex string
	// NameID and NameIDFormat are the Subject's NameID and its full format
	// URI, such as [NameIDFormatEmail]; a "" format is left out.
	NameID       string
	NameIDFormat string
	// Attributes form the AttributeStatement, left out when empty.
	Attributes []Attribute
	// StatusCode is the top-level StatusCode URI; "" means
	// [StatusCodeSuccess]. The Assertion is written whatever the status.
	StatusCode string
}

// The prefixes AWS IAM Identity Center writes, colon included.
const (
	saml2p = "saml2p:"
	saml2  = "saml2:"
)

// BuildResponse writes spec as an unsigned Response in the shape AWS IAM
// Identity Center gives it: the saml2p, saml2, xs and xsi prefixes declared
// on the root, times in UTC with milliseconds, Issuers with the entity
// Format, a bearer SubjectConfirmation, Conditions from IssueInstant to
// NotOnOrAfter, a PasswordProtectedTransport AuthnStatement, and
// AttributeValues typed xs:string. Sign it with [Signer.Sign].
func BuildResponse(spec ResponseSpec) *etree.Document {
	doc := etree.NewDocument()
	doc.CreateProcInst("xml", `version="1.0" encoding="UTF-8"`)

	resp := doc.CreateElement(saml2p + "Response")
	resp.CreateAttr("xmlns:saml2p", NamespaceProtocol)
	resp.CreateAttr("xmlns:saml2", NamespaceAssertion)
	resp.CreateAttr("xmlns:xs", NamespaceXS)
	resp.CreateAttr("xmlns:xsi", NamespaceXSI)
	buildAttr(resp, "Destination", spec.Destination)
	resp.CreateAttr("ID", spec.ResponseID)
	buildAttr(resp, "InResponseTo", spec.InResponseTo)
	resp.CreateAttr("IssueInstant", FormatTime(spec.IssueInstant))
	resp.CreateAttr("Version", "2.0")

	buildIssuer(resp, spec.Issuer)
	status := resp.CreateElement(saml2p + "Status")
	code := spec.StatusCode
	if code == "" {
		code = StatusCodeSuccess
	}
	status.CreateElement(saml2p+"StatusCode").CreateAttr("Value", code)

	resp.AddChild(buildAssertion(spec))
	return doc
}

// FormatTime writes t as AWS does: in UTC, with milliseconds and a Z, as
// in 2026-12-04T15:52:38.123Z.
func FormatTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

func buildAssertion(spec ResponseSpec) *etree.Element {
	a := etree.NewElement(saml2 + "Assertion")
	a.CreateAttr("ID", spec.AssertionID)
	a.CreateAttr("IssueInstant", FormatTime(spec.IssueInstant))
	a.CreateAttr("Version", "2.0")
	buildIssuer(a, spec.Issuer)

	subject := a.CreateElement(saml2 + "Subject")
	nameID := subject.CreateElement(saml2 + "NameID")
	buildAttr(nameID, "Format", spec.NameIDFormat)
	nameID.SetText(spec.NameID)
	confirmation := subject.CreateElement(saml2 + "SubjectConfirmation")
	confirmation.CreateAttr("Method", ConfirmationBearer)
	data := confirmation.CreateElement(saml2 + "SubjectConfirmationData")
	buildAttr(data, "InResponseTo", spec.InResponseTo)
	buildTime(data, "NotOnOrAfter", spec.NotOnOrAfter)
	recipient := spec.Recipient
	if recipient == "" {
		recipient = spec.Destination
	}
	buildAttr(data, "Recipient", recipient)

	conditions := a.CreateElement(saml2 + "Conditions")
	conditions.CreateAttr("NotBefore", FormatTime(spec.IssueInstant))
	buildTime(conditions, "NotOnOrAfter", spec.NotOnOrAfter)
	restriction := conditions.CreateElement(saml2 + "AudienceRestriction")
	restriction.CreateElement(saml2 + "Audience").SetText(spec.Audience)

	authn := a.CreateElement(saml2 + "AuthnStatement")
	authn.CreateAttr("AuthnInstant", FormatTime(spec.IssueInstant))
	buildAttr(authn, "SessionIndex", spec.SessionIndex)
	buildTime(authn, "SessionNotOnOrAfter", spec.SessionNotOnOrAfter)
	context := authn.CreateElement(saml2 + "AuthnContext")
	context.CreateElement(saml2 + "AuthnContextClassRef").SetText(AuthnContextPPT)

	if len(spec.Attributes) > 0 {
		buildAttributes(a, spec.Attributes)
	}
	return a
}

func buildAttributes(a *etree.Element, attrs []Attribute) {
	statement := a.CreateElement(saml2 + "AttributeStatement")
	for _, attr := range attrs {
		el := statement.CreateElement(saml2 + "Attribute")
		el.CreateAttr("Name", attr.Name)
		buildAttr(el, "NameFormat", attr.NameFormat)
		for _, v := range attr.Values {
			value := el.CreateElement(saml2 + "AttributeValue")
			value.CreateAttr("xsi:type", "xs:string")
			value.SetText(v)
		}
	}
}

func buildIssuer(parent *etree.Element, issuer string) {
	el := parent.CreateElement(saml2 + "Issuer")
	el.CreateAttr("Format", NameIDFormatEntity)
	el.SetText(issuer)
}

// buildAttr sets an optional attribute, leaving it out when value is "".
func buildAttr(el *etree.Element, key, value string) {
	if value != "" {
		el.CreateAttr(key, value)
	}
}

// buildTime sets an optional time attribute, leaving it out for the zero time.
func buildTime(el *etree.Element, key string, t time.Time) {
	if !t.IsZero() {
		el.CreateAttr(key, FormatTime(t))
	}
}
