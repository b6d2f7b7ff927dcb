package contracttest

import (
	"container/heap"
	"fmt"
	"slices"
	"time"
)

// HoldWebhooks holds back the webhooks of transaction id from now on, until
// [Fake.ReleaseWebhooks]: the webhook of each later status change, the retries of one sent
// already and those waiting for their next attempt are kept, unsent, so that a test makes a
// webhook late deterministically (the shopper back on the return page before the webhook,
// say) without racing the retry budget. An attempt already in flight ends as it would.
// Webhooks sent on demand by [Fake.Deliver] are not held.
//
// A held webhook stays pending: it counts against [WithWebhookQueue], [Fake.WaitIdle] does
// not wait for it, and [Fake.HeldWebhooks] (GET /_mock/transactions/{id}/held) lists it.
// [Fake.Reset] drops held webhooks and forgets the hold. Holding a transaction held already
// changes nothing; an unknown id is an error wrapping [ErrUnknownTransaction].
func (f *Fake) HoldWebhooks(id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.sessions.byID[id]; !ok {
		return fmt.Errorf("%w %q", ErrUnknownTransaction, id)
	}
	h := &f.hooks
	if _, ok := h.held[id]; ok {
		return nil
	}
	h.held[id] = []*job{}
	// The retries that wait for their turn are held at once, earliest first.
	var waiting []*job
	h.retries = slices.DeleteFunc(h.retries, func(j *job) bool {
		if j.d.TransactionID == id && j.done == nil {
			waiting = append(waiting, j)
			return true
		}
		return false
	})
	heap.Init(&h.retries)
	slices.SortFunc(waiting, func(a, b *job) int { return a.due.Compare(b.due) })
	for _, j := range waiting {
		f.holdLocked(j)
	}
	f.notifyLocked()
	return nil
}

// holdLocked keeps j back when its transaction is held, and reports whether it did; the
// caller holds f.mu.
func (f *Fake) holdLocked(j *job) bool {
	h := &f.hooks
	list, held := h.held[j.d.TransactionID]
	if !held || j.done != nil {
		return false
	}
	h.held[j.d.TransactionID] = append(list, j)
	h.heldCount += 1 + j.chained()
	f.notifyLocked()
	return true
}

// chained counts the webhooks that start after j's first attempt, and after theirs.
func (j *job) chained() int {
	n := 0
	for _, next := range j.then {
		n += 1 + next.chained()
	}
	return n
}

// ReleaseWebhooks ends the hold of [Fake.HoldWebhooks] on transaction id and sends what was
// held, in the order it was held, each once the one before it was attempted (so a receiver
// sees a PENDING held before a SUCCESS first), retried as any webhook. It returns the
// webhooks released, as [Fake.HeldWebhooks] listed them. A transaction that is not held is
// an error wrapping [ErrScript] (or [ErrUnknownTransaction] for an unknown id).
func (f *Fake) ReleaseWebhooks(id string) ([]Delivery, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	h := &f.hooks
	jobs, held := h.held[id]
	if !held {
		if _, ok := f.sessions.byID[id]; !ok {
			return nil, fmt.Errorf("%w %q", ErrUnknownTransaction, id)
		}
		return nil, fmt.Errorf("%w: the webhooks of %s are not held", ErrScript, id)
	}
	delete(h.held, id)
	out := heldList(jobs)
	for i, j := range jobs {
		h.heldCount -= 1 + j.chained()
		j.offset = 0
		if i+1 < len(jobs) {
			j.then = append(j.then, jobs[i+1])
		}
	}
	if len(jobs) > 0 {
		f.scheduleLocked(jobs[:1], time.Now())
	}
	f.notifyLocked()
	return out, nil
}

// HeldWebhooks lists the webhooks of transaction id that [Fake.HoldWebhooks] holds back, in
// the order they were held, each with Held set; empty when none is (never nil).
func (f *Fake) HeldWebhooks(id string) []Delivery {
	f.mu.Lock()
	defer f.mu.Unlock()
	return heldList(f.hooks.held[id])
}

// heldList renders held webhooks, the webhooks chained after them not included.
func heldList(jobs []*job) []Delivery {
	out := make([]Delivery, len(jobs))
	for i, j := range jobs {
		out[i] = j.d
		out[i].Held = true
	}
	return out
}
