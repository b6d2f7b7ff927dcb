package client

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tolerant reader: what LakiPay adds before openapi.yaml knows it (a medium, a status, an
// event, a field) is carried through as sent, never an error, once the signature checks.

// TestParseWebhookCarriesWhatItDoesNotKnow: a genuinely signed webhook with values and fields
// the SDK does not know parses, each value as sent; the SDK's own constants still say what
// they know (Valid).
func TestParseWebhookCarriesWhatItDoesNotKnow(t *testing.T) {
	pub := &lakipayKey().PublicKey
	tests := map[string]struct {
		body                   string
		event                  TransactionType
		status                 TransactionStatus
		medium                 Medium
		eventOK, statusOK, mOK bool
	}{
		"a new medium": {body: strings.Replace(webhookPayload, `"MPESA"`, `"AWASH"`, 1),
			event: TransactionTypeDEPOSIT, status: TransactionStatusSUCCESS, medium: "AWASH", eventOK: true, statusOK: true},
		"a new status": {body: strings.Replace(webhookPayload, `"SUCCESS"`, `"REFUNDED"`, 1),
			event: TransactionTypeDEPOSIT, status: "REFUNDED", medium: MediumMPESA, eventOK: true, mOK: true},
		"a new event": {body: strings.Replace(webhookPayload, `"DEPOSIT"`, `"REFUND"`, 1),
			event: "REFUND", status: TransactionStatusSUCCESS, medium: MediumMPESA, statusOK: true, mOK: true},
		"new fields": {body: strings.Replace(webhookPayload, `{`, `{"fee_amount":1.5,"zz_new":{"a":[1,"x"]},`, 1),
			event: TransactionTypeDEPOSIT, status: TransactionStatusSUCCESS, medium: MediumMPESA, eventOK: true, statusOK: true, mOK: true},
		"all at once": {body: strings.NewReplacer(`"MPESA"`, `"AWASH"`, `"SUCCESS"`, `"REFUNDED"`, `"DEPOSIT"`, `"REFUND"`, `{`, `{"zz_new":"x",`).Replace(webhookPayload),
			event: "REFUND", status: "REFUNDED", medium: "AWASH"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			event, err := ParseWebhook([]byte(sign(t, tt.body, lakipayKey())), pub)
			require.NoError(t, err, "a signed webhook must never be lost over a value the SDK does not know")
			assert.Equal(t, tt.event, event.Event)
			assert.Equal(t, tt.status, event.Status)
			assert.Equal(t, tt.medium, event.Medium)
			assert.Equal(t, tt.eventOK, event.Event.Valid())
			assert.Equal(t, tt.statusOK, event.Status.Valid())
			assert.Equal(t, tt.mOK, event.Medium.Valid())
			assert.Equal(t, "TXN-123456789", event.TransactionID)
			assert.Equal(t, "100.00", event.Amount.String())
		})
	}
}

// TestParseWebhookStillJudgesEverythingElse: open enums open only the enums' strings; a
// forged body, a status that is no string, a missing field or a bad amount are refused as
// before.
func TestParseWebhookStillJudgesEverythingElse(t *testing.T) {
	pub := &lakipayKey().PublicKey
	for name, tt := range map[string]struct {
		body, why string
		want      error
	}{
		"status a number":   {sign(t, strings.Replace(webhookPayload, `"SUCCESS"`, `7`, 1), lakipayKey()), "status: enum", ErrMalformedWebhook},
		"medium an object":  {sign(t, strings.Replace(webhookPayload, `"MPESA"`, `{"name":"AWASH"}`, 1), lakipayKey()), "medium: enum", ErrMalformedWebhook},
		"no status":         {sign(t, strings.Replace(webhookPayload, `"status":"SUCCESS",`, ``, 1), lakipayKey()), "status: required", ErrMalformedWebhook},
		"forged new status": {strings.Replace(sign(t, webhookPayload, lakipayKey()), `"SUCCESS"`, `"REFUNDED"`, 1), "", ErrInvalidSignature},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseWebhook([]byte(tt.body), pub)
			require.ErrorIs(t, err, tt.want)
			assert.Contains(t, err.Error(), tt.why)
		})
	}
}

// TestWebhookHandlerPassesUnknownStatusesOn: a status the SDK does not know reaches fn and is
// answered 200 like any other; with de-duplication it is never taken for stale (a REFUNDED
// after the SUCCESS is news), and it is de-duplicated on (transaction_id, status) like any
// other. It never makes a transaction final either: a SUCCESS after it reaches fn.
func TestWebhookHandlerPassesUnknownStatusesOn(t *testing.T) {
	pub := &lakipayKey().PublicKey
	webhookOf := func(id string, status TransactionStatus) string {
		body := strings.Replace(webhookPayload, `"SUCCESS"`, `"`+string(status)+`"`, 1)
		return sign(t, strings.Replace(body, "TXN-123456789", id, 1), lakipayKey())
	}
	var calls []TransactionStatus
	h := handler(t, pub, func(_ context.Context, e *WebhookEvent) error {
		calls = append(calls, e.Status)
		return nil
	}, WithDeduplication(100))
	deliver := func(body string) (int, string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/lakipay/webhook", strings.NewReader(body)))
		return rec.Code, rec.Body.String()
	}
	steps := []struct {
		id     string
		status TransactionStatus
		answer string
		called bool
	}{
		{"TXN-A", TransactionStatusSUCCESS, "ok", true},
		{"TXN-A", "REFUNDED", "ok", true},                                                          // not stale: the SDK cannot tell it is older
		{"TXN-A", "REFUNDED", "ok (duplicate)", false},                                             // de-duplicated like any pair
		{"TXN-A", TransactionStatusPENDING, "ok (stale: the transaction is already final)", false}, // known statuses as before
		{"TXN-B", "ON_HOLD", "ok", true},
		{"TXN-B", TransactionStatusSUCCESS, "ok", true}, // an unknown status never made TXN-B final
		{"TXN-B", "ON_HOLD", "ok (duplicate)", false},
	}
	for i, s := range steps {
		before := len(calls)
		code, text := deliver(webhookOf(s.id, s.status))
		assert.Equal(t, http.StatusOK, code, "step %d", i)
		assert.Equal(t, s.answer+"\n", text, "step %d: %s %s", i, s.id, s.status)
		assert.Equal(t, s.called, len(calls) > before, "step %d: fn called", i)
	}
	assert.Equal(t, []TransactionStatus{TransactionStatusSUCCESS, "REFUNDED", "ON_HOLD", TransactionStatusSUCCESS}, calls)
}

