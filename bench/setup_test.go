package bench

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/samlharness/samlharness/fixtures"
	"github.com/samlharness/samlharness/idpmock"
)

// A setup is what every benchmark shares: the built-in configuration with
// one RSA-2048 key, an IdP whose clock stands still at issued, and the
// Response it signed, both Response and Assertion, as AWS sends it.
type setup struct {
	cfg    *fixtures.Config
	key    *rsa.PrivateKey
	cert   *x509.Certificate
	idp    *idpmock.IdP
	issued time.Time
	// checked is when the Response is validated: one second after issue.
	checked time.Time
	// xml is the signed Response.
	xml []byte
}

// shared is made once per process: key generation is slow and not what
// is measured.
var shared = sync.OnceValues(func() (*setup, error) {
	issued := time.Now().UTC().Truncate(time.Millisecond)
	key, cert, err := idpmock.GenerateCertificate(idpmock.CertOptions{
		Bits: 2048, Days: fixtures.DefaultCertificateDays,
		Now: issued.Add(-time.Hour), Rand: rand.Reader})
	if err != nil {
		return nil, err
	}
	s := &setup{
		cfg: fixtures.DefaultWithKey(key, cert), key: key, cert: cert,
		issued: issued, checked: issued.Add(time.Second),
	}
	s.idp, err = idpmock.New(s.cfg.AWS,
		idpmock.WithClock(func() time.Time { return issued }))
	if err != nil {
		return nil, err
	}
	if s.cfg.AWS.Sign != "both" {
		return nil, fmt.Errorf("bench: the default signs %q, want both", s.cfg.AWS.Sign)
	}
	s.xml, err = s.idp.Issue(s.idp.Config().Users[0].Email, idpmock.IssueOptions{})
	return s, err
})

func sharedSetup(b *testing.B) *setup {
	b.Helper()
	s, err := shared()
	if err != nil {
		b.Fatal(err)
	}
	return s
}
