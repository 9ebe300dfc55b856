package assertions

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"slices"
	"strings"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
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
	info   *etree.Element // the SignedInfo
	method string
	digest string
	// c14n is the CanonicalizationMethod of the SignedInfo; refC14N and
	// prefixes are the Reference's c14n transform and its
	// InclusiveNamespaces PrefixList.
	c14n, refC14N, prefixes string
	// keyInfoDER is the DER of the certificate in KeyInfo, untrusted and
	// never parsed: it is only compared with the configured certificates.
	keyInfoDER []byte
}

// inspect checks the shape of the Signature that el carries as a direct
// child: one SignedInfo, one SignatureValue, at most one KeyInfo and
// nothing else; exclusive c14n; one Reference to "#" + el's ID; the
// enveloped and exclusive c14n transforms, nothing else; known
// algorithms; non-empty values. It returns nil when el carries no Signature.
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
	s.info = info
	c14n := children(info, NamespaceDSig, "CanonicalizationMethod")
	methods := children(info, NamespaceDSig, "SignatureMethod")
	refs := children(info, NamespaceDSig, "Reference")
	if len(c14n) != 1 || len(methods) != 1 || len(refs) != 1 ||
		len(info.ChildElements()) != 3 {
		return nil, sigFail(SignatureReference,
			"SignedInfo must hold one CanonicalizationMethod, SignatureMethod and Reference")
	}
	if err := signedInfoShape(info); err != nil {
		return nil, err
	}
	s.c14n = attr(c14n[0], "Algorithm")
	if s.c14n != algExcC14N && s.c14n != algExcC14NComments {
		return nil, sigFail(SignatureTransform, "canonicalization %q is not exclusive c14n",
			s.c14n)
	}
	s.method = attr(methods[0], "Algorithm")
	if _, ok := signatureMethods[s.method]; !ok {
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

// signedInfoAttributes are the attributes each element of a SignedInfo
// may carry, besides namespace declarations (XML-DSig core schema).
var signedInfoAttributes = map[string][]string{
	"SignedInfo":             {"Id"},
	"CanonicalizationMethod": {"Algorithm"},
	"SignatureMethod":        {"Algorithm"},
	"Reference":              {"URI", "Id", "Type"},
	"Transforms":             nil,
	"Transform":              {"Algorithm"},
	"InclusiveNamespaces":    {"PrefixList"},
	"DigestMethod":           {"Algorithm"},
	"DigestValue":            nil,
}

// signedInfoShape refuses attributes a SignedInfo's elements do not have
// in XML-DSig, prefixed attributes among them, and children of the
// methods: a parser that matches attributes by local name (goxmldsig's
// encoding/xml) could read a Transform's x:Algorithm where we read its
// Algorithm. The elements themselves are checked where they are read.
func signedInfoShape(info *etree.Element) *sigError {
	var bad *sigError
	walkElements(info, func(el *etree.Element) {
		if bad != nil {
			return
		}
		allowed, known := signedInfoAttributes[el.Tag]
		if !known {
			return // an unexpected element: refused by the shape checks
		}
		for _, a := range el.Attr {
			if a.Space == "xmlns" || a.Space == "" && a.Key == "xmlns" {
				continue
			}
			if a.Space != "" || !slices.Contains(allowed, a.Key) {
				bad = sigFail(SignatureStructure, "<%s> carries the attribute %s",
					el.FullTag(), a.FullKey())
				return
			}
		}
		switch el.Tag {
		case "CanonicalizationMethod", "SignatureMethod", "DigestMethod":
			if len(el.ChildElements()) > 0 {
				bad = sigFail(SignatureStructure, "<%s> holds elements", el.FullTag())
			}
		}
	})
	return bad
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
	// Reference holds Transforms, DigestMethod and DigestValue, nothing
	// else, and each transform appears once: a chain of repeats is work
	// for nothing, and no IdP writes one.
	for _, c := range ref.ChildElements() {
		if !is(c, NamespaceDSig, "Transforms") && !is(c, NamespaceDSig, "DigestMethod") &&
			!is(c, NamespaceDSig, "DigestValue") {
			return sigFail(SignatureReference, "Reference holds <%s>", c.FullTag())
		}
	}
	transforms := children(ref, NamespaceDSig, "Transforms")
	if len(transforms) > 1 {
		return sigFail(SignatureTransform, "Reference holds %d Transforms", len(transforms))
	}
	var steps []*etree.Element
	if len(transforms) == 1 {
		steps = transforms[0].ChildElements()
	}
	enveloped, c14n := false, false
	for _, tr := range steps {
		if !is(tr, NamespaceDSig, "Transform") {
			return sigFail(SignatureTransform, "Transforms holds <%s>", tr.FullTag())
		}
		alg := attr(tr, "Algorithm")
		switch alg {
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
			s.refC14N = alg
			s.prefixes = attr(child(tr, algExcC14N, "InclusiveNamespaces"), "PrefixList")
		default:
			return sigFail(SignatureTransform, "transform %q", alg)
		}
		for i, c := range tr.ChildElements() {
			if i > 0 || alg == algEnveloped || !is(c, algExcC14N, "InclusiveNamespaces") {
				return sigFail(SignatureTransform, "transform holds <%s>", c.FullTag())
			}
		}
	}
	if !enveloped {
		return sigFail(SignatureTransform, "the enveloped-signature transform is missing")
	}
	if !c14n {
		// XML-DSig would then canonicalize with inclusive C14N 1.0, which
		// no SAML IdP relies on and goxmldsig does not implement.
		return sigFail(SignatureTransform, "the exclusive c14n transform is missing")
	}
	dm := children(ref, NamespaceDSig, "DigestMethod")
	if _, ok := digestMethods[attr(firstOf(dm), "Algorithm")]; len(dm) != 1 || !ok {
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
//
// inspect has already pinned the shape (one Reference to el's own ID, the
// enveloped transform, exclusive c14n, known algorithms), so what is left
// is the two steps of XML-DSig core validation (§3.2), in its order: the
// digest over the canonical element, then the SignatureValue over the
// canonical SignedInfo with a configured key. goxmldsig's canonicalizer
// makes both canonical forms;
// TestVerifyAgreesWithGoxmldsig holds the verdicts to its Validate.
func (s *signedElement) verify(trusted []*x509.Certificate) (*etree.Element, *sigError) {
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

	// The enveloped transform: the element without its Signature.
	signed, err := canonical(s.el, s.refC14N, s.prefixes, s.sig)
	if err != nil {
		return nil, sigFail(SignatureStructure, "canonicalize <%s>: %v", s.el.Tag, err)
	}
	ref := child(s.info, NamespaceDSig, "Reference")
	want, err := base64Strict(child(ref, NamespaceDSig, "DigestValue"))
	if err != nil {
		return nil, sigFail(SignatureStructure, "DigestValue is not base64: %v", err)
	}
	h := digestMethods[s.digest].New()
	h.Write(signed.bytes)
	if !bytes.Equal(h.Sum(nil), want) {
		return nil, sigFail(SignatureDigestMismatch, "the digest of <%s> does not match",
			s.el.Tag)
	}
	info, err := canonical(s.info, s.c14n, "")
	if err != nil {
		return nil, sigFail(SignatureStructure, "canonicalize SignedInfo: %v", err)
	}
	value, err := base64Strict(child(s.sig, NamespaceDSig, "SignatureValue"))
	if err != nil {
		return nil, sigFail(SignatureInvalid, "the SignatureValue is not base64: %v", err)
	}
	verified := false
	for _, cert := range roots {
		if cert.CheckSignature(signatureMethods[s.method], info.bytes, value) == nil {
			verified = true
			break
		}
	}
	if !verified {
		return nil, sigFail(SignatureInvalid, "the SignatureValue does not verify "+
			"with the configured certificate")
	}

	if el := splitText(s.el); el != nil {
		return nil, sigFail(SignatureComment, "the text of <%s> is split by a "+
			"comment or processing instruction: exclusive c14n leaves it out of "+
			"the digest, and parsers read such text differently", el.FullTag())
	}
	return signed.el, nil
}

// A canonicalForm is an element detached from its document, with the
// namespaces it inherits declared on it, rewritten to exclusive canonical
// form, and the bytes that form serializes to.
type canonicalForm struct {
	el    *etree.Element
	bytes []byte
}

// canonical detaches el without the given children and canonicalizes it
// with goxmldsig's exclusive canonicalizer for alg, which inspect has
// checked, and the inclusive prefix list.
func canonical(el *etree.Element, alg, prefixes string, without ...*etree.Element) (
	canonicalForm, error) {
	var c dsig.Canonicalizer
	switch alg {
	case algExcC14N:
		c = dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList(prefixes)
	case algExcC14NComments:
		c = dsig.MakeC14N10ExclusiveWithCommentsCanonicalizerWithPrefixList(prefixes)
	default:
		return canonicalForm{}, fmt.Errorf("c14n %q is not exclusive c14n", alg)
	}
	detached, err := detach(el, prefixes, without...)
	if err != nil {
		return canonicalForm{}, err
	}
	// The canonicalizer rewrites detached in place, then serializes it.
	b, err := c.Canonicalize(detached)
	if err != nil {
		return canonicalForm{}, err
	}
	return canonicalForm{el: detached, bytes: b}, nil
}

// base64Strict decodes the text of el as standard base64, as goxmldsig
// does: line breaks are ignored, other white space is refused.
func base64Strict(el *etree.Element) ([]byte, error) {
	var b []byte
	for _, tok := range el.Child {
		if t, ok := tok.(*etree.CharData); ok {
			b = append(b, t.Data...)
		}
	}
	out := make([]byte, base64.StdEncoding.DecodedLen(len(b)))
	n, err := base64.StdEncoding.Decode(out, b)
	return out[:n], err
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
