package client

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWebhookSizeBoundIsExact pads an authentic webhook (whitespace is outside the signed
// string) to exactly MaxWebhookBytes, which ParseWebhook and the handler accept, and to one
// byte more, which both refuse.
func TestWebhookSizeBoundIsExact(t *testing.T) {
	pub := &lakipayKey().PublicKey
	good := sign(t, webhookPayload, lakipayKey())
	padded := func(size int) string {
		body := strings.Replace(good, `{"event"`, "{"+strings.Repeat(" ", size-len(good))+`"event"`, 1)
		require.Len(t, body, size)
		return body
	}
	h := handler(t, pub, func(context.Context, *WebhookEvent) error { return nil })

	_, err := ParseWebhook([]byte(padded(MaxWebhookBytes)), pub)
	require.NoError(t, err)
	status, _ := postWebhook(t, h, padded(MaxWebhookBytes))
	assert.Equal(t, http.StatusOK, status)

	_, err = ParseWebhook([]byte(padded(MaxWebhookBytes+1)), pub)
	require.ErrorIs(t, err, ErrMalformedWebhook)
	status, _ = postWebhook(t, h, padded(MaxWebhookBytes+1))
	assert.Equal(t, http.StatusRequestEntityTooLarge, status)
}

// TestResponseSizeBoundIsExact answers with a transaction padded to exactly MaxResponseBytes,
// which the client reads, and to one byte more, which it refuses.
func TestResponseSizeBoundIsExact(t *testing.T) {
	tx := transactionBody(TransactionStatusSUCCESS)
	padded := func(size int) string { return tx + strings.Repeat(" ", size-len(tx)) }
	for _, tt := range []struct {
		size    int
		wantErr error
	}{{MaxResponseBytes, nil}, {MaxResponseBytes + 1, ErrResponseTooLarge}} {
		srv := newServer(t, reply(http.StatusOK, padded(tt.size)))
		c, _ := testClient(t, srv.baseURL(), WithRetry(RetryPolicy{MaxAttempts: 1}))
		got, err := c.GetTransaction(context.Background(), "TXN-1")
		if tt.wantErr != nil {
			require.ErrorIs(t, err, tt.wantErr, "%d bytes", tt.size)
			continue
		}
		require.NoError(t, err, "%d bytes", tt.size)
		assert.Equal(t, TransactionStatusSUCCESS, got.Status)
	}
}

// TestDeduplicationSurvivesAPanickingFn checks that a pair whose fn panicked is neither
// remembered nor left marked as in flight: the next delivery reaches fn (instead of waiting
// for a run that will never finish) and the one after is a duplicate.
func TestDeduplicationSurvivesAPanickingFn(t *testing.T) {
	pub := &lakipayKey().PublicKey
	body := sign(t, webhookPayload, lakipayKey())
	var calls atomic.Int32
	h := handler(t, pub, func(context.Context, *WebhookEvent) error {
		if calls.Add(1) == 1 {
			panic("the merchant's code panicked")
		}
		return nil
	}, WithDeduplication(8))

	require.PanicsWithValue(t, "the merchant's code panicked", func() { postWebhook(t, h, body) })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	status, text := postWebhookContext(ctx, t, h, body)
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "ok\n", text)
	status, text = postWebhook(t, h, body)
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "ok (duplicate)\n", text)
	assert.Equal(t, int32(2), calls.Load())
}
