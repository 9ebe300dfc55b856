package main

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLoadCLI runs a few logins through the built-in servers and against
// a stand-in ACS on loopback.
func TestLoadCLI(t *testing.T) {
	useCache(t)
	now := time.Now()

	t.Run("built-in servers", func(t *testing.T) {
		res := runAt(t, now, "", "load", "--logins", "6", "--concurrency", "2")
		require.Equal(t, exitOK, res.code, res.stderr)
		assert.Contains(t, res.stdout, "6 accepted, 0 rejected, 0 failed")
		assert.Regexp(t, `latency: +p50 [0-9.]+ ms, p95 [0-9.]+ ms, p99 [0-9.]+ ms`,
			res.stdout)
		assert.Empty(t, res.stderr, "no progress when stderr is not a terminal")
	})

	t.Run("ACS URL on loopback", func(t *testing.T) {
		var posts atomic.Int64
		acs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter,
			r *http.Request) {
			if r.PostFormValue("SAMLResponse") == "" {
				http.Error(w, "no SAMLResponse", http.StatusBadRequest)
				return
			}
			if posts.Add(1) == 2 {
				http.Error(w, "rejected", http.StatusForbidden)
				return
			}
			_, _ = w.Write([]byte(`{"accepted":true}`))
		}))
		defer acs.Close()
		res := runAt(t, now, "", "load", "--logins", "3", "--concurrency", "1",
			"--acs-url", acs.URL+"/v2/saml2/authenticate/JB")
		assert.Equal(t, exitRejected, res.code, res.stderr)
		assert.Contains(t, res.stdout, "2 accepted, 1 rejected, 0 failed")
		assert.EqualValues(t, 3, posts.Load())
	})
}

func TestLoadUsage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		args      []string
		wantError string
	}{
		{"not loopback", []string{"--acs-url", "https://iam.twilio.com/v2/saml2/x"},
			"refusing a host that is not on loopback"},
		{"private address", []string{"--acs-url", "http://10.0.0.1/acs"},
			"refusing a host that is not on loopback"},
		{"not http", []string{"--acs-url", "ftp://127.0.0.1/acs"}, "want an http"},
		{"no logins", []string{"--logins", "0"}, "--logins 0"},
		{"too many logins", []string{"--logins", "1000000"}, "--logins 1000000"},
		{"no concurrency", []string{"--concurrency", "0"}, "--concurrency 0"},
		{"endless", []string{"--duration", "24h"}, "--duration 24h0m0s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := runAt(t, testNow, "", append([]string{"load"}, tt.args...)...)
			assert.Equal(t, exitUsage, res.code)
			assert.Contains(t, res.stderr, tt.wantError)
		})
	}
}

func TestPercentile(t *testing.T) {
	t.Parallel()
	var l []time.Duration
	for i := 1; i <= 100; i++ {
		l = append(l, time.Duration(i))
	}
	assert.Equal(t, time.Duration(50), percentile(l, 50))
	assert.Equal(t, time.Duration(95), percentile(l, 95))
	assert.Equal(t, time.Duration(99), percentile(l, 99))
	assert.Equal(t, time.Duration(1), percentile(l[:1], 99))
}
