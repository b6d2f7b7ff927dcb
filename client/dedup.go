package client

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// Errors of a [DedupStore] and of [SettleOnce]; check them with errors.Is.
var (
	// ErrClaimHeld reports that another holder's claim on the transaction has not lapsed: a
	// [DedupStore]'s Claim returns it, and [SettleOnce] when its context ended while it
	// waited for that claim.
	ErrClaimHeld = errors.New("lakipay: the transaction is claimed by another settlement")
	// ErrClaimLost reports a claim that lapsed and was taken by another holder: a
	// [DedupStore]'s Done returns it, having recorded nothing.
	ErrClaimLost = errors.New("lakipay: the claim on the transaction lapsed and was taken by another settlement")
	// ErrDedupStore is matched by every error [SettleOnce] returns because its [DedupStore]
	// failed (the store's own error is wrapped too): whether the settlement ran is then for
	// the store to say when it works again, so answer so that it is tried again.
	ErrDedupStore = errors.New("lakipay: de-duplication store failed")
)

// DedupLease is how long a settlement holds its claim on a transaction: the function
// [SettleOnce] calls runs under a context that ends when the lease does, and after it another
// webhook delivery or instance may claim the transaction (a holder that crashed is taken
// over). It is one minute, far longer than LakiPay or a shopper's browser waits for an
// answer: work that takes longer belongs in a queue, started by the function.
const DedupLease = time.Minute

// DedupStore is the memory behind de-duplication: which statuses of each transaction were
// settled, and who is settling one now. [SettleOnce] and a [WebhookHandler] built with
// [WithDedupStore] run on it; [NewMemoryDedupStore] is the one in memory that
// [WithDeduplication] uses, and package sqldedup a durable one on database/sql. It serves
// several processes at once when it lives in a database they share: a claim is what keeps a
// webhook delivered to two instances behind a load balancer, or a webhook and the shopper's
// return page, from settling one payment twice.
//
// The contract, which the suite in package
// github.com/lakipay/checkout-go/client/dedupstoretest checks:
//
//   - Claim gives token the claim on transaction id until the time until, and returns the
//     statuses of id that Done recorded, in any order, exactly as they were recorded (a status
//     this SDK does not know included). It fails with [ErrClaimHeld], changing nothing, while
//     another token holds a claim on id that has not lapsed at now (its until is after now); a
//     lapsed claim is taken over, and a claim held by token itself is renewed. It is atomic: of
//     concurrent Claims of one id, across every process sharing the store, one at most
//     succeeds while its claim has not lapsed.
//   - Done records status as settled for id and ends token's claim on id, as one step: both or
//     neither. When token no longer holds the claim on id (it lapsed and another token claimed
//     id) it records nothing and fails with [ErrClaimLost]. Recording a status id has already
//     is no error.
//   - Release ends token's claim on id and records nothing. It does nothing, without an error,
//     when token does not hold the claim.
//
// Transaction ids and statuses are compared byte for byte (never case-insensitively, never
// trimmed). Times come from the caller; a store compares them and never reads its own clock,
// so its processes' clocks must agree to well within [DedupLease]. A store may forget what it
// recorded (the one in memory forgets its oldest statuses); a forgotten status reaches the
// settlement function again, so keep records at least as long as LakiPay may deliver a
// webhook again.
type DedupStore interface {
	Claim(ctx context.Context, id, token string, now, until time.Time) ([]TransactionStatus, error)
	Done(ctx context.Context, id string, status TransactionStatus, token string) error
	Release(ctx context.Context, id, token string) error
}

// SettleResult says what [SettleOnce] did.
type SettleResult int

// The results of [SettleOnce] that come without an error.
const (
	// Settled: the function ran, returned nil, and the status is recorded.
	Settled SettleResult = iota + 1
	// SettledBefore: the status of the transaction was settled already (a repeated webhook,
	// or the return page after the webhook): the function was not called.
	SettledBefore
	// Stale: a final status of the transaction (SUCCESS, FAILED, CANCELLED) was settled
	// already and this status is one openapi.yaml knows, such as a PENDING that arrived after
	// the SUCCESS: the function was not called.
	Stale
)

