package sp

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/crewjam/saml"

	"github.com/samlharness/samlharness/assertions"
)

const (
	loginPath = "/login"
	// sessionCookie binds outstanding AuthnRequests to the browser.
	sessionCookie = "frontline_sso_session"
	// maxLoginForm caps the body of a POST to the login start.
	maxLoginForm = 4 << 10
	// requestIDPrefix is the OneLogin toolkit's ID prefix, seen in the
	// real SP's AuthnRequests.
	requestIDPrefix = "ONELOGIN_"
	// AuthnContextPassword is the authentication context class the SP
	// requests, with Comparison "exact".
	AuthnContextPassword = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
)

// ErrUnknownWorkspace is the error of [SP.StartLogin] for a workspace ID
// other than the configured one.
var ErrUnknownWorkspace = errors.New("sp: no Frontline workspace has that ID")

// WorkspaceNotFound is what the emulated SP tells a user who typed a
// workspace ID it does not serve. Frontline's own wording is not
// published: this sentence is emulated.
const WorkspaceNotFound = "Workspace not found. Check the workspace ID with your " +
	"administrator and try again."

// A LoginStart is an SP-initiated login that the SP has begun: the
// AuthnRequest it sent to the SSO URL and what it remembers of it.
type LoginStart struct {
	// Request is the AuthnRequest as sent (unsigned).
	Request *saml.AuthnRequest
	// RelayState is the opaque value that must come back with the
	// Response.
	RelayState string
	// RedirectURL is the SSO URL carrying SAMLRequest (deflated, base64)
	// and RelayState: the HTTP-Redirect binding (SAML bindings §3.4).
	RedirectURL string
	// Session is the browser session the request is bound to, the value
	// of the SP's session cookie.
	Session string
}

// LoginURL returns where users start an SP-initiated login by typing the
// workspace ID. The real start page is Frontline's app or web page; the
// emulated one is TwilioBase+"/login", on the ACS host, so that the
// session cookie it sets comes back with the Response.
func (s *SP) LoginURL() string { return TwilioBase + loginPath }

// StartLogin begins an SP-initiated login for workspaceID, as the real SP
// does when a user types it: it builds an AuthnRequest (ID "ONELOGIN_"
// and 40 hex digits, Issuer the entity ID, the ACS URL, ProtocolBinding
// HTTP-POST, NameIDPolicy emailAddress with AllowCreate, RequestedAuthnContext
// exact PasswordProtectedTransport, unsigned), an opaque RelayState, and
// the redirect to the configured SSO URL; and it remembers the request
// for session (a new session when "") until the request lifetime ends.
// A workspace ID other than the configured one, up to case and spaces,
// gives [ErrUnknownWorkspace].
func (s *SP) StartLogin(workspaceID, session string) (*LoginStart, error) {
	if !strings.EqualFold(strings.TrimSpace(workspaceID), s.cfg.WorkspaceID) {
		return nil, fmt.Errorf("%w: %q", ErrUnknownWorkspace, workspaceID)
	}
	var err error
	if session == "" {
		if session, err = s.randomHex(16); err != nil {
			return nil, err
		}
	}
	id, err := s.randomHex(20)
	if err != nil {
		return nil, err
	}
	raw := make([]byte, 18)
	if err := s.readRand(raw); err != nil {
		return nil, err
	}
	relayState := base64.RawURLEncoding.EncodeToString(raw)

	now := s.now()
	req := s.authnRequest(requestIDPrefix+id, now)
	u, err := req.Redirect(relayState, &saml.ServiceProvider{})
	if err != nil {
		return nil, fmt.Errorf("sp: encode AuthnRequest: %w", err)
	}
	s.requests.add(pendingRequest{id: req.ID, relayState: relayState, session: session,
		expires: now.Add(s.requestLifetime)}, now)
	s.log.Info("login started", "request_id", req.ID, "sso_url", req.Destination)
	return &LoginStart{Request: req, RelayState: relayState, RedirectURL: u.String(),
		Session: session}, nil
}

