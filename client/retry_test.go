package client

import (
	"context"
	"errors"
	"math"
	"net"
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const busy = `{"status":"ERROR","message":"busy","error_code":"PROVIDER_ERROR"}`

// TestRetryMatrix runs each method against each kind of failure and checks how many attempts
// were made and how long the client waited between them (waits are recorded, not slept;
// jitter is 0, so a wait is half of min(BaseDelay·2^(n-1), MaxDelay)).
func TestRetryMatrix(t *testing.T) {
	ok := map[string]http.HandlerFunc{
		http.MethodGet:  reply(http.StatusOK, transactionBody(TransactionStatusPENDING)),
		http.MethodPost: reply(http.StatusOK, docsResponse),
	}
	policy := RetryPolicy{MaxAttempts: 4, BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}
	tests := []struct {
		name     string
		method   string
		failures []http.HandlerFunc // answered before the success handler
		attempts int
		waits    []time.Duration
		status   int // status of the final *APIError, 0 when the call succeeds or fails otherwise
		fails    bool
	}{
		{name: "GET 503 then ok", method: http.MethodGet, failures: []http.HandlerFunc{reply(503, busy), reply(503, busy)},
			attempts: 3, waits: []time.Duration{50 * time.Millisecond, 100 * time.Millisecond}},
		{name: "GET 500 until attempts run out", method: http.MethodGet, failures: []http.HandlerFunc{reply(500, busy), reply(500, busy), reply(500, busy), reply(500, busy)},
			attempts: 4, waits: []time.Duration{50 * time.Millisecond, 100 * time.Millisecond, 200 * time.Millisecond}, status: 500},
		{name: "GET 429 honours Retry-After seconds", method: http.MethodGet, failures: []http.HandlerFunc{reply(429, busy, "Retry-After", "1")},
			attempts: 2, waits: []time.Duration{time.Second}},
		{name: "GET 429 with Retry-After above MaxDelay gives up", method: http.MethodGet, failures: []http.HandlerFunc{reply(429, busy, "Retry-After", "60")},
			attempts: 1, status: 429},
		{name: "GET 429 without Retry-After backs off", method: http.MethodGet, failures: []http.HandlerFunc{reply(429, busy)},
			attempts: 2, waits: []time.Duration{50 * time.Millisecond}},
		{name: "GET connection dropped then ok", method: http.MethodGet, failures: []http.HandlerFunc{hangUp},
			attempts: 2, waits: []time.Duration{50 * time.Millisecond}},
		{name: "GET 400 is not retried", method: http.MethodGet, failures: []http.HandlerFunc{reply(400, busy)}, attempts: 1, status: 400},
		{name: "GET 404 is not retried", method: http.MethodGet, failures: []http.HandlerFunc{reply(404, busy)}, attempts: 1, status: 404},
		{name: "POST 503 is not retried", method: http.MethodPost, failures: []http.HandlerFunc{reply(503, busy)}, attempts: 1, status: 503},
		{name: "POST 500 is not retried", method: http.MethodPost, failures: []http.HandlerFunc{reply(500, busy)}, attempts: 1, status: 500},
		{name: "POST 429 is not retried", method: http.MethodPost, failures: []http.HandlerFunc{reply(429, busy, "Retry-After", "1")}, attempts: 1, status: 429},
		{name: "POST connection dropped is not retried", method: http.MethodPost, failures: []http.HandlerFunc{hangUp}, attempts: 1, fails: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, append(tt.failures, ok[tt.method])...)
			c, sl := testClient(t, srv.baseURL(), WithRetry(policy))
			var err error
			if tt.method == http.MethodGet {
				_, err = c.GetTransaction(context.Background(), "TXN-1")
			} else {
				_, err = c.CreateCheckout(context.Background(), docsRequest(t))
			}
			assert.Len(t, srv.seen(), tt.attempts, "attempts")
			assert.Equal(t, tt.waits, sl.recorded(), "waits")
			switch {
			case tt.status != 0:
				var apiErr *APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, tt.status, apiErr.StatusCode)
			case tt.fails:
				assert.Error(t, err)
			default:
				assert.NoError(t, err)
			}
			for _, r := range srv.seen() {
				assert.Equal(t, tt.method, r.Method)
			}
			if tt.method == http.MethodPost && tt.attempts > 1 {
				assert.Equal(t, srv.seen()[0].Body, srv.seen()[1].Body, "a retried POST resends the same body")
			}
		})
	}
}

func TestRetryAfterLongerThanMaxDelayIsReported(t *testing.T) {
	srv := newServer(t, reply(429, busy, "Retry-After", "60"))
	c, _ := testClient(t, srv.baseURL())
	_, err := c.GetTransaction(context.Background(), "TXN-1")
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, time.Minute, apiErr.RetryAfter)
	assert.Contains(t, err.Error(), "retry after 1m0s")
}

