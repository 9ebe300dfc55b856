package bench

import (
	"crypto/x509"
	"encoding/base64"
	"net/url"
	"testing"

	"github.com/crewjam/saml"
	saml2 "github.com/russellhaering/gosaml2"
	dsig "github.com/russellhaering/goxmldsig"

	"github.com/samlharness/samlharness/assertions"
	"github.com/samlharness/samlharness/fixtures"
	"github.com/samlharness/samlharness/sp"
)

// BenchmarkValidate checks the same signed Response three ways, each
// configured as the emulated Frontline is and each made to accept it
// before the clock starts: samlharness's full Frontline check with its
// report, crewjam/saml's ParseXMLResponse and gosaml2's
// RetrieveAssertionInfo (which takes the base64 of the POST form).
func BenchmarkValidate(b *testing.B) {
	s := sharedSetup(b)
	b.Run("samlharness", func(b *testing.B) { benchValidateHarness(b, s) })
	b.Run("crewjam", func(b *testing.B) { benchValidateCrewjam(b, s) })
	b.Run("gosaml2", func(b *testing.B) { benchValidateGosaml2(b, s) })
}

func benchValidateHarness(b *testing.B, s *setup) {
	front, err := sp.New(s.cfg.Frontline)
	if err != nil {
		b.Fatal(err)
	}
	exp := front.Expected(s.checked)
	r := assertions.Validate(s.xml, exp)
	if !r.Accepted || r.Claims == nil || !r.Claims.Trusted {
		b.Fatalf("samlharness rejects the Response: %v", r.Failed())
	}
	b.ReportMetric(float64(len(r.Checks)), "checks/op")
	b.ReportAllocs()
	for b.Loop() {
		if r := assertions.Validate(s.xml, exp); !r.Accepted {
			b.Fatal("rejected")
		}
	}
}

func benchValidateCrewjam(b *testing.B, s *setup) {
	acs, _ := url.Parse(fixtures.DefaultACSURL)
	peer := &saml.ServiceProvider{
		EntityID:          fixtures.DefaultAudience,
		AcsURL:            *acs,
		AllowIDPInitiated: true,
		Clock:             dsig.NewFakeClockAt(s.checked),
		IDPMetadata: &saml.EntityDescriptor{
			EntityID: fixtures.DefaultSignInURL,
			IDPSSODescriptors: []saml.IDPSSODescriptor{{
				SSODescriptor: saml.SSODescriptor{RoleDescriptor: saml.RoleDescriptor{
					KeyDescriptors: []saml.KeyDescriptor{{
						Use: "signing",
						KeyInfo: saml.KeyInfo{X509Data: saml.X509Data{
							X509Certificates: []saml.X509Certificate{{
								Data: base64.StdEncoding.EncodeToString(s.cert.Raw),
							}},
						}},
					}},
				}},
			}},
		},
	}
	a, err := peer.ParseXMLResponse(s.xml, nil, *acs)
	if err != nil {
		b.Fatalf("crewjam rejects the Response: %v", privateErr(err))
	}
	if a.Subject == nil || a.Subject.NameID == nil {
		b.Fatal("crewjam read no NameID")
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := peer.ParseXMLResponse(s.xml, nil, *acs); err != nil {
			b.Fatal(err)
		}
	}
}

// privateErr returns the cause crewjam keeps out of its error text.
func privateErr(err error) error {
	if ire, ok := err.(*saml.InvalidResponseError); ok {
		return ire.PrivateErr
	}
	return err
}

func benchValidateGosaml2(b *testing.B, s *setup) {
	peer := &saml2.SAMLServiceProvider{
		IdentityProviderIssuer:      fixtures.DefaultSignInURL,
		AssertionConsumerServiceURL: fixtures.DefaultACSURL,
		ServiceProviderIssuer:       fixtures.DefaultAudience,
		AudienceURI:                 fixtures.DefaultAudience,
		IDPCertificateStore: &dsig.MemoryX509CertificateStore{
			Roots: []*x509.Certificate{s.cert},
		},
		Clock: dsig.NewFakeClockAt(s.checked),
	}
	encoded := base64.StdEncoding.EncodeToString(s.xml)
	info, err := peer.RetrieveAssertionInfo(encoded)
	if err != nil {
		b.Fatalf("gosaml2 rejects the Response: %v", err)
	}
	if w := info.WarningInfo; w.InvalidTime || w.NotInAudience {
		b.Fatalf("gosaml2 warns: %+v", *w)
	}
	b.ReportAllocs()
	for b.Loop() {
		info, err := peer.RetrieveAssertionInfo(encoded)
		if err != nil || info.WarningInfo.InvalidTime || info.WarningInfo.NotInAudience {
			b.Fatal("rejected", err)
		}
	}
}
