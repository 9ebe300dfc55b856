package idpmock_test

import (
	"bytes"
	"crypto/x509"
	"errors"
	"log/slog"
	"math/rand/v2"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/beevik/etree"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/samlharness/samlharness/assertions"
	"github.com/samlharness/samlharness/idpmock"
)

func TestNewDefaultsAndURLs(t *testing.T) {
	t.Parallel()
	cfg := frontlineConfig(t)
	cfg.SigningKey, cfg.Certificate = nil, nil
	p := newIdP(t, cfg)

	got := p.Config()
	assert.Equal(t, "Twilio Frontline", got.DisplayName)
	assert.Equal(t, time.Hour, got.SessionDuration)
	assert.Equal(t, "both", got.Sign)
	assert.Equal(t, "rsa-sha256", got.SignatureAlgorithm)

	assert.Equal(t, testIssuer, p.SignInURL())
	assert.Equal(t, testIssuer, p.IssuerURL())
	assert.Equal(t, testPortal+"/saml/metadata/"+testAppID, p.MetadataURL())
	assert.Equal(t, testPortal+"/saml/logout/"+testAppID, p.LogoutURL())

	// A generated certificate, valid from the IdP's clock.
	require.NotNil(t, p.Certificate())
	assert.Equal(t, x509.SHA256WithRSA, p.Certificate().SignatureAlgorithm)
	assert.Equal(t, testNow.Truncate(time.Second), p.Certificate().NotBefore)
	assert.Same(t, p.Certificate(), got.Certificate)
}

func TestNewExplicitURLsWin(t *testing.T) {
	t.Parallel()
	const other = "https://portal.sso.eu-west-1.amazonaws.com/saml/assertion/" + testAppID
	cfg := frontlineConfig(t)
	cfg.Region = ""
	cfg.SignInURL = other
	cfg.IssuerURL = other + "/"
	p := newIdP(t, cfg)
	assert.Equal(t, other, p.SignInURL())
	assert.Equal(t, other+"/", p.IssuerURL())
	assert.Equal(t, "https://portal.sso.eu-west-1.amazonaws.com/saml/metadata/"+testAppID,
		p.MetadataURL())
}

func TestNewSHA1GeneratesSHA1Certificate(t *testing.T) {
	t.Parallel()
	cfg := frontlineConfig(t)
	cfg.SigningKey, cfg.Certificate = nil, nil
	cfg.SignatureAlgorithm = "rsa-sha1"
	p := newIdP(t, cfg)
	assert.Equal(t, x509.SHA1WithRSA, p.Certificate().SignatureAlgorithm)
}

