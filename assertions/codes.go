package assertions

import (
	"slices"
	"strings"
)

// A Code names the outcome of one check: the check's name, a dot, and the
// outcome, as in "audience.mismatch". Codes are stable: scripts and tests
// match them, never the message text.
//
// Code implements error so that a failed [Report] can be tested with
// errors.Is(report.Err(), assertions.AudienceMismatch).
type Code string

// Error returns the code itself.
func (c Code) Error() string { return string(c) }

// Check returns the name of the check the code belongs to ("audience").
func (c Code) Check() string {
	name, _, _ := strings.Cut(string(c), ".")
	return name
}

// Summary returns the one-line meaning of the code.
func (c Code) Summary() string { return codeTable[c].summary }

// Fix returns where the cause is fixed, in the words of the console that is
// wrong, or "" for a passing code.
func (c Code) Fix() string { return codeTable[c].fix }

// Known reports whether c is one of the documented codes.
func (c Code) Known() bool {
	_, ok := codeTable[c]
	return ok
}

// Codes returns every documented code, sorted.
func Codes() []Code {
	all := make([]Code, 0, len(codeTable))
	for c := range codeTable {
		all = append(all, c)
	}
	slices.Sort(all)
	return all
}

// Where a misconfiguration is fixed, in the words of the two consoles.
const (
	fixAWSACS        = "AWS IAM Identity Center, application properties: Application ACS URL"
	fixAWSAudience   = "AWS IAM Identity Center, application properties: Application SAML audience"
	fixAWSSession    = "AWS IAM Identity Center, application properties: Session duration"
	fixAWSRelayState = "AWS IAM Identity Center, application properties: Relay state"
	fixAWSMappings   = "AWS IAM Identity Center, attribute mappings"
	fixAWSSubject    = "AWS IAM Identity Center, attribute mappings: Subject row"
	fixAWSCert       = "AWS IAM Identity Center, IAM Identity Center metadata: certificate"
	fixFLIssuer      = "Frontline, SSO/Log in: Identity provider issuer"
	fixFLCert        = "Frontline, SSO/Log in: X.509 Certificate"
	fixClock         = "the clocks of the IdP and the SP, or AWS IAM Identity Center, " +
		"application properties: Session duration"
	fixClocks   = "the clocks of the IdP and the SP, which must agree within the skew"
	fixIdP      = "the identity provider: it sent a message no careful SP accepts"
	fixSPFlow   = "Frontline: start the login again from the Frontline app or web page"
	fixNoChange = ""
)

