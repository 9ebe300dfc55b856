package sp_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/samlharness/samlharness/assertions"
	"github.com/samlharness/samlharness/fixtures"
	"github.com/samlharness/samlharness/sp"
)

// attackKit is made once per test binary: key generation is the slow part.
var attackKit = sync.OnceValues(func() (*fixtures.AttackKit, error) {
	return fixtures.NewAttackKit(time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC))
})

func kit(t *testing.T) *fixtures.AttackKit {
	t.Helper()
	k, err := attackKit()
	require.NoError(t, err)
	return k
}

// clock is a settable clock for an SP.
type clock struct{ ns atomic.Int64 }

func newClock(t time.Time) *clock {
	c := &clock{}
	c.set(t)
	return c
}

func (c *clock) set(t time.Time)     { c.ns.Store(t.UnixNano()) }
func (c *clock) now() time.Time      { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) add(d time.Duration) { c.ns.Add(int64(d)) }

// startSP serves cfg on loopback at the kit's instant.
func startSP(t *testing.T, cfg sp.Config, opts ...sp.Option) (*sp.Server, *clock) {
	t.Helper()
	c := newClock(kit(t).Now)
	s, err := sp.New(cfg, append([]sp.Option{sp.WithClock(c.now)}, opts...)...)
	require.NoError(t, err)
	srv := sp.NewServer(s)
	t.Cleanup(srv.Close)
	return srv, c
}

// post sends field as the SAMLResponse of a form to the ACS, with query,
// and returns the status and, for 200 and 403, the JSON report.
func post(t *testing.T, srv *sp.Server, query string, field []byte) (int,
	*assertions.Report) {
	t.Helper()
	target := srv.ACSURL()
	if query != "" {
		target += "?" + query
	}
	body := url.Values{"SAMLResponse": {string(field)}}.Encode()
	req, err := http.NewRequest(http.MethodPost, target, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusForbidden {
		_, _ = io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, nil
	}
	var rep assertions.Report
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&rep))
	return resp.StatusCode, &rep
}

// TestACSAttacks posts every attack and quirk to the ACS over loopback:
// each attack is refused (403) with its code, or, for a body over the
// cap, with 413; each quirk is accepted (200) with the valid claims.
func TestACSAttacks(t *testing.T) {
	t.Parallel()
	k := kit(t)
	shared, _ := startSP(t, k.Frontline)
	for _, a := range append(fixtures.Attacks(), fixtures.Quirks()...) {
		t.Run(a.Name, func(t *testing.T) {
			t.Parallel()
			srv := shared
			if a.Frontline != nil {
				srv, _ = startSP(t, a.Config(k))
			}
			msg, err := a.Build(k)
			require.NoError(t, err)
			field := a.Field(msg)
			status, rep := post(t, srv, a.Query, field)
			if a.Twice {
				require.Equal(t, http.StatusOK, status, "the first use is accepted")
				status, rep = post(t, srv, a.Query, field)
			}
			if status == http.StatusRequestEntityTooLarge {
				assert.Equal(t, assertions.DecodeLimit, a.Want, "413 stands for a limit")
				assert.Greater(t, len(field), sp.DefaultMaxBody)
				return
			}
			require.NotNil(t, rep, "status %d", status)
			assert.Equal(t, a.Accept, status == http.StatusOK)
			assert.NoError(t, a.Check(k, rep))
		})
	}
}

// TestACSReplay posts one Response twice: the second use is refused with
// replay.detected.
func TestACSReplay(t *testing.T) {
	t.Parallel()
	k := kit(t)
	srv, _ := startSP(t, k.Frontline)
	field := validField(t, k)
	status, rep := post(t, srv, "", field)
	require.Equal(t, http.StatusOK, status, "%v", rep.Failed())
	status, rep = post(t, srv, "", field)
	assert.Equal(t, http.StatusForbidden, status)
	assert.Equal(t, []assertions.Code{assertions.ReplayDetected}, rep.Failed())
}

// TestACSReplayConcurrent posts one Response from many clients at once:
// exactly one is accepted, every other refused as a replay.
func TestACSReplayConcurrent(t *testing.T) {
	t.Parallel()
	k := kit(t)
	srv, _ := startSP(t, k.Frontline)
	field := validField(t, k)
	const clients = 16
	var accepted, replayed atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range clients {
		wg.Go(func() {
			<-start
			status, rep := post(t, srv, "", field)
			switch {
			case status == http.StatusOK:
				accepted.Add(1)
			case rep != nil && assert.Equal(t, []assertions.Code{assertions.ReplayDetected},
				rep.Failed()):
				replayed.Add(1)
			}
		})
	}
	close(start)
	wg.Wait()
	assert.Equal(t, int32(1), accepted.Load())
	assert.Equal(t, int32(clients-1), replayed.Load())
}

