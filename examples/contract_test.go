// Package examples shows the contract test a team writes for its own SSO
// setup: the harness.yaml in testdata mirrors their AWS application and
// their Frontline SSO page, and these tests run in their own go test.
package examples

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/samlharness/samlharness/assertions"
	"github.com/samlharness/samlharness/fixtures"
)

// loadSetup reads the team's configuration, as kept in their repository.
func loadSetup(t *testing.T) *fixtures.Config {
	t.Helper()
	cfg, err := fixtures.Load("testdata/mysetup/harness.yaml")
	require.NoError(t, err)
	return cfg
}

// TestEveryAssignedUserLogsIn logs alice in over loopback HTTP, the way the
// access portal does, and reads the emulated Frontline's verdict.
func TestEveryAssignedUserLogsIn(t *testing.T) {
	t.Parallel()
	env, err := fixtures.Start(loadSetup(t))
	require.NoError(t, err)
	t.Cleanup(env.Close)

	login, err := env.Login(context.Background(), "alice@example.com")
	require.NoError(t, err)
	require.NoError(t, login.Report.Err(), "the login must be accepted")
	assert.Equal(t, "alice@example.com", login.Report.Claims.NameID)
	assert.Equal(t, []string{"agent"}, login.Report.Claims.Attributes["roles"])
}

// TestAMistakeIsCaught changes the Frontline issuer the way a hurried admin
// might, and checks the harness names the check that fails.
func TestAMistakeIsCaught(t *testing.T) {
	t.Parallel()
	cfg := loadSetup(t)
	cfg.Frontline.IdPIssuer += "/"
	env, err := fixtures.Start(cfg)
	require.NoError(t, err)
	t.Cleanup(env.Close)

	login, err := env.Login(context.Background(), "")
	require.NoError(t, err)
	err = login.Report.Err()
	assert.True(t, errors.Is(err, assertions.IssuerMismatch), "got %v", err)
	assert.True(t, errors.Is(err, assertions.AssertionIssuerMismatch), "got %v", err)
}

// TestTheCatalogueAgainstOurSetup runs every known misconfiguration on top
// of the team's setup: each must be caught with exactly its codes.
func TestTheCatalogueAgainstOurSetup(t *testing.T) {
	t.Parallel()
	base := loadSetup(t)
	for _, c := range fixtures.Cases() {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			res := fixtures.RunCase(context.Background(), base, c)
			assert.NoError(t, res.Err)
		})
	}
}
