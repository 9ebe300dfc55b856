package main

import (
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/samlharness/samlharness/idpmock"
)

func (a *app) issueCmd() *cobra.Command {
	var user string
	var b64 bool
	cmd := &cobra.Command{
		Use:   "issue [--user EMAIL] [--base64]",
		Short: "Print the signed SAMLResponse the mock AWS application gives a user",
		Long: `issue signs a Response for the user exactly as a login would, and prints it
without any HTTP: raw XML by default, or base64 as the SAMLResponse form field
carries it.`,
		Example: `  samlharness issue > r.xml && samlharness check r.xml
  samlharness issue --user alice@example.com --base64`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := a.config()
			if err != nil {
				return err
			}
			idp, err := idpmock.New(cfg.AWS, idpmock.WithClock(a.now), idpmock.WithRand(a.rand))
			if err != nil {
				return setupError(err, "")
			}
			if err := knownUser(cfg, user); err != nil {
				return err
			}
			if user == "" && len(cfg.AWS.Users) > 0 {
				user = cfg.AWS.Users[0].Email
			}
			xml, err := idp.Issue(user, idpmock.IssueOptions{})
			if errors.Is(err, idpmock.ErrNoAccess) {
				return rejectedError(err, fixAssignment)
			}
			if err != nil {
				return setupError(err, "")
			}
			if b64 {
				fmt.Fprintln(a.stdout, base64.StdEncoding.EncodeToString(xml))
				return nil
			}
			_, err = a.stdout.Write(append(xml, '\n'))
			return err
		},
	}
	cmd.Flags().StringVar(&user, "user", "", "issue for `EMAIL` (or user name)")
	cmd.Flags().BoolVar(&b64, "base64", false, "print base64, as the form field carries it")
	return cmd
}
