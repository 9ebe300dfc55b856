package assertions

import (
	"bytes"
	"compress/flate"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The values of a Frontline realm and an AWS application, as DOMAIN.md
// spells them.
const (
	testRealm    = "JBdc4f8d2c5b1e4a7f9e3d6c2b1a0f9e8d"
	testACS      = "https://iam.twilio.com/v2/saml2/authenticate/" + testRealm
	testAudience = "https://iam.twilio.com/v2/saml2/metadata/" + testRealm
	testIssuer   = "https://portal.sso.us-east-1.amazonaws.com/saml/assertion/" +
		"MTIzNDU2Nzg5MDEyX2lucy00ZjNjMmIxYTA5ZThkN2M2"
)

var testIssued = time.Date(2026, 12, 4, 12, 0, 0, 123e6, time.UTC)

type keyPair struct {
	key  *rsa.PrivateKey
	cert *x509.Certificate
}

// testKeys returns two AWS-like key pairs, made once per test binary: the
// configured one and an attacker's with the same subject.
var testKeys = sync.OnceValue(func() [2]keyPair {
	var pairs [2]keyPair
	for i := range pairs {
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		name := pkix.Name{CommonName: "amazonaws.com", OrganizationalUnit: []string{"IDAS"},
			Organization: []string{"Amazon"}, Country: []string{"US"}}
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(int64(i + 1)), Subject: name,
			Issuer: name, NotBefore: testIssued.AddDate(-1, 0, 0),
			NotAfter: testIssued.AddDate(4, 0, 0)}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
		if err != nil {
			panic(err)
		}
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			panic(err)
		}
		pairs[i] = keyPair{key, cert}
	}
	return pairs
})

func validSpec() ResponseSpec {
	return ResponseSpec{
		ResponseID:          "_7f3c0a1e-1b2c-4d5e-8f90-a1b2c3d4e5f6",
		AssertionID:         "_0e9d8c7b-6a59-4847-9382-716253443526",
		IssueInstant:        testIssued,
		Issuer:              testIssuer,
		Destination:         testACS,
		Audience:            testAudience,
		NotOnOrAfter:        testIssued.Add(time.Hour),
		SessionNotOnOrAfter: testIssued.Add(time.Hour),
		SessionIndex:        "_5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d",
		NameID:              "alice@example.com",
		NameIDFormat:        NameIDFormatEmail,
		Attributes: []Attribute{
			{Name: "email", NameFormat: AttrNameFormatUnspecified,
				Values: []string{"alice@example.com"}},
			{Name: "roles", NameFormat: AttrNameFormatUnspecified, Values: []string{"agent"}},
		},
	}
}

func validExpected() Expected {
	return Expected{
		Issuer:           testIssuer,
		Audience:         testAudience,
		ACSURL:           testACS,
		Certificates:     []*x509.Certificate{testKeys()[0].cert},
		AllowUnsolicited: true,
		Now:              testIssued.Add(5 * time.Second),
	}
}

var (
	// responseIssuer matches the Response and its Issuer, the first one.
	responseIssuer = regexp.MustCompile(`^(.*?<saml2p:Response[^>]*>)<saml2:Issuer[^>]*>[^<]*` +
		`</saml2:Issuer>`)
	keyInfoCert = regexp.MustCompile(`<ds:X509Certificate>[^<]*</ds:X509Certificate>`)
)

// pemInKeyInfo rewrites an X509Certificate element to hold base64 of the
// PEM text, as some IdPs write it.
func pemInKeyInfo(el string) string {
	const open, end = "<ds:X509Certificate>", "</ds:X509Certificate>"
	der, err := base64.StdEncoding.DecodeString(el[len(open) : len(el)-len(end)])
	if err != nil {
		panic(err)
	}
	text := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	return open + base64.StdEncoding.EncodeToString(text) + end
}

func signed(t *testing.T, spec ResponseSpec, what SignWhat, pair keyPair, alg string) []byte {
	t.Helper()
	xml, err := Signer{Key: pair.key, Certificate: pair.cert, Algorithm: alg}.
		SignedXML(spec, what)
	require.NoError(t, err)
	return xml
}

