package main

import (
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
check codes that must fail. Run one with 'samlharness login --case NAME'.`,
		Example: `  samlharness cases
  samlharness login --case issuer-trailing-slash --json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			all := fixtures.Cases()
			if asJSON {
				return printJSON(a.stdout, all)
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tVERDICT\tFAILING CODES\tDESCRIPTION")
			for _, c := range all {
				verdict := "accept"
				switch {
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

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