// TestACSReplayCacheBounded fills a cache of two: a third login is refused
// with replay.cache-full rather than forgetting an unexpired Assertion; a
// refused login holds no place; expired Assertions make room again.
func TestACSReplayCacheBounded(t *testing.T) {
	t.Parallel()
	k := kit(t)
	srv, clk := startSP(t, k.Frontline, sp.WithReplayCacheSize(2))

	a, ok := fixtures.FindAttack("audience-wrong")
	require.True(t, ok)
	msg, err := a.Build(k)
	require.NoError(t, err)
	status, _ := post(t, srv, "", a.Field(msg))
	require.Equal(t, http.StatusForbidden, status)

	for range 2 {
		status, rep := post(t, srv, "", validField(t, k))
		require.Equal(t, http.StatusOK, status, "%v", rep.Failed())
	}
	status, rep := post(t, srv, "", validField(t, k))
	assert.Equal(t, http.StatusForbidden, status)
	assert.Equal(t, []assertions.Code{assertions.ReplayCacheFull}, rep.Failed())

	// An hour and the skew later the two are expired; a Response issued
	// then is accepted.
	clk.add(time.Hour + 4*time.Minute)
	status, rep = post(t, srv, "", validFieldAt(t, k, clk.now()))
	assert.Equal(t, http.StatusOK, status, "%v", rep.Failed())
}

// TestACSHostileInput sends bodies beyond the cap and garbage: clear
// statuses, never a 500, and the server keeps serving.
func TestACSHostileInput(t *testing.T) {
	t.Parallel()
	k := kit(t)
	srv, _ := startSP(t, k.Frontline)

	status, _ := post(t, srv, "", []byte(strings.Repeat("A", sp.DefaultMaxBody)))
	assert.Equal(t, http.StatusRequestEntityTooLarge, status)

	for _, garbage := range []string{"%%%", "<", "PHNhbWw", "AAAA", "<a>", "\x00\xff"} {
		status, rep := post(t, srv, "", []byte(garbage))
		require.Equal(t, http.StatusForbidden, status, "%q", garbage)
		assert.Contains(t, []assertions.Code{assertions.DecodeMalformed,
			assertions.DecodeNotResponse}, rep.Failed()[0], "%q", garbage)
	}

	resp, err := http.Post(srv.ACSURL(), "application/x-www-form-urlencoded",
		strings.NewReader("RelayState=x"))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)

	status, rep := post(t, srv, "", validField(t, k))
	assert.Equal(t, http.StatusOK, status, "still serving: %v", rep.Failed())
}

// validField returns the form field of a valid Response, both signed,
// issued at the kit's instant.
func validField(t *testing.T, k *fixtures.AttackKit) []byte {
	t.Helper()
	return validFieldAt(t, k, k.Now)
}

// validFieldAt returns the form field of a valid Response issued a second
// before at.
func validFieldAt(t *testing.T, k *fixtures.AttackKit, at time.Time) []byte {
	t.Helper()
	spec := k.Spec()
	shift := at.Sub(k.Now)
	spec.IssueInstant = spec.IssueInstant.Add(shift)
	spec.NotOnOrAfter = spec.NotOnOrAfter.Add(shift)
	spec.SessionNotOnOrAfter = spec.SessionNotOnOrAfter.Add(shift)
	doc, err := k.Doc(spec, assertions.SignBoth, nil)
	require.NoError(t, err)
	xml, err := doc.WriteToBytes()
	require.NoError(t, err)
	return []byte(base64.StdEncoding.EncodeToString(xml))
}

// TestServerHosts: the server answers for loopback and iam.twilio.com (a
// client routing the real URLs to it), and refuses any other Host with
// 421, so that a page rebinding its name to 127.0.0.1 reads nothing.
func TestServerHosts(t *testing.T) {
	t.Parallel()
	srv, _ := startSP(t, kit(t).Frontline)
	for host, want := range map[string]int{
		"":                    http.StatusOK, // the listener's own address
		"[::1]:8443":          http.StatusOK,
		"iam.twilio.com":      http.StatusOK,
		"rebind.example":      http.StatusMisdirectedRequest,
		"iam.twilio.com.evil": http.StatusMisdirectedRequest,
	} {
		req, err := http.NewRequest(http.MethodGet, srv.URL()+"/v2/saml2/metadata/"+
			srv.SP().Config().RealmSID, nil)
		require.NoError(t, err)
		if host != "" {
			req.Host = host
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		assert.Equal(t, want, resp.StatusCode, host)
	}
}

// TestListenLoopbackOnly: as idpmock's, for the SP's server.
func TestListenLoopbackOnly(t *testing.T) {
	t.Parallel()
	s, err := sp.New(kit(t).Frontline)
	require.NoError(t, err)
	srv, err := sp.Listen(s, "localhost:0")
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(srv.URL(), "http://127.0.0.1:"), srv.URL())
	srv.Close()
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:8443"} {
		_, err := sp.Listen(s, addr)
		assert.ErrorContains(t, err, "loopback only", addr)
	}
}
