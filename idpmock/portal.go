package idpmock

import (
	"embed"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"regexp"

	"github.com/beevik/etree"
)

//go:embed templates/static
var staticFiles embed.FS

// staticAssets holds the style sheet and scripts of the pages, served
// under any path that ends in /static/<name>, so that the pages' relative
// links work at every depth and under any prefix.
var staticAssets = func() fs.FS {
	sub, err := fs.Sub(staticFiles, "templates/static")
	if err != nil {
		panic(err)
	}
	return sub
}()

// pagePolicy is the Content-Security-Policy of every page: nothing loads
// but the IdP's own style sheet and scripts, no inline script or style
// runs, no page can be framed, and forms go only to formAction.
func pagePolicy(formAction string) string {
	return "default-src 'none'; script-src 'self'; style-src 'self'; " +
		"img-src 'self'; base-uri 'none'; frame-ancestors 'none'; " +
		"form-action " + formAction
}

// WithBrowserRewrite sets how the pages send a browser to a public URL.
// The SAML messages carry the real URLs (the ACS URL on iam.twilio.com);
// a browser driven against loopback servers must never go there, so the
// action of the auto-submitting form is rewrite(ACS URL) instead. The
// Response inside, Destination and Recipient included, is unchanged. The
// rewritten action must still be an http(s) URL, or the login is refused
// with [ErrUnsafeAction]. The default leaves URLs as they are.
func WithBrowserRewrite(rewrite func(publicURL string) string) Option {
	return func(p *IdP) { p.browser = rewrite }
}

// withPageHeaders serves the static assets and sets the security headers
// of every other answer: the page policy with form-action 'self', no MIME
// sniffing, no referrer and no framing.
func withPageHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		if name, ok := assetName(r); ok {
			h.Set("Cache-Control", "no-cache")
			http.ServeFileFS(w, r, staticAssets, name)
			return
		}
		h.Set("Content-Security-Policy", pagePolicy("'self'"))
		next.ServeHTTP(w, r)
	})
}

// assetName returns the asset a GET or HEAD of .../static/<name> asks for.
func assetName(r *http.Request) (string, bool) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return "", false
	}
	dir, name := path.Split(r.URL.Path)
	if path.Base(dir) != "static" || name == "" {
		return "", false
	}
	if _, err := fs.Stat(staticAssets, name); err != nil {
		return "", false
	}
	return name, true
}

// renderPost writes the auto-submitting form of the HTTP-POST binding,
// its action rewritten for the browser (see [WithBrowserRewrite]) and
// checked again, with a policy that lets the form go to that origin only.
func (p *IdP) renderPost(w http.ResponseWriter, form *PostForm) {
	page := *form
	if p.browser != nil {
		page.Action = p.browser(form.Action)
	}
	origin, err := formOrigin(page.Action)
	if err != nil {
		p.log.Error("login refused", "err", err)
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Security-Policy", pagePolicy(origin))
	p.render(w, http.StatusOK, "post.html", &page)
}

// cspHost is what a host may hold to be written into a policy as is.
var cspHost = regexp.MustCompile(`^[A-Za-z0-9.\-]+(:[0-9]+)?$|^\[[0-9A-Fa-f:.]+\](:[0-9]+)?$`)

// formOrigin checks that action is an http(s) URL and returns its origin,
// as a policy source.
func formOrigin(action string) (string, error) {
	if err := checkAction(action); err != nil {
		return "", err
	}
	u, _ := url.Parse(action)
	if !cspHost.MatchString(u.Host) {
		return "", errors.Join(ErrUnsafeAction, errors.New("idpmock: odd host "+u.Host))
	}
	return u.Scheme + "://" + u.Host, nil
}

// handlePortalXML is the tile's second action, AWS's administrator aid:
// it logs the form field user in like the tile does but shows the signed
// Response, pretty-printed, instead of sending it.
func (p *IdP) handlePortalXML(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "idpmock: read form: "+err.Error(), http.StatusBadRequest)
		return
	}
	user := r.PostForm.Get("user")
	form, err := p.PostForm(user, IssueOptions{RelayState: r.PostForm.Get("relay_state")})
	if err != nil {
		p.refuse(w, err)
		return
	}
	xml, err := base64.StdEncoding.DecodeString(form.SAMLResponse)
	if err != nil {
		p.refuse(w, fmt.Errorf("idpmock: decode own response: %w", err))
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	p.render(w, http.StatusOK, "xml.html", struct {
		User, DisplayName, ACSURL, RelayState, XML string
	}{user, p.cfg.DisplayName, form.Action, form.RelayState, indentXML(xml)})
}

// indentXML pretty-prints a document for reading; the signature does not
// survive it, so the result is shown, never sent.
func indentXML(b []byte) string {
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(b); err != nil {
		return string(b)
	}
	doc.Indent(2)
	out, err := doc.WriteToString()
	if err != nil {
		return string(b)
	}
	return out
}
