package main

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/lakipay/checkout-go/internal/webhook"
)

// errNotSigningKey is the reason a --signing-key file is refused.
var errNotSigningKey = fmt.Errorf("not a PEM RSA private key (PKCS#8 \"PRIVATE KEY\" or PKCS#1 \"RSA PRIVATE KEY\") of at least %d bits", webhook.MinKeyBits)

// loadOrCreateSigningKey reads the webhook signing key of `mock --signing-key` from name, or,
// when name does not exist, generates a key and writes it there (PKCS#8 PEM, mode 0600), so
// that the mock's public key stays the same across restarts. A file that another process
// created in the meantime wins: it is never overwritten.
func loadOrCreateSigningKey(name string) (key *rsa.PrivateKey, created bool, err error) {
	name = filepath.Clean(name)
	pemBytes, err := readFile(name)
	switch {
	case err == nil:
		key, err := parseSigningKey(pemBytes)
		return key, false, err
	case !errors.Is(err, fs.ErrNotExist):
		return nil, false, err
	}
	key, err = rsa.GenerateKey(rand.Reader, webhook.MinKeyBits)
	if err != nil {
		return nil, false, fmt.Errorf("generate signing key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, false, fmt.Errorf("encode signing key: %w", err)
	}
	err = writeFileExclusive(name, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	if errors.Is(err, fs.ErrExist) {
		return loadOrCreateSigningKey(name)
	}
	if err != nil {
		return nil, false, err
	}
	return key, true, nil
}

// parseSigningKey reads an RSA private key from PEM, refusing anything else; the message
// never contains the file's content.
func parseSigningKey(pemBytes []byte) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return nil, errNotSigningKey
	}
	var key *rsa.PrivateKey
	switch block.Type {
	case "RSA PRIVATE KEY":
		k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, errNotSigningKey
		}
		key = k
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		rk, ok := k.(*rsa.PrivateKey)
		if err != nil || !ok {
			return nil, errNotSigningKey
		}
		key = rk
	default:
		return nil, errNotSigningKey
	}
	if key.N.BitLen() < webhook.MinKeyBits {
		return nil, errNotSigningKey
	}
	return key, nil
}

// writeFileExclusive writes data to name (mode 0600) only if name does not exist yet, through
// a temporary file and a hard link, so that a reader never sees a half-written file and an
// existing file is never replaced (fs.ErrExist then).
func writeFileExclusive(name string, data []byte) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, os.Remove(tmp.Name())) }()
	if _, err := tmp.Write(data); err != nil {
		return errors.Join(err, tmp.Close())
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Link(tmp.Name(), name)
}
