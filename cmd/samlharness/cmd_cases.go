package main

import (
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/samlharness/samlharness/fixtures"
)

func (a *app) casesCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "cases [--json]",
		Short: "List the misconfiguration catalogue",
		Long: `cases lists every catalogue case: the mistake, in the words of the console
where it is made, the verdict the emulated Frontline must give, and the exact
check codes that must fail. Run one with 'samlharness login --case NAME'.

Each case derives its wrong value from the configuration it is applied to.
With --config, a case that would change nothing there (the configuration
already has that setting) is listed as "skip", with the reason; 'contract'
skips it too.`,
		Example: `  samlharness cases
  samlharness cases --config harness.yaml --json
  samlharness login --case issuer-trailing-slash --json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			rows, err := a.caseRows()
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(a.stdout, rows)
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tVERDICT\tFAILING CODES\tDESCRIPTION")
			for _, c := range rows {
				verdict := "accept"
				switch {
				case c.NoEffect != "":
					verdict = "skip"
					c.Description += " (skip: " + c.NoEffect + ")"
				case c.NoAccess:
					verdict = "no access"
				case !c.Accept:
					verdict = "reject"
				}
				failing := make([]string, len(c.Fail))
				for i, code := range c.Fail {
					failing[i] = string(code)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.Name, verdict,
					orDash(strings.Join(failing, " ")), c.Description)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the catalogue as JSON")
	return cmd
}

// A caseRow is a catalogue case as listed, with why it changes nothing in
// the configuration --config names, if it does not.
type caseRow struct {
	fixtures.Case
	NoEffect string `json:"no_effect,omitempty"`
}

// caseRows lists the catalogue, applying each case to the configuration
// when --config names one.
func (a *app) caseRows() ([]caseRow, error) {
	var cfg *fixtures.Config
	if a.configPath != "" {
		var err error
		if cfg, err = a.config(); err != nil {
			return nil, err
		}
	}
	var rows []caseRow
	for _, c := range fixtures.Cases() {
		row := caseRow{Case: c}
		if cfg != nil {
			_, err := c.Apply(cfg)
			switch {
			case errors.Is(err, fixtures.ErrCaseNoEffect):
				row.NoEffect = err.Error()
			case err != nil:
				return nil, setupError(err, "")
			}
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
