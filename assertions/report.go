package assertions

import (
	"errors"
	"fmt"
	"time"
	"unicode/utf8"
)

// ReportVersion is the version of the JSON report schema. It changes only
// when a field is removed or changes meaning; new fields do not change it.
const ReportVersion = 1

// A Status is the outcome of one check.
type Status string

// The statuses of a check. A Report is accepted when no check failed; warn
// marks what the real SP most likely lets through but an admin must know.
const (
	Pass Status = "pass"
	Warn Status = "warn"
	Fail Status = "fail"
	Skip Status = "skip"
)

// A Check is the result of one named check.
type Check struct {
	// Name is the check's name, the part of Code before the dot.
	Name string `json:"check"`
	// Code is the documented outcome, such as "audience.mismatch".
	Code Code `json:"code"`
	// Status is pass, warn, fail or skip.
	Status Status `json:"status"`
	// Expected is the value the SP's configuration asks for.
	Expected string `json:"expected"`
	// Actual is the value the message carries.
	Actual string `json:"actual"`
	// Message explains the outcome in a sentence, naming near misses.
	Message string `json:"message"`
	// Fix says where the cause is fixed, for warn and fail.
	Fix string `json:"fix,omitempty"`
	// Untrusted marks a check whose input did not come from a verified
	// signature: its outcome explains, it does not vouch.
	Untrusted bool `json:"untrusted,omitempty"`
}

// Claims are what the SP learns about the user from an accepted Response.
type Claims struct {
	NameID       string              `json:"nameid"`
	NameIDFormat string              `json:"nameid_format"`
	Attributes   map[string][]string `json:"attributes"`
	SessionIndex string              `json:"session_index,omitempty"`
	// Trusted is false when the claims were read from unsigned content.
	Trusted bool `json:"trusted"`
}

// A Report is the outcome of validating one Response: every check, in the
// documented order, whether or not an earlier one failed.
type Report struct {
	Version  int       `json:"version"`
	Accepted bool      `json:"accepted"`
	At       time.Time `json:"at"`
	// Rules is "frontline" or "saml" (see [Rules]).
	Rules  string  `json:"rules"`
	Checks []Check `json:"checks"`
	// Claims are the user's NameID and attributes, when an Assertion was
	// read.
	Claims *Claims `json:"claims,omitempty"`
	// Signature describes what was signed and with what.
	Signature *SignatureInfo `json:"signature,omitempty"`
	// ResponseID, AssertionID and InResponseTo identify the message.
	ResponseID   string `json:"response_id,omitempty"`
	AssertionID  string `json:"assertion_id,omitempty"`
	InResponseTo string `json:"in_response_to,omitempty"`
	// AssertionNotOnOrAfter is when the Assertion stops being usable: the
	// earliest of its Conditions and SubjectConfirmationData limits. Replay
	// caches keep the Assertion ID until then.
	AssertionNotOnOrAfter time.Time `json:"assertion_not_on_or_after,omitzero"`
}

// Add appends a check and keeps Accepted in step with it. It fills Name and
// Fix from the code.
func (r *Report) Add(c Check) {
	c.Name = c.Code.Check()
	if c.Status == Warn || c.Status == Fail {
		if c.Fix == "" {
			c.Fix = c.Code.Fix()
		}
	} else {
		c.Fix = ""
	}
	if c.Message == "" {
		c.Message = c.Code.Summary()
	}
	c.Expected, c.Actual = clip(c.Expected), clip(c.Actual)
	r.Checks = append(r.Checks, c)
	r.Accepted = !r.hasFailure()
}

// maxValue is the longest expected or actual value a report keeps: real
// ones are URLs and short names, and a message may carry megabytes.
const maxValue = 1024

// clip shortens s to maxValue bytes, on a character boundary, and says how
// long it was.
func clip(s string) string {
	if len(s) <= maxValue {
		return s
	}
	cut := maxValue
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s… (%d bytes)", s[:cut], len(s))
}

func (r *Report) hasFailure() bool {
	for _, c := range r.Checks {
		if c.Status == Fail {
			return true
		}
	}
	return len(r.Checks) == 0
}

// Check returns the check with the given name, or nil.
func (r *Report) Check(name string) *Check {
	for i := range r.Checks {
		if r.Checks[i].Name == name {
			return &r.Checks[i]
		}
	}
	return nil
}

// Failed returns the codes of the failed checks, in report order.
func (r *Report) Failed() []Code {
	var codes []Code
	for _, c := range r.Checks {
		if c.Status == Fail {
			codes = append(codes, c.Code)
		}
	}
	return codes
}

// Warnings returns the codes of the checks that warned, in report order.
func (r *Report) Warnings() []Code {
	var codes []Code
	for _, c := range r.Checks {
		if c.Status == Warn {
			codes = append(codes, c.Code)
		}
	}
	return codes
}

// Err returns nil when the report is accepted, and otherwise an error that
// joins one [*CheckError] per failed check, so that
// errors.Is(err, AudienceMismatch) tells whether that check failed. A nil
// Report, as a login that got no SAML response has, holds no check and
// returns nil.
func (r *Report) Err() error {
	if r == nil || r.Accepted {
		return nil
	}
	var errs []error
	for _, c := range r.Checks {
		if c.Status == Fail {
			errs = append(errs, &CheckError{Check: c})
		}
	}
	return errors.Join(errs...)
}

// A CheckError is one failed check. It unwraps to the check's [Code].
type CheckError struct {
	Check Check
}

func (e *CheckError) Error() string {
	return fmt.Sprintf("%s: %s (expected %q, got %q)",
		e.Check.Code, e.Check.Message, e.Check.Expected, e.Check.Actual)
}

// Unwrap returns the check's code.
func (e *CheckError) Unwrap() error { return e.Check.Code }
