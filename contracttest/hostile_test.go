package contracttest_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/contracttest"
	"github.com/lakipay/checkout-go/internal/webhook"
	"github.com/lakipay/checkout-go/internal/webhook/forge"
)

// inbox is a webhook receiver that keeps every body it gets, whole, and answers status.
type inbox struct {
	status int
	mu     sync.Mutex
	bodies [][]byte
}

func (in *inbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	in.mu.Lock()
	in.bodies = append(in.bodies, b)
	in.mu.Unlock()
	w.WriteHeader(in.status)
}

func (in *inbox) last() []byte {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.bodies[len(in.bodies)-1]
}

// deliverOne sends one delivery, requires that the receiver answered it, and returns its
// record.
func deliverOne(t *testing.T, srv *contracttest.Server, req contracttest.DeliverRequest) contracttest.Delivery {
	t.Helper()
	got, err := srv.Deliver(t.Context(), req)
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.Empty(t, got[0].Err)
	return got[0]
}

// fieldsOf decodes a body's top-level fields, for comparing bodies field by field.
func fieldsOf(t *testing.T, body []byte) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(body, &m), string(body))
	return m
}

func text(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var s string
	require.NoError(t, json.Unmarshal(raw, &s))
	return s
}

// naivelyVerifies reports whether body's signature verifies with key over the canonical
// string a verifier without the ambiguity check computes: proof that a forgery carries a
// genuine signature.
func naivelyVerifies(t *testing.T, body []byte, key *rsa.PublicKey) bool {
	t.Helper()
	canonical, err := forge.NaiveCanonical(string(body))
	require.NoError(t, err)
	sig, err := base64.StdEncoding.DecodeString(text(t, fieldsOf(t, body)["signature"]))
	require.NoError(t, err)
	digest := sha256.Sum256([]byte(canonical))
	return rsa.VerifyPKCS1v15(key, crypto.SHA256, digest[:], sig) == nil
}

