package client

import (
	"context"
	"math"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWaitForTransaction(t *testing.T) {
	pending := reply(http.StatusOK, transactionBody(TransactionStatusPENDING))
	tests := []struct {
		name     string
		handlers []http.HandlerFunc
		want     TransactionStatus
		polls    int
		waits    []time.Duration
	}{
		{name: "already final", handlers: []http.HandlerFunc{reply(http.StatusOK, transactionBody(TransactionStatusFAILED))},
			want: TransactionStatusFAILED, polls: 1},
		{name: "initiated, pending, then success; intervals grow by half up to the limit",
			handlers: []http.HandlerFunc{reply(http.StatusOK, transactionBody(TransactionStatusINITIATED)), pending, pending, pending, reply(http.StatusOK, transactionBody(TransactionStatusSUCCESS))},
			want:     TransactionStatusSUCCESS, polls: 5,
			waits: []time.Duration{time.Second, 1500 * time.Millisecond, 2 * time.Second, 2 * time.Second}},
		{name: "a 503 between polls does not end the wait",
			handlers: []http.HandlerFunc{pending, reply(503, busy), reply(503, busy), reply(503, busy), reply(http.StatusOK, transactionBody(TransactionStatusCANCELLED))},
			want:     TransactionStatusCANCELLED, polls: 5,
			// GetTransaction retries the 503s itself (50ms, 100ms) before giving up once.
			waits: []time.Duration{time.Second, 50 * time.Millisecond, 100 * time.Millisecond, 1500 * time.Millisecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, tt.handlers...)
			c, sl := testClient(t, srv.baseURL(), WithRetry(RetryPolicy{MaxAttempts: 3, BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}))
			tx, err := c.WaitForTransaction(context.Background(), "TXN-123456789", WithPollInterval(time.Second, 2*time.Second))
			require.NoError(t, err)
			assert.Equal(t, tt.want, tx.Status)
			assert.Len(t, srv.seen(), tt.polls)
			assert.Equal(t, tt.waits, sl.recorded())
		})
	}
}

func TestWaitForTransactionContextEnds(t *testing.T) {
	srv := newServer(t, reply(http.StatusOK, transactionBody(TransactionStatusPENDING)))
	c, sl := testClient(t, srv.baseURL())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sl.hook = func(n int) {
		if n == 2 {
			cancel()
		}
	}
	tx, err := c.WaitForTransaction(ctx, "TXN-123456789")
	require.Error(t, err)
	assert.ErrorIs(t, err, context.Canceled)
	require.NotNil(t, tx, "the last transaction seen is returned")
	assert.Equal(t, TransactionStatusPENDING, tx.Status)
	assert.Len(t, srv.seen(), 2)
	assert.Equal(t, []time.Duration{DefaultPollInitial, DefaultPollInitial * 3 / 2}, sl.recorded())
}

func TestWaitForTransactionStopsOnPermanentErrors(t *testing.T) {
	tests := []struct {
		name    string
		id      string
		handler http.HandlerFunc
	}{
		{"404", "TXN-404", reply(http.StatusNotFound, `{"status":"ERROR","message":"Transaction not found","error_code":"NOT_FOUND"}`)},
		{"401", "TXN-1", reply(http.StatusUnauthorized, `{"status":"ERROR","message":"Invalid API key","error_code":"INVALID_API_KEY"}`)},
		{"unexpected body", "TXN-1", reply(http.StatusOK, `{}`)},
		{"invalid id", "", reply(http.StatusOK, transactionBody(TransactionStatusSUCCESS))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, tt.handler)
			c, sl := testClient(t, srv.baseURL())
			tx, err := c.WaitForTransaction(context.Background(), tt.id)
			require.Error(t, err)
			assert.Nil(t, tx)
			assert.LessOrEqual(t, len(srv.seen()), 1)
			assert.Empty(t, sl.recorded(), "no polling after a permanent error")
		})
	}
}

func TestWithPollIntervalValidates(t *testing.T) {
	c, _ := testClient(t, "http://127.0.0.1:9/api/v2")
	for _, tt := range []struct{ initial, limit time.Duration }{{0, time.Second}, {-time.Second, time.Second}, {2 * time.Second, time.Second}} {
		_, err := c.WaitForTransaction(context.Background(), "TXN-1", WithPollInterval(tt.initial, tt.limit))
		assert.ErrorContains(t, err, "poll interval must be positive")
	}
}

// TestWaitForTransactionNearTheLargestDuration: growing a poll interval above two thirds of
// the largest time.Duration never wraps around to a negative wait (polling without a pause).
func TestWaitForTransactionNearTheLargestDuration(t *testing.T) {
	srv := newServer(t, reply(http.StatusOK, transactionBody(TransactionStatusPENDING)))
	c, sl := testClient(t, srv.baseURL())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sl.hook = func(n int) {
		if n == 3 {
			cancel()
		}
	}
	const initial = math.MaxInt64 / 3 * 2
	_, err := c.WaitForTransaction(ctx, "TXN-123456789", WithPollInterval(initial, math.MaxInt64))
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, []time.Duration{initial, initial + initial/2, math.MaxInt64}, sl.recorded())
}
