package main

import (
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/samlharness/samlharness/assertions"
	"github.com/samlharness/samlharness/fixtures"
	"github.com/samlharness/samlharness/idpmock"
)

// testCert is one AWS-like certificate valid from testNow for 5 years,
// with its PEM files, shared by the tests.
var testCert = sync.OnceValues(func() (*certFiles, error) {
	dir, err := os.MkdirTemp("", "samlharness-cert-")
	if err != nil {
		return nil, err
	}
	key, cert, err := idpmock.GenerateCertificate(idpmock.CertOptions{
		Now: testNow, Rand: rand.Reader,
	})
	if err != nil {
		return nil, err
	}
	f := &certFiles{cert: cert, dir: dir,
		keyPath: filepath.Join(dir, "key.pem"), certPath: filepath.Join(dir, "cert.pem")}
	return f, fixtures.WriteKeyPair(f.keyPath, f.certPath, key, cert)
})

// certFiles are a certificate and the PEM files holding it and its key.
type certFiles struct {
	cert                   *x509.Certificate
	dir, keyPath, certPath string
}

func TestMain(m *testing.M) {
	code := m.Run()
	if f, err := testCert(); err == nil {
		_ = os.RemoveAll(f.dir)
	}
	os.Exit(code)
}

// sharedCert returns the shared certificate files.
func sharedCert(t *testing.T) *certFiles {
	t.Helper()
	f, err := testCert()
	require.NoError(t, err)
	return f
}

func TestCertNew(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		flags     []string
		wantLines []string
	}{
		{"AWS default", nil, []string{
			"Subject:              CN=amazonaws.com,OU=IDAS,O=Amazon,C=US",
			"Signature algorithm:  SHA256-RSA", "Public key:           RSA 2048 bits",
			"Not before:           2025-01-02 03:04:05 UTC",
			"Not after:            2030-01-02 03:04:05 UTC",
		}},
		{"legacy", []string{"--bits", "1024", "--sha1", "--days", "30"}, []string{
			"Signature algorithm:  SHA1-RSA", "Public key:           RSA 1024 bits",
			"Not after:            2025-02-01 03:04:05 UTC  [expires within 90 days]",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			prefix := filepath.Join(t.TempDir(), "idp")
			args := append([]string{"cert", "new", "--out", prefix}, tt.flags...)

			res := runAt(t, testNow, "", args...)
			require.Equal(t, exitOK, res.code, res.stderr)
			assert.True(t, strings.HasPrefix(res.stdout, "wrote "+prefix+"-key.pem\n"+
				"wrote "+prefix+"-cert.pem\n\n"), res.stdout)
			for _, line := range tt.wantLines {
				assert.Contains(t, res.stdout, line+"\n")
			}

			info, err := os.Stat(prefix + "-key.pem")
			require.NoError(t, err)
			assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
			certText, err := os.ReadFile(prefix + "-cert.pem")
			require.NoError(t, err)
			_, err = assertions.ParseCertificate(string(certText))
			require.NoError(t, err)

			res = runAt(t, testNow, "", args...)
			assert.Equal(t, exitUsage, res.code, "second run must not overwrite")
			assert.Contains(t, res.stderr, "hint: choose another --out PREFIX")
		})
	}
}

