package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/samlharness/samlharness/assertions"
)

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

// sampleReport has one check of each status, out of table order.
func sampleReport() *assertions.Report {
	r := &assertions.Report{Version: assertions.ReportVersion}
	r.Add(assertions.Check{Code: assertions.DecodeOK, Status: assertions.Pass})
	r.Add(assertions.Check{Code: assertions.RelayStateOK, Status: assertions.Skip,
		Message: "not checked"})
	r.Add(assertions.Check{Code: assertions.SignatureSHA1, Status: assertions.Warn,
		Expected: "SHA-256", Actual: "SHA-1"})
	r.Add(assertions.Check{Code: assertions.AudienceMismatch, Status: assertions.Fail,
		Expected: "https://iam.twilio.com/v2/saml2/metadata/JBa",
		Actual:   "https://iam.twilio.com/v2/saml2/metdata/JBa", Untrusted: true})
	return r
}

func TestReportTable(t *testing.T) {
	t.Parallel()
	ansiColors := colors{fail: "\x1b[31m", warn: "\x1b[33m", pass: "\x1b[32m",
		skip: "\x1b[90m", reset: "\x1b[0m"}
	for _, tt := range []struct {
		name string
		c    colors
	}{{"plain", colors{}}, {"coloured", ansiColors}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			writeReport(&b, tt.c, "login alice", sampleReport())
			if tt.c == (colors{}) {
				assert.NotContains(t, b.String(), "\x1b")
			} else {
				assert.Contains(t, b.String(), "\x1b[31mFAIL\x1b[0m")
			}
			lines := strings.Split(strings.TrimSuffix(
				ansi.ReplaceAllString(b.String(), ""), "\n"), "\n")
			require.Len(t, lines, 1+4+2*3)
			assert.Equal(t, "login alice: REJECTED", lines[0])

			// Failures first, each with its values and fix, then warnings,
			// passes and skips.
			var order []string
			for _, l := range lines[1:] {
				if f := strings.Fields(l); len(f) > 1 && !strings.HasSuffix(f[0], ":") {
					order = append(order, f[0]+" "+f[1])
				}
			}
			assert.Equal(t, []string{"FAIL audience.mismatch", "WARN signature.sha1",
				"PASS decode.ok", "SKIP relay-state.ok"}, order)
			assert.Contains(t, lines[4], "fix:      "+assertions.AudienceMismatch.Fix())
			assert.Contains(t, lines[1], "(unsigned input)")

			// Aligned: every message and every value starts in one column.
			col := strings.Index(lines[1], assertions.AudienceMismatch.Summary())
			require.Positive(t, col, lines[1])
			for _, l := range lines[1:] {
				assert.Equal(t, "  ", l[col-2:col], "before column %d of %q", col, l)
				assert.NotEqual(t, byte(' '), l[col], "column %d of %q", col, l)
			}
		})
	}
}

func TestReportAccepted(t *testing.T) {
	t.Parallel()
	r := &assertions.Report{Version: assertions.ReportVersion,
		Claims: &assertions.Claims{NameID: "alice@example.com",
			Attributes: map[string][]string{"roles": {"agent"}}}}
	r.Add(assertions.Check{Code: assertions.DecodeOK, Status: assertions.Pass})
	var b bytes.Buffer
	printReport(&b, "login alice", r)
	assert.Equal(t, "login alice: ACCEPTED\n"+
		"signed in to Frontline as alice@example.com with roles agent\n"+
		"PASS  decode.ok  "+assertions.DecodeOK.Summary()+"\n", b.String())
}

// TestColorsOnlyOnTerminal runs without t.Parallel: it sets NO_COLOR and
// TERM.
func TestColorsOnlyOnTerminal(t *testing.T) {
	t.Setenv("NO_COLOR", "")
	t.Setenv("TERM", "xterm")

	file, err := os.Create(filepath.Join(t.TempDir(), "out.txt"))
	require.NoError(t, err)
	defer file.Close()
	assert.Equal(t, colors{}, colorsFor(&bytes.Buffer{}), "a buffer")
	assert.Equal(t, colors{}, colorsFor(file), "a regular file")
	printReport(file, "check r.xml", sampleReport())
	written, err := os.ReadFile(file.Name())
	require.NoError(t, err)
	assert.NotContains(t, string(written), "\x1b")

	// The master side of a pseudo-terminal is a terminal.
	tty, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal to test colours on: %v", err)
	}
	defer tty.Close()
	assert.NotEqual(t, colors{}, colorsFor(tty), "a terminal")

	t.Setenv("TERM", "dumb")
	assert.Equal(t, colors{}, colorsFor(tty), "TERM=dumb")
	t.Setenv("TERM", "xterm")
	t.Setenv("NO_COLOR", "1")
	assert.Equal(t, colors{}, colorsFor(tty), "NO_COLOR set")
}
