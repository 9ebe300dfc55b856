package assertions

import (
	"bytes"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
	"github.com/russellhaering/goxmldsig/etreeutils"
)

// A sigError is a signature that must not be trusted, with its code.
type sigError struct {
	code Code
	msg  string
}

func (e *sigError) Error() string { return string(e.code) + ": " + e.msg }

func sigFail(code Code, format string, args ...any) *sigError {
	return &sigError{code: code, msg: fmt.Sprintf(format, args...)}
}

// signedElement is one element's enveloped signature, as found.
type signedElement struct {
	el     *etree.Element
	sig    *etree.Element
	method string
	digest string
	// keyInfoDER is the DER of the certificate in KeyInfo, untrusted and
	// never parsed: it is only compared with the configured certificates.
	keyInfoDER []byte
}

// inspect checks the shape of the Signature that el carries as a direct
// child: one SignedInfo, one SignatureValue, at most one KeyInfo and
// nothing else; exclusive c14n; one Reference to "#" + el's ID; only the
// enveloped and exclusive c14n transforms; known algorithms; non-empty
// values. It returns nil when el carries no Signature.
func inspect(el *etree.Element) (*signedElement, *sigError) {
	sigs := children(el, NamespaceDSig, "Signature")
	switch {
	case len(sigs) == 0:
		return nil, nil
	case len(sigs) > 1:
		return nil, sigFail(SignatureStructure, "<%s> carries %d Signature elements",
			el.Tag, len(sigs))
	}
	s := &signedElement{el: el, sig: sigs[0]}

	counts := map[string]int{}
	for _, c := range s.sig.ChildElements() {
		if c.NamespaceURI() != NamespaceDSig {
			return nil, sigFail(SignatureStructure, "Signature holds foreign <%s>", c.FullTag())
		}
		counts[c.Tag]++
	}
	extra := len(counts) - 2 - min(counts["KeyInfo"], 1)
	if counts["SignedInfo"] != 1 || counts["SignatureValue"] != 1 ||
		counts["KeyInfo"] > 1 || extra != 0 {
		return nil, sigFail(SignatureStructure,
			"Signature must hold one SignedInfo, one SignatureValue, at most one KeyInfo "+
				"and nothing else")
	}

	info := child(s.sig, NamespaceDSig, "SignedInfo")
	c14n := children(info, NamespaceDSig, "CanonicalizationMethod")
	methods := children(info, NamespaceDSig, "SignatureMethod")
	refs := children(info, NamespaceDSig, "Reference")
	if len(c14n) != 1 || len(methods) != 1 || len(refs) != 1 ||
		len(info.ChildElements()) != 3 {
		return nil, sigFail(SignatureReference,
			"SignedInfo must hold one CanonicalizationMethod, SignatureMethod and Reference")
	}
	if alg := attr(c14n[0], "Algorithm"); alg != algExcC14N && alg != algExcC14NComments {
		return nil, sigFail(SignatureTransform, "canonicalization %q is not exclusive c14n", alg)
	}
	s.method = attr(methods[0], "Algorithm")
	if !signatureMethods[s.method] {
		return nil, sigFail(SignatureAlgorithm, "signature method %q", s.method)
	}

	if err := s.checkReference(refs[0]); err != nil {
		return nil, err
	}
	if v, _ := text(child(s.sig, NamespaceDSig, "SignatureValue")); v == "" {
		return nil, sigFail(SignatureStructure, "SignatureValue is empty")
	}
	der, err := keyInfoCertificate(child(s.sig, NamespaceDSig, "KeyInfo"))
	if err != nil {
		return nil, err
	}
	s.keyInfoDER = der
	return s, nil
}