func TestCertShowShapes(t *testing.T) {
	t.Parallel()
	f := sharedCert(t)
	std, err := os.ReadFile(f.certPath)
	require.NoError(t, err)
	b64 := base64.StdEncoding.EncodeToString(f.cert.Raw)
	sha256Hex, sha1Hex := assertions.Fingerprints(f.cert)

	shapes := map[string]string{
		"PEM":             string(std),
		"CRLF":            strings.ReplaceAll(string(std), "\n", "\r\n"),
		"XML entities":    strings.ReplaceAll(string(std), "\n", "&#13;\n"),
		"one base64 line": b64,
		"spaces":          "   " + b64 + "  \t\n",
	}
	for name, text := range shapes {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			res := runAt(t, testNow.AddDate(1, 0, 0), text, "cert", "show", "-")
			require.Equal(t, exitOK, res.code, res.stderr)
			assert.Equal(t, strings.Join([]string{
				"Subject:              CN=amazonaws.com,OU=IDAS,O=Amazon,C=US",
				"Issuer:               CN=amazonaws.com,OU=IDAS,O=Amazon,C=US (self-signed)",
				"Serial:               " + f.cert.SerialNumber.String() +
					" (0x" + strings.ToUpper(f.cert.SerialNumber.Text(16)) + ")",
				"Signature algorithm:  SHA256-RSA",
				"Public key:           RSA 2048 bits",
				"Not before:           2025-01-02 03:04:05 UTC",
				"Not after:            2030-01-02 03:04:05 UTC",
				"SHA-256 fingerprint:  " + sha256Hex,
				"SHA-1 fingerprint:    " + sha1Hex,
			}, "\n")+"\n", res.stdout)
			assert.Empty(t, res.stderr)
		})
	}
}

func TestCertShowBadges(t *testing.T) {
	t.Parallel()
	f := sharedCert(t)
	notAfter := f.cert.NotAfter
	tests := []struct {
		name string
		now  time.Time
		want string
	}{
		{"valid", notAfter.Add(-91 * 24 * time.Hour), "UTC\n"},
		{"expires within 90 days", notAfter.Add(-90 * 24 * time.Hour),
			"UTC  [expires within 90 days]\n"},
		{"expires tomorrow", notAfter.Add(-24 * time.Hour), "UTC  [expires within 90 days]\n"},
		{"expired", notAfter, "UTC  [expired]\n"},
		{"not yet valid", f.cert.NotBefore.Add(-time.Second), "UTC  [not yet valid]\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := runAt(t, tt.now, "", "cert", "show", f.certPath)
			require.Equal(t, exitOK, res.code, res.stderr)
			line := res.stdout[strings.Index(res.stdout, "Not after:"):]
			line = line[:strings.Index(line, "\n")+1]
			assert.True(t, strings.HasSuffix(line, tt.want), line)
		})
	}
}

func TestCertShowErrors(t *testing.T) {
	t.Parallel()
	f := sharedCert(t)
	tests := []struct {
		name      string
		args      []string
		stdin     string
		wantError string
		wantHint  string
	}{
		{"private key", []string{f.keyPath}, "", "private key", "hint: this is the IdP's secret"},
		{"garbage", []string{"-"}, "not a certificate", "not an X.509 certificate",
			"hint: give the certificate from IAM Identity Center metadata"},
		{"missing file", []string{filepath.Join(f.dir, "none.pem")}, "", "no such file", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := runAt(t, testNow, tt.stdin, append([]string{"cert", "show"}, tt.args...)...)
			assert.Equal(t, exitUsage, res.code)
			assert.Empty(t, res.stdout)
			assert.True(t, strings.HasPrefix(res.stderr, "samlharness: error: "), res.stderr)
			assert.Contains(t, res.stderr, tt.wantError)
			if tt.wantHint != "" {
				assert.Contains(t, res.stderr, "\n"+tt.wantHint)
			}
		})
	}
}

func TestCertNewBadDays(t *testing.T) {
	t.Parallel()
	for _, days := range []string{"0", "-1"} {
		t.Run(days, func(t *testing.T) {
			t.Parallel()
			out := filepath.Join(t.TempDir(), "pair")
			res := runAt(t, testNow, "", "cert", "new", "--days", days, "--out", out)
			assert.Equal(t, exitUsage, res.code)
			assert.Empty(t, res.stdout)
			assert.Contains(t, res.stderr, "--days "+days+": must be at least 1")
			_, err := os.Stat(out + "-key.pem")
			assert.True(t, os.IsNotExist(err), "no file is written")
		})
	}
}
