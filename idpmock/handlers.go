package idpmock

import (
	"bytes"
	"embed"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
)

//go:embed templates/*.html
var templateFiles embed.FS

var pages = template.Must(template.ParseFS(templateFiles, "templates/*.html"))

// maxFormBytes bounds the body of a POST to the handler.
const maxFormBytes = 64 << 10

// A PostForm is the HTML form of the SAML HTTP-POST binding (SAML
// bindings §3.5) that carries a Response to the ACS URL. A Go client can
// post [PostForm.Values] to Action instead of reading the HTML.
type PostForm struct {
	// Action is the ACS URL, exactly as configured.
	Action string
	// SAMLResponse is the base64 of the signed Response XML.
	SAMLResponse string
	// RelayState is the relay state; "" means none, and the form then has
	// no RelayState field.
	RelayState string
}

// Values returns the form's fields: SAMLResponse, and RelayState when set.
func (f *PostForm) Values() url.Values {
	v := url.Values{"SAMLResponse": {f.SAMLResponse}}
	if f.RelayState != "" {
		v.Set("RelayState", f.RelayState)
	}
	return v
}

// ErrUnsafeAction is the cause of the error [IdP.PostForm] returns when
// the ACS URL is not http or https: the form would run it in the browser.
var ErrUnsafeAction = errors.New("idpmock: the form action is not an http(s) URL")

// PostForm logs the user in like [IdP.Issue] and returns the form that
// carries the Response to the ACS URL. An IdP-initiated login (no
// InResponseTo) carries the relay state of opts or, when that is "", of
// the configuration. An SP-initiated one carries the SP's RelayState of
// opts unchanged, even "", as AWS does; only the test setting
// TamperRelayState changes it.
func (p *IdP) PostForm(user string, opts IssueOptions) (*PostForm, error) {
	if err := checkAction(p.cfg.ACSURL); err != nil {
		return nil, err
	}
	xml, err := p.Issue(user, opts)
	if err != nil {
		return nil, err
	}
	relayState := opts.RelayState
	switch {
	case opts.InResponseTo != "" && p.cfg.TamperRelayState != "":
		relayState = p.cfg.TamperRelayState
	case opts.InResponseTo == "" && relayState == "":
		relayState = p.cfg.RelayState
	}
	return &PostForm{
		Action:       p.cfg.ACSURL,
		SAMLResponse: base64.StdEncoding.EncodeToString(xml),
		RelayState:   relayState,
	}, nil
}

func checkAction(action string) error {
	u, err := url.Parse(action)
	if err != nil || u.Host == "" || u.Scheme != "https" && u.Scheme != "http" {
		return fmt.Errorf("%w: %q", ErrUnsafeAction, action)
	}
	return nil
}

// Handler returns the IdP's HTTP handler, with AWS's paths (see the
// package documentation). Its pages use relative links, so it can be
// mounted under a prefix with http.StripPrefix.
func (p *IdP) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "start", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /start", p.handlePortal)
	mux.HandleFunc("POST /start/login", p.handlePortalLogin)
	mux.HandleFunc("POST /start/xml", p.handlePortalXML)
	mux.HandleFunc("GET /saml/assertion/{id}", p.handleSignIn)
	mux.HandleFunc("POST /saml/assertion/{id}", p.handleSignIn)
	mux.HandleFunc("GET /saml/metadata/{id}", p.handleMetadata)
	mux.HandleFunc("/saml/logout/{id}", p.handleLogout)
	return withPageHeaders(mux)
}

type userChoice struct{ Login, Label string }

// handlePortal serves the access portal: without ?user=, a user chooser
// standing in for the password page; with it, that user's application
// tile, or "No access" (403) when the user may not use the application.
func (p *IdP) handlePortal(w http.ResponseWriter, r *http.Request) {
	user := r.URL.Query().Get("user")
	if user == "" {
		p.render(w, http.StatusOK, "portal.html",
			struct{ Users []userChoice }{p.userChoices()})
		return
	}

	if err := p.CheckAccess(user); err != nil {
		p.refuse(w, err)
		return
	}
	p.render(w, http.StatusOK, "apps.html", struct{ User, DisplayName string }{
		user, p.cfg.DisplayName,
	})
}

