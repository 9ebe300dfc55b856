package sp

import "time"

// Config is the Frontline console's SSO/Log in page, plus the policy the
// emulated SP applies where the real SP's behaviour is not published. The
// YAML names are those of the frontline section of harness.yaml.
type Config struct {
	// WorkspaceID is what users type in the Frontline app to log in.
	WorkspaceID string `yaml:"workspace_id"`
	// RealmSID names the SSO realm: JB followed by 32 hex characters.
	RealmSID string `yaml:"realm_sid"`
	// IdPIssuer is "Identity provider issuer": the AWS issuer URL.
	IdPIssuer string `yaml:"idp_issuer"`
	// SSOURL is "SSO URL": the AWS sign-in URL.
	SSOURL string `yaml:"sso_url"`
	// Certificate is "X.509 Certificate" as pasted: PEM with or without its
	// BEGIN and END lines, wrapped or not. CertificateFile names a file
	// holding it instead.
	Certificate     string `yaml:"certificate,omitempty"`
	CertificateFile string `yaml:"certificate_file,omitempty"`

	Policy Policy `yaml:"policy"`
}

// Policy holds the SP's settings where DOMAIN.md marks the real SP's
// behaviour as a guess. The zero value is the default policy.
type Policy struct {
	// ClockSkew is the allowed clock difference (default 180s).
	ClockSkew time.Duration `yaml:"clock_skew,omitempty"`
	// MaxResponseAge is how long after its IssueInstant, plus the skew, a
	// Response is accepted (default 90s).
	MaxResponseAge time.Duration `yaml:"max_response_age,omitempty"`
	// NameIDFormat is "strict" (default: emailAddress required) or "lax"
	// (another format warns).
	NameIDFormat string `yaml:"nameid_format,omitempty"`
	// Unsolicited is "accept" (default) or "reject": whether an
	// IdP-initiated Response, which answers no request, is accepted.
	Unsolicited string `yaml:"unsolicited,omitempty"`
	// SHA1 is "warn" (default) or "reject".
	SHA1 string `yaml:"sha1,omitempty"`
	// CertificateExpiry is "warn" (default) or "fail".
	CertificateExpiry string `yaml:"certificate_expiry,omitempty"`
	// Role is the role the roles attribute must contain (default agent).
	Role string `yaml:"role,omitempty"`
}
