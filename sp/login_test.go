package sp_test

import (
	"bytes"
	"compress/flate"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/samlharness/samlharness/assertions"
	"github.com/samlharness/samlharness/idpmock"
	"github.com/samlharness/samlharness/sp"
)

const (
	loginRealm = "JBdc4f8d2c5b1e4a7f9e3d6c2b1a0f9e8d"
	loginAppID = "MTIzNDU2Nzg5MDEyX2lucy00ZjNjMmIxYTA5ZThkN2M2"
	loginSSO   = "https://portal.sso.us-east-1.amazonaws.com/saml/assertion/" + loginAppID
)

var loginStart = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// loginPair is the AWS signing pair of these tests, made once.
var loginPair = sync.OnceValues(func() (*idpmock.Config, error) {
	key, cert, err := idpmock.GenerateCertificate(idpmock.CertOptions{
		Now: loginStart.AddDate(0, -1, 0), Rand: rand.Reader})
	if err != nil {
		return nil, err
	}
	return &idpmock.Config{
		Region: "us-east-1", ApplicationID: loginAppID,
		ACSURL:   sp.TwilioBase + "/v2/saml2/authenticate/" + loginRealm,
		Audience: sp.TwilioBase + "/v2/saml2/metadata/" + loginRealm,
		AttributeMappings: []idpmock.Mapping{
			{Attribute: "Subject", Value: "${user:email}", Format: "emailAddress"},
			{Attribute: "email", Value: "${user:email}", Format: "unspecified"},
			{Attribute: "roles", Value: "agent", Format: "unspecified"},
		},
		SigningKey: key, Certificate: cert,
		Users:         []idpmock.User{{UserName: "alice", Email: "alice@example.com"}},
		AssignedUsers: []string{"alice"},
	}, nil
})

// loginRig is an SP and the mock AWS application on one settable clock.
type loginRig struct {
	sp  *sp.SP
	idp *idpmock.IdP
	ns  atomic.Int64
}

func (r *loginRig) now() time.Time { return time.Unix(0, r.ns.Load()).UTC() }

func newLoginRig(t *testing.T, policy sp.Policy, change func(*idpmock.Config)) *loginRig {
	t.Helper()
	base, err := loginPair()
	require.NoError(t, err)
	r := &loginRig{}
	r.ns.Store(loginStart.UnixNano())
	cfg := *base
	if change != nil {
		change(&cfg)
	}
	r.idp, err = idpmock.New(cfg, idpmock.WithClock(r.now))
	require.NoError(t, err)
	r.sp, err = sp.New(sp.Config{WorkspaceID: "example", RealmSID: loginRealm,
		IdPIssuer: loginSSO, SSOURL: loginSSO,
		Certificate: string(idpmock.EncodeCertificatePEM(cfg.Certificate)),
		Policy:      policy}, sp.WithClock(r.now))
	require.NoError(t, err)
	return r
}

// start types the workspace ID and returns the redirect and the cookie.
func (r *loginRig) start(t *testing.T) (*url.URL, *http.Cookie) {
	t.Helper()
	rec := httptest.NewRecorder()
	r.sp.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet,
		sp.TwilioBase+"/login?workspace=example", nil))
	require.Equal(t, http.StatusFound, rec.Code, rec.Body.String())
	target, err := url.Parse(rec.Header().Get("Location"))
	require.NoError(t, err)
	cookies := rec.Result().Cookies()
	require.Len(t, cookies, 1)
	return target, cookies[0]
}

// answer has AWS answer the redirect's AuthnRequest for alice.
func (r *loginRig) answer(t *testing.T, target *url.URL) url.Values {
	t.Helper()
	req, _, err := idpmock.DecodeAuthnRequest(target.Query().Get("SAMLRequest"), true)
	require.NoError(t, err)
	require.NoError(t, r.idp.CheckAuthnRequest(req))
	form, err := r.idp.PostForm("alice@example.com", idpmock.IssueOptions{
		InResponseTo: req.ID, RelayState: target.Query().Get("RelayState")})
	require.NoError(t, err)
	return form.Values()
}

