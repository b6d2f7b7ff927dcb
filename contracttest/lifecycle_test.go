package contracttest_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/contracttest"
)

// TestSessionsExpire: an INITIATED session left alone for the session TTL becomes
// CANCELLED, with its webhook, and its page can no longer be paid; a session paid meanwhile,
// and one PENDING (a payment in progress), are left as they are.
//
// The TTL is 3 s, not less: the two kept sessions must be paid and made PENDING before it
// passes, and under -race on a loaded machine 300 ms was not enough (CI, stop 26).
func TestSessionsExpire(t *testing.T) {
	t.Parallel() // most of it is waiting for the TTL
	ctx := waitCtx(t)
	srv := contracttest.NewServer(t, contracttest.WithSessionTTL(3*time.Second))
	_, hook := newReceiver(t)
	paid := createCheckout(t, srv, "R-paid", hook).LakipayTransactionID
	pending := createCheckout(t, srv, "R-pending", hook).LakipayTransactionID
	left := createCheckout(t, srv, "R-left", hook)
	require.NoError(t, srv.Pay(paid, client.MediumMPESA))
	require.NoError(t, srv.SetStatus(pending, client.TransactionStatusPENDING, ""))

	d, err := srv.WaitForDelivery(ctx, left.LakipayTransactionID, client.TransactionStatusCANCELLED)
	require.NoError(t, err, "the session expired, and its webhook said so")
	assert.Equal(t, left.LakipayTransactionID, d.TransactionID)
	tx := transaction(t, srv, left.LakipayTransactionID)
	assert.Equal(t, client.TransactionStatusCANCELLED, tx.Status)
	assert.Empty(t, tx.Medium, "no medium, as a shopper's cancel")
	_, err = srv.Shopper().Pay(ctx, left.CheckoutURL, client.MediumMPESA)
	require.ErrorIs(t, err, contracttest.ErrFinal, "an expired checkout cannot be paid")

	assert.Equal(t, client.TransactionStatusSUCCESS, transaction(t, srv, paid).Status)
	assert.Equal(t, client.TransactionStatusPENDING, transaction(t, srv, pending).Status,
		"older than the expired session, yet a payment in progress does not expire")
	require.NoError(t, srv.WaitIdle(ctx))
	for _, d := range srv.Deliveries() {
		assert.False(t, d.TransactionID != left.LakipayTransactionID && d.Status == client.TransactionStatusCANCELLED,
			"only the session left alone was cancelled: %+v", d)
	}
}

// TestExpire: a test expires a session now, from Go or over HTTP; only an INITIATED one.
func TestExpire(t *testing.T) {
	ctx := waitCtx(t)
	srv := contracttest.NewServer(t)
	_, hook := newReceiver(t)

	id := createCheckout(t, srv, "R-expire", hook).LakipayTransactionID
	require.NoError(t, srv.Expire(id))
	_, err := srv.WaitForDelivery(ctx, id, client.TransactionStatusCANCELLED)
	require.NoError(t, err)
	assert.ErrorIs(t, srv.Expire(id), contracttest.ErrFinal)
	assert.ErrorIs(t, srv.Expire("TXN-nope"), contracttest.ErrUnknownTransaction)
	pending := createCheckout(t, srv, "R-expire-pending", "").LakipayTransactionID
	require.NoError(t, srv.SetStatus(pending, client.TransactionStatusPENDING, ""))
	assert.ErrorIs(t, srv.Expire(pending), contracttest.ErrScript)

	other := createCheckout(t, srv, "R-expire-http", "").LakipayTransactionID
	status, _, body := call(t, http.DefaultClient, http.MethodPost, srv.Origin()+"/_mock/transactions/"+other+"/expire", "", nil)
	require.Equal(t, http.StatusOK, status, string(body))
	var tx client.Transaction
	require.NoError(t, json.Unmarshal(body, &tx))
	assert.Equal(t, client.TransactionStatusCANCELLED, tx.Status)
	for path, want := range map[string]int{
		"/_mock/transactions/" + other + "/expire":   http.StatusConflict,
		"/_mock/transactions/" + pending + "/expire": http.StatusBadRequest,
		"/_mock/transactions/TXN-nope/expire":        http.StatusNotFound,
	} {
		status, _, body := call(t, http.DefaultClient, http.MethodPost, srv.Origin()+path, "", nil)
		assert.Equal(t, want, status, "%s: %s", path, body)
	}
}

func TestWithSessionTTLRefuses(t *testing.T) {
	for _, d := range []time.Duration{0, -time.Second, 31 * 24 * time.Hour} {
		_, err := contracttest.NewFake(contracttest.WithSessionTTL(d))
		var oe *contracttest.OptionError
		require.ErrorAs(t, err, &oe, d)
		assert.Equal(t, "WithSessionTTL", oe.Option)
	}
}
