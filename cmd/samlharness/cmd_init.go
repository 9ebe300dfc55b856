package main

import (
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/samlharness/samlharness/assertions"
	"github.com/samlharness/samlharness/fixtures"
)

// initCmd is "samlharness init DIR".
func (a *app) initCmd() *cobra.Command {
	var metadataFile string
	cmd := &cobra.Command{
		Use:   "init [--from-aws-metadata FILE] DIR",
		Short: "Write a commented harness.yaml and an IdP key pair into DIR",
		Long: `init writes a starting setup into DIR, creating it if needed:
  harness.yaml  the built-in defaults, every field commented with the console
                field it mirrors and its allowed values
  idp-key.pem   the emulated IdP's private signing key (mode 0600)
  idp-cert.pem  its AWS-like certificate, used by both sections

With --from-aws-metadata, the frontline section is filled from an IAM
Identity Center metadata file, as an admin copies the values by hand:
Identity provider issuer from the entityID, SSO URL from the single sign-on
location, X.509 Certificate from the signing certificate; the aws section
emulates that application (region and application ID). When the metadata's
certificate is the mock's own (as in what "samlharness metadata aws"
prints), logins work as written. When it is a real AWS certificate, the mock
cannot sign as it: the certificate is written to frontline-cert.pem, and
logins are refused until the mock's idp-cert.pem is pasted instead.

It replaces no file: if any of them exists, it writes none.`,
		Example: `  samlharness init mysetup
  samlharness init .
  samlharness metadata aws > aws.xml && samlharness init --from-aws-metadata aws.xml s`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if a.configPath != "" {
				return usageError(errors.New("init writes a new harness.yaml; "+
					"--config does not apply to it"), helpHint(cmd))
			}
			if metadataFile != "" {
				return a.initFromMetadata(metadataFile, args[0])
			}
			written, err := fixtures.Init(args[0], a.rand, a.now())
			if err != nil {
				return initError(err)
			}
			for _, path := range written {
				fmt.Fprintf(a.stdout, "wrote %s\n", path)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&metadataFile, "from-aws-metadata", "", "fill the frontline "+
		"section from the IAM Identity Center metadata `FILE`")
	return cmd
}

func initError(err error) error {
	if errors.Is(err, fs.ErrExist) {
		return setupError(err, "choose another directory, or move the files away")
	}
	return setupError(err, "")
}

// initFromMetadata is "init --from-aws-metadata FILE DIR".
func (a *app) initFromMetadata(file, dir string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return setupError(err, "")
	}
	md, err := fixtures.ParseAWSMetadata(data)
	if errors.Is(err, fixtures.ErrNotAWSURL) {
		return setupError(err, "samlharness emulates AWS IAM Identity Center only: give "+
			"the metadata of a custom SAML 2.0 application there (IAM Identity Center SAML "+
			"metadata file), not that of another IdP")
	}
	if err != nil {
		return setupError(err, "give the metadata file downloaded from the IAM Identity "+
			"Center application page (IAM Identity Center SAML metadata file)")
	}
	key, cert, err := a.signingPairFor(md.Certificate)
	if err != nil {
		return setupError(err, "")
	}
	res, err := fixtures.InitFromAWSMetadata(dir, md, key, cert)
	if err != nil {
		return initError(err)
	}

	fmt.Fprintf(a.stdout, "took from %s, as an admin copies it into Frontline, "+
		"SSO/Log in:\n", file)
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	binding := md.SSOBinding[strings.LastIndex(md.SSOBinding, ":")+1:]
	sum256, _ := assertions.Fingerprints(md.Certificate)
	fmt.Fprintf(tw, "  Identity provider issuer\t%s\n", md.Issuer)
	fmt.Fprintf(tw, "  SSO URL\t%s (%s)\n", md.SSOURL, binding)
	fmt.Fprintf(tw, "  X.509 Certificate\t%s, SHA-256 %s, valid until %s%s\n",
		md.Certificate.Subject, sum256, md.Certificate.NotAfter.UTC().Format(time.DateOnly),
		validityBadge(md.Certificate, a.now()))
	nameID := md.NameIDFormat
	if nameID == "" {
		nameID = "(empty in the metadata; Frontline asks for emailAddress)"
	}
	fmt.Fprintf(tw, "  NameIDFormat\t%s\n", nameID)
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, path := range res.Written {
		fmt.Fprintf(a.stdout, "wrote %s\n", path)
	}
	if !res.OwnCertificate {
		own, _ := assertions.Fingerprints(res.MockCertificate)
		fmt.Fprintf(a.stdout, "note: the mock cannot sign as that certificate: AWS keeps "+
			"its private key. The frontline section trusts it (%s), so logins with this "+
			"setup are refused with signature.untrusted-key until you paste the mock's "+
			"own certificate instead: %s, SHA-256 %s.\n", fixtures.FrontlineCertFile,
			filepath.Join(dir, fixtures.CertFile), own)
	}
	return nil
}

// signingPairFor returns the signing pair of the configuration in use
// (--config, or the built-in default) whose certificate is cert, active
// or inactive; or, when neither is, a fresh AWS-like pair.
func (a *app) signingPairFor(cert *x509.Certificate) (crypto.Signer, *x509.Certificate,
	error) {
	cfg, err := a.config()
	if err != nil {
		return nil, nil, err
	}
	aws := cfg.AWS
	switch {
	case aws.SigningKey != nil && cert.Equal(aws.Certificate):
		return aws.SigningKey, aws.Certificate, nil
	case aws.InactiveSigningKey != nil && cert.Equal(aws.InactiveCertificate):
		return aws.InactiveSigningKey, aws.InactiveCertificate, nil
	}
	return a.freshKeyPair()
}
