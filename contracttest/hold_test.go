package contracttest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/contracttest"
)

// got returns "TXN/STATUS" for every webhook the receiver got, in arrival order.
func (r *receiver) got(t *testing.T) []string {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, 0, len(r.bodies))
	for _, b := range r.bodies {
		var ev struct {
			TransactionID string `json:"transaction_id"`
			Status        string `json:"status"`
		}
		require.NoError(t, json.Unmarshal(b, &ev))
		out = append(out, ev.TransactionID+"/"+ev.Status)
	}
	return out
}

// newReceiver starts a receiver answering answers, then 200, for the test; it returns the
// receiver and its URL.
func newReceiver(t *testing.T, answers ...int) (*receiver, string) {
	t.Helper()
	rcv := &receiver{answers: answers}
	hook := httptest.NewServer(rcv)
	t.Cleanup(hook.Close)
	return rcv, hook.URL
}

// waitCtx bounds a test's waits.
func waitCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestHoldMakesAWebhookLate: a held transaction's webhook is not sent (WaitIdle does not
// wait for it, so the test knows nothing went), is listed as held, and goes on release, once;
// WaitForDelivery then returns the receiver's acceptance of it.
func TestHoldMakesAWebhookLate(t *testing.T) {
	ctx := waitCtx(t)
	srv := contracttest.NewServer(t)
	rcv, hook := newReceiver(t)
	id := createCheckout(t, srv, "R-hold", hook).LakipayTransactionID

	require.NoError(t, srv.HoldWebhooks(id))
	require.NoError(t, srv.Pay(id, client.MediumMPESA))
	require.NoError(t, srv.WaitIdle(ctx), "nothing is in flight: the webhook is held")
	assert.Empty(t, rcv.got(t), "nothing was sent")
	assert.Empty(t, srv.Deliveries())
	held := srv.HeldWebhooks(id)
	require.Len(t, held, 1)
	assert.True(t, held[0].Held)
	assert.Equal(t, client.TransactionStatusSUCCESS, held[0].Status)
	assert.Zero(t, held[0].Attempt)
	assert.Equal(t, client.TransactionStatusSUCCESS, transaction(t, srv, id).Status, "transaction detail already says SUCCESS")

	released, err := srv.ReleaseWebhooks(id)
	require.NoError(t, err)
	assert.Equal(t, held, released)
	d, err := srv.WaitForDelivery(ctx, id, client.TransactionStatusSUCCESS)
	require.NoError(t, err)
	assert.True(t, d.OK())
	assert.Equal(t, []string{id + "/SUCCESS"}, rcv.got(t))
	assert.Empty(t, srv.HeldWebhooks(id))

	_, err = srv.ReleaseWebhooks(id)
	assert.ErrorIs(t, err, contracttest.ErrScript, "not held any more")
	assert.ErrorIs(t, srv.HoldWebhooks("TXN-nope"), contracttest.ErrUnknownTransaction)
	_, err = srv.ReleaseWebhooks("TXN-nope")
	assert.ErrorIs(t, err, contracttest.ErrUnknownTransaction)
}

// TestHoldCatchesRetries: a webhook refused once and waiting a minute for its retry is held
// at once, and released it goes now, not a minute later.
func TestHoldCatchesRetries(t *testing.T) {
	ctx := waitCtx(t)
	srv := contracttest.NewServer(t, contracttest.WithWebhookRetry(2, time.Minute))
	_, hook := newReceiver(t, http.StatusInternalServerError)
	id := createCheckout(t, srv, "R-retry", hook).LakipayTransactionID
	require.NoError(t, srv.Pay(id, client.MediumMPESA))
	_, err := srv.WaitForDeliveries(ctx, 1)
	require.NoError(t, err)

	require.NoError(t, srv.HoldWebhooks(id))
	held := srv.HeldWebhooks(id)
	require.Len(t, held, 1, "the retry waiting for its turn is held")
	assert.Equal(t, 1, held[0].Attempt)
	assert.Equal(t, http.StatusInternalServerError, held[0].HTTPStatus)
	require.NoError(t, srv.WaitIdle(ctx))

	_, err = srv.ReleaseWebhooks(id)
	require.NoError(t, err)
	d, err := srv.WaitForDelivery(ctx, id, client.TransactionStatusSUCCESS)
	require.NoError(t, err, "released at once, not after the minute's wait")
	assert.Equal(t, 2, d.Attempt)
	assert.Equal(t, http.StatusOK, d.HTTPStatus)
}

