package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/samlharness/samlharness/assertions"
	"github.com/samlharness/samlharness/fixtures"
)

// Secrets a browser capture holds that check must never print.
const (
	cookieSecret = "sso-session-7d1f0c9b2e4a"
	querySecret  = "tracking-3b8e51aa90"
)

// An exchange is one request of the harness's traffic, as a browser
// capture records it.
type exchange struct {
	method, url string
	header      http.Header
	form        url.Values
	body        string
	status      int
	respBody    string
}

// A recorder is an http.RoundTripper that keeps every exchange, adding the
// noise a real browser capture carries: a session cookie and a query
// string.
type recorder struct {
	next      http.RoundTripper
	mu        sync.Mutex
	exchanges []exchange
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		var err error
		if body, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	resp, err := r.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	respBody, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(respBody))
	if err != nil {
		return nil, err
	}

	u := *req.URL
	u.RawQuery = "utm=" + querySecret
	h := req.Header.Clone()
	h.Set("Cookie", "twilio-session="+cookieSecret)
	h.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64)")
	form, _ := url.ParseQuery(string(body))
	r.mu.Lock()
	r.exchanges = append(r.exchanges, exchange{method: req.Method, url: u.String(),
		header: h, form: form, body: string(body), status: resp.StatusCode,
		respBody: string(respBody)})
	r.mu.Unlock()
	return resp, nil
}

// recordLogins logs the default user in once with the built-in
// configuration and once with the audience-typo case, and returns the
// recorded traffic of both.
func recordLogins(t *testing.T, now time.Time) []exchange {
	t.Helper()
	a := &app{now: func() time.Time { return now }, rand: rand.Reader}
	base, err := a.config()
	require.NoError(t, err)
	typo, ok := fixtures.FindCase("audience-typo")
	require.True(t, ok)
	bad, err := typo.Apply(base)
	require.NoError(t, err)

	rec := &recorder{}
	for _, cfg := range []*fixtures.Config{base, bad} {
		env, err := fixtures.Start(cfg, fixtures.WithClock(a.now))
		require.NoError(t, err)
		rec.next = env.Client.Transport
		env.Client.Transport = rec
		l, err := env.Login(context.Background(), "")
		env.Close()
		require.NoError(t, err)
		require.NotNil(t, l.Report)
	}
	return rec.exchanges
}

// harOf writes the exchanges as a HAR 1.2 log, as a browser exports it.
func harOf(t *testing.T, exchanges []exchange, start time.Time) []byte {
	t.Helper()
	type nv struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
	pairs := func(h http.Header) []nv {
		var out []nv
		for k, vs := range h {
			for _, v := range vs {
				out = append(out, nv{k, v})
			}
		}
		return out
	}
	var entries []any
	for i, x := range exchanges {
		var params []nv
		for k, vs := range x.form {
			for _, v := range vs {
				params = append(params, nv{k, url.QueryEscape(v)})
			}
		}
		entries = append(entries, map[string]any{
			"startedDateTime": start.Add(time.Duration(i) * time.Second).Format(time.RFC3339Nano),
			"time":            12.5,
			"request": map[string]any{
				"method": x.method, "url": x.url, "httpVersion": "HTTP/1.1",
				"cookies":     []nv{{"twilio-session", cookieSecret}},
				"headers":     pairs(x.header),
				"queryString": []nv{{"utm", querySecret}},
				"postData": map[string]any{"mimeType": "application/x-www-form-urlencoded",
					"text": x.body, "params": params},
				"headersSize": -1, "bodySize": len(x.body),
			},
			"response": map[string]any{
				"status": x.status, "statusText": http.StatusText(x.status),
				"httpVersion": "HTTP/1.1", "cookies": []nv{},
				"headers": []nv{{"Set-Cookie", "twilio-session=" + cookieSecret}},
				"content": map[string]any{"size": len(x.respBody),
					"mimeType": "text/html", "text": x.respBody},
				"redirectURL": "", "headersSize": -1, "bodySize": len(x.respBody),
			},
			"cache":   map[string]any{},
			"timings": map[string]any{"send": 0.1, "wait": 12, "receive": 0.4},
		})
	}
	har := map[string]any{"log": map[string]any{
		"version": "1.2",
		"creator": map[string]any{"name": "samlharness tests", "version": "1"},
		"pages":   []any{},
		"entries": entries,
	}}
	data, err := json.MarshalIndent(har, "", "  ")
	require.NoError(t, err)
	return data
}

