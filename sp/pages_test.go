package sp_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/samlharness/samlharness/fixtures"
	"github.com/samlharness/samlharness/idpmock"
	"github.com/samlharness/samlharness/sp"
)

// evil is markup that would run if a page put it in its HTML unescaped.
const evil = `"><script>alert(1)</script><img src=x onerror=alert(2)>`

var pagesNow = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// pagesConfig is the built-in configuration, its key made once.
var pagesConfig = sync.OnceValues(func() (*fixtures.Config, error) {
	return fixtures.Default(nil, pagesNow.AddDate(0, -1, 0))
})

// pagesSides returns an IdP and the SP's handler for the built-in
// configuration changed by edit, both on the test clock.
func pagesSides(t *testing.T, edit func(*fixtures.Config),
	opts ...sp.Option) (*idpmock.IdP, http.Handler) {
	t.Helper()
	base, err := pagesConfig()
	require.NoError(t, err)
	cfg := base.Clone()
	if edit != nil {
		edit(cfg)
	}
	clock := func() time.Time { return pagesNow }
	idp, err := idpmock.New(cfg.AWS, idpmock.WithClock(clock))
	require.NoError(t, err)
	s, err := sp.New(cfg.Frontline, append([]sp.Option{sp.WithClock(clock)}, opts...)...)
	require.NoError(t, err)
	return idp, s.Handler()
}

type answer struct {
	status int
	header http.Header
	body   string
}

func do(h http.Handler, req *http.Request) answer {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return answer{rec.Code, rec.Header(), rec.Body.String()}
}

