package idpmock

import (
	"encoding/base64"
	"fmt"

	"github.com/beevik/etree"

	"github.com/samlharness/samlharness/assertions"
)

// SAML 2.0 binding URIs (SAML bindings §3.4 and §3.5).
const (
	bindingHTTPPost     = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
	bindingHTTPRedirect = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
)

// Metadata returns the IdP metadata in the shape AWS publishes for a
// custom application: an EntityDescriptor whose entityID is the issuer
// URL, unsigned and without validUntil, holding one IDPSSODescriptor with
// WantAuthnRequestsSigned="false" and, in this order, one signing
// KeyDescriptor, SingleLogoutService (POST, then Redirect), one
// NameIDFormat (emailAddress) and SingleSignOnService (POST, then
// Redirect) at the sign-in URL.
//
// Some real documents carry an empty NameIDFormat element instead; the
// mock always names emailAddress.
func (p *IdP) Metadata() ([]byte, error) {
	doc := etree.NewDocument()
	doc.CreateProcInst("xml", `version="1.0" encoding="UTF-8"`)

	ed := doc.CreateElement("md:EntityDescriptor")
	ed.CreateAttr("xmlns:md", assertions.NamespaceMetadata)
	ed.CreateAttr("entityID", p.IssuerURL())

	idp := ed.CreateElement("md:IDPSSODescriptor")
	idp.CreateAttr("WantAuthnRequestsSigned", "false")
	idp.CreateAttr("protocolSupportEnumeration", assertions.NamespaceProtocol)

	key := idp.CreateElement("md:KeyDescriptor")
	key.CreateAttr("use", "signing")
	info := key.CreateElement("ds:KeyInfo")
	info.CreateAttr("xmlns:ds", assertions.NamespaceDSig)
	info.CreateElement("ds:X509Data").CreateElement("ds:X509Certificate").
		SetText(base64.StdEncoding.EncodeToString(p.cfg.Certificate.Raw))

	for _, binding := range []string{bindingHTTPPost, bindingHTTPRedirect} {
		endpoint(idp, "md:SingleLogoutService", binding, p.LogoutURL())
	}
	idp.CreateElement("md:NameIDFormat").SetText(assertions.NameIDFormatEmail)
	for _, binding := range []string{bindingHTTPPost, bindingHTTPRedirect} {
		endpoint(idp, "md:SingleSignOnService", binding, p.SignInURL())
	}

	doc.Indent(2)
	out, err := doc.WriteToBytes()
	if err != nil {
		return nil, fmt.Errorf("idpmock: write metadata: %w", err)
	}
	return out, nil
}

func endpoint(parent *etree.Element, tag, binding, location string) {
	el := parent.CreateElement(tag)
	el.CreateAttr("Binding", binding)
	el.CreateAttr("Location", location)
}
