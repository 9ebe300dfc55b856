package idpmock_test

import (
	"encoding/base64"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/crewjam/saml"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/samlharness/samlharness/assertions"
	"github.com/samlharness/samlharness/idpmock"
)

// htmlForm is what a browser reads from a page: the first form's method
// and action, and its input fields.
type htmlForm struct {
	Method, Action string
	Fields         url.Values
}

// readForm parses a page. The pages are well-formed XHTML, so encoding/xml
// reads them and decodes their character references as a browser would.
func readForm(t *testing.T, page string) *htmlForm {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(page))
	var form *htmlForm
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		start, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		attrs := map[string]string{}
		for _, a := range start.Attr {
			attrs[a.Name.Local] = a.Value
		}
		switch {
		case start.Name.Local == "form" && form == nil:
			form = &htmlForm{attrs["method"], attrs["action"], url.Values{}}
		case start.Name.Local == "input" && form != nil:
			form.Fields.Add(attrs["name"], attrs["value"])
		}
	}
	require.NotNil(t, form, "no form in the page")
	return form
}

type page struct {
	status int
	header http.Header
	body   string
}

func serve(t *testing.T, h http.Handler, method, target string, form url.Values) page {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, target, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return page{rec.Code, rec.Header(), rec.Body.String()}
}

func TestPortal(t *testing.T) {
	t.Parallel()
	h := newIdP(t, frontlineConfig(t)).Handler()

	chooser := serve(t, h, "GET", "/start", nil)
	assert.Equal(t, http.StatusOK, chooser.status)
	assert.Equal(t, "text/html; charset=utf-8", chooser.header.Get("Content-Type"))
	form := readForm(t, chooser.body)
	assert.Equal(t, "get", form.Method)
	assert.Equal(t, "start", form.Action)
	for _, login := range []string{"alice@example.com", "bob@example.com", "dave"} {
		assert.Contains(t, chooser.body, `<option value="`+login+`">`)
	}

	tiles := serve(t, h, "GET", "/start?user=bob@example.com", nil)
	assert.Equal(t, http.StatusOK, tiles.status)
	assert.Contains(t, tiles.body, "Twilio Frontline")
	form = readForm(t, tiles.body)
	assert.Equal(t, "post", form.Method)
	assert.Equal(t, "start/login", form.Action)
	assert.Equal(t, "bob@example.com", form.Fields.Get("user"))
}

func TestNoAccessPages(t *testing.T) {
	t.Parallel()
	h := newIdP(t, frontlineConfig(t)).Handler()
	tests := []struct {
		name, method, target string
		form                 url.Values
		wantReason           idpmock.Reason
	}{
		{"portal, nested group", "GET", "/start?user=carol@example.com", nil,
			idpmock.ReasonNestedGroupOnly},
		{"tile, not assigned", "POST", "/start/login",
			url.Values{"user": {"erin@example.com"}}, idpmock.ReasonNotAssigned},
		{"tile, no email", "POST", "/start/login", url.Values{"user": {"dave"}},
			idpmock.ReasonNoEmail},
		{"sign-in URL, unknown user", "GET",
			"/saml/assertion/" + testAppID + "?user=zoe@example.com", nil,
			idpmock.ReasonUnknownUser},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := serve(t, h, tt.method, tt.target, tt.form)
			assert.Equal(t, http.StatusForbidden, got.status)
			assert.Contains(t, got.body, "<h1>No access</h1>")
			assert.Contains(t, got.body, string(tt.wantReason))
			assert.NotContains(t, got.body, "SAMLResponse")
		})
	}
}

