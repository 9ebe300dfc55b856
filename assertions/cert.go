package assertions

import (
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
)

// Errors of [ParseCertificate]; test for them with errors.Is.
var (
	// ErrNoCertificate means the text holds nothing but whitespace.
	ErrNoCertificate = errors.New("assertions: certificate: empty text")
	// ErrPrivateKey means a private key was pasted where a certificate
	// belongs: the key must stay with the IdP, never go to the SP.
	ErrPrivateKey = errors.New("assertions: certificate: text is a private key, " +
		"not a certificate")
	// ErrNotCertificate means the text is neither base64 nor PEM, or its
	// bytes are not an X.509 certificate.
	ErrNotCertificate = errors.New("assertions: certificate: not an X.509 certificate")
	// ErrManyCertificates means the text holds more than one PEM block.
	ErrManyCertificates = errors.New("assertions: certificate: more than one PEM block")
)

// pemDashes opens and closes every PEM boundary line.
const pemDashes = "-----"

// ParseCertificate reads an X.509 certificate pasted the way the Frontline
// console's "X.509 Certificate" field accepts it: PEM with or without its
// BEGIN and END lines, wrapped at any width or on one line, with stray
// spaces, tabs, CRLF line ends, "&#13;" entities or literal "\n" escapes
// (as copied from XML metadata or JSON). Anything else is an error wrapping
// [ErrNoCertificate], [ErrPrivateKey], [ErrNotCertificate] or
// [ErrManyCertificates].
func ParseCertificate(text string) (*x509.Certificate, error) {
	text = cleanPasted(text)
	if strings.TrimSpace(text) == "" {
		return nil, ErrNoCertificate
	}

	body := text
	if n := strings.Count(text, pemDashes+"BEGIN"); n > 1 {
		return nil, fmt.Errorf("%w: %d BEGIN lines", ErrManyCertificates, n)
	} else if n == 1 {
		label, inner, err := pemBody(text)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrNotCertificate, err)
		}
		if strings.Contains(label, "PRIVATE KEY") {
			return nil, ErrPrivateKey
		}
		if !strings.HasSuffix(label, "CERTIFICATE") {
			return nil, fmt.Errorf("%w: PEM block is %q", ErrNotCertificate, label)
		}
		body = inner
	}

	der, err := decodeBase64([]byte(body))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotCertificate, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		if isPrivateKeyDER(der) {
			return nil, ErrPrivateKey
		}
		return nil, fmt.Errorf("%w: %w", ErrNotCertificate, err)
	}
	return cert, nil
}

// Fingerprints returns the SHA-256 and SHA-1 fingerprints of cert's DER
// bytes as uppercase hex pairs joined by colons ("AB:01:..."), the form
// certificate viewers show.
func Fingerprints(cert *x509.Certificate) (sha256, sha1 string) {
	return fingerprint256(cert), fingerprint1(cert)
}

// cleanPasted undoes what copying through XML, JSON or Windows does to PEM
// text: carriage-return entities, CRs and escaped newlines become plain
// line ends.
func cleanPasted(text string) string {
	r := strings.NewReplacer(
		"&#13;", "", "&#xD;", "", "&#xd;", "", "&#10;", "\n", "&#xA;", "\n",
		"&#xa;", "\n", `\r`, "", `\n`, "\n", "\r", "")
	return r.Replace(text)
}

// pemBody returns the label of the first PEM block in text and the base64
// between its BEGIN and END lines. It is laxer than encoding/pem: spaces
// may surround the boundaries and the END line may be missing.
func pemBody(text string) (label, body string, err error) {
	_, rest, _ := strings.Cut(text, pemDashes+"BEGIN")
	label, rest, ok := strings.Cut(rest, pemDashes)
	if !ok {
		return "", "", fmt.Errorf("BEGIN line not closed by %q", pemDashes)
	}
	body, _, _ = strings.Cut(rest, pemDashes+"END")
	return strings.TrimSpace(label), body, nil
}

// isPrivateKeyDER reports whether der parses as a private key.
func isPrivateKeyDER(der []byte) bool {
	if _, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		return true
	}
	if _, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return true
	}
	_, err := x509.ParseECPrivateKey(der)
	return err == nil
}

// ParseRSAKey reads a PEM private key (PKCS #1 "RSA PRIVATE KEY" or
// PKCS #8 "PRIVATE KEY") that can sign SAML messages: AWS IAM Identity
// Center signs with RSA only, so other key types are an error.
func ParseRSAKey(text string) (crypto.Signer, error) {
	text = cleanPasted(text)
	if !strings.Contains(text, pemDashes+"BEGIN") {
		return nil, errors.New("assertions: signing key: no PEM block")
	}
	label, body, err := pemBody(text)
	if err != nil {
		return nil, fmt.Errorf("assertions: signing key: %w", err)
	}
	der, err := decodeBase64([]byte(body))
	if err != nil {
		return nil, fmt.Errorf("assertions: signing key: %w", err)
	}

	var key any
	switch label {
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(der)
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(der)
	default:
		return nil, fmt.Errorf("assertions: signing key: PEM block is %q, "+
			"want RSA PRIVATE KEY or PRIVATE KEY", label)
	}
	if err != nil {
		return nil, fmt.Errorf("assertions: signing key: %w", err)
	}
	rsaKey, ok := key.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("assertions: signing key: %T is not an RSA key", key)
	}
	return rsaKey, nil
}
