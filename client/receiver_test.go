package client_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/contracttest"
)

// shop is a merchant's order book behind a WebhookHandler: what it did about each
// transaction, and, when it opens its own checkouts, which transactions are its own.
type shop struct {
	mu      sync.Mutex
	effects map[string]*contracttest.Effects
	own     map[string]bool                     // nil: it acts on any transaction
	applied map[string]client.TransactionStatus // for the idempotent function
}

func newShop() *shop {
	return &shop{effects: map[string]*contracttest.Effects{}, applied: map[string]client.TransactionStatus{}}
}

func (s *shop) report(_ context.Context, id string) (contracttest.Effects, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.effects[id]; e != nil {
		return *e, nil
	}
	return contracttest.Effects{}, nil
}

// opener opens the shop's checkouts against srv, and from then on the shop acts only on them.
func (s *shop) opener(t *testing.T, srv *contracttest.Server, callback string) contracttest.SessionOpener {
	c, err := client.New("pk_test_shop:sk_test_shop_secret", client.WithBaseURL(srv.URL()))
	require.NoError(t, err)
	s.own = map[string]bool{}
	return func(ctx context.Context) (string, error) {
		s.mu.Lock()
		n := len(s.own) + 1
		s.mu.Unlock()
		amount, err := client.AmountFromMinor(int64(n) * 1000)
		if err != nil {
			return "", err
		}
		session, err := c.CreateCheckout(ctx, client.CheckoutRequest{Amount: amount, Currency: "ETB",
			PhoneNumber: "251911111111", Reference: "ORDER-" + strconv.Itoa(n), CallbackURL: callback,
			Redirects:        client.Redirects{Success: "https://shop.example/ok", Failed: "https://shop.example/ko"},
			SupportedMediums: []client.Medium{client.MediumMPESA}})
		if err != nil {
			return "", err
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		s.own[session.LakipayTransactionID] = true
		return session.LakipayTransactionID, nil
	}
}

// actLocked ships the order of a SUCCESS and reopens the order of a CANCELLED or FAILED;
// naive ships on any status. The caller holds s.mu.
func (s *shop) actLocked(ev *client.WebhookEvent, naive bool) {
	if s.own != nil && !s.own[ev.TransactionID] {
		return // not a checkout of this shop
	}
	e := s.effects[ev.TransactionID]
	if e == nil {
		e = &contracttest.Effects{}
		s.effects[ev.TransactionID] = e
	}
	switch {
	case naive || ev.Status == client.TransactionStatusSUCCESS:
		e.Paid++
	case ev.Status == client.TransactionStatusCANCELLED, ev.Status == client.TransactionStatusFAILED:
		e.Released++
	}
}

// settle acts on each event, as a merchant's function does behind WithDeduplication.
func (s *shop) settle(_ context.Context, ev *client.WebhookEvent) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.actLocked(ev, false)
	return nil
}

// settleEverything ships on every event it is given: the naive function the handler's
// documentation warns about.
func (s *shop) settleEverything(_ context.Context, ev *client.WebhookEvent) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.actLocked(ev, true)
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
	s.actLocked(ev, false)
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
		handler(t, s.settle, client.WithDeduplication(1000))
		report := contracttest.CheckReceiver(t, srv, receiver.URL, s.report,
			contracttest.WithSessionOpener(s.opener(t, srv, receiver.URL)))
		require.Len(t, report.Results, len(contracttest.ReceiverCases()))
		assert.True(t, report.Passed() && report.Complete(), "every case passed, every check made")
	})
	t.Run("without de-duplication, a naive function", func(t *testing.T) {
		s := newShop()
		handler(t, s.settleEverything)
		report, err := contracttest.RunReceiverSuite(t.Context(), srv.Origin(), receiver.URL, s.report, contracttest.WithEffectTimeout(0))
		require.NoError(t, err)
		var failed []string
		for _, res := range report.Failures() {
			failed = append(failed, res.Case)
			assert.Equal(t, contracttest.Passed, res.Answers, "%s: every genuine webhook is still acknowledged", res.Case)
			assert.Equal(t, contracttest.Failed, res.Effects, res.Case)
		}
		// Repeats, an earlier status, statuses that are no payment: each one the function ships on.
		assert.Equal(t, []string{"duplicate", "duplicate_concurrent", "resent", "stale", "final_late", "not_paid", "unknown_status",
			"replayed", "tampered_status", "duplicate_key", "reused_status"}, failed)
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
		assert.True(t, contracttest.CheckReceiver(t, srv, receiver.URL, s.report).Passed())
	})
}
