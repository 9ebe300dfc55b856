package main

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/samlharness/samlharness/assertions"
)

const (
	srcDir  = "../.."
	docFile = "../../../docs/codes.md"
)

func TestCodesDocUpToDate(t *testing.T) {
	t.Parallel()
	want, err := generate(srcDir)
	require.NoError(t, err)
	got, err := os.ReadFile(docFile)
	require.NoError(t, err)
	if !bytes.Equal(got, want) {
		t.Fatalf("docs/codes.md is out of date: run 'go generate ./assertions'")
	}
}

// TestCodesDocRows reads the table back: one row per code, each with a
// check, a status, a meaning and where it is fixed.
func TestCodesDocRows(t *testing.T) {
	t.Parallel()
	doc, err := generate(srcDir)
	require.NoError(t, err)
	var rows []string
	for line := range strings.Lines(string(doc)) {
		if strings.HasPrefix(line, "| `") {
			rows = append(rows, line)
		}
	}
	codes := assertions.Codes()
	require.Len(t, rows, len(codes))
	for i, c := range codes {
		cells := strings.Split(strings.Trim(strings.TrimSpace(rows[i]), "|"), " | ")
		require.Len(t, cells, 5, rows[i])
		assert.Equal(t, "`"+string(c)+"`", strings.TrimSpace(cells[0]))
		assert.Equal(t, c.Check(), cells[1])
		for _, cell := range cells[1:] {
			assert.NotEmpty(t, strings.TrimSpace(cell), rows[i])
		}
	}
}

// TestScanStatuses pins what the source scan must find, so that a change
// in how the checks record statuses cannot silently empty the column.
func TestScanStatuses(t *testing.T) {
	t.Parallel()
	found, err := scanStatuses(srcDir)
	require.NoError(t, err)
	tests := []struct {
		code assertions.Code
		want []string
	}{
		{assertions.SignatureSHA1, []string{"warn", "fail"}},
		{assertions.CertificateExpired, []string{"warn", "fail"}},
		{assertions.NameIDFormat, []string{"warn", "fail"}},
		{assertions.InResponseToUnsolicited, []string{"pass", "fail"}},
		{assertions.TimeOK, []string{"pass", "skip"}},
		{assertions.DecodeOK, []string{"pass"}},
		{assertions.DestinationAbsent, []string{"pass"}},
		{assertions.AudienceMismatch, []string{"fail"}},
		// Recorded through a variable only: the fallback decides.
		{assertions.ReplayDetected, []string{"fail"}},
		{assertions.ReplayOK, []string{"pass", "skip"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.code), func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, statusesOf(tt.code, found))
		})
	}
	var warns []assertions.Code
	for c, sts := range found {
		if slices.Contains(sts, assertions.Warn) {
			warns = append(warns, c)
		}
	}
	assert.GreaterOrEqual(t, len(warns), 4, "codes that can warn: %v", warns)
}
