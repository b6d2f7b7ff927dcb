package contracttest_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/contracttest"
)

// events is a merchant's webhook function that records what it received.
type events struct {
	mu  sync.Mutex
	got []client.WebhookEvent
}

func (e *events) handle(_ context.Context, ev *client.WebhookEvent) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.got = append(e.got, *ev)
	return nil
}

// of returns the events received with status, in the order they came (webhooks may be
// delivered out of order).
func (e *events) of(status client.TransactionStatus) []client.WebhookEvent {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []client.WebhookEvent
	for _, ev := range e.got {
		if ev.Status == status {
			out = append(out, ev)
		}
	}
	return out
}

// TestSetStatusScriptsWhatLakiPayMayAdd: the fake sends a status and a medium openapi.yaml does
// not know, in a signed webhook and in transaction detail, as LakiPay will once it adds them.
// The SDK carries both through; the validating transport reports both as deviations, expected
// ones since this fake scripted them; the fake's own self-check (NewServer fails the test on
// it) lets exactly those values pass.
func TestSetStatusScriptsWhatLakiPayMayAdd(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	srv := contracttest.NewServer(t)
	var received events
	h, err := client.NewWebhookHandler(srv.PublicKey(), received.handle, client.WithDeduplication(100))
	require.NoError(t, err)
	hook := httptest.NewServer(h)
	defer hook.Close()
	var deviations, expected collector
	c, err := client.New(testKey, client.WithBaseURL(srv.URL()), client.WithHTTPClient(&http.Client{Transport: contracttest.NewTransport(nil,
		deviations.add, contracttest.OnExpected(func(v contracttest.Violation, _ string) { expected.add(v) }))}))
	require.NoError(t, err)

	id := createCheckout(t, srv, "R-future", hook.URL).LakipayTransactionID
	require.NoError(t, srv.Pay(id, client.MediumMPESA))
	_, err = srv.WaitForDeliveries(ctx, 1) // the SUCCESS is taken (and final) first
	require.NoError(t, err)
	require.NoError(t, srv.SetStatus(id, "REFUNDED", "AWASH"))
	deliveries, err := srv.WaitForDeliveries(ctx, 2)
	require.NoError(t, err)
	require.Len(t, deliveries, 2)
	for _, d := range deliveries {
		assert.True(t, d.OK(), "the receiver answered %d: a webhook it does not understand must still be taken", d.HTTPStatus)
	}
	refunds := received.of("REFUNDED")
	require.Len(t, refunds, 1, "the REFUNDED after the SUCCESS is news, not stale: it reached the merchant's function")
	assert.Equal(t, client.Medium("AWASH"), refunds[0].Medium)
	assert.False(t, refunds[0].Status.Valid())

	tx, err := c.GetTransaction(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, client.TransactionStatus("REFUNDED"), tx.Status)
	assert.Equal(t, client.Medium("AWASH"), tx.Medium)
	assert.ElementsMatch(t, []string{"/data/medium enum", "/data/status enum"}, expected.rules(),
		"the transport reports the values the spec does not know, as expected since this fake scripted them: %s", expected.joined())
	assert.Empty(t, deviations.all(), "nothing else")

	assert.ErrorIs(t, srv.Pay(id, client.MediumMPESA), contracttest.ErrFinal, "the fake cannot tell what REFUNDED means: it takes no other change")
	assert.ErrorIs(t, srv.SetStatus(id, client.TransactionStatusPENDING, ""), contracttest.ErrFinal, "a known status never follows a final one")
	require.NoError(t, srv.SetStatus(id, "CHARGED_BACK", ""), "another status the spec does not know may follow")
	assert.Equal(t, client.Medium("AWASH"), transactionOf(t, c, id).Medium, `medium "" keeps the medium`)
}

// TestSetStatusOnAnOpenSession: a payment with a medium the spec does not know is SUCCESS with
// that medium; a known status that is not final keeps the session open for the shopper.
func TestSetStatusOnAnOpenSession(t *testing.T) {
	srv := contracttest.NewServer(t)
	c, err := client.New(testKey, client.WithBaseURL(srv.URL()), client.WithHTTPClient(&http.Client{Transport: contracttest.NewTransport(nil, nil)}))
	require.NoError(t, err)
	paid := createCheckout(t, srv, "R-new-medium", "").LakipayTransactionID
	require.NoError(t, srv.SetStatus(paid, client.TransactionStatusSUCCESS, "AWASH"))
	tx := transactionOf(t, c, paid)
	assert.Equal(t, client.TransactionStatusSUCCESS, tx.Status)
	assert.Equal(t, client.Medium("AWASH"), tx.Medium)
	assert.ErrorIs(t, srv.Cancel(paid), contracttest.ErrFinal)

	pending := createCheckout(t, srv, "R-pending", "").LakipayTransactionID
	require.NoError(t, srv.SetStatus(pending, client.TransactionStatusPENDING, ""))
	assert.Equal(t, client.TransactionStatusPENDING, transactionOf(t, c, pending).Status)
	require.NoError(t, srv.Pay(pending, client.MediumMPESA), "PENDING is not final")
}

func TestSetStatusRefuses(t *testing.T) {
	srv := contracttest.NewServer(t)
	id := createCheckout(t, srv, "R-refuse", "").LakipayTransactionID
	for name, tt := range map[string]struct {
		id     string
		status client.TransactionStatus
		medium client.Medium
		want   error
	}{
		"no such transaction": {"TXN-none", "REFUNDED", "", contracttest.ErrUnknownTransaction},
		"lower case status":   {id, "refunded", "", contracttest.ErrScript},
		"empty status":        {id, "", "", contracttest.ErrScript},
		"status with a space": {id, "REFUNDED ", "", contracttest.ErrScript},
		"lower case medium":   {id, "REFUNDED", "awash", contracttest.ErrScript},
		"medium with a quote": {id, "REFUNDED", `AWASH"`, contracttest.ErrScript},
	} {
		t.Run(name, func(t *testing.T) {
			assert.ErrorIs(t, srv.SetStatus(tt.id, tt.status, tt.medium), tt.want)
		})
	}
	assert.Equal(t, client.TransactionStatusINITIATED, transaction(t, srv, id).Status, "a refused script changes nothing")
}

func transactionOf(t *testing.T, c *client.Client, id string) *client.Transaction {
	t.Helper()
	tx, err := c.GetTransaction(t.Context(), id)
	require.NoError(t, err)
	return tx
}
