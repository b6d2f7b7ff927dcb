package client

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// faultStore is a memory store whose calls fail on demand, counting what reached it.
type faultStore struct {
	*MemoryDedupStore
	claimErr, doneErr, releaseErr error
	dones, releases               atomic.Int32
}

func newFaultStore(t *testing.T) *faultStore {
	t.Helper()
	m, err := NewMemoryDedupStore(100)
	require.NoError(t, err)
	return &faultStore{MemoryDedupStore: m}
}

func (s *faultStore) Claim(ctx context.Context, id, token string, now, until time.Time) ([]TransactionStatus, error) {
	if s.claimErr != nil {
		return nil, s.claimErr
	}
	return s.MemoryDedupStore.Claim(ctx, id, token, now, until)
}

func (s *faultStore) Done(ctx context.Context, id string, status TransactionStatus, token string) error {
	s.dones.Add(1)
	if s.doneErr != nil {
		return s.doneErr
	}
	return s.MemoryDedupStore.Done(ctx, id, status, token)
}

func (s *faultStore) Release(ctx context.Context, id, token string) error {
	s.releases.Add(1)
	if s.releaseErr != nil {
		return s.releaseErr
	}
	return s.MemoryDedupStore.Release(ctx, id, token)
}

// clock is a settable test clock.
type clock struct{ at atomic.Int64 }

func (c *clock) now() time.Time      { return time.Unix(0, c.at.Load()) }
func (c *clock) set(t time.Time)     { c.at.Store(t.UnixNano()) }
func newClock(t time.Time) *clock    { c := &clock{}; c.set(t); return c }
func settleOK(context.Context) error { return nil }
func mustNotRun(t *testing.T) func(context.Context) error {
	return func(context.Context) error { t.Error("the settlement function ran"); return nil }
}

// TestSettleOnceTakesOverACrashedHolder: an instance that claimed a transaction and died
// (never Done, never Release) holds it up until its lease lapses, then the next report
// settles it; meanwhile a report whose context ends gets ErrClaimHeld and settles nothing.
func TestSettleOnceTakesOverACrashedHolder(t *testing.T) {
	store := newFaultStore(t)
	start := time.Date(2026, 1, 15, 10, 30, 0, 0, time.UTC)
	c := newClock(start)
	_, err := store.Claim(t.Context(), "TXN-1", "the instance that crashed", start, start.Add(DedupLease))
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	result, err := settleOnce(ctx, store, "TXN-1", TransactionStatusSUCCESS, mustNotRun(t), c.now, DedupLease)
	require.ErrorIs(t, err, ErrClaimHeld)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Zero(t, result)

	// The report waits while the claim holds, and settles once the clock passes its lease.
	polled := make(chan struct{})
	var once sync.Once
	waiting := &pollSpy{DedupStore: store, held: func() { once.Do(func() { close(polled) }) }}
	done := make(chan struct{})
	var got SettleResult
	var calls atomic.Int32
	go func() {
		defer close(done)
		got, err = settleOnce(t.Context(), waiting, "TXN-1", TransactionStatusSUCCESS,
			func(context.Context) error { calls.Add(1); return nil }, c.now, DedupLease)
	}()
	<-polled
	assert.Zero(t, calls.Load(), "nothing runs while the dead instance's claim holds")
	c.set(start.Add(DedupLease))
	<-done
	require.NoError(t, err)
	assert.Equal(t, Settled, got)
	assert.Equal(t, int32(1), calls.Load())
}

// pollSpy reports each Claim refused with ErrClaimHeld.
type pollSpy struct {
	DedupStore
	held func()
}

func (p *pollSpy) Claim(ctx context.Context, id, token string, now, until time.Time) ([]TransactionStatus, error) {
	settled, err := p.DedupStore.Claim(ctx, id, token, now, until)
	if errors.Is(err, ErrClaimHeld) {
		p.held()
	}
	return settled, err
}

