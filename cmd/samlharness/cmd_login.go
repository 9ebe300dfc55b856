package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/samlharness/samlharness/assertions"
	"github.com/samlharness/samlharness/fixtures"
)

// loginOutput is the JSON of "samlharness login --json": the ACS report,
// with the user and, when AWS refused the user, why.
type loginOutput struct {
	*assertions.Report
	User     string    `json:"user"`
	Case     string    `json:"case,omitempty"`
	NoAccess *noAccess `json:"no_access,omitempty"`
}

type noAccess struct {
	Message string `json:"message"`
	Fix     string `json:"fix"`
}

const fixAssignment = "AWS IAM Identity Center, application: Assigned users and groups " +
	"(assign the user or one of their groups directly; nested groups do not count), " +
	"or give the user a primary email"

func (a *app) loginCmd() *cobra.Command {
	var user, caseName string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "login [--user EMAIL] [--case NAME] [--json]",
		Short: "Log a user in over loopback HTTP and print Frontline's verdict",
		Long: `login starts the mock AWS application and the emulated Frontline SP on
127.0.0.1, opens the application tile for the user on the mock access portal
(an IdP-initiated login), posts the signed SAMLResponse to the ACS URL with the
HTTP-POST binding, and prints the SP's verdict check by check.

The messages carry the configured URLs (https://iam.twilio.com/...); only the
transport is local: nothing is sent to AWS or Twilio.

Exit status: 0 accepted, 1 rejected (or refused by AWS), 2 usage or config
error.`,
		Example: `  samlharness login
  samlharness login --user alice@example.com --json
  samlharness login --config mysetup/harness.yaml
  samlharness login --case audience-typo`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := a.config()
			if err != nil {
				return err
			}
			if caseName != "" {
				c, ok := fixtures.FindCase(caseName)
				if !ok {
					return usageError(fmt.Errorf("no case named %q", caseName),
						"run 'samlharness cases' to list them")
				}
				if cfg, err = c.Apply(cfg); err != nil {
					return setupError(err, "")
				}
				if user == "" {
					user = c.User
				}
			}
			env, err := fixtures.Start(cfg, fixtures.WithClock(a.now), fixtures.WithRand(a.rand))
			if err != nil {
				return setupError(err, "check the aws section of the config")
			}
			defer env.Close()
			l, err := env.Login(cmd.Context(), user)
			if err != nil {
				return rejectedError(err, "AWS IAM Identity Center, application "+
					"properties: Application ACS URL must be a Twilio URL")
			}
			return a.printLogin(l, caseName, asJSON)
		},
	}
	cmd.Flags().StringVar(&user, "user", "", "log in as `EMAIL` (or user name); "+
		"default: the first configured user")
	cmd.Flags().StringVar(&caseName, "case", "", "apply the catalogue case `NAME` first "+
		"(see 'samlharness cases')")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	return cmd
}

func (a *app) printLogin(l *fixtures.Login, caseName string, asJSON bool) error {
	out := loginOutput{Report: l.Report, User: l.User, Case: caseName}
	if l.NoAccess != "" {
		out.Report = &assertions.Report{Version: assertions.ReportVersion,
			Checks: []assertions.Check{}}
		out.NoAccess = &noAccess{Message: l.NoAccess, Fix: fixAssignment}
	}
	if asJSON {
		if err := printJSON(a.stdout, out); err != nil {
			return err
		}
	} else if l.NoAccess != "" {
		fmt.Fprintf(a.stdout, "login %s: REFUSED by AWS (No access, no SAML response)\n"+
			"  %s\n  fix: %s\n", l.User, l.NoAccess, fixAssignment)
	} else {
		printReport(a.stdout, "login "+l.User, l.Report)
	}
	if !l.Accepted() {
		return rejectedError(fmt.Errorf("login of %s rejected", l.User), "")
	}
	return nil
}
