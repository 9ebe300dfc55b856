package main

import (
	"cmp"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/samlharness/samlharness/fixtures"
)

// rootCmd builds the command tree. Each command lives in its own file,
// cmd_<name>.go, as a method of [app] returning its *cobra.Command, and is
// added here.
func (a *app) rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "samlharness",
		Short: "Test SAML SSO between AWS IAM Identity Center and Twilio Frontline, offline",
		Long: `samlharness emulates both sides of a SAML single sign-on setup: the custom
SAML 2.0 application of AWS IAM Identity Center (the IdP) and the SSO/Log in
page of Twilio Frontline (the SP). Both are configured in one harness.yaml
whose sections mirror the two consoles; without --config, built-in defaults
set up as the Frontline guide for AWS SSO says are used.

Exit status: 0 success, 1 login or check rejected, 2 usage, configuration
or file error.`,
		Example: `  samlharness init mysetup
  samlharness cert show idp-cert.pem`,
		Version:       version(),
		Args:          noArgs,
		SilenceErrors: true,
		SilenceUsage:  true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageError(errors.New("missing command"), helpHint(cmd))
		},
	}
	root.PersistentFlags().StringVar(&a.configPath, "config", "",
		"harness.yaml `FILE` to use instead of the built-in defaults")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return usageError(err, helpHint(cmd))
	})
	root.CompletionOptions.DisableDefaultCmd = true

	root.AddCommand(
		a.initCmd(),
		a.loginCmd(),
		a.issueCmd(),
		a.checkCmd(),
		a.contractCmd(),
		a.casesCmd(),
		a.serveCmd(),
		a.certCmd(),
		a.metadataCmd(),
		a.loadCmd(),
	)
	return root
}

// helpHint points at the help of cmd.
func helpHint(cmd *cobra.Command) string {
	return fmt.Sprintf("run '%s --help'", cmd.CommandPath())
}

// noArgs accepts no arguments; on a command with subcommands, an argument
// is an unknown command.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	if cmd.HasSubCommands() {
		return usageError(fmt.Errorf("unknown command %q", args[0]), helpHint(cmd))
	}
	return usageError(fmt.Errorf("unexpected argument %q", args[0]), helpHint(cmd))
}

// exactArgs accepts exactly n arguments, named in the usage line.
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usageError(fmt.Errorf("%s takes %d argument(s), got %d",
				cmd.CommandPath(), n, len(args)), helpHint(cmd))
		}
		return nil
	}
}

// config returns the configuration that --config names, or the built-in
// defaults without it. It is for the commands that run a login.
func (a *app) config() (*fixtures.Config, error) {
	if a.configPath == "" {
		key, cert, err := a.defaultKeyPair()
		if err != nil {
			return nil, setupError(err, "")
		}
		return fixtures.DefaultWithKey(key, cert), nil
	}
	cfg, err := fixtures.Load(a.configPath)
	if err != nil {
		return nil, setupError(err,
			"fix the file, or write a fresh one with 'samlharness init DIR'")
	}
	return cfg, nil
}

// knownUser refuses a --user that names no user of the aws section, so
// that a typo is not mistaken for a missing assignment; the users are
// matched as AWS matches a sign-in: user name, or email up to case.
func knownUser(cfg *fixtures.Config, user string) error {
	if user == "" {
		return nil
	}
	var names []string
	for _, u := range cfg.AWS.Users {
		if u.UserName == user || u.Email != "" && strings.EqualFold(u.Email, user) {
			return nil
		}
		names = append(names, cmp.Or(u.Email, u.UserName))
	}
	return usageError(fmt.Errorf("--user %s: no such user in the aws section", user),
		"the configured users are "+cmp.Or(strings.Join(names, ", "), "none")+
			"; add the user under aws.users, or pick one of them")
}

// version is the module version the binary was built from, with the VCS
// revision when the build recorded one ("(devel)" from a checkout).
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := info.Main.Version
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += " " + s.Value[:12]
		}
	}
	return v
}
