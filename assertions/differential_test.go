package assertions_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/crewjam/saml"
	dsig "github.com/russellhaering/goxmldsig"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/samlharness/samlharness/assertions"
	"github.com/samlharness/samlharness/fixtures"
	"github.com/samlharness/samlharness/sp"
)

// The differential tests run crewjam/saml v0.6.3's ServiceProvider, set
// up as the emulated Frontline (same IdP certificate and issuer, entity
// ID, ACS URL, clock, unsolicited and SHA-1 policy, a replay cache), on
// the same messages as [assertions.Validate]. The rule: wherever crewjam
// refuses, we refuse. Every message the two judge differently is listed
// below with the reason; our policy follows DOMAIN.md's Frontline SP (the
// OneLogin toolkit) and attacks.md. A listed message that no longer
// differs fails the test, so the lists stay true.

// A difference is why we judge a message otherwise than crewjam.
type difference struct {
	// weAccept is our verdict; crewjam's is the opposite.
	weAccept bool
	why      string
}

// attackDifferences are the attacks and quirks judged differently.
var attackDifferences = map[string]difference{
	"comment-in-nameid": {false, "crewjam reads the whole text and accepts the " +
		"signed address; we refuse text split by a comment (attacks.md: reject " +
		"comments in text-valued elements), as no IdP writes one"},
	"comment-in-attribute-value": {false, "as comment-in-nameid, in the email value"},
	"oversize": {false, "crewjam sets no size limit on the XML it is handed; we " +
		"refuse more than DefaultLimits.MaxBytes before parsing (the ACS refuses " +
		"the body with 413 first)"},
	"duplicate-attribute": {false, "crewjam's etree keeps the last of two equal " +
		"attributes, and the signature still verifies; XML 1.0 (unique attribute " +
		"specification) makes such a document not well-formed, and a careful " +
		"SP's parser refuses it"},
	"encoding-not-utf8": {false, "crewjam reads the document as UTF-8 whatever " +
		"its XML declaration names; an SP that honours the declaration decodes " +
		"other characters, so we refuse any encoding but UTF-8"},
	"xml-namespace-rebound": {false, "crewjam's parser takes a prefix bound to " +
		"the XML namespace; XML Namespaces 1.0 forbids it, and careful parsers " +
		"(libxml2, Xerces) refuse the document"},
	"issuer-format": {false, "crewjam ignores the Issuer Format; profiles " +
		"§4.1.4.2 says the Issuer MUST be omitted or have the entity Format"},
	"assertion-issuer-format": {false, "as issuer-format, on the Assertion"},
	"id-vs-Id-decoy": {false, "crewjam ignores an Id decoy in Extensions; we " +
		"refuse any repeated ID, Id or AssertionID value (attacks.md)"},
	"prefixed-id-decoy": {false, "as id-vs-Id-decoy, with a prefixed x:ID"},
	"duplicate-id": {false, "the Response carries its Assertion's ID: crewjam " +
		"verifies the Assertion and reads it; we refuse duplicate IDs outright " +
		"(attacks.md), as a resolver by ID could pick either"},
	"xsw7": {false, "crewjam reads the signed Assertion and ignores the forged " +
		"copy in Extensions (its claims are the signed ones); we refuse a second " +
		"Assertion anywhere and the repeated ID"},
	"second-root": {false, "crewjam reads the first root and ignores the forged " +
		"second one; we refuse a document with two roots, as an XML parser does"},
	"doctype": {false, "crewjam accepts a DOCTYPE that declares nothing; we " +
		"refuse any DOCTYPE (attacks.md)"},
	"entity-expansion": {false, "crewjam accepts a DOCTYPE whose entities go " +
		"unused (encoding/xml never expands them); we refuse any DOCTYPE"},
	"odd-directive": {false, "crewjam passes a stray <!ELEMENT> directive; we " +
		"refuse any directive before the root"},
}