func (s *signedElement) checkReference(ref *etree.Element) *sigError {
	id := attr(s.el, "ID")
	if id == "" {
		return sigFail(SignatureReference, "the signed <%s> has no ID", s.el.Tag)
	}
	if !hasAttr(ref, "URI") || attr(ref, "URI") != "#"+id {
		return sigFail(SignatureReference, "Reference URI %q is not %q",
			attr(ref, "URI"), "#"+id)
	}
	// Each transform once: a chain of repeats is work for nothing, and no
	// IdP writes one.
	enveloped, c14n := false, false
	for _, tr := range descendants(ref, NamespaceDSig, "Transform") {
		switch alg := attr(tr, "Algorithm"); alg {
		case algEnveloped:
			if enveloped {
				return sigFail(SignatureTransform, "the enveloped transform appears twice")
			}
			enveloped = true
		case algExcC14N, algExcC14NComments:
			if c14n {
				return sigFail(SignatureTransform, "more than one c14n transform")
			}
			c14n = true
		default:
			return sigFail(SignatureTransform, "transform %q", alg)
		}
		for _, c := range tr.ChildElements() {
			if c.Tag != "InclusiveNamespaces" {
				return sigFail(SignatureTransform, "transform holds <%s>", c.FullTag())
			}
		}
	}
	if !enveloped {
		return sigFail(SignatureTransform, "the enveloped-signature transform is missing")
	}
	dm := children(ref, NamespaceDSig, "DigestMethod")
	if len(dm) != 1 || !digestMethods[attr(dm[0], "Algorithm")] {
		return sigFail(SignatureAlgorithm, "digest method %q", attr(child(ref,
			NamespaceDSig, "DigestMethod"), "Algorithm"))
	}
	s.digest = attr(dm[0], "Algorithm")
	dv := children(ref, NamespaceDSig, "DigestValue")
	if v, _ := text(firstOf(dv)); len(dv) != 1 || v == "" {
		return sigFail(SignatureStructure, "DigestValue is missing or empty")
	}
	return nil
}

func firstOf(els []*etree.Element) *etree.Element {
	if len(els) == 0 {
		return nil
	}
	return els[0]
}

// keyInfoCertificate returns the DER bytes of the certificate a KeyInfo
// carries, or nil. Some IdPs put base64 of the PEM text there instead of
// base64 of the DER certificate; that is read too. The certificate is not
// parsed: an attacker's may be anything (a negative serial number, say),
// and it is only ever compared byte for byte with the configured ones.
func keyInfoCertificate(keyInfo *etree.Element) ([]byte, *sigError) {
	certs := descendants(keyInfo, NamespaceDSig, "X509Certificate")
	if len(certs) == 0 {
		return nil, nil
	}
	b64, _ := text(certs[0])
	der, err := decodeBase64([]byte(b64))
	if err != nil {
		return nil, sigFail(SignatureStructure, "KeyInfo certificate is not base64: %v", err)
	}
	if bytes.HasPrefix(der, []byte("-----BEGIN")) {
		block, _ := pem.Decode(der)
		if block == nil || block.Type != "CERTIFICATE" {
			return nil, sigFail(SignatureStructure, "KeyInfo holds PEM text that is not "+
				"one CERTIFICATE")
		}
		der = block.Bytes
	}
	if len(der) == 0 {
		return nil, sigFail(SignatureStructure, "KeyInfo certificate is empty")
	}
	return der, nil
}

