package idpmock_test

import (
	"crypto/rsa"
	"crypto/x509"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
	"github.com/russellhaering/goxmldsig/etreeutils"
	"github.com/stretchr/testify/require"

	"github.com/samlharness/samlharness/idpmock"
)

// The Frontline guide's setup, with the values of DOMAIN.md.
const (
	testAppID    = "NzQ4OTA2OTEyNDY5X2lucy00NGQ2M2ZjOGM2OWUyNGJl"
	testRealm    = "JB0123456789abcdef0123456789abcdef"
	testACS      = "https://iam.twilio.com/v2/saml2/authenticate/" + testRealm
	testAudience = "https://iam.twilio.com/v2/saml2/metadata/" + testRealm
	testPortal   = "https://portal.sso.us-east-1.amazonaws.com"
	testIssuer   = testPortal + "/saml/assertion/" + testAppID
)

// testNow is the instant of every test clock.
var testNow = time.Date(2026, 3, 1, 9, 0, 0, 123_456_789, time.UTC)

type keyPair struct {
	key  *rsa.PrivateKey
	cert *x509.Certificate
}

// testKeyPair is made once: RSA key generation is slow under -race.
var testKeyPair = sync.OnceValues(func() (keyPair, error) {
	key, cert, err := idpmock.GenerateCertificate(idpmock.CertOptions{
		Now: testNow.AddDate(0, -1, 0),
	})
	return keyPair{key, cert}, err
})

func mustKeyPair(t *testing.T) keyPair {
	t.Helper()
	pair, err := testKeyPair()
	require.NoError(t, err)
	return pair
}

// frontlineConfig is the application of the Frontline guide with a small
// directory:
//   - alice is assigned directly (by email);
//   - bob is in the assigned group frontline-agents;
//   - carol is only in night-shift, a group nested inside frontline-agents;
//   - dave is assigned directly (by user name) and has no email;
//   - erin is assigned neither way.
func frontlineConfig(t *testing.T) idpmock.Config {
	t.Helper()
	pair := mustKeyPair(t)
	return idpmock.Config{
		Region:        "us-east-1",
		ApplicationID: testAppID,
		ACSURL:        testACS,
		Audience:      testAudience,
		AttributeMappings: []idpmock.Mapping{
			{Attribute: "Subject", Value: "${user:email}", Format: "emailAddress"},
			{Attribute: "email", Value: "${user:email}", Format: "unspecified"},
			{Attribute: "roles", Value: "agent", Format: "unspecified"},
		},
		SigningKey:  pair.key,
		Certificate: pair.cert,
		Users: []idpmock.User{
			{UserName: "alice", Email: "alice@example.com", ID: "u-alice"},
			{UserName: "bob", Email: "bob@example.com", Groups: []string{"frontline-agents"}},
			{UserName: "carol", Email: "carol@example.com", Groups: []string{"night-shift"}},
			{UserName: "dave"},
			{UserName: "erin", Email: "erin@example.com"},
		},
		Groups: []idpmock.Group{
			{Name: "frontline-agents", Groups: []string{"night-shift"}},
			{Name: "night-shift"},
		},
		AssignedUsers:  []string{"Alice@Example.com", "dave"},
		AssignedGroups: []string{"frontline-agents"},
	}
}

// newIdP builds an IdP on a fixed clock and a seeded random reader.
func newIdP(t *testing.T, cfg idpmock.Config, opts ...idpmock.Option) *idpmock.IdP {
	t.Helper()
	base := []idpmock.Option{
		idpmock.WithClock(func() time.Time { return testNow }),
		idpmock.WithRand(rand.NewChaCha8([32]byte{1})),
	}
	p, err := idpmock.New(cfg, append(base, opts...)...)
	require.NoError(t, err)
	return p
}

func parseXML(t *testing.T, b []byte) *etree.Element {
	t.Helper()
	doc := etree.NewDocument()
	require.NoError(t, doc.ReadFromBytes(b))
	require.NotNil(t, doc.Root())
	return doc.Root()
}

func find(t *testing.T, el *etree.Element, path string) *etree.Element {
	t.Helper()
	found := el.FindElement(path)
	require.NotNil(t, found, "no element at %s", path)
	return found
}

// verifySignature checks the enveloped signature of el with goxmldsig, as
// an SP holding only cert does. An Assertion is first detached with the
// namespaces of its ancestors.
func verifySignature(t *testing.T, el *etree.Element, cert *x509.Certificate) error {
	t.Helper()
	if el.Parent() != nil {
		scope, err := etreeutils.NSBuildParentContext(el)
		require.NoError(t, err)
		el, err = etreeutils.NSDetatch(scope, el)
		require.NoError(t, err)
	}
	ctx := dsig.NewDefaultValidationContext(&dsig.MemoryX509CertificateStore{
		Roots: []*x509.Certificate{cert},
	})
	ctx.IdAttribute = "ID"
	ctx.Clock = dsig.NewFakeClockAt(testNow)
	_, err := ctx.Validate(el)
	return err
}