// crewjamSP returns crewjam's ServiceProvider configured as exp expects.
func crewjamSP(t *testing.T, exp assertions.Expected) *saml.ServiceProvider {
	t.Helper()
	acs, err := url.Parse(exp.ACSURL)
	require.NoError(t, err)
	md, err := url.Parse(exp.Audience)
	require.NoError(t, err)
	var certs []saml.X509Certificate
	for _, c := range exp.Certificates {
		certs = append(certs, saml.X509Certificate{
			Data: base64.StdEncoding.EncodeToString(c.Raw)})
	}
	now := exp.Now
	if now.IsZero() {
		now = time.Now()
	}
	s := &saml.ServiceProvider{
		EntityID: exp.Audience, AcsURL: *acs, MetadataURL: *md,
		IDPMetadata: &saml.EntityDescriptor{EntityID: exp.Issuer,
			IDPSSODescriptors: []saml.IDPSSODescriptor{{SSODescriptor: saml.SSODescriptor{
				RoleDescriptor: saml.RoleDescriptor{KeyDescriptors: []saml.KeyDescriptor{{
					Use: "signing", KeyInfo: saml.KeyInfo{X509Data: saml.X509Data{
						X509Certificates: certs}}}}}}}}},
		Clock:                   dsig.NewFakeClockAt(now),
		AllowIDPInitiated:       exp.AllowUnsolicited,
		RejectSHA1Signatures:    exp.RejectSHA1,
		IgnoreCertificateExpiry: !exp.StrictCertificateExpiry,
		ReplayCache:             &replayCache{seen: map[string]bool{}},
	}
	if key, ok := exp.DecryptionKey.(*rsa.PrivateKey); ok {
		s.Key = key
	}
	return s
}

// replayCache is a crewjam AssertionReplayCache in a map.
type replayCache struct {
	mu   sync.Mutex
	seen map[string]bool
}

func (c *replayCache) Consume(id string, _ time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen[id] {
		return saml.ErrAssertionReplayed
	}
	c.seen[id] = true
	return nil
}

// crewjamAccepts reports crewjam's verdict on the XML, posted to the
// URL exp.ReceivedURL (exp.ACSURL when empty); an error is the reason.
func crewjamAccepts(s *saml.ServiceProvider, xml []byte, exp assertions.Expected) (
	bool, error) {
	at := exp.ReceivedURL
	if at == "" {
		at = exp.ACSURL
	}
	u, err := url.Parse(at)
	if err != nil {
		return false, err
	}
	_, err = s.ParseXMLResponse(xml, exp.RequestIDs, *u)
	var ire *saml.InvalidResponseError
	if errors.As(err, &ire) && ire.PrivateErr != nil {
		err = ire.PrivateErr
	}
	return err == nil, err
}

