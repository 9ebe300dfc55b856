package assertions

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
)

// Signature algorithms a [Signer] knows, as the AWS console names them.
const (
	AlgorithmRSASHA256 = "rsa-sha256"
	AlgorithmRSASHA1   = "rsa-sha1"
)

// SignWhat says which elements of a Response [Signer.Sign] signs.
type SignWhat string

// The choices of what to sign. AWS does not publish which it signs; the
// harness emulates both by default.
const (
	SignBoth      SignWhat = "both"
	SignResponse  SignWhat = "response"
	SignAssertion SignWhat = "assertion"
	SignNone      SignWhat = "none"
)

// A Signer signs Responses the way AWS IAM Identity Center does: an
// enveloped XML Signature with exclusive c14n, the "ds" prefix, the
// certificate in KeyInfo, placed right after the signed element's Issuer.
type Signer struct {
	// Key is the private key; AWS keys are RSA.
	Key crypto.Signer
	// Certificate is the certificate written in KeyInfo. Sign does not
	// check that it matches Key, so that mismatched pairs can be built.
	Certificate *x509.Certificate
	// Algorithm is [AlgorithmRSASHA256] ("" means it) or
	// [AlgorithmRSASHA1]; the digest uses the same hash.
	Algorithm string
}

// Errors of [Signer.Sign], to test with errors.Is.
var (
	// ErrSignerConfig marks a Signer without key or certificate, or with an
	// unknown algorithm, or an unknown [SignWhat].
	ErrSignerConfig = errors.New("assertions: signer misconfigured")
	// ErrUnsignable marks a document that is not a Response with an Issuer
	// and an Assertion, or an element that is already signed.
	ErrUnsignable = errors.New("assertions: cannot sign")
)

// Sign signs the Response doc in place: the Assertion first, then the
// Response, so that the Response signature covers the Assertion's. The
// document must not be re-indented afterwards: whitespace is signed.
func (s Signer) Sign(doc *etree.Document, what SignWhat) error {
	var assertion, response bool
	switch what {
	case SignBoth:
		assertion, response = true, true
	case SignResponse:
		response = true
	case SignAssertion:
		assertion = true
	case SignNone:
		return nil
	default:
		return fmt.Errorf("%w: unknown choice %q", ErrSignerConfig, what)
	}

	root := doc.Root()
	if root == nil || !isSAML(root, NamespaceProtocol, "Response") {
		return fmt.Errorf("%w: the root is not a Response", ErrUnsignable)
	}
	if assertion {
		el := childSAML(root, NamespaceAssertion, "Assertion")
		if el == nil {
			return fmt.Errorf("%w: the Response has no Assertion", ErrUnsignable)
		}
		if err := s.signElement(el); err != nil {
			return err
		}
	}
	if response {
		if err := s.signElement(root); err != nil {
			return err
		}
	}
	return nil
}

// SignedXML builds the Response of spec, signs what it is told to, and
// serializes the result as it was signed.
func (s Signer) SignedXML(spec ResponseSpec, what SignWhat) ([]byte, error) {
	doc := BuildResponse(spec)
	if err := s.Sign(doc, what); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.Grow(16 << 10)
	if _, err := doc.WriteTo(&out); err != nil {
		return nil, fmt.Errorf("assertions: serialize Response: %w", err)
	}
	return out.Bytes(), nil
}

const algSHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"

// A signMethod is what a Signature names and how it hashes.
type signMethod struct {
	signature, digest string
	hash              crypto.Hash
}

var signMethods = map[string]signMethod{
	"":                 {dsig.RSASHA256SignatureMethod, algSHA256, crypto.SHA256},
	AlgorithmRSASHA256: {dsig.RSASHA256SignatureMethod, algSHA256, crypto.SHA256},
	AlgorithmRSASHA1:   {dsig.RSASHA1SignatureMethod, algSHA1, crypto.SHA1},
}