// post sends form to the ACS with cookie (nil for none) and returns the
// failed codes.
func (r *loginRig) post(t *testing.T, form url.Values, cookie *http.Cookie) []assertions.Code {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, r.sp.ACSURL(),
		strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if cookie != nil {
		req.AddCookie(cookie)
	}
	rec := httptest.NewRecorder()
	r.sp.Handler().ServeHTTP(rec, req)
	var rep assertions.Report
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &rep), rec.Body.String())
	return rep.Failed()
}

func TestStartLoginAuthnRequest(t *testing.T) {
	t.Parallel()
	r := newLoginRig(t, sp.Policy{}, nil)
	start, err := r.sp.StartLogin(" EXAMPLE ", "")
	require.NoError(t, err)
	req := start.Request
	assert.Regexp(t, `^ONELOGIN_[0-9a-f]{40}$`, req.ID)
	assert.Equal(t, r.sp.EntityID(), req.Issuer.Value)
	assert.Equal(t, r.sp.ACSURL(), req.AssertionConsumerServiceURL)
	assert.Equal(t, "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST", req.ProtocolBinding)
	assert.Equal(t, loginSSO, req.Destination)
	assert.Equal(t, assertions.NameIDFormatEmail, *req.NameIDPolicy.Format)
	assert.True(t, *req.NameIDPolicy.AllowCreate)
	assert.Equal(t, "exact", req.RequestedAuthnContext.Comparison)
	assert.Equal(t, []string{sp.AuthnContextPassword}, req.RequestedAuthnContext.ClassRefs())
	assert.Nil(t, req.Signature, "the real SP sends unsigned requests")
	assert.Regexp(t, `^[0-9a-f]{32}$`, start.Session)
	assert.NotEmpty(t, start.RelayState)

	// The redirect carries the same request, deflated.
	target, err := url.Parse(start.RedirectURL)
	require.NoError(t, err)
	assert.Equal(t, loginSSO, target.Scheme+"://"+target.Host+target.Path)
	sent, _, err := idpmock.DecodeAuthnRequest(target.Query().Get("SAMLRequest"), true)
	require.NoError(t, err)
	assert.Equal(t, req.ID, sent.ID)
	assert.Equal(t, start.RelayState, target.Query().Get("RelayState"))

	_, err = r.sp.StartLogin("other", "")
	assert.ErrorIs(t, err, sp.ErrUnknownWorkspace)
}

func TestLoginPage(t *testing.T) {
	t.Parallel()
	r := newLoginRig(t, sp.Policy{}, nil)
	tests := []struct {
		name, method, target, body string
		wantStatus                 int
		wantText                   string
	}{
		{"form", http.MethodGet, "/login", "", http.StatusOK, "Workspace ID"},
		{"unknown workspace", http.MethodGet, "/login?workspace=nope", "",
			http.StatusNotFound, "Workspace not found"},
		{"posted form", http.MethodPost, "/login", "workspace=example", http.StatusFound, ""},
		{"posted unknown", http.MethodPost, "/login", "workspace=x", http.StatusNotFound,
			"Workspace not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequest(tt.method, tt.target, strings.NewReader(tt.body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			rec := httptest.NewRecorder()
			r.sp.Handler().ServeHTTP(rec, req)
			assert.Equal(t, tt.wantStatus, rec.Code)
			assert.Contains(t, rec.Body.String(), tt.wantText)
			if tt.wantStatus == http.StatusFound {
				assert.True(t, strings.HasPrefix(rec.Header().Get("Location"), loginSSO+"?"))
				require.Len(t, rec.Result().Cookies(), 1)
			}
		})
	}
}

func TestSessionCookieAttributes(t *testing.T) {
	t.Parallel()
	r := newLoginRig(t, sp.Policy{}, nil)
	_, onTwilio := r.start(t)
	assert.True(t, onTwilio.Secure)
	assert.Equal(t, http.SameSiteNoneMode, onTwilio.SameSite)
	assert.True(t, onTwilio.HttpOnly)

	rec := httptest.NewRecorder()
	r.sp.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet,
		"http://127.0.0.1:8443/login?workspace=example", nil))
	c := rec.Result().Cookies()[0]
	assert.False(t, c.Secure, "a bare loopback address has no TLS")
	assert.Equal(t, http.SameSiteLaxMode, c.SameSite)
}

