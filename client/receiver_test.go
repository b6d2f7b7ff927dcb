package client_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/contracttest"
)

// shop is a merchant's order book behind a WebhookHandler: it counts, per transaction, how
// many times it settled an order.
type shop struct {
	mu      sync.Mutex
	settled map[string]int
	applied map[string]client.TransactionStatus // for the idempotent function
}

func newShop() *shop {
	return &shop{settled: map[string]int{}, applied: map[string]client.TransactionStatus{}}
}

func (s *shop) effects(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.settled[id]
}

// settleFinal settles on a final status, as a merchant's function does behind
// WithDeduplication.
func (s *shop) settleFinal(_ context.Context, ev *client.WebhookEvent) error {
	if ev.Status.IsFinal() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.settled[ev.TransactionID]++
	}
	return nil
}

// settleEverything settles on every event it is given: the naive function the handler's
// documentation warns about.
func (s *shop) settleEverything(_ context.Context, ev *client.WebhookEvent) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settled[ev.TransactionID]++
	return nil
}

// settleIdempotently is what the documentation asks of a function without WithDeduplication:
// idempotent on TransactionID plus Status, ignoring a status older than one it applied.
func (s *shop) settleIdempotently(_ context.Context, ev *client.WebhookEvent) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if prev, ok := s.applied[ev.TransactionID]; ok && (prev == ev.Status || prev.IsFinal()) {
		return nil
	}
	s.applied[ev.TransactionID] = ev.Status
	if ev.Status.IsFinal() {
		s.settled[ev.TransactionID]++
	}
	return nil
}

// swappable serves the handler of the current subtest on one listener.
type swappable struct{ h atomic.Pointer[http.Handler] }

func (s *swappable) ServeHTTP(w http.ResponseWriter, r *http.Request) { (*s.h.Load()).ServeHTTP(w, r) }

func (s *swappable) use(h http.Handler) { s.h.Store(&h) }

// TestWebhookHandlerMeetsTheReceiverSuite holds NewWebhookHandler to what client/doc.go
// promises under duplicates, disorder and forgeries: with WithDeduplication every case
// passes; without it a naive function fails the duplicate, stale and replay cases while every
// forgery is still refused, and a function that follows the documentation's advice passes.
func TestWebhookHandlerMeetsTheReceiverSuite(t *testing.T) {
	srv := contracttest.NewServer(t)
	hook := &swappable{}
	receiver := httptest.NewServer(hook)
	defer receiver.Close()
	handler := func(t *testing.T, fn func(context.Context, *client.WebhookEvent) error, opts ...client.WebhookOption) {
		t.Helper()
		h, err := client.NewWebhookHandler(srv.PublicKey(), fn, opts...)
		require.NoError(t, err)
		hook.use(h)
	}

	t.Run("with de-duplication", func(t *testing.T) {
		s := newShop()
		handler(t, s.settleFinal, client.WithDeduplication(1000))
		report := contracttest.CheckReceiver(t, srv, receiver.URL, s.effects)
		require.Len(t, report.Results, len(contracttest.ReceiverCases()))
		for _, res := range report.Results {
			assert.Equal(t, contracttest.Passed, res.Answers, res.Case)
			assert.Equal(t, contracttest.Passed, res.Effects, res.Case)
		}
	})
	t.Run("without de-duplication, a naive function", func(t *testing.T) {
		s := newShop()
		handler(t, s.settleEverything)
		report, err := contracttest.RunReceiverSuite(t.Context(), srv.Origin(), receiver.URL,
			func(_ context.Context, id string) (int, error) { return s.effects(id), nil }, contracttest.WithEffectTimeout(0))
		require.NoError(t, err)
		var failed []string
		for _, res := range report.Failures() {
			failed = append(failed, res.Case)
			assert.Equal(t, contracttest.Passed, res.Answers, "%s: every genuine webhook is still acknowledged", res.Case)
			assert.Equal(t, contracttest.Failed, res.Effects, res.Case)
		}
		assert.Equal(t, []string{"duplicate", "duplicate_concurrent", "stale", "final_late", "replayed"}, failed)
		for _, res := range report.Results {
			for _, d := range res.Deliveries {
				if d.Case.Hostile() {
					assert.Contains(t, []int{http.StatusBadRequest, http.StatusRequestEntityTooLarge}, d.HTTPStatus, "%s: %s refused", res.Case, d.Case)
				}
			}
		}
	})
	t.Run("without de-duplication, an idempotent function", func(t *testing.T) {
		s := newShop()
		handler(t, s.settleIdempotently)
		assert.True(t, contracttest.CheckReceiver(t, srv, receiver.URL, s.effects).Passed())
	})
}
