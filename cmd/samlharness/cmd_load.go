package main

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/samlharness/samlharness/fixtures"
	"github.com/samlharness/samlharness/idpmock"
)

// Bounds of a load run: it always stops by itself.
const (
	maxLoadLogins      = 100000
	maxLoadConcurrency = 256
	maxLoadDuration    = 10 * time.Minute
	// loadGrace is how long logins in flight may finish after --duration.
	loadGrace = 5 * time.Second
)

// loadOptions are the flags of "samlharness load".
type loadOptions struct {
	logins      int
	concurrency int
	duration    time.Duration
	acsURL      string
	user        string
}

func (a *app) loadCmd() *cobra.Command {
	o := loadOptions{}
	cmd := &cobra.Command{
		Use: "load [--logins N] [--concurrency C] [--duration D] [--acs-url URL] " +
			"[--user EMAIL]",
		Short: "Run many logins on loopback and print logins per second and latency",
		Long: `load runs logins, C at a time, until N have been made or D has passed,
whichever comes first, and prints the rate and the p50, p95 and p99 latency
of a login. Progress is shown on stderr when it is a terminal.

Without --acs-url, each login goes through the built-in servers over
loopback HTTP, as 'samlharness login' does: the mock AWS application signs,
the browser stand-in posts the form, the emulated Frontline validates.
With --acs-url, the mock AWS application signs each Response in process and
posts it to that ACS URL, which must be on loopback (127.0.0.0/8, ::1 or
localhost); a login counts as accepted when the ACS answers 200.

Exit status: 0 when every login was accepted, 1 otherwise, 2 usage or
config error.`,
		Example: `  samlharness load --logins 500 --concurrency 2
  samlharness load --duration 10s --acs-url http://127.0.0.1:8443/v2/saml2/authenticate/JB...`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.check(); err != nil {
				return usageError(err, helpHint(cmd))
			}
			return a.load(cmd.Context(), o)
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.logins, "logins", 200, fmt.Sprintf("stop after `N` logins (at most %d)",
		maxLoadLogins))
	f.IntVar(&o.concurrency, "concurrency", 2, "run `C` logins at a time")
	f.DurationVar(&o.duration, "duration", 30*time.Second,
		fmt.Sprintf("stop starting logins after `D` (at most %s)", maxLoadDuration))
	f.StringVar(&o.acsURL, "acs-url", "", "post to the ACS at `URL` on loopback "+
		"instead of the built-in SP")
	f.StringVar(&o.user, "user", "", "log in as `EMAIL`; default: the first configured user")
	return cmd
}

func (o loadOptions) check() error {
	switch {
	case o.logins < 1 || o.logins > maxLoadLogins:
		return fmt.Errorf("--logins %d: want 1 to %d", o.logins, maxLoadLogins)
	case o.concurrency < 1 || o.concurrency > maxLoadConcurrency:
		return fmt.Errorf("--concurrency %d: want 1 to %d", o.concurrency,
			maxLoadConcurrency)
	case o.duration <= 0 || o.duration > maxLoadDuration:
		return fmt.Errorf("--duration %s: want more than 0 and at most %s", o.duration,
			maxLoadDuration)
	}
	if o.acsURL != "" {
		return requireLoopbackURL(o.acsURL)
	}
	return nil
}

// requireLoopbackURL refuses a URL whose host is not a loopback address or
// localhost. Names other than localhost are refused, not resolved.
func requireLoopbackURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("--acs-url: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("--acs-url %q: want an http or https URL", raw)
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); host == "localhost" || (ip != nil && ip.IsLoopback()) {
		return nil
	}
	return fmt.Errorf("--acs-url %q: refusing a host that is not on loopback", raw)
}

// A loginFunc makes one login and reports whether it was accepted.
type loginFunc func(ctx context.Context) (bool, error)

func (a *app) load(ctx context.Context, o loadOptions) error {
	cfg, err := a.config()
	if err != nil {
		return err
	}
	if err := knownUser(cfg, o.user); err != nil {
		return err
	}
	var login loginFunc
	if o.acsURL == "" {
		env, err := fixtures.Start(cfg, fixtures.WithClock(a.now), fixtures.WithRand(a.rand))
		if err != nil {
			return setupError(err, "check the aws section of the config")
		}
		defer env.Close()
		login = func(ctx context.Context) (bool, error) {
			l, err := env.Login(ctx, o.user)
			return err == nil && l.Accepted(), err
		}
	} else {
		idp, err := idpmock.New(cfg.AWS, idpmock.WithClock(a.now), idpmock.WithRand(a.rand))
		if err != nil {
			return setupError(err, "check the aws section of the config")
		}
		login = postLogin(idp, o)
	}

	fmt.Fprintf(a.stdout, "load: up to %d logins, %d at a time, for at most %s, against %s\n",
		o.logins, o.concurrency, o.duration, loadTarget(o))
	res := runLoad(ctx, o, login, progressTo(a.stderr))
	res.print(a.stdout)
	if ctx.Err() != nil {
		return rejectedError(fmt.Errorf("interrupted after %d logins", res.done()),
			"the figures above cover only the logins before the interruption")
	}
	if res.rejected+res.failed > 0 {
		return rejectedError(fmt.Errorf("%d of %d logins not accepted",
			res.rejected+res.failed, res.done()), "run 'samlharness login' to see why")
	}
	if res.done() == 0 {
		return rejectedError(errors.New("no login completed"), "")
	}
	return nil
}