// TestReadingCarriesWhatItDoesNotKnow: transaction detail and the checkout answer with a
// status, a medium, a type or a field the SDK does not know are returned as sent; only an
// answer without the ids the call needs is refused.
func TestReadingCarriesWhatItDoesNotKnow(t *testing.T) {
	detail := strings.NewReplacer(`"status":"REFUNDED"`, `"status":"REFUNDED"`, `"MPESA"`, `"AWASH"`, `"DEPOSIT"`, `"REFUND"`,
		`"created_at"`, `"zz_new":{"x":1},"created_at"`).Replace(transactionBody("REFUNDED"))
	srv := newServer(t, reply(http.StatusOK, detail))
	c, _ := testClient(t, srv.baseURL())
	tx, err := c.GetTransaction(context.Background(), "TXN-123456789")
	require.NoError(t, err)
	assert.Equal(t, TransactionStatus("REFUNDED"), tx.Status)
	assert.Equal(t, Medium("AWASH"), tx.Medium)
	assert.Equal(t, TransactionType("REFUND"), tx.Type)
	assert.False(t, tx.Status.Valid())
	assert.False(t, tx.Status.IsFinal())

	session := strings.Replace(docsResponse, `"INITIATED"`, `"AWAITING_SHOPPER"`, 1)
	srv = newServer(t, reply(http.StatusOK, session))
	c, _ = testClient(t, srv.baseURL())
	s, err := c.CreateCheckout(context.Background(), docsRequest(t))
	require.NoError(t, err, "the session was created: losing its checkout URL over a status would strand the shopper")
	assert.Equal(t, TransactionStatus("AWAITING_SHOPPER"), s.Status)
	assert.Equal(t, "https://checkout.lakipay.co/pay/abc123", s.CheckoutURL)

	for name, body := range map[string]string{
		"no transaction_id": strings.Replace(detail, `"transaction_id":"TXN-123456789",`, ``, 1),
		"no status":         strings.Replace(detail, `"status":"REFUNDED",`, ``, 1),
		"empty status":      strings.Replace(detail, `"status":"REFUNDED",`, `"status":"",`, 1),
	} {
		srv := newServer(t, reply(http.StatusOK, body))
		c, _ := testClient(t, srv.baseURL())
		_, err := c.GetTransaction(context.Background(), "TXN-123456789")
		assert.ErrorIs(t, err, ErrUnexpectedResponse, name)
	}
}

// TestWaitForTransactionStopsAtAnUnknownStatus: WaitForTransaction cannot tell whether a
// status it does not know is final, so it never polls on silently until the timeout: it
// returns at once with the transaction and an error wrapping ErrUnknownStatus that names it.
func TestWaitForTransactionStopsAtAnUnknownStatus(t *testing.T) {
	var polls atomic.Int32
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		polls.Add(1)
		status := TransactionStatusPENDING
		if polls.Load() > 1 {
			status = "REFUNDED"
		}
		reply(http.StatusOK, transactionBody(status))(w, r)
	})
	c, sl := testClient(t, srv.baseURL())
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	tx, err := c.WaitForTransaction(ctx, "TXN-123456789", WithPollInterval(time.Second, time.Second))
	require.ErrorIs(t, err, ErrUnknownStatus)
	assert.False(t, errors.Is(err, context.DeadlineExceeded))
	assert.Contains(t, err.Error(), `"REFUNDED"`)
	require.NotNil(t, tx)
	assert.Equal(t, TransactionStatus("REFUNDED"), tx.Status)
	assert.EqualValues(t, 2, polls.Load(), "it stops at the first unknown status")
	assert.Equal(t, []time.Duration{time.Second}, sl.recorded())
}

// TestUnknownStatusErrorNeverShowsTheSecret: the status comes from LakiPay's answer, and a
// server that echoes the key into it must not get the secret into the error.
func TestUnknownStatusErrorNeverShowsTheSecret(t *testing.T) {
	srv := newServer(t, reply(http.StatusOK, transactionBody(TransactionStatus("X-"+testSecret))))
	c, _ := testClient(t, srv.baseURL())
	_, err := c.WaitForTransaction(context.Background(), "TXN-123456789")
	require.ErrorIs(t, err, ErrUnknownStatus)
	assert.NotContains(t, err.Error(), testSecret)
	assert.Contains(t, err.Error(), "[REDACTED]")
}
