package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/samlharness/samlharness/assertions"
	"github.com/samlharness/samlharness/fixtures"
)

// jsonReport is the part of a JSON report these tests read, decoded
// independently of the structs that write it.
type jsonReport struct {
	Version  int  `json:"version"`
	Accepted bool `json:"accepted"`
	Checks   []struct {
		Check    string            `json:"check"`
		Code     assertions.Code   `json:"code"`
		Status   assertions.Status `json:"status"`
		Expected string            `json:"expected"`
		Actual   string            `json:"actual"`
		Message  string            `json:"message"`
		Fix      string            `json:"fix"`
	} `json:"checks"`
	User     string `json:"user"`
	NoAccess *struct {
		Message string `json:"message"`
		Fix     string `json:"fix"`
	} `json:"no_access"`
	Stopped *struct {
		Code    fixtures.StopCode `json:"code"`
		Message string            `json:"message"`
		Fix     string            `json:"fix"`
	} `json:"stopped"`
}

func (r jsonReport) failed() []assertions.Code {
	var codes []assertions.Code
	for _, c := range r.Checks {
		if c.Status == assertions.Fail {
			codes = append(codes, c.Code)
		}
	}
	return codes
}

func decodeReport(t *testing.T, res result) jsonReport {
	t.Helper()
	var r jsonReport
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &r), "stdout: %s\nstderr: %s",
		res.stdout, res.stderr)
	return r
}

// useCache points the default key pair's cache at a fresh directory, so
// that what one run signs the next verifies, and the user's own cache is
// untouched. Tests that call it cannot be parallel.
func useCache(t *testing.T) {
	t.Helper()
	t.Setenv("SAMLHARNESS_CACHE", t.TempDir())
}

// TestLoginCLI runs login on the built-in configuration, and once per
// catalogue case. The clock is the real one: the catalogue's extra
// certificates are made at the current time.
func TestLoginCLI(t *testing.T) {
	useCache(t)
	now := time.Now()

	t.Run("human", func(t *testing.T) {
		res := runAt(t, now, "", "login")
		assert.Equal(t, exitOK, res.code, res.stderr)
		assert.Contains(t, res.stdout, "ACCEPTED")
		assert.Contains(t, res.stdout, "signed in to Frontline as alice@example.com")
		assert.Empty(t, res.stderr)
	})
	t.Run("json", func(t *testing.T) {
		res := runAt(t, now, "", "login", "--json")
		require.Equal(t, exitOK, res.code, res.stderr)
		r := decodeReport(t, res)
		assert.True(t, r.Accepted)
		assert.Equal(t, assertions.ReportVersion, r.Version)
		assert.Equal(t, "alice@example.com", r.User)
		require.NotEmpty(t, r.Checks)
		for _, c := range r.Checks {
			assert.True(t, c.Code.Known(), "unknown code %s", c.Code)
			assert.Equal(t, c.Code.Check(), c.Check)
			assert.Contains(t, []assertions.Status{assertions.Pass, assertions.Warn,
				assertions.Skip}, c.Status, c.Code)
			assert.NotEmpty(t, c.Message, c.Code)
			if c.Status == assertions.Pass {
				assert.NotEmpty(t, c.Expected, c.Code)
			}
		}
	})

	for _, c := range fixtures.Cases() {
		t.Run("case "+c.Name, func(t *testing.T) {
			res := runAt(t, now, "", "login", "--case", c.Name, "--json")
			r := decodeReport(t, res)
			if c.NoAccess {
				assert.Equal(t, exitRejected, res.code)
				require.NotNil(t, r.NoAccess, "want no_access in %s", res.stdout)
				assert.NotEmpty(t, r.NoAccess.Message)
				assert.Contains(t, r.NoAccess.Fix, "Assigned users")
				assert.False(t, r.Accepted)
				return
			}
			assert.Nil(t, r.NoAccess)
			if c.Stopped != "" {
				assert.Equal(t, exitRejected, res.code)
				require.NotNil(t, r.Stopped, "want stopped in %s", res.stdout)
				assert.Equal(t, c.Stopped, r.Stopped.Code)
				assert.NotEmpty(t, r.Stopped.Message)
				assert.NotEmpty(t, r.Stopped.Fix)
				assert.False(t, r.Accepted)
				assert.Empty(t, r.Checks)
				return
			}
			assert.Nil(t, r.Stopped)
			assert.Equal(t, c.Accept, r.Accepted)
			if c.Accept {
				assert.Equal(t, exitOK, res.code, res.stderr)
			} else {
				assert.Equal(t, exitRejected, res.code, res.stderr)
			}
			assert.ElementsMatch(t, c.Fail, r.failed())
			for _, ch := range r.Checks {
				if ch.Status != assertions.Fail {
					continue
				}
				assert.NotEmpty(t, ch.Expected, "%s expected", ch.Code)
				assert.NotEmpty(t, ch.Actual, "%s actual", ch.Code)
				assert.NotEmpty(t, ch.Fix, "%s fix", ch.Code)
				if hint, ok := nearMissHints[c.Name]; ok {
					assert.Contains(t, ch.Message, hint, "%s message", ch.Code)
				}
			}
		})
	}
	t.Run("unknown case", func(t *testing.T) {
		res := runAt(t, now, "", "login", "--case", "no-such-case")
		assert.Equal(t, exitUsage, res.code)
		assert.Contains(t, res.stderr, "samlharness cases")
	})
}