// TestSettleOnceRunsUnderItsLease: the function's context ends when the claim lapses, so a
// function that outlives its claim is told to stop before another holder may run.
func TestSettleOnceRunsUnderItsLease(t *testing.T) {
	start := time.Date(2026, 1, 15, 10, 30, 0, 0, time.UTC)
	store := newFaultStore(t)
	var deadline time.Time
	_, err := settleOnce(t.Context(), store, "TXN-1", TransactionStatusSUCCESS, func(ctx context.Context) error {
		var has bool
		deadline, has = ctx.Deadline()
		assert.True(t, has)
		return nil
	}, newClock(start).now, 3*time.Second)
	require.NoError(t, err)
	assert.True(t, start.Add(3*time.Second).Equal(deadline), "deadline %s", deadline)
}

// TestSettleOnceFailsClosed: a store that fails never lets the function run unclaimed, a
// settlement that could not be recorded is reported (and settled again by the next report),
// and a claim that could not be given up is reported too.
func TestSettleOnceFailsClosed(t *testing.T) {
	down := errors.New("connection refused by the database")
	t.Run("claim fails: the function does not run", func(t *testing.T) {
		store := newFaultStore(t)
		store.claimErr = down
		result, err := SettleOnce(t.Context(), store, "TXN-1", TransactionStatusSUCCESS, mustNotRun(t))
		require.ErrorIs(t, err, ErrDedupStore)
		require.ErrorIs(t, err, down)
		assert.Zero(t, result)
	})
	t.Run("done fails: reported, the claim given up, and the next report settles again", func(t *testing.T) {
		store := newFaultStore(t)
		store.doneErr = down
		var calls int
		settle := func(context.Context) error { calls++; return nil }
		result, err := SettleOnce(t.Context(), store, "TXN-1", TransactionStatusSUCCESS, settle)
		require.ErrorIs(t, err, ErrDedupStore)
		require.ErrorIs(t, err, down)
		assert.Contains(t, err.Error(), "the settlement ran but recording it failed")
		assert.Zero(t, result)
		assert.Equal(t, int32(1), store.releases.Load(), "the claim is given up, not left to lapse")

		store.doneErr = nil
		result, err = SettleOnce(t.Context(), store, "TXN-1", TransactionStatusSUCCESS, settle)
		require.NoError(t, err)
		assert.Equal(t, Settled, result)
		assert.Equal(t, 2, calls, "unrecorded, the status reached the function again")
	})
	t.Run("done finds the claim lost: reported, nothing released", func(t *testing.T) {
		store := newFaultStore(t)
		store.doneErr = ErrClaimLost
		_, err := SettleOnce(t.Context(), store, "TXN-1", TransactionStatusSUCCESS, settleOK)
		require.ErrorIs(t, err, ErrDedupStore)
		require.ErrorIs(t, err, ErrClaimLost)
		assert.Zero(t, store.releases.Load())
	})
	t.Run("release fails after the function failed: both reported", func(t *testing.T) {
		store := newFaultStore(t)
		store.releaseErr = down
		failed := errors.New("the order book is locked")
		_, err := SettleOnce(t.Context(), store, "TXN-1", TransactionStatusSUCCESS, func(context.Context) error { return failed })
		require.ErrorIs(t, err, failed)
		require.ErrorIs(t, err, ErrDedupStore)
		require.ErrorIs(t, err, down)
	})
	t.Run("release fails after a repeat: reported", func(t *testing.T) {
		store := newFaultStore(t)
		_, err := SettleOnce(t.Context(), store, "TXN-1", TransactionStatusSUCCESS, settleOK)
		require.NoError(t, err)
		store.releaseErr = down
		result, err := SettleOnce(t.Context(), store, "TXN-1", TransactionStatusSUCCESS, mustNotRun(t))
		require.ErrorIs(t, err, ErrDedupStore)
		assert.Zero(t, result, "no result with an error")
	})
	t.Run("a failing or panicking function leaves nothing recorded", func(t *testing.T) {
		store := newFaultStore(t)
		failed := errors.New("failed")
		result, err := SettleOnce(t.Context(), store, "TXN-1", TransactionStatusSUCCESS, func(context.Context) error { return failed })
		assert.Same(t, failed, err, "the function's own error, as it is")
		assert.Zero(t, result)
		assert.Panics(t, func() {
			_, _ = SettleOnce(t.Context(), store, "TXN-1", TransactionStatusSUCCESS, func(context.Context) error { panic("boom") })
		})
		assert.Empty(t, store.claims, "no claim left behind")
		assert.Empty(t, store.settled)
		assert.Zero(t, store.dones.Load())
	})
}

