package idpmock_test

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/beevik/etree"
	"github.com/crewjam/saml"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/samlharness/samlharness/idpmock"
)

// authnRequest returns an AuthnRequest shaped like Frontline's.
func authnRequest(issuer, acs string) *saml.AuthnRequest {
	return &saml.AuthnRequest{ID: "ONELOGIN_0123456789abcdef0123456789abcdef01234567",
		Version: "2.0", IssueInstant: testNow, Destination: testIssuer,
		Issuer: &saml.Issuer{Value: issuer}, AssertionConsumerServiceURL: acs,
		ProtocolBinding: saml.HTTPPostBinding}
}

// redirectQuery encodes req for the HTTP-Redirect binding.
func redirectQuery(t *testing.T, req *saml.AuthnRequest, relayState string) string {
	t.Helper()
	u, err := req.Redirect(relayState, &saml.ServiceProvider{})
	require.NoError(t, err)
	return u.RawQuery
}

// postField encodes req for the HTTP-POST binding.
func postField(t *testing.T, req *saml.AuthnRequest) string {
	t.Helper()
	doc := etree.NewDocument()
	doc.SetRoot(req.Element())
	raw, err := doc.WriteToBytes()
	require.NoError(t, err)
	return base64.StdEncoding.EncodeToString(raw)
}

func deflated(t *testing.T, data []byte) string {
	t.Helper()
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.BestCompression)
	require.NoError(t, err)
	_, err = w.Write(data)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}

func TestDecodeAuthnRequest(t *testing.T) {
	t.Parallel()
	good := authnRequest(testAudience, testACS)
	redirect, err := url.ParseQuery(redirectQuery(t, good, ""))
	require.NoError(t, err)
	huge := "<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"a\">" +
		strings.Repeat(" ", idpmock.MaxAuthnRequestBytes) + "</samlp:AuthnRequest>"
	doctype := `<!DOCTYPE x [<!ENTITY e "x">]><samlp:AuthnRequest ` +
		`xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="a"/>`
	tests := []struct {
		name     string
		field    string
		deflated bool
		wantErr  error
	}{
		{"redirect", redirect.Get("SAMLRequest"), true, nil},
		{"post", postField(t, good), false, nil},
		{"not base64", "%%%", true, idpmock.ErrAuthnRequestMalformed},
		{"not deflate", base64.StdEncoding.EncodeToString([]byte("plain")), true,
			idpmock.ErrAuthnRequestMalformed},
		{"bomb", deflated(t, []byte(huge)), true, idpmock.ErrAuthnRequestTooLarge},
		{"doctype", deflated(t, []byte(doctype)), true, idpmock.ErrAuthnRequestMalformed},
		{"no ID", base64.StdEncoding.EncodeToString([]byte(`<samlp:AuthnRequest ` +
			`xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>`)), false,
			idpmock.ErrAuthnRequestMalformed},
		{"other element", base64.StdEncoding.EncodeToString([]byte(`<x ID="a"/>`)), false,
			idpmock.ErrAuthnRequestMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req, raw, err := idpmock.DecodeAuthnRequest(tt.field, tt.deflated)
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, good.ID, req.ID)
			assert.Equal(t, testAudience, req.Issuer.Value)
			assert.Contains(t, string(raw), "AuthnRequest")
		})
	}
}

func TestCheckAuthnRequest(t *testing.T) {
	t.Parallel()
	p := newIdP(t, frontlineConfig(t))
	tests := []struct {
		name    string
		req     *saml.AuthnRequest
		wantErr error
	}{
		{"as Frontline sends it", authnRequest(testAudience, testACS), nil},
		{"no ACS URL", authnRequest(testAudience, ""), nil},
		{"other realm", authnRequest(testAudience+"x", testACS), idpmock.ErrUnknownIssuer},
		{"no Issuer", &saml.AuthnRequest{ID: "a"}, idpmock.ErrUnknownIssuer},
		{"other ACS URL", authnRequest(testAudience, strings.Replace(testACS, "/v2/",
			"/v1/", 1)), idpmock.ErrACSURLMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := p.CheckAuthnRequest(tt.req)
			if tt.wantErr == nil {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, tt.wantErr)
			var detail *idpmock.AuthnRequestError
			require.ErrorAs(t, err, &detail)
			assert.NotEqual(t, detail.Expected, detail.Actual)
		})
	}
}

