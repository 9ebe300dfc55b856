package main

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/samlharness/samlharness/assertions"
	"github.com/samlharness/samlharness/fixtures"
	"github.com/samlharness/samlharness/idpmock"
)

// expiresSoon is how close to its end AWS flags a certificate as expiring.
const expiresSoon = 90 * 24 * time.Hour

// certCmd is "samlharness cert", the parent of the certificate commands.
func (a *app) certCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "cert",
		Short: "Make or inspect IdP signing certificates",
		Example: `  samlharness cert new --out rotated
  samlharness cert show idp-cert.pem`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageError(errors.New("missing command: new or show"), helpHint(cmd))
		},
	}
	cmd.AddCommand(a.certNewCmd(), a.certShowCmd())
	return cmd
}

// certNewCmd is "samlharness cert new".
func (a *app) certNewCmd() *cobra.Command {
	var (
		opts   idpmock.CertOptions
		prefix string
	)
	cmd := &cobra.Command{
		Use:   "new",
		Short: "Make an AWS-like signing key and self-signed certificate",
		Long: `new makes an RSA key and a self-signed certificate like those AWS IAM
Identity Center makes for an application (CN=amazonaws.com, OU=IDAS,
O=Amazon, C=US), and writes PREFIX-key.pem (mode 0600) and PREFIX-cert.pem.
It replaces no file.`,
		Example: `  samlharness cert new
  samlharness cert new --bits 1024 --sha1 --out legacy
  samlharness cert new --days 30 --out expiring`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Bits != 2048 && opts.Bits != 1024 {
				return usageError(fmt.Errorf("--bits %d: AWS uses 2048 or 1024", opts.Bits),
					helpHint(cmd))
			}
			if cmd.Flags().Changed("days") && opts.Days < 1 {
				return usageError(fmt.Errorf("--days %d: must be at least 1", opts.Days),
					helpHint(cmd))
			}
			opts.Now, opts.Rand = a.now(), a.rand
			key, cert, err := idpmock.GenerateCertificate(opts)
			if err != nil {
				return setupError(err, "")
			}

			keyPath, certPath := prefix+"-key.pem", prefix+"-cert.pem"
			err = fixtures.WriteKeyPair(keyPath, certPath, key, cert)
			if errors.Is(err, fs.ErrExist) {
				return setupError(err, "choose another --out PREFIX, or move the files away")
			}
			if err != nil {
				return setupError(err, "")
			}
			fmt.Fprintf(a.stdout, "wrote %s\nwrote %s\n\n", keyPath, certPath)
			return a.describe(cert)
		},
	}
	f := cmd.Flags()
	f.IntVar(&opts.Bits, "bits", 2048, "RSA key size: 2048 or 1024")
	f.BoolVar(&opts.SHA1, "sha1", false, "sign the certificate with SHA-1 instead of SHA-256")
	f.IntVar(&opts.Days, "days", 0, "validity in `N` days (default five years, as AWS)")
	f.StringVar(&prefix, "out", "idp", "write `PREFIX`-key.pem and PREFIX-cert.pem")
	return cmd
}

// certShowCmd is "samlharness cert show".
func (a *app) certShowCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "show FILE|-",
		Short: "Describe a certificate, pasted in any shape Frontline accepts",
		Long: `show prints a certificate's subject, issuer, serial, signature algorithm,
key, validity (flagged as AWS flags it: expired, or expires within 90 days)
and SHA-256 and SHA-1 fingerprints. The input, a file or "-" for standard
input, may be PEM with or without its BEGIN and END lines, wrapped or on one
line, with CRLF line ends or &#13; entities: what the Frontline console's
X.509 Certificate field accepts.`,
		Example: `  samlharness cert show idp-cert.pem
  pbpaste | samlharness cert show -`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			text, err := a.readInput(args[0])
			if err != nil {
				return setupError(err, "")
			}
			cert, err := assertions.ParseCertificate(string(text))
			if errors.Is(err, assertions.ErrPrivateKey) {
				return setupError(err, "this is the IdP's secret; "+
					"show its certificate (idp-cert.pem) instead")
			}
			if err != nil {
				return setupError(err, "give the certificate from IAM Identity Center "+
					"metadata, PEM with or without its BEGIN and END lines")
			}
			return a.describe(cert)
		},
	}
}

// describe prints cert as "cert show" does.
func (a *app) describe(cert *x509.Certificate) error {
	sha256Hex, sha1Hex := assertions.Fingerprints(cert)
	issuer := cert.Issuer.String()
	if issuer == cert.Subject.String() {
		issuer += " (self-signed)"
	}

	w := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "Subject:\t%s\n", cert.Subject)
	fmt.Fprintf(w, "Issuer:\t%s\n", issuer)
	fmt.Fprintf(w, "Serial:\t%s (0x%X)\n", cert.SerialNumber, cert.SerialNumber)
	fmt.Fprintf(w, "Signature algorithm:\t%s\n", cert.SignatureAlgorithm)
	fmt.Fprintf(w, "Public key:\t%s\n", keyDescription(cert.PublicKey))
	fmt.Fprintf(w, "Not before:\t%s\n", cert.NotBefore.UTC().Format(time.DateTime+" MST"))
	fmt.Fprintf(w, "Not after:\t%s%s\n", cert.NotAfter.UTC().Format(time.DateTime+" MST"),
		validityBadge(cert, a.now()))
	fmt.Fprintf(w, "SHA-256 fingerprint:\t%s\n", sha256Hex)
	fmt.Fprintf(w, "SHA-1 fingerprint:\t%s\n", sha1Hex)
	return w.Flush()
}

// validityBadge returns the status AWS shows beside a certificate's
// expiry, as " [expired]", or "" for a certificate valid for long.
func validityBadge(cert *x509.Certificate, now time.Time) string {
	switch {
	case now.Before(cert.NotBefore):
		return "  [not yet valid]"
	case !now.Before(cert.NotAfter):
		return "  [expired]"
	case cert.NotAfter.Sub(now) <= expiresSoon:
		return "  [expires within 90 days]"
	}
	return ""
}

// keyDescription names the type and size of a public key.
func keyDescription(pub any) string {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return fmt.Sprintf("RSA %d bits", k.N.BitLen())
	case *ecdsa.PublicKey:
		return fmt.Sprintf("ECDSA %s", k.Curve.Params().Name)
	case ed25519.PublicKey:
		return "Ed25519"
	}
	return fmt.Sprintf("%T", pub)
}
