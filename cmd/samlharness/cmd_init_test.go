package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/samlharness/samlharness/fixtures"
)

func TestInit(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "setup")

	res := runAt(t, testNow, "", "init", dir)
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, "wrote "+filepath.Join(dir, "harness.yaml")+"\n"+
		"wrote "+filepath.Join(dir, "idp-key.pem")+"\n"+
		"wrote "+filepath.Join(dir, "idp-cert.pem")+"\n", res.stdout)
	assert.Empty(t, res.stderr)
	_, err := fixtures.Load(filepath.Join(dir, "harness.yaml"))
	require.NoError(t, err)

	// A second init must leave the first one's files alone.
	before, err := os.ReadFile(filepath.Join(dir, "idp-key.pem"))
	require.NoError(t, err)
	res = runAt(t, testNow, "", "init", dir)
	assert.Equal(t, exitUsage, res.code)
	assert.Empty(t, res.stdout)
	assert.True(t, strings.HasPrefix(res.stderr, "samlharness: error: "), res.stderr)
	assert.Contains(t, res.stderr, "already exists")
	assert.Contains(t, res.stderr, "\nhint: choose another directory")
	after, err := os.ReadFile(filepath.Join(dir, "idp-key.pem"))
	require.NoError(t, err)
	assert.Equal(t, before, after)
}
