package assertions

import (
	"crypto"
	"crypto/x509"
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

var signatureMethodURIs = map[string]string{
	"":                 dsig.RSASHA256SignatureMethod,
	AlgorithmRSASHA256: dsig.RSASHA256SignatureMethod,
	AlgorithmRSASHA1:   dsig.RSASHA1SignatureMethod,
}

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
	out, err := doc.WriteToBytes()
	if err != nil {
		return nil, fmt.Errorf("assertions: serialize Response: %w", err)
	}
	return out, nil
}

// signElement signs el, whose namespaces may be declared on its ancestors,
// and inserts the Signature right after el's Issuer.
func (s Signer) signElement(el *etree.Element) error {
	issuer := childSAML(el, NamespaceAssertion, "Issuer")
	if issuer == nil {
		return fmt.Errorf("%w: the %s has no Issuer", ErrUnsignable, el.Tag)
	}
	if childSAML(el, NamespaceDSig, "Signature") != nil {
		return fmt.Errorf("%w: the %s is already signed", ErrUnsignable, el.Tag)
	}
	ctx, err := s.context()
	if err != nil {
		return err
	}

	// The canonicalizer rewrites what it digests: sign a detached copy
	// that carries the namespaces declared on the ancestors.
	detached, err := detach(el, "")
	if err != nil {
		return fmt.Errorf("assertions: sign %s: detach: %w", el.Tag, err)
	}
	sig, err := ctx.ConstructSignature(detached, true)
	if err != nil {
		return fmt.Errorf("assertions: sign %s: %w", el.Tag, err)
	}
	el.InsertChildAt(issuer.Index()+1, sig)
	return nil
}

func (s Signer) context() (*dsig.SigningContext, error) {
	if s.Key == nil || s.Certificate == nil {
		return nil, fmt.Errorf("%w: no key or no certificate", ErrSignerConfig)
	}
	method, ok := signatureMethodURIs[s.Algorithm]
	if !ok {
		return nil, fmt.Errorf("%w: unknown signature algorithm %q",
			ErrSignerConfig, s.Algorithm)
	}
	ctx, err := dsig.NewSigningContext(s.Key, [][]byte{s.Certificate.Raw})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSignerConfig, err)
	}
	if err := ctx.SetSignatureMethod(method); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSignerConfig, err)
	}
	ctx.Canonicalizer = dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("")
	ctx.Prefix = dsig.DefaultPrefix
	ctx.IdAttribute = dsig.DefaultIdAttr
	return ctx, nil
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
