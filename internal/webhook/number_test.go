package webhook_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/internal/webhook"
	"github.com/lakipay/checkout-go/internal/webhook/forge"
)

// TestVerifyNumberForms is the vector table of issue 10: a signature made over the same
// values with the numbers written in another exact form verifies (the body's own text, the
// shortest form, two decimals, Python's float text, each applied to all numbers together);
// a form that changes a value, or any other writing, never does. Each signature is made over
// the canonical string given, with rsa.SignPKCS1v15.
func TestVerifyNumberForms(t *testing.T) {
	const rest = "&currency=ETB&status=SUCCESS"
	tests := []struct {
		name     string
		body     string // the amount as the body writes it
		signed   string // the amount as the signer wrote it in the canonical string
		verifies bool
	}{
		// The body's own text.
		{name: "raw 100.00", body: "100.00", signed: "100.00", verifies: true},
		{name: "raw 1e2", body: "1e2", signed: "1e2", verifies: true},
		{name: "raw with 16 significant digits", body: "1234567890.123456", signed: "1234567890.123456", verifies: true},
		{name: "raw beyond every SDK's range", body: "1e400", signed: "1e400", verifies: true},
		// Shortest (the JavaScript SDK's writing, and what our signers write).
		{name: "shortest 100 for 100.00", body: "100.00", signed: "100", verifies: true},
		{name: "shortest 1000.5 for 1000.50", body: "1000.50", signed: "1000.5", verifies: true},
		{name: "shortest 100 for 1e2", body: "1e2", signed: "100", verifies: true},
		{name: "shortest 0.07 for 0.070", body: "0.070", signed: "0.07", verifies: true},
		// Two decimals.
		{name: "two decimals 100.00 for 100", body: "100", signed: "100.00", verifies: true},
		{name: "two decimals 1000.50 for 1000.5", body: "1000.5", signed: "1000.50", verifies: true},
		{name: "two decimals 0.50 for 0.5", body: "0.5", signed: "0.50", verifies: true},
		// Python's float text (the Python SDK's writing of a float).
		{name: "Python 100.0 for 100", body: "100", signed: "100.0", verifies: true},
		{name: "Python 100.0 for 100.00", body: "100.00", signed: "100.0", verifies: true},
		{name: "Python 1000.5 for 1000.50", body: "1000.50", signed: "1000.5", verifies: true},
		{name: "Python 1e+16 for 10000000000000000", body: "10000000000000000", signed: "1e+16", verifies: true},
		// Forms that change the value.
		{name: "100.004 rounded to 100.00", body: "100.004", signed: "100.00", verifies: false},
		{name: "100.004 rounded to 100", body: "100.004", signed: "100", verifies: false},
		{name: "1000.05 for 1000.5", body: "1000.5", signed: "1000.05", verifies: false},
		{name: "1000.5 for 1000.05", body: "1000.05", signed: "1000.5", verifies: false},
		{name: "100.01 for 100", body: "100", signed: "100.01", verifies: false},
		{name: "1.0000000000000001 read as a float", body: "1.0000000000000001", signed: "1.0", verifies: false},
		{name: "1.0000000000000001 shortened", body: "1.0000000000000001", signed: "1", verifies: false},
		// Exact writings that are none of the forms are not tried.
		{name: "not a form: 100.000", body: "100", signed: "100.000", verifies: false},
		{name: "not a form: 1e2", body: "100", signed: "1e2", verifies: false},
		{name: "not a form: 1E+2", body: "100.00", signed: "1E+2", verifies: false},
		{name: "not a form: +100", body: "100", signed: "+100", verifies: false},
		{name: "not a form: .5", body: "0.5", signed: ".5", verifies: false},
		{name: "no other form beyond the SDKs' range", body: "1e400", signed: "1" + strings.Repeat("0", 400), verifies: false},
		{name: "no other form with 16 significant digits", body: "1234567890.1234560", signed: "1234567890.123456", verifies: false},
	}
	key := testKey()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sig, err := forge.SignCanonical(key, "amount="+tt.signed+rest)
			require.NoError(t, err)
			body := forge.WithSignature(`{"amount":`+tt.body+`,"currency":"ETB","status":"SUCCESS"}`, sig)
			err = webhook.Verify([]byte(body), &key.PublicKey)
			if tt.verifies {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, webhook.ErrInvalidSignature)
			}
		})
	}
}

// TestVerifyNumberFormsTogether checks that a form applies to every top-level number at once,
// that a form that cannot write one number is not tried for the others, that strings are
// never rewritten as numbers are, and that nested numbers keep their text.
func TestVerifyNumberFormsTogether(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		signed   string
		verifies bool
	}{
		{name: "both shortest", body: `{"a":100.00,"b":2.50}`, signed: "a=100&b=2.5", verifies: true},
		{name: "both two decimals", body: `{"a":100,"b":2.5}`, signed: "a=100.00&b=2.50", verifies: true},
		{name: "both Python", body: `{"a":100,"b":2.50}`, signed: "a=100.0&b=2.5", verifies: true},
		{name: "mixed forms are not tried", body: `{"a":100,"b":2.5}`, signed: "a=100.00&b=2.5", verifies: false},
		{name: "no two decimals when one number has three", body: `{"a":100,"b":2.125}`, signed: "a=100.00&b=2.125", verifies: false},
		{name: "the other forms still apply", body: `{"a":100.00,"b":2.125}`, signed: "a=100&b=2.125", verifies: true},
		{name: "a string is not a number", body: `{"a":"100.00"}`, signed: "a=100", verifies: false},
		{name: "a decimal string verifies as its text", body: `{"a":"100.00"}`, signed: "a=100.00", verifies: true},
		{name: "nested numbers keep their text", body: `{"o":{"a":100.00}}`, signed: `o={"a":100}`, verifies: false},
		{name: "a number in another form next to literals", body: `{"a":1.50,"t":true,"n":null}`, signed: "a=1.5&n=null&t=true", verifies: true},
	}
	key := testKey()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sig, err := forge.SignCanonical(key, tt.signed)
			require.NoError(t, err)
			err = webhook.Verify([]byte(forge.WithSignature(tt.body, sig)), &key.PublicKey)
			if tt.verifies {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, webhook.ErrInvalidSignature)
			}
		})
	}
}
