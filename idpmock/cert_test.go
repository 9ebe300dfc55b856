package idpmock_test

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/beevik/etree"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/samlharness/samlharness/idpmock"
)

// awsSubjectDER is the subject (and issuer) of the certificates AWS IAM
// Identity Center issues, as read from the certificate of
// /work/shared/corpus/aws-metadata/iic-us-east-1-a.xml:
// CN=amazonaws.com, OU=IDAS, O=Amazon, C=US in that order, UTF8String
// values but for C, a PrintableString.
const awsSubjectDER = "3045" +
	"3116301406035504030c0d616d617a6f6e6177732e636f6d" + // CN
	"310d300b060355040b0c0449444153" + // OU
	"310f300d060355040a0c06416d617a6f6e" + // O
	"310b3009060355040613025553" // C

func TestGenerateCertificate(t *testing.T) {
	t.Parallel()
	start := time.Date(2025, 9, 23, 19, 36, 30, 999, time.UTC)
	tests := []struct {
		name         string
		opts         idpmock.CertOptions
		wantBits     int
		wantAlg      x509.SignatureAlgorithm
		wantNotAfter time.Time
	}{
		{"AWS default", idpmock.CertOptions{Now: start},
			2048, x509.SHA256WithRSA, time.Date(2030, 9, 23, 19, 36, 30, 0, time.UTC)},
		{"1024-bit SHA-1", idpmock.CertOptions{Now: start, Bits: 1024, SHA1: true},
			1024, x509.SHA1WithRSA, time.Date(2030, 9, 23, 19, 36, 30, 0, time.UTC)},
		{"30 days", idpmock.CertOptions{Now: start, Bits: 1024, Days: 30},
			1024, x509.SHA256WithRSA, time.Date(2025, 10, 23, 19, 36, 30, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			key, cert, err := idpmock.GenerateCertificate(tt.opts)
			require.NoError(t, err)

			assert.Equal(t, awsSubjectDER, hex.EncodeToString(cert.RawSubject))
			assert.Equal(t, awsSubjectDER, hex.EncodeToString(cert.RawIssuer))
			assert.Equal(t, "CN=amazonaws.com,OU=IDAS,O=Amazon,C=US", reverseDN(cert))
			assert.Equal(t, tt.wantBits, key.N.BitLen())
			assert.Equal(t, tt.wantAlg, cert.SignatureAlgorithm)
			assert.Equal(t, 3, cert.Version)
			assert.Empty(t, cert.Extensions)
			assert.Equal(t, time.Date(2025, 9, 23, 19, 36, 30, 0, time.UTC), cert.NotBefore)
			assert.Equal(t, tt.wantNotAfter, cert.NotAfter)
			assert.Positive(t, cert.SerialNumber.Sign())
			assert.LessOrEqual(t, cert.SerialNumber.BitLen(), 32)
			assert.True(t, key.PublicKey.Equal(cert.PublicKey))
			// Self-signed: the signature checks with its own key (SHA-1
			// included: CheckSignature allows it).
			assert.NoError(t, cert.CheckSignature(cert.SignatureAlgorithm,
				cert.RawTBSCertificate, cert.Signature))
		})
	}
}

// reverseDN writes the subject in DER order, as AWS's console and openssl
// show it (crypto/x509's String writes the RFC 4514 reverse order).
func reverseDN(cert *x509.Certificate) string {
	var out string
	for i, atv := range cert.Subject.Names {
		if i > 0 {
			out += ","
		}
		out += map[string]string{"2.5.4.3": "CN", "2.5.4.11": "OU", "2.5.4.10": "O",
			"2.5.4.6": "C"}[atv.Type.String()] + "=" + atv.Value.(string)
	}
	return out
}

func TestGenerateCertificateSerialFromRand(t *testing.T) {
	t.Parallel()
	opts := func() idpmock.CertOptions {
		return idpmock.CertOptions{Bits: 1024, Rand: rand.NewChaCha8([32]byte{7})}
	}
	_, a, err := idpmock.GenerateCertificate(opts())
	require.NoError(t, err)
	_, b, err := idpmock.GenerateCertificate(opts())
	require.NoError(t, err)
	assert.Equal(t, a.SerialNumber, b.SerialNumber)
}

func TestGenerateCertificateRefusesOtherSizes(t *testing.T) {
	t.Parallel()
	for _, bits := range []int{512, 3072, 4096} {
		_, _, err := idpmock.GenerateCertificate(idpmock.CertOptions{Bits: bits})
		assert.Error(t, err, "bits %d", bits)
	}
}

// TestGenerateCertificateLikeCorpus compares a generated certificate with
// one AWS published, when the shared corpus is present.
func TestGenerateCertificateLikeCorpus(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../../shared/corpus/aws-metadata/iic-us-east-1-a.xml")
	if err != nil {
		t.Skipf("shared corpus not found: %v", err)
	}
	doc := etree.NewDocument()
	require.NoError(t, doc.ReadFromBytes(raw))
	b64 := doc.FindElement("//ds:X509Certificate")
	require.NotNil(t, b64)
	der, err := base64.StdEncoding.DecodeString(b64.Text())
	require.NoError(t, err)
	published, err := x509.ParseCertificate(der)
	require.NoError(t, err)

	key, made, err := idpmock.GenerateCertificate(idpmock.CertOptions{Now: published.NotBefore})
	require.NoError(t, err)
	assert.Equal(t, published.RawSubject, made.RawSubject)
	assert.Equal(t, published.RawIssuer, made.RawIssuer)
	assert.Equal(t, published.SignatureAlgorithm, made.SignatureAlgorithm)
	assert.Equal(t, published.NotAfter, made.NotAfter)
	assert.Equal(t, published.Version, made.Version)
	assert.Equal(t, len(published.Extensions), len(made.Extensions))
	assert.Equal(t, published.PublicKey.(*rsa.PublicKey).N.BitLen(), key.N.BitLen())
}

func TestKeyPairPEM(t *testing.T) {
	t.Parallel()
	pair := mustKeyPair(t)
	other, _, err := idpmock.GenerateCertificate(idpmock.CertOptions{Bits: 1024})
	require.NoError(t, err)

	pkcs8, err := idpmock.EncodeKeyPEM(pair.key)
	require.NoError(t, err)
	pkcs1 := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY",
		Bytes: x509.MarshalPKCS1PrivateKey(pair.key)})
	otherPEM, err := idpmock.EncodeKeyPEM(other)
	require.NoError(t, err)
	certPEM := idpmock.EncodeCertificatePEM(pair.cert)
	assert.True(t, bytes.HasPrefix(certPEM, []byte("-----BEGIN CERTIFICATE-----\n")))

	tests := []struct {
		name       string
		key, cert  []byte
		wantErr    error
		wantAnyErr bool
	}{
		{name: "PKCS #8", key: pkcs8, cert: certPEM},
		{name: "PKCS #1", key: pkcs1, cert: certPEM},
		{name: "other key", key: otherPEM, cert: certPEM, wantErr: idpmock.ErrKeyMismatch},
		{name: "no key", key: []byte("not PEM"), cert: certPEM, wantAnyErr: true},
		{name: "key as cert", key: pkcs8, cert: pkcs8, wantAnyErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			key, cert, err := idpmock.LoadKeyPair(tt.key, tt.cert)
			switch {
			case tt.wantErr != nil:
				assert.ErrorIs(t, err, tt.wantErr)
			case tt.wantAnyErr:
				assert.Error(t, err)
			default:
				require.NoError(t, err)
				assert.True(t, pair.key.Equal(key))
				assert.True(t, pair.cert.Equal(cert))
			}
		})
	}
}