// TestSignInURLAuthnRequest answers AuthnRequests at the sign-in URL.
func TestSignInURLAuthnRequest(t *testing.T) {
	t.Parallel()
	path := "/saml/assertion/" + testAppID
	good := authnRequest(testAudience, testACS)
	tests := []struct {
		name       string
		change     func(*idpmock.Config)
		method     string
		target     string
		form       url.Values
		wantStatus int
		// wantRelayState is the RelayState of the answer form.
		wantRelayState string
		wantChooser    bool
	}{
		{name: "redirect", method: "GET",
			target:     path + "?" + redirectQuery(t, good, "opaque") + "&user=alice",
			wantStatus: http.StatusOK, wantRelayState: "opaque"},
		{name: "post", method: "POST", target: path, form: url.Values{
			"SAMLRequest": {postField(t, good)}, "RelayState": {"opaque"},
			"user": {"alice"}}, wantStatus: http.StatusOK, wantRelayState: "opaque"},
		{name: "empty relay state stays empty", method: "GET",
			change:     func(c *idpmock.Config) { c.RelayState = "configured" },
			target:     path + "?" + redirectQuery(t, good, "") + "&user=alice",
			wantStatus: http.StatusOK, wantRelayState: ""},
		{name: "tampered relay state", method: "GET",
			change:     func(c *idpmock.Config) { c.TamperRelayState = "changed" },
			target:     path + "?" + redirectQuery(t, good, "opaque") + "&user=alice",
			wantStatus: http.StatusOK, wantRelayState: "changed"},
		{name: "user chooser", method: "GET",
			target:     path + "?" + redirectQuery(t, good, "opaque"),
			wantStatus: http.StatusOK, wantChooser: true},
		{name: "user not assigned", method: "GET",
			target:     path + "?" + redirectQuery(t, good, "opaque") + "&user=erin",
			wantStatus: http.StatusForbidden},
		{name: "IdP-initiated only", method: "GET",
			change:     func(c *idpmock.Config) { c.IdPInitiatedOnly = true },
			target:     path + "?" + redirectQuery(t, good, "opaque") + "&user=alice",
			wantStatus: http.StatusForbidden},
		{name: "unknown issuer", method: "GET",
			target: path + "?" + redirectQuery(t, authnRequest(testAudience+"x", testACS),
				"") + "&user=alice", wantStatus: http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := frontlineConfig(t)
			if tt.change != nil {
				tt.change(&cfg)
			}
			got := serve(t, newIdP(t, cfg).Handler(), tt.method, tt.target, tt.form)
			require.Equal(t, tt.wantStatus, got.status, got.body)
			if tt.wantStatus == http.StatusForbidden {
				assert.Contains(t, got.body, "No access")
				assert.NotContains(t, got.body, "SAMLResponse")
			}
			if tt.wantStatus != http.StatusOK {
				return
			}
			form := readForm(t, got.body)
			if tt.wantChooser {
				assert.Equal(t, "post", form.Method)
				assert.NotEmpty(t, form.Fields.Get("SAMLRequest"))
				assert.Equal(t, "opaque", form.Fields.Get("RelayState"))
				return
			}
			assert.Equal(t, testACS, form.Action)
			assert.Equal(t, tt.wantRelayState, form.Fields.Get("RelayState"))
			xml, err := base64.StdEncoding.DecodeString(form.Fields.Get("SAMLResponse"))
			require.NoError(t, err)
			root := parseXML(t, xml)
			assert.Equal(t, good.ID, root.SelectAttrValue("InResponseTo", ""))
			data := find(t, root, "saml2:Assertion/saml2:Subject/"+
				"saml2:SubjectConfirmation/saml2:SubjectConfirmationData")
			assert.Equal(t, good.ID, data.SelectAttrValue("InResponseTo", ""))
		})
	}
}

func TestInactiveCertificate(t *testing.T) {
	t.Parallel()
	cfg := frontlineConfig(t)
	key, cert, err := idpmock.GenerateCertificate(idpmock.CertOptions{Now: testNow})
	require.NoError(t, err)
	cfg.InactiveSigningKey, cfg.InactiveCertificate = key, cert
	p := newIdP(t, cfg)
	assert.Equal(t, []any{cfg.Certificate, cert}, []any{p.Certificates()[0],
		p.Certificates()[1]})
	assert.Equal(t, cfg.Certificate, p.Certificate(), "the active one signs")

	cfg.InactiveCertificate = cfg.Certificate
	cfg.InactiveSigningKey = cfg.SigningKey
	_, err = idpmock.New(cfg)
	var cerr *idpmock.ConfigError
	require.ErrorAs(t, err, &cerr)
	assert.Equal(t, "aws.inactive_certificate_file", cerr.Field)

	cfg.InactiveSigningKey, cfg.InactiveCertificate = key, frontlineConfig(t).Certificate
	_, err = idpmock.New(cfg)
	assert.ErrorIs(t, err, idpmock.ErrKeyMismatch)
}