// TestPostRetriedOnlyWhenRefused checks the one case a checkout POST is retried: the
// connection was refused, so nothing reached the server.
func TestPostRetriedOnlyWhenRefused(t *testing.T) {
	addr := closedAddr(t)
	c, sl := testClient(t, "http://"+addr+"/api/v2")
	var srv *http.Server
	sl.hook = func(n int) {
		if n != 1 {
			return
		}
		// LakiPay comes up while the client waits to retry.
		l, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", addr)
		require.NoError(t, err)
		srv = &http.Server{Handler: reply(http.StatusOK, docsResponse), ReadHeaderTimeout: time.Second}
		go func() { _ = srv.Serve(l) }()
	}
	session, err := c.CreateCheckout(context.Background(), docsRequest(t))
	require.NoError(t, err)
	require.NotNil(t, srv)
	t.Cleanup(func() { _ = srv.Close() })
	assert.Equal(t, "TXN-123456789", session.LakipayTransactionID)
	assert.Len(t, sl.recorded(), 1, "one refused attempt, one wait, one successful attempt")
}

func TestRefusedUntilAttemptsRunOut(t *testing.T) {
	addr := closedAddr(t)
	c, sl := testClient(t, "http://"+addr+"/api/v2")
	_, err := c.CreateCheckout(context.Background(), docsRequest(t))
	require.Error(t, err)
	assert.True(t, errors.Is(err, syscall.ECONNREFUSED), "got %v", err)
	assert.Len(t, sl.recorded(), DefaultRetryPolicy().MaxAttempts-1)
}

func TestPerAttemptTimeout(t *testing.T) {
	t.Run("GET is retried after a timeout", func(t *testing.T) {
		srv := newServer(t, func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() },
			reply(http.StatusOK, transactionBody(TransactionStatusPENDING)))
		c, sl := testClient(t, srv.baseURL(), WithTimeout(50*time.Millisecond))
		_, err := c.GetTransaction(context.Background(), "TXN-1")
		require.NoError(t, err)
		assert.Len(t, srv.seen(), 2)
		assert.Len(t, sl.recorded(), 1)
	})
	t.Run("POST is not retried after a timeout", func(t *testing.T) {
		srv := newServer(t, func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() },
			reply(http.StatusOK, docsResponse))
		c, sl := testClient(t, srv.baseURL(), WithTimeout(50*time.Millisecond))
		_, err := c.CreateCheckout(context.Background(), docsRequest(t))
		require.Error(t, err)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Len(t, srv.seen(), 1)
		assert.Empty(t, sl.recorded())
	})
}

func TestRetryStopsWhenContextEnds(t *testing.T) {
	srv := newServer(t, reply(503, busy))
	c, sl := testClient(t, srv.baseURL())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sl.hook = func(int) { cancel() }
	_, err := c.GetTransaction(ctx, "TXN-1")
	require.Error(t, err)
	assert.ErrorIs(t, err, context.Canceled)
	var apiErr *APIError
	assert.ErrorAs(t, err, &apiErr, "the last answer is kept")
	assert.Len(t, srv.seen(), 1)
}

func TestBackoff(t *testing.T) {
	c, err := New(testAPIKey, WithRetry(RetryPolicy{MaxAttempts: 10, BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}))
	require.NoError(t, err)
	tests := []struct {
		attempt  int
		low, top time.Duration // the wait lies in [low, top)
	}{
		{1, 50 * time.Millisecond, 100 * time.Millisecond},
		{2, 100 * time.Millisecond, 200 * time.Millisecond},
		{3, 200 * time.Millisecond, 400 * time.Millisecond},
		{4, 400 * time.Millisecond, 800 * time.Millisecond},
		{5, 500 * time.Millisecond, time.Second},
		{9, 500 * time.Millisecond, time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.low.String(), func(t *testing.T) {
			c.cfg.jitter = func(time.Duration) time.Duration { return 0 }
			assert.Equal(t, tt.low, c.cfg.backoff(tt.attempt), "no jitter")
			c.cfg.jitter = func(limit time.Duration) time.Duration { return limit - 1 }
			assert.Equal(t, tt.top-1, c.cfg.backoff(tt.attempt), "largest jitter")
			c.cfg.jitter = randomJitter
			for range 20 {
				d := c.cfg.backoff(tt.attempt)
				assert.GreaterOrEqual(t, d, tt.low)
				assert.Less(t, d, tt.top)
			}
		})
	}
}

func TestSleepContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, sleepContext(ctx, time.Hour), context.Canceled, "a canceled context ends the wait at once")
	assert.NoError(t, sleepContext(context.Background(), time.Microsecond))
	assert.NoError(t, sleepContext(context.Background(), 0))
}

// TestBackoffNearTheLargestDuration: doubling a BaseDelay above half the largest
// time.Duration toward a MaxDelay at it never wraps around to a negative wait (an immediate
// retry): the wait stays capped by MaxDelay.
func TestBackoffNearTheLargestDuration(t *testing.T) {
	const base = math.MaxInt64/2 + 1
	c, err := New(testAPIKey, WithRetry(RetryPolicy{MaxAttempts: 10, BaseDelay: base, MaxDelay: math.MaxInt64}))
	require.NoError(t, err)
	c.cfg.jitter = func(time.Duration) time.Duration { return 0 }
	assert.Equal(t, time.Duration(base/2), c.cfg.backoff(1))
	for attempt := 2; attempt < 10; attempt++ {
		assert.Equal(t, time.Duration(math.MaxInt64/2), c.cfg.backoff(attempt), "attempt %d: capped by MaxDelay", attempt)
	}
}