// The documented codes. Each check passes with exactly one code and fails or
// warns with one of the others.
const (
	DecodeOK          Code = "decode.ok"
	DecodeMalformed   Code = "decode.malformed"
	DecodeDoctype     Code = "decode.doctype"
	DecodeLimit       Code = "decode.limit"
	DecodeNotResponse Code = "decode.not-response"

	StatusSuccess Code = "status.success"
	StatusFailure Code = "status.failure"

	SignatureOK             Code = "signature.ok"
	SignatureSHA1           Code = "signature.sha1"
	SignatureMissing        Code = "signature.missing"
	SignatureInvalid        Code = "signature.invalid"
	SignatureDigestMismatch Code = "signature.digest-mismatch"
	SignatureUntrustedKey   Code = "signature.untrusted-key"
	SignatureAlgorithm      Code = "signature.algorithm"
	SignatureTransform      Code = "signature.transform"
	SignatureReference      Code = "signature.reference"
	SignatureStructure      Code = "signature.structure"
	SignatureWrapping       Code = "signature.wrapping"
	SignatureComment        Code = "signature.comment"

	CertificateOK         Code = "certificate.ok"
	CertificateExpired    Code = "certificate.expired"
	CertificateExpiring   Code = "certificate.expiring"
	CertificateNotYet     Code = "certificate.not-yet-valid"
	CertificateNotPresent Code = "certificate.missing"

	AssertionOne           Code = "assertion.one"
	AssertionMissing       Code = "assertion.missing"
	AssertionMultiple      Code = "assertion.multiple"
	AssertionEncrypted     Code = "assertion.encrypted"
	AssertionDecryptFailed Code = "assertion.decrypt-failed"

	IssuerOK       Code = "issuer.ok"
	IssuerMismatch Code = "issuer.mismatch"
	IssuerMissing  Code = "issuer.missing"
	IssuerFormat   Code = "issuer.format"

	AssertionIssuerOK       Code = "assertion-issuer.ok"
	AssertionIssuerMismatch Code = "assertion-issuer.mismatch"
	AssertionIssuerMissing  Code = "assertion-issuer.missing"
	AssertionIssuerFormat   Code = "assertion-issuer.format"

	DestinationOK       Code = "destination.ok"
	DestinationAbsent   Code = "destination.absent"
	DestinationMismatch Code = "destination.mismatch"

	RecipientOK       Code = "recipient.ok"
	RecipientMismatch Code = "recipient.mismatch"
	RecipientMissing  Code = "recipient.missing"

	AudienceOK       Code = "audience.ok"
	AudienceMismatch Code = "audience.mismatch"
	AudienceMissing  Code = "audience.missing"

	TimeOK        Code = "time.ok"
	TimeExpired   Code = "time.expired"
	TimeNotYet    Code = "time.not-yet-valid"
	TimeMissing   Code = "time.missing"
	TimeMalformed Code = "time.malformed"

	IssueInstantOK     Code = "issue-instant.ok"
	IssueInstantFuture Code = "issue-instant.future"
	IssueInstantStale  Code = "issue-instant.stale"

	ConfirmationOK        Code = "confirmation.ok"
	ConfirmationMissing   Code = "confirmation.missing"
	ConfirmationNotBearer Code = "confirmation.not-bearer"
	ConfirmationExpired   Code = "confirmation.expired"
	ConfirmationNoExpiry  Code = "confirmation.no-expiry"

	InResponseToOK          Code = "in-response-to.ok"
	InResponseToUnsolicited Code = "in-response-to.unsolicited"
	InResponseToUnknown     Code = "in-response-to.unknown"
	InResponseToExpired     Code = "in-response-to.expired"
	InResponseToMissing     Code = "in-response-to.missing"
	InResponseToMismatch    Code = "in-response-to.mismatch"

	RelayStateOK      Code = "relay-state.ok"
	RelayStateChanged Code = "relay-state.changed"

	ReplayOK        Code = "replay.ok"
	ReplayDetected  Code = "replay.detected"
	ReplayCacheFull Code = "replay.cache-full"

	AuthnStatementOK      Code = "authn-statement.ok"
	AuthnStatementMissing Code = "authn-statement.missing"

	AttributesOK        Code = "attributes.ok"
	AttributesDuplicate Code = "attributes.duplicate"
	AttributesEncrypted Code = "attributes.encrypted"

	NameIDOK       Code = "nameid.ok"
	NameIDMissing  Code = "nameid.missing"
	NameIDFormat   Code = "nameid.format"
	NameIDNotEmail Code = "nameid.not-email"

	EmailOK      Code = "email.ok"
	EmailMissing Code = "email.missing"
	EmailInvalid Code = "email.invalid"

	RolesOK      Code = "roles.ok"
	RolesMissing Code = "roles.missing"
	RolesNoAgent Code = "roles.no-agent"
	RolesCase    Code = "roles.case"
)

type codeInfo struct{ summary, fix string }