// nearMissHints are the near misses the failing checks of some catalogue
// cases must point out.
var nearMissHints = map[string]string{
	"audience-other-realm":  "another realm SID",
	"acs-v1-path":           "the old v1 path",
	"acs-other-realm":       "another realm SID",
	"issuer-other-region":   "another AWS region",
	"issuer-trailing-slash": "a trailing slash",
}

// TestLoginEditedConfig writes a config with init, then breaks one setting
// at a time in its YAML text, as a user would.
func TestLoginEditedConfig(t *testing.T) {
	t.Parallel()
	now := time.Now()
	dir := filepath.Join(t.TempDir(), "d")
	res := runAt(t, now, "", "init", dir)
	require.Equal(t, exitOK, res.code, res.stderr)
	path := filepath.Join(dir, fixtures.ConfigFile)
	res = runAt(t, now, "", "cert", "new", "--out", filepath.Join(dir, "other"))
	require.Equal(t, exitOK, res.code, res.stderr)

	t.Run("as written", func(t *testing.T) {
		t.Parallel()
		res := runAt(t, now, "", "login", "--config", path, "--json")
		assert.Equal(t, exitOK, res.code, res.stderr)
		assert.True(t, decodeReport(t, res).Accepted)
	})

	text, err := os.ReadFile(path)
	require.NoError(t, err)
	realm := fixtures.DefaultRealmSID
	const other = "JB00000000000000000000000000000000"
	tests := []struct {
		name     string
		old, new string
		want     []assertions.Code
	}{
		{"aws audience", "metadata/" + realm, "metadata/" + other,
			[]assertions.Code{assertions.AudienceMismatch}},
		{"realm in the acs url", "authenticate/" + realm, "authenticate/" + other,
			[]assertions.Code{assertions.DestinationMismatch, assertions.RecipientMismatch}},
		{"roles value", "value: agent", "value: supervisor",
			[]assertions.Code{assertions.RolesNoAgent}},
		{"frontline issuer", "idp_issuer: https://portal.sso.us-east-1.",
			"idp_issuer: https://portal.sso.us-west-2.",
			[]assertions.Code{assertions.IssuerMismatch, assertions.AssertionIssuerMismatch}},
		{"frontline certificate", "  certificate_file: idp-cert.pem\n\n  # Not console",
			"  certificate_file: other-cert.pem\n\n  # Not console",
			[]assertions.Code{assertions.SignatureUntrustedKey}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, 1, strings.Count(string(text), tt.old), "one %q", tt.old)
			edited := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-")+".yaml")
			require.NoError(t, os.WriteFile(edited,
				[]byte(strings.Replace(string(text), tt.old, tt.new, 1)), 0o644))

			res := runAt(t, now, "", "login", "--config", edited, "--json")
			assert.Equal(t, exitRejected, res.code, res.stderr)
			r := decodeReport(t, res)
			assert.False(t, r.Accepted)
			assert.ElementsMatch(t, tt.want, r.failed())
		})
	}
}