// TestDeliverCasesFromTheAttackersSide checks each delivery case for what it claims to be:
// the genuine ones verify with the fake's key, each forgery is refused by the SDK for exactly
// its reason, the shifted ones carry a signature that a naive verifier accepts, the
// tampered ones keep the genuine signature, the oversized one verifies when read whole, and
// each is recorded with its case and the receiver's answer.
func TestDeliverCasesFromTheAttackersSide(t *testing.T) {
	srv := contracttest.NewServer(t)
	key := srv.PublicKey()
	in := &inbox{status: http.StatusTeapot}
	hook := httptest.NewServer(in)
	defer hook.Close()

	paid := createCheckout(t, srv, "R-paid", "").LakipayTransactionID
	require.NoError(t, srv.Pay(paid, client.MediumTELEBIRR))
	cancelled := createCheckout(t, srv, "R-cancelled", "").LakipayTransactionID
	require.NoError(t, srv.Cancel(cancelled))
	unpaid := createCheckout(t, srv, "R-unpaid", "").LakipayTransactionID

	genuine := deliverOne(t, srv, contracttest.DeliverRequest{TransactionID: paid, Case: contracttest.CaseGenuine, URL: hook.URL})
	require.NoError(t, webhook.Verify(genuine.Body, key))
	assert.Equal(t, client.TransactionStatusSUCCESS, genuine.Status)
	assert.Equal(t, http.StatusTeapot, genuine.HTTPStatus, "the receiver's own answer is recorded")
	assert.Equal(t, string(genuine.Body), string(in.last()))
	genuineFields := fieldsOf(t, genuine.Body)

	tests := []struct {
		req   contracttest.DeliverRequest
		check func(t *testing.T, d contracttest.Delivery, received []byte)
	}{
		{contracttest.DeliverRequest{TransactionID: paid, Case: contracttest.CaseDuplicate}, func(t *testing.T, _ contracttest.Delivery, received []byte) {
			assert.Equal(t, string(genuine.Body), string(received), "byte for byte")
		}},
		{contracttest.DeliverRequest{TransactionID: paid, Case: contracttest.CaseResent}, func(t *testing.T, d contracttest.Delivery, received []byte) {
			event, err := client.ParseWebhook(received, key)
			require.NoError(t, err, "genuinely signed and valid")
			assert.Equal(t, client.TransactionStatusSUCCESS, d.Status)
			var first time.Time
			require.NoError(t, json.Unmarshal(genuineFields["timestamp"], &first))
			assert.False(t, event.Timestamp.Before(first.Add(time.Second)), "timestamped at least a second after the genuine webhook")
			resent := fieldsOf(t, received)
			assert.NotEqual(t, string(genuineFields["signature"]), string(resent["signature"]), "its own signature")
			resent["timestamp"], resent["signature"] = genuineFields["timestamp"], genuineFields["signature"]
			assert.Equal(t, genuineFields, resent, "the same status, nothing else changed")
		}},
		{contracttest.DeliverRequest{TransactionID: paid, Case: contracttest.CaseEarlier}, func(t *testing.T, d contracttest.Delivery, received []byte) {
			event, err := client.ParseWebhook(received, key)
			require.NoError(t, err, "genuinely signed and valid")
			assert.Equal(t, client.TransactionStatusPENDING, event.Status)
			assert.Equal(t, client.TransactionStatusPENDING, d.Status)
			var final time.Time
			require.NoError(t, json.Unmarshal(genuineFields["timestamp"], &final))
			assert.Equal(t, final.Add(-time.Second), event.Timestamp, "timestamped before the final change")
		}},
		{contracttest.DeliverRequest{TransactionID: unpaid, Case: contracttest.CaseForgedSignature}, func(t *testing.T, d contracttest.Delivery, received []byte) {
			_, err := client.ParseWebhook(received, key)
			assert.ErrorIs(t, err, client.ErrInvalidSignature)
			f := fieldsOf(t, received)
			assert.Equal(t, "SUCCESS", text(t, f["status"]))
			assert.Equal(t, unpaid, text(t, f["transaction_id"]))
			sig, err := base64.StdEncoding.DecodeString(text(t, f["signature"]))
			require.NoError(t, err)
			assert.Len(t, sig, 256, "a real RSA-2048 signature, by another key")
			assert.Equal(t, client.TransactionStatusSUCCESS, d.Status)
		}},
		{contracttest.DeliverRequest{TransactionID: cancelled, Case: contracttest.CaseTamperedStatus}, func(t *testing.T, d contracttest.Delivery, received []byte) {
			_, err := client.ParseWebhook(received, key)
			assert.ErrorIs(t, err, client.ErrInvalidSignature)
			tampered := fieldsOf(t, received)
			assert.Equal(t, `"SUCCESS"`, string(tampered["status"]))
			assert.Equal(t, client.TransactionStatusSUCCESS, d.Status)
			assert.Equal(t, cancelled, text(t, tampered["transaction_id"]))
		}},
		{contracttest.DeliverRequest{TransactionID: paid, Case: contracttest.CaseTamperedStatus}, func(t *testing.T, _ contracttest.Delivery, received []byte) {
			tampered := fieldsOf(t, received)
			assert.Equal(t, `"CANCELLED"`, string(tampered["status"]), "a SUCCESS is tampered to CANCELLED")
			tampered["status"] = genuineFields["status"]
			assert.Equal(t, genuineFields, tampered, "nothing else changed, the genuine signature included")
		}},
		{contracttest.DeliverRequest{TransactionID: paid, Case: contracttest.CaseTamperedAmount}, func(t *testing.T, _ contracttest.Delivery, received []byte) {
			_, err := client.ParseWebhook(received, key)
			assert.ErrorIs(t, err, client.ErrInvalidSignature)
			tampered := fieldsOf(t, received)
			assert.Equal(t, "1001.5", string(tampered["amount"]), "1000.5 raised by 1.00")
			tampered["amount"] = genuineFields["amount"]
			assert.Equal(t, genuineFields, tampered, "nothing else changed, the genuine signature included")
		}},
		{contracttest.DeliverRequest{TransactionID: unpaid, Case: contracttest.CaseTamperedTransaction, ReplayOf: paid}, func(t *testing.T, d contracttest.Delivery, received []byte) {
			_, err := client.ParseWebhook(received, key)
			assert.ErrorIs(t, err, client.ErrInvalidSignature)
			assert.Equal(t, unpaid, d.TransactionID)
			assert.Equal(t, client.TransactionStatusSUCCESS, d.Status)
			tampered := fieldsOf(t, received)
			assert.Equal(t, unpaid, text(t, tampered["transaction_id"]))
			tampered["transaction_id"] = genuineFields["transaction_id"]
			assert.Equal(t, genuineFields, tampered, "the paid transaction's webhook, its genuine signature included")
		}},
		{contracttest.DeliverRequest{TransactionID: unpaid, Case: contracttest.CaseReplayed, ReplayOf: paid}, func(t *testing.T, d contracttest.Delivery, received []byte) {
			assert.Equal(t, string(genuine.Body), string(received), "the other transaction's genuine webhook")
			assert.Equal(t, unpaid, d.TransactionID, "recorded for the session whose callback got it")
			assert.Equal(t, client.TransactionStatusSUCCESS, d.Status)
		}},
		{contracttest.DeliverRequest{TransactionID: unpaid, Case: contracttest.CaseUnsigned}, func(t *testing.T, d contracttest.Delivery, received []byte) {
			assert.Equal(t, client.TransactionStatusSUCCESS, d.Status, "recorded as the status it claims")
			_, err := client.ParseWebhook(received, key)
			assert.ErrorIs(t, err, client.ErrNoSignature)
			f := fieldsOf(t, received)
			assert.NotContains(t, f, "signature")
			assert.Equal(t, "SUCCESS", text(t, f["status"]))
		}},
		{contracttest.DeliverRequest{TransactionID: unpaid, Case: contracttest.CaseShiftedKey}, func(t *testing.T, d contracttest.Delivery, received []byte) {
			assert.Equal(t, client.TransactionStatusSUCCESS, d.Status, "recorded as the status it claims")
			assert.True(t, naivelyVerifies(t, received, key), "the fake's genuine signature, accepted by a verifier without the ambiguity check")
			_, err := client.ParseWebhook(received, key)
			assert.ErrorIs(t, err, client.ErrAmbiguousWebhook)
			f := fieldsOf(t, received)
			assert.Equal(t, unpaid, text(t, f["transaction_id"]), "claims the victim's transaction")
			assert.Equal(t, "R-unpaid", text(t, f["reference"]), "and its order's reference")
			assert.Equal(t, "SUCCESS", text(t, f["status"]))
		}},
		{contracttest.DeliverRequest{TransactionID: unpaid, Case: contracttest.CaseShiftedValue}, func(t *testing.T, d contracttest.Delivery, received []byte) {
			assert.Equal(t, client.TransactionStatusSUCCESS, d.Status, "recorded as the status it claims")
			assert.True(t, naivelyVerifies(t, received, key))
			_, err := client.ParseWebhook(received, key)
			assert.ErrorIs(t, err, client.ErrAmbiguousWebhook)
			f := fieldsOf(t, received)
			assert.True(t, strings.HasPrefix(text(t, f["transaction_id"]), unpaid+"&"))
			assert.Equal(t, "SUCCESS", text(t, f["status"]))
		}},
		{contracttest.DeliverRequest{TransactionID: cancelled, Case: contracttest.CaseDuplicateKey}, func(t *testing.T, d contracttest.Delivery, received []byte) {
			_, err := client.ParseWebhook(received, key)
			assert.ErrorIs(t, err, client.ErrMalformedWebhook, "package client refuses a repeated key")
			assert.Equal(t, client.TransactionStatusSUCCESS, d.Status, "recorded as the status it claims")
			var read struct {
				Status string `json:"status"`
			}
			require.NoError(t, json.Unmarshal(received, &read))
			assert.Equal(t, "SUCCESS", read.Status, "what encoding/json (the last key) reads")
			first := bytes.Replace(received, []byte(`,"status":"SUCCESS"}`), []byte("}"), 1)
			require.NotEqual(t, string(received), string(first))
			assert.NoError(t, webhook.Verify(first, key), "the first keys carry the genuine CANCELLED signature")
			assert.Equal(t, "CANCELLED", text(t, fieldsOf(t, first)["status"]))
		}},
		{contracttest.DeliverRequest{TransactionID: paid, Case: contracttest.CaseOversized}, func(t *testing.T, d contracttest.Delivery, received []byte) {
			assert.Len(t, received, contracttest.OversizedBytes)
			assert.Greater(t, len(received), client.MaxWebhookBytes)
			assert.Equal(t, contracttest.OversizedBytes, d.Size)
			assert.Equal(t, string(genuine.Body), string(d.Body), "recorded without its padding")
			assert.NoError(t, webhook.Verify(received, key), "valid JSON under a valid signature: only a size limit refuses it")
			_, err := client.ParseWebhook(received, key)
			assert.ErrorIs(t, err, client.ErrMalformedWebhook)
		}},
		{contracttest.DeliverRequest{TransactionID: unpaid, Case: contracttest.CaseForeignAmount}, func(t *testing.T, d contracttest.Delivery, received []byte) {
			foreign := foreignOf(t, srv, key, received, unpaid)
			assert.Equal(t, client.TransactionStatusSUCCESS, d.Status)
			assert.Equal(t, "1.00", foreign.Amount.String(), "not the session's 1000.50")
			assert.Equal(t, "ETB", foreign.Currency)
		}},
		{contracttest.DeliverRequest{TransactionID: unpaid, Case: contracttest.CaseForeignCurrency}, func(t *testing.T, _ contracttest.Delivery, received []byte) {
			foreign := foreignOf(t, srv, key, received, unpaid)
			assert.Equal(t, "1000.50", foreign.Amount.String(), "the session's own amount")
			assert.Equal(t, "USD", foreign.Currency, "in another currency")
		}},
		{contracttest.DeliverRequest{TransactionID: unpaid, Case: contracttest.CaseForeignSession}, func(t *testing.T, _ contracttest.Delivery, received []byte) {
			foreign := foreignOf(t, srv, key, received, unpaid)
			assert.Equal(t, "1000.50", foreign.Amount.String(), "the session's own amount")
			assert.Equal(t, "ETB", foreign.Currency, "and currency: only the transaction id differs")
		}},
	}
	for _, tt := range tests {
		t.Run(string(tt.req.Case), func(t *testing.T) {
			tt.req.URL = hook.URL
			d := deliverOne(t, srv, tt.req)
			assert.Equal(t, tt.req.Case, d.Case)
			assert.Equal(t, 1, d.Attempt)
			assert.Equal(t, http.StatusTeapot, d.HTTPStatus)
			assert.Equal(t, hook.URL, d.URL)
			if tt.req.Case != contracttest.CaseOversized {
				assert.Equal(t, string(in.last()), string(d.Body), "recorded byte for byte")
				assert.Equal(t, len(d.Body), d.Size)
			}
			assert.Equal(t, tt.req.Case.Hostile(), !slices.Contains([]contracttest.DeliveryCase{contracttest.CaseDuplicate, contracttest.CaseResent,
				contracttest.CaseEarlier, contracttest.CaseReplayed, contracttest.CaseForeignAmount, contracttest.CaseForeignCurrency, contracttest.CaseForeignSession}, tt.req.Case))
			tt.check(t, d, in.last())
		})
	}

	t.Run("every delivery is recorded with its case and answer", func(t *testing.T) {
		var cases []contracttest.DeliveryCase
		for _, d := range srv.Deliveries() {
			assert.Equal(t, http.StatusTeapot, d.HTTPStatus)
			cases = append(cases, d.Case)
		}
		for _, c := range contracttest.DeliveryCases() {
			assert.Contains(t, cases, c)
		}
		status, _, body := call(t, http.DefaultClient, http.MethodGet, srv.Origin()+"/_mock/deliveries?transaction_id="+unpaid, "", nil)
		require.Equal(t, http.StatusOK, status)
		var listed []map[string]any
		require.NoError(t, json.Unmarshal(body, &listed))
		var overHTTP []string
		for _, d := range listed {
			overHTTP = append(overHTTP, d["case"].(string))
			assert.EqualValues(t, http.StatusTeapot, d["http_status"])
		}
		assert.Equal(t, []string{"forged_signature", "tampered_transaction", "replayed", "unsigned", "shifted_key", "shifted_value",
			"foreign_amount", "foreign_currency", "foreign_session"}, overHTTP)
	})
}

