package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCasesWithConfig lists the catalogue against a configuration that
// already signs only the Assertion: the case that makes that mistake can
// change nothing there and is listed as skipped, with its reason; the
// built-in defaults skip none.
func TestCasesWithConfig(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "setup")
	require.Equal(t, exitOK, runAt(t, testNow, "", "init", dir).code)
	path := filepath.Join(dir, "harness.yaml")
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	edited := strings.Replace(string(data), "\n  sign: both\n", "\n  sign: assertion\n", 1)
	require.NotEqual(t, string(data), edited, "the template writes sign: both")
	require.NoError(t, os.WriteFile(path, []byte(edited), 0o600))

	skipped := func(args ...string) map[string]string {
		res := runAt(t, testNow, "", append([]string{"cases", "--json"}, args...)...)
		require.Equal(t, exitOK, res.code, res.stderr)
		var rows []struct {
			Name     string `json:"name"`
			NoEffect string `json:"no_effect"`
		}
		require.NoError(t, json.Unmarshal([]byte(res.stdout), &rows))
		require.NotEmpty(t, rows)
		out := map[string]string{}
		for _, r := range rows {
			if r.NoEffect != "" {
				out[r.Name] = r.NoEffect
			}
		}
		return out
	}
	assert.Empty(t, skipped())
	got := skipped("--config", path)
	assert.Contains(t, got, "sign-assertion-only")
	assert.Len(t, got, 1, "only that case: %v", got)

	res := runAt(t, testNow, "", "cases", "--config", path)
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Regexp(t, `(?m)^sign-assertion-only\s+skip\s`, res.stdout)

	res = runAt(t, testNow, "", "cases", "--config", filepath.Join(dir, "missing.yaml"))
	assert.Equal(t, exitUsage, res.code)
	assert.Contains(t, res.stderr, "missing.yaml")
}

// TestUnknownUser gives login, issue and load a user the configuration
// does not have: a usage error naming the configured users, not a "No
// access" refusal that sends the admin to the assignments.
func TestUnknownUser(t *testing.T) {
	useCache(t)
	for _, args := range [][]string{{"login"}, {"issue"}, {"load", "--logins", "1"}} {
		res := runAt(t, testNow, "", append(args, "--user", "bob@example.com")...)
		assert.Equal(t, exitUsage, res.code, "%v: %s", args, res.stderr)
		assert.Empty(t, res.stdout, "%v", args)
		assert.Contains(t, res.stderr, "--user bob@example.com: no such user", "%v", args)
		assert.Contains(t, res.stderr, "the configured users are alice@example.com", "%v", args)
	}
	res := runAt(t, testNow, "", "login", "--case", "")
	assert.Equal(t, exitUsage, res.code)
	assert.Contains(t, res.stderr, "--case needs a case name")
}