// signElement signs el, whose namespaces may be declared on its ancestors,
// and inserts the Signature right after el's Issuer. In order: the digest
// of el's exclusive canonical form; the SignedInfo naming it; the RSA
// signature of the SignedInfo's canonical form; the Signature with the
// certificate in KeyInfo.
func (s Signer) signElement(el *etree.Element) error {
	issuer := childSAML(el, NamespaceAssertion, "Issuer")
	if issuer == nil {
		return fmt.Errorf("%w: the %s has no Issuer", ErrUnsignable, el.Tag)
	}
	if childSAML(el, NamespaceDSig, "Signature") != nil {
		return fmt.Errorf("%w: the %s is already signed", ErrUnsignable, el.Tag)
	}
	m, err := s.method()
	if err != nil {
		return err
	}

	var buf bytes.Buffer
	buf.Grow(8 << 10)
	if err := canonicalize(&buf, el); err != nil {
		return fmt.Errorf("assertions: sign %s: %w", el.Tag, err)
	}
	h := m.hash.New()
	h.Write(buf.Bytes())

	sig := etree.NewElement(dsig.DefaultPrefix + ":" + dsig.SignatureTag)
	sig.CreateAttr("xmlns:"+dsig.DefaultPrefix, dsig.Namespace)
	info := dsigChild(sig, dsig.SignedInfoTag)
	dsigChild(info, dsig.CanonicalizationMethodTag).CreateAttr(dsig.AlgorithmAttr,
		algExcC14N)
	dsigChild(info, dsig.SignatureMethodTag).CreateAttr(dsig.AlgorithmAttr, m.signature)
	ref := dsigChild(info, dsig.ReferenceTag)
	ref.CreateAttr(dsig.URIAttr, "#"+el.SelectAttrValue(dsig.DefaultIdAttr, ""))
	transforms := dsigChild(ref, dsig.TransformsTag)
	dsigChild(transforms, dsig.TransformTag).CreateAttr(dsig.AlgorithmAttr, algEnveloped)
	dsigChild(transforms, dsig.TransformTag).CreateAttr(dsig.AlgorithmAttr, algExcC14N)
	dsigChild(ref, dsig.DigestMethodTag).CreateAttr(dsig.AlgorithmAttr, m.digest)
	dsigChild(ref, dsig.DigestValueTag).SetText(
		base64.StdEncoding.EncodeToString(h.Sum(nil)))

	buf.Reset()
	if err := canonicalize(&buf, info); err != nil {
		return fmt.Errorf("assertions: sign %s: %w", el.Tag, err)
	}
	h = m.hash.New()
	h.Write(buf.Bytes())
	value, err := s.Key.Sign(rand.Reader, h.Sum(nil), m.hash)
	if err != nil {
		return fmt.Errorf("assertions: sign %s: %w", el.Tag, err)
	}
	dsigChild(sig, dsig.SignatureValueTag).SetText(base64.StdEncoding.EncodeToString(value))
	dsigChild(dsigChild(dsigChild(sig, dsig.KeyInfoTag), dsig.X509DataTag),
		dsig.X509CertificateTag).SetText(base64.StdEncoding.EncodeToString(s.Certificate.Raw))

	el.InsertChildAt(issuer.Index()+1, sig)
	return nil
}

// dsigChild appends the element ds:tag to parent.
func dsigChild(parent *etree.Element, tag string) *etree.Element {
	return parent.CreateElement(dsig.DefaultPrefix + ":" + tag)
}

// method checks the Signer and returns its algorithms. AWS keys are RSA.
func (s Signer) method() (signMethod, error) {
	if s.Key == nil || s.Certificate == nil {
		return signMethod{}, fmt.Errorf("%w: no key or no certificate", ErrSignerConfig)
	}
	m, ok := signMethods[s.Algorithm]
	if !ok {
		return signMethod{}, fmt.Errorf("%w: unknown signature algorithm %q",
			ErrSignerConfig, s.Algorithm)
	}
	if _, ok := s.Key.Public().(*rsa.PublicKey); !ok {
		return signMethod{}, fmt.Errorf("%w: the key is %T, not RSA",
			ErrSignerConfig, s.Key.Public())
	}
	return m, nil
}

// isSAML reports whether el is the element space:tag, resolving its prefix.
func isSAML(el *etree.Element, space, tag string) bool {
	return el.Tag == tag && el.NamespaceURI() == space
}

// childSAML returns el's first child element space:tag, or nil.
func childSAML(el *etree.Element, space, tag string) *etree.Element {
	for _, c := range el.ChildElements() {
		if isSAML(c, space, tag) {
			return c
		}
	}
	return nil
}