func TestValidateChecks(t *testing.T) {
	t.Parallel()
	good, attacker := testKeys()[0], testKeys()[1]
	tests := []struct {
		name   string
		spec   func(*ResponseSpec)
		exp    func(*Expected)
		what   SignWhat
		pair   *keyPair
		alg    string
		edit   func(string) string
		accept bool
		codes  []Code // the codes that must appear, failing or warning
	}{
		{name: "valid, both signed", accept: true, codes: []Code{SignatureOK, AudienceOK}},
		{name: "only the Assertion signed", what: SignAssertion, accept: true,
			codes: []Code{SignatureOK}},
		{name: "only the Response signed", what: SignResponse, accept: true,
			codes: []Code{SignatureOK}},
		{name: "unsigned", what: SignNone, codes: []Code{SignatureMissing}},
		{name: "signed by another key, its certificate in KeyInfo", pair: &attacker,
			codes: []Code{SignatureUntrustedKey}},
		{name: "content changed after signing", codes: []Code{SignatureDigestMismatch},
			edit: func(s string) string {
				return strings.Replace(s, ">agent<", ">admin<", 1)
			}},
		{name: "SHA-1 warns", alg: AlgorithmRSASHA1, accept: true,
			codes: []Code{SignatureSHA1}},
		{name: "SHA-1 refused by policy", alg: AlgorithmRSASHA1,
			exp: func(e *Expected) { e.RejectSHA1 = true }, codes: []Code{SignatureSHA1}},
		{name: "status not success",
			spec:  func(s *ResponseSpec) { s.StatusCode = "urn:oasis:names:tc:SAML:2.0:status:Requester" },
			codes: []Code{StatusFailure}},
		{name: "issuer with trailing slash in Frontline",
			exp:   func(e *Expected) { e.Issuer = testIssuer + "/" },
			codes: []Code{IssuerMismatch, AssertionIssuerMismatch}},
		{name: "ACS with another realm",
			spec: func(s *ResponseSpec) {
				s.Destination = strings.Replace(testACS, "JBdc", "JBff", 1)
			},
			codes: []Code{DestinationMismatch, RecipientMismatch}},
		{name: "no Destination is allowed",
			spec:   func(s *ResponseSpec) { s.Destination, s.Recipient = "", testACS },
			accept: true, codes: []Code{DestinationAbsent}},
		{name: "audience typo",
			spec:  func(s *ResponseSpec) { s.Audience = testAudience + "x" },
			codes: []Code{AudienceMismatch}},
		{name: "two hours later", exp: func(e *Expected) { e.Now = testIssued.Add(2 * time.Hour) },
			codes: []Code{TimeExpired, IssueInstantStale, ConfirmationExpired}},
		{name: "IdP clock 5 minutes ahead",
			exp:   func(e *Expected) { e.Now = testIssued.Add(-5 * time.Minute) },
			codes: []Code{TimeNotYet, IssueInstantFuture}},
		{name: "IdP clock 2 minutes ahead is inside the skew",
			exp:    func(e *Expected) { e.Now = testIssued.Add(-2 * time.Minute) },
			accept: true, codes: []Code{TimeOK}},
		{name: "IdP clock 5 minutes behind",
			exp:   func(e *Expected) { e.Now = testIssued.Add(5 * time.Minute) },
			codes: []Code{IssueInstantStale}},
		{name: "answers a request never sent",
			spec:  func(s *ResponseSpec) { s.InResponseTo = "ONELOGIN_1234" },
			codes: []Code{InResponseToUnknown}},
		{name: "answers the outstanding request",
			spec:   func(s *ResponseSpec) { s.InResponseTo = "ONELOGIN_1234" },
			exp:    func(e *Expected) { e.RequestIDs = []string{"ONELOGIN_1234"} },
			accept: true, codes: []Code{InResponseToOK}},
		{name: "request sent, unsolicited answer",
			exp:   func(e *Expected) { e.RequestIDs = []string{"ONELOGIN_1234"} },
			codes: []Code{InResponseToMissing}},
		{name: "unsolicited refused by policy",
			exp:   func(e *Expected) { e.AllowUnsolicited = false },
			codes: []Code{InResponseToUnsolicited}},
		{name: "relay state changed",
			exp: func(e *Expected) {
				e.CheckRelayState, e.RelayState, e.GotRelayState = true, "abc", "abd"
			},
			codes: []Code{RelayStateChanged}},
		{name: "replayed",
			exp:   func(e *Expected) { e.Replay = func(string) Code { return ReplayDetected } },
			codes: []Code{ReplayDetected}},
		{name: "subject format unspecified",
			spec:  func(s *ResponseSpec) { s.NameIDFormat = NameIDFormatUnspecified },
			codes: []Code{NameIDFormat}},
		{name: "subject format unspecified, lax policy",
			spec:   func(s *ResponseSpec) { s.NameIDFormat = NameIDFormatUnspecified },
			exp:    func(e *Expected) { e.LaxNameID = true },
			accept: true, codes: []Code{NameIDFormat}},
		{name: "subject mapped to the user ID",
			spec:  func(s *ResponseSpec) { s.NameID = "906721a8-4041-70c9-2b6d-4c1d2e3f4a5b" },
			codes: []Code{NameIDNotEmail}},
		{name: "email not mapped",
			spec:  func(s *ResponseSpec) { s.Attributes = s.Attributes[1:] },
			codes: []Code{EmailMissing}},
		{name: "email holds a user name",
			spec:  func(s *ResponseSpec) { s.Attributes[0].Values = []string{"alice"} },
			codes: []Code{EmailInvalid}},
		{name: "roles missing",
			spec:  func(s *ResponseSpec) { s.Attributes = s.Attributes[:1] },
			codes: []Code{RolesMissing}},
		{name: "roles Agent", spec: func(s *ResponseSpec) { s.Attributes[1].Values = []string{"Agent"} },
			codes: []Code{RolesCase}},
		{name: "roles admin", spec: func(s *ResponseSpec) { s.Attributes[1].Values = []string{"admin"} },
			codes: []Code{RolesNoAgent}},
		{name: "roles as two Attribute elements",
			spec: func(s *ResponseSpec) {
				s.Attributes = append(s.Attributes, Attribute{Name: "roles",
					Values: []string{"supervisor"}})
			},
			codes: []Code{AttributesDuplicate}},
		{name: "roles with several values in one Attribute",
			spec:   func(s *ResponseSpec) { s.Attributes[1].Values = []string{"supervisor", "agent"} },
			accept: true, codes: []Code{RolesOK}},
		{name: "generic SAML rules skip the claims",
			spec:   func(s *ResponseSpec) { s.Attributes = nil },
			exp:    func(e *Expected) { e.Rules = RulesSAML },
			accept: true, codes: []Code{SignatureOK}},
		{name: "configured certificate expired warns",
			exp:    func(e *Expected) { e.Now = testIssued; e.ExpiryWarning = 5 * 365 * 24 * time.Hour },
			accept: true, codes: []Code{CertificateExpiring}},
		{name: "no Response Issuer is allowed", what: SignAssertion, accept: true,
			codes: []Code{AssertionIssuerOK}, edit: func(s string) string {
				return responseIssuer.ReplaceAllString(s, "$1")
			}},
		{name: "KeyInfo certificate as base64 of its PEM text", what: SignAssertion,
			accept: true, codes: []Code{SignatureOK}, edit: func(s string) string {
				return keyInfoCert.ReplaceAllStringFunc(s, pemInKeyInfo)
			}},
		{name: "enveloped transform twice", codes: []Code{SignatureTransform},
			edit: func(s string) string {
				const tr = `<ds:Transform Algorithm="` + algEnveloped + `"/>`
				return strings.ReplaceAll(s, tr, tr+tr)
			}},
		{name: "prefix undeclared", codes: []Code{DecodeMalformed},
			edit: func(s string) string {
				return strings.Replace(s, "<saml2:Subject>", `<saml2:Subject xmlns:ds="">`, 1)
			}},
		{name: "two root elements", codes: []Code{DecodeMalformed},
			edit: func(s string) string { return s + "<saml2p:Response/>" }},
		{name: "DOCTYPE", edit: func(s string) string {
			return `<!DOCTYPE r [<!ENTITY x "y">]>` + s
		}, codes: []Code{DecodeDoctype}},
		{name: "DOCTYPE whose entity is used", edit: func(s string) string {
			s = strings.Replace(s, ">alice@example.com<", ">&x;<", 1)
			return `<!DOCTYPE r [<!ENTITY x "y">]>` + s
		}, codes: []Code{DecodeDoctype}},
		{name: "not a Response", edit: func(s string) string {
			return `<foo xmlns="urn:x"/>`
		}, codes: []Code{DecodeNotResponse}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			spec, exp := validSpec(), validExpected()
			if tt.spec != nil {
				tt.spec(&spec)
			}
			if tt.exp != nil {
				tt.exp(&exp)
			}
			what, pair := SignBoth, good
			if tt.what != "" {
				what = tt.what
			}
			if tt.pair != nil {
				pair = *tt.pair
			}
			xml := signed(t, spec, what, pair, tt.alg)
			if tt.edit != nil {
				xml = []byte(tt.edit(string(xml)))
			}
			rep := Validate(xml, exp)
			got := map[Code]Status{}
			for _, c := range rep.Checks {
				got[c.Code] = c.Status
			}
			for _, c := range tt.codes {
				assert.Contains(t, got, c, "report lacks %s: failed %v", c, rep.Failed())
			}
			assert.Equal(t, tt.accept, rep.Accepted, "failed: %v", rep.Failed())
			assert.Len(t, rep.Checks, 21, "every check is reported")
			for _, c := range rep.Checks {
				if c.Status == Fail || c.Status == Warn {
					assert.NotEmpty(t, c.Fix, "%s has no fix", c.Code)
					assert.True(t, c.Code.Known(), "%s is undocumented", c.Code)
				}
			}
		})
	}
}

