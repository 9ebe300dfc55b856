package assertions

import (
	"crypto"
	"crypto/x509"
	"time"
)

// Rules selects which checks [Validate] runs.
type Rules string

const (
	// RulesFrontline runs every check, the Frontline claim rules included.
	RulesFrontline Rules = "frontline"
	// RulesSAML runs only the generic SAML checks: the NameID format and the
	// email and roles claims are skipped.
	RulesSAML Rules = "saml"
)

// Defaults of the SP policy, from the OneLogin toolkit the real Frontline SP
// appears to use (see DOMAIN.md).
const (
	DefaultSkew          = 180 * time.Second
	DefaultMaxAge        = 90 * time.Second
	DefaultRole          = "agent"
	DefaultExpiryWarning = 90 * 24 * time.Hour
)

// Expected holds every value a Response is checked against: the emulated
// Frontline's configuration, its policy, and the instant of the check.
type Expected struct {
	// Issuer is the identity provider issuer pasted in Frontline; the
	// Response and Assertion Issuer must equal it exactly.
	Issuer string
	// Audience is the SP entity ID,
	// https://iam.twilio.com/v2/saml2/metadata/<RealmSID>.
	Audience string
	// ACSURL is the SP's ACS URL; Destination and Recipient must equal it.
	ACSURL string
	// ReceivedURL is the URL the Response was posted to, as configured
	// (not the loopback address). A Destination that carries a query
	// string is accepted when it equals this URL.
	ReceivedURL string
	// Certificates are the IdP certificates the SP trusts. Frontline holds
	// one. Certificates carried inside the message are never trusted.
	Certificates []*x509.Certificate

	// RequestIDs are the IDs of outstanding AuthnRequests. When it is
	// empty the Response must be unsolicited.
	RequestIDs []string
	// ExpiredRequestIDs are the IDs of AuthnRequests the SP sent but no
	// longer waits for; a Response to one fails as expired, not unknown.
	ExpiredRequestIDs []string
	// AllowUnsolicited accepts a Response that answers no request.
	AllowUnsolicited bool
	// RelayState, when CheckRelayState is set, is the RelayState the SP
	// sent and must get back; GotRelayState is what came back.
	RelayState      string
	GotRelayState   string
	CheckRelayState bool

	// Now is the instant of the check. The zero value means time.Now().
	Now time.Time
	// Skew is the allowed clock difference; zero means [DefaultSkew].
	Skew time.Duration
	// MaxAge is how long after its IssueInstant (plus Skew) a Response
	// may be used; zero means [DefaultMaxAge], negative disables the check.
	MaxAge time.Duration

	// Rules selects the checks; "" means [RulesFrontline].
	Rules Rules
	// LaxNameID lets a NameID that is not in emailAddress format through
	// with a warning instead of a failure.
	LaxNameID bool
	// Role is the role the roles attribute must contain; "" means
	// [DefaultRole].
	Role string
	// RejectSHA1 fails SHA-1 signatures and digests; by default they pass
	// with a warning, as the real SP accepts them.
	RejectSHA1 bool
	// StrictCertificateExpiry fails, rather than warns about, a configured
	// certificate that is expired, not yet valid or expiring soon.
	StrictCertificateExpiry bool
	// ExpiryWarning is how close to its expiry a certificate is flagged;
	// zero means [DefaultExpiryWarning].
	ExpiryWarning time.Duration

	// DecryptionKey is the SP private key for an EncryptedAssertion.
	DecryptionKey crypto.PrivateKey

	// ClaimRequest, when set, is called with the InResponseTo the
	// in-response-to check finds among RequestIDs (from signed content
	// only). It claims that request for this Response, so that no other
	// Response to it can be accepted meanwhile, and returns the RelayState
	// the SP sent with it, which the relay-state check then compares, and
	// true; false when another Response has claimed the request. The
	// caller forgets or releases the request once the report is made.
	ClaimRequest func(id string) (relayState string, ok bool)

	// Replay records an Assertion ID and returns [ReplayOK] when it is
	// fresh, [ReplayDetected] when it was used before, or [ReplayCacheFull]
	// when it cannot be remembered. nil skips the replay check.
	Replay func(assertionID string) Code
}

func (e *Expected) now() time.Time {
	if e.Now.IsZero() {
		return time.Now()
	}
	return e.Now
}

func (e *Expected) skew() time.Duration {
	if e.Skew == 0 {
		return DefaultSkew
	}
	return e.Skew
}

func (e *Expected) maxAge() time.Duration {
	if e.MaxAge == 0 {
		return DefaultMaxAge
	}
	return e.MaxAge
}

func (e *Expected) role() string {
	if e.Role == "" {
		return DefaultRole
	}
	return e.Role
}

func (e *Expected) rules() Rules {
	if e.Rules == "" {
		return RulesFrontline
	}
	return e.Rules
}

func (e *Expected) expiryWarning() time.Duration {
	if e.ExpiryWarning == 0 {
		return DefaultExpiryWarning
	}
	return e.ExpiryWarning
}