// foreignOf checks a foreign delivery for victim from the attacker's side: genuinely signed
// and valid, a SUCCESS naming the victim's reference, under a transaction id that is no
// session of the fake; it returns the event.
func foreignOf(t *testing.T, srv *contracttest.Server, key *rsa.PublicKey, body []byte, victim string) *client.WebhookEvent {
	t.Helper()
	event, err := client.ParseWebhook(body, key)
	require.NoError(t, err, "genuinely signed and valid: what another LakiPay account's checkout gets")
	assert.Equal(t, client.TransactionStatusSUCCESS, event.Status)
	assert.Equal(t, "R-unpaid", event.Reference, "the victim's reference")
	assert.NotEqual(t, victim, event.TransactionID)
	assert.True(t, strings.HasPrefix(event.TransactionID, "TXN-"))
	status, _, _ := call(t, http.DefaultClient, http.MethodGet, srv.URL()+"/payment/transaction/"+event.TransactionID, testKey, nil)
	assert.Equal(t, http.StatusNotFound, status, "no session of this merchant")
	return event
}

func TestDeliverRefusesWhatItCannotSend(t *testing.T) {
	srv := contracttest.NewServer(t)
	paid := createCheckout(t, srv, "R-refuse-paid", "").LakipayTransactionID
	require.NoError(t, srv.Pay(paid, client.MediumMPESA))
	unpaid := createCheckout(t, srv, "R-refuse-unpaid", "").LakipayTransactionID
	const hook = "http://127.0.0.1:1/hook"
	tests := []struct {
		name string
		req  contracttest.DeliverRequest
		is   error
		says string
	}{
		{"no transaction", contracttest.DeliverRequest{Case: contracttest.CaseGenuine, URL: hook}, contracttest.ErrScript, "transaction_id is required"},
		{"unknown case", contracttest.DeliverRequest{TransactionID: paid, Case: "polite", URL: hook}, contracttest.ErrScript, `case "polite" is not one of genuine, duplicate`},
		{"unknown transaction", contracttest.DeliverRequest{TransactionID: "TXN-NONE", Case: contracttest.CaseGenuine, URL: hook}, contracttest.ErrUnknownTransaction, `"TXN-NONE"`},
		{"genuine of an unpaid transaction", contracttest.DeliverRequest{TransactionID: unpaid, Case: contracttest.CaseGenuine, URL: hook}, contracttest.ErrScript, "is INITIATED: case \"genuine\" needs its genuine webhook"},
		{"tampered of an unpaid transaction", contracttest.DeliverRequest{TransactionID: unpaid, Case: contracttest.CaseTamperedAmount, URL: hook}, contracttest.ErrScript, "pay, fail or cancel it first"},
		{"replay without replay_of", contracttest.DeliverRequest{TransactionID: unpaid, Case: contracttest.CaseReplayed, URL: hook}, contracttest.ErrScript, "replay_of"},
		{"replay_of another case", contracttest.DeliverRequest{TransactionID: paid, Case: contracttest.CaseGenuine, ReplayOf: paid, URL: hook}, contracttest.ErrScript, "for cases \"replayed\" and \"tampered_transaction\" only"},
		{"tampered_transaction without replay_of", contracttest.DeliverRequest{TransactionID: unpaid, Case: contracttest.CaseTamperedTransaction, URL: hook}, contracttest.ErrScript, "replay_of"},
		{"tampered_transaction of an unpaid transaction", contracttest.DeliverRequest{TransactionID: paid, Case: contracttest.CaseTamperedTransaction, ReplayOf: unpaid, URL: hook}, contracttest.ErrScript, "no genuine webhook to replay"},
		{"resent of an unpaid transaction", contracttest.DeliverRequest{TransactionID: unpaid, Case: contracttest.CaseResent, URL: hook}, contracttest.ErrScript, "needs its genuine webhook"},
		{"replay of itself", contracttest.DeliverRequest{TransactionID: paid, Case: contracttest.CaseReplayed, ReplayOf: paid, URL: hook}, contracttest.ErrScript, "another transaction"},
		{"replay of an unknown transaction", contracttest.DeliverRequest{TransactionID: paid, Case: contracttest.CaseReplayed, ReplayOf: "TXN-NONE", URL: hook}, contracttest.ErrUnknownTransaction, "(replay_of)"},
		{"replay of an unpaid transaction", contracttest.DeliverRequest{TransactionID: paid, Case: contracttest.CaseReplayed, ReplayOf: unpaid, URL: hook}, contracttest.ErrScript, "no genuine webhook to replay"},
		{"no callback_url and no url", contracttest.DeliverRequest{TransactionID: paid, Case: contracttest.CaseGenuine}, contracttest.ErrScript, "has no callback_url"},
		{"relative url", contracttest.DeliverRequest{TransactionID: paid, Case: contracttest.CaseGenuine, URL: "/hook"}, contracttest.ErrScript, `url "/hook" is not an absolute http or https URL`},
		{"too many copies", contracttest.DeliverRequest{TransactionID: paid, Case: contracttest.CaseGenuine, URL: hook, Copies: 11}, contracttest.ErrScript, "copies 11 not in 1..10"},
		{"negative timeout", contracttest.DeliverRequest{TransactionID: paid, Case: contracttest.CaseGenuine, URL: hook, Timeout: -time.Second}, contracttest.ErrScript, "timeout -1s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := srv.Deliver(t.Context(), tt.req)
			require.ErrorIs(t, err, tt.is)
			assert.Contains(t, err.Error(), tt.says)
			assert.Nil(t, got)
		})
	}
	assert.Empty(t, srv.Deliveries(), "nothing refused was sent or recorded")
}

