package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/samlharness/samlharness/assertions"
	"github.com/samlharness/samlharness/fixtures"
)

func (a *app) serveCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "serve [--config FILE]",
		Short: "Run the mock AWS application and the emulated Frontline on loopback",
		Long: `serve starts both servers on 127.0.0.1 and prints their addresses and the
values an admin would paste into each console, until Ctrl-C. The SAML messages
carry the configured public URLs; only the transport is local.`,
		Example: `  samlharness serve
  samlharness serve --config mysetup/harness.yaml`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := a.config()
			if err != nil {
				return err
			}
			env, err := fixtures.Start(cfg, fixtures.WithClock(a.now), fixtures.WithRand(a.rand),
				fixtures.ForBrowser())
			if err != nil {
				return setupError(err, "")
			}
			defer env.Close()
			a.printServe(env)
			<-cmd.Context().Done()
			fmt.Fprintln(a.stderr, "samlharness: shutting down")
			return nil
		},
	}
}

func (a *app) printServe(env *fixtures.Env) {
	fp256, _ := assertions.Fingerprints(env.IdP.Certificate())
	w := a.stdout
	fmt.Fprintf(w, "mock AWS access portal:  %s/start\n", env.IdPServer.URL())
	fmt.Fprintf(w, "emulated Frontline ACS:  %s (serving %s)\n",
		env.SPServer.ACSURL(), env.SP.ACSURL())
	fmt.Fprintf(w, "Frontline login:         %s/login\n", env.SPServer.URL())
	fmt.Fprintf(w, "diagnose a login:        %s/diagnose (offline)\n", env.SPServer.URL())
	fmt.Fprintln(w)
	fmt.Fprintln(w, "AWS IAM Identity Center, custom SAML 2.0 application:")
	fmt.Fprintf(w, "  Application ACS URL:        %s\n", env.SP.ACSURL())
	fmt.Fprintf(w, "  Application SAML audience:  %s\n", env.SP.EntityID())
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Frontline console, Manage > SSO/Log in:")
	fmt.Fprintf(w, "  Workspace ID:                %s\n", env.Config.Frontline.WorkspaceID)
	fmt.Fprintf(w, "  Identity provider issuer:    %s\n", env.IdP.IssuerURL())
	fmt.Fprintf(w, "  SSO URL:                     %s\n", env.IdP.SignInURL())
	fmt.Fprintf(w, "  X.509 Certificate:           SHA-256 %s\n", fp256)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "press Ctrl-C to stop")
}
