package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/samlharness/samlharness/assertions"
	"github.com/samlharness/samlharness/fixtures"
)

// contractOutput is the JSON of "samlharness contract".
type contractOutput struct {
	Version int            `json:"version"`
	Passed  bool           `json:"passed"`
	Users   []contractItem `json:"users"`
	Cases   []contractItem `json:"cases"`
}

type contractItem struct {
	Name       string            `json:"name"`
	Passed     bool              `json:"passed"`
	Skipped    bool              `json:"skipped,omitempty"`
	Difference string            `json:"difference,omitempty"`
	WantAccept bool              `json:"want_accept"`
	WantFail   []assertions.Code `json:"want_fail"`
	// WantStopped and Stopped are the codes of an SP-initiated login
	// that must end, or ended, before any SAML response.
	WantStopped fixtures.StopCode  `json:"want_stopped,omitempty"`
	Accepted    bool               `json:"accepted"`
	Failed      []assertions.Code  `json:"failed"`
	Stopped     fixtures.StopCode  `json:"stopped,omitempty"`
	NoAccess    string             `json:"no_access,omitempty"`
	Seconds     float64            `json:"seconds"`
	Report      *assertions.Report `json:"-"`
}

func (a *app) contractCmd() *cobra.Command {
	var junit string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "contract [--config FILE] [--junit FILE] [--json]",
		Short: "Log in every assigned user, then run the whole misconfiguration catalogue",
		Long: `contract is the CI check of a setup. It first logs in every user the aws
section assigns, over loopback HTTP, and requires each login to be accepted:
does this configuration let everyone in? Then it applies every catalogue case
(see 'samlharness cases') to the configuration and requires each to give
exactly its expected verdict and failing check codes. A case that cannot
change anything in this configuration is listed as SKIP. When the SP refuses
IdP-initiated logins (policy unsolicited: reject), users and cases start from
the workspace ID instead, and a case whose login AWS then stops before any
SAML response is listed as SKIP with the reason.

Exit status: 0 all passed, 1 any login or case differed, 2 usage or config
error.`,
		Example: `  samlharness contract
  samlharness contract --config mysetup/harness.yaml --junit contract.xml`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkWritable(junit); err != nil {
				return setupError(err, "")
			}
			cfg, err := a.config()
			if err != nil {
				return err
			}
			res := fixtures.Contract(cmd.Context(), cfg,
				fixtures.WithClock(a.now), fixtures.WithRand(a.rand))
			out := contractOutput{Version: assertions.ReportVersion, Passed: res.Passed(),
				Users: items(res.Users), Cases: items(res.Cases)}
			if asJSON {
				err = printJSON(a.stdout, out)
			} else {
				a.printContract(out)
			}
			if err != nil {
				return err
			}
			if junit != "" {
				if err := writeJUnit(junit, contractSuites(out)); err != nil {
					return setupError(err, "")
				}
			}
			if !out.Passed {
				return rejectedError(errors.New("the contract does not hold"),
					"each FAIL line above says what differs")
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&junit, "junit", "", "also write a JUnit XML report to `FILE`")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the results as JSON")
	return cmd
}

func items(results []fixtures.CaseResult) []contractItem {
	out := make([]contractItem, 0, len(results))
	for _, r := range results {
		it := contractItem{Name: r.Case.Name, Passed: r.Err == nil, Skipped: r.Skipped(),
			WantAccept: r.Case.Accept, WantFail: r.Case.Fail, WantStopped: r.Case.Stopped,
			Seconds: r.Duration.Seconds(), Failed: []assertions.Code{}}
		if it.WantFail == nil {
			it.WantFail = []assertions.Code{}
		}
		if r.Err != nil {
			it.Difference = r.Err.Error()
		}
		if r.Login != nil {
			it.NoAccess = r.Login.NoAccess
			if r.Login.Stopped != nil {
				it.Stopped = r.Login.Stopped.Code
			}
			if r.Login.Report != nil {
				it.Accepted, it.Report = r.Login.Report.Accepted, r.Login.Report
				it.Failed = append(it.Failed, r.Login.Report.Failed()...)
			}
		}
		out = append(out, it)
	}
	return out
}

func (a *app) printContract(out contractOutput) {
	c := colorsFor(a.stdout)
	width := 0
	for _, it := range append(out.Users, out.Cases...) {
		width = max(width, len(it.Name))
	}
	indent := strings.Repeat(" ", len("FAIL")+2+width+2)
	pass, skipped, total := 0, 0, 0
	for _, it := range append(out.Users, out.Cases...) {
		total++
		mark, color := "PASS", c.pass
		switch {
		case it.Passed:
			pass++
		case it.Skipped:
			mark, color = "SKIP", c.skip
			skipped++
		default:
			mark, color = "FAIL", c.fail
		}
		fmt.Fprintf(a.stdout, "%s%s%s  %-*s  %s\n", color, mark, c.reset, width, it.Name,
			outcome(it))
		if !it.Passed {
			fmt.Fprintf(a.stdout, "%s%s\n", indent, it.Difference)
		}
	}
	fmt.Fprintf(a.stdout, "%d passed, %d failed", pass, total-pass-skipped)
	if skipped > 0 {
		fmt.Fprintf(a.stdout, ", %d skipped", skipped)
	}
	fmt.Fprintln(a.stdout)
}

func outcome(it contractItem) string {
	switch {
	case it.Skipped:
		return "does not apply to this configuration"
	case it.Stopped != "":
		return fmt.Sprintf("stopped before any SAML response: %s", it.Stopped)
	case it.Report == nil && it.NoAccess == "":
		return "did not run"
	case it.NoAccess != "":
		return "refused by AWS (No access)"
	case it.Accepted:
		return "accepted"
	}
	return fmt.Sprintf("rejected: %v", it.Failed)
}

// contractSuites turns a contract run into JUnit suites: one for the
// users' logins, one for the catalogue.
func contractSuites(out contractOutput) []junitSuite {
	var suites []junitSuite
	for _, g := range []struct {
		name  string
		items []contractItem
	}{{"samlharness contract: assigned users", out.Users},
		{"samlharness contract: catalogue", out.Cases}} {
		s := junitSuite{Name: g.name}
		total := 0.0
		for _, it := range g.items {
			tc := junitCase{Class: g.name, Name: it.Name, Time: seconds(it.Seconds)}
			switch {
			case it.Skipped:
				tc.Skipped = &junitSkipped{Message: it.Difference}
				s.Skipped++
			case !it.Passed:
				tc.Failure = &junitFailure{Message: it.Difference, Type: "contract",
					Text: it.Difference}
				s.Failures++
			}
			total += it.Seconds
			s.Cases = append(s.Cases, tc)
		}
		s.Tests, s.Time = len(s.Cases), seconds(total)
		suites = append(suites, s)
	}
	return suites
}
