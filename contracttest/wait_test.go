package contracttest_test

import (
	"context"
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

// answering is a webhook receiver that answers webhooks with the given statuses in turn, then with the last one forever.
func answering(t *testing.T, statuses ...int) *httptest.Server {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		i := int(n.Add(1)) - 1
		w.WriteHeader(statuses[min(i, len(statuses)-1)])
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestWaitForSuccessfulDeliveries(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	t.Run("a refused attempt does not count, its accepted retry does", func(t *testing.T) {
		srv := contracttest.NewServer(t, contracttest.WithWebhookRetry(3, 5*time.Millisecond))
		hook := answering(t, http.StatusInternalServerError, http.StatusOK)
		s := createCheckout(t, srv, "R-wait-retry", hook.URL)
		require.NoError(t, srv.Pay(s.LakipayTransactionID, client.MediumMPESA))
		accepted, err := srv.WaitForSuccessfulDeliveries(ctx, 1)
		require.NoError(t, err)
		require.Len(t, accepted, 1)
		assert.Equal(t, 2, accepted[0].Attempt)
		assert.Equal(t, http.StatusOK, accepted[0].HTTPStatus)
		assert.Equal(t, client.TransactionStatusSUCCESS, accepted[0].Status)
		assert.Len(t, srv.Deliveries(), 2, "both attempts are recorded")
	})
	t.Run("counts webhooks across transactions", func(t *testing.T) {
		srv := contracttest.NewServer(t)
		hook := answering(t, http.StatusOK)
		for _, ref := range []string{"R-wait-a", "R-wait-b"} {
			require.NoError(t, srv.Cancel(createCheckout(t, srv, ref, hook.URL).LakipayTransactionID))
		}
		accepted, err := srv.WaitForSuccessfulDeliveries(ctx, 2)
		require.NoError(t, err)
		assert.Len(t, accepted, 2)
	})
	t.Run("fails fast when the receiver refuses every attempt", func(t *testing.T) {
		srv := contracttest.NewServer(t, contracttest.WithWebhookRetry(2, time.Millisecond))
		hook := answering(t, http.StatusBadRequest)
		s := createCheckout(t, srv, "R-wait-refused", hook.URL)
		require.NoError(t, srv.Pay(s.LakipayTransactionID, client.MediumMPESA))
		accepted, err := srv.WaitForSuccessfulDeliveries(ctx, 1)
		require.ErrorIs(t, err, contracttest.ErrWebhookNotAccepted)
		assert.Empty(t, accepted)
		assert.ErrorContains(t, err, "0 of 1 accepted")
		assert.ErrorContains(t, err, "attempt 2: HTTP 400")
		assert.NoError(t, ctx.Err(), "it did not wait for the deadline")
	})
	t.Run("fails fast when the receiver is unreachable", func(t *testing.T) {
		srv := contracttest.NewServer(t, contracttest.WithWebhookRetry(1, 0))
		hook := httptest.NewServer(http.NotFoundHandler())
		hook.Close() // nothing listens there any more
		s := createCheckout(t, srv, "R-wait-down", hook.URL)
		require.NoError(t, srv.Pay(s.LakipayTransactionID, client.MediumMPESA))
		_, err := srv.WaitForSuccessfulDeliveries(ctx, 1)
		require.ErrorIs(t, err, contracttest.ErrWebhookNotAccepted)
		assert.ErrorContains(t, err, "connection refused")
	})
	t.Run("fails fast when no webhook was sent", func(t *testing.T) {
		srv := contracttest.NewServer(t)
		s := createCheckout(t, srv, "R-wait-none", "")
		require.NoError(t, srv.Pay(s.LakipayTransactionID, client.MediumMPESA))
		_, err := srv.WaitForSuccessfulDeliveries(ctx, 1)
		require.ErrorIs(t, err, contracttest.ErrWebhookNotAccepted)
		assert.ErrorContains(t, err, "callback_url")
	})
	t.Run("returns the context's error while a retry is pending", func(t *testing.T) {
		srv := contracttest.NewServer(t, contracttest.WithWebhookRetry(2, time.Hour))
		hook := answering(t, http.StatusServiceUnavailable)
		s := createCheckout(t, srv, "R-wait-ctx", hook.URL)
		require.NoError(t, srv.Pay(s.LakipayTransactionID, client.MediumMPESA))
		_, err := srv.WaitForDeliveries(ctx, 1) // the first attempt was refused
		require.NoError(t, err)
		short, stop := context.WithTimeout(ctx, 50*time.Millisecond)
		defer stop()
		_, err = srv.WaitForSuccessfulDeliveries(short, 1)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.NotErrorIs(t, err, contracttest.ErrWebhookNotAccepted)
	})
}