func TestNewRefusesConfig(t *testing.T) {
	t.Parallel()
	other, _, err := idpmock.GenerateCertificate(idpmock.CertOptions{Bits: 1024})
	require.NoError(t, err)

	tests := []struct {
		name      string
		edit      func(*idpmock.Config)
		wantField string
	}{
		{"http ACS", func(c *idpmock.Config) {
			c.ACSURL = "http://iam.twilio.com/v2/saml2/authenticate/" + testRealm
		}, "aws.acs_url"},
		{"relative ACS", func(c *idpmock.Config) { c.ACSURL = "/v2/saml2" }, "aws.acs_url"},
		{"javascript ACS", func(c *idpmock.Config) { c.ACSURL = "javascript:alert(1)" },
			"aws.acs_url"},
		{"no ACS", func(c *idpmock.Config) { c.ACSURL = "" }, "aws.acs_url"},
		{"no audience", func(c *idpmock.Config) { c.Audience = " " }, "aws.audience"},
		{"no application ID", func(c *idpmock.Config) { c.ApplicationID = "" },
			"aws.application_id"},
		{"application ID with a slash", func(c *idpmock.Config) {
			c.ApplicationID = "a/b"
		}, "aws.application_id"},
		{"bad region", func(c *idpmock.Config) { c.Region = "US East" }, "aws.region"},
		{"no region nor sign-in URL", func(c *idpmock.Config) { c.Region = "" },
			"aws.region"},
		{"session too long", func(c *idpmock.Config) { c.SessionDuration = 13 * time.Hour },
			"aws.session_duration"},
		{"negative session", func(c *idpmock.Config) { c.SessionDuration = -time.Minute },
			"aws.session_duration"},
		{"sign nothing", func(c *idpmock.Config) { c.Sign = "none" }, "aws.sign"},
		{"md5", func(c *idpmock.Config) { c.SignatureAlgorithm = "rsa-md5" },
			"aws.signature_algorithm"},
		{"key without certificate", func(c *idpmock.Config) { c.Certificate = nil },
			"aws.signing_key_file"},
		{"key of another certificate", func(c *idpmock.Config) { c.SigningKey = other },
			"aws.certificate_file"},
		{"missing key file", func(c *idpmock.Config) {
			c.SigningKey, c.Certificate = nil, nil
			c.SigningKeyFile, c.CertificateFile = "testdata/none.pem", "testdata/none.pem"
		}, "aws.signing_key_file"},
		{"bad mapping", func(c *idpmock.Config) {
			c.AttributeMappings[1].Value = "${user:mail}"
		}, "aws.attribute_mappings[1].value"},
		{"duplicate user", func(c *idpmock.Config) { c.Users[1].UserName = "alice" },
			"aws.users[1].user_name"},
		{"duplicate email", func(c *idpmock.Config) {
			c.Users[1].Email = "ALICE@example.com"
		}, "aws.users[1].email"},
		{"user in unknown group", func(c *idpmock.Config) {
			c.Users[0].Groups = []string{"ghosts"}
		}, "aws.users[0].groups[0]"},
		{"group holding unknown group", func(c *idpmock.Config) {
			c.Groups[1].Groups = []string{"ghosts"}
		}, "aws.groups[1].groups[0]"},
		{"assigned unknown user", func(c *idpmock.Config) {
			c.AssignedUsers = append(c.AssignedUsers, "zoe@example.com")
		}, "aws.assigned_users[2]"},
		{"assigned unknown group", func(c *idpmock.Config) {
			c.AssignedGroups = []string{"ghosts"}
		}, "aws.assigned_groups[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := frontlineConfig(t)
			tt.edit(&cfg)
			_, err := idpmock.New(cfg)
			var cfgErr *idpmock.ConfigError
			require.ErrorAs(t, err, &cfgErr)
			assert.Equal(t, tt.wantField, cfgErr.Field)
		})
	}
}

func TestNewAcceptsLoopbackHTTP(t *testing.T) {
	t.Parallel()
	for _, acs := range []string{
		"http://127.0.0.1:8080/v2/saml2/authenticate/" + testRealm,
		"http://localhost/acs",
		"http://[::1]:9000/acs",
	} {
		cfg := frontlineConfig(t)
		cfg.ACSURL = acs
		_, err := idpmock.New(cfg)
		assert.NoError(t, err, acs)
	}
}

func TestIssueAccess(t *testing.T) {
	t.Parallel()
	p := newIdP(t, frontlineConfig(t))
	tests := []struct {
		user       string
		wantReason idpmock.Reason // "" for access
	}{
		{"alice@example.com", ""},
		{"ALICE@EXAMPLE.COM", ""},
		{"alice", ""},
		{"bob@example.com", ""},
		{"carol@example.com", idpmock.ReasonNestedGroupOnly},
		{"dave", idpmock.ReasonNoEmail},
		{"erin@example.com", idpmock.ReasonNotAssigned},
		{"zoe@example.com", idpmock.ReasonUnknownUser},
		{"Alice", idpmock.ReasonUnknownUser},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			t.Parallel()
			out, err := p.Issue(tt.user, idpmock.IssueOptions{})
			if tt.wantReason == "" {
				require.NoError(t, err)
				assert.NotEmpty(t, out)
				return
			}
			assert.Nil(t, out)
			assert.ErrorIs(t, err, idpmock.ErrNoAccess)
			var noAccess *idpmock.NoAccessError
			require.ErrorAs(t, err, &noAccess)
			assert.Equal(t, tt.wantReason, noAccess.Reason)
			assert.Equal(t, tt.user, noAccess.User)
		})
	}
}

