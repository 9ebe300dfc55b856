package idpmock

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"time"
)

// CertOptions shape the certificate [GenerateCertificate] makes. The zero
// value gives what AWS gives a new application.
type CertOptions struct {
	// Bits is the RSA key size: 2048 (0 means it) or 1024, the two sizes
	// AWS offers.
	Bits int
	// SHA1 signs the certificate with SHA1WithRSA instead of SHA256WithRSA.
	SHA1 bool
	// Days is the validity in days; 0 means five calendar years, as on the
	// certificates AWS issues (2025-09-23 to 2030-09-23, for instance).
	Days int
	// Now is the start of the validity; the zero time means time.Now().
	Now time.Time
	// Rand draws the serial number and feeds the signature; nil means
	// crypto/rand. The RSA key itself always comes from crypto/rand: the
	// standard library ignores other sources for key generation.
	Rand io.Reader
}

// awsSubject is the DER of CN=amazonaws.com, OU=IDAS, O=Amazon, C=US in the
// order and string types of the certificates AWS issues: UTF8String for
// CN, OU and O, PrintableString for C.
var awsSubject = mustMarshalName([]nameAttr{
	{asn1.ObjectIdentifier{2, 5, 4, 3}, asn1.TagUTF8String, "amazonaws.com"},
	{asn1.ObjectIdentifier{2, 5, 4, 11}, asn1.TagUTF8String, "IDAS"},
	{asn1.ObjectIdentifier{2, 5, 4, 10}, asn1.TagUTF8String, "Amazon"},
	{asn1.ObjectIdentifier{2, 5, 4, 6}, asn1.TagPrintableString, "US"},
})

type nameAttr struct {
	oid   asn1.ObjectIdentifier
	tag   int
	value string
}

func mustMarshalName(attrs []nameAttr) []byte {
	var rdns pkix.RDNSequence
	for _, a := range attrs {
		value := asn1.RawValue{Tag: a.tag, Bytes: []byte(a.value)}
		rdns = append(rdns, pkix.RelativeDistinguishedNameSET{
			{Type: a.oid, Value: value},
		})
	}
	der, err := asn1.Marshal(rdns)
	if err != nil {
		panic(err)
	}
	return der
}

// GenerateCertificate makes an RSA key and a self-signed certificate like
// those AWS IAM Identity Center makes for an application: subject and
// issuer CN=amazonaws.com, OU=IDAS, O=Amazon, C=US, a random 32-bit serial,
// no extensions.
func GenerateCertificate(opts CertOptions) (*rsa.PrivateKey, *x509.Certificate, error) {
	bits := opts.Bits
	if bits == 0 {
		bits = 2048
	}
	if bits != 1024 && bits != 2048 {
		return nil, nil, fmt.Errorf("idpmock: certificate: key size %d: "+
			"AWS uses 1024 or 2048 bits", bits)
	}
	random := opts.Rand
	if random == nil {
		random = rand.Reader
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	now = now.UTC().Truncate(time.Second)
	notAfter := now.AddDate(5, 0, 0)
	if opts.Days > 0 {
		notAfter = now.AddDate(0, 0, opts.Days)
	}

	key, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		return nil, nil, fmt.Errorf("idpmock: certificate: generate key: %w", err)
	}
	serial, err := randomSerial(random)
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:       serial,
		RawSubject:         awsSubject,
		NotBefore:          now,
		NotAfter:           notAfter,
		SignatureAlgorithm: x509.SHA256WithRSA,
	}
	if opts.SHA1 {
		tmpl.SignatureAlgorithm = x509.SHA1WithRSA
	}
	der, err := x509.CreateCertificate(random, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("idpmock: certificate: create: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, fmt.Errorf("idpmock: certificate: parse: %w", err)
	}
	return key, cert, nil
}

// randomSerial draws a positive serial of at most 32 bits, as AWS's are.
func randomSerial(random io.Reader) (*big.Int, error) {
	var b [4]byte
	for {
		if _, err := io.ReadFull(random, b[:]); err != nil {
			return nil, fmt.Errorf("idpmock: certificate: read serial: %w", err)
		}
		serial := new(big.Int).SetBytes(b[:])
		if serial.Sign() > 0 {
			return serial, nil
		}
	}
}

// EncodeKeyPEM writes key as a PKCS #8 "PRIVATE KEY" PEM block.
func EncodeKeyPEM(key crypto.Signer) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("idpmock: encode key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// EncodeCertificatePEM writes cert as a "CERTIFICATE" PEM block, the file
// the AWS console offers for download.
func EncodeCertificatePEM(cert *x509.Certificate) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
}

// ErrKeyMismatch is the cause of the error [LoadKeyPair] and [New] return
// when the private key does not belong to the certificate.
var ErrKeyMismatch = errors.New("the key does not match the certificate")

// LoadKeyPair reads an RSA private key (PKCS #8 "PRIVATE KEY" or PKCS #1
// "RSA PRIVATE KEY") and a certificate from PEM, and checks that they
// belong together.
func LoadKeyPair(keyPEM, certPEM []byte) (*rsa.PrivateKey, *x509.Certificate, error) {
	key, cert, err := loadKeyPair(keyPEM, certPEM)
	if err != nil {
		return nil, nil, fmt.Errorf("idpmock: load key pair: %w", err)
	}
	return key, cert, nil
}

func loadKeyPair(keyPEM, certPEM []byte) (*rsa.PrivateKey, *x509.Certificate, error) {
	key, err := parseKeyPEM(keyPEM)
	if err != nil {
		return nil, nil, err
	}
	block, _ := pem.Decode(certPEM)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, nil, errors.New("certificate: no CERTIFICATE PEM block")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, nil, fmt.Errorf("certificate: %w", err)
	}
	if !key.PublicKey.Equal(cert.PublicKey) {
		return nil, nil, ErrKeyMismatch
	}
	return key, cert, nil
}

func parseKeyPEM(keyPEM []byte) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode(keyPEM)
	if block == nil {
		return nil, errors.New("key: no PEM block")
	}
	switch block.Type {
	case "RSA PRIVATE KEY":
		key, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("key: %w", err)
		}
		return key, nil
	case "PRIVATE KEY":
		parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("key: %w", err)
		}
		key, ok := parsed.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("key: %T is not an RSA key", parsed)
		}
		return key, nil
	}
	return nil, fmt.Errorf("key: unexpected PEM block %q", block.Type)
}
