package bench

import (
	"context"
	"testing"
	"time"

	"github.com/samlharness/samlharness/fixtures"
)

// BenchmarkLogin logs the default user in through [fixtures.Env] over
// loopback HTTP, as the access portal tile does: the IdP signs, the form
// is posted to the ACS and the SP validates and answers its report. The
// logins run in parallel, one goroutine per core, so that the rate can be
// set against the signing floor on the same cores.
func BenchmarkLogin(b *testing.B) {
	s := sharedSetup(b)
	env, err := fixtures.Start(s.cfg.Clone())
	if err != nil {
		b.Fatal(err)
	}
	defer env.Close()
	ctx := context.Background()
	if l, err := env.Login(ctx, ""); err != nil || !l.Accepted() {
		b.Fatalf("login not accepted: %v %v", err, l)
	}
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			l, err := env.Login(ctx, "")
			if err != nil {
				b.Error(err)
				return
			}
			if !l.Accepted() {
				b.Errorf("login rejected: %v", l.Report.Failed())
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "logins/s")
}

// BenchmarkContract runs the whole contract on the built-in defaults: each
// assigned user logs in, then every catalogue case runs through both sides.
func BenchmarkContract(b *testing.B) {
	s := sharedSetup(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if res := fixtures.Contract(ctx, s.cfg); !res.Passed() {
			b.Fatal("the contract failed on the defaults")
		}
	}
}
