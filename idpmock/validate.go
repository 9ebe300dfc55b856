package idpmock

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/samlharness/samlharness/assertions"
)

// Defaults and limits of the application properties, as in the AWS console.
const (
	DefaultDisplayName     = "Twilio Frontline"
	DefaultSessionDuration = time.Hour
	MaxSessionDuration     = 12 * time.Hour
)

// A ConfigError is a setting [New] refuses. It unwraps to the cause, which
// for attribute mappings is one of the documented sentinels, such as
// [ErrUnknownPlaceholder].
type ConfigError struct {
	// Field is the setting's YAML path, such as "aws.acs_url" or
	// "aws.attribute_mappings[2].value".
	Field string
	Err   error
}

func (e *ConfigError) Error() string {
	return "idpmock: " + e.Field + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *ConfigError) Unwrap() error { return e.Err }

func configErr(field, format string, args ...any) *ConfigError {
	return &ConfigError{Field: field, Err: fmt.Errorf(format, args...)}
}

// fillDefaults sets what the AWS console sets when an admin leaves a
// setting alone, and derives the AWS URLs from region and application ID.
func fillDefaults(cfg *Config) {
	if cfg.DisplayName == "" {
		cfg.DisplayName = DefaultDisplayName
	}
	if cfg.SessionDuration == 0 {
		cfg.SessionDuration = DefaultSessionDuration
	}
	if cfg.Sign == "" {
		cfg.Sign = string(assertions.SignBoth)
	}
	if cfg.SignatureAlgorithm == "" {
		cfg.SignatureAlgorithm = assertions.AlgorithmRSASHA256
	}
	if cfg.SignInURL == "" && cfg.Region != "" {
		cfg.SignInURL = portalOrigin(cfg.Region) + "/saml/assertion/" +
			cfg.ApplicationID
	}
	if cfg.IssuerURL == "" {
		cfg.IssuerURL = cfg.SignInURL
	}
}

func portalOrigin(region string) string {
	return "https://portal.sso." + region + ".amazonaws.com"
}

var (
	regionPattern = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
	// The ID is base64 in AWS; it becomes a path segment here.
	appIDPattern = regexp.MustCompile(`^[A-Za-z0-9+=_.-]+$`)
)

// validate checks cfg after fillDefaults, naming each refused setting.
func validate(cfg *Config) error {
	if !appIDPattern.MatchString(cfg.ApplicationID) {
		return configErr("aws.application_id", "must be the application's ID, "+
			"as at the end of the sign-in URL (letters, digits, + = _ . -)")
	}
	if cfg.Region != "" && !regionPattern.MatchString(cfg.Region) {
		return configErr("aws.region", "%q is not an AWS region such as us-east-1",
			cfg.Region)
	}
	if cfg.SignInURL == "" {
		return configErr("aws.region", "is empty: set it, or set aws.sign_in_url")
	}
	if err := checkHTTPURL(cfg.SignInURL); err != nil {
		return &ConfigError{Field: "aws.sign_in_url", Err: err}
	}
	if err := checkHTTPURL(cfg.ACSURL); err != nil {
		return &ConfigError{Field: "aws.acs_url", Err: err}
	}
	if strings.TrimSpace(cfg.Audience) == "" {
		return configErr("aws.audience", "is empty: set the application SAML audience")
	}
	if cfg.SessionDuration < 0 || cfg.SessionDuration > MaxSessionDuration {
		return configErr("aws.session_duration", "%v is not between 0 and %v",
			cfg.SessionDuration, MaxSessionDuration)
	}
	switch assertions.SignWhat(cfg.Sign) {
	case assertions.SignBoth, assertions.SignResponse, assertions.SignAssertion:
	default:
		return configErr("aws.sign", "%q is not both, response or assertion", cfg.Sign)
	}
	switch cfg.SignatureAlgorithm {
	case assertions.AlgorithmRSASHA256, assertions.AlgorithmRSASHA1:
	default:
		return configErr("aws.signature_algorithm", "%q is not rsa-sha256 or rsa-sha1",
			cfg.SignatureAlgorithm)
	}
	return validateDirectory(cfg)
}

// errNotHTTPS is the problem with an ACS or sign-in URL that is not
// absolute https (http is let through for loopback hosts, for local runs).
var errNotHTTPS = errors.New("must be an absolute https URL")

func checkHTTPURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil {
		return errNotHTTPS
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if isLoopback(u.Hostname()) {
			return nil
		}
	}
	return errNotHTTPS
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// validateDirectory checks the users, groups and assignments: names are
// set and unique, and every reference names something that exists.
func validateDirectory(cfg *Config) error {
	groups := make(map[string]bool, len(cfg.Groups))
	for i, g := range cfg.Groups {
		field := fmt.Sprintf("aws.groups[%d].name", i)
		if g.Name == "" {
			return configErr(field, "is empty")
		}
		if groups[g.Name] {
			return configErr(field, "a second group named %q", g.Name)
		}
		groups[g.Name] = true
	}
	for i, g := range cfg.Groups {
		if err := checkGroups(groups, g.Groups, fmt.Sprintf("aws.groups[%d]", i)); err != nil {
			return err
		}
	}

	names := make(map[string]bool, len(cfg.Users))
	emails := make(map[string]bool, len(cfg.Users))
	for i, u := range cfg.Users {
		field := fmt.Sprintf("aws.users[%d]", i)
		if u.UserName == "" {
			return configErr(field+".user_name", "is empty")
		}
		if names[u.UserName] {
			return configErr(field+".user_name", "a second user named %q", u.UserName)
		}
		names[u.UserName] = true
		if email := strings.ToLower(u.Email); email != "" {
			if emails[email] {
				return configErr(field+".email", "a second user with email %q", u.Email)
			}
			emails[email] = true
		}
		if err := checkGroups(groups, u.Groups, field); err != nil {
			return err
		}
	}

	for i, a := range cfg.AssignedUsers {
		if !names[a] && !emails[strings.ToLower(a)] {
			return configErr(fmt.Sprintf("aws.assigned_users[%d]", i),
				"no user has the user name or email %q", a)
		}
	}
	for i, g := range cfg.AssignedGroups {
		if !groups[g] {
			return configErr(fmt.Sprintf("aws.assigned_groups[%d]", i),
				"no group is named %q", g)
		}
	}
	return nil
}

func checkGroups(groups map[string]bool, refs []string, field string) error {
	for j, g := range refs {
		if !groups[g] {
			return configErr(fmt.Sprintf("%s.groups[%d]", field, j),
				"no group is named %q", g)
		}
	}
	return nil
}
