package main

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/samlharness/samlharness/idpmock"
	"github.com/samlharness/samlharness/sp"
)

// metadataCmd is "samlharness metadata", the parent of the metadata
// printers.
func (a *app) metadataCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "metadata",
		Short: "Print the SAML metadata of either side",
		Example: `  samlharness metadata aws > aws-metadata.xml
  samlharness metadata frontline`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageError(errors.New("missing command: aws or frontline"),
				helpHint(cmd))
		},
	}
	cmd.AddCommand(a.metadataAWSCmd(), a.metadataFrontlineCmd())
	return cmd
}

// metadataAWSCmd is "samlharness metadata aws".
func (a *app) metadataAWSCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "aws",
		Short: "Print the IdP metadata of the mock AWS application",
		Long: `aws prints the IAM Identity Center SAML metadata of the configured
application, in the shape AWS publishes it: entityID the issuer URL, one
signing certificate (the active one), single logout and single sign-on
services at the AWS URLs for the POST and Redirect bindings. It is what
"samlharness init --from-aws-metadata" reads.`,
		Example: `  samlharness metadata aws > aws-metadata.xml
  samlharness init --from-aws-metadata aws-metadata.xml mysetup`,
		Args: exactArgs(0),
		RunE: func(*cobra.Command, []string) error {
			cfg, err := a.config()
			if err != nil {
				return err
			}
			idp, err := idpmock.New(cfg.AWS, idpmock.WithClock(a.now),
				idpmock.WithRand(a.rand))
			if err != nil {
				return setupError(err, "check the aws section of the config")
			}
			out, err := idp.Metadata()
			if err != nil {
				return setupError(err, "")
			}
			_, err = a.stdout.Write(append(out, '\n'))
			return err
		},
	}
}

// metadataFrontlineCmd is "samlharness metadata frontline".
func (a *app) metadataFrontlineCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "frontline",
		Short: "Print the SP metadata of the emulated Frontline realm",
		Long: `frontline prints the SP metadata of the configured Frontline realm: the
entity ID (the audience AWS must use), the ACS URL on the HTTP-POST binding,
and NameIDFormat emailAddress. These are the values the AWS application's
"Application ACS URL" and "Application SAML audience" take.`,
		Example: `  samlharness metadata frontline
  samlharness metadata frontline --config mysetup/harness.yaml`,
		Args: exactArgs(0),
		RunE: func(*cobra.Command, []string) error {
			cfg, err := a.config()
			if err != nil {
				return err
			}
			s, err := sp.New(cfg.Frontline, sp.WithClock(a.now))
			if err != nil {
				return setupError(err, "check the frontline section of the config")
			}
			out, err := s.Metadata()
			if err != nil {
				return setupError(err, "")
			}
			_, err = a.stdout.Write(append(out, '\n'))
			return err
		},
	}
}
