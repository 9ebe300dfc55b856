package idpmock

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/crewjam/saml"
)

// MaxAuthnRequestBytes caps an AuthnRequest, inflated or not. A real one
// is under 2 KiB; AWS's own cap is not published [guess].
const MaxAuthnRequestBytes = 16 << 10

// Errors of [DecodeAuthnRequest] and [IdP.CheckAuthnRequest]; an
// [*AuthnRequestError] unwraps to one of them.
var (
	// ErrAuthnRequestMalformed means SAMLRequest is not base64, DEFLATE or
	// an AuthnRequest document.
	ErrAuthnRequestMalformed = errors.New("idpmock: malformed AuthnRequest")
	// ErrAuthnRequestTooLarge means the request exceeds
	// [MaxAuthnRequestBytes].
	ErrAuthnRequestTooLarge = errors.New("idpmock: AuthnRequest too large")
	// ErrUnknownIssuer means the request's Issuer is not the
	// application's SAML audience: AWS knows no such service provider.
	ErrUnknownIssuer = errors.New("idpmock: AuthnRequest Issuer is not the " +
		"application SAML audience")
	// ErrACSURLMismatch means the request asks for an ACS URL other than
	// the application's.
	ErrACSURLMismatch = errors.New("idpmock: AuthnRequest ACS URL is not the " +
		"application ACS URL")
)

// An AuthnRequestError is an AuthnRequest the IdP refuses, with the value
// it expected and the one it got.
type AuthnRequestError struct {
	// Err is one of the sentinels above.
	Err error
	// Expected and Actual are the application's value and the request's,
	// for a mismatch; "" otherwise.
	Expected, Actual string
}

// Error names the sentinel and, for a mismatch, both values.
func (e *AuthnRequestError) Error() string {
	if e.Expected == "" && e.Actual == "" {
		return e.Err.Error()
	}
	return fmt.Sprintf("%v: expected %q, got %q", e.Err, e.Expected, e.Actual)
}

// Unwrap returns the sentinel.
func (e *AuthnRequestError) Unwrap() error { return e.Err }

// DecodeAuthnRequest decodes the SAMLRequest parameter of an SP-initiated
// login: base64 of the raw DEFLATE of the XML for the HTTP-Redirect
// binding (deflated true, SAML bindings §3.4.4.1), base64 of the XML for
// HTTP-POST. It returns the request and its XML. The inflated size is
// capped at [MaxAuthnRequestBytes] and a DOCTYPE is refused.
func DecodeAuthnRequest(samlRequest string, deflated bool) (*saml.AuthnRequest, []byte, error) {
	if len(samlRequest) > 2*MaxAuthnRequestBytes {
		return nil, nil, &AuthnRequestError{Err: ErrAuthnRequestTooLarge}
	}
	raw, err := base64.StdEncoding.DecodeString(strings.Join(
		strings.Fields(samlRequest), ""))
	if err != nil {
		return nil, nil, &AuthnRequestError{Err: fmt.Errorf("%w: base64: %w",
			ErrAuthnRequestMalformed, err)}
	}
	if deflated {
		r := flate.NewReader(bytes.NewReader(raw))
		raw, err = io.ReadAll(io.LimitReader(r, MaxAuthnRequestBytes+1))
		if err != nil {
			return nil, nil, &AuthnRequestError{Err: fmt.Errorf("%w: inflate: %w",
				ErrAuthnRequestMalformed, err)}
		}
	}
	if len(raw) > MaxAuthnRequestBytes {
		return nil, nil, &AuthnRequestError{Err: ErrAuthnRequestTooLarge}
	}
	if bytes.Contains(raw, []byte("<!DOCTYPE")) || bytes.Contains(raw, []byte("<!ENTITY")) {
		return nil, nil, &AuthnRequestError{Err: fmt.Errorf("%w: DOCTYPE refused",
			ErrAuthnRequestMalformed)}
	}
	var req saml.AuthnRequest
	if err := xml.Unmarshal(raw, &req); err != nil {
		return nil, nil, &AuthnRequestError{Err: fmt.Errorf("%w: %w",
			ErrAuthnRequestMalformed, err)}
	}
	if req.ID == "" {
		return nil, nil, &AuthnRequestError{Err: fmt.Errorf("%w: no ID",
			ErrAuthnRequestMalformed)}
	}
	return &req, raw, nil
}

// CheckAuthnRequest checks an AuthnRequest the way AWS checks one for the
// application: its Issuer must be the application SAML audience, and its
// AssertionConsumerServiceURL, when present, the application ACS URL.
// AWS takes unsigned requests, so no signature is looked for.
func (p *IdP) CheckAuthnRequest(req *saml.AuthnRequest) error {
	issuer := ""
	if req.Issuer != nil {
		issuer = strings.TrimSpace(req.Issuer.Value)
	}
	if issuer != strings.TrimSpace(p.cfg.Audience) {
		return &AuthnRequestError{Err: ErrUnknownIssuer, Expected: p.cfg.Audience,
			Actual: issuer}
	}
	if acs := req.AssertionConsumerServiceURL; acs != "" && acs != p.cfg.ACSURL {
		return &AuthnRequestError{Err: ErrACSURLMismatch, Expected: p.cfg.ACSURL,
			Actual: acs}
	}
	return nil
}

// handleAuthnRequest answers an SP-initiated login at the sign-in URL, in
// this order:
//
//   - decodes SAMLRequest: HTTP-Redirect on GET, HTTP-POST on POST (400
//     when malformed or over [MaxAuthnRequestBytes]);
//   - refuses it with "No access" (403) when the application is
//     IdP-initiated only;
//   - checks it with [IdP.CheckAuthnRequest] (400 naming the mismatch);
//   - picks the user: the user parameter, else the only configured user,
//     else a user chooser page that posts the request back;
//   - answers like an IdP-initiated login, with InResponseTo set to the
//     request's ID and the RelayState as it came.
func (p *IdP) handleAuthnRequest(w http.ResponseWriter, r *http.Request) {
	req, raw, err := DecodeAuthnRequest(r.Form.Get("SAMLRequest"), r.Method == http.MethodGet)
	if err != nil {
		p.log.Info("AuthnRequest refused", "err", err)
		p.render(w, http.StatusBadRequest, "badrequest.html", err.Error())
		return
	}
	if p.cfg.IdPInitiatedOnly {
		p.refuse(w, &NoAccessError{User: r.Form.Get("user"), Reason: ReasonIdPInitiatedOnly})
		return
	}
	if err := p.CheckAuthnRequest(req); err != nil {
		p.log.Info("AuthnRequest refused", "request_id", req.ID, "err", err)
		p.render(w, http.StatusBadRequest, "badrequest.html", err.Error())
		return
	}

	relayState := r.Form.Get("RelayState")
	user := r.Form.Get("user")
	if user == "" && len(p.cfg.Users) == 1 {
		user = loginName(&p.cfg.Users[0])
	}
	if user == "" {
		p.render(w, http.StatusOK, "choose.html", struct {
			Users                   []userChoice
			SAMLRequest, RelayState string
		}{p.userChoices(), base64.StdEncoding.EncodeToString(raw), relayState})
		return
	}
	p.log.Info("AuthnRequest accepted", "request_id", req.ID)
	p.login(w, user, IssueOptions{InResponseTo: req.ID, RelayState: relayState})
}

// loginName is what a user types to sign in: the email, or the user name
// of a user without one.
func loginName(u *User) string {
	if u.Email != "" {
		return u.Email
	}
	return u.UserName
}