// TestACSWithRequests drives the ACS with the requests a session has
// outstanding, one step at a time.
func TestACSWithRequests(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		policy sp.Policy
		change func(*idpmock.Config)
		// steps between the start and the post
		cookie  bool
		wait    time.Duration
		unasked bool // an IdP-initiated Response
		want    []assertions.Code
	}{
		{name: "answered", cookie: true},
		{name: "relay state altered", cookie: true,
			change: func(c *idpmock.Config) { c.TamperRelayState = "elsewhere" },
			want:   []assertions.Code{assertions.RelayStateChanged}},
		{name: "expired", cookie: true, wait: sp.DefaultRequestLifetime,
			want: []assertions.Code{assertions.InResponseToExpired}},
		{name: "long forgotten", cookie: true, wait: 2 * time.Hour,
			want: []assertions.Code{assertions.InResponseToUnknown}},
		{name: "other browser", cookie: false,
			want: []assertions.Code{assertions.InResponseToUnknown}},
		{name: "unsolicited accepted", unasked: true},
		{name: "unsolicited rejected", unasked: true, policy: sp.Policy{Unsolicited: "reject"},
			want: []assertions.Code{assertions.InResponseToUnsolicited}},
		{name: "answered under reject", cookie: true, policy: sp.Policy{Unsolicited: "reject"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := newLoginRig(t, tt.policy, tt.change)
			var form url.Values
			var cookie *http.Cookie
			if tt.unasked {
				f, err := r.idp.PostForm("alice@example.com", idpmock.IssueOptions{})
				require.NoError(t, err)
				form = f.Values()
			} else {
				target, c := r.start(t)
				r.ns.Add(int64(tt.wait))
				form = r.answer(t, target)
				if tt.cookie {
					cookie = c
				}
			}
			assert.Equal(t, tt.want, r.post(t, form, cookie))
		})
	}
}

func TestACSConsumesTheRequest(t *testing.T) {
	t.Parallel()
	r := newLoginRig(t, sp.Policy{}, nil)
	target, cookie := r.start(t)
	form := r.answer(t, target)
	require.Empty(t, r.post(t, form, cookie))

	// The same request answered again names a request no longer waited for.
	again := r.answer(t, target)
	assert.Equal(t, []assertions.Code{assertions.InResponseToUnknown}, r.post(t, again, cookie))
}

func TestRequestStoreBounded(t *testing.T) {
	t.Parallel()
	r := newLoginRig(t, sp.Policy{}, nil)
	s, err := sp.New(r.sp.Config(), sp.WithClock(r.now), sp.WithRequestStoreSize(2))
	require.NoError(t, err)
	first, err := s.StartLogin("example", "")
	require.NoError(t, err)
	for range 2 {
		r.ns.Add(int64(time.Second))
		_, err := s.StartLogin("example", "")
		require.NoError(t, err)
	}
	r.sp = s

	// The oldest request made room for the newer ones.
	form := r.answer(t, mustURL(t, first.RedirectURL))
	cookie := &http.Cookie{Name: "frontline_sso_session", Value: first.Session}
	assert.Equal(t, []assertions.Code{assertions.InResponseToUnknown}, r.post(t, form, cookie))
}

func mustURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	require.NoError(t, err)
	return u
}

// TestACSRequestNamedInAssertionOnly answers an AuthnRequest with a
// Response that names it only in the signed SubjectConfirmationData, the
// unsigned Response's InResponseTo taken off on the way: the ACS must
// still expect the request's RelayState back, and forget the request once
// answered.
func TestACSRequestNamedInAssertionOnly(t *testing.T) {
	t.Parallel()
	r := newLoginRig(t, sp.Policy{}, func(c *idpmock.Config) { c.Sign = "assertion" })
	strip := func(form url.Values) url.Values {
		xml, err := base64.StdEncoding.DecodeString(form.Get("SAMLResponse"))
		require.NoError(t, err)
		attr := regexp.MustCompile(`(<saml2p:Response[^>]*?) InResponseTo="[^"]*"`)
		require.True(t, attr.Match(xml))
		form.Set("SAMLResponse", base64.StdEncoding.EncodeToString(
			attr.ReplaceAll(xml, []byte("$1"))))
		return form
	}

	target, cookie := r.start(t)
	form := strip(r.answer(t, target))
	form.Set("RelayState", "https://elsewhere.example/")
	assert.Equal(t, []assertions.Code{assertions.RelayStateChanged}, r.post(t, form, cookie))

	form = strip(r.answer(t, target))
	require.Empty(t, r.post(t, form, cookie))
	again := strip(r.answer(t, target))
	assert.Equal(t, []assertions.Code{assertions.InResponseToUnknown}, r.post(t, again, cookie))
}

