package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/samlharness/samlharness/fixtures"
)

// testNow is the clock of the tests.
var testNow = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

// A result is what one run printed and its exit status.
type result struct {
	code           int
	stdout, stderr string
}

// runAt runs args as [run] does, with stdin and the clock set to now.
func runAt(t *testing.T, now time.Time, stdin string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	a := &app{
		stdin:  strings.NewReader(stdin),
		stdout: &stdout,
		stderr: &stderr,
		now:    func() time.Time { return now },
		rand:   rand.Reader,
	}
	err := a.run(context.Background(), args)
	return result{exitCode(err), stdout.String(), stderr.String()}
}

func TestRunUsageErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		args      []string
		wantError string
		wantHint  string
	}{
		{"no command", nil, "missing command", "samlharness --help"},
		{"unknown command", []string{"login-now"}, `unknown command "login-now"`,
			"samlharness --help"},
		{"unknown flag", []string{"--verbose"}, "unknown flag: --verbose",
			"samlharness --help"},
		{"init without DIR", []string{"init"}, "takes 1 argument(s), got 0",
			"samlharness init --help"},
		{"cert alone", []string{"cert"}, "missing command: new or show",
			"samlharness cert --help"},
		{"cert unknown", []string{"cert", "rotate"}, `unknown command "rotate"`,
			"samlharness cert --help"},
		{"bad bits", []string{"cert", "new", "--bits", "4096"}, "--bits 4096",
			"samlharness cert new --help"},
		{"bits not a number", []string{"cert", "new", "--bits", "x"}, `"x"`,
			"samlharness cert new --help"},
		{"negative days", []string{"cert", "new", "--days", "-1"}, "--days -1",
			"samlharness cert new --help"},
		{"show two files", []string{"cert", "show", "a", "b"}, "got 2",
			"samlharness cert show --help"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tt.args, &stdout, &stderr)
			assert.Equal(t, exitUsage, exitCode(err))
			assert.Empty(t, stdout.String())
			lines := strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n")
			require.Len(t, lines, 2, stderr.String())
			assert.True(t, strings.HasPrefix(lines[0], "samlharness: error: "), lines[0])
			assert.Contains(t, lines[0], tt.wantError)
			assert.Equal(t, "hint: run '"+tt.wantHint+"'", lines[1])
		})
	}
}

func TestRunHelpHasExamples(t *testing.T) {
	t.Parallel()
	for _, path := range []string{"", "init", "cert", "cert new", "cert show"} {
		t.Run(path, func(t *testing.T) {
			t.Parallel()
			args := append(strings.Fields(path), "--help")
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), args, &stdout, &stderr)
			require.NoError(t, err)
			assert.Contains(t, stdout.String(), "Examples:\n  samlharness "+path)
			assert.Empty(t, stderr.String())
		})
	}
}

func TestExitCode(t *testing.T) {
	t.Parallel()
	cause := errors.New("cause")
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"success", nil, 0},
		{"rejected", rejectedError(cause, ""), 1},
		{"usage", usageError(cause, ""), 2},
		{"setup", setupError(cause, "hint"), 2},
		{"any other error", cause, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, exitCode(tt.err))
		})
	}
}

func TestConfigFlag(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, err := fixtures.Init(dir, rand.Reader, testNow)
	require.NoError(t, err)
	path := filepath.Join(dir, fixtures.ConfigFile)
	broken := filepath.Join(dir, "broken.yaml")
	text, err := os.ReadFile(path)
	require.NoError(t, err)
	text = bytes.Replace(text, []byte("sign: both"), []byte("sign: all"), 1)
	text = bytes.Replace(text, []byte("sha1: warn"), []byte("sha1: maybe"), 1)
	require.NoError(t, os.WriteFile(broken, text, 0o644))

	newApp := func(configPath string) (*app, *bytes.Buffer) {
		var stderr bytes.Buffer
		return &app{stderr: &stderr, now: func() time.Time { return testNow },
			rand: rand.Reader, configPath: configPath}, &stderr
	}

	t.Run("defaults", func(t *testing.T) {
		t.Parallel()
		a, _ := newApp("")
		cfg, err := a.config()
		require.NoError(t, err)
		assert.Equal(t, fixtures.DefaultRealmSID, cfg.Frontline.RealmSID)
	})
	t.Run("file", func(t *testing.T) {
		t.Parallel()
		a, _ := newApp(path)
		cfg, err := a.config()
		require.NoError(t, err)
		assert.NotNil(t, cfg.AWS.SigningKey)
	})
	t.Run("broken file", func(t *testing.T) {
		t.Parallel()
		a, stderr := newApp(broken)
		_, err := a.config()
		assert.Equal(t, exitUsage, exitCode(err))
		assert.ErrorIs(t, err, fixtures.ErrNotAllowed)

		a.report(err)
		lines := strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n")
		require.Len(t, lines, 3, "one line per problem, then the hint")
		assert.True(t, strings.HasPrefix(lines[0], "samlharness: error: "+broken+":"))
		assert.Contains(t, lines[0], "aws.sign")
		assert.Contains(t, lines[1], "frontline.policy.sha1")
		assert.True(t, strings.HasPrefix(lines[2], "hint: "))
	})
}
