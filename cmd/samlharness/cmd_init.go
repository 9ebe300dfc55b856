package main

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/spf13/cobra"

	"github.com/samlharness/samlharness/fixtures"
)

// initCmd is "samlharness init DIR".
func (a *app) initCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "init DIR",
		Short: "Write a commented harness.yaml and an IdP key pair into DIR",
		Long: `init writes a starting setup into DIR, creating it if needed:
  harness.yaml  the built-in defaults, every field commented with the console
                field it mirrors and its allowed values
  idp-key.pem   the emulated IdP's private signing key (mode 0600)
  idp-cert.pem  its AWS-like certificate, used by both sections

It replaces no file: if any of the three exists, it writes none.`,
		Example: `  samlharness init mysetup
  samlharness init .`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			written, err := fixtures.Init(args[0], a.rand, a.now())
			if errors.Is(err, fs.ErrExist) {
				return setupError(err, "choose another directory, or move the files away")
			}
			if err != nil {
				return setupError(err, "")
			}
			for _, path := range written {
				fmt.Fprintf(a.stdout, "wrote %s\n", path)
			}
			return nil
		},
	}
}
