package assertions

import (
	"crypto"
	"crypto/x509"
)

// SignatureInfo describes the signatures a Response carries. Fingerprints
// of the certificate in KeyInfo come from the message and are untrusted.
type SignatureInfo struct {
	// Signed is "response", "assertion", "both" or "none".
	Signed string `json:"signed"`
	// Algorithm and Digest are the SignatureMethod and DigestMethod URIs.
	Algorithm string `json:"algorithm,omitempty"`
	Digest    string `json:"digest,omitempty"`
	// MessageCertSHA256 and MessageCertSHA1 fingerprint the certificate
	// carried in KeyInfo (untrusted).
	MessageCertSHA256 string `json:"message_cert_sha256,omitempty"`
	MessageCertSHA1   string `json:"message_cert_sha1,omitempty"`
	// ConfiguredCertSHA256 and ConfiguredCertSHA1 fingerprint the
	// configured certificate.
	ConfiguredCertSHA256 string `json:"configured_cert_sha256,omitempty"`
	ConfiguredCertSHA1   string `json:"configured_cert_sha1,omitempty"`
	// ConfiguredCertNotAfter is when the configured certificate expires.
	ConfiguredCertNotAfter string `json:"configured_cert_not_after,omitempty"`
}

// Algorithms a Signature may use. SHA-1 is allowed with a warning unless
// the policy rejects it.
const (
	algExcC14N         = "http://www.w3.org/2001/10/xml-exc-c14n#"
	algExcC14NComments = "http://www.w3.org/2001/10/xml-exc-c14n#WithComments"
	algEnveloped       = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
	algRSASHA1         = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
	algSHA1            = "http://www.w3.org/2000/09/xmldsig#sha1"
)

// signatureMethods maps each SignatureMethod to the algorithm that checks
// it, as goxmldsig maps them.
var signatureMethods = map[string]x509.SignatureAlgorithm{
	algRSASHA1: x509.SHA1WithRSA,
	"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256":   x509.SHA256WithRSA,
	"http://www.w3.org/2001/04/xmldsig-more#rsa-sha384":   x509.SHA384WithRSA,
	"http://www.w3.org/2001/04/xmldsig-more#rsa-sha512":   x509.SHA512WithRSA,
	"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256": x509.ECDSAWithSHA256,
	"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384": x509.ECDSAWithSHA384,
	"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512": x509.ECDSAWithSHA512,
}

// digestMethods maps each DigestMethod to its hash.
var digestMethods = map[string]crypto.Hash{
	algSHA1: crypto.SHA1,
	"http://www.w3.org/2001/04/xmlenc#sha256":       crypto.SHA256,
	"http://www.w3.org/2001/04/xmldsig-more#sha384": crypto.SHA384,
	"http://www.w3.org/2001/04/xmlenc#sha512":       crypto.SHA512,
}