// TestInResponseToMustBeSigned: which request a login answers must come
// from signed content. An IdP-initiated Assertion signed alone, whose
// unsigned Response is given the victim's outstanding request ID, must
// not pass for the answer to that request (SAML profiles §4.1.4.3 binds
// the request in the bearer SubjectConfirmationData; crewjam/saml
// requires it there when IdP-initiated logins are off).
func TestInResponseToMustBeSigned(t *testing.T) {
	t.Parallel()
	pair := testKeys()[0]
	const request = "ONELOGIN_4fee3b046395c4e751011e97f8900b5273d56685"
	unsolicited := string(signed(t, validSpec(), SignAssertion, pair, ""))
	claimed := strings.Replace(unsolicited, "<saml2p:Response ",
		`<saml2p:Response InResponseTo="`+request+`" `, 1)
	require.NotEqual(t, unsolicited, claimed)

	for _, allow := range []bool{true, false} {
		exp := validExpected()
		exp.RequestIDs, exp.AllowUnsolicited = []string{request}, allow
		rep := Validate([]byte(claimed), exp)
		assert.False(t, rep.Accepted, "unsolicited %v: %v", allow, rep.Failed())
		assert.Contains(t, rep.Failed(), InResponseToMissing)
	}

	// Signed where it counts, the same request ID is the answer.
	spec := validSpec()
	spec.InResponseTo = request
	for _, what := range []SignWhat{SignAssertion, SignBoth} {
		exp := validExpected()
		exp.RequestIDs, exp.AllowUnsolicited = []string{request}, false
		rep := Validate(signed(t, spec, what, pair, ""), exp)
		assert.True(t, rep.Accepted, "%s: %v", what, rep.Failed())
	}
}

