package client

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/internal/webhook"
)

// TestEventFieldsMatchWebhookEvent fails when gen.WebhookEvent gains, loses or retypes a field
// (openapi.yaml changed): decodeFields and eventFields must then learn it. Until they do,
// ParseWebhook stays correct by decoding with json.Unmarshal.
func TestEventFieldsMatchWebhookEvent(t *testing.T) {
	var got, want []string
	for _, f := range reflect.VisibleFields(reflect.TypeFor[WebhookEvent]()) {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		got = append(got, name+" "+f.Type.String())
	}
	for _, f := range eventFields {
		want = append(want, f.name+" "+f.typ.String())
	}
	assert.Equal(t, want, got, "gen.WebhookEvent changed: update decodeFields and eventFields in webhook.go")
	assert.True(t, fastEventDecoding())
}

// checkDecodeEvent compares decodeEvent with json.Unmarshal into a WebhookEvent for a body
// package webhook can split, and reports whether the fields were decoded without
// json.Unmarshal.
func checkDecodeEvent(t *testing.T, body []byte) (fast bool) {
	t.Helper()
	fields, err := webhook.Fields(body)
	if err != nil {
		return false
	}
	var want WebhookEvent
	wantErr := json.Unmarshal(body, &want)
	got, err := decodeEvent(fields, body)
	if wantErr != nil {
		require.Error(t, err)
		assert.Equal(t, wantErr.Error(), err.Error())
		assert.Nil(t, got)
	} else {
		require.NoError(t, err)
		assert.Equal(t, want, *got)
	}
	var direct WebhookEvent
	var medium Medium
	fast = decodeFields(fields, &direct, &medium)
	if fast {
		require.NoError(t, wantErr, "decodeFields accepted what json.Unmarshal refuses")
		assert.Equal(t, want, direct)
	}
	return fast
}

func TestDecodeEventAgreesWithJSON(t *testing.T) {
	replace := func(old, repl string) string { return strings.Replace(webhookPayload, old, repl, 1) }
	tests := []struct {
		name string
		body string
		fast bool // decoded without json.Unmarshal
	}{
		{name: "seed payload", body: webhookPayload, fast: true},
		{name: "signed seed payload", body: sign(t, webhookPayload, lakipayKey()), fast: true},
		{name: "without medium", body: replace(`"medium":"MPESA",`, ""), fast: true},
		{name: "unknown fields are ignored", body: replace(`{`, `{"extra":{"amount":1},"note":"x",`), fast: true},
		{name: "negative amount", body: replace(`100.00`, `-1`)},
		{name: "empty object", body: `{}`, fast: true},
		{name: "medium null", body: replace(`"MPESA"`, `null`)},
		{name: "escaped string", body: replace(`"ORDER-12345"`, `"ORDER-\u0031\n"`)},
		{name: "escaped key", body: replace(`"status"`, `"st\u0061tus"`), fast: true},
		{name: "key in another case", body: replace(`{`, `{"Status":"FAILED",`)},
		{name: "key in another case only", body: replace(`"status"`, `"STATUS"`)},
		{name: "key folding by Unicode", body: replace(`"status"`, `"ſtatus"`)},
		{name: "any non-ASCII key", body: replace(`{`, `{"é":1,`)},
		{name: "amount as a string", body: replace(`100.00`, `"100.00"`)},
		{name: "amount with three decimals", body: replace(`100.00`, `1.005`)},
		{name: "amount null", body: replace(`100.00`, `null`)},
		{name: "amount an object", body: replace(`100.00`, `{}`)},
		{name: "timestamp not RFC 3339", body: replace(`2024-01-15T10:30:00Z`, `2024-01-15 10:30`)},
		{name: "timestamp a number", body: replace(`"2024-01-15T10:30:00Z"`, `1705314600`)},
		{name: "timestamp null", body: replace(`"2024-01-15T10:30:00Z"`, `null`)},
		{name: "status a number", body: replace(`"SUCCESS"`, `7`)},
		{name: "reference null", body: replace(`"ORDER-12345"`, `null`)},
		{name: "reference an array", body: replace(`"ORDER-12345"`, `["x"]`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.fast, checkDecodeEvent(t, []byte(tt.body)))
		})
	}
}

// FuzzDecodeEvent checks on arbitrary bodies that ParseWebhook's decoding yields exactly what
// json.Unmarshal into a WebhookEvent yields: the same event or the same error.
func FuzzDecodeEvent(f *testing.F) {
	for _, seed := range []string{webhookPayload, `{}`, `{"amount":1e2,"medium":null}`,
		`{"Amount":5,"amount":1}`, `{"status":"\u0053"}`, `{"timestamp":"2024-02-30T00:00:00Z"}`,
		`{"timestamp":"2024-01-15T10:30:00.123+03:00","amount":-0}`, `{"amount":"1","currency":1}`,
		`{"transaction_ıd":"x"}`, `{"signature":"AA==","x":[{"status":1}]}`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		checkDecodeEvent(t, body)
	})
}
