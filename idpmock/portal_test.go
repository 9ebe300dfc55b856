package idpmock_test

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/samlharness/samlharness/idpmock"
)

// assertStrictPolicy checks the headers every page carries.
func assertStrictPolicy(t *testing.T, p page, formAction string) {
	t.Helper()
	csp := p.header.Get("Content-Security-Policy")
	for _, directive := range []string{"default-src 'none'", "script-src 'self'",
		"style-src 'self'", "frame-ancestors 'none'", "base-uri 'none'",
		"form-action " + formAction} {
		assert.Contains(t, csp, directive)
	}
	assert.NotContains(t, csp, "unsafe-inline")
	assert.Equal(t, "nosniff", p.header.Get("X-Content-Type-Options"))
	assert.Equal(t, "no-referrer", p.header.Get("Referrer-Policy"))
}

func TestPagePolicy(t *testing.T) {
	t.Parallel()
	h := newIdP(t, frontlineConfig(t)).Handler()
	alice := url.Values{"user": {"alice@example.com"}}

	for _, tt := range []struct {
		name, method, target string
		form                 url.Values
		status               int
		formAction           string
	}{
		{"chooser", "GET", "/start", nil, http.StatusOK, "'self'"},
		{"tiles", "GET", "/start?user=alice@example.com", nil, http.StatusOK, "'self'"},
		{"no access", "GET", "/start?user=erin@example.com", nil, http.StatusForbidden, "'self'"},
		{"show XML", "POST", "/start/xml", alice, http.StatusOK, "'self'"},
		// The form goes to the ACS URL's origin, and nowhere else.
		{"post form", "POST", "/start/login", alice, http.StatusOK, "https://iam.twilio.com"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := serve(t, h, tt.method, tt.target, tt.form)
			require.Equal(t, tt.status, got.status, got.body)
			assertStrictPolicy(t, got, tt.formAction)
			assert.NotContains(t, got.body, "<script>", "no inline script")
			assert.NotContains(t, got.body, "<style", "no inline style")
		})
	}
}

func TestStaticAssets(t *testing.T) {
	t.Parallel()
	h := newIdP(t, frontlineConfig(t)).Handler()
	for _, tt := range []struct {
		target, contentType string
		status              int
	}{
		{"/static/portal.css", "text/css; charset=utf-8", http.StatusOK},
		// Relative links resolve under any page's folder.
		{"/start/static/post.js", "text/javascript; charset=utf-8", http.StatusOK},
		{"/saml/assertion/static/copy.js", "text/javascript; charset=utf-8", http.StatusOK},
		{"/static/missing.js", "", http.StatusNotFound},
		{"/static/", "", http.StatusNotFound},
	} {
		got := serve(t, h, "GET", tt.target, nil)
		assert.Equal(t, tt.status, got.status, tt.target)
		if tt.contentType != "" {
			assert.Equal(t, tt.contentType, got.header.Get("Content-Type"), tt.target)
			assert.Equal(t, "nosniff", got.header.Get("X-Content-Type-Options"))
		}
	}
}

// The browser is sent to the loopback ACS, but the Response keeps the
// real Destination and Recipient.
func TestBrowserRewrite(t *testing.T) {
	t.Parallel()
	local := "http://127.0.0.1:8443/v2/saml2/authenticate/" + testRealm
	var asked string
	h := newIdP(t, frontlineConfig(t), idpmock.WithBrowserRewrite(func(u string) string {
		asked = u
		return local
	})).Handler()

	got := serve(t, h, "POST", "/start/login", url.Values{"user": {"alice@example.com"}})
	require.Equal(t, http.StatusOK, got.status, got.body)
	assert.Equal(t, testACS, asked)
	form := readForm(t, got.body)
	assert.Equal(t, local, form.Action)
	assertStrictPolicy(t, got, "http://127.0.0.1:8443")
	xml, err := base64.StdEncoding.DecodeString(form.Fields.Get("SAMLResponse"))
	require.NoError(t, err)
	root := parseXML(t, xml)
	assert.Equal(t, testACS, root.SelectAttrValue("Destination", ""))
}

// A form action that is not http(s) would run in the browser: the IdP
// refuses the login and writes no form.
func TestBrowserRewriteRefusesUnsafeAction(t *testing.T) {
	t.Parallel()
	for _, action := range []string{"javascript:alert(document.domain)",
		"JavaScript:alert(1)", "data:text/html,<script>alert(1)</script>", "",
		"//127.0.0.1:8443/acs", "http://127.0.0.1;script-src *"} {
		h := newIdP(t, frontlineConfig(t), idpmock.WithBrowserRewrite(
			func(string) string { return action })).Handler()
		got := serve(t, h, "POST", "/start/login", url.Values{"user": {"alice@example.com"}})
		assert.Equal(t, http.StatusInternalServerError, got.status, action)
		assert.NotContains(t, got.body, "<form", action)
		assert.NotContains(t, got.body, "SAMLResponse", action)
	}
}

func TestPostFormRefusesJavascriptACS(t *testing.T) {
	t.Parallel()
	p := newIdP(t, frontlineConfig(t))
	cfg := p.Config()
	cfg.ACSURL = "javascript:alert(1)//"
	_, err := idpmock.New(cfg)
	var cfgErr *idpmock.ConfigError
	require.ErrorAs(t, err, &cfgErr, "refused at configuration")
	assert.Equal(t, "aws.acs_url", cfgErr.Field)
}

// Everything a message or the directory holds is escaped: a relay state
// and a user name holding markup render as text.
func TestPagesEscape(t *testing.T) {
	t.Parallel()
	const evil = `"><script>alert(1)</script><img src=x onerror=alert(2)>`
	cfg := frontlineConfig(t)
	cfg.RelayState = evil
	cfg.Users = append(cfg.Users, idpmock.User{UserName: "mallory" + evil})
	h := newIdP(t, cfg).Handler()

	pages := map[string]page{
		"chooser":   serve(t, h, "GET", "/start", nil),
		"no access": serve(t, h, "GET", "/start?user="+url.QueryEscape(evil), nil),
		"xml": serve(t, h, "POST", "/start/xml",
			url.Values{"user": {"alice@example.com"}}),
		"post": serve(t, h, "POST", "/start/login",
			url.Values{"user": {"alice@example.com"}}),
	}
	for name, p := range pages {
		assert.NotContains(t, p.body, "<script>alert", name)
		assert.NotContains(t, p.body, "<img src=x", name)
	}
	readForm(t, pages["chooser"].body) // still well-formed XHTML
	assert.Contains(t, pages["xml"].body, "&lt;script&gt;alert(1)&lt;/script&gt;")
	assert.Equal(t, evil, readForm(t, pages["post"].body).Fields.Get("RelayState"))
}

func TestShowXMLIsNotSent(t *testing.T) {
	t.Parallel()
	h := newIdP(t, frontlineConfig(t)).Handler()
	got := serve(t, h, "POST", "/start/xml", url.Values{"user": {"bob@example.com"}})
	require.Equal(t, http.StatusOK, got.status)
	assert.Contains(t, got.header.Get("Cache-Control"), "no-store")
	assert.Contains(t, got.body, "&lt;saml2p:Response")
	assert.Contains(t, got.body, "bob@example.com")
	assert.NotContains(t, got.body, `name="SAMLResponse"`, "no form carries it")

	refused := serve(t, h, "POST", "/start/xml", url.Values{"user": {"erin@example.com"}})
	assert.Equal(t, http.StatusForbidden, refused.status)
	assert.NotContains(t, refused.body, "saml2p:Response")
}