func TestIssueNoEmailWithoutEmailMapping(t *testing.T) {
	t.Parallel()
	cfg := frontlineConfig(t)
	cfg.AttributeMappings = []idpmock.Mapping{
		{Attribute: "Subject", Value: "${user:subject}", Format: "persistent"},
	}
	p := newIdP(t, cfg)
	out, err := p.Issue("dave", idpmock.IssueOptions{})
	require.NoError(t, err)
	// dave has no ID set: every AWS user has one, so a stable one stands in.
	nameID := find(t, parseXML(t, out), "saml2:Assertion/saml2:Subject/saml2:NameID")
	assert.Equal(t, cfg.Users[3].StoreID(), nameID.Text())
	assert.NotEmpty(t, nameID.Text())
}

func TestIssueEmptySubject(t *testing.T) {
	t.Parallel()
	cfg := frontlineConfig(t)
	cfg.AttributeMappings = []idpmock.Mapping{
		{Attribute: "Subject", Value: "${user:middleName}", Format: "unspecified"},
	}
	cfg.Users[1].MiddleName = "Q"
	p := newIdP(t, cfg)
	_, err := p.Issue("bob", idpmock.IssueOptions{})
	require.NoError(t, err)

	// alice has no middle name: the Subject row gives an empty NameID.
	_, err = p.Issue("alice", idpmock.IssueOptions{})
	var noAccess *idpmock.NoAccessError
	require.ErrorAs(t, err, &noAccess)
	assert.Equal(t, idpmock.ReasonEmptySubject, noAccess.Reason)
}

