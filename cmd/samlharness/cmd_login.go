package main

import (
	"errors"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/samlharness/samlharness/assertions"
	"github.com/samlharness/samlharness/fixtures"
	"github.com/samlharness/samlharness/idpmock"
)

// loginOutput is the JSON of "samlharness login --json": the ACS report,
// with the user, the AuthnRequest round trip of an SP-initiated login
// and, when AWS refused the user or the login stopped before any SAML
// response, why.
type loginOutput struct {
	*assertions.Report
	User        string                `json:"user"`
	Case        string                `json:"case,omitempty"`
	Flow        fixtures.Flow         `json:"flow"`
	SPInitiated *fixtures.SPInitiated `json:"sp_initiated,omitempty"`
	NoAccess    *noAccess             `json:"no_access,omitempty"`
	Stopped     *fixtures.Stop        `json:"stopped,omitempty"`
}

type noAccess struct {
	Message string `json:"message"`
	Fix     string `json:"fix"`
}

const fixAssignment = "AWS IAM Identity Center, application: Assigned users and groups " +
	"(assign the user or one of their groups directly; nested groups do not count), " +
	"or give the user a primary email"

// fixIdPInitiatedOnly is the fix for an application that refuses
// SP-initiated logins.
const fixIdPInitiatedOnly = "AWS IAM Identity Center, application: let it take " +
	"SP-initiated logins (in the harness, aws.idp_initiated_only: false); the " +
	"Assigned users and groups are not the cause"

// noAccessFix returns where a refusal is fixed.
func noAccessFix(reason idpmock.Reason) string {
	if reason == idpmock.ReasonIdPInitiatedOnly {
		return fixIdPInitiatedOnly
	}
	return fixAssignment
}

func (a *app) loginCmd() *cobra.Command {
	var user, caseName, junit string
	var asJSON, spInitiated bool
	cmd := &cobra.Command{
		Use:   "login [--user EMAIL] [--sp-initiated] [--case NAME] [--json] [--junit FILE]",
		Short: "Log a user in over loopback HTTP and print Frontline's verdict",
		Long: `login starts the mock AWS application and the emulated Frontline SP on
127.0.0.1, opens the application tile for the user on the mock access portal
(an IdP-initiated login), posts the signed SAMLResponse to the ACS URL with the
HTTP-POST binding, and prints the SP's verdict check by check.

With --sp-initiated the login starts as Frontline users start it: the
workspace ID is typed into the SP's login start, which redirects to the SSO
URL with an AuthnRequest (HTTP-Redirect binding) and an opaque RelayState;
the mock AWS application answers it for the user with InResponseTo set, and
the report shows the round trip. A case's own flow is used with --case.

The messages carry the configured URLs (https://iam.twilio.com/...); only the
transport is local: nothing is sent to AWS or Twilio.

Exit status: 0 accepted, 1 rejected (or refused by AWS), 2 usage or config
error.`,
		Example: `  samlharness login
  samlharness login --user alice@example.com --json
  samlharness login --sp-initiated --json
  samlharness login --config mysetup/harness.yaml
  samlharness login --case audience-typo`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkWritable(junit); err != nil {
				return setupError(err, "")
			}
			cfg, err := a.config()
			if err != nil {
				return err
			}
			if cmd.Flags().Changed("case") && caseName == "" {
				return usageError(errors.New("--case needs a case name"),
					"run 'samlharness cases' to list them")
			}
			c := fixtures.Case{Name: caseName}
			if caseName != "" {
				var ok bool
				if c, ok = fixtures.FindCase(caseName); !ok {
					return usageError(fmt.Errorf("no case named %q", caseName),
						"run 'samlharness cases' to list them")
				}
				if cfg, err = c.Apply(cfg); err != nil {
					return setupError(err, "")
				}
			}
			if user != "" {
				if err := knownUser(cfg, user); err != nil {
					return err
				}
				c.User = user
			}
			if spInitiated {
				c.Flow = fixtures.FlowSPInitiated
			}
			env, err := fixtures.Start(cfg, fixtures.WithClock(a.now), fixtures.WithRand(a.rand))
			if err != nil {
				return setupError(err, "check the aws section of the config")
			}
			defer env.Close()
			l, err := env.LoginCase(cmd.Context(), c)
			if err != nil {
				return rejectedError(err, "AWS IAM Identity Center, application "+
					"properties: Application ACS URL must be a Twilio URL")
			}
			if err := a.writeLoginJUnit(junit, l); err != nil {
				return setupError(err, "")
			}
			return a.printLogin(l, caseName, c.Flow, asJSON)
		},
	}
	cmd.Flags().StringVar(&user, "user", "", "log in as `EMAIL` (or user name); "+
		"default: the first configured user")
	cmd.Flags().StringVar(&caseName, "case", "", "apply the catalogue case `NAME` first "+
		"(see 'samlharness cases')")
	cmd.Flags().BoolVar(&spInitiated, "sp-initiated", false, "start at Frontline with "+
		"the workspace ID (an AuthnRequest) instead of the AWS access portal")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	cmd.Flags().StringVar(&junit, "junit", "", "also write a JUnit XML report to `FILE`")
	return cmd
}

