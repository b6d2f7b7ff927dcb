// Package webhooktest builds, for tests, webhooks that package webhook's own Sign refuses to
// make: bodies signed over a canonical string given verbatim, as a signer with other rules
// would sign them, and the forgeries an attacker builds from a genuine signature over an
// ambiguous body (issue 10).
package webhooktest

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"slices"
	"strings"
)

// SignCanonical returns the base64 RSA PKCS#1 v1.5 signature of the SHA-256 of canonical,
// made with key: what LakiPay's server would put in a webhook's signature field.
func SignCanonical(key *rsa.PrivateKey, canonical string) (string, error) {
	digest := sha256.Sum256([]byte(canonical))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:])
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(sig), nil
}

// WithSignature returns body, a JSON object without a signature field, with a last field
// "signature" set to sig.
func WithSignature(body, sig string) string {
	return strings.TrimSuffix(strings.TrimSpace(body), "}") + `,"signature":"` + sig + `"}`
}

// NaiveCanonical is the canonical string of LakiPay's documentation computed as a verifier
// without any ambiguity check would: every top-level field but "signature", sorted by key,
// as key=value joined with "&", a string without its quotes and anything else as its JSON
// text. Tests use it to prove that a forgery really carries a genuine signature.
func NaiveCanonical(body string) (string, error) {
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	var fields map[string]any
	if err := dec.Decode(&fields); err != nil {
		return "", err
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		if k != "signature" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		var value string
		switch v := fields[k].(type) {
		case string:
			value = v
		case json.Number:
			value = v.String()
		default:
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(v); err != nil {
				return "", err
			}
			value = strings.TrimSuffix(buf.String(), "\n")
		}
		parts[i] = k + "=" + value
	}
	return strings.Join(parts, "&"), nil
}

// Shift is the forgery of issue 10. Original is a CANCELLED webhook for TXN-real whose
// reference the attacker chose; LakiPay signed it genuinely. The forged bodies re-split the
// same canonical string into a SUCCESS webhook for TXN-victim, moving the rest of the
// original into an extra key (ThroughKey) or into transaction_id's value (ThroughValue), and
// carry the original's signature.
type Shift struct {
	// Canonical is the canonical string all three bodies share.
	Canonical string
	// Original is the genuine, signed CANCELLED webhook with the attacker's reference.
	Original string
	// ThroughKey says SUCCESS for TXN-victim; the tail hides in an extra top-level key.
	ThroughKey string
	// ThroughValue says SUCCESS; the tail hides in the transaction_id value.
	ThroughValue string
}

// The parts of the shift forgery: the attacker's reference and what the real webhook says.
const (
	shiftReference = "X&status=SUCCESS&timestamp=2026-01-01T00:00:00Z&transaction_id=TXN-victim&zz"
	shiftTail      = "zz&status=CANCELLED&timestamp=2026-01-15T10:30:00Z&transaction_id"
)

// NewShift builds the forgery of issue 10, signing the original body's canonical string with
// key as LakiPay would.
func NewShift(key *rsa.PrivateKey) (Shift, error) {
	original := `{"event":"DEPOSIT","transaction_id":"TXN-real","reference":"` + shiftReference +
		`","amount":100,"currency":"ETB","status":"CANCELLED","timestamp":"2026-01-15T10:30:00Z"}`
	throughKey := `{"event":"DEPOSIT","transaction_id":"TXN-victim","reference":"X","amount":100,"currency":"ETB",` +
		`"status":"SUCCESS","timestamp":"2026-01-01T00:00:00Z","` + shiftTail + `":"TXN-real"}`
	throughValue := `{"event":"DEPOSIT","transaction_id":"TXN-victim&` + shiftTail + `=TXN-real","reference":"X",` +
		`"amount":100,"currency":"ETB","status":"SUCCESS","timestamp":"2026-01-01T00:00:00Z"}`
	canonical, err := NaiveCanonical(original)
	if err != nil {
		return Shift{}, err
	}
	for _, forged := range []string{throughKey, throughValue} {
		if c, err := NaiveCanonical(forged); err != nil || c != canonical {
			return Shift{}, errors.Join(errors.New("webhooktest: a forged body does not share the original's canonical string"), err)
		}
	}
	sig, err := SignCanonical(key, canonical)
	if err != nil {
		return Shift{}, err
	}
	return Shift{
		Canonical:    canonical,
		Original:     WithSignature(original, sig),
		ThroughKey:   WithSignature(throughKey, sig),
		ThroughValue: WithSignature(throughValue, sig),
	}, nil
}
