package contracttest

import (
	"fmt"

	"github.com/lakipay/checkout-go/internal/fake/webhooks"
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
	f.queue.HoldLocked(id)
	return nil
}

// ReleaseWebhooks ends the hold of [Fake.HoldWebhooks] on transaction id and sends what was
// held, in the order it was held, each once the one before it was attempted (so a receiver
// sees a PENDING held before a SUCCESS first), retried as any webhook. It returns the
// webhooks released, as [Fake.HeldWebhooks] listed them. A transaction that is not held is
// an error wrapping [ErrScript] (or [ErrUnknownTransaction] for an unknown id).
func (f *Fake) ReleaseWebhooks(id string) ([]Delivery, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	jobs, held := f.queue.ReleaseLocked(id)
	if !held {
		if _, ok := f.sessions.byID[id]; !ok {
			return nil, fmt.Errorf("%w %q", ErrUnknownTransaction, id)
		}
		return nil, fmt.Errorf("%w: the webhooks of %s are not held", ErrScript, id)
	}
	return heldList(jobs), nil
}

// HeldWebhooks lists the webhooks of transaction id that [Fake.HoldWebhooks] holds back, in
// the order they were held, each with Held set; empty when none is (never nil).
func (f *Fake) HeldWebhooks(id string) []Delivery {
	f.mu.Lock()
	defer f.mu.Unlock()
	return heldList(f.queue.HeldLocked(id))
}

// heldList renders held webhooks, the webhooks chained after them not included.
func heldList(jobs []*webhooks.Job[Delivery]) []Delivery {
	out := make([]Delivery, len(jobs))
	for i, j := range jobs {
		out[i] = j.Record
		out[i].Held = true
	}
	return out
}