func postForm(h http.Handler, target string, form url.Values) answer {
	req := httptest.NewRequest("POST", target, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return do(h, req)
}

// postMultipart posts the diagnose form: fields, and a file when name is
// not "".
func postMultipart(t *testing.T, h http.Handler, fields map[string]string,
	name string, file []byte) answer {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		require.NoError(t, mw.WriteField(k, v))
	}
	if name != "" {
		fw, err := mw.CreateFormFile("capture", name)
		require.NoError(t, err)
		_, err = fw.Write(file)
		require.NoError(t, err)
	}
	require.NoError(t, mw.Close())
	req := httptest.NewRequest("POST", "/diagnose", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return do(h, req)
}

// assertStrictPolicy checks the security headers of a page.
func assertStrictPolicy(t *testing.T, a answer, formAction string) {
	t.Helper()
	csp := a.header.Get("Content-Security-Policy")
	for _, directive := range []string{"default-src 'none'", "script-src 'self'",
		"style-src 'self'", "frame-ancestors 'none'", "base-uri 'none'",
		"form-action " + formAction} {
		assert.Contains(t, csp, directive)
	}
	assert.NotContains(t, csp, "unsafe-inline")
	assert.Equal(t, "nosniff", a.header.Get("X-Content-Type-Options"))
	assert.Equal(t, "text/html; charset=utf-8", a.header.Get("Content-Type"))
	assert.NotContains(t, a.body, "<script>", "no inline script")
	assert.NotContains(t, a.body, "<style", "no inline style")
}

func acsPath() string {
	return "/v2/saml2/authenticate/" + fixtures.DefaultRealmSID
}

func TestResultPages(t *testing.T) {
	t.Parallel()
	idp, h := pagesSides(t, nil)
	form, err := idp.PostForm("alice@example.com", idpmock.IssueOptions{})
	require.NoError(t, err)

	ok := postForm(h, acsPath(), form.Values())
	require.Equal(t, http.StatusOK, ok.status, ok.body)
	assertStrictPolicy(t, ok, "'self'")
	assert.Contains(t, ok.body, `Signed in to Frontline as <strong class="nameid">`+
		`alice@example.com</strong> with role`+"\n"+`<strong class="roles">agent</strong>`)
	assert.Contains(t, ok.body, `<details class="report">`, "the report folded")

	replayed := postForm(h, acsPath(), form.Values())
	require.Equal(t, http.StatusForbidden, replayed.status)
	assertStrictPolicy(t, replayed, "'self'")
	assert.Contains(t, replayed.body, "<h1>Login rejected</h1>")
	failed := strings.Index(replayed.body, "<code>replay.detected</code>")
	passed := strings.Index(replayed.body, "<h2>Checks that passed</h2>")
	require.True(t, failed > 0 && passed > 0, replayed.body)
	assert.Less(t, failed, passed, "failures come first")
}

// A NameID, an attribute value and a RelayState holding markup render as
// text on the result page.
func TestResultPageEscapes(t *testing.T) {
	t.Parallel()
	idp, h := pagesSides(t, func(c *fixtures.Config) {
		c.AWS.Users[0].Email = "alice" + evil + "@example.com"
		c.AWS.AttributeMappings[2].Value = evil
	})
	form, err := idp.PostForm("alice"+evil+"@example.com", idpmock.IssueOptions{})
	require.NoError(t, err)
	values := form.Values()
	values.Set("RelayState", evil)

	got := postForm(h, acsPath(), values)
	require.Equal(t, http.StatusForbidden, got.status, got.body)
	assert.NotContains(t, got.body, "<script>alert")
	assert.NotContains(t, got.body, "<img src=x")
	assert.Contains(t, got.body, "&lt;script&gt;alert(1)&lt;/script&gt;")
	assert.Contains(t, got.body, "<code>roles.", "the roles check failed on it")
}

func TestLoginPagePolicy(t *testing.T) {
	t.Parallel()
	_, h := pagesSides(t, nil)

	form := do(h, httptest.NewRequest("GET", "/login", nil))
	require.Equal(t, http.StatusOK, form.status)
	// The form posts to the SP, which redirects to the SSO URL.
	assertStrictPolicy(t, form, "'self' https://portal.sso.us-east-1.amazonaws.com")
	assert.Contains(t, form.body, `<label for="workspace">Workspace ID</label>`)

	wrong := postForm(h, "/login", url.Values{"workspace": {evil}})
	require.Equal(t, http.StatusNotFound, wrong.status)
	assert.Contains(t, wrong.body, sp.WorkspaceNotFound)
	assert.Contains(t, wrong.body, `aria-invalid="true"`)
	assert.NotContains(t, wrong.body, "<script>alert")
	assert.Contains(t, wrong.body, `value="&#34;&gt;&lt;script&gt;`, "the ID as typed")
}

// With a browser rewrite, the redirect to the SSO URL goes to loopback
// and the AuthnRequest keeps the real Destination; a URL the rewrite
// refuses is never redirected to.
func TestLoginRedirectRewrite(t *testing.T) {
	t.Parallel()
	local := "http://127.0.0.1:8080"
	_, h := pagesSides(t, nil, sp.WithBrowserRewrite(func(u string) string {
		return strings.Replace(u, "https://portal.sso.us-east-1.amazonaws.com", local, 1)
	}))
	form := do(h, httptest.NewRequest("GET", "/login", nil))
	assertStrictPolicy(t, form, "'self' "+local)
	got := postForm(h, "/login", url.Values{"workspace": {fixtures.DefaultWorkspaceID}})
	require.Equal(t, http.StatusFound, got.status, got.body)
	loc, err := url.Parse(got.header.Get("Location"))
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1:8080", loc.Host)
	assert.True(t, loc.Query().Has("SAMLRequest"))

	for _, refused := range []string{"", "javascript:alert(1)"} {
		_, h := pagesSides(t, nil, sp.WithBrowserRewrite(func(string) string {
			return refused
		}))
		got := postForm(h, "/login", url.Values{"workspace": {fixtures.DefaultWorkspaceID}})
		assert.Equal(t, http.StatusBadGateway, got.status, refused)
		assert.Empty(t, got.header.Get("Location"), refused)
		assert.Contains(t, got.body, "portal.sso.us-east-1.amazonaws.com")
	}
}

func TestDiagnose(t *testing.T) {
	t.Parallel()
	idp, h := pagesSides(t, func(c *fixtures.Config) {
		c.AWS.Audience = strings.Replace(c.AWS.Audience, "metadata", "metdata", 1)
	})
	form, err := idp.PostForm("alice@example.com", idpmock.IssueOptions{})
	require.NoError(t, err)

	page := do(h, httptest.NewRequest("GET", "/diagnose", nil))
	require.Equal(t, http.StatusOK, page.status)
	assertStrictPolicy(t, page, "'self'")
	assert.Contains(t, page.body, "Nothing leaves the machine")

	for _, tt := range []struct {
		name   string
		fields map[string]string
		file   string
		data   []byte
		status int
		want   string
	}{
		{"base64", map[string]string{"response": form.SAMLResponse}, "", nil,
			http.StatusOK, "<code>audience.mismatch</code>"},
		{"form body", map[string]string{"response": form.Values().Encode(),
			"at": "capture"}, "", nil, http.StatusOK, "<code>audience.mismatch</code>"},
		{"HAR file", nil, "login.har", []byte(`{"log":{"entries":[{"request":` +
			`{"method":"POST","url":"https://iam.twilio.com/acs?x=1","postData":` +
			`{"text":"` + form.Values().Encode() + `"}}}]}}`),
			http.StatusOK, "Rejected: HAR entry 1: POST https://iam.twilio.com/acs"},
		{"markup", map[string]string{"response": evil}, "", nil, http.StatusOK,
			"<code>decode.malformed</code>"},
		{"nothing", map[string]string{"response": " "}, "", nil,
			http.StatusBadRequest, "paste a SAMLResponse or choose a capture file"},
		{"HAR without a response", nil, evil + ".har", []byte(`{"log":{"entries":[]}}`),
			http.StatusBadRequest, "holds no POST with a SAMLResponse"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := postMultipart(t, h, tt.fields, tt.file, tt.data)
			assert.Equal(t, tt.status, got.status)
			assertStrictPolicy(t, got, "'self'")
			assert.Contains(t, got.body, tt.want)
			assert.NotContains(t, got.body, "<script>alert")
			assert.NotContains(t, got.body, "x=1", "no query of a captured URL")
		})
	}
}

func TestDiagnoseUploadLimit(t *testing.T) {
	t.Parallel()
	_, h := pagesSides(t, nil)
	got := postMultipart(t, h, nil, "big.har", bytes.Repeat([]byte("x"), sp.DiagnoseMaxBody+1))
	assert.Equal(t, http.StatusRequestEntityTooLarge, got.status)
	assert.Contains(t, got.body, "larger than 16 MiB")
}

func TestStaticAssets(t *testing.T) {
	t.Parallel()
	_, h := pagesSides(t, nil)
	css := do(h, httptest.NewRequest("GET", "/static/frontline.css", nil))
	assert.Equal(t, http.StatusOK, css.status)
	assert.Equal(t, "text/css; charset=utf-8", css.header.Get("Content-Type"))
	js := do(h, httptest.NewRequest("GET", "/static/drop.js", nil))
	assert.Equal(t, "text/javascript; charset=utf-8", js.header.Get("Content-Type"))
	for _, missing := range []string{"/static/", "/static/nope.js", "/static/../sp.go"} {
		got := do(h, httptest.NewRequest("GET", missing, nil))
		assert.NotEqual(t, http.StatusOK, got.status, missing)
	}
}