// authnRequest returns the AuthnRequest the real SP sends, at now.
func (s *SP) authnRequest(id string, now time.Time) *saml.AuthnRequest {
	email, allow := assertions.NameIDFormatEmail, true
	return &saml.AuthnRequest{
		ID:                          id,
		Version:                     "2.0",
		IssueInstant:                now.UTC().Truncate(time.Millisecond),
		Destination:                 strings.TrimSpace(s.cfg.SSOURL),
		Issuer:                      &saml.Issuer{Value: s.EntityID()},
		AssertionConsumerServiceURL: s.ACSURL(),
		ProtocolBinding:             saml.HTTPPostBinding,
		NameIDPolicy:                &saml.NameIDPolicy{Format: &email, AllowCreate: &allow},
		RequestedAuthnContext: &saml.RequestedAuthnContext{Comparison: "exact",
			AuthnContextClassRefs: []string{AuthnContextPassword}},
	}
}

func (s *SP) randomHex(n int) (string, error) {
	b := make([]byte, n)
	if err := s.readRand(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

func (s *SP) readRand(b []byte) error {
	s.randMu.Lock()
	defer s.randMu.Unlock()
	if _, err := io.ReadFull(s.rand, b); err != nil {
		return fmt.Errorf("sp: read random bytes: %w", err)
	}
	return nil
}

// serveLogin is the login start. GET without a workspace parameter shows
// the form asking for the workspace ID; GET with ?workspace=ID, or a POST
// of the form, starts the login: a 302 to the SSO URL with the
// AuthnRequest, and the session cookie. A workspace ID the SP does not
// serve gets 404 and [WorkspaceNotFound].
func (s *SP) serveLogin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxLoginForm)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "sp: read form: "+err.Error(), http.StatusBadRequest)
		return
	}
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	if r.Method == http.MethodGet && !r.Form.Has("workspace") {
		s.renderLogin(w, http.StatusOK, "", "")
		return
	}

	// Keep a session the SP made, for logins started in several tabs; a
	// value it never made (planted by another page on this host) is
	// replaced.
	session := sessionOf(r)
	if !s.requests.knows(session) {
		session = ""
	}
	start, err := s.StartLogin(r.Form.Get("workspace"), session)
	if errors.Is(err, ErrUnknownWorkspace) {
		s.log.Info("login refused", "reason", "unknown workspace")
		s.renderLogin(w, http.StatusNotFound, WorkspaceNotFound, r.Form.Get("workspace"))
		return
	}
	if err != nil {
		s.log.Error("login start", "err", err)
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	http.SetCookie(w, s.sessionCookie(r, start.Session))
	s.redirectBrowser(w, r, start.RedirectURL)
}

// sessionCookie returns the cookie that binds the browser to its
// requests. The Response comes back by a cross-site POST, so on the
// Twilio host (or over TLS) it is SameSite=None and Secure; on a bare
// loopback address, same-site with the mock IdP, Lax does.
func (s *SP) sessionCookie(r *http.Request, session string) *http.Cookie {
	c := &http.Cookie{Name: sessionCookie, Value: session, Path: "/", HttpOnly: true,
		MaxAge: int(2 * s.requestLifetime / time.Second), SameSite: http.SameSiteLaxMode}
	if twilio, _ := url.Parse(TwilioBase); r.TLS != nil || r.Host == twilio.Host {
		c.Secure, c.SameSite = true, http.SameSiteNoneMode
	}
	return c
}

// sessionOf returns the session the request's cookie names, or "".
func sessionOf(r *http.Request) string {
	c, err := r.Cookie(sessionCookie)
	if err != nil || len(c.Value) != 32 {
		return ""
	}
	if _, err := hex.DecodeString(c.Value); err != nil {
		return ""
	}
	return c.Value
}