// TestReportErr: a rejected report's Err matches each failed check's code
// and no other; an accepted report, and the nil Report of a login that got
// no SAML response, return nil.
func TestReportErr(t *testing.T) {
	t.Parallel()
	exp := validExpected()
	exp.Audience = "https://iam.twilio.com/v2/saml2/metadata/JBother"
	rep := Validate(signed(t, validSpec(), SignBoth, testKeys()[0], ""), exp)
	require.False(t, rep.Accepted)
	assert.ErrorIs(t, rep.Err(), AudienceMismatch)
	assert.NotErrorIs(t, rep.Err(), IssuerMismatch)

	ok := Validate(signed(t, validSpec(), SignBoth, testKeys()[0], ""), validExpected())
	require.True(t, ok.Accepted, "%v", ok.Failed())
	assert.NoError(t, ok.Err())
	var none *Report
	assert.NoError(t, none.Err())
}

// TestValidatePost: the HTTP-POST binding carries base64 of the XML
// (SAML bindings §3.5.4); an ACS refuses the field in any other shape.
func TestValidatePost(t *testing.T) {
	t.Parallel()
	xml := signed(t, validSpec(), SignBoth, testKeys()[0], "")
	var deflated bytes.Buffer
	w, err := flate.NewWriter(&deflated, flate.BestSpeed)
	require.NoError(t, err)
	_, err = w.Write(xml)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	b64 := base64.StdEncoding.EncodeToString(xml)

	rep := ValidatePost([]byte(b64), validExpected())
	assert.True(t, rep.Accepted, "%v", rep.Failed())
	for name, field := range map[string]string{
		"raw XML":     string(xml),
		"DEFLATE":     base64.StdEncoding.EncodeToString(deflated.Bytes()),
		"nested form": "SAMLResponse=" + url.QueryEscape(b64),
	} {
		rep := ValidatePost([]byte(field), validExpected())
		assert.Equal(t, []Code{DecodeMalformed}, rep.Failed(), name)
	}
}

