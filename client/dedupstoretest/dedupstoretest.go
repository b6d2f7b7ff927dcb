// Package dedupstoretest checks that a [client.DedupStore] keeps the contract that
// [client.SettleOnce] and a webhook handler built with [client.WithDedupStore] rely on: a
// claim one holder at a time, lapsing at its time and taken over after, statuses recorded
// and given back exactly, across every process sharing the store. Run it from your store's
// tests:
//
//	func TestStore(t *testing.T) {
//		dedupstoretest.Run(t, func(t *testing.T) (client.DedupStore, client.DedupStore) {
//			db := openTestDatabase(t) // a new, empty database
//			return sqldedup.New(db), sqldedup.New(openAgain(t, db)) // two processes' handles
//		})
//	}
//
// It imports nothing but package client and the standard library, and it is for tests only:
// it is not part of package client.
package dedupstoretest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lakipay/checkout-go/client"
)

// NewStore returns two handles on one new, empty store, each as one instance of a service
// would hold it (for a database: each with its own connection pool). A store in one process's
// memory returns the same value twice. It is called once per case.
type NewStore func(t *testing.T) (client.DedupStore, client.DedupStore)

// Run runs every case of the contract as a subtest of t, each on a store of its own.
func Run(t *testing.T, newStore NewStore) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, b := newStore(t)
			if a == nil || b == nil {
				t.Fatal("dedupstoretest: NewStore returned a nil store")
			}
			c.run(t, a, b)
		})
	}
}

// t0 is the time the cases start at; every time a case passes to a store is t0 plus a whole
// number of milliseconds, the precision a store must keep at least.
var t0 = time.Date(2026, 1, 15, 10, 30, 0, 0, time.UTC)

const lease = time.Minute

// at is t0 plus d.
func at(d time.Duration) time.Time { return t0.Add(d) }