var codeTable = map[Code]codeInfo{
	DecodeOK:          {"the message is a well-formed SAML Response", fixNoChange},
	DecodeMalformed:   {"the message is not well-formed XML, base64 or form data", fixIdP},
	DecodeDoctype:     {"the message carries a DOCTYPE or entity declaration", fixIdP},
	DecodeLimit:       {"the message exceeds a size, depth or count limit", fixIdP},
	DecodeNotResponse: {"the root element is not a SAML 2.0 protocol Response", fixIdP},

	StatusSuccess: {"the Response Status is Success", fixNoChange},
	StatusFailure: {"the Response Status is not Success", fixIdP},

	SignatureOK: {"the signature verifies with the configured certificate",
		fixNoChange},
	SignatureSHA1: {"the signature uses SHA-1: the real SP accepts it, " +
		"but AWS can issue a SHA-256 certificate", fixAWSCert},
	SignatureMissing: {"neither the Response nor its Assertion is signed", fixIdP},
	SignatureInvalid: {"the signature value does not verify with the configured " +
		"certificate", fixFLCert},
	SignatureDigestMismatch: {"the signed content was changed after signing", fixIdP},
	SignatureUntrustedKey: {"the message was signed with a certificate other than " +
		"the configured one", fixFLCert},
	SignatureAlgorithm: {"the signature or digest algorithm is not allowed", fixIdP},
	SignatureTransform: {"the signature uses a transform other than enveloped " +
		"and exclusive c14n", fixIdP},
	SignatureReference: {"the signature's Reference does not point at the " +
		"element that carries it", fixIdP},
	SignatureStructure: {"the Signature element is malformed or repeated", fixIdP},
	SignatureWrapping: {"the signed element is not where the claims are read " +
		"from (signature wrapping)", fixIdP},
	SignatureComment: {"a comment splits a signed text value, such as the NameID: " +
		"the signature does not cover it and parsers disagree on the value", fixIdP},

	CertificateOK:      {"the configured certificate is inside its validity", fixNoChange},
	CertificateExpired: {"the configured certificate has expired", fixFLCert},
	CertificateExpiring: {"the configured certificate expires within 90 days",
		fixAWSCert},
	CertificateNotYet:     {"the configured certificate is not yet valid", fixFLCert},
	CertificateNotPresent: {"no IdP certificate is configured", fixFLCert},

	AssertionOne:      {"the Response holds exactly one Assertion", fixNoChange},
	AssertionMissing:  {"the Response holds no Assertion", fixIdP},
	AssertionMultiple: {"the Response holds more than one Assertion", fixIdP},
	AssertionEncrypted: {"the Assertion is encrypted and no SP key was given",
		"samlharness check: pass --sp-key"},
	AssertionDecryptFailed: {"the EncryptedAssertion cannot be decrypted",
		"samlharness check: pass the SP key the IdP encrypted for"},

	IssuerOK:       {"the Response Issuer equals the configured issuer", fixNoChange},
	IssuerMismatch: {"the Response Issuer differs from the configured issuer", fixFLIssuer},
	IssuerMissing:  {"the Response has no Issuer", fixIdP},
	IssuerFormat:   {"the Response Issuer Format is not entity", fixIdP},

	AssertionIssuerOK: {"the Assertion Issuer equals the configured issuer",
		fixNoChange},
	AssertionIssuerMismatch: {"the Assertion Issuer differs from the configured " +
		"issuer", fixFLIssuer},
	AssertionIssuerMissing: {"the Assertion has no Issuer", fixIdP},
	AssertionIssuerFormat:  {"the Assertion Issuer Format is not entity", fixIdP},

	DestinationOK:       {"the Response Destination equals the ACS URL", fixNoChange},
	DestinationAbsent:   {"the Response has no Destination (allowed)", fixNoChange},
	DestinationMismatch: {"the Response Destination differs from the ACS URL", fixAWSACS},

	RecipientOK:       {"the SubjectConfirmationData Recipient equals the ACS URL", fixNoChange},
	RecipientMismatch: {"the Recipient differs from the ACS URL", fixAWSACS},
	RecipientMissing:  {"the SubjectConfirmationData has no Recipient", fixIdP},

	AudienceOK:       {"the AudienceRestriction names the SP entity ID", fixNoChange},
	AudienceMismatch: {"no Audience equals the SP entity ID", fixAWSAudience},
	AudienceMissing:  {"the Assertion has no AudienceRestriction", fixAWSAudience},

	TimeOK:        {"now is inside the Conditions window, with the skew", fixNoChange},
	TimeExpired:   {"the Conditions NotOnOrAfter has passed", fixClock},
	TimeNotYet:    {"the Conditions NotBefore is in the future", fixClock},
	TimeMissing:   {"the Assertion has no Conditions", fixIdP},
	TimeMalformed: {"a time in the message is not a valid xs:dateTime", fixIdP},

	IssueInstantOK: {"the Response was issued just now", fixNoChange},
	IssueInstantFuture: {"the Response or Assertion IssueInstant is in the future",
		fixClocks},
	IssueInstantStale: {"the Response or Assertion was issued too long ago", fixClocks +
		"; for a captured Response, judge it as it was then: samlharness check --at capture"},

	ConfirmationOK: {"a bearer SubjectConfirmation is present and unexpired",
		fixNoChange},
	ConfirmationMissing:   {"the Subject has no SubjectConfirmation", fixIdP},
	ConfirmationNotBearer: {"no SubjectConfirmation uses the bearer method", fixIdP},
	ConfirmationExpired: {"the SubjectConfirmationData NotOnOrAfter has passed",
		fixClock},
	ConfirmationNoExpiry: {"the SubjectConfirmationData has no NotOnOrAfter", fixIdP},

	InResponseToOK: {"InResponseTo matches the login that was started", fixNoChange},
	InResponseToUnsolicited: {"the Response answers no request (IdP-initiated)",
		"Frontline policy: allow IdP-initiated logins, or start the login from Frontline"},
	InResponseToUnknown: {"InResponseTo names no outstanding AuthnRequest", fixSPFlow},
	InResponseToExpired: {"InResponseTo names an AuthnRequest the SP no longer " +
		"waits for: the login took too long", fixSPFlow},
	InResponseToMissing: {"the SP sent an AuthnRequest but the Response has " +
		"no InResponseTo", fixIdP},
	InResponseToMismatch: {"the Response and SubjectConfirmationData " +
		"InResponseTo differ", fixIdP},

	RelayStateOK:      {"the RelayState came back as expected", fixNoChange},
	RelayStateChanged: {"the RelayState differs from the one expected", fixAWSRelayState},

	ReplayOK:       {"the Assertion ID has not been seen before", fixNoChange},
	ReplayDetected: {"the Assertion was already used for a login", fixSPFlow},
	ReplayCacheFull: {"the SP remembers too many unexpired Assertions to take " +
		"another; it refuses rather than forget one", "wait for Assertions to expire"},

	AuthnStatementOK:      {"the Assertion has an AuthnStatement", fixNoChange},
	AuthnStatementMissing: {"the Assertion has no AuthnStatement", fixIdP},

	AttributesOK: {"each attribute appears once", fixNoChange},
	AttributesDuplicate: {"two Attribute elements share a Name; the SP rejects " +
		"the Response", fixAWSMappings},
	AttributesEncrypted: {"the Assertion carries EncryptedAttribute elements",
		fixAWSMappings},

	NameIDOK:      {"the NameID is an email address in emailAddress format", fixNoChange},
	NameIDMissing: {"the Subject has no NameID", fixAWSSubject},
	NameIDFormat: {"the NameID Format is not emailAddress", fixAWSSubject +
		": set the format to emailAddress"},
	NameIDNotEmail: {"the NameID is not an email address", fixAWSSubject +
		": map it to ${user:email}"},

	EmailOK:      {"the email attribute holds one valid address", fixNoChange},
	EmailMissing: {"no attribute named email", fixAWSMappings + ": add email = ${user:email}"},
	EmailInvalid: {"the email attribute is not a single valid address",
		fixAWSMappings + ": map email to ${user:email}"},

	RolesOK:      {"the roles attribute contains agent", fixNoChange},
	RolesMissing: {"no attribute named roles", fixAWSMappings + ": add roles = agent"},
	RolesNoAgent: {"the roles attribute does not contain agent",
		fixAWSMappings + ": set roles to agent"},
	RolesCase: {"the roles value differs from agent only in case",
		fixAWSMappings + ": write roles in lower case, agent"},
}