func TestSettleOnceRefusesBadArguments(t *testing.T) {
	store := newFaultStore(t)
	for name, call := range map[string]func() (SettleResult, error){
		"nil context": func() (SettleResult, error) {
			return SettleOnce(nil, store, "TXN-1", TransactionStatusSUCCESS, settleOK) //nolint:staticcheck // the nil context is the test
		},
		"nil store": func() (SettleResult, error) {
			return SettleOnce(t.Context(), nil, "TXN-1", TransactionStatusSUCCESS, settleOK)
		},
		"nil function": func() (SettleResult, error) {
			return SettleOnce(t.Context(), store, "TXN-1", TransactionStatusSUCCESS, nil)
		},
		"empty id": func() (SettleResult, error) {
			return SettleOnce(t.Context(), store, "", TransactionStatusSUCCESS, settleOK)
		},
	} {
		t.Run(name, func(t *testing.T) {
			result, err := call()
			require.Error(t, err)
			assert.Zero(t, result)
		})
	}
	assert.Empty(t, store.claims)
	_, err := NewMemoryDedupStore(0)
	require.ErrorContains(t, err, "deduplication capacity must be at least 1")
	_, err = NewWebhookHandler(&lakipayKey().PublicKey, func(context.Context, *WebhookEvent) error { return nil }, WithDedupStore(nil))
	require.ErrorContains(t, err, "de-duplication store is nil")
}

// TestWebhookHandlerSharesItsStore: two handlers on one store (two instances behind a load
// balancer) and the return page's SettleOnce settle one payment once, whichever is first and
// however many copies arrive at once.
func TestWebhookHandlerSharesItsStore(t *testing.T) {
	pub := &lakipayKey().PublicKey
	body := sign(t, webhookPayload, lakipayKey())
	store := newFaultStore(t)
	var calls atomic.Int32
	settle := func(context.Context, *WebhookEvent) error {
		calls.Add(1)
		time.Sleep(time.Millisecond) // let a wrong implementation run two at once
		return nil
	}
	instances := []*WebhookHandler{handler(t, pub, settle, WithDedupStore(store)), handler(t, pub, settle, WithDedupStore(store))}
	var wg sync.WaitGroup
	statuses := make([]int, 8)
	for i := range statuses {
		wg.Go(func() { statuses[i], _ = postWebhook(t, instances[i%2], body) })
	}
	result, err := SettleOnce(t.Context(), store, "TXN-123456789", TransactionStatusSUCCESS,
		func(ctx context.Context) error { return settle(ctx, nil) })
	require.NoError(t, err)
	wg.Wait()
	assert.Equal(t, int32(1), calls.Load(), "one settlement across two instances and the return page")
	for i, s := range statuses {
		assert.Equal(t, http.StatusOK, s, "delivery %d", i)
	}
	assert.Contains(t, []SettleResult{Settled, SettledBefore}, result)
}

// TestWebhookHandlerWithAFailingStore: the handler answers 503 and never calls fn when it
// cannot de-duplicate (calling it would risk a second settlement), and 500 when fn failed.
func TestWebhookHandlerWithAFailingStore(t *testing.T) {
	pub := &lakipayKey().PublicKey
	body := sign(t, webhookPayload, lakipayKey())
	store := newFaultStore(t)
	store.claimErr = errors.New("database is down")
	h := handler(t, pub, func(context.Context, *WebhookEvent) error { t.Error("fn ran without a claim"); return nil }, WithDedupStore(store))
	status, text := postWebhook(t, h, body)
	assert.Equal(t, http.StatusServiceUnavailable, status)
	assert.Equal(t, "webhook de-duplication is unavailable\n", text)
	assert.NotContains(t, text, "database", "the store's error is not shown to the sender")

	store.claimErr = nil
	failing := handler(t, pub, func(context.Context, *WebhookEvent) error { return errors.New("x") }, WithDedupStore(store))
	status, text = postWebhook(t, failing, body)
	assert.Equal(t, http.StatusInternalServerError, status)
	assert.Equal(t, "webhook processing failed\n", text)
}
