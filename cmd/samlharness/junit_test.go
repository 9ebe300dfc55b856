package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/samlharness/samlharness/assertions"
)

func TestJUnitReportSuite(t *testing.T) {
	t.Parallel()
	s := reportSuite("check r.xml", sampleReport())
	assert.Equal(t, 4, s.Tests)
	assert.Equal(t, 1, s.Failures)
	assert.Equal(t, 1, s.Skipped)
	require.NotNil(t, s.Cases[3].Failure)
	f := s.Cases[3].Failure
	assert.Equal(t, string(assertions.AudienceMismatch), f.Type)
	assert.Contains(t, f.Text, "fix: "+assertions.AudienceMismatch.Fix())

	file := filepath.Join(t.TempDir(), "r.xml")
	require.NoError(t, writeJUnit(file, []junitSuite{s, s}))
	validateJUnit(t, file)
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	assert.Contains(t, string(data), `<testsuites tests="8" failures="2" errors="0" `+
		`skipped="2" time="0">`)
}

// TestJUnitSchemaRejects makes sure the schema can fail: each document
// breaks one rule of the format.
func TestJUnitSchemaRejects(t *testing.T) {
	t.Parallel()
	xmllint := xmllint(t)
	tests := []struct{ name, doc string }{
		{"testsuite without tests", `<testsuites><testsuite name="s"/></testsuites>`},
		{"testcase without name", `<testsuite name="s" tests="1"><testcase/></testsuite>`},
		{"time not a number",
			`<testsuite name="s" tests="1"><testcase name="c" time="1s"/></testsuite>`},
		{"negative count", `<testsuite name="s" tests="-1"/>`},
		{"skipped and failure", `<testsuite name="s" tests="1"><testcase name="c">` +
			`<skipped/><failure/></testcase></testsuite>`},
		{"unknown attribute", `<testsuite name="s" tests="0" failed="1"/>`},
		{"unknown root", `<tests/>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			file := filepath.Join(t.TempDir(), "bad.xml")
			require.NoError(t, os.WriteFile(file, []byte(tt.doc), 0o644))
			out, err := exec.Command(xmllint, "--noout", "--schema",
				filepath.Join("testdata", "junit.xsd"), file).CombinedOutput()
			assert.Error(t, err, "%s", out)
			assert.Contains(t, string(out), "fails to validate")
		})
	}
}