// TestHoldIsPerTransactionAndKeepsOrder: holding A does not hold B; A's PENDING and SUCCESS,
// both held, arrive in that order once released, the SUCCESS only after the PENDING was
// answered (the receiver takes its time, so webhooks released at once would overlap);
// WaitForDelivery tells transactions and statuses apart.
func TestHoldIsPerTransactionAndKeepsOrder(t *testing.T) {
	ctx := waitCtx(t)
	srv := contracttest.NewServer(t)
	rcv := &receiver{}
	var inFlight, overlapped atomic.Int32
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if inFlight.Add(1) > 1 {
			overlapped.Add(1)
		}
		defer inFlight.Add(-1)
		time.Sleep(50 * time.Millisecond)
		rcv.ServeHTTP(w, r)
	}))
	defer hook.Close()
	a := createCheckout(t, srv, "R-a", hook.URL).LakipayTransactionID
	b := createCheckout(t, srv, "R-b", hook.URL).LakipayTransactionID

	require.NoError(t, srv.HoldWebhooks(a))
	require.NoError(t, srv.SetStatus(a, client.TransactionStatusPENDING, ""))
	require.NoError(t, srv.Pay(a, client.MediumMPESA))
	require.NoError(t, srv.Pay(b, client.MediumMPESA))
	d, err := srv.WaitForDelivery(ctx, b, client.TransactionStatusSUCCESS)
	require.NoError(t, err)
	assert.Equal(t, b, d.TransactionID)
	require.NoError(t, srv.WaitIdle(ctx))
	assert.Equal(t, []string{b + "/SUCCESS"}, rcv.got(t), "B is not held")

	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	_, err = srv.WaitForDelivery(short, a, client.TransactionStatusSUCCESS)
	require.ErrorIs(t, err, context.DeadlineExceeded, "A's SUCCESS is held: B's is not it")
	assert.Contains(t, err.Error(), "2 pending, 2 of them held back")

	released, err := srv.ReleaseWebhooks(a)
	require.NoError(t, err)
	require.Len(t, released, 2)
	assert.Equal(t, []client.TransactionStatus{"PENDING", "SUCCESS"}, []client.TransactionStatus{released[0].Status, released[1].Status})
	pending, err := srv.WaitForDelivery(ctx, a, client.TransactionStatusPENDING)
	require.NoError(t, err)
	success, err := srv.WaitForDelivery(ctx, a, client.TransactionStatusSUCCESS)
	require.NoError(t, err)
	assert.Equal(t, client.TransactionStatusPENDING, pending.Status)
	assert.Equal(t, client.TransactionStatusSUCCESS, success.Status)
	assert.Equal(t, []string{b + "/SUCCESS", a + "/PENDING", a + "/SUCCESS"}, rcv.got(t), "in the order they were held")
	assert.Zero(t, overlapped.Load(), "one after the other")
}

// TestHeldWebhooksCountAgainstTheQueue: a held webhook is pending, so the queue's bound
// holds it too: with room for one, the next status change's webhook is dropped.
func TestHeldWebhooksCountAgainstTheQueue(t *testing.T) {
	srv := contracttest.NewServer(t, contracttest.WithWebhookQueue(1))
	_, hook := newReceiver(t)
	a := createCheckout(t, srv, "R-qa", hook).LakipayTransactionID
	b := createCheckout(t, srv, "R-qb", hook).LakipayTransactionID
	require.NoError(t, srv.HoldWebhooks(a))
	require.NoError(t, srv.Pay(a, client.MediumMPESA))
	require.NoError(t, srv.Pay(b, client.MediumMPESA))
	deliveries := srv.Deliveries()
	require.Len(t, deliveries, 1)
	assert.Equal(t, b, deliveries[0].TransactionID)
	assert.True(t, deliveries[0].Dropped, "the queue was full of the held webhook")
}