// TestXMLDeclaration: an XML declaration may name UTF-8 in any case, or no
// encoding, or be left out (XML 1.0 §4.3.3: UTF-8 is then the default);
// any other encoding name is refused, however close to UTF-8.
func TestXMLDeclaration(t *testing.T) {
	t.Parallel()
	xml := string(signed(t, validSpec(), SignBoth, testKeys()[0], ""))
	const decl = `<?xml version="1.0" encoding="UTF-8"?>`
	require.True(t, strings.HasPrefix(xml, decl))
	body := strings.TrimPrefix(xml, decl)
	for _, d := range []string{"", `<?xml version="1.0"?>`,
		`<?xml version="1.0" encoding="utf-8"?>`,
		`<?xml version='1.0' encoding='UTF-8' standalone='yes'?>`} {
		rep := Validate([]byte(d+body), validExpected())
		assert.True(t, rep.Accepted, "%q: %v", d, rep.Failed())
	}
	for _, d := range []string{`<?xml version="1.0" encoding="X-UTF-8-EBCDIC"?>`,
		`<?xml version="1.0" encoding="UTF-16"?>`,
		`<?xml version="1.0" standalone="maybe"?>`} {
		rep := Validate([]byte(d+body), validExpected())
		assert.Equal(t, []Code{DecodeMalformed}, rep.Failed(), d)
	}
}

// TestReportClipsValues: a Response whose Issuers are 256 KiB long each is
// reported with the start of the Issuer and its length, not all of it.
func TestReportClipsValues(t *testing.T) {
	t.Parallel()
	spec := validSpec()
	spec.Issuer = strings.Repeat("é", 1<<17) // 256 KiB of two-byte characters
	rep := Validate(signed(t, spec, SignBoth, testKeys()[0], ""), validExpected())
	require.Contains(t, rep.Failed(), IssuerMismatch)
	for _, c := range rep.Checks {
		assert.LessOrEqual(t, len(c.Actual), 1100, c.Code)
		assert.True(t, utf8.ValidString(c.Actual), c.Code)
		if c.Code == IssuerMismatch {
			assert.True(t, strings.HasSuffix(c.Actual, fmt.Sprintf("… (%d bytes)", 1<<18)),
				c.Actual[len(c.Actual)-40:])
		}
	}
}
