package assertions

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

var (
	pemLine   = regexp.MustCompile(`-----(BEGIN|END) [A-Z0-9 ]+-----`)
	charRefCR = strings.NewReplacer("&#13;", "", "&#xD;", "", "&#xd;", "", "&#10;", "",
		"&#xA;", "", "&#xa;", "")
)

// ParseCertificate reads an X.509 certificate pasted the way admins paste
// one into the Frontline console: PEM with or without its BEGIN and END
// lines, wrapped or on one line, with stray spaces, tabs, CRLF or &#13;
// references, or as bare base64 DER.
func ParseCertificate(pasted string) (*x509.Certificate, error) {
	s := charRefCR.Replace(pasted)
	if strings.Contains(s, "PRIVATE KEY-----") {
		return nil, errors.New("assertions: this is a private key; paste the certificate " +
			"(BEGIN CERTIFICATE) instead")
	}
	if b, _ := pem.Decode([]byte(strings.TrimSpace(s))); b != nil && b.Type != "CERTIFICATE" {
		return nil, fmt.Errorf("assertions: PEM block is %q, not a CERTIFICATE", b.Type)
	}
	if blocks := pemLine.FindAllStringIndex(s, -1); len(blocks) > 2 {
		// Several PEM blocks: take the first certificate.
		s = s[:blocks[1][1]]
	}
	s = pemLine.ReplaceAllString(s, "")
	if strings.TrimSpace(s) == "" {
		return nil, errors.New("assertions: the certificate is empty")
	}
	der, err := decodeBase64([]byte(s))
	if err != nil {
		return nil, fmt.Errorf("assertions: certificate is not PEM or base64: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("assertions: parse certificate: %w", err)
	}
	return cert, nil
}

// Fingerprints returns the SHA-256 and SHA-1 fingerprints of cert as
// colon-separated upper-case hex, as certificate viewers show them.
func Fingerprints(cert *x509.Certificate) (sha256, sha1 string) {
	return fingerprint256(cert), fingerprint1(cert)
}