func TestIdPInitiatedLogin(t *testing.T) {
	t.Parallel()
	const configured = "https://frontline.example.com/after?a=1&b=2"
	tests := []struct {
		name       string
		relayState string // configured
		method     string
		target     string
		form       url.Values
		wantRelay  string // "" for no RelayState field
	}{
		{"tile, no relay state", "", "POST", "/start/login",
			url.Values{"user": {"alice@example.com"}}, ""},
		{"tile, configured relay state", configured, "POST", "/start/login",
			url.Values{"user": {"alice@example.com"}}, configured},
		{"tile, relay state field", configured, "POST", "/start/login",
			url.Values{"user": {"alice"}, "relay_state": {"x<y>&\"z\""}}, "x<y>&\"z\""},
		{"sign-in URL, GET", configured, "GET",
			"/saml/assertion/" + testAppID + "?user=bob@example.com", nil, configured},
		{"sign-in URL, POST", "", "POST", "/saml/assertion/" + testAppID,
			url.Values{"user": {"bob@example.com"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := frontlineConfig(t)
			cfg.RelayState = tt.relayState
			p := newIdP(t, cfg)
			got := serve(t, p.Handler(), tt.method, tt.target, tt.form)
			require.Equal(t, http.StatusOK, got.status, got.body)
			assert.Contains(t, got.header.Get("Cache-Control"), "no-store")

			form := readForm(t, got.body)
			assert.Equal(t, "post", form.Method)
			assert.Equal(t, testACS, form.Action)
			wantFields := []string{"SAMLResponse"}
			if tt.wantRelay != "" {
				wantFields = append(wantFields, "RelayState")
			}
			assert.ElementsMatch(t, wantFields, keys(form.Fields))
			assert.Equal(t, tt.wantRelay, form.Fields.Get("RelayState"))

			raw, err := base64.StdEncoding.DecodeString(form.Fields.Get("SAMLResponse"))
			require.NoError(t, err)
			root := parseXML(t, raw)
			assert.Equal(t, testACS, root.SelectAttrValue("Destination", ""))
			assert.NoError(t, verifySignature(t, root, p.Certificate()))
		})
	}
}

func keys(v url.Values) []string {
	var out []string
	for k := range v {
		out = append(out, k)
	}
	return out
}

func TestPostFormValues(t *testing.T) {
	t.Parallel()
	cfg := frontlineConfig(t)
	cfg.RelayState = "configured"
	p := newIdP(t, cfg)

	form, err := p.PostForm("alice", idpmock.IssueOptions{})
	require.NoError(t, err)
	assert.Equal(t, testACS, form.Action)
	assert.Equal(t, "configured", form.Values().Get("RelayState"))
	assert.Equal(t, form.SAMLResponse, form.Values().Get("SAMLResponse"))

	form, err = p.PostForm("alice", idpmock.IssueOptions{RelayState: "from-sp"})
	require.NoError(t, err)
	assert.Equal(t, "from-sp", form.RelayState)

	empty := &idpmock.PostForm{Action: testACS, SAMLResponse: "PHg+"}
	assert.Equal(t, url.Values{"SAMLResponse": {"PHg+"}}, empty.Values())

	_, err = p.PostForm("erin", idpmock.IssueOptions{})
	assert.ErrorIs(t, err, idpmock.ErrNoAccess)
}

func TestSignInURLRequests(t *testing.T) {
	t.Parallel()
	h := newIdP(t, frontlineConfig(t)).Handler()
	tests := []struct {
		name, method, target string
		form                 url.Values
		wantStatus           int
		wantLocation         string
	}{
		{"SP-initiated by Redirect", "GET",
			"/saml/assertion/" + testAppID + "?SAMLRequest=fZA&RelayState=x", nil,
			http.StatusBadRequest, ""},
		{"SP-initiated by POST", "POST", "/saml/assertion/" + testAppID,
			url.Values{"SAMLRequest": {"PHNhbWw+"}}, http.StatusBadRequest, ""},
		{"no user: to the portal", "GET", "/saml/assertion/" + testAppID, nil,
			http.StatusSeeOther, "/start"},
		{"other application", "GET", "/saml/assertion/other?user=alice", nil,
			http.StatusNotFound, ""},
		{"other metadata", "GET", "/saml/metadata/other", nil, http.StatusNotFound, ""},
		{"logout", "GET", "/saml/logout/" + testAppID, nil, http.StatusNotImplemented, ""},
		{"root: to the portal", "GET", "/", nil, http.StatusSeeOther, "/start"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := serve(t, h, tt.method, tt.target, tt.form)
			assert.Equal(t, tt.wantStatus, got.status, got.body)
			assert.Equal(t, tt.wantLocation, got.header.Get("Location"))
			assert.NotContains(t, got.body, "SAMLResponse")
		})
	}
}

// TestMetadata reads the metadata with crewjam/saml, as an SP importing it
// does, and checks the element order of DOMAIN.md.
func TestMetadata(t *testing.T) {
	t.Parallel()
	p := newIdP(t, frontlineConfig(t))
	got := serve(t, p.Handler(), "GET", "/saml/metadata/"+testAppID, nil)
	require.Equal(t, http.StatusOK, got.status)
	direct, err := p.Metadata()
	require.NoError(t, err)
	assert.Equal(t, string(direct), got.body)

	var ed saml.EntityDescriptor
	require.NoError(t, xml.Unmarshal([]byte(got.body), &ed))
	assert.Equal(t, testIssuer, ed.EntityID)
	assert.True(t, ed.ValidUntil.IsZero())
	assert.Nil(t, ed.Signature)
	require.Len(t, ed.IDPSSODescriptors, 1)
	idp := ed.IDPSSODescriptors[0]
	require.NotNil(t, idp.WantAuthnRequestsSigned)
	assert.False(t, *idp.WantAuthnRequestsSigned)
	assert.Equal(t, assertions.NamespaceProtocol, idp.ProtocolSupportEnumeration)

	require.Len(t, idp.KeyDescriptors, 1)
	assert.Equal(t, "signing", idp.KeyDescriptors[0].Use)
	certs := idp.KeyDescriptors[0].KeyInfo.X509Data.X509Certificates
	require.Len(t, certs, 1)
	der, err := base64.StdEncoding.DecodeString(certs[0].Data)
	require.NoError(t, err)
	assert.Equal(t, p.Certificate().Raw, der)

	logout := testPortal + "/saml/logout/" + testAppID
	assert.Equal(t, []saml.Endpoint{
		{Binding: saml.HTTPPostBinding, Location: logout},
		{Binding: saml.HTTPRedirectBinding, Location: logout},
	}, idp.SingleLogoutServices)
	assert.Equal(t, []saml.NameIDFormat{saml.NameIDFormat(assertions.NameIDFormatEmail)},
		idp.NameIDFormats)
	assert.Equal(t, []saml.Endpoint{
		{Binding: saml.HTTPPostBinding, Location: testIssuer},
		{Binding: saml.HTTPRedirectBinding, Location: testIssuer},
	}, idp.SingleSignOnServices)

	var order []string
	for _, el := range find(t, parseXML(t, direct), "md:IDPSSODescriptor").ChildElements() {
		order = append(order, el.Tag)
	}
	assert.Equal(t, []string{"KeyDescriptor", "SingleLogoutService", "SingleLogoutService",
		"NameIDFormat", "SingleSignOnService", "SingleSignOnService"}, order)
}