// tracerOf writes the exchanges as a SAML-tracer export: the POST fields
// as [name, value] pairs and the decoded message in saml. Without post,
// the SAMLResponse is only in saml.
func tracerOf(t *testing.T, exchanges []exchange, withPost bool) []byte {
	t.Helper()
	var reqs []any
	for i, x := range exchanges {
		r := map[string]any{
			"requestId": i + 100, "url": x.url, "method": x.method,
			"requestHeaders": []map[string]string{
				{"name": "Cookie", "value": x.header.Get("Cookie")}},
			"responseStatus": x.status, "get": [][]string{{"utm", querySecret}},
		}
		var post [][]string
		for k, vs := range x.form {
			for _, v := range vs {
				post = append(post, []string{k, v})
			}
		}
		if withPost {
			r["post"] = post
		}
		if msg := x.form.Get("SAMLResponse"); msg != "" {
			xml, err := base64.StdEncoding.DecodeString(msg)
			require.NoError(t, err)
			r["saml"], r["protocol"] = string(xml), "SAML-P"
		}
		reqs = append(reqs, r)
	}
	data, err := json.MarshalIndent(map[string]any{"requests": reqs,
		"timestamp": time.Now().UnixMilli()}, "", "  ")
	require.NoError(t, err)
	return data
}

// checkOutputJSON is the multi-message JSON of check, decoded on its own.
type checkOutputJSON struct {
	Version  int  `json:"version"`
	Accepted bool `json:"accepted"`
	Reports  []struct {
		Source string `json:"source"`
		jsonReport
	} `json:"reports"`
}

// TestCheckCaptures records two logins of the harness (one good, one with
// a mistyped audience), writes them as a HAR and as SAML-tracer exports,
// and checks each file: two reports with the right verdicts, and none of
// the capture's cookies or query strings in the output.
func TestCheckCaptures(t *testing.T) {
	useCache(t)
	now := time.Now()
	exchanges := recordLogins(t, now)
	require.Len(t, exchanges, 4, "the tile and the ACS POST of each login")

	dir := t.TempDir()
	files := map[string][]byte{
		"login.har":             harOf(t, exchanges, now),
		"tracer.json":           tracerOf(t, exchanges, true),
		"tracer-saml-only.json": tracerOf(t, exchanges, false),
	}
	for name, data := range files {
		t.Run(name, func(t *testing.T) {
			file := filepath.Join(dir, name)
			require.NoError(t, os.WriteFile(file, data, 0o600))
			require.Contains(t, string(data), cookieSecret)
			require.Contains(t, string(data), querySecret)

			res := runAt(t, now, "", "check", file, "--json")
			assert.Equal(t, exitRejected, res.code, res.stderr)
			var out checkOutputJSON
			require.NoError(t, json.Unmarshal([]byte(res.stdout), &out), res.stdout)
			assert.Equal(t, assertions.ReportVersion, out.Version)
			assert.False(t, out.Accepted)
			require.Len(t, out.Reports, 2)
			first, second := out.Reports[0], out.Reports[1]
			assert.True(t, first.Accepted, "first login: %v", first.failed())
			assert.Empty(t, first.failed())
			assert.False(t, second.Accepted)
			assert.Equal(t, []assertions.Code{assertions.AudienceMismatch}, second.failed())
			for _, r := range out.Reports {
				assert.Contains(t, r.Source,
					"POST https://iam.twilio.com/v2/saml2/authenticate/")
			}

			human := runAt(t, now, "", "check", file)
			assert.Equal(t, exitRejected, human.code)
			assert.Contains(t, human.stdout, "ACCEPTED")
			assert.Contains(t, human.stdout, "REJECTED")

			for _, r := range []result{res, human} {
				for _, secret := range []string{cookieSecret, querySecret, "utm="} {
					assert.NotContains(t, r.stdout, secret)
					assert.NotContains(t, r.stderr, secret)
				}
			}
		})
	}
}
