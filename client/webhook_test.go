package client

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/internal/contract"
	"github.com/lakipay/checkout-go/internal/webhook"
)

// webhookPayload is the payload of LakiPay's webhook documentation, with a medium.
const webhookPayload = `{"event":"DEPOSIT","transaction_id":"TXN-123456789","reference":"ORDER-12345","amount":100.00,"currency":"ETB","status":"SUCCESS","medium":"MPESA","timestamp":"2024-01-15T10:30:00Z"}`

var (
	lakipayKey = sync.OnceValue(func() *rsa.PrivateKey { return mustKey(2048) })
	forgerKey  = sync.OnceValue(func() *rsa.PrivateKey { return mustKey(2048) })
)

func mustKey(bits int) *rsa.PrivateKey {
	key, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		panic(err)
	}
	return key
}

func sign(t testing.TB, body string, key *rsa.PrivateKey) string {
	t.Helper()
	signed, err := SignWebhook([]byte(body), key)
	require.NoError(t, err)
	return string(signed)
}

func TestParseWebhook(t *testing.T) {
	pub := &lakipayKey().PublicKey
	event, err := ParseWebhook([]byte(sign(t, webhookPayload, lakipayKey())), pub)
	require.NoError(t, err)
	assert.Equal(t, "TXN-123456789", event.TransactionID)
	assert.Equal(t, TransactionStatusSUCCESS, event.Status)
	assert.Equal(t, "100.00", event.Amount.String())
	assert.Equal(t, time.Date(2024, 1, 15, 10, 30, 0, 0, time.UTC), event.Timestamp)
	assert.Equal(t, MediumMPESA, event.Medium)
	assert.NotEmpty(t, event.Signature)
}

// TestParseWebhookRefuses covers the key and the contract checks after a valid signature;
// forged and malformed bodies are in forgery_test.go.
func TestParseWebhookRefuses(t *testing.T) {
	pub := &lakipayKey().PublicKey
	good := sign(t, webhookPayload, lakipayKey())
	tests := []struct {
		name string
		body string
		key  *rsa.PublicKey
		want error
		why  string
	}{
		{name: "no key", body: good, key: nil, want: ErrNoWebhookKey},
		{name: "signed but three-decimal amount", body: sign(t, strings.Replace(webhookPayload, "100.00", "100.005", 1), lakipayKey()), key: pub, want: ErrMalformedWebhook, why: "amount: multipleOf"},
		{name: "signed but missing transaction_id", body: sign(t, strings.Replace(webhookPayload, `"transaction_id":"TXN-123456789",`, "", 1), lakipayKey()), key: pub, want: ErrMalformedWebhook, why: "transaction_id"},
		{name: "signed but bad timestamp", body: sign(t, strings.Replace(webhookPayload, "2024-01-15T10:30:00Z", "yesterday", 1), lakipayKey()), key: pub, want: ErrMalformedWebhook, why: "timestamp: format"},
		// base64 decoding skips line breaks, so the signature verifies; the contract does not
		// allow them.
		{name: "signature with an escaped line break", body: strings.Replace(good, `"signature":"`, `"signature":"\n`, 1), key: pub, want: ErrMalformedWebhook, why: "signature: pattern"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			event, err := ParseWebhook([]byte(tt.body), tt.key)
			require.Error(t, err)
			assert.Nil(t, event)
			assert.ErrorIs(t, err, tt.want)
			assert.Contains(t, err.Error(), tt.why)
		})
	}
}

func TestParsePublicKeyAndSignWebhook(t *testing.T) {
	key, err := ParsePublicKey(webhook.EncodePublicKey(&lakipayKey().PublicKey))
	require.NoError(t, err)
	assert.True(t, lakipayKey().PublicKey.Equal(key))
	_, err = ParsePublicKey([]byte("not a key"))
	assert.ErrorIs(t, err, ErrInvalidWebhookKey)
	_, err = SignWebhook([]byte(webhookPayload), nil)
	assert.ErrorIs(t, err, ErrNoWebhookKey)
}