// TestDeliverCopiesAtOnce proves the copies reach the receiver concurrently: it answers none
// until all three are in flight.
func TestDeliverCopiesAtOnce(t *testing.T) {
	srv := contracttest.NewServer(t)
	paid := createCheckout(t, srv, "R-copies", "").LakipayTransactionID
	require.NoError(t, srv.Pay(paid, client.MediumMPESA))
	var (
		mu       sync.Mutex
		inFlight int
		all      = make(chan struct{})
	)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		if inFlight++; inFlight == 3 {
			close(all)
		}
		mu.Unlock()
		select {
		case <-all:
			w.WriteHeader(http.StatusOK)
		case <-r.Context().Done(): // the fake gave up: the copies were not concurrent
		}
	}))
	defer hook.Close()
	got, err := srv.Deliver(t.Context(), contracttest.DeliverRequest{TransactionID: paid, Case: contracttest.CaseGenuine, URL: hook.URL, Copies: 3})
	require.NoError(t, err)
	require.Len(t, got, 3)
	var cases []contracttest.DeliveryCase
	for _, d := range got {
		assert.Equal(t, http.StatusOK, d.HTTPStatus, "answered only once all three were in flight")
		assert.Equal(t, string(got[0].Body), string(d.Body))
		cases = append(cases, d.Case)
	}
	assert.Equal(t, []contracttest.DeliveryCase{contracttest.CaseGenuine, contracttest.CaseDuplicate, contracttest.CaseDuplicate}, cases)
}

