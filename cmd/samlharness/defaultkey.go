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
// a later "samlharness check" verifies. When no cache is writable, a
// fresh pair serves this run alone.
func (a *app) defaultKeyPair() (crypto.Signer, *x509.Certificate, error) {
	dir := os.Getenv("SAMLHARNESS_CACHE")
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return a.freshKeyPair()
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
	if !errors.Is(err1, fs.ErrNotExist) && err1 != nil {
		return a.freshKeyPair()
	}
	key, cert, err := a.freshKeyPair()
	if err != nil {
		return nil, nil, err
	}
	if os.MkdirAll(dir, 0o700) == nil {
		_ = fixtures.WriteKeyPair(keyPath, certPath, key, cert)
	}
	return key, cert, nil
}

func (a *app) freshKeyPair() (crypto.Signer, *x509.Certificate, error) {
	return idpmock.GenerateCertificate(idpmock.CertOptions{
		Bits: 2048, Days: fixtures.DefaultCertificateDays, Now: a.now(), Rand: a.rand})
}
