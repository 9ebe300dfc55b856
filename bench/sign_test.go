package bench

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"net/http"
	"net/url"
	"testing"

	"github.com/beevik/etree"
	"github.com/crewjam/saml"

	"github.com/samlharness/samlharness/assertions"
	"github.com/samlharness/samlharness/fixtures"
	"github.com/samlharness/samlharness/idpmock"
)

// BenchmarkSign issues the signed Response three ways, with the same
// RSA-2048 key: idpmock's Issue (authorize the user, resolve the attribute
// mappings, build, sign the Assertion then the Response, serialize);
// crewjam/saml's IdP making an assertion and MakeResponse on the
// IdpAuthnRequest path, then serializing; and the floor, the two bare
// RSA-SHA256 signatures any such Response needs.
func BenchmarkSign(b *testing.B) {
	s := sharedSetup(b)
	b.Run("samlharness", func(b *testing.B) { benchSignHarness(b, s) })
	b.Run("crewjam", func(b *testing.B) { benchSignCrewjam(b, s) })
	b.Run("floor", func(b *testing.B) { benchSignFloor(b, s) })
}

func benchSignHarness(b *testing.B, s *setup) {
	user := s.idp.Config().Users[0].Email
	out, err := s.idp.Issue(user, idpmock.IssueOptions{})
	if err != nil {
		b.Fatal(err)
	}
	if n := bytes.Count(out, []byte("<ds:SignatureValue>")); n != 2 {
		b.Fatalf("idpmock signed %d elements, want 2", n)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.idp.Issue(user, idpmock.IssueOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func benchSignCrewjam(b *testing.B, s *setup) {
	metadataURL, _ := url.Parse(fixtures.DefaultSignInURL)
	idp := &saml.IdentityProvider{
		Key: s.key, Certificate: s.cert,
		MetadataURL: *metadataURL, SSOURL: *metadataURL,
	}
	session := &saml.Session{
		ID: "bench", CreateTime: s.issued, ExpireTime: s.issued.Add(3600e9),
		Index:        "_session",
		NameID:       "alice@example.com",
		NameIDFormat: assertions.NameIDFormatEmail,
		CustomAttributes: []saml.Attribute{
			{Name: "email", NameFormat: assertions.AttrNameFormatUnspecified,
				Values: []saml.AttributeValue{{Type: "xs:string",
					Value: "alice@example.com"}}},
			{Name: "roles", NameFormat: assertions.AttrNameFormatUnspecified,
				Values: []saml.AttributeValue{{Type: "xs:string", Value: "agent"}}},
		},
	}
	issue := func() ([]byte, error) {
		req := &saml.IdpAuthnRequest{
			IDP: idp, Now: s.issued,
			HTTPRequest: &http.Request{RemoteAddr: "127.0.0.1:49152"},
			ServiceProviderMetadata: &saml.EntityDescriptor{
				EntityID: fixtures.DefaultAudience},
			SPSSODescriptor: &saml.SPSSODescriptor{},
			ACSEndpoint: &saml.IndexedEndpoint{
				Binding: saml.HTTPPostBinding, Location: fixtures.DefaultACSURL},
		}
		if err := (saml.DefaultAssertionMaker{}).MakeAssertion(req, session); err != nil {
			return nil, err
		}
		if err := req.MakeResponse(); err != nil {
			return nil, err
		}
		return elementBytes(req)
	}
	out, err := issue()
	if err != nil {
		b.Fatal(err)
	}
	if n := bytes.Count(out, []byte("SignatureValue>")); n != 4 {
		b.Fatalf("crewjam signed %d elements, want 2", n/2)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := issue(); err != nil {
			b.Fatal(err)
		}
	}
}

// signedInfoSize is about the size of one canonical SignedInfo.
const signedInfoSize = 640

func benchSignFloor(b *testing.B, s *setup) {
	info := bytes.Repeat([]byte("x"), signedInfoSize)
	b.ReportAllocs()
	for b.Loop() {
		for range 2 {
			sum := sha256.Sum256(info)
			if _, err := rsa.SignPKCS1v15(nil, s.key, crypto.SHA256, sum[:]); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// elementBytes serializes crewjam's Response as its PostBinding does.
func elementBytes(req *saml.IdpAuthnRequest) ([]byte, error) {
	doc := etree.NewDocument()
	doc.SetRoot(req.ResponseEl)
	return doc.WriteToBytes()
}