// TestDifferentialAttacks judges every attack and quirk with crewjam.
func TestDifferentialAttacks(t *testing.T) {
	t.Parallel()
	k, err := fixtures.NewAttackKit(time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	var mu sync.Mutex
	differs := map[string]bool{}
	t.Run("cases", func(t *testing.T) {
		for _, a := range append(fixtures.Attacks(), fixtures.Quirks()...) {
			t.Run(a.Name, func(t *testing.T) {
				t.Parallel()
				ours, err := a.Validate(k)
				require.NoError(t, err)
				theirs, why := crewjamOnAttack(t, k, a)
				if ours.Accepted != theirs {
					mu.Lock()
					differs[a.Name] = true
					mu.Unlock()
				}
				checkVerdicts(t, attackDifferences, a.Name, ours.Accepted, theirs, why,
					ours.Failed())
			})
		}
	})
	for name, d := range attackDifferences {
		_, ok := fixtures.FindAttack(name)
		assert.True(t, ok, "listed, but no such case: %s", name)
		assert.True(t, differs[name], "listed, but crewjam agrees: %s (%s)", name, d.why)
	}
}

// crewjamOnAttack runs the case through crewjam as the ACS would receive
// it: twice for a replay, decoded from its form field.
func crewjamOnAttack(t *testing.T, k *fixtures.AttackKit, a fixtures.Attack) (bool, error) {
	t.Helper()
	xml, exp, err := attackXML(t, k, a)
	if err != nil {
		return false, err
	}
	s := crewjamSP(t, exp)
	ok, why := crewjamAccepts(s, xml, exp)
	if a.Twice && ok {
		ok, why = crewjamAccepts(s, xml, exp)
	}
	return ok, why
}

// attackXML builds a's message and decodes its form field, with limits
// wide enough for the attacks on the limits themselves to reach the
// judge, and returns the configuration it is judged with.
func attackXML(t *testing.T, k *fixtures.AttackKit, a fixtures.Attack) (
	[]byte, assertions.Expected, error) {
	t.Helper()
	msg, err := a.Build(k)
	require.NoError(t, err)
	exp, err := a.Expected(k)
	require.NoError(t, err)
	dec, err := assertions.Decode(a.Field(msg), assertions.Limits{MaxBytes: 64 << 20,
		MaxDepth: 1 << 20, MaxElements: 1 << 30, MaxNamespaces: 1 << 30})
	if err != nil {
		return nil, exp, err
	}
	return dec.XML, exp, nil
}

// checkVerdicts requires our verdict to be crewjam's, or a listed
// difference; crewjam refusing what we accept must be listed with a
// reason.
func checkVerdicts(t *testing.T, listed map[string]difference, name string,
	ours, theirs bool, why error, failed []assertions.Code) {
	t.Helper()
	d, isListed := listed[name]
	if ours == theirs {
		return
	}
	if assert.True(t, isListed, "unlisted difference: we accept %v, crewjam %v "+
		"(crewjam: %v; ours failed %v)", ours, theirs, why, failed) {
		assert.Equal(t, d.weAccept, ours, "listed the other way round: %s", d.why)
		t.Logf("difference: we accept %v, crewjam %v: %s", ours, theirs, d.why)
	}
}

// corpusDifferencesCrewjam are the corpus rows judged differently.
var corpusDifferencesCrewjam = map[string]difference{
	gs2 + "onelogin/olgn09_response_50.b64": {true, "a signed Response without " +
		"Destination: crewjam requires one (bindings §3.5.5.2); the OneLogin " +
		"toolkit, and DOMAIN.md's Frontline, check it only when present"},
	ruby + "invalids/response_invalid_signed_element.xml.base64": {false, "the " +
		"Response's Signature sits inside Status: crewjam finds and verifies it; " +
		"we refuse a Signature anywhere but as a child of the element it signs " +
		"(attacks.md: one hidden deeper)"},
	ruby + "unsigned_message_aes128gcm_encrypted_signed_assertion.xml.base64": {true,
		"the CipherValue is base64 wrapped over lines, which crewjam cannot " +
			"decode; attacks.md B accepts line breaks in base64"},
	ruby + "unsigned_message_aes256gcm_encrypted_signed_assertion.xml.base64": {true,
		"as the aes128gcm row"},
	ruby + "adfs_response_sha256.xml": {true, "KeyInfo holds base64 of the PEM " +
		"text, which crewjam cannot parse; we read it and compare it with the " +
		"configured certificate byte for byte"},
	ruby + "adfs_response_sha512.xml": {true, "as adfs_response_sha256.xml"},
	py + "invalids/duplicated_attributes.xml.base64": {false, "two Attribute " +
		"elements share a Name: crewjam keeps both; the OneLogin toolkit, and " +
		"DOMAIN.md's Frontline, refuse the Response"},
}

// TestDifferentialCorpus judges every row of the corpus with crewjam, set
// up as TestCorpus sets up Validate.
func TestDifferentialCorpus(t *testing.T) {
	t.Parallel()
	dir := corpusDir(t)
	cases := readCases(t, dir)
	var mu sync.Mutex
	differs := map[string]bool{}
	for _, c := range cases {
		t.Run(c.File, func(t *testing.T) {
			t.Parallel()
			input, err := os.ReadFile(filepath.Join(dir, c.File))
			require.NoError(t, err)
			msg, err := assertions.Decode(input, assertions.Limits{})
			require.NoError(t, err)
			exp := expectedFor(t, dir, c, msg.XML)
			// crewjam's MaxIssueDelay is the Frontline MaxAge: judge both
			// by it (TestCorpus sets no age limit, as generic SAML).
			exp.MaxAge = 0
			if c.At == "None" {
				exp.Now = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)
			}
			ours := assertions.Validate(msg.XML, exp)
			theirs, why := crewjamAccepts(crewjamSP(t, exp), msg.XML, exp)
			if ours.Accepted != theirs {
				mu.Lock()
				differs[c.File] = true
				mu.Unlock()
			}
			checkVerdicts(t, corpusDifferencesCrewjam, c.File, ours.Accepted, theirs, why,
				ours.Failed())
		})
	}
	t.Cleanup(func() {
		for name, d := range corpusDifferencesCrewjam {
			assert.True(t, differs[name], "listed, but crewjam agrees: %s (%s)", name, d.why)
		}
	})
}

// catalogueDifferences are the catalogue cases judged differently.
var catalogueDifferences = map[string]difference{
	"clock-2min-behind": {true, "the Response arrives 2 minutes after its " +
		"IssueInstant: crewjam allows MaxIssueDelay (90 s) without skew; the " +
		"OneLogin toolkit, and Frontline, add the 180 s clock drift"},
	"sp-request-expired": {false, "crewjam takes any ID the caller passes as " +
		"outstanding; our SP stops waiting for an AuthnRequest after " +
		"DefaultRequestLifetime"},
	"sp-request-never-sent": {false, "crewjam takes the ID as outstanding when " +
		"the caller passes it; our SP knows the session sent no such request"},
	"sp-relay-state-altered": {false, "crewjam leaves the RelayState to the " +
		"caller; our SP checks it came back unchanged"},
	"roles-split":                {false, frontlineRule},
	"email-capitalised":          {false, frontlineRule},
	"email-not-mapped":           {false, frontlineRule},
	"roles-other-value":          {false, frontlineRule},
	"roles-capitalised":          {false, frontlineRule},
	"roles-missing":              {false, frontlineRule},
	"subject-format-unspecified": {false, frontlineRule},
	"subject-user-subject":       {false, frontlineRule},
}

