package main

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/samlharness/samlharness/fixtures"
)

func TestMetadataCommands(t *testing.T) {
	useCache(t)
	now := time.Now()

	res := runAt(t, now, "", "metadata", "aws")
	require.Equal(t, exitOK, res.code, res.stderr)
	md, err := fixtures.ParseAWSMetadata([]byte(res.stdout))
	require.NoError(t, err)
	assert.Equal(t, fixtures.DefaultSignInURL, md.Issuer)
	assert.Equal(t, fixtures.DefaultSignInURL, md.SSOURL)

	res = runAt(t, now, "", "metadata", "frontline")
	require.Equal(t, exitOK, res.code, res.stderr)
	var sp struct {
		EntityID string `xml:"entityID,attr"`
		ACS      struct {
			Location string `xml:"Location,attr"`
		} `xml:"SPSSODescriptor>AssertionConsumerService"`
	}
	require.NoError(t, xml.Unmarshal([]byte(res.stdout), &sp))
	assert.Equal(t, fixtures.DefaultAudience, sp.EntityID)
	assert.Equal(t, fixtures.DefaultACSURL, sp.ACS.Location)

	res = runAt(t, now, "", "metadata")
	assert.Equal(t, exitUsage, res.code)
	assert.Contains(t, res.stderr, "missing command: aws or frontline")
}

// TestInitFromAWSMetadata writes a setup from what "metadata aws"
// prints and logs in with it, both ways.
func TestInitFromAWSMetadata(t *testing.T) {
	useCache(t)
	now := time.Now()
	dir := t.TempDir()
	file := filepath.Join(dir, "aws.xml")
	res := runAt(t, now, "", "metadata", "aws")
	require.Equal(t, exitOK, res.code, res.stderr)
	require.NoError(t, os.WriteFile(file, []byte(res.stdout), 0o644))

	setup := filepath.Join(dir, "setup")
	res = runAt(t, now, "", "init", "--from-aws-metadata", file, setup)
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Contains(t, res.stdout, "Identity provider issuer  "+fixtures.DefaultSignInURL+"\n")
	assert.Contains(t, res.stdout, "SSO URL                   "+fixtures.DefaultSignInURL+
		" (HTTP-Redirect)\n")
	assert.Contains(t, res.stdout, "X.509 Certificate         CN=amazonaws.com")
	assert.Contains(t, res.stdout, "SHA-256 ")
	assert.NotContains(t, res.stdout, "note:")

	config := filepath.Join(setup, fixtures.ConfigFile)
	for _, args := range [][]string{{"login"}, {"login", "--sp-initiated"}} {
		res = runAt(t, now, "", append(args, "--config", config)...)
		assert.Equal(t, exitOK, res.code, "%v: %s%s", args, res.stdout, res.stderr)
	}
}

func TestInitFromRealAWSMetadata(t *testing.T) {
	useCache(t)
	path := filepath.Join("..", "..", "..", "shared", "corpus", "aws-metadata",
		"iic-us-east-1-a.xml")
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("the shared corpus is required in CI: %v", err)
		}
		t.Skipf("no shared corpus: %v", err)
	}
	setup := filepath.Join(t.TempDir(), "setup")
	res := runAt(t, time.Now(), "", "init", "--from-aws-metadata", path, setup)
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Contains(t, res.stdout, "SHA-256 E4:7E:8A:9D:62:44:31:39")
	assert.Contains(t, res.stdout, "NameIDFormat              (empty in the metadata")
	assert.Contains(t, res.stdout, "note: the mock cannot sign as that certificate")
	assert.Contains(t, res.stdout, "wrote "+filepath.Join(setup, fixtures.FrontlineCertFile))

	res = runAt(t, time.Now(), "", "login", "--sp-initiated", "--json", "--config",
		filepath.Join(setup, fixtures.ConfigFile))
	assert.Equal(t, exitRejected, res.code, res.stderr)
	r := decodeReport(t, res)
	assert.Equal(t, []string{"signature.untrusted-key"}, codesOf(r.failed()))
}

func TestLoginSPInitiatedCLI(t *testing.T) {
	useCache(t)
	now := time.Now()
	res := runAt(t, now, "", "login", "--sp-initiated")
	require.Equal(t, exitOK, res.code, res.stderr)
	for _, want := range []string{"ACCEPTED", "SP-initiated login (workspace ID example)",
		"AuthnRequest         ONELOGIN_", "(the AuthnRequest's ID)", "(unchanged)",
		"PASS  in-response-to.ok", "PASS  relay-state.ok"} {
		assert.Contains(t, res.stdout, want)
	}

	res = runAt(t, now, "", "login", "--case", "sp-relay-state-altered")
	assert.Equal(t, exitRejected, res.code)
	assert.Contains(t, res.stdout, "RelayState received  https://frontline.example/home"+
		"  (CHANGED)")

	res = runAt(t, now, "", "login", "--case", "sp-sso-url-other-region")
	assert.Equal(t, exitRejected, res.code)
	assert.True(t, strings.HasPrefix(res.stdout, "login alice@example.com: STOPPED before "+
		"any SAML response (sso-url.other-host)\n"), res.stdout)
}

func codesOf[T ~string](codes []T) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = string(c)
	}
	return out
}