// TestDeliverIsBounded checks that a receiver that never answers costs one timeout, that a
// full queue drops deliveries instead of growing, and that Reset ends a waiting Deliver.
func TestDeliverIsBounded(t *testing.T) {
	hang, release := blockingReceiver(t)
	t.Run("a receiver that hangs", func(t *testing.T) {
		srv := contracttest.NewServer(t)
		paid := createCheckout(t, srv, "R-hang", "").LakipayTransactionID
		require.NoError(t, srv.Pay(paid, client.MediumMPESA))
		got, err := srv.Deliver(t.Context(), contracttest.DeliverRequest{TransactionID: paid, Case: contracttest.CaseForgedSignature, URL: hang, Timeout: 50 * time.Millisecond})
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.Zero(t, got[0].HTTPStatus)
		assert.Equal(t, "no answer within 50ms (the webhook timeout)", got[0].Err)
		assert.Equal(t, 1, got[0].Attempt, "never retried")
	})
	t.Run("a full queue drops", func(t *testing.T) {
		srv := contracttest.NewServer(t, contracttest.WithWebhookWorkers(1), contracttest.WithWebhookQueue(2))
		paid := createCheckout(t, srv, "R-full", "").LakipayTransactionID
		require.NoError(t, srv.Pay(paid, client.MediumMPESA))
		got, err := srv.Deliver(t.Context(), contracttest.DeliverRequest{TransactionID: paid, Case: contracttest.CaseDuplicate, URL: hang, Copies: 3})
		require.NoError(t, err)
		require.Len(t, got, 3)
		for _, d := range got {
			assert.True(t, d.Dropped)
			assert.Zero(t, d.Attempt)
			assert.Equal(t, "dropped: 0 webhooks already pending (the webhook queue's limit)", d.Err)
		}
		assert.Len(t, srv.Deliveries(), 3)
	})
	t.Run("reset ends the wait", func(t *testing.T) {
		srv := contracttest.NewServer(t)
		paid := createCheckout(t, srv, "R-reset", "").LakipayTransactionID
		require.NoError(t, srv.Pay(paid, client.MediumMPESA))
		done := make(chan error, 1)
		go func() {
			_, err := srv.Deliver(context.Background(), contracttest.DeliverRequest{TransactionID: paid, Case: contracttest.CaseGenuine, URL: hang})
			done <- err
		}()
		require.Eventually(t, func() bool { return srv.WaitIdle(expired()) != nil }, 10*time.Second, time.Millisecond, "the delivery is pending")
		srv.Reset()
		err := <-done
		require.Error(t, err)
		assert.Contains(t, err.Error(), "reset or closed")
	})
	release()
}

