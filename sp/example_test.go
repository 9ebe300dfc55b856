package sp_test

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/samlharness/samlharness/sp"
)

// The emulated Frontline on a loopback port, as its console configures it.
// A post without a SAMLResponse is refused before any check runs.
func ExampleNewServer() {
	s, err := sp.New(sp.Config{
		WorkspaceID: "example",
		RealmSID:    "JBdc4f8d2c5b1e4a7f9e3d6c2b1a0f9e8d",
		IdPIssuer:   "https://portal.sso.us-east-1.amazonaws.com/saml/assertion/MTIz",
		SSOURL:      "https://portal.sso.us-east-1.amazonaws.com/saml/assertion/MTIz",
	})
	if err != nil {
		panic(err)
	}
	srv := sp.NewServer(s)
	defer srv.Close()

	fmt.Println("entity ID:", s.EntityID())
	resp, err := http.PostForm(srv.ACSURL(), url.Values{"RelayState": {""}})
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	fmt.Println("status:", resp.StatusCode)
	// Output:
	// entity ID: https://iam.twilio.com/v2/saml2/metadata/JBdc4f8d2c5b1e4a7f9e3d6c2b1a0f9e8d
	// status: 400
}