// verify checks s with the configured certificates only and returns the
// signed element as the signature saw it: canonical, without the
// Signature. Claims are read from that copy, never from the document.
func (s *signedElement) verify(trusted []*x509.Certificate, now time.Time) (
	*etree.Element, *sigError) {
	roots := trusted
	if s.keyInfoDER != nil {
		roots = nil
		for _, c := range trusted {
			if bytes.Equal(c.Raw, s.keyInfoDER) {
				roots = append(roots, c)
			}
		}
		if len(roots) == 0 {
			return nil, sigFail(SignatureUntrustedKey,
				"signed with certificate %s, not the configured one",
				fingerprintDER256(s.keyInfoDER))
		}
	}
	if len(roots) == 0 {
		return nil, sigFail(SignatureUntrustedKey, "no certificate is configured")
	}

	ctx, err := etreeutils.NSBuildParentContext(s.el)
	if err != nil {
		return nil, sigFail(SignatureStructure, "namespace context: %v", err)
	}
	detached, err := etreeutils.NSDetatch(ctx, s.el)
	if err != nil {
		return nil, sigFail(SignatureStructure, "detach <%s>: %v", s.el.Tag, err)
	}
	// The KeyInfo has done its work, choosing roots: drop it so that dsig
	// uses the one root it is given, whatever the KeyInfo holds (a bare
	// KeyValue, or a certificate as PEM text).
	for _, ki := range children(child(detached, NamespaceDSig, "Signature"),
		NamespaceDSig, "KeyInfo") {
		ki.Parent().RemoveChild(ki)
	}

	var lastErr error
	for _, cert := range roots {
		vc := dsig.NewDefaultValidationContext(&dsig.MemoryX509CertificateStore{
			Roots: []*x509.Certificate{cert},
		})
		// Certificate validity is reported by its own check, as AWS and
		// the OneLogin toolkit do not refuse an expired certificate.
		vc.Clock = dsig.NewFakeClockAt(clampTime(now, cert.NotBefore, cert.NotAfter))
		signed, err := vc.Validate(detached)
		if err == nil {
			if el := splitText(s.el); el != nil {
				return nil, sigFail(SignatureComment, "the text of <%s> is split by a "+
					"comment or processing instruction: exclusive c14n leaves it out of "+
					"the digest, and parsers read such text differently", el.FullTag())
			}
			return signed, nil
		}
		lastErr = err
	}
	if errors.Is(lastErr, rsa.ErrVerification) {
		return nil, sigFail(SignatureInvalid, "the SignatureValue does not verify "+
			"with the configured certificate")
	}
	return nil, sigFail(SignatureDigestMismatch, "the digest of <%s> does not match: %v",
		s.el.Tag, lastErr)
}

// splitText returns the first element under el whose text is split by a
// comment or processing instruction, as in
// victim@corp.example<!---->.evil.test, or nil. No IdP writes one; a
// parser that reads only the first text node would see another value.
func splitText(el *etree.Element) *etree.Element {
	var found *etree.Element
	walkElements(el, func(e *etree.Element) {
		if found != nil {
			return
		}
		var hasText, hasOther bool
		for _, tok := range e.Child {
			switch t := tok.(type) {
			case *etree.CharData:
				hasText = hasText || strings.TrimSpace(t.Data) != ""
			case *etree.Comment, *etree.ProcInst:
				hasOther = true
			}
		}
		if hasText && hasOther {
			found = e
		}
	})
	return found
}

func clampTime(t, lo, hi time.Time) time.Time {
	if t.Before(lo) {
		return lo
	}
	if t.After(hi) {
		return hi
	}
	return t
}

func (s *signedElement) sha1() bool {
	return s.method == algRSASHA1 || s.digest == algSHA1 ||
		strings.HasSuffix(s.method, "-sha1")
}

func fingerprint256(c *x509.Certificate) string { return fingerprintDER256(c.Raw) }

func fingerprint1(c *x509.Certificate) string { return fingerprintDER1(c.Raw) }

func fingerprintDER256(der []byte) string {
	sum := sha256.Sum256(der)
	return colonHex(sum[:])
}

func fingerprintDER1(der []byte) string {
	sum := sha1.Sum(der)
	return colonHex(sum[:])
}

func colonHex(b []byte) string {
	const digits = "0123456789ABCDEF"
	var sb strings.Builder
	for i, x := range b {
		if i > 0 {
			sb.WriteByte(':')
		}
		sb.WriteByte(digits[x>>4])
		sb.WriteByte(digits[x&15])
	}
	return sb.String()
}