// TestACSTakesBase64Only posts one valid Response as the HTTP-POST binding
// carries it, base64 of the XML, and in the shapes the binding does not
// allow, which a careful SP refuses: raw XML, DEFLATE data (the Redirect
// binding's encoding), a form body nested in the field.
func TestACSTakesBase64Only(t *testing.T) {
	t.Parallel()
	r := newLoginRig(t, sp.Policy{}, nil)
	xml, err := r.idp.Issue("alice@example.com", idpmock.IssueOptions{})
	require.NoError(t, err)
	var deflated bytes.Buffer
	w, err := flate.NewWriter(&deflated, flate.BestCompression)
	require.NoError(t, err)
	_, err = w.Write(xml)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	b64 := base64.StdEncoding.EncodeToString(xml)

	for _, tt := range []struct {
		name, field string
		want        []assertions.Code
	}{
		{"base64", b64, nil},
		{"raw XML", string(xml), []assertions.Code{assertions.DecodeMalformed}},
		{"DEFLATE", base64.StdEncoding.EncodeToString(deflated.Bytes()),
			[]assertions.Code{assertions.DecodeMalformed}},
		{"nested form", "SAMLResponse=" + url.QueryEscape(b64),
			[]assertions.Code{assertions.DecodeMalformed}},
	} {
		got := r.post(t, url.Values{"SAMLResponse": {tt.field}}, nil)
		assert.Equal(t, tt.want, got, tt.name)
	}
}

// TestACSOneAnswerPerRequest posts two Responses to one AuthnRequest at
// the same time, many times over: exactly one may be accepted, the other
// fails in-response-to.unknown, as it does when sent after the first.
func TestACSOneAnswerPerRequest(t *testing.T) {
	t.Parallel()
	r := newLoginRig(t, sp.Policy{}, nil)
	for range 20 {
		target, cookie := r.start(t)
		forms := []url.Values{r.answer(t, target), r.answer(t, target)}
		results := make([][]assertions.Code, len(forms))
		var wg sync.WaitGroup
		for i, form := range forms {
			wg.Go(func() {
				req := httptest.NewRequest(http.MethodPost, r.sp.ACSURL(),
					strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Accept", "application/json")
				req.AddCookie(cookie)
				rec := httptest.NewRecorder()
				r.sp.Handler().ServeHTTP(rec, req)
				var rep assertions.Report
				if err := json.Unmarshal(rec.Body.Bytes(), &rep); err != nil {
					results[i] = []assertions.Code{"unreadable"}
					return
				}
				results[i] = rep.Failed()
			})
		}
		wg.Wait()
		accepted := 0
		for _, failed := range results {
			if len(failed) == 0 {
				accepted++
			} else {
				assert.Equal(t, []assertions.Code{assertions.InResponseToUnknown}, failed)
			}
		}
		assert.Equal(t, 1, accepted, "%v", results)
	}
}

// TestSessionNotFixed: a session cookie the SP never made (planted by
// another page on the host) is replaced at login start; one it made is
// kept, so that logins started in two tabs both stay answerable.
func TestSessionNotFixed(t *testing.T) {
	t.Parallel()
	r := newLoginRig(t, sp.Policy{}, nil)
	startWith := func(cookie *http.Cookie) *http.Cookie {
		req := httptest.NewRequest(http.MethodGet, sp.TwilioBase+"/login?workspace=example", nil)
		if cookie != nil {
			req.AddCookie(cookie)
		}
		rec := httptest.NewRecorder()
		r.sp.Handler().ServeHTTP(rec, req)
		cookies := rec.Result().Cookies()
		require.Len(t, cookies, 1)
		return cookies[0]
	}
	planted := &http.Cookie{Name: "frontline_sso_session",
		Value: "00112233445566778899aabbccddeeff"}
	got := startWith(planted)
	assert.NotEqual(t, planted.Value, got.Value)

	again := startWith(got)
	assert.Equal(t, got.Value, again.Value)
}
