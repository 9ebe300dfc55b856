package main

import (
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/samlharness/samlharness/fixtures"
	"github.com/samlharness/samlharness/idpmock"
)

// defaultKeyPair returns the signing key of the built-in configuration.
// It is generated on first use and kept in the user's cache directory
// (or $SAMLHARNESS_CACHE), so that what "samlharness issue" signs,
// a later "samlharness check" verifies. A half-written pair is replaced.
// When no cache can be written, a fresh pair serves this run alone, with
// a warning: a later run will not verify what this one signs.
func (a *app) defaultKeyPair() (crypto.Signer, *x509.Certificate, error) {
	dir := os.Getenv("SAMLHARNESS_CACHE")
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return a.uncachedKeyPair(err)
		}
		dir = filepath.Join(base, "samlharness")
	}
	keyPath := filepath.Join(dir, "default-"+fixtures.KeyFile)
	certPath := filepath.Join(dir, "default-"+fixtures.CertFile)

	keyPEM, err1 := os.ReadFile(keyPath)
	certPEM, err2 := os.ReadFile(certPath)
	if err1 == nil && err2 == nil {
		key, cert, err := idpmock.LoadKeyPair(keyPEM, certPEM)
		if err != nil {
			return nil, nil, fmt.Errorf("default key pair in %s: %w "+
				"(delete the two files to make a new pair)", dir, err)
		}
		return key, cert, nil
	}
	for _, err := range []error{err1, err2} {
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return a.uncachedKeyPair(err)
		}
	}

	key, cert, err := a.freshKeyPair()
	if err != nil {
		return nil, nil, err
	}
	// One of the two may be left from an interrupted run: replace both.
	_ = os.Remove(keyPath)
	_ = os.Remove(certPath)
	err = os.MkdirAll(dir, 0o700)
	if err == nil {
		err = fixtures.WriteKeyPair(keyPath, certPath, key, cert)
	}
	if err != nil {
		a.warnUncached(err)
	}
	return key, cert, nil
}

// uncachedKeyPair makes a pair for this run alone, with a warning.
func (a *app) uncachedKeyPair(cause error) (crypto.Signer, *x509.Certificate, error) {
	a.warnUncached(cause)
	return a.freshKeyPair()
}

func (a *app) warnUncached(cause error) {
	fmt.Fprintf(a.stderr, "samlharness: warning: cannot keep the default signing key "+
		"(%v); this run uses a fresh one, so a later run will not verify what it signs\n"+
		"hint: set SAMLHARNESS_CACHE to a writable directory, or use --config\n", cause)
}

func (a *app) freshKeyPair() (crypto.Signer, *x509.Certificate, error) {
	return idpmock.GenerateCertificate(idpmock.CertOptions{
		Bits: 2048, Days: fixtures.DefaultCertificateDays, Now: a.now(), Rand: a.rand})
}
