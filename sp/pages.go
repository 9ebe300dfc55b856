package sp

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/samlharness/samlharness/assertions"
)

// The pages are server-rendered from templates/, with one style sheet and
// two small scripts (copy, drop) from static/: no inline script or style,
// nothing from another origin.
var (
	//go:embed templates/*.html
	templateFiles embed.FS
	//go:embed static
	staticFiles embed.FS

	pageTemplates = template.Must(template.New("").Funcs(template.FuncMap{
		"join":   strings.Join,
		"plural": plural,
	}).ParseFS(templateFiles, "templates/*.html"))

	staticAssets = func() fs.FS {
		sub, err := fs.Sub(staticFiles, "static")
		if err != nil {
			panic(err)
		}
		return sub
	}()
)

// WithBrowserRewrite sets where the SP sends a browser that must go to a
// public URL: its redirect to the SSO URL goes to rewrite(URL) instead, so
// that a browser driven against loopback servers never reaches the real
// AWS host. The AuthnRequest inside keeps the real Destination. A rewrite
// that returns "" refuses the redirect with a page naming the host. The
// default leaves URLs as they are.
func WithBrowserRewrite(rewrite func(publicURL string) string) Option {
	return func(s *SP) { s.browser = rewrite }
}

// browserURL returns where a browser is sent for the public URL u, or ""
// when it must not be sent.
func (s *SP) browserURL(u string) string {
	if s.browser == nil {
		return u
	}
	return s.browser(u)
}

// pagePolicy is the Content-Security-Policy of every page: only the SP's
// own style sheet and scripts load, no inline script or style runs, no
// page can be framed, and forms go only to formAction.
func pagePolicy(formAction string) string {
	return "default-src 'none'; script-src 'self'; style-src 'self'; " +
		"img-src 'self'; base-uri 'none'; frame-ancestors 'none'; " +
		"form-action " + formAction
}

// withPages adds the pages that are not SAML endpoints to mux (the
// diagnose page, the static assets, a root that leads to the login
// start) and wraps it with the security headers every answer carries.
func (s *SP) withPages(mux *http.ServeMux) http.Handler {
	mux.HandleFunc("GET "+diagnosePath, s.serveDiagnose)
	mux.HandleFunc("POST "+diagnosePath, s.serveDiagnose)
	mux.HandleFunc("GET /static/{name}", serveAsset)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, loginPath, http.StatusSeeOther)
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", pagePolicy("'self'"))
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		mux.ServeHTTP(w, r)
	})
}

func serveAsset(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if st, err := fs.Stat(staticAssets, name); err != nil || st.IsDir() {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", "no-cache")
	http.ServeFileFS(w, r, staticAssets, name)
}

// page writes a template; it executes into a buffer first, so that a
// template error gives a clean 500 rather than half a page.
func (s *SP) page(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := pageTemplates.ExecuteTemplate(&buf, name, data); err != nil {
		s.log.Error("render page", "page", name, "err", err)
		http.Error(w, "sp: render page: "+err.Error(), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// A loginView is the Frontline login start page.
type loginView struct {
	Title       string
	Problem     string
	WorkspaceID string
}

// renderLogin writes the login start page. Its form posts to the SP,
// which redirects to the SSO URL: the policy lets the form go there too.
func (s *SP) renderLogin(w http.ResponseWriter, status int, problem, workspace string) {
	action := "'self'"
	if origin := policyOrigin(s.browserURL(strings.TrimSpace(s.cfg.SSOURL))); origin != "" {
		action += " " + origin
	}
	w.Header().Set("Content-Security-Policy", pagePolicy(action))
	s.page(w, status, "login.html", loginView{Title: "Log in to Frontline",
		Problem: problem, WorkspaceID: workspace})
}

// redirectBrowser sends the browser to the public URL target, rewritten
// (see [WithBrowserRewrite]); a target the rewrite refuses, or that is
// not http(s), gets a 502 page naming its host and no redirect.
func (s *SP) redirectBrowser(w http.ResponseWriter, r *http.Request, target string) {
	to := s.browserURL(target)
	if policyOrigin(to) == "" {
		host := "(unparsable URL)"
		if u, err := url.Parse(target); err == nil {
			host = u.Host
		}
		s.log.Info("redirect refused", "host", host)
		s.page(w, http.StatusBadGateway, "unrouted.html", struct{ Title, Host string }{
			"SSO URL not served here", host})
		return
	}
	http.Redirect(w, r, to, http.StatusFound)
}

// policyHost is what a host may hold to be written into a policy as is.
var policyHost = regexp.MustCompile(`^[A-Za-z0-9.\-]+(:[0-9]+)?$|^\[[0-9A-Fa-f:.]+\](:[0-9]+)?$`)

// policyOrigin returns the origin of an http(s) URL as a policy source,
// or "" for any other URL.
func policyOrigin(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") ||
		!policyHost.MatchString(u.Host) {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// A reportView is a report laid out for a page: the failures first, then
// the warnings, then what passed and what was skipped.
type reportView struct {
	Report                          *assertions.Report
	Failed, Warned, Passed, Skipped []assertions.Check
	// NameID and Roles are the claims of an accepted login.
	NameID, Roles string
}

func newReportView(rep *assertions.Report) reportView {
	v := reportView{Report: rep}
	for _, c := range rep.Checks {
		switch c.Status {
		case assertions.Fail:
			v.Failed = append(v.Failed, c)
		case assertions.Warn:
			v.Warned = append(v.Warned, c)
		case assertions.Pass:
			v.Passed = append(v.Passed, c)
		default:
			v.Skipped = append(v.Skipped, c)
		}
	}
	if rep.Claims != nil {
		v.NameID = rep.Claims.NameID
		v.Roles = strings.Join(rep.Claims.Attributes["roles"], ", ")
	}
	return v
}

// A resultView is the page the ACS answers a browser with.
type resultView struct {
	Title string
	reportView
}

// renderResult writes the result page of an ACS POST: 200 when the login
// is accepted, 403 when not.
func (s *SP) renderResult(w http.ResponseWriter, rep *assertions.Report) {
	status, title := http.StatusOK, "Signed in to Frontline"
	if !rep.Accepted {
		status, title = http.StatusForbidden, "Frontline login rejected"
	}
	s.page(w, status, "result.html", resultView{Title: title, reportView: newReportView(rep)})
}

// plural returns "1 check" or "n checks".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
