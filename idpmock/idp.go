package idpmock

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/samlharness/samlharness/assertions"
)

// An IdP is one emulated custom SAML application of AWS IAM Identity
// Center with its identity store. Its methods are safe for concurrent use.
type IdP struct {
	cfg    Config
	table  *table
	signer assertions.Signer
	now    func() time.Time
	log    *slog.Logger
	// browser rewrites public URLs for the browser; nil keeps them.
	browser func(publicURL string) string

	randMu sync.Mutex
	rand   io.Reader
}

// An Option changes how [New] builds an IdP.
type Option func(*IdP)

// WithClock sets the IdP's clock; the default is time.Now. The
// configured ClockOffset is added to it.
func WithClock(now func() time.Time) Option {
	return func(p *IdP) { p.now = now }
}

// WithRand sets the source of IDs and certificate serials; the default is
// crypto/rand. A seeded reader makes IDs repeatable. The IdP serializes its
// reads, so the reader need not be safe for concurrent use.
func WithRand(r io.Reader) Option {
	return func(p *IdP) { p.rand = r }
}

// WithLogger sets the logger; the default discards. NameIDs and
// attribute values are logged at Debug only.
func WithLogger(l *slog.Logger) Option {
	return func(p *IdP) { p.log = l }
}

// IssueOptions are the per-login inputs of [IdP.Issue] and [IdP.PostForm].
type IssueOptions struct {
	// InResponseTo is the ID of the AuthnRequest being answered, "" for an
	// IdP-initiated login.
	InResponseTo string
	// RelayState, when not "", replaces the configured relay state in the
	// [PostForm]; an SP-initiated login returns the SP's RelayState.
	RelayState string
}

// New checks cfg, fills in what the AWS console fills in (display name
// "Twilio Frontline", session duration 1h, both Response and Assertion
// signed, rsa-sha256, the sign-in and issuer URLs from region and
// application ID) and returns the IdP. When cfg has no signing key and
// certificate it reads SigningKeyFile and CertificateFile, or, when those
// are unset too, generates an AWS-like pair with [GenerateCertificate].
// A refused setting gives a [*ConfigError] naming it.
func New(cfg Config, opts ...Option) (*IdP, error) {
	p := &IdP{
		now:  time.Now,
		rand: rand.Reader,
		log:  slog.New(slog.DiscardHandler),
	}
	for _, opt := range opts {
		opt(p)
	}

	fillDefaults(&cfg)
	if err := validate(&cfg); err != nil {
		return nil, err
	}
	table, err := compileMappings(cfg.AttributeMappings)
	if err != nil {
		return nil, err
	}
	if err := p.loadSigningPair(&cfg); err != nil {
		return nil, err
	}
	if err := loadInactivePair(&cfg); err != nil {
		return nil, err
	}

	p.cfg, p.table = cfg, table
	p.signer = assertions.Signer{
		Key:         cfg.SigningKey,
		Certificate: cfg.Certificate,
		Algorithm:   cfg.SignatureAlgorithm,
	}
	p.log = p.log.With("component", "idpmock", "application", cfg.ApplicationID)
	return p, nil
}

// loadSigningPair fills cfg.SigningKey and cfg.Certificate from the files,
// or generates them, and checks that they belong together.
func (p *IdP) loadSigningPair(cfg *Config) error {
	switch {
	case cfg.SigningKey == nil && cfg.Certificate == nil &&
		cfg.SigningKeyFile == "" && cfg.CertificateFile == "":
		key, cert, err := GenerateCertificate(CertOptions{
			SHA1: cfg.SignatureAlgorithm == assertions.AlgorithmRSASHA1,
			Now:  p.now(),
			Rand: p.rand,
		})
		if err != nil {
			return err
		}
		cfg.SigningKey, cfg.Certificate = key, cert
		return nil
	case cfg.SigningKey == nil && cfg.Certificate == nil:
		return loadFiles(cfg)
	case cfg.SigningKey == nil || cfg.Certificate == nil:
		return configErr("aws.signing_key_file",
			"a signing key and a certificate go together: give both or neither")
	}
	pub, ok := cfg.SigningKey.Public().(*rsa.PublicKey)
	if !ok {
		return configErr("aws.signing_key_file", "the key is %T; AWS keys are RSA",
			cfg.SigningKey.Public())
	}
	if !pub.Equal(cfg.Certificate.PublicKey) {
		return &ConfigError{Field: "aws.certificate_file", Err: ErrKeyMismatch}
	}
	return nil
}