// String names the result.
func (r SettleResult) String() string {
	switch r {
	case Settled:
		return "settled"
	case SettledBefore:
		return "settled before"
	case Stale:
		return "stale"
	}
	return fmt.Sprintf("SettleResult(%d)", int(r))
}

// SettleOnce calls settle for status of transaction id at most once per store, however many
// webhook deliveries, return-page visits and instances report it. Use it wherever a status
// from LakiPay is applied outside the webhook handler (the return page, after
// [Client.GetTransaction]) with the store the handler was given ([WithDedupStore]), so that
// the webhook and the return page never both settle one payment.
//
// It claims the transaction in store, waiting while another settlement of the same
// transaction holds it (until that one ends, its claim lapses, or ctx ends), then:
//
//   - the status was settled before: [SettledBefore], settle not called;
//   - a final status was settled before, and status is one openapi.yaml knows: [Stale],
//     settle not called. A status the SDK does not know (LakiPay added it later, such as a
//     REFUNDED after the SUCCESS) is never taken for stale: it reaches settle once;
//   - otherwise settle runs, under a context that ends with the claim's [DedupLease]. When
//     it returns nil the status is recorded ([Settled]); when it fails (or panics) the claim
//     is given up and nothing is recorded, so the next report of the status calls it again.
//
// Errors: settle's own error, returned as it is; [ErrClaimHeld] with ctx's error when ctx
// ended while waiting; [ErrDedupStore] when the store failed (settle is not called without a
// claim). A settlement is exactly once while the store works and its processes live; a
// process that dies after settle returned and before the store recorded it leaves the claim
// to lapse, and the next report calls settle again: keep settle's effects idempotent (an
// order that is paid stays paid).
func SettleOnce(ctx context.Context, store DedupStore, id string, status TransactionStatus, settle func(context.Context) error) (SettleResult, error) {
	return settleOnce(ctx, store, id, status, settle, time.Now, DedupLease)
}

// The polling of a settlement waiting for another's claim: from the first wait, doubling up
// to the last.
const (
	claimPollFirst = 5 * time.Millisecond
	claimPollMax   = 250 * time.Millisecond
)

// recordTimeout bounds the store calls that end a claim, which run even after the caller's
// context ended: a settlement that ran must be recorded.
const recordTimeout = 10 * time.Second

// settleOnce is [SettleOnce] with its clock and lease as parameters.
func settleOnce(ctx context.Context, store DedupStore, id string, status TransactionStatus, settle func(context.Context) error,
	now func() time.Time, lease time.Duration,
) (result SettleResult, err error) {
	switch {
	case ctx == nil:
		return 0, errNilContext
	case store == nil:
		return 0, errors.New("lakipay: settle: the de-duplication store is nil")
	case settle == nil:
		return 0, errors.New("lakipay: settle: the function to call is nil")
	case id == "":
		return 0, errors.New("lakipay: settle: the transaction id is empty")
	}
	token, err := newClaimToken()
	if err != nil {
		return 0, err
	}
	settled, until, err := claim(ctx, store, id, token, now, lease)
	if err != nil {
		return 0, err
	}
	ended := false // the claim was ended, by Done or Release
	defer func() { // also when settle panics: the claim is given up, never left to lapse
		if ended {
			return
		}
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
		defer cancel()
		releaseErr := store.Release(ctx, id, token)
		switch {
		case releaseErr == nil:
		case err == nil: // the claim stays until it lapses, holding up every report of id
			result, err = 0, fmt.Errorf("lakipay: settle: giving up the claim failed (it lapses within %s): %w: %w", lease, ErrDedupStore, releaseErr)
		default:
			err = fmt.Errorf("%w (and giving up the claim failed, so it lapses within %s: %w: %w)", err, lease, ErrDedupStore, releaseErr)
		}
	}()
	switch {
	case slices.Contains(settled, status):
		return SettledBefore, nil
	case status.Valid() && slices.ContainsFunc(settled, TransactionStatus.IsFinal):
		return Stale, nil
	}
	settleCtx, cancel := context.WithDeadline(ctx, until)
	defer cancel()
	if err := settle(settleCtx); err != nil {
		return 0, err
	}
	recordCtx, cancelRecord := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancelRecord()
	if err := store.Done(recordCtx, id, status, token); err != nil {
		if errors.Is(err, ErrClaimLost) {
			ended = true // another holder has it: nothing of ours to give up
		}
		return 0, fmt.Errorf("lakipay: settle: the settlement ran but recording it failed: %w: %w", ErrDedupStore, err)
	}
	ended = true
	return Settled, nil
}