func loadTarget(o loadOptions) string {
	if o.acsURL != "" {
		return o.acsURL
	}
	return "the built-in servers on 127.0.0.1"
}

// postLogin signs a Response with idp and posts it to the ACS URL, as the
// HTTP-POST binding does.
func postLogin(idp *idpmock.IdP, o loadOptions) loginFunc {
	user := o.user
	if user == "" && len(idp.Config().Users) > 0 {
		u := idp.Config().Users[0]
		user = u.Email
		if user == "" {
			user = u.UserName
		}
	}
	client := &http.Client{
		Timeout: 30 * time.Second,
		// The ACS answers; a redirect elsewhere is not followed.
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
		Transport: &http.Transport{MaxIdleConnsPerHost: o.concurrency},
	}
	return func(ctx context.Context) (bool, error) {
		xml, err := idp.Issue(user, idpmock.IssueOptions{})
		if err != nil {
			return false, err
		}
		form := url.Values{"SAMLResponse": {base64.StdEncoding.EncodeToString(xml)}}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.acsURL,
			strings.NewReader(form.Encode()))
		if err != nil {
			return false, err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			return false, err
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<20))
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK, nil
	}
}

// loadResult is the outcome of a load run.
type loadResult struct {
	elapsed                    time.Duration
	accepted, rejected, failed int
	latencies                  []time.Duration
	firstErr                   error
}

func (r *loadResult) done() int { return r.accepted + r.rejected + r.failed }

// runLoad runs logins, o.concurrency at a time, until o.logins have
// started or o.duration has passed; logins in flight then get loadGrace
// to finish. progress, if not nil, is called about five times a second.
func runLoad(ctx context.Context, o loadOptions, login loginFunc,
	progress func(done, total int, elapsed time.Duration)) *loadResult {
	stop, cancelStop := context.WithTimeout(ctx, o.duration)
	defer cancelStop()
	hard, cancelHard := context.WithTimeout(ctx, o.duration+loadGrace)
	defer cancelHard()

	var started, finished atomic.Int64
	var mu sync.Mutex
	res := &loadResult{latencies: make([]time.Duration, 0, o.logins)}
	start := time.Now()
	var wg sync.WaitGroup
	for range o.concurrency {
		wg.Go(func() {
			for stop.Err() == nil && started.Add(1) <= int64(o.logins) {
				t0 := time.Now()
				ok, err := login(hard)
				took := time.Since(t0)
				mu.Lock()
				switch {
				case err != nil && hard.Err() != nil:
					// Cut off at the end of the run: not counted.
				case err != nil:
					res.failed++
					if res.firstErr == nil {
						res.firstErr = err
					}
				case ok:
					res.accepted++
					res.latencies = append(res.latencies, took)
				default:
					res.rejected++
					res.latencies = append(res.latencies, took)
				}
				mu.Unlock()
				finished.Add(1)
			}
		})
	}
	if progress != nil {
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
	wait:
		for {
			select {
			case <-done:
				break wait
			case <-tick.C:
				progress(int(finished.Load()), o.logins, time.Since(start))
			}
		}
		progress(int(finished.Load()), o.logins, time.Since(start))
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	return res
}

// progressTo returns a progress printer for w when w is a terminal, and
// nil otherwise.
func progressTo(w io.Writer) func(done, total int, elapsed time.Duration) {
	f, ok := w.(*os.File)
	if !ok {
		return nil
	}
	if st, err := f.Stat(); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	return func(done, total int, elapsed time.Duration) {
		rate := float64(done) / max(elapsed.Seconds(), 1e-9)
		fmt.Fprintf(w, "\r%d/%d logins, %.0f/s, %s ", done, total, rate,
			elapsed.Truncate(time.Second/10))
	}
}

func (r *loadResult) print(w io.Writer) {
	secs := max(r.elapsed.Seconds(), 1e-9)
	fmt.Fprintf(w, "logins:   %d in %.2f s, %.1f logins/s\n", r.done(), secs,
		float64(r.accepted+r.rejected)/secs)
	fmt.Fprintf(w, "outcome:  %d accepted, %d rejected, %d failed\n", r.accepted,
		r.rejected, r.failed)
	if len(r.latencies) > 0 {
		l := slices.Clone(r.latencies)
		slices.Sort(l)
		fmt.Fprintf(w, "latency:  p50 %s, p95 %s, p99 %s, max %s\n",
			ms(percentile(l, 50)), ms(percentile(l, 95)), ms(percentile(l, 99)),
			ms(l[len(l)-1]))
	}
	if r.firstErr != nil {
		fmt.Fprintf(w, "first error: %v\n", r.firstErr)
	}
}

// percentile returns the nearest-rank p-th percentile of sorted.
func percentile(sorted []time.Duration, p int) time.Duration {
	rank := (p*len(sorted) + 99) / 100
	return sorted[max(rank, 1)-1]
}

func ms(d time.Duration) string {
	return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
}