func loadFiles(cfg *Config) error {
	if cfg.SigningKeyFile == "" || cfg.CertificateFile == "" {
		return configErr("aws.signing_key_file",
			"signing_key_file and certificate_file go together: give both or neither")
	}
	keyPEM, err := os.ReadFile(cfg.SigningKeyFile)
	if err != nil {
		return &ConfigError{Field: "aws.signing_key_file", Err: err}
	}
	certPEM, err := os.ReadFile(cfg.CertificateFile)
	if err != nil {
		return &ConfigError{Field: "aws.certificate_file", Err: err}
	}
	key, cert, err := loadKeyPair(keyPEM, certPEM)
	if err != nil {
		return &ConfigError{Field: "aws.certificate_file", Err: err}
	}
	cfg.SigningKey, cfg.Certificate = key, cert
	return nil
}

// loadInactivePair fills cfg.InactiveSigningKey and InactiveCertificate
// from their files, if set, and checks that they belong together.
func loadInactivePair(cfg *Config) error {
	if cfg.InactiveCertificate == nil &&
		(cfg.InactiveSigningKeyFile != "" || cfg.InactiveCertificateFile != "") {
		if cfg.InactiveSigningKeyFile == "" || cfg.InactiveCertificateFile == "" {
			return configErr("aws.inactive_signing_key_file", "inactive_signing_key_file "+
				"and inactive_certificate_file go together: give both or neither")
		}
		keyPEM, err := os.ReadFile(cfg.InactiveSigningKeyFile)
		if err != nil {
			return &ConfigError{Field: "aws.inactive_signing_key_file", Err: err}
		}
		certPEM, err := os.ReadFile(cfg.InactiveCertificateFile)
		if err != nil {
			return &ConfigError{Field: "aws.inactive_certificate_file", Err: err}
		}
		key, cert, err := loadKeyPair(keyPEM, certPEM)
		if err != nil {
			return &ConfigError{Field: "aws.inactive_certificate_file", Err: err}
		}
		cfg.InactiveSigningKey, cfg.InactiveCertificate = key, cert
	}
	if cfg.InactiveCertificate == nil {
		return nil
	}
	if cfg.InactiveSigningKey != nil &&
		!publicKeyEqual(cfg.InactiveSigningKey.Public(), cfg.InactiveCertificate) {
		return &ConfigError{Field: "aws.inactive_certificate_file", Err: ErrKeyMismatch}
	}
	if cfg.InactiveCertificate.Equal(cfg.Certificate) {
		return configErr("aws.inactive_certificate_file",
			"is the active certificate; AWS holds two different ones")
	}
	return nil
}

func publicKeyEqual(pub crypto.PublicKey, cert *x509.Certificate) bool {
	k, ok := pub.(interface{ Equal(crypto.PublicKey) bool })
	return ok && k.Equal(cert.PublicKey)
}

// Config returns the configuration in use, defaults and generated key
// included. Its slices are shared with the IdP: do not modify them.
func (p *IdP) Config() Config { return p.cfg }

// Certificate returns the signing certificate, the one an admin downloads
// from the AWS console and pastes in Frontline: the active one.
func (p *IdP) Certificate() *x509.Certificate { return p.cfg.Certificate }

// Certificates returns the application's certificates as the AWS console
// lists them, at most two: the active one first, then the inactive one
// if there is one.
func (p *IdP) Certificates() []*x509.Certificate {
	if p.cfg.InactiveCertificate == nil {
		return []*x509.Certificate{p.cfg.Certificate}
	}
	return []*x509.Certificate{p.cfg.Certificate, p.cfg.InactiveCertificate}
}

// SignInURL returns the sign-in URL, by default
// https://portal.sso.<region>.amazonaws.com/saml/assertion/<ID>.
func (p *IdP) SignInURL() string { return p.cfg.SignInURL }