// TestWebhookHandler covers the handler's own answers; forged and malformed bodies are in
// forgery_test.go, de-duplication too.
func TestWebhookHandler(t *testing.T) {
	pub := &lakipayKey().PublicKey
	good := sign(t, webhookPayload, lakipayKey())
	tests := []struct {
		name    string
		method  string
		body    string
		key     *rsa.PublicKey
		fnErr   error
		status  int
		text    string
		handled bool
	}{
		{name: "authentic", method: http.MethodPost, body: good, key: pub, status: 200, text: "ok", handled: true},
		{name: "fn fails, LakiPay retries", method: http.MethodPost, body: good, key: pub, fnErr: errors.New("db down"), status: 500, text: "webhook processing failed", handled: true},
		{name: "GET", method: http.MethodGet, body: "", key: pub, status: 405, text: "webhooks must be POSTed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *WebhookEvent
			fn := func(_ context.Context, e *WebhookEvent) error {
				got = e
				return tt.fnErr
			}
			rec := httptest.NewRecorder()
			req := httptest.NewRequestWithContext(context.Background(), tt.method, "/lakipay/webhook", strings.NewReader(tt.body))
			handler(t, tt.key, fn).ServeHTTP(rec, req)
			res := rec.Result()
			defer func() { _ = res.Body.Close() }()
			text, err := io.ReadAll(res.Body)
			require.NoError(t, err)
			assert.Equal(t, tt.status, res.StatusCode)
			assert.Contains(t, string(text), tt.text)
			assert.Equal(t, "text/plain; charset=utf-8", res.Header.Get("Content-Type"))
			assert.NotContains(t, string(text), "TXN-123456789", "the payload is never echoed")
			assert.NotContains(t, string(text), "ORDER-12345", "the payload is never echoed")
			if tt.handled {
				require.NotNil(t, got)
				assert.Equal(t, "TXN-123456789", got.TransactionID)
			} else {
				assert.Nil(t, got, "fn is not called for a refused webhook")
			}
			if tt.status == 405 {
				assert.Equal(t, http.MethodPost, res.Header.Get("Allow"))
			}
		})
	}
}

// TestNewWebhookHandlerRefusesBadConfiguration checks that what would make a handler trust
// nothing is an error when it is built, never a surprise on the first webhook.
func TestNewWebhookHandlerRefusesBadConfiguration(t *testing.T) {
	pub := &lakipayKey().PublicKey
	weak := mustKey(1024)
	fn := func(context.Context, *WebhookEvent) error { return nil }
	tests := []struct {
		name string
		key  *rsa.PublicKey
		fn   func(context.Context, *WebhookEvent) error
		opts []WebhookOption
		want error
		text string
	}{
		{name: "no key", key: nil, fn: fn, want: ErrNoWebhookKey},
		{name: "a 1024-bit key", key: &weak.PublicKey, fn: fn, want: ErrInvalidWebhookKey, text: "1024-bit"},
		{name: "a key without modulus", key: &rsa.PublicKey{E: 65537}, fn: fn, want: ErrInvalidWebhookKey},
		{name: "no function", key: pub, fn: nil, text: "function to call is nil"},
		{name: "capacity 0", key: pub, fn: fn, opts: []WebhookOption{WithDeduplication(0)}, text: "capacity"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := NewWebhookHandler(tt.key, tt.fn, tt.opts...)
			require.Error(t, err)
			assert.Nil(t, h)
			if tt.want != nil {
				assert.ErrorIs(t, err, tt.want)
			}
			assert.Contains(t, err.Error(), tt.text)
			assert.Equal(t, 1, strings.Count(err.Error(), "lakipay:"), "one prefix: %s", err)
		})
	}
}

// TestParseWebhookDecimalStringAmount checks the leniency for an amount LakiPay might send as
// a decimal string: signed over its text, it verifies, passes the contract check (which sees
// the number) and decodes exactly; a string that is not a valid amount is still refused.
func TestParseWebhookDecimalStringAmount(t *testing.T) {
	pub := &lakipayKey().PublicKey
	tests := []struct {
		amount string // as the body writes it
		want   string // the amount read, or "" when refused
		why    string
	}{
		{amount: `"1000.50"`, want: "1000.50"},
		{amount: `"1000.5"`, want: "1000.50"},
		{amount: `"100"`, want: "100.00"},
		{amount: `"0.07"`, want: "0.07"},
		{amount: `"999999999999.99"`, want: "999999999999.99"},
		{amount: `"1000.505"`, why: "amount: multipleOf"},
		{amount: `"0"`, why: "amount: minimum"},
		{amount: `"-5"`, why: "amount: minimum"},
		{amount: `"1e13"`, why: "amount: maximum"},
		{amount: `"abc"`, why: "amount: type"},
		{amount: `""`, why: "amount: type"},
		{amount: `"1,000.50"`, why: "amount: type"},
		{amount: `" 1000.50"`, why: "amount: type"},
		{amount: `"1000.5\u0030"`, want: "1000.50"},
	}
	for _, tt := range tests {
		t.Run(tt.amount, func(t *testing.T) {
			body := sign(t, withAmount(tt.amount), lakipayKey())
			canonical, _, err := webhook.Canonical([]byte(body))
			require.NoError(t, err)
			text := strings.Trim(tt.amount, `"`)
			require.Contains(t, string(canonical), "amount="+strings.ReplaceAll(text, `\u0030`, "0")+"&", "signed over the string's text")
			assert.NotEmpty(t, contract.ValidateWebhook([]byte(body), contract.Options{}),
				"the contract itself still calls a string amount a deviation")

			event, err := ParseWebhook([]byte(body), pub)
			if tt.want == "" {
				require.Error(t, err)
				assert.ErrorIs(t, err, ErrMalformedWebhook)
				assert.Contains(t, err.Error(), tt.why)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, event.Amount.String())
			status, _ := postWebhook(t, handler(t, pub, func(context.Context, *WebhookEvent) error { return nil }), body)
			assert.Equal(t, http.StatusOK, status)
		})
	}
}
