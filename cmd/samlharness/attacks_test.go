package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/samlharness/samlharness/assertions"
	"github.com/samlharness/samlharness/fixtures"
)

// attackNow is the instant of the attack kit's logins.
var attackNow = time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)

// transportOnly names the attacks and quirks whose point is the ACS's
// HTTP transport, which check, judging one pasted message offline, cannot
// express; each is skipped with the reason. A name that is no longer a
// case fails [TestCheckAttacks].
var transportOnly = map[string]string{
	"replay": "refused on its second post to one ACS; check keeps no " +
		"replay cache between runs",
	"destination-with-query": "accepted because the Destination equals the URL " +
		"posted to, query included; check has no URL posted to",
}

// TestCheckAttacks runs check on every attack and quirk of the catalogue,
// each pasted as the SAMLResponse form field the ACS would get, with a
// harness.yaml whose frontline section is the case's SP configuration:
// an attack exits 1 with its code among the failed checks, a quirk exits
// 0 with the valid claims. The ACS over HTTP is tested in package sp.
func TestCheckAttacks(t *testing.T) {
	t.Parallel()
	k, err := fixtures.NewAttackKit(attackNow)
	require.NoError(t, err)
	cases := append(fixtures.Attacks(), fixtures.Quirks()...)

	names := map[string]bool{}
	for _, a := range cases {
		names[a.Name] = true
	}
	for name := range transportOnly {
		assert.True(t, names[name], "%s is skipped as transport-only but is no case", name)
	}

	dir := t.TempDir()
	at := k.Now.Format(time.RFC3339)
	for _, a := range cases {
		t.Run(a.Name, func(t *testing.T) {
			if why, ok := transportOnly[a.Name]; ok {
				t.Skip(why)
			}
			t.Parallel()
			config := writeCaseConfig(t, dir, a, k)
			msg, err := a.Build(k)
			require.NoError(t, err)
			file := filepath.Join(dir, a.Name+".b64")
			require.NoError(t, os.WriteFile(file, a.Field(msg), 0o644))

			res := runAt(t, k.Now, "", "--config", config, "check", "--at", at,
				"--json", file)
			want := exitRejected
			if a.Accept {
				want = exitOK
			}
			require.Equal(t, want, res.code, res.stderr)
			var rep assertions.Report
			require.NoError(t, json.Unmarshal([]byte(res.stdout), &rep), res.stdout)
			assert.NoError(t, a.Check(k, &rep))
		})
	}
}

// writeCaseConfig writes a harness.yaml for case a into dir, named after
// it: the default aws section and the case's frontline section.
func writeCaseConfig(t *testing.T, dir string, a fixtures.Attack,
	k *fixtures.AttackKit) string {
	t.Helper()
	cfg := fixtures.DefaultWithKey(k.Key, k.Cert)
	cfg.Frontline = a.Config(k)
	text, err := yaml.Marshal(cfg)
	require.NoError(t, err)
	path := filepath.Join(dir, a.Name+".yaml")
	require.NoError(t, os.WriteFile(path, text, 0o644))
	return path
}
