package sp

import (
	"encoding/xml"
	"net/http"

	"github.com/crewjam/saml"

	"github.com/samlharness/samlharness/assertions"
)

// Metadata returns the SP metadata: the entity ID, the ACS on the HTTP-POST
// binding, and NameIDFormat emailAddress.
func (s *SP) Metadata() ([]byte, error) {
	no, yes := false, true
	ed := saml.EntityDescriptor{
		EntityID: s.EntityID(),
		SPSSODescriptors: []saml.SPSSODescriptor{{
			SSODescriptor: saml.SSODescriptor{
				RoleDescriptor: saml.RoleDescriptor{
					ProtocolSupportEnumeration: assertions.NamespaceProtocol,
				},
				NameIDFormats: []saml.NameIDFormat{assertions.NameIDFormatEmail},
			},
			AuthnRequestsSigned:  &no,
			WantAssertionsSigned: &yes,
			AssertionConsumerServices: []saml.IndexedEndpoint{{
				Binding:  saml.HTTPPostBinding,
				Location: s.ACSURL(),
				Index:    0,
			}},
		}},
	}
	out, err := xml.MarshalIndent(ed, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), out...), nil
}

func (s *SP) serveMetadata(w http.ResponseWriter, r *http.Request) {
	if realm := r.PathValue("realm"); realm != s.cfg.RealmSID {
		http.Error(w, "sp: no SSO configuration for realm "+realm, http.StatusNotFound)
		return
	}
	md, err := s.Metadata()
	if err != nil {
		http.Error(w, "sp: metadata: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/samlmetadata+xml")
	_, _ = w.Write(md)
}
