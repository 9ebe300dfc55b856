package assertions_test

import (
	"crypto/rand"
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"github.com/samlharness/samlharness/assertions"
	"github.com/samlharness/samlharness/idpmock"
)

// Validate a Response the way the emulated Frontline does, and test the
// outcome by code.
func ExampleValidate() {
	now := time.Now()
	key, cert, err := idpmock.GenerateCertificate(idpmock.CertOptions{Now: now,
		Rand: rand.Reader})
	if err != nil {
		panic(err)
	}
	const realm = "JBdc4f8d2c5b1e4a7f9e3d6c2b1a0f9e8d"
	issuer := "https://portal.sso.us-east-1.amazonaws.com/saml/assertion/MTIz"
	acs := "https://iam.twilio.com/v2/saml2/authenticate/" + realm
	spec := assertions.ResponseSpec{
		ResponseID: "_1", AssertionID: "_2", IssueInstant: now,
		Issuer: issuer, Destination: acs,
		Audience:     "https://iam.twilio.com/v2/saml2/metadata/" + realm,
		NotOnOrAfter: now.Add(time.Hour),
		NameID:       "alice@example.com", NameIDFormat: assertions.NameIDFormatEmail,
		Attributes: []assertions.Attribute{
			{Name: "email", Values: []string{"alice@example.com"}},
			{Name: "roles", Values: []string{"Agent"}},
		},
	}
	xml, err := assertions.Signer{Key: key, Certificate: cert}.
		SignedXML(spec, assertions.SignBoth)
	if err != nil {
		panic(err)
	}

	report := assertions.Validate(xml, assertions.Expected{
		Issuer: issuer, Audience: spec.Audience, ACSURL: acs,
		Certificates: []*x509.Certificate{cert}, AllowUnsolicited: true, Now: now,
	})
	fmt.Println("accepted:", report.Accepted)
	fmt.Println("roles case:", errors.Is(report.Err(), assertions.RolesCase))
	fmt.Println("fix:", report.Check("roles").Fix)
	// Output:
	// accepted: false
	// roles case: true
	// fix: AWS IAM Identity Center, attribute mappings: write roles in lower case, agent
}