// frontlineRule is why crewjam accepts what only Frontline refuses.
const frontlineRule = "crewjam checks SAML only; Frontline also requires the " +
	"emailAddress NameID and one email and roles attribute holding agent " +
	"(DOMAIN.md), each with its code"

// TestDifferentialCatalogue runs every case of the misconfiguration
// catalogue through both mock consoles, then judges the Response that
// reached the ACS with crewjam, at the instant of our report.
func TestDifferentialCatalogue(t *testing.T) {
	t.Parallel()
	base, err := fixtures.Default(rand.Reader, time.Now().Add(-time.Hour))
	require.NoError(t, err)
	var mu sync.Mutex
	differs := map[string]bool{}
	t.Run("cases", func(t *testing.T) {
		for _, c := range fixtures.Cases() {
			t.Run(c.Name, func(t *testing.T) {
				t.Parallel()
				res := fixtures.RunCase(context.Background(), base, c)
				l := res.Login
				if l == nil || l.Form == nil || l.Report == nil {
					t.Skipf("no Response reached the ACS (%v)", res.Err)
				}
				cfg, err := c.Apply(base)
				require.NoError(t, err)
				s, err := sp.New(cfg.Frontline)
				require.NoError(t, err)
				exp := s.Expected(l.Report.At)
				exp.ReceivedURL = l.Form.Action
				if r := l.SPInitiated; r != nil && r.AuthnRequestID != "" {
					exp.RequestIDs = []string{r.AuthnRequestID}
				}
				msg, err := assertions.Decode([]byte(l.Form.Fields.Get("SAMLResponse")),
					assertions.Limits{})
				require.NoError(t, err)
				theirs, why := crewjamAccepts(crewjamSP(t, exp), msg.XML, exp)
				if l.Report.Accepted != theirs {
					mu.Lock()
					differs[c.Name] = true
					mu.Unlock()
				}
				checkVerdicts(t, catalogueDifferences, c.Name, l.Report.Accepted, theirs,
					why, l.Report.Failed())
			})
		}
	})
	for name, d := range catalogueDifferences {
		assert.True(t, differs[name], "listed, but crewjam agrees: %s (%s)", name, d.why)
	}
}

// TestVerifyAgreesWithGoxmldsig holds the signature verification to
// goxmldsig's ValidationContext.Validate, signature by signature, on
// every attack, quirk and corpus row: where both judge a Signature (our
// shape checks refuse more, and are not compared), the verdicts match,
// and when both accept, the signed copies the claims come from are the
// same. FuzzValidateMutated applies the same rule to mutated Responses.
func TestVerifyAgreesWithGoxmldsig(t *testing.T) {
	t.Parallel()
	k, err := fixtures.NewAttackKit(time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	compared := 0
	judge := func(t *testing.T, xml []byte, exp assertions.Expected) {
		diff, n := assertions.SignatureDisagreement(xml, exp.Certificates)
		assert.Empty(t, diff)
		compared += n
	}
	for _, a := range append(fixtures.Attacks(), fixtures.Quirks()...) {
		t.Run(a.Name, func(t *testing.T) {
			xml, exp, err := attackXML(t, k, a)
			if err != nil {
				return // a decoding attack: no signature to judge
			}
			judge(t, xml, exp)
		})
	}
	attacks := compared
	dir := corpusDir(t)
	for _, c := range readCases(t, dir) {
		t.Run(c.File, func(t *testing.T) {
			input, err := os.ReadFile(filepath.Join(dir, c.File))
			require.NoError(t, err)
			msg, err := assertions.Decode(input, assertions.Limits{})
			require.NoError(t, err)
			judge(t, msg.XML, expectedFor(t, dir, c, msg.XML))
		})
	}
	t.Logf("signatures judged by both: %d in attacks and quirks, %d in the corpus",
		attacks, compared-attacks)
	// Most attacks keep a signature of the right shape, and most corpus
	// rows are signed: a count near zero means the comparison stopped
	// looking.
	assert.Greater(t, attacks, 80)
	assert.Greater(t, compared-attacks, 60)
}
