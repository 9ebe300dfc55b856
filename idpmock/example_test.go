package idpmock_test

import (
	"errors"
	"fmt"

	"github.com/samlharness/samlharness/idpmock"
)

// The Frontline guide's application: every assigned user gets NameID and
// email from the primary email, and the role agent.
func ExampleIdP_PostForm() {
	idp, err := idpmock.New(idpmock.Config{
		Region:        "us-east-1",
		ApplicationID: "MTIzNDU2Nzg5MDEy",
		ACSURL:        "https://iam.twilio.com/v2/saml2/authenticate/JB0123",
		Audience:      "https://iam.twilio.com/v2/saml2/metadata/JB0123",
		AttributeMappings: []idpmock.Mapping{
			{Attribute: "Subject", Value: "${user:email}", Format: "emailAddress"},
			{Attribute: "email", Value: "${user:email}", Format: "unspecified"},
			{Attribute: "roles", Value: "agent", Format: "unspecified"},
		},
		Users: []idpmock.User{
			{UserName: "alice", Email: "alice@example.com"},
			{UserName: "erin", Email: "erin@example.com"},
		},
		AssignedUsers: []string{"alice"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(idp.IssuerURL())

	form, err := idp.PostForm("alice@example.com", idpmock.IssueOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("POST", form.Action)

	_, err = idp.PostForm("erin@example.com", idpmock.IssueOptions{})
	var noAccess *idpmock.NoAccessError
	if errors.As(err, &noAccess) {
		fmt.Println("refused:", noAccess.Reason)
	}
	// Output:
	// https://portal.sso.us-east-1.amazonaws.com/saml/assertion/MTIzNDU2Nzg5MDEy
	// POST https://iam.twilio.com/v2/saml2/authenticate/JB0123
	// refused: not-assigned
}

// An admin who adds a second roles row sends two Attribute elements.
func ExampleResolveMappings() {
	claims, err := idpmock.ResolveMappings([]idpmock.Mapping{
		{Attribute: "Subject", Value: "${user:email}", Format: "emailAddress"},
		{Attribute: "roles", Value: "agent"},
		{Attribute: "roles", Value: "${user:groups}"},
	}, idpmock.User{Email: "bob@example.com", Groups: []string{"night-shift"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(claims.NameID, claims.NameIDFormat)
	for _, a := range claims.Attributes {
		fmt.Println(a.Name, a.Values)
	}
	// Output:
	// bob@example.com urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress
	// roles [agent]
	// roles [night-shift]
}
