package main

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/samlharness/samlharness/assertions"
	"github.com/samlharness/samlharness/sp"
)

// checkFlags are the flags of "samlharness check".
type checkFlags struct {
	at, rules, junit             string
	asJSON                       bool
	idpCerts, requestIDs         []string
	issuer, audience, acs, spKey string
}

// checkOutput is the JSON of a check of several captured messages.
type checkOutput struct {
	Version  int              `json:"version"`
	Accepted bool             `json:"accepted"`
	Reports  []checkedMessage `json:"reports"`
}

type checkedMessage struct {
	Source string `json:"source"`
	*assertions.Report
}

func (a *app) checkCmd() *cobra.Command {
	var f checkFlags
	cmd := &cobra.Command{
		Use:   "check [flags] FILE|-",
		Short: "Validate a captured SAMLResponse as the emulated Frontline would",
		Long: `check validates a SAMLResponse offline, with the frontline section of the
config (or the built-in defaults). The input is detected, not flagged: raw XML,
base64, a form body with a SAMLResponse field, a browser HAR export (every
SAMLResponse POST in it is reported) or a SAML-tracer JSON export.

Responses from other IdPs: --idp-cert, --idp-issuer, --audience and --acs-url
replace the configured values, --sp-key decrypts an EncryptedAssertion and
--rules saml runs only the generic SAML checks (no Frontline claim rules).

Exit status: 0 every message accepted, 1 any rejected (a message that does not
decode is rejected, as the SP would), 2 usage error or an input that cannot be
read or holds no SAMLResponse.`,
		Example: `  samlharness issue > r.xml && samlharness check r.xml
  samlharness check --at 2026-12-04T15:00:00Z --json r.xml
  samlharness check --at capture login.har
  pbpaste | samlharness check -
  samlharness check --rules saml --idp-cert okta.pem --idp-issuer http://www.okta.com/x \
    --audience https://sp.example/metadata --acs-url https://sp.example/acs resp.b64`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.check(args[0], f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.at, "at", "", "validate at `TIME` (RFC 3339), or 'capture' for each "+
		"response's own IssueInstant; default now")
	fl.BoolVar(&f.asJSON, "json", false, "print the report as JSON")
	fl.StringVar(&f.junit, "junit", "", "also write a JUnit XML report to `FILE`")
	fl.StringVar(&f.rules, "rules", "frontline", "`RULES` to apply: frontline or saml")
	fl.StringSliceVar(&f.idpCerts, "idp-cert", nil, "trust the certificate in `FILE` "+
		"instead of the configured one (repeatable)")
	fl.StringVar(&f.issuer, "idp-issuer", "", "expect this IdP `ISSUER`")
	fl.StringVar(&f.audience, "audience", "", "expect this `AUDIENCE` (SP entity ID)")
	fl.StringVar(&f.acs, "acs-url", "", "expect this `URL` as Destination and Recipient")
	fl.StringVar(&f.spKey, "sp-key", "", "decrypt an EncryptedAssertion with the key "+
		"in `FILE`")
	fl.StringSliceVar(&f.requestIDs, "request-id", nil, "`ID` of an outstanding "+
		"AuthnRequest the response may answer (repeatable)")
	return cmd
}

func (a *app) check(name string, f checkFlags) error {
	if err := checkWritable(f.junit); err != nil {
		return setupError(err, "")
	}
	exp, err := a.checkExpected(f)
	if err != nil {
		return err
	}
	data, err := a.readInput(name)
	if err != nil {
		return setupError(err, "")
	}
	msgs, err := assertions.SplitCapture(name, data)
	if err != nil {
		return setupError(err, "give raw XML, base64, a form body, a HAR or a "+
			"SAML-tracer export")
	}

	at, err := a.checkInstant(f.at)
	if err != nil {
		return usageError(err, "--at takes an RFC 3339 time such as "+
			"2026-12-04T15:00:00Z, or 'capture'")
	}

	out := checkOutput{Version: assertions.ReportVersion, Accepted: true}
	for _, m := range msgs {
		e := exp
		e.GotRelayState, e.Now = m.RelayState, at
		if f.at == "capture" {
			if e.Now, err = assertions.IssueInstant(m.Data); err != nil {
				return setupError(fmt.Errorf("%s: --at capture: %w", m.Source, err),
					"--at capture needs a Response with a valid IssueInstant; "+
						"give --at TIME instead")
			}
		}
		rep := assertions.ValidateEncoded(m.Data, e)
		out.Accepted = out.Accepted && rep.Accepted
		out.Reports = append(out.Reports, checkedMessage{Source: m.Source, Report: rep})
	}

	switch {
	case f.asJSON && len(out.Reports) == 1:
		err = printJSON(a.stdout, out.Reports[0])
	case f.asJSON:
		err = printJSON(a.stdout, out)
	default:
		for i, r := range out.Reports {
			if i > 0 {
				fmt.Fprintln(a.stdout)
			}
			printReport(a.stdout, "check "+r.Source, r.Report)
		}
	}
	if err != nil {
		return err
	}
	if f.junit != "" {
		suites := make([]junitSuite, len(out.Reports))
		for i, r := range out.Reports {
			suites[i] = reportSuite("check "+r.Source, r.Report)
		}
		if err := writeJUnit(f.junit, suites); err != nil {
			return setupError(err, "")
		}
	}
	if !out.Accepted {
		hint := ""
		if f.at == "" && expiredAny(out.Reports) {
			hint = "to judge a captured response as it was when issued, pass --at capture"
		}
		return rejectedError(errors.New("the response was rejected"), hint)
	}
	return nil
}

// checkExpected builds the expected values from the config and the flags.
func (a *app) checkExpected(f checkFlags) (assertions.Expected, error) {
	var exp assertions.Expected
	cfg, err := a.config()
	if err != nil {
		return exp, err
	}
	s, err := sp.New(cfg.Frontline)
	if err != nil {
		return exp, setupError(err, "fix the frontline section of the config")
	}
	exp = s.Expected(time.Time{})
	switch f.rules {
	case "frontline":
	case "saml":
		exp.Rules = assertions.RulesSAML
	default:
		return exp, usageError(fmt.Errorf("--rules %q: want frontline or saml", f.rules), "")
	}
	if len(f.idpCerts) > 0 {
		exp.Certificates = nil
		for _, file := range f.idpCerts {
			cert, err := readCertificate(file)
			if err != nil {
				return exp, setupError(err, "")
			}
			exp.Certificates = append(exp.Certificates, cert)
		}
	}
	if f.issuer != "" {
		exp.Issuer = f.issuer
	}
	if f.audience != "" {
		exp.Audience = f.audience
	}
	if f.acs != "" {
		exp.ACSURL = f.acs
	}
	if len(f.requestIDs) > 0 {
		exp.RequestIDs = f.requestIDs
	}
	if f.spKey != "" {
		text, err := os.ReadFile(f.spKey)
		if err != nil {
			return exp, setupError(err, "")
		}
		key, err := assertions.ParseRSAKey(string(text))
		if err != nil {
			return exp, setupError(fmt.Errorf("--sp-key %s: %w", f.spKey, err), "")
		}
		exp.DecryptionKey = key
	}
	return exp, nil
}

func readCertificate(file string) (*x509.Certificate, error) {
	text, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	cert, err := assertions.ParseCertificate(string(text))
	if err != nil {
		return nil, fmt.Errorf("--idp-cert %s: %w", file, err)
	}
	return cert, nil
}

// checkInstant reads --at: "" is now, "capture" is decided per message
// (the zero time here), anything else an RFC 3339 time within reason.
func (a *app) checkInstant(at string) (time.Time, error) {
	switch at {
	case "":
		return a.now(), nil
	case "capture":
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, at)
	if err != nil {
		return t, fmt.Errorf("--at %q is not an RFC 3339 time", at)
	}
	if t.Year() < 1970 || t.Year() >= 9000 {
		return t, fmt.Errorf("--at %s is outside the years 1970 to 8999", at)
	}
	return t, nil
}

// checkWritable fails early when a report file cannot be written where
// asked, before any work is done.
func checkWritable(path string) error {
	switch path {
	case "":
		return nil
	case "-":
		return errors.New("--junit -: give a file name; standard output carries the report")
	}
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("--junit %s: %w", path, err)
	}
	if !st.IsDir() {
		return fmt.Errorf("--junit %s: %s is not a directory", path, dir)
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return fmt.Errorf("--junit %s: a directory; give a file name", path)
	}
	return nil
}

// readInput reads a file, or stdin for "-", capped at 64 MiB.
func (a *app) readInput(name string) ([]byte, error) {
	var r io.Reader = a.stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	const maxInput = 64 << 20
	data, err := io.ReadAll(io.LimitReader(r, maxInput+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxInput {
		return nil, fmt.Errorf("%s is larger than 64 MiB", name)
	}
	if strings.TrimSpace(string(data)) == "" {
		return nil, fmt.Errorf("%s is empty", name)
	}
	return data, nil
}

// expiredAny reports whether a report failed because time passed.
func expiredAny(reports []checkedMessage) bool {
	for _, r := range reports {
		for _, c := range r.Failed() {
			switch c {
			case assertions.TimeExpired, assertions.IssueInstantStale,
				assertions.ConfirmationExpired:
				return true
			}
		}
	}
	return false
}
