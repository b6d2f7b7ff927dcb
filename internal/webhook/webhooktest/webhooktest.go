// Package webhooktest builds, for tests, webhooks that package webhook's own Sign refuses to
// make: bodies signed over a canonical string given verbatim, as a signer with other rules
// would sign them, and the forgery an attacker builds from a genuine signature over an
// ambiguous body (issue 10). The builders live in package webhook (the fake LakiPay sends
// them at run time too); this package gives tests their fixed inputs.
package webhooktest

import (
	"crypto/rsa"

	"github.com/lakipay/checkout-go/internal/webhook/forge"
)

// SignCanonical returns the base64 RSA PKCS#1 v1.5 signature of the SHA-256 of canonical,
// made with key: what LakiPay's server would put in a webhook's signature field.
func SignCanonical(key *rsa.PrivateKey, canonical string) (string, error) {
	return forge.SignCanonical(key, canonical)
}

// WithSignature returns body, a JSON object without a signature field, with a last field
// "signature" set to sig.
func WithSignature(body, sig string) string { return forge.WithSignature(body, sig) }

// NaiveCanonical is the canonical string computed as a verifier without any ambiguity check
// would (see [forge.NaiveCanonical]): tests use it to prove that a forgery really carries a
// genuine signature.
func NaiveCanonical(body string) (string, error) { return forge.NaiveCanonical(body) }

// Shift is the forgery of issue 10 (see [forge.Shift]).
type Shift = forge.Shift

// Issue10 are the values of the forgery as issue 10 reported it: a CANCELLED webhook of
// TXN-real re-split into a SUCCESS webhook of TXN-victim.
var Issue10 = forge.ShiftParams{
	OriginalID: "TXN-real", OriginalTime: "2026-01-15T10:30:00Z",
	VictimID: "TXN-victim", Reference: "X", Amount: "100", Currency: "ETB",
	ClaimedTime: "2026-01-01T00:00:00Z",
}

// NewShift builds the forgery of issue 10 ([Issue10]), signing the original body's canonical
// string with key as LakiPay would.
func NewShift(key *rsa.PrivateKey) (Shift, error) { return forge.NewShift(key, Issue10) }