// TestResetDropsHeldWebhooks: a reset drops what is held and forgets the hold.
func TestResetDropsHeldWebhooks(t *testing.T) {
	ctx := waitCtx(t)
	srv := contracttest.NewServer(t, contracttest.WithWebhookQueue(1))
	rcv, hook := newReceiver(t)
	a := createCheckout(t, srv, "R-reset", hook).LakipayTransactionID
	require.NoError(t, srv.HoldWebhooks(a))
	require.NoError(t, srv.Pay(a, client.MediumMPESA))
	srv.Reset()
	assert.Empty(t, srv.HeldWebhooks(a))
	_, err := srv.ReleaseWebhooks(a)
	assert.ErrorIs(t, err, contracttest.ErrUnknownTransaction, "the reset forgot the session and its hold")

	b := createCheckout(t, srv, "R-after", hook).LakipayTransactionID
	require.NoError(t, srv.Pay(b, client.MediumMPESA))
	_, err = srv.WaitForDelivery(ctx, b, client.TransactionStatusSUCCESS)
	require.NoError(t, err, "the queue's room came back with the reset")
	assert.Equal(t, []string{b + "/SUCCESS"}, rcv.got(t), "A's held webhook was never sent")
}

// TestDeliverIsNotHeld: a delivery a test asks for now goes now.
func TestDeliverIsNotHeld(t *testing.T) {
	srv := contracttest.NewServer(t)
	_, hook := newReceiver(t)
	id := createCheckout(t, srv, "R-deliver", hook).LakipayTransactionID
	require.NoError(t, srv.HoldWebhooks(id))
	got, err := srv.Deliver(waitCtx(t), contracttest.DeliverRequest{TransactionID: id, Case: contracttest.CaseUnsigned})
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, http.StatusOK, got[0].HTTPStatus)
}

// TestWaitForDeliveryCountsOnlyGenuineAcceptedWebhooks: a refused attempt, a hostile body
// the receiver wrongly accepted, another status: none is what WaitForDelivery returns. With
// nothing pending it fails fast, naming the last refusal.
func TestWaitForDeliveryCountsOnlyGenuineAcceptedWebhooks(t *testing.T) {
	ctx := waitCtx(t)
	srv := contracttest.NewServer(t, contracttest.WithWebhookRetry(2, time.Millisecond))
	_, hook := newReceiver(t) // accepts anything

	t.Run("a forgery accepted is not the webhook", func(t *testing.T) {
		id := createCheckout(t, srv, "R-forged", hook).LakipayTransactionID
		forged, err := srv.Deliver(ctx, contracttest.DeliverRequest{TransactionID: id, Case: contracttest.CaseForgedSignature})
		require.NoError(t, err)
		require.True(t, forged[0].OK())
		require.Equal(t, client.TransactionStatusSUCCESS, forged[0].Status)
		short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		_, err = srv.WaitForDelivery(short, id, client.TransactionStatusSUCCESS)
		require.ErrorIs(t, err, context.DeadlineExceeded, "the session is still INITIATED: its webhook is to come")
		assert.Contains(t, err.Error(), "the session is still INITIATED")
		require.NoError(t, srv.Cancel(id))
		_, err = srv.WaitForDelivery(ctx, id, client.TransactionStatusSUCCESS)
		require.ErrorIs(t, err, contracttest.ErrWebhookNotAccepted, "cancelled: no SUCCESS can come, the forged one is not it")
		assert.Contains(t, err.Error(), "did its status change?")
	})
	t.Run("refused attempts do not count", func(t *testing.T) {
		_, bad := newReceiver(t, http.StatusInternalServerError, http.StatusServiceUnavailable)
		id := createCheckout(t, srv, "R-refused", bad).LakipayTransactionID
		require.NoError(t, srv.Pay(id, client.MediumMPESA))
		_, err := srv.WaitForDelivery(ctx, id, client.TransactionStatusSUCCESS)
		require.ErrorIs(t, err, contracttest.ErrWebhookNotAccepted)
		assert.Contains(t, err.Error(), "attempt 2: HTTP 503")
	})
	t.Run("another status does not count", func(t *testing.T) {
		id := createCheckout(t, srv, "R-cancelled", hook).LakipayTransactionID
		require.NoError(t, srv.Cancel(id))
		d, err := srv.WaitForDelivery(ctx, id, client.TransactionStatusCANCELLED)
		require.NoError(t, err)
		assert.Equal(t, client.TransactionStatusCANCELLED, d.Status)
		_, err = srv.WaitForDelivery(ctx, id, client.TransactionStatusSUCCESS)
		assert.ErrorIs(t, err, contracttest.ErrWebhookNotAccepted)
	})
	t.Run("no callback_url", func(t *testing.T) {
		id := createCheckout(t, srv, "R-silent", "").LakipayTransactionID
		require.NoError(t, srv.Pay(id, client.MediumMPESA))
		_, err := srv.WaitForDelivery(ctx, id, client.TransactionStatusSUCCESS)
		assert.ErrorIs(t, err, contracttest.ErrWebhookNotAccepted)
	})
	t.Run("bad input", func(t *testing.T) {
		_, err := srv.WaitForDelivery(ctx, "TXN-nope", client.TransactionStatusSUCCESS)
		assert.ErrorIs(t, err, contracttest.ErrUnknownTransaction)
		_, err = srv.WaitForDelivery(ctx, "TXN-nope", "")
		assert.ErrorIs(t, err, contracttest.ErrScript)
	})
}