// userChoices lists the users for a chooser page.
func (p *IdP) userChoices() []userChoice {
	choices := make([]userChoice, 0, len(p.cfg.Users))
	for _, u := range p.cfg.Users {
		c := userChoice{Login: u.Email, Label: u.UserName + " <" + u.Email + ">"}
		if u.Email == "" {
			c = userChoice{Login: u.UserName, Label: u.UserName + " (no email)"}
		}
		choices = append(choices, c)
	}
	return choices
}

// handlePortalLogin is the click on the application tile: an IdP-initiated
// login for the form field user. The optional field relay_state replaces
// the configured relay state.
func (p *IdP) handlePortalLogin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "idpmock: read form: "+err.Error(), http.StatusBadRequest)
		return
	}
	p.login(w, r.PostForm.Get("user"), IssueOptions{
		RelayState: r.PostForm.Get("relay_state"),
	})
}

// handleSignIn serves the sign-in URL. A SAMLRequest starts an
// SP-initiated login (see [IdP.handleAuthnRequest]); without one, ?user=
// starts an IdP-initiated login and anything else goes to the access
// portal. Another application's ID gets 404.
func (p *IdP) handleSignIn(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("id") != p.cfg.ApplicationID {
		http.NotFound(w, r)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "idpmock: read form: "+err.Error(), http.StatusBadRequest)
		return
	}
	if r.Form.Has("SAMLRequest") {
		p.handleAuthnRequest(w, r)
		return
	}
	user := r.Form.Get("user")
	if user == "" {
		http.Redirect(w, r, "../../start", http.StatusSeeOther)
		return
	}
	p.login(w, user, IssueOptions{})
}

// login answers a login with the auto-submitting form, or
// with "No access" (403) and no SAML response at all.
func (p *IdP) login(w http.ResponseWriter, user string, opts IssueOptions) {
	form, err := p.PostForm(user, opts)
	if err != nil {
		p.refuse(w, err)
		return
	}
	// SAML bindings §3.5.5.1: the form must not be cached.
	w.Header().Set("Cache-Control", "no-cache, no-store")
	w.Header().Set("Pragma", "no-cache")
	p.renderPost(w, form)
}

// refuse writes "No access" (403) for a [*NoAccessError], and 500 for
// any other error.
func (p *IdP) refuse(w http.ResponseWriter, err error) {
	var noAccess *NoAccessError
	if !errors.As(err, &noAccess) {
		p.log.Error("login failed", "err", err)
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	p.render(w, http.StatusForbidden, "noaccess.html", struct {
		Reason  Reason
		Explain string
	}{noAccess.Reason, noAccess.Reason.Explain()})
}

func (p *IdP) handleMetadata(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("id") != p.cfg.ApplicationID {
		http.NotFound(w, r)
		return
	}
	out, err := p.Metadata()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/xml")
	_, _ = w.Write(out)
}

func (p *IdP) handleLogout(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("id") != p.cfg.ApplicationID {
		http.NotFound(w, r)
		return
	}
	http.Error(w, "idpmock: single logout is not emulated", http.StatusNotImplemented)
}

// render executes a page into a buffer first, so that a template error
// gives a clean 500 rather than half a page.
func (p *IdP) render(w http.ResponseWriter, status int, page string, data any) {
	var buf bytes.Buffer
	buf.Grow(16 << 10) // the auto-submit page of a Response, in one allocation
	if err := pages.ExecuteTemplate(&buf, page, data); err != nil {
		p.log.Error("render page", "page", page, "err", err)
		http.Error(w, "idpmock: render page: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