// expired is a context that has already ended: WaitIdle with it reports whether anything is
// pending without waiting.
func expired() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

// TestMuteWebhooks: a muted session's status changes reach its callback_url with nothing
// (neither the genuine webhook nor the behaviour's copies and forgeries) while Deliver still
// sends to it; a session that is not muted is unchanged; over HTTP, mute takes no input.
func TestMuteWebhooks(t *testing.T) {
	srv := contracttest.NewServer(t, contracttest.WithDeliveryBehaviour(contracttest.DeliveryBehaviour{
		Copies: 2, Hostile: []contracttest.DeliveryCase{contracttest.CaseUnsigned, contracttest.CaseTamperedTransaction}}))
	in := &inbox{status: http.StatusOK}
	hook := httptest.NewServer(in)
	defer hook.Close()
	muted := createCheckout(t, srv, "R-held", hook.URL).LakipayTransactionID
	require.NoError(t, srv.MuteWebhooks(muted))
	require.NoError(t, srv.Pay(muted, client.MediumMPESA))
	status, _, body := call(t, http.DefaultClient, http.MethodPost, srv.Origin()+"/_mock/transactions/"+muted+"/mute", "", []byte(`{"x":1}`))
	assert.Equal(t, http.StatusBadRequest, status, string(body))
	other := createCheckout(t, srv, "R-other", hook.URL).LakipayTransactionID
	status, _, body = call(t, http.DefaultClient, http.MethodPost, srv.Origin()+"/_mock/transactions/"+other+"/mute", "", nil)
	require.Equal(t, http.StatusOK, status, string(body))
	require.NoError(t, srv.Cancel(other))
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	require.NoError(t, srv.WaitIdle(ctx))
	assert.Empty(t, srv.Deliveries(), "nothing of its own")

	d := deliverOne(t, srv, contracttest.DeliverRequest{TransactionID: muted, Case: contracttest.CaseGenuine})
	assert.Equal(t, hook.URL, d.URL, "Deliver still sends to the callback_url")
	require.ErrorIs(t, srv.MuteWebhooks("TXN-NONE"), contracttest.ErrUnknownTransaction)

	free := createCheckout(t, srv, "R-free", hook.URL).LakipayTransactionID
	require.NoError(t, srv.Pay(free, client.MediumMPESA))
	require.NoError(t, srv.WaitIdle(ctx))
	next := createCheckout(t, srv, "R-next", hook.URL).LakipayTransactionID
	require.NoError(t, srv.Pay(next, client.MediumMPESA))
	require.NoError(t, srv.WaitIdle(ctx))
	var freeCases, nextCases []contracttest.DeliveryCase
	for _, d := range srv.Deliveries()[1:] {
		if d.TransactionID == free {
			freeCases = append(freeCases, d.Case)
			continue
		}
		nextCases = append(nextCases, d.Case)
		if d.Case == contracttest.CaseTamperedTransaction {
			tampered := fieldsOf(t, d.Body)
			assert.Equal(t, next, text(t, tampered["transaction_id"]))
			assert.Equal(t, "R-free", text(t, tampered["reference"]), "the transaction before's webhook, carried onto this one")
		}
	}
	assert.ElementsMatch(t, []contracttest.DeliveryCase{contracttest.CaseUnsigned, contracttest.CaseGenuine, contracttest.CaseDuplicate}, freeCases,
		"a session not held gets the behaviour's webhooks (nothing to carry onto the first)")
	assert.ElementsMatch(t, []contracttest.DeliveryCase{contracttest.CaseUnsigned, contracttest.CaseTamperedTransaction,
		contracttest.CaseGenuine, contracttest.CaseDuplicate}, nextCases)
}