// IssuerURL returns the issuer URL, by default the same string as the
// sign-in URL.
func (p *IdP) IssuerURL() string { return p.cfg.IssuerURL }

// MetadataURL returns the metadata URL, .../saml/metadata/<ID>.
func (p *IdP) MetadataURL() string { return p.portalURL("metadata") }

// LogoutURL returns the single logout URL, .../saml/logout/<ID>.
func (p *IdP) LogoutURL() string { return p.portalURL("logout") }

// portalURL returns <portal origin>/saml/<kind>/<ID>, the origin being
// that of the sign-in URL.
func (p *IdP) portalURL(kind string) string {
	base, _, found := strings.Cut(p.cfg.SignInURL, "/saml/assertion/")
	if !found {
		base = strings.TrimSuffix(p.cfg.SignInURL, "/")
	}
	return base + "/saml/" + kind + "/" + p.cfg.ApplicationID
}

// Issue logs the user named user (user name, or email up to case) in and
// returns the signed Response XML, as AWS sends it to the ACS URL. The
// steps, in order: the user is authorized (a [*NoAccessError] otherwise);
// the attribute mappings are resolved; the Response is built at the
// IdP's clock plus ClockOffset, valid for the session duration, with
// fresh IDs; it is signed as configured.
func (p *IdP) Issue(user string, opts IssueOptions) ([]byte, error) {
	claims, err := p.claims(user)
	if err != nil {
		var noAccess *NoAccessError
		if errors.As(err, &noAccess) {
			p.log.Info("login refused", "reason", noAccess.Reason)
			p.log.Debug("login refused", "user", user)
		}
		return nil, err
	}

	spec, err := p.spec(claims, opts)
	if err != nil {
		return nil, err
	}
	out, err := p.signer.SignedXML(spec, assertions.SignWhat(p.cfg.Sign))
	if err != nil {
		return nil, fmt.Errorf("idpmock: issue: %w", err)
	}
	p.log.Info("response issued", "response_id", spec.ResponseID,
		"in_response_to", spec.InResponseTo)
	p.log.Debug("response claims", "name_id", spec.NameID,
		"attributes", spec.Attributes)
	return out, nil
}

// claims authorizes the user and resolves the attribute mappings.
func (p *IdP) claims(user string) (*Claims, error) {
	u, err := p.authorize(user)
	if err != nil {
		return nil, err
	}
	claims := p.table.resolve(u)
	if claims.NameID == "" {
		return nil, &NoAccessError{User: user, Reason: ReasonEmptySubject}
	}
	return claims, nil
}

// spec fills a Response for claims at the current instant.
func (p *IdP) spec(claims *Claims, opts IssueOptions) (assertions.ResponseSpec, error) {
	var ids [3]string
	for i := range ids {
		id, err := p.newID()
		if err != nil {
			return assertions.ResponseSpec{}, err
		}
		ids[i] = id
	}
	issued := p.now().Add(p.cfg.ClockOffset).UTC().Truncate(time.Millisecond)
	expires := issued.Add(p.cfg.SessionDuration)
	return assertions.ResponseSpec{
		ResponseID:          ids[0],
		AssertionID:         ids[1],
		SessionIndex:        ids[2],
		IssueInstant:        issued,
		Issuer:              p.cfg.IssuerURL,
		Destination:         p.cfg.ACSURL,
		Recipient:           p.cfg.ACSURL,
		Audience:            p.cfg.Audience,
		InResponseTo:        opts.InResponseTo,
		NotOnOrAfter:        expires,
		SessionNotOnOrAfter: expires,
		NameID:              claims.NameID,
		NameIDFormat:        claims.NameIDFormat,
		Attributes:          claims.Attributes,
	}, nil
}

// newID returns "_" and a version 4 UUID drawn from the IdP's reader.
func (p *IdP) newID() (string, error) {
	var b [16]byte
	p.randMu.Lock()
	_, err := io.ReadFull(p.rand, b[:])
	p.randMu.Unlock()
	if err != nil {
		return "", fmt.Errorf("idpmock: read random ID: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	return fmt.Sprintf("_%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:]), nil
}
