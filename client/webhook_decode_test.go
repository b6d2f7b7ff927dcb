package client

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/internal/contract"
	"github.com/lakipay/checkout-go/internal/webhook"
)

// checkDecodeEvent holds decodeEvent to json.Unmarshal into a WebhookEvent on a body the
// contract accepts (the only bodies ParseWebhook decodes). It reports whether the body was
// compared: json.Unmarshal also stores a member whose key matches a field's name but for
// case ("Status", "ſtatus"), one the contract never judged; decodeEvent reads only the exact
// names, so such bodies are where the two differ by design.
func checkDecodeEvent(t *testing.T, body []byte) bool {
	t.Helper()
	if contract.ValidateWebhook(body, contract.Options{Lenient: true}) != nil {
		return false
	}
	fields, err := webhook.Fields(body)
	require.NoError(t, err, "the contract accepted a body the webhook splitter refuses")
	for _, f := range fields {
		if foldsToEventField(f.Key) {
			return false
		}
	}
	var want WebhookEvent
	require.NoError(t, json.Unmarshal(body, &want), "the contract accepted a body json.Unmarshal refuses")
	got, err := decodeEvent(fields)
	require.NoError(t, err)
	assert.Equal(t, want, *got)
	return true
}

// foldsToEventField reports whether json.Unmarshal might store the member named key, which
// is none of WebhookEvent's JSON names, in one of its fields: key equals one of them but for
// case, or holds a non-ASCII byte (encoding/json folds by Unicode rules).
func foldsToEventField(key []byte) bool {
	names := []string{"event", "transaction_id", "reference", "amount", "currency", "status", "medium", "timestamp", "signature"}
	for _, name := range names {
		if string(key) == name {
			return false
		}
	}
	if !utf8.Valid(key) || bytes.ContainsFunc(key, func(r rune) bool { return r >= utf8.RuneSelf }) {
		return true
	}
	for _, name := range names {
		if strings.EqualFold(string(key), name) {
			return true
		}
	}
	return false
}

func TestDecodeEventAgreesWithJSON(t *testing.T) {
	replace := func(old, repl string) string { return strings.Replace(webhookPayload, old, repl, 1) }
	signed := func(body string) string { return sign(t, body, lakipayKey()) }
	tests := []struct {
		name     string
		body     string
		compared bool // the contract accepts it and no key folds to a field's name
	}{
		{name: "docs payload", body: signed(webhookPayload), compared: true},
		{name: "without medium", body: signed(replace(`"medium":"MPESA",`, "")), compared: true},
		{name: "unknown fields are ignored", body: signed(replace(`{`, `{"extra":{"amount":1},"note":"x",`)), compared: true},
		{name: "escaped string", body: signed(replace(`"ORDER-12345"`, `"ORDER-\u0031"`)), compared: true},
		{name: "escaped key", body: signed(replace(`"status"`, `"st\u0061tus"`)), compared: true},
		{name: "amount as a decimal string", body: signed(replace(`100.00`, `"100.00"`)), compared: true},
		{name: "key in another case", body: signed(replace(`{`, `{"Status":"FAILED",`))},
		{name: "key folding by Unicode", body: signed(replace(`{`, `{"ſtatus":"FAILED",`))},
		{name: "negative amount", body: replace(`100.00`, `-1`)},
		{name: "timestamp not RFC 3339", body: replace(`2024-01-15T10:30:00Z`, `2024-01-15 10:30`)},
		{name: "reference an array", body: replace(`"ORDER-12345"`, `["x"]`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.compared, checkDecodeEvent(t, []byte(tt.body)))
		})
	}
}

// TestDecodeEventReadsOnlyJudgedKeys is the reason decodeEvent does not call json.Unmarshal:
// a member whose key differs from a field's name only by case is never judged by the
// contract, and json.Unmarshal would let it replace the judged value.
func TestDecodeEventReadsOnlyJudgedKeys(t *testing.T) {
	body := []byte(sign(t, strings.Replace(webhookPayload, `"medium":"MPESA",`, `"medium":"MPESA","Status":"bogus",`, 1), lakipayKey()))
	require.Nil(t, contract.ValidateWebhook(body, contract.Options{Lenient: true}))
	event, err := ParseWebhook(body, &lakipayKey().PublicKey)
	require.NoError(t, err)
	assert.Equal(t, TransactionStatusSUCCESS, event.Status, "the judged member wins")
	var naive WebhookEvent
	require.NoError(t, json.Unmarshal(body, &naive))
	assert.Equal(t, TransactionStatus("bogus"), naive.Status, "json.Unmarshal takes the unjudged one")
}

