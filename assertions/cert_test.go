package assertions_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/samlharness/samlharness/assertions"
	"github.com/samlharness/samlharness/idpmock"
)

// certPair is one AWS-like key and certificate for the certificate tests,
// made once: RSA key generation is too slow to repeat per case.
var certPair = sync.OnceValues(func() (*rsa.PrivateKey, *x509.Certificate) {
	key, cert, err := idpmock.GenerateCertificate(idpmock.CertOptions{
		Now: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC), Rand: rand.Reader})
	if err != nil {
		panic(err)
	}
	return key, cert
})

// pastedShapes returns the certificate's PEM in every shape that people
// paste into the Frontline console.
func pastedShapes(t *testing.T, cert *x509.Certificate) map[string]string {
	t.Helper()
	std := string(idpmock.EncodeCertificatePEM(cert))
	b64 := base64.StdEncoding.EncodeToString(cert.Raw)
	lines := strings.Split(strings.TrimSpace(std), "\n")
	body := strings.Join(lines[1:len(lines)-1], "\n")
	wrap76 := ""
	for s := b64; s != ""; {
		n := min(76, len(s))
		wrap76 += s[:n] + "\n"
		s = s[n:]
	}

	return map[string]string{
		"standard PEM":          std,
		"CRLF":                  strings.ReplaceAll(std, "\n", "\r\n"),
		"XML CR entities":       strings.ReplaceAll(std, "\n", "&#13;\n"),
		"JSON escaped newlines": strings.ReplaceAll(std, "\n", `\n`),
		"no BEGIN or END lines": body,
		"one base64 line":       b64,
		"one line with BEGIN and END": "-----BEGIN CERTIFICATE-----" + b64 +
			"-----END CERTIFICATE-----",
		"wrapped at 76":      wrap76,
		"indented with tabs": "\t" + strings.ReplaceAll(std, "\n", "\n\t"),
		"stray spaces":       "  " + strings.ReplaceAll(body, "\n", " \n  ") + "  ",
		"blank lines around": "\n\n" + std + "\n\n",
		"END line missing": strings.TrimSuffix(strings.TrimSpace(std),
			lines[len(lines)-1]),
		"padding removed": strings.TrimRight(b64, "="),
		"spaces around boundaries": " -----BEGIN CERTIFICATE----- \n" + body +
			"\n -----END CERTIFICATE----- ",
		"X509 CERTIFICATE label":    strings.ReplaceAll(std, " CERTIFICATE", " X509 CERTIFICATE"),
		"TRUSTED CERTIFICATE label": strings.ReplaceAll(std, " CERTIFICATE", " TRUSTED CERTIFICATE"),
	}
}

func TestParseCertificateShapes(t *testing.T) {
	t.Parallel()
	_, cert := certPair()
	for name, text := range pastedShapes(t, cert) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := assertions.ParseCertificate(text)
			require.NoError(t, err)
			assert.True(t, cert.Equal(got))
		})
	}
}

func TestParseCertificateErrors(t *testing.T) {
	t.Parallel()
	key, cert := certPair()
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	pkcs1 := x509.MarshalPKCS1PrivateKey(key)
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	require.NoError(t, err)
	std := string(idpmock.EncodeCertificatePEM(cert))

	tests := []struct {
		name string
		text string
		want error
	}{
		{"empty", "", assertions.ErrNoCertificate},
		{"whitespace", " \r\n\t&#13;\n", assertions.ErrNoCertificate},
		{"PKCS #8 key", pemText("PRIVATE KEY", pkcs8), assertions.ErrPrivateKey},
		{"PKCS #1 key", pemText("RSA PRIVATE KEY", pkcs1), assertions.ErrPrivateKey},
		{"key without PEM lines", base64.StdEncoding.EncodeToString(pkcs8),
			assertions.ErrPrivateKey},
		{"public key", pemText("PUBLIC KEY", pub), assertions.ErrNotCertificate},
		{"two certificates", std + std, assertions.ErrManyCertificates},
		{"not base64", "this is not a certificate", assertions.ErrNotCertificate},
		{"base64 of text", base64.StdEncoding.EncodeToString([]byte("hi!")),
			assertions.ErrNotCertificate},
		{"truncated", std[:len(std)/2] + "\n-----END CERTIFICATE-----\n", assertions.ErrNotCertificate},
		{"BEGIN not closed", "-----BEGIN CERTIFICATE\nMIIB", assertions.ErrNotCertificate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := assertions.ParseCertificate(tt.text)
			require.ErrorIs(t, err, tt.want)
			assert.Nil(t, got)
			assert.True(t, strings.HasPrefix(err.Error(), "assertions: "), err.Error())
		})
	}
}

// pemText encodes der as one PEM block.
func pemText(label string, der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: label, Bytes: der}))
}

func TestFingerprints(t *testing.T) {
	t.Parallel()
	// The SHA-256 and SHA-1 test vectors of FIPS 180-2 for "abc".
	s256, s1 := assertions.Fingerprints(&x509.Certificate{Raw: []byte("abc")})
	assert.Equal(t, "BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:"+
		"B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AD", s256)
	assert.Equal(t, "A9:99:3E:36:47:06:81:6A:BA:3E:25:71:78:50:C2:6C:9C:D0:D8:9D", s1)
}

func BenchmarkParseCertificate(b *testing.B) {
	_, cert := certPair()
	text := strings.ReplaceAll(string(idpmock.EncodeCertificatePEM(cert)), "\n", "\r\n")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := assertions.ParseCertificate(text); err != nil {
			b.Fatal(err)
		}
	}
}