// TestHoldOverHTTP: the /_mock/ endpoints of holding and waiting, for other languages.
func TestHoldOverHTTP(t *testing.T) {
	srv := contracttest.NewServer(t)
	_, hook := newReceiver(t)
	id := createCheckout(t, srv, "R-http-hold", hook).LakipayTransactionID
	mock := srv.Origin() + "/_mock/transactions/" + id

	type holdAnswer struct {
		TransactionID string                  `json:"transaction_id"`
		Holding       bool                    `json:"holding"`
		Webhooks      []contracttest.Delivery `json:"webhooks"`
	}
	var ans holdAnswer
	status, _, body := call(t, http.DefaultClient, http.MethodPost, mock+"/hold", "", nil)
	require.Equal(t, http.StatusOK, status, string(body))
	require.NoError(t, json.Unmarshal(body, &ans))
	assert.Equal(t, holdAnswer{TransactionID: id, Holding: true, Webhooks: []contracttest.Delivery{}}, ans)
	require.NoError(t, srv.Pay(id, client.MediumMPESA))

	status, _, body = call(t, http.DefaultClient, http.MethodGet, mock+"/held", "", nil)
	require.Equal(t, http.StatusOK, status, string(body))
	require.NoError(t, json.Unmarshal(body, &ans))
	assert.True(t, ans.Holding)
	require.Len(t, ans.Webhooks, 1)
	assert.True(t, ans.Webhooks[0].Held)
	assert.Contains(t, string(body), `"held":true`)

	status, _, body = call(t, http.DefaultClient, http.MethodGet, mock+"/delivery?status=SUCCESS&timeout=50ms", "", nil)
	assert.Equal(t, http.StatusGatewayTimeout, status, "held: not accepted in time: %s", body)

	status, _, body = call(t, http.DefaultClient, http.MethodPost, mock+"/release", "", nil)
	require.Equal(t, http.StatusOK, status, string(body))
	require.NoError(t, json.Unmarshal(body, &ans))
	assert.False(t, ans.Holding)
	require.Len(t, ans.Webhooks, 1)

	status, _, body = call(t, http.DefaultClient, http.MethodGet, mock+"/delivery?status=SUCCESS", "", nil)
	require.Equal(t, http.StatusOK, status, string(body))
	var d contracttest.Delivery
	require.NoError(t, json.Unmarshal(body, &d))
	assert.Equal(t, http.StatusOK, d.HTTPStatus)
	assert.Equal(t, client.TransactionStatusSUCCESS, d.Status)

	for _, tt := range []struct {
		method, path string
		status       int
	}{
		{http.MethodPost, mock + "/release", http.StatusBadRequest},
		{http.MethodPost, srv.Origin() + "/_mock/transactions/TXN-nope/hold", http.StatusNotFound},
		{http.MethodGet, srv.Origin() + "/_mock/transactions/TXN-nope/held", http.StatusNotFound},
		{http.MethodGet, mock + "/delivery?status=CANCELLED", http.StatusConflict},
		{http.MethodGet, mock + "/delivery", http.StatusBadRequest},
		{http.MethodGet, mock + "/delivery?status=SUCCESS&timeout=1h", http.StatusBadRequest},
		{http.MethodGet, mock + "/delivery?status=SUCCESS&colour=red", http.StatusBadRequest},
		{http.MethodGet, srv.Origin() + "/_mock/transactions/TXN-nope/delivery?status=SUCCESS", http.StatusNotFound},
	} {
		status, _, body := call(t, http.DefaultClient, tt.method, tt.path, "", nil)
		assert.Equal(t, tt.status, status, "%s %s: %s", tt.method, tt.path, body)
	}
}