// FuzzDecodeEvent checks on arbitrary bodies that ParseWebhook's decoding yields exactly what
// json.Unmarshal into a WebhookEvent yields, wherever the contract accepts the body.
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

// TestDecodeEventEnumsAndText: Event, Medium and Status are the package's constants, or the
// text itself for a value outside them (which the contract refuses before decodeEvent runs);
// the other strings are the body's decoded text.
func TestDecodeEventEnumsAndText(t *testing.T) {
	body := strings.NewReplacer(`"SUCCESS"`, `"REFUNDED"`, `"MPESA"`, `"M\u0050ESA"`).Replace(webhookPayload)
	fields, err := webhook.Fields([]byte(body))
	require.NoError(t, err)
	event, err := decodeEvent(fields)
	require.NoError(t, err)
	assert.Equal(t, TransactionStatus("REFUNDED"), event.Status)
	assert.Equal(t, MediumMPESA, event.Medium)
	assert.Equal(t, TransactionTypeDEPOSIT, event.Event)
	assert.Equal(t, "TXN-123456789", event.TransactionID)
	assert.Equal(t, "ORDER-12345", event.Reference)
	assert.Equal(t, "ETB", event.Currency)
}

// TestDeduplicationKeepsItsOwnCopy: the memory store keeps its own copy of a transaction id
// and status, never a slice of the event's text, which also holds the signature (bounded
// memory per settled status).
func TestDeduplicationKeepsItsOwnCopy(t *testing.T) {
	text := "TXN-1" + strings.Repeat("s", 344) // an id sharing its memory with a long signature
	id := text[:5]
	statusText := "SUCCESS" + strings.Repeat("s", 344)
	status := TransactionStatus(statusText[:7])
	store, err := NewMemoryDedupStore(2)
	require.NoError(t, err)
	result, err := SettleOnce(t.Context(), store, id, status, func(context.Context) error { return nil })
	require.NoError(t, err)
	require.Equal(t, Settled, result)
	require.Len(t, store.settled, 1)
	for remembered, statuses := range store.settled {
		assert.Equal(t, id, remembered)
		assert.NotSame(t, unsafe.StringData(id), unsafe.StringData(remembered))
		require.Equal(t, []TransactionStatus{status}, statuses)
		assert.NotSame(t, unsafe.StringData(string(status)), unsafe.StringData(string(statuses[0])))
	}
	for _, p := range store.order {
		assert.NotSame(t, unsafe.StringData(id), unsafe.StringData(p.id))
	}
	assert.Empty(t, store.claims, "the claim ended with the settlement")
}

// TestEventOwnsItsText: an event shares no memory with the body it was parsed from, so that a
// WebhookHandler reuses its buffer for the next body while the function still holds the
// event. Each string is checked, escaped ones and values the SDK does not know included.
func TestEventOwnsItsText(t *testing.T) {
	body := []byte(sign(t, strings.NewReplacer(`"SUCCESS"`, `"REFUNDED"`, `"MPESA"`, `"AWASH"`, `"DEPOSIT"`, `"D\u0045POSIT"`,
		`"ORDER-12345"`, `"ORDER-\u0031"`).Replace(webhookPayload), lakipayKey()))
	event, err := ParseWebhook(body, &lakipayKey().PublicKey)
	require.NoError(t, err)
	want, err := ParseWebhook(bytes.Clone(body), &lakipayKey().PublicKey)
	require.NoError(t, err)
	for _, s := range []string{string(event.Status), string(event.Medium), string(event.Event), event.Reference, event.TransactionID,
		event.Currency, event.Signature} {
		require.NotEmpty(t, s)
		data := unsafe.StringData(s)
		inBody := uintptr(unsafe.Pointer(data)) >= uintptr(unsafe.Pointer(&body[0])) &&
			uintptr(unsafe.Pointer(data)) < uintptr(unsafe.Pointer(&body[0]))+uintptr(len(body))
		assert.False(t, inBody, "%q is a part of the body", s)
	}
	for i := range body {
		body[i] = 'x'
	}
	assert.Equal(t, *want, *event)
}
