package assertions

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
