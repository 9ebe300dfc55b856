// Package sp emulates the Twilio Frontline service provider: the login
// start that turns a workspace ID into an AuthnRequest, and the ACS and
// metadata endpoints of https://iam.twilio.com/v2/saml2/, configured the
// way the Frontline console's SSO/Log in page configures the real one.
//
// An [SP] is an http.Handler factory and a validator; a [Server] runs one
// on loopback, in the manner of net/http/httptest. For example:
//
//	s, err := sp.New(cfg.Frontline) // cfg from fixtures.Load
//	if err != nil { ... }
//	srv := sp.NewServer(s)
//	defer srv.Close()
//	// POST a SAMLResponse form to srv.ACSURL(), or check one offline:
//	report := s.Check(msg, time.Now()) // msg from assertions.Decode
//	if errors.Is(report.Err(), assertions.AudienceMismatch) { ... }
package sp

import (
	"crypto/rand"
	"crypto/x509"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"sync"
	"time"

	"github.com/samlharness/samlharness/assertions"
)

// TwilioBase is where the real Frontline SP lives. The emulated SP uses
// these URLs in every message and judges Destination and Recipient
// against them, whatever loopback address it actually listens on.
const TwilioBase = "https://iam.twilio.com"

// DefaultMaxBody caps the ACS request body. A signed AWS Response is about
// 12 KiB of base64.
const DefaultMaxBody = 512 << 10

var realmSID = regexp.MustCompile(`^JB[0-9a-fA-F]{32}$`)

// An SP is the emulated Frontline service provider for one realm.
type SP struct {
	cfg     Config
	certs   []*x509.Certificate
	now     func() time.Time
	log     *slog.Logger
	maxBody int64
	replay  *replayCache

	requests        *requestStore
	requestLifetime time.Duration

	randMu sync.Mutex
	rand   io.Reader

	// browser rewrites public URLs for the browser; nil keeps them.
	browser func(publicURL string) string
}

// An Option configures an [SP].
type Option func(*SP)

// WithClock sets the SP's clock. The default is time.Now.
func WithClock(now func() time.Time) Option { return func(s *SP) { s.now = now } }

// WithLogger sets the logger; the default discards. Assertion contents and
// NameIDs are logged only at Debug.
func WithLogger(l *slog.Logger) Option { return func(s *SP) { s.log = l } }

// WithMaxBody sets the ACS request body cap (default [DefaultMaxBody]).
func WithMaxBody(n int64) Option { return func(s *SP) { s.maxBody = n } }

// WithReplayCacheSize bounds the number of remembered Assertion IDs
// (default 100000).
func WithReplayCacheSize(n int) Option { return func(s *SP) { s.replay.max = n } }

// WithRand sets the source of AuthnRequest IDs, RelayStates and session
// cookies; the default is crypto/rand. The SP serializes its reads.
func WithRand(r io.Reader) Option { return func(s *SP) { s.rand = r } }

// WithRequestLifetime sets how long the SP waits for the Response to an
// AuthnRequest (default [DefaultRequestLifetime]).
func WithRequestLifetime(d time.Duration) Option {
	return func(s *SP) { s.requestLifetime = d }
}

// WithRequestStoreSize bounds the number of remembered AuthnRequests
// (default [DefaultRequestStoreSize]).
func WithRequestStoreSize(n int) Option { return func(s *SP) { s.requests.max = n } }

// New returns the SP that cfg describes. The certificate is read from
// cfg.Certificate as pasted; errors name the console field.
func New(cfg Config, opts ...Option) (*SP, error) {
	if !realmSID.MatchString(cfg.RealmSID) {
		return nil, fmt.Errorf("sp: frontline.realm_sid: %q is not JB followed by "+
			"32 hex characters", cfg.RealmSID)
	}
	if cfg.IdPIssuer == "" {
		return nil, fmt.Errorf("sp: frontline.idp_issuer: empty; paste the AWS issuer URL")
	}
	s := &SP{cfg: cfg, now: time.Now, maxBody: DefaultMaxBody,
		log:             slog.New(slog.DiscardHandler),
		replay:          newReplayCache(100000),
		requests:        newRequestStore(DefaultRequestStoreSize),
		requestLifetime: DefaultRequestLifetime,
		rand:            rand.Reader}
	if cfg.Certificate != "" {
		cert, err := assertions.ParseCertificate(cfg.Certificate)
		if err != nil {
			return nil, fmt.Errorf("sp: frontline.certificate: %w", err)
		}
		s.certs = []*x509.Certificate{cert}
	}
	for _, o := range opts {
		o(s)
	}
	s.log = s.log.With("component", "sp", "realm", cfg.RealmSID)
	return s, nil
}

// Config returns the configuration the SP was made with.
func (s *SP) Config() Config { return s.cfg }

// ACSURL is https://iam.twilio.com/v2/saml2/authenticate/<RealmSID>.
func (s *SP) ACSURL() string { return TwilioBase + acsPath + s.cfg.RealmSID }

// EntityID is https://iam.twilio.com/v2/saml2/metadata/<RealmSID>, the
// audience the Assertion must name.
func (s *SP) EntityID() string { return TwilioBase + metadataPath + s.cfg.RealmSID }

// Certificate returns the configured IdP certificate, or nil.
func (s *SP) Certificate() *x509.Certificate {
	if len(s.certs) == 0 {
		return nil
	}
	return s.certs[0]
}

// Expected returns the values a Response is checked against at now, from
// the configuration and policy, with no outstanding request and no replay
// cache: what an offline check of a captured Response needs.
func (s *SP) Expected(now time.Time) assertions.Expected {
	p := s.cfg.Policy
	return assertions.Expected{
		Issuer:                  s.cfg.IdPIssuer,
		Audience:                s.EntityID(),
		ACSURL:                  s.ACSURL(),
		Certificates:            s.certs,
		AllowUnsolicited:        p.Unsolicited != "reject",
		Now:                     now,
		Skew:                    p.ClockSkew,
		MaxAge:                  p.MaxResponseAge,
		LaxNameID:               p.NameIDFormat == "lax",
		Role:                    p.Role,
		RejectSHA1:              p.SHA1 == "reject",
		StrictCertificateExpiry: p.CertificateExpiry == "fail",
	}
}

// Check validates a decoded Response offline, at the instant at, with the
// SP's configuration: no replay cache and no outstanding request.
func (s *SP) Check(msg *assertions.Message, at time.Time) *assertions.Report {
	exp := s.Expected(at)
	exp.GotRelayState = msg.RelayState
	return assertions.Validate(msg.XML, exp)
}

func (s *SP) skew() time.Duration {
	if s.cfg.Policy.ClockSkew > 0 {
		return s.cfg.Policy.ClockSkew
	}
	return assertions.DefaultSkew
}
