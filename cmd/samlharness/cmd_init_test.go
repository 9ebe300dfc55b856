package main

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/samlharness/samlharness/fixtures"
)

func TestInit(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "setup")

	res := runAt(t, testNow, "", "init", dir)
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, "wrote "+filepath.Join(dir, "harness.yaml")+"\n"+
		"wrote "+filepath.Join(dir, "idp-key.pem")+"\n"+
		"wrote "+filepath.Join(dir, "idp-cert.pem")+"\n", res.stdout)
	assert.Empty(t, res.stderr)
	_, err := fixtures.Load(filepath.Join(dir, "harness.yaml"))
	require.NoError(t, err)

	// A second init must leave the first one's files alone.
	before, err := os.ReadFile(filepath.Join(dir, "idp-key.pem"))
	require.NoError(t, err)
	res = runAt(t, testNow, "", "init", dir)
	assert.Equal(t, exitUsage, res.code)
	assert.Empty(t, res.stdout)
	assert.True(t, strings.HasPrefix(res.stderr, "samlharness: error: "), res.stderr)
	assert.Contains(t, res.stderr, "already exists")
	assert.Contains(t, res.stderr, "\nhint: choose another directory")
	after, err := os.ReadFile(filepath.Join(dir, "idp-key.pem"))
	require.NoError(t, err)
	assert.Equal(t, before, after)
}

// TestInitFromOtherIdPMetadata refuses metadata that is not IAM Identity
// Center's up front, with exit status 2 and no file written.
func TestInitFromOtherIdPMetadata(t *testing.T) {
	t.Parallel()
	cfg, err := fixtures.Default(rand.Reader, testNow)
	require.NoError(t, err)
	cert := base64.StdEncoding.EncodeToString(cfg.AWS.Certificate.Raw)
	doc := `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" ` +
		`entityID="http://www.okta.com/exk123"><md:IDPSSODescriptor ` +
		`protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">` +
		`<md:KeyDescriptor use="signing"><ds:KeyInfo ` +
		`xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>` +
		cert + `</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>` +
		`<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" ` +
		`Location="https://example.okta.com/app/example/exk123/sso/saml"/>` +
		`</md:IDPSSODescriptor></md:EntityDescriptor>`
	dir := t.TempDir()
	file := filepath.Join(dir, "okta.xml")
	require.NoError(t, os.WriteFile(file, []byte(doc), 0o644))
	setup := filepath.Join(dir, "setup")

	res := runAt(t, testNow, "", "init", "--from-aws-metadata", file, setup)
	assert.Equal(t, exitUsage, res.code)
	assert.Empty(t, res.stdout)
	lines := strings.Split(strings.TrimSuffix(res.stderr, "\n"), "\n")
	require.Len(t, lines, 2, res.stderr)
	assert.True(t, strings.HasPrefix(lines[0], "samlharness: error: "), lines[0])
	assert.Contains(t, lines[0], `entityID "http://www.okta.com/exk123"`)
	assert.Contains(t, lines[1], "hint: samlharness emulates AWS IAM Identity Center only")
	assert.NoDirExists(t, setup)
}

// TestConfigIdPErrorsLocated loads, through --config, settings that only
// the mock AWS application refuses: each is reported as FILE:LINE: field.
func TestConfigIdPErrorsLocated(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, err := fixtures.Init(dir, rand.Reader, testNow)
	require.NoError(t, err)
	text, err := os.ReadFile(filepath.Join(dir, fixtures.ConfigFile))
	require.NoError(t, err)
	tests := []struct {
		name, old, new, field string
	}{
		{"ACS URL http", "acs_url: https://", "acs_url: http://", "aws.acs_url"},
		{"session over 12h", "session_duration: 1h", "session_duration: 13h",
			"aws.session_duration"},
		{"unknown placeholder", "value: ${user:email}\n      format: unspecified",
			"value: ${user:emial}\n      format: unspecified",
			"aws.attribute_mappings[1].value"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Contains(t, string(text), tt.old)
			edited := strings.Replace(string(text), tt.old, tt.new, 1)
			path := filepath.Join(dir, fmt.Sprintf("case%d.yaml", i))
			require.NoError(t, os.WriteFile(path, []byte(edited), 0o644))
			line := strings.Count(edited[:strings.Index(edited, tt.new)], "\n") + 1

			res := runAt(t, testNow, "", "login", "--config", path)
			assert.Equal(t, exitUsage, res.code)
			prefix := fmt.Sprintf("samlharness: error: %s:%d: %s: ", path, line, tt.field)
			assert.True(t, strings.HasPrefix(res.stderr, prefix), res.stderr)
			assert.NotContains(t, res.stderr, "idpmock:")
		})
	}
}