// claim takes the claim on id for token, waiting while another holds it, and returns the
// statuses settled before and when the claim lapses.
func claim(ctx context.Context, store DedupStore, id, token string, now func() time.Time, lease time.Duration) ([]TransactionStatus, time.Time, error) {
	wait := claimPollFirst
	for {
		at := now()
		until := at.Add(lease)
		settled, err := store.Claim(ctx, id, token, at, until)
		switch {
		case err == nil:
			return settled, until, nil
		case !errors.Is(err, ErrClaimHeld):
			return nil, time.Time{}, fmt.Errorf("lakipay: settle: claim: %w: %w", ErrDedupStore, err)
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil, time.Time{}, fmt.Errorf("lakipay: settle: %w: %w", ErrClaimHeld, ctx.Err())
		case <-timer.C:
		}
		wait = min(2*wait, claimPollMax)
	}
}

// newClaimToken returns a token no other settlement holds: 128 random bits.
func newClaimToken() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("lakipay: settle: claim token: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// MemoryDedupStore is a [DedupStore] in the process's memory, bounded: it remembers the last
// capacity statuses settled (the oldest forgotten first). It serves one process: with several
// instances, or across restarts, use a store in a database they share. Create it with
// [NewMemoryDedupStore]; it is safe for concurrent use.
type MemoryDedupStore struct {
	capacity int

	mu      sync.Mutex
	claims  map[string]memoryClaim
	settled map[string][]TransactionStatus
	order   []settledPair // ring of the recorded pairs; next is the oldest once full
	next    int
}

type memoryClaim struct {
	token string
	until time.Time
}

type settledPair struct {
	id     string
	status TransactionStatus
}

// NewMemoryDedupStore returns a store that remembers the last capacity settled statuses;
// capacity must be at least 1.
func NewMemoryDedupStore(capacity int) (*MemoryDedupStore, error) {
	if capacity < 1 {
		return nil, fmt.Errorf("lakipay: deduplication capacity must be at least 1, got %d", capacity)
	}
	return &MemoryDedupStore{capacity: capacity, claims: map[string]memoryClaim{}, settled: map[string][]TransactionStatus{}}, nil
}

// Claim implements [DedupStore].
func (s *MemoryDedupStore) Claim(_ context.Context, id, token string, now, until time.Time) ([]TransactionStatus, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.claims[id]; ok && c.token != token && c.until.After(now) {
		return nil, ErrClaimHeld
	}
	// Its own copy of the id: the caller's may share memory with a whole webhook body.
	s.claims[strings.Clone(id)] = memoryClaim{token: token, until: until}
	return slices.Clone(s.settled[id]), nil
}

// Done implements [DedupStore].
func (s *MemoryDedupStore) Done(_ context.Context, id string, status TransactionStatus, token string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.claims[id]; !ok || c.token != token {
		return ErrClaimLost
	}
	delete(s.claims, id)
	if !slices.Contains(s.settled[id], status) {
		s.rememberLocked(settledPair{strings.Clone(id), TransactionStatus(strings.Clone(string(status)))})
	}
	return nil
}

// Release implements [DedupStore].
func (s *MemoryDedupStore) Release(_ context.Context, id, token string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.claims[id]; ok && c.token == token {
		delete(s.claims, id)
	}
	return nil
}

// rememberLocked records p, forgetting the oldest pair when full; the caller holds s.mu.
func (s *MemoryDedupStore) rememberLocked(p settledPair) {
	if len(s.order) < s.capacity {
		s.order = append(s.order, p)
	} else {
		old := s.order[s.next]
		left := slices.DeleteFunc(s.settled[old.id], func(st TransactionStatus) bool { return st == old.status })
		if len(left) == 0 {
			delete(s.settled, old.id)
		} else {
			s.settled[old.id] = left
		}
		s.order[s.next] = p
		s.next = (s.next + 1) % s.capacity
	}
	s.settled[p.id] = append(s.settled[p.id], p.status)
}
