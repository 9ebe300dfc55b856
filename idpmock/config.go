package idpmock

import (
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"time"
)

// Config is the custom SAML 2.0 application as an admin sets it up in the
// AWS IAM Identity Center console, plus the directory it draws users from.
// The YAML names are those of the aws section of harness.yaml.
type Config struct {
	// DisplayName is the application's name on the access portal tile.
	DisplayName string `yaml:"display_name"`
	// Region and ApplicationID derive the sign-in and issuer URLs the way
	// AWS does: https://portal.sso.<region>.amazonaws.com/saml/assertion/<ID>.
	Region        string `yaml:"region"`
	ApplicationID string `yaml:"application_id"`
	// SignInURL and IssuerURL, when set, replace the derived URLs.
	SignInURL string `yaml:"sign_in_url,omitempty"`
	IssuerURL string `yaml:"issuer_url,omitempty"`

	// ACSURL is "Application ACS URL"; Destination and Recipient carry it.
	ACSURL string `yaml:"acs_url"`
	// Audience is "Application SAML audience".
	Audience string `yaml:"audience"`
	// SessionDuration sets NotOnOrAfter; the console default is 1h.
	SessionDuration time.Duration `yaml:"session_duration"`
	// RelayState is "Relay state", passed to the ACS on IdP-initiated logins.
	RelayState string `yaml:"relay_state"`

	// AttributeMappings is the attribute-mapping table, Subject row included.
	AttributeMappings []Mapping `yaml:"attribute_mappings"`

	// SigningKeyFile and CertificateFile are PEM files; the loader reads
	// them into SigningKey and Certificate.
	SigningKeyFile  string `yaml:"signing_key_file,omitempty"`
	CertificateFile string `yaml:"certificate_file,omitempty"`
	// SigningKey and Certificate sign the Responses. When both are nil,
	// [New] generates an AWS-like pair.
	SigningKey  crypto.Signer     `yaml:"-"`
	Certificate *x509.Certificate `yaml:"-"`

	// InactiveSigningKeyFile and InactiveCertificateFile are a second
	// certificate of the application, not active. AWS holds up to two per
	// application and signs with the active one only; after a rotation the
	// old one stays here until deleted. The loader reads them into
	// InactiveSigningKey and InactiveCertificate. Both or neither.
	InactiveSigningKeyFile  string `yaml:"inactive_signing_key_file,omitempty"`
	InactiveCertificateFile string `yaml:"inactive_certificate_file,omitempty"`
	// InactiveSigningKey and InactiveCertificate are the inactive pair;
	// they never sign.
	InactiveSigningKey  crypto.Signer     `yaml:"-"`
	InactiveCertificate *x509.Certificate `yaml:"-"`

	// Sign is "both" (default), "response" or "assertion".
	Sign string `yaml:"sign"`
	// SignatureAlgorithm is "rsa-sha256" (default) or "rsa-sha1".
	SignatureAlgorithm string `yaml:"signature_algorithm"`

	// Users, Groups and the assignments form the directory.
	Users          []User   `yaml:"users"`
	Groups         []Group  `yaml:"groups"`
	AssignedUsers  []string `yaml:"assigned_users"`
	AssignedGroups []string `yaml:"assigned_groups"`

	// ClockOffset shifts the IdP's clock, to emulate clock skew.
	ClockOffset time.Duration `yaml:"clock_offset,omitempty"`

	// IdPInitiatedOnly emulates an application that serves logins from
	// the access portal only: an AuthnRequest (SP-initiated login) gets
	// "No access". Not a console field: it stands for an application set
	// up so that SP-initiated logins fail. Default false.
	IdPInitiatedOnly bool `yaml:"idp_initiated_only,omitempty"`
	// TamperRelayState is for tests only: when set, the Response to an
	// AuthnRequest carries it instead of the SP's RelayState, as a broken
	// proxy or IdP would. AWS itself returns the RelayState unchanged.
	TamperRelayState string `yaml:"tamper_relay_state,omitempty"`
}

// A Mapping is one row of the attribute-mapping table: the attribute in the
// application, the string value or user attribute (with AWS placeholders
// such as ${user:email}), and the format.
type Mapping struct {
	Attribute string `yaml:"attribute"`
	Value     string `yaml:"value"`
	Format    string `yaml:"format"`
}

// A User is a user of the identity store.
type User struct {
	UserName          string `yaml:"user_name"`
	Email             string `yaml:"email"`
	GivenName         string `yaml:"given_name,omitempty"`
	MiddleName        string `yaml:"middle_name,omitempty"`
	FamilyName        string `yaml:"family_name,omitempty"`
	DisplayName       string `yaml:"display_name,omitempty"`
	PreferredUsername string `yaml:"preferred_username,omitempty"`
	// ID is the identity store user ID that ${user:subject} resolves to.
	ID     string   `yaml:"id,omitempty"`
	Groups []string `yaml:"groups,omitempty"`
}

// StoreID returns the identity store user ID: ID when set, else a stable
// UUID-shaped value derived from the user name, as every AWS user has one.
func (u *User) StoreID() string {
	if u.ID != "" {
		return u.ID
	}
	sum := sha256.Sum256([]byte("idpmock user " + u.UserName))
	h := hex.EncodeToString(sum[:16])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// A Group is a group of the identity store. Groups may hold other groups,
// but, as in AWS, assigning a group does not assign its nested groups.
type Group struct {
	Name   string   `yaml:"name"`
	Groups []string `yaml:"groups,omitempty"`
}