// writeLoginJUnit writes the login's checks as a JUnit suite; a login that
// got no SAML response is one failed test case saying why.
func (a *app) writeLoginJUnit(path string, l *fixtures.Login) error {
	if path == "" {
		return nil
	}
	name := "login " + l.User
	if l.Report != nil {
		return writeJUnit(path, []junitSuite{reportSuite(name, l.Report)})
	}
	why := l.NoAccess
	if l.Stopped != nil {
		why = string(l.Stopped.Code) + ": " + l.Stopped.Message
	}
	return writeJUnit(path, []junitSuite{{Name: name, Tests: 1, Failures: 1, Time: "0",
		Cases: []junitCase{{Class: name, Name: "saml-response", Time: "0",
			Failure: &junitFailure{Message: why, Type: "no-response", Text: why}}}}})
}

func (a *app) printLogin(l *fixtures.Login, caseName string, flow fixtures.Flow,
	asJSON bool) error {
	if flow == "" {
		flow = fixtures.FlowIdPInitiated
	}
	out := loginOutput{Report: l.Report, User: l.User, Case: caseName, Flow: flow,
		SPInitiated: l.SPInitiated, Stopped: l.Stopped}
	if l.Report == nil {
		out.Report = &assertions.Report{Version: assertions.ReportVersion,
			At: a.now().UTC(), Rules: string(assertions.RulesFrontline),
			Checks: []assertions.Check{}}
	}
	if l.NoAccess != "" {
		out.NoAccess = &noAccess{Message: l.NoAccess, Fix: noAccessFix(l.NoAccessReason)}
	}
	if asJSON {
		if err := printJSON(a.stdout, out); err != nil {
			return err
		}
	} else {
		a.printLoginText(l, out)
	}
	if !l.Accepted() {
		return rejectedError(fmt.Errorf("login of %s rejected", l.User), "")
	}
	return nil
}

// printLoginText prints a login for people: the verdict and checks, or
// why no SAML response came, and the AuthnRequest round trip.
func (a *app) printLoginText(l *fixtures.Login, out loginOutput) {
	switch {
	case out.Stopped != nil:
		fmt.Fprintf(a.stdout, "login %s: STOPPED before any SAML response (%s)\n"+
			"  %s\n  fix: %s\n", l.User, out.Stopped.Code, out.Stopped.Message,
			out.Stopped.Fix)
	case out.NoAccess != nil:
		fmt.Fprintf(a.stdout, "login %s: REFUSED by AWS (No access, no SAML response)\n"+
			"  %s\n  fix: %s\n", l.User, out.NoAccess.Message, out.NoAccess.Fix)
	default:
		printReport(a.stdout, "login "+l.User, l.Report)
	}
	if r := l.SPInitiated; r != nil {
		tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "\nSP-initiated login (workspace ID %s)\n", r.WorkspaceID)
		fmt.Fprintf(tw, "  AuthnRequest\t%s\n", orNone(r.AuthnRequestID))
		fmt.Fprintf(tw, "    Issuer\t%s\n", orNone(r.Issuer))
		fmt.Fprintf(tw, "    ACS URL\t%s\n", orNone(r.ACSURL))
		fmt.Fprintf(tw, "    sent to\t%s\n", orNone(r.SSOURL))
		fmt.Fprintf(tw, "  InResponseTo\t%s%s\n", orNone(r.InResponseTo),
			mark(r.InResponseTo == r.AuthnRequestID, l.Form != nil,
				"the AuthnRequest's ID", "NOT the AuthnRequest's ID"))
		fmt.Fprintf(tw, "  RelayState sent\t%s\n", orNone(r.RelayStateSent))
		fmt.Fprintf(tw, "  RelayState received\t%s%s\n", orNone(r.RelayStateReceived),
			mark(r.RelayStateReceived == r.RelayStateSent, l.Form != nil,
				"unchanged", "CHANGED"))
		tw.Flush()
	}
}

// mark says, once a Response arrived, whether a value came back as it
// should.
func mark(ok, arrived bool, yes, no string) string {
	switch {
	case !arrived:
		return ""
	case ok:
		return "  (" + yes + ")"
	}
	return "  (" + no + ")"
}