var idPattern = regexp.MustCompile(
	`^_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// TestIssueShape checks the Response against DOMAIN.md's AWS shape.
func TestIssueShape(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		inResponseTo string
	}{
		{"IdP-initiated", ""},
		{"SP-initiated", "ONELOGIN_5a0e5a8f3b1c4d2e"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := newIdP(t, frontlineConfig(t))
			out, err := p.Issue("alice@example.com",
				idpmock.IssueOptions{InResponseTo: tt.inResponseTo})
			require.NoError(t, err)
			root := parseXML(t, out)

			// 09:00:00.123456789 keeps its milliseconds; 1h session.
			const issued, expires = "2026-03-01T09:00:00.123Z", "2026-03-01T10:00:00.123Z"
			assert.Equal(t, "saml2p:Response", root.FullTag())
			assert.Equal(t, issued, root.SelectAttrValue("IssueInstant", ""))
			assert.Equal(t, testACS, root.SelectAttrValue("Destination", ""))
			assert.Equal(t, tt.inResponseTo, root.SelectAttrValue("InResponseTo", ""))
			assert.Regexp(t, idPattern, root.SelectAttrValue("ID", ""))

			a := find(t, root, "saml2:Assertion")
			assert.Regexp(t, idPattern, a.SelectAttrValue("ID", ""))
			for _, issuer := range []string{"saml2:Issuer", "saml2:Assertion/saml2:Issuer"} {
				el := find(t, root, issuer)
				assert.Equal(t, testIssuer, el.Text())
				assert.Equal(t, assertions.NameIDFormatEntity, el.SelectAttrValue("Format", ""))
			}
			nameID := find(t, a, "saml2:Subject/saml2:NameID")
			assert.Equal(t, "alice@example.com", nameID.Text())
			assert.Equal(t, assertions.NameIDFormatEmail, nameID.SelectAttrValue("Format", ""))
			scd := find(t, a, "saml2:Subject/saml2:SubjectConfirmation/"+
				"saml2:SubjectConfirmationData")
			assert.Equal(t, testACS, scd.SelectAttrValue("Recipient", ""))
			assert.Equal(t, expires, scd.SelectAttrValue("NotOnOrAfter", ""))
			assert.Equal(t, tt.inResponseTo, scd.SelectAttrValue("InResponseTo", ""))
			conditions := find(t, a, "saml2:Conditions")
			assert.Equal(t, issued, conditions.SelectAttrValue("NotBefore", ""))
			assert.Equal(t, expires, conditions.SelectAttrValue("NotOnOrAfter", ""))
			assert.Equal(t, testAudience,
				find(t, conditions, "saml2:AudienceRestriction/saml2:Audience").Text())
			authn := find(t, a, "saml2:AuthnStatement")
			assert.Equal(t, expires, authn.SelectAttrValue("SessionNotOnOrAfter", ""))
			assert.Regexp(t, idPattern, authn.SelectAttrValue("SessionIndex", ""))

			attrs := a.FindElements("saml2:AttributeStatement/saml2:Attribute")
			require.Len(t, attrs, 2)
			assert.Equal(t, "email", attrs[0].SelectAttrValue("Name", ""))
			assert.Equal(t, "roles", attrs[1].SelectAttrValue("Name", ""))
			for _, v := range a.FindElements(".//saml2:AttributeValue") {
				assert.Equal(t, "xs:string", v.SelectAttrValue("xsi:type", ""))
			}
			assert.Equal(t, "agent", find(t, attrs[1], "saml2:AttributeValue").Text())

			// Both signed, each Signature right after its Issuer, both
			// verifying with the configured certificate.
			for _, el := range []*etree.Element{root, a} {
				children := el.ChildElements()
				require.GreaterOrEqual(t, len(children), 2)
				assert.Equal(t, "saml2:Issuer", children[0].FullTag())
				assert.Equal(t, "ds:Signature", children[1].FullTag())
				assert.NoError(t, verifySignature(t, el, p.Certificate()), el.Tag)
			}
		})
	}
}

func TestIssueSignChoice(t *testing.T) {
	t.Parallel()
	tests := []struct {
		sign                        string
		wantResponse, wantAssertion bool
	}{
		{"response", true, false},
		{"assertion", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.sign, func(t *testing.T) {
			t.Parallel()
			cfg := frontlineConfig(t)
			cfg.Sign = tt.sign
			out, err := newIdP(t, cfg).Issue("bob", idpmock.IssueOptions{})
			require.NoError(t, err)
			root := parseXML(t, out)
			assert.Equal(t, tt.wantResponse, root.SelectElement("Signature") != nil)
			a := find(t, root, "saml2:Assertion")
			assert.Equal(t, tt.wantAssertion, a.SelectElement("Signature") != nil)
		})
	}
}

func TestIssueClockAndIDs(t *testing.T) {
	t.Parallel()
	cfg := frontlineConfig(t)
	cfg.ClockOffset = -5 * time.Minute
	cfg.SessionDuration = 15 * time.Minute

	ids := func() []string {
		out, err := newIdP(t, cfg).Issue("alice", idpmock.IssueOptions{})
		require.NoError(t, err)
		root := parseXML(t, out)
		assert.Equal(t, "2026-03-01T08:55:00.123Z", root.SelectAttrValue("IssueInstant", ""))
		assert.Equal(t, "2026-03-01T09:10:00.123Z",
			find(t, root, "saml2:Assertion/saml2:Conditions").
				SelectAttrValue("NotOnOrAfter", ""))
		return []string{root.SelectAttrValue("ID", ""),
			find(t, root, "saml2:Assertion").SelectAttrValue("ID", "")}
	}
	first, second := ids(), ids()
	assert.Equal(t, first, second, "the same seed gives the same IDs")
	assert.NotEqual(t, first[0], first[1])
}

func TestIssueConcurrent(t *testing.T) {
	t.Parallel()
	p := newIdP(t, frontlineConfig(t), idpmock.WithRand(rand.NewChaCha8([32]byte{9})))
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() {
			_, errs[i] = p.Issue("bob@example.com", idpmock.IssueOptions{})
		})
	}
	wg.Wait()
	assert.NoError(t, errors.Join(errs...))
}

// TestIssueLogsNoNameIDAtInfo: NameIDs and user names only at Debug.
func TestIssueLogsNoNameIDAtInfo(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	p := newIdP(t, frontlineConfig(t), idpmock.WithLogger(log))

	_, err := p.Issue("alice@example.com", idpmock.IssueOptions{})
	require.NoError(t, err)
	_, err = p.Issue("erin@example.com", idpmock.IssueOptions{})
	require.ErrorIs(t, err, idpmock.ErrNoAccess)

	assert.Contains(t, buf.String(), "response issued")
	assert.Contains(t, buf.String(), "reason=not-assigned")
	assert.NotContains(t, buf.String(), "alice@example.com")
	assert.NotContains(t, buf.String(), "erin@example.com")
}