var cases = []struct {
	name string
	run  func(t *testing.T, a, b client.DedupStore)
}{
	{"a new transaction has nothing settled", func(t *testing.T, a, _ client.DedupStore) {
		mustClaim(t, a, "TXN-1", "one", at(0))
	}},
	{"a claim holds off another token until it lapses", func(t *testing.T, a, b client.DedupStore) {
		mustClaim(t, a, "TXN-1", "one", at(0))
		mustBeHeld(t, b, "TXN-1", "two", at(lease/2))
		mustBeHeld(t, a, "TXN-1", "two", at(lease-time.Millisecond))
		mustClaim(t, b, "TXN-1", "two", at(lease)) // lapsed: its until is not after now
		mustBeHeld(t, a, "TXN-1", "one", at(lease+time.Millisecond))
	}},
	{"a claim of one transaction does not hold another", func(t *testing.T, a, b client.DedupStore) {
		mustClaim(t, a, "TXN-1", "one", at(0))
		mustClaim(t, b, "TXN-2", "two", at(0))
		mustClaim(t, b, "txn-1", "three", at(0)) // ids differ by case: two transactions
		mustClaim(t, b, "TXN-1 ", "four", at(0)) // and by a trailing space
	}},
	{"its own token renews a claim", func(t *testing.T, a, b client.DedupStore) {
		mustClaim(t, a, "TXN-1", "one", at(0))
		mustClaim(t, b, "TXN-1", "one", at(lease/2)) // now held until 1.5 leases
		mustBeHeld(t, a, "TXN-1", "two", at(lease+lease/4))
		mustClaim(t, a, "TXN-1", "two", at(lease+lease/2))
	}},
	{"release ends the holder's claim, and only its own", func(t *testing.T, a, b client.DedupStore) {
		mustClaim(t, a, "TXN-1", "one", at(0))
		must(t, b.Release(t.Context(), "TXN-1", "two"), "Release by a token that holds no claim")
		must(t, b.Release(t.Context(), "TXN-2", "one"), "Release of a transaction the token did not claim")
		mustBeHeld(t, b, "TXN-1", "three", at(time.Millisecond))
		must(t, a.Release(t.Context(), "TXN-1", "one"), "Release by the holder")
		mustClaim(t, b, "TXN-1", "three", at(time.Millisecond))
		must(t, a.Release(t.Context(), "TXN-1", "one"), "a second Release by a former holder")
		mustBeHeld(t, a, "TXN-1", "four", at(2*time.Millisecond))
	}},
	{"release records nothing", func(t *testing.T, a, b client.DedupStore) {
		mustClaim(t, a, "TXN-1", "one", at(0))
		must(t, a.Release(t.Context(), "TXN-1", "one"), "Release")
		mustClaim(t, b, "TXN-1", "two", at(0))
	}},
	{"done records the status and ends the claim", func(t *testing.T, a, b client.DedupStore) {
		mustClaim(t, a, "TXN-1", "one", at(0))
		must(t, a.Done(t.Context(), "TXN-1", client.TransactionStatusPENDING, "one"), "Done")
		mustClaim(t, b, "TXN-1", "two", at(time.Millisecond), client.TransactionStatusPENDING)
		must(t, b.Done(t.Context(), "TXN-1", client.TransactionStatusSUCCESS, "two"), "Done")
		mustClaim(t, a, "TXN-1", "three", at(2*time.Millisecond), client.TransactionStatusPENDING, client.TransactionStatusSUCCESS)
		mustClaim(t, a, "TXN-2", "four", at(2*time.Millisecond)) // nothing recorded for another transaction
	}},
	{"recording a status again is no error and keeps one", func(t *testing.T, a, b client.DedupStore) {
		mustClaim(t, a, "TXN-1", "one", at(0))
		must(t, a.Done(t.Context(), "TXN-1", client.TransactionStatusSUCCESS, "one"), "Done")
		mustClaim(t, b, "TXN-1", "two", at(0), client.TransactionStatusSUCCESS)
		must(t, b.Done(t.Context(), "TXN-1", client.TransactionStatusSUCCESS, "two"), "Done of a status recorded before")
		mustClaim(t, a, "TXN-1", "three", at(0), client.TransactionStatusSUCCESS)
	}},
	{"done by a token whose claim was taken over records nothing", func(t *testing.T, a, b client.DedupStore) {
		mustClaim(t, a, "TXN-1", "one", at(0))
		mustClaim(t, b, "TXN-1", "two", at(lease+time.Millisecond)) // one crashed; its claim lapsed
		mustFail(t, a.Done(t.Context(), "TXN-1", client.TransactionStatusSUCCESS, "one"), client.ErrClaimLost, "Done by the lapsed holder")
		mustClaim(t, b, "TXN-1", "two", at(lease+2*time.Millisecond)) // still two's, still nothing settled
		mustFail(t, b.Done(t.Context(), "TXN-1", client.TransactionStatusSUCCESS, "never"), client.ErrClaimLost, "Done by a token that never claimed")
		mustFail(t, b.Done(t.Context(), "TXN-9", client.TransactionStatusSUCCESS, "two"), client.ErrClaimLost, "Done of a transaction never claimed")
		must(t, b.Done(t.Context(), "TXN-1", client.TransactionStatusFAILED, "two"), "Done by the holder")
		mustClaim(t, a, "TXN-1", "three", at(lease+3*time.Millisecond), client.TransactionStatusFAILED)
	}},
	{"ids and statuses come back exactly as recorded", func(t *testing.T, a, b client.DedupStore) {
		ids := []string{"TXN-1", "txn-1", "TXN-1 ", " TXN-1", "TXN-\u00c9t\u00e9", "TXN-Ete\u0301", "TXN-'1\"; DROP TABLE x; --",
			"TXN-%_*", "TXN-\\1", "TXN-1\n2", "TXN-1\t", longID}
		statuses := []client.TransactionStatus{client.TransactionStatusSUCCESS, "REFUNDED", "refunded", "PARTIALLY REFUNDED ",
			"A,B", "A\nB", `"quoted"`, "'; DELETE FROM x; --", "\u00c9CHOU\u00c9"}
		for i, id := range ids {
			s := []client.DedupStore{a, b}[i%2]
			want := statuses[:1+i%len(statuses)]
			for j, st := range want {
				token := fmt.Sprintf("token-%d-%d", i, j)
				mustClaim(t, s, id, token, at(0), want[:j]...)
				must(t, s.Done(t.Context(), id, st, token), "Done")
			}
		}
		for i, id := range ids {
			mustClaim(t, []client.DedupStore{b, a}[i%2], id, "reader", at(0), statuses[:1+i%len(statuses)]...)
		}
	}},
	{"a claim's answer is the caller's to change", func(t *testing.T, a, _ client.DedupStore) {
		mustClaim(t, a, "TXN-1", "one", at(0))
		must(t, a.Done(t.Context(), "TXN-1", client.TransactionStatusSUCCESS, "one"), "Done")
		got := mustClaim(t, a, "TXN-1", "two", at(0), client.TransactionStatusSUCCESS)
		got[0] = "CHANGED"
		mustClaim(t, a, "TXN-1", "two", at(0), client.TransactionStatusSUCCESS)
	}},
	{"concurrent claims: one wins", func(t *testing.T, a, b client.DedupStore) {
		const claimers = 8
		for round := range 10 {
			id := fmt.Sprintf("TXN-%d", round)
			var won atomic.Int32
			var wg sync.WaitGroup
			errs := make(chan error, claimers)
			for i := range claimers {
				s := []client.DedupStore{a, b}[i%2]
				wg.Go(func() {
					_, err := s.Claim(context.Background(), id, fmt.Sprintf("token-%d", i), at(0), at(lease))
					switch {
					case err == nil:
						won.Add(1)
					case !errors.Is(err, client.ErrClaimHeld):
						errs <- err
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Errorf("round %d: Claim failed with %v, want nil or an error matching ErrClaimHeld", round, err)
			}
			if n := won.Load(); n != 1 {
				t.Fatalf("round %d: %d of %d concurrent Claims of one transaction succeeded, want 1", round, n, claimers)
			}
		}
	}},
	{"concurrent settlements: each status once, one at a time", func(t *testing.T, a, b client.DedupStore) {
		const deliveries = 12
		statuses := []client.TransactionStatus{client.TransactionStatusPENDING, client.TransactionStatusSUCCESS, "REFUNDED"}
		var (
			mu      sync.Mutex
			ran     []client.TransactionStatus
			running atomic.Int32
			overlap atomic.Bool
			wg      sync.WaitGroup
			errs    = make(chan error, deliveries)
		)
		for i := range deliveries {
			s := []client.DedupStore{a, b}[i%2]
			status := statuses[i%len(statuses)]
			wg.Go(func() {
				ctx, cancel := context.WithTimeout(context.Background(), settleTimeout)
				defer cancel()
				_, err := client.SettleOnce(ctx, s, "TXN-1", status, func(context.Context) error {
					if running.Add(1) > 1 {
						overlap.Store(true)
					}
					defer running.Add(-1)
					time.Sleep(time.Millisecond) // give a wrong store the time to let another in
					mu.Lock()
					defer mu.Unlock()
					ran = append(ran, status)
					return nil
				})
				if err != nil {
					errs <- err
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("SettleOnce: %v", err)
		}
		if overlap.Load() {
			t.Error("two settlements of one transaction ran at once")
		}
		// SUCCESS and REFUNDED settle once each in any order; PENDING only before SUCCESS
		// (after it, it is stale).
		count := map[client.TransactionStatus]int{}
		for _, st := range ran {
			count[st]++
		}
		pending := slices.Index(ran, client.TransactionStatusPENDING)
		if count[client.TransactionStatusSUCCESS] != 1 || count["REFUNDED"] != 1 || count[client.TransactionStatusPENDING] > 1 ||
			(pending >= 0 && pending > slices.Index(ran, client.TransactionStatusSUCCESS)) {
			t.Errorf("settled %v from %d deliveries of PENDING, SUCCESS and REFUNDED; want SUCCESS and REFUNDED once each, and PENDING at most once, before SUCCESS", ran, deliveries)
		}
	}},
	{"a failed settlement is settled by the next report", func(t *testing.T, a, b client.DedupStore) {
		broken := errors.New("the merchant's database is down")
		var calls int
		settle := func(context.Context) error {
			calls++
			if calls == 1 {
				return broken
			}
			return nil
		}
		for i, want := range []client.SettleResult{0, client.Settled, client.SettledBefore} {
			result, err := client.SettleOnce(settleContext(t), []client.DedupStore{a, b}[i%2], "TXN-1", client.TransactionStatusSUCCESS, settle)
			if (i == 0 && !errors.Is(err, broken)) || (i > 0 && err != nil) || result != want {
				t.Fatalf("report %d: SettleOnce = %v, %v; want %v (and the function's error for the first)", i+1, result, err, want)
			}
		}
		if calls != 2 {
			t.Errorf("the function ran %d times, want 2 (failed, then settled)", calls)
		}
	}},
	{"a status the SDK does not know is never stale", func(t *testing.T, a, b client.DedupStore) {
		var ran []client.TransactionStatus
		for i, report := range []struct {
			status client.TransactionStatus
			want   client.SettleResult
		}{
			{client.TransactionStatusSUCCESS, client.Settled},
			{client.TransactionStatusPENDING, client.Stale},
			{"REFUNDED", client.Settled},
			{client.TransactionStatusFAILED, client.Stale},
			{"REFUNDED", client.SettledBefore},
			{client.TransactionStatusSUCCESS, client.SettledBefore},
		} {
			result, err := client.SettleOnce(settleContext(t), []client.DedupStore{a, b}[i%2], "TXN-1", report.status,
				func(context.Context) error { ran = append(ran, report.status); return nil })
			if err != nil || result != report.want {
				t.Fatalf("report %d (%s): SettleOnce = %v, %v; want %v", i+1, report.status, result, err, report.want)
			}
		}
		if !slices.Equal(ran, []client.TransactionStatus{client.TransactionStatusSUCCESS, "REFUNDED"}) {
			t.Errorf("the function ran for %v, want [SUCCESS REFUNDED]", ran)
		}
	}},
}

// settleTimeout bounds each SettleOnce of the suite: a store that never lets a claim go
// fails the case instead of holding it for a lease.
const settleTimeout = 10 * time.Second

func settleContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), settleTimeout)
	t.Cleanup(cancel)
	return ctx
}

// longID is a transaction id of 100 characters, the most the contract allows, 200 bytes long.
var longID = func() string {
	b := []rune("TXN-")
	for len(b) < 100 {
		b = append(b, '\u00e9')
	}
	return string(b)
}()

// mustClaim claims id for token at now, for a lease, and requires the statuses settled to be
// want (in any order); it returns what Claim returned.
func mustClaim(t *testing.T, s client.DedupStore, id, token string, now time.Time, want ...client.TransactionStatus) []client.TransactionStatus {
	t.Helper()
	got, err := s.Claim(t.Context(), id, token, now, now.Add(lease))
	if err != nil {
		t.Fatalf("Claim(%q) by %s at t0+%s: %v, want the claim", id, token, now.Sub(t0), err)
	}
	if !sameStatuses(got, want) {
		t.Fatalf("Claim(%q) by %s: settled %q, want %q", id, token, got, want)
	}
	return got
}

// mustBeHeld requires a claim of id by token at now to fail with ErrClaimHeld.
func mustBeHeld(t *testing.T, s client.DedupStore, id, token string, now time.Time) {
	t.Helper()
	got, err := s.Claim(t.Context(), id, token, now, now.Add(lease))
	if !errors.Is(err, client.ErrClaimHeld) {
		t.Fatalf("Claim(%q) by %s at t0+%s = %q, %v; want an error matching ErrClaimHeld: another token holds the claim", id, token, now.Sub(t0), got, err)
	}
}

func must(t *testing.T, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func mustFail(t *testing.T, err, want error, what string) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: got %v, want an error matching %v", what, err, want)
	}
}

// sameStatuses reports whether got and want hold the same statuses, each once, in any order.
func sameStatuses(got, want []client.TransactionStatus) bool {
	if len(got) != len(want) {
		return false
	}
	g, w := slices.Clone(got), slices.Clone(want)
	slices.Sort(g)
	slices.Sort(w)
	return slices.Equal(g, w)
}
