//go:build load

package sp_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/samlharness/samlharness/assertions"
	"github.com/samlharness/samlharness/fixtures"
)

// TestLoad logs in many times at once against the ACS on loopback
// (`make load`): SAMLHARNESS_LOAD_LOGINS logins (default 20000) from
// SAMLHARNESS_LOAD_CLIENTS clients (default 64). Each client signs its
// own Responses, with distinct IDs, so that the replay cache does not
// trip. Every login must be accepted, and once the server is closed the
// goroutine count must be back where it started. It stops by itself.
func TestLoad(t *testing.T) {
	logins, clients := envInt(t, "SAMLHARNESS_LOAD_LOGINS", 20000),
		envInt(t, "SAMLHARNESS_LOAD_CLIENTS", 64)
	k := kit(t)
	goroutinesBefore := runtime.NumGoroutine()

	srv, _ := startSP(t, k.Frontline)
	tr := &http.Transport{MaxIdleConnsPerHost: clients}
	client := &http.Client{Transport: tr, Timeout: time.Minute}
	peak := watchHeap()

	var next, accepted, failed atomic.Int64
	var firstErr sync.Once
	start := time.Now()
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			for next.Add(1) <= int64(logins) {
				if err := loadLogin(k, client, srv.ACSURL()); err != nil {
					failed.Add(1)
					firstErr.Do(func() { t.Errorf("login: %v", err) })
					continue
				}
				accepted.Add(1)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)

	srv.Close()
	tr.CloseIdleConnections()
	heap := peak()
	goroutinesAfter := settle(goroutinesBefore)
	t.Logf("logins %d, accepted %d, errors %d, clients %d, duration %s (%.0f/s)",
		logins, accepted.Load(), failed.Load(), clients, elapsed.Round(time.Millisecond),
		float64(logins)/elapsed.Seconds())
	t.Logf("goroutines before %d, after %d; peak heap in use %.1f MiB, "+
		"peak Sys %.1f MiB (clients and server in one process)", goroutinesBefore,
		goroutinesAfter, float64(heap.HeapInuse)/(1<<20), float64(heap.Sys)/(1<<20))
	assert.Equal(t, int64(logins), accepted.Load())
	assert.Zero(t, failed.Load())
	assert.LessOrEqual(t, goroutinesAfter, goroutinesBefore, "goroutines left behind")
}

// loadLogin signs a fresh Response and posts it to the ACS.
func loadLogin(k *fixtures.AttackKit, client *http.Client, acs string) error {
	xml, err := k.Valid(assertions.SignBoth)
	if err != nil {
		return err
	}
	form := url.Values{"SAMLResponse": {base64.StdEncoding.EncodeToString(xml)}}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, acs,
		strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("sp: ACS answered %d", resp.StatusCode)
	}
	return nil
}

// watchHeap samples the memory statistics every 50 ms until the returned
// function is called, which returns the peaks.
func watchHeap() func() runtime.MemStats {
	var mu sync.Mutex
	var peak runtime.MemStats
	done := make(chan struct{})
	stopped := make(chan struct{})
	sample := func() {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		mu.Lock()
		peak.HeapInuse = max(peak.HeapInuse, m.HeapInuse)
		peak.Sys = max(peak.Sys, m.Sys)
		mu.Unlock()
	}
	go func() {
		defer close(stopped)
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				sample()
			}
		}
	}()
	return func() runtime.MemStats {
		close(done)
		<-stopped
		sample()
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}

// settle waits up to five seconds for the goroutine count to fall to
// want, and returns the count.
func settle(want int) int {
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > want && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	return runtime.NumGoroutine()
}

func envInt(t *testing.T, name string, def int) int {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	require.NoError(t, err, name)
	require.Positive(t, n, name)
	return n
}