func TestIssueThenCheck(t *testing.T) {
	useCache(t)
	now := time.Now()
	res := runAt(t, now, "", "issue")
	require.Equal(t, exitOK, res.code, res.stderr)
	file := filepath.Join(t.TempDir(), "r.xml")
	require.NoError(t, os.WriteFile(file, []byte(res.stdout), 0o644))

	res = runAt(t, now, "", "check", file)
	assert.Equal(t, exitOK, res.code, res.stderr)
	assert.Contains(t, res.stdout, "ACCEPTED")

	later := now.Add(2 * time.Hour).UTC().Format(time.RFC3339)
	res = runAt(t, now, "", "check", "--at", later, "--json", file)
	assert.Equal(t, exitRejected, res.code)
	assert.Contains(t, decodeReport(t, res).failed(), assertions.TimeExpired)

	// Two hours later, judged as it was when issued.
	res = runAt(t, now.Add(2*time.Hour), "", "check", "--at", "capture", file)
	assert.Equal(t, exitOK, res.code, res.stderr)
	res = runAt(t, now.Add(2*time.Hour), "", "check", file)
	assert.Equal(t, exitRejected, res.code)
	assert.Contains(t, res.stderr, "hint: to judge a captured response as it was "+
		"when issued, pass --at capture")
}

func TestContractJUnit(t *testing.T) {
	useCache(t)
	out := filepath.Join(t.TempDir(), "out.xml")
	res := runAt(t, time.Now(), "", "contract", "--junit", out)
	assert.Equal(t, exitOK, res.code, res.stderr)
	assert.Contains(t, res.stdout, "0 failed")
	validateJUnit(t, out)
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	for _, c := range fixtures.Cases() {
		assert.Contains(t, string(data), `name="`+c.Name+`"`)
	}
}

// TestJUnitUnwritable gives each command a --junit file it cannot write:
// it must refuse before running, with nothing on stdout.
func TestJUnitUnwritable(t *testing.T) {
	useCache(t)
	dir := t.TempDir()
	for _, out := range []string{filepath.Join(dir, "no-such-dir", "out.xml"), dir} {
		for _, args := range [][]string{{"contract"}, {"login"}, {"check", "-"}} {
			res := runAt(t, time.Now(), "", append(args, "--junit", out)...)
			assert.Equal(t, exitUsage, res.code, "%v: %s", args, res.stderr)
			assert.Empty(t, res.stdout, "%v", args)
			assert.Contains(t, res.stderr, "--junit "+out, "%v", args)
		}
	}
}

func TestJUnitDash(t *testing.T) {
	t.Parallel()
	res := runAt(t, time.Now(), "", "login", "--junit", "-")
	assert.Equal(t, exitUsage, res.code)
	assert.Empty(t, res.stdout)
	assert.Contains(t, res.stderr, "--junit -: give a file name")
}

func TestVersion(t *testing.T) {
	t.Parallel()
	res := runAt(t, time.Now(), "", "--version")
	assert.Equal(t, exitOK, res.code, res.stderr)
	// Tests run from a checkout: the module version is "(devel)".
	assert.Regexp(t, `^samlharness version \(devel\)`, res.stdout)
}

func TestCheckJUnit(t *testing.T) {
	useCache(t)
	now := time.Now()
	res := runAt(t, now, "", "issue", "--base64")
	require.Equal(t, exitOK, res.code, res.stderr)
	dir := t.TempDir()
	file := filepath.Join(dir, "r.b64")
	require.NoError(t, os.WriteFile(file, []byte(res.stdout), 0o644))

	// Rejected (a failure and skipped checks) and accepted.
	for _, at := range []string{now.Add(time.Hour).UTC().Format(time.RFC3339), "capture"} {
		out := filepath.Join(dir, "check-"+strings.ReplaceAll(at, ":", "")+".xml")
		runAt(t, now, "", "check", "--at", at, "--junit", out, file)
		validateJUnit(t, out)
	}
}

// validateJUnit validates a JUnit file against testdata/junit.xsd.
func validateJUnit(t *testing.T, file string) {
	t.Helper()
	out, err := exec.Command(xmllint(t), "--noout", "--schema",
		filepath.Join("testdata", "junit.xsd"), file).CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Contains(t, string(out), "validates")
}

// xmllint returns the path of xmllint. Without it the test is skipped,
// unless the environment variable CI is set: then it fails.
func xmllint(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("xmllint is required in CI (apt-get install libxml2-utils): %v", err)
		}
		t.Skipf("xmllint not found (apt-get install libxml2-utils): %v", err)
	}
	return path
}
