// Package vectors reads testdata/webhook-vectors.json, the webhook signature test vectors this
// module publishes for verifiers in any language: a fixed RSA-2048 test key and webhook bodies
// (genuine, numbers written in other exact forms, forgeries, ambiguous, unsigned, malformed),
// each with its canonical string, its signature and the verdict a verifier must reach. The
// verifiers' tests (package webhook's and package client's) read it and check every verdict;
// this package's own test writes it (`go test ./internal/webhook/vectors -update`) and fails
// when it is not what the cases say.
package vectors

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/lakipay/checkout-go/internal/webhook"
)

// Path is where the vectors file lives, relative to the module root.
const Path = "testdata/webhook-vectors.json"

// The verdicts of a case.
const (
	Accept = "accept"
	Reject = "reject"
)

// The error kinds of a refused case, one for each sentinel error of package webhook.
const (
	Malformed        = "malformed"         // not one JSON object with unique keys, or a signature that is not a string
	Ambiguous        = "ambiguous"         // a canonical string that does not determine the fields
	NoSignature      = "no_signature"      // no signature field, or an empty one
	InvalidSignature = "invalid_signature" // a signature that does not verify
)

// Errors are the sentinel errors of package webhook (and so of package client, whose webhook
// errors are the same values) for each error kind.
var Errors = map[string]error{
	Malformed:        webhook.ErrMalformed,
	Ambiguous:        webhook.ErrAmbiguous,
	NoSignature:      webhook.ErrNoSignature,
	InvalidSignature: webhook.ErrInvalidSignature,
}

// The keys a case can be signed with.
const (
	LakiPay  = "lakipay"  // the key the verifier trusts
	Attacker = "attacker" // a key of the right size that is not LakiPay's
)

// File is the vectors file.
type File struct {
	// About says what the file is and how to use it.
	About []string `json:"about"`
	// Keys are the test keys by name: LakiPay and Attacker.
	Keys map[string]Key `json:"keys"`
	// Cases are the vectors.
	Cases []Case `json:"cases"`
}

// Key is an RSA-2048 test key in PEM: never use it for anything but tests.
type Key struct {
	// PublicKeyPEM is the public key as PKIX ("PUBLIC KEY"), the form LakiPay's dashboard
	// hands out.
	PublicKeyPEM string `json:"public_key_pem"`
	// PublicKeyPKCS1PEM is the same public key as PKCS#1 ("RSA PUBLIC KEY"), which a
	// verifier accepts too.
	PublicKeyPKCS1PEM string `json:"public_key_pkcs1_pem"`
	// PrivateKeyPEM is the private key as PKCS#8 ("PRIVATE KEY").
	PrivateKeyPEM string `json:"private_key_pem"`
}

// Case is one webhook body and the verdict on it.
type Case struct {
	// Name is the case's name, unique in the file.
	Name string `json:"name"`
	// Description says what the case holds and which wrong verifier it catches.
	Description string `json:"description"`
	// Body is the webhook body, byte for byte as LakiPay (or an attacker) would POST it.
	Body string `json:"body"`
	// Canonical is the body's canonical string under the documented rule; nil where the
	// rule refuses the body (ambiguous or malformed).
	Canonical *string `json:"canonical"`
	// Signature is the body's "signature" value; nil when it has none or it is not a string.
	Signature *string `json:"signature"`
	// Signed is the text the signature was made over, nil when the body carries no signature
	// made by a key; SignedWith names that key.
	Signed     *string `json:"signed"`
	SignedWith string  `json:"signed_with,omitempty"`
	// Verdict is Accept or Reject.
	Verdict string `json:"verdict"`
	// Error is the error kind of a refused case (Malformed, Ambiguous, NoSignature or
	// InvalidSignature), nil for an accepted one. A verifier that tells errors apart should
	// agree; one that does not must still refuse.
	Error *string `json:"error"`
}

// Load reads the vectors file from the module that holds the working directory.
func Load() (*File, error) {
	path, err := FilePath()
	if err != nil {
		return nil, err
	}
	raw, err := os.ReadFile(path) //nolint:gosec // G304: the module's own test vectors
	if err != nil {
		return nil, err
	}
	var f File
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, fmt.Errorf("%s: %w", Path, err)
	}
	return &f, nil
}

// FilePath is the vectors file's path in the module that holds the working directory.
func FilePath() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, filepath.FromSlash(Path)), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("vectors: no go.mod above the working directory")
		}
		dir = parent
	}
}
