package assertions

import (
	"crypto/x509"
	"fmt"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
	"github.com/russellhaering/goxmldsig/etreeutils"
)

// signatureDisagreement verifies the Response's own Signature and its
// Assertions' with verify and with goxmldsig's ValidationContext.Validate,
// both given the certificates certs, and describes the first element
// they judge differently, or returns "". A shape that inspect refuses is
// ours alone and is not compared; neither is a text split by a comment,
// which only verify refuses. When both accept, the elements they return
// must canonicalize to the same bytes: the claims are read from them.
// compared counts the elements both judged.
func signatureDisagreement(xml []byte, certs []*x509.Certificate) (diff string, compared int) {
	doc, err := parse(xml, Limits{MaxBytes: 64 << 20, MaxDepth: 256,
		MaxElements: 1 << 20, MaxNamespaces: 1 << 16})
	if err != nil {
		return "", 0
	}
	root := doc.Root()
	for _, el := range append([]*etree.Element{root}, children(root, NamespaceAssertion,
		"Assertion")...) {
		s, err := inspect(el)
		if err != nil || s == nil {
			continue
		}
		compared++
		ours, oerr := s.verify(certs)
		theirs, terr := goxmldsigVerify(s, certs)
		switch {
		case oerr == nil && terr != nil:
			return fmt.Sprintf("<%s>: verify accepts, goxmldsig refuses: %v", el.Tag, terr),
				compared
		case oerr != nil && terr == nil && oerr.code != SignatureComment:
			return fmt.Sprintf("<%s>: goxmldsig accepts, verify refuses: %v", el.Tag, oerr),
				compared
		case oerr == nil && terr == nil:
			a, b := canonicalBytes(ours), canonicalBytes(theirs)
			if a != b {
				return fmt.Sprintf("<%s>: the signed copies differ:\n%s\n%s", el.Tag, a, b),
					compared
			}
		}
	}
	return "", compared
}

// goxmldsigVerify is how s was verified before verify: the element
// detached with its namespaces, its KeyInfo dropped (inspect has matched
// it against certs), then goxmldsig's Validate with each certificate at
// a time within its validity.
func goxmldsigVerify(s *signedElement, certs []*x509.Certificate) (*etree.Element, error) {
	scope, err := etreeutils.NSBuildParentContext(s.el)
	if err != nil {
		return nil, err
	}
	detached, err := etreeutils.NSDetatch(scope, s.el)
	if err != nil {
		return nil, err
	}
	for _, ki := range children(child(detached, NamespaceDSig, "Signature"),
		NamespaceDSig, "KeyInfo") {
		ki.Parent().RemoveChild(ki)
	}
	err = fmt.Errorf("no certificate")
	for _, c := range certs {
		if s.keyInfoDER != nil && string(s.keyInfoDER) != string(c.Raw) {
			continue
		}
		vc := dsig.NewDefaultValidationContext(&dsig.MemoryX509CertificateStore{
			Roots: []*x509.Certificate{c}})
		vc.Clock = dsig.NewFakeClockAt(c.NotBefore)
		var signed *etree.Element
		if signed, err = vc.Validate(detached); err == nil {
			return signed, nil
		}
	}
	return nil, err
}

func canonicalBytes(el *etree.Element) string {
	b, err := dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("").Canonicalize(el.Copy())
	if err != nil {
		return "error: " + err.Error()
	}
	return string(b)
}
