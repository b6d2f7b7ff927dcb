package webhooks

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/internal/webhook"
	"github.com/lakipay/checkout-go/internal/webhook/forge"
)

// The hostile bodies an attacker posts to a callback_url, made from a genuine webhook or
// from the event it claims. Which case of the fake uses which is the fake's.

// ForgerKey returns the other RSA-2048 key [Forged] signs with: made once per process, the
// first time it is asked for (ask before taking a lock: making it takes up to seconds).
func ForgerKey() (*rsa.PrivateKey, error) { return forgerKey() }

var forgerKey = sync.OnceValues(func() (*rsa.PrivateKey, error) {
	return rsa.GenerateKey(rand.Reader, webhook.MinKeyBits)
})

// Forged returns event signed by [ForgerKey] instead of LakiPay's key.
func Forged(event client.WebhookEvent) ([]byte, error) {
	key, err := ForgerKey()
	if err != nil {
		return nil, err
	}
	return Sign(event, key)
}

// Unsigned returns event's JSON without a signature field.
func Unsigned(event client.WebhookEvent) ([]byte, error) {
	raw, err := json.Marshal(event)
	if err != nil {
		return nil, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, err
	}
	delete(fields, webhook.SignatureField)
	return json.Marshal(fields)
}

// Tamper returns the signed body with the value of its top-level field replaced by value
// (JSON text), its signature left as it was.
func Tamper(body []byte, field, value string) ([]byte, error) {
	fields, err := webhook.Fields(body)
	if err != nil {
		return nil, err
	}
	for _, fl := range fields {
		if string(fl.Key) == field {
			out := append([]byte(nil), body[:fl.Offset]...)
			out = append(out, value...)
			return append(out, body[fl.Offset+len(fl.Value):]...), nil
		}
	}
	return nil, fmt.Errorf("the webhook has no %q field", field)
}

// RepeatField returns the signed body with field given a second time, as value (JSON text),
// after its last member, its signature left as it was: most JSON decoders read the last of a
// repeated key, where a verifier may have checked the first.
func RepeatField(body []byte, field, value string) []byte {
	end := bytes.LastIndexByte(body, '}')
	return append(body[:end:end], `,"`+field+`":`+value+`}`...)
}

// shiftOriginalID is the attacker's transaction in a shifted body: the genuine CANCELLED
// webhook the forgery re-splits was about it.
const shiftOriginalID = "TXN-attacker"

// Shifted returns the boundary-shift forgery that claims claim (a SUCCESS), through an extra
// key or through transaction_id's value, carrying key's genuine signature over the canonical
// string it shares with an ambiguous CANCELLED webhook of another transaction (see package
// forge). A verifier without the ambiguity check accepts it.
func Shifted(key *rsa.PrivateKey, claim client.WebhookEvent, throughKey bool) ([]byte, error) {
	amount, err := claim.Amount.MarshalJSON()
	if err != nil {
		return nil, err
	}
	shift, err := forge.NewShift(key, forge.ShiftParams{
		OriginalID: shiftOriginalID, OriginalTime: claim.Timestamp.Add(-time.Minute).Format(time.RFC3339),
		VictimID: claim.TransactionID, Reference: claim.Reference, Amount: string(amount), Currency: claim.Currency,
		ClaimedTime: claim.Timestamp.Format(time.RFC3339),
	})
	if err != nil {
		return nil, err
	}
	if throughKey {
		return []byte(shift.ThroughKey), nil
	}
	return []byte(shift.ThroughValue), nil
}
