package contracttest

import (
	"fmt"
	"slices"
	"time"

	"github.com/lakipay/checkout-go/internal/fake/webhooks"
)

// WebhookOrder is the order in which the fake delivers the webhooks of a status change.
type WebhookOrder string

// The webhook orders of a [DeliveryBehaviour].
const (
	// OrderInOrder delivers the final webhook alone (the default).
	OrderInOrder WebhookOrder = "in_order"
	// OrderStaleAfterFinal delivers, after the final webhook, a genuinely signed webhook of
	// an earlier status ([CaseEarlier], PENDING): a receiver must not act on it.
	OrderStaleAfterFinal WebhookOrder = "stale_after_final"
	// OrderFinalLate delivers the earlier status first and the final webhook late, after it:
	// a receiver must not take the PENDING for final, nor drop the final one as a repeat.
	OrderFinalLate WebhookOrder = "final_late"
)

func (o WebhookOrder) valid() bool {
	return o == "" || o == OrderInOrder || o == OrderStaleAfterFinal || o == OrderFinalLate
}

// DeliveryBehaviour is how the fake delivers the webhook of every status change, so that a
// merchant's integration tests meet what LakiPay's documentation warns of: webhooks that
// arrive more than once, out of order, or next to forgeries. The zero value is the default:
// each webhook once, in order, genuine.
//
// Each webhook goes through the fake's bounded webhook queue: copies, earlier statuses and
// hostile bodies count as pending webhooks, and when the queue has no room for all of a
// status change's deliveries they are dropped together (recorded as one dropped webhook).
// Each later step starts when the first delivery of the step before it has been answered (or
// gave up), so the receiver sees them in that order. Every delivery is recorded with its
// [DeliveryCase].
type DeliveryBehaviour struct {
	// Copies is how many times each webhook is delivered (0 means 1; at most 10): the first
	// is recorded as [CaseGenuine], the others as [CaseDuplicate] (or [CaseEarlier]). Each
	// copy is retried on failure like any webhook.
	Copies int
	// Spacing is the time between copies (0: all at once, so that they reach the receiver
	// concurrently; at most 30s).
	Spacing time.Duration
	// Order is the order of the final webhook and an earlier status ("" means
	// [OrderInOrder]).
	Order WebhookOrder
	// OrderDelay is, for [OrderStaleAfterFinal], the wait between the final webhook's first
	// answer and the stale one; for [OrderFinalLate], between the earlier status's first
	// answer and the final webhook (at most 30s).
	OrderDelay time.Duration
	// Hostile are hostile cases ([DeliveryCase.Hostile], and [CaseReplayed]) delivered to
	// the callback_url ahead of each final webhook, one after the other, each tried once:
	// a receiver must refuse them and still act on the genuine webhook that follows.
	// [CaseReplayed] replays the genuine webhook of the transaction before (none for the
	// fake's first), and [CaseTamperedTransaction] sends it with this transaction's id.
	Hostile []DeliveryCase
}

// maxBehaviourWait bounds a behaviour's spacing and delay.
const maxBehaviourWait = 30 * time.Second

// check refuses a behaviour the fake cannot follow, naming the field as its flag and its
// JSON name do (copies, spacing, order, order_delay, hostile).
func (b DeliveryBehaviour) check() error {
	switch {
	case b.Copies < 0 || b.Copies > maxCopies:
		return fmt.Errorf("copies %d not in 1..%d", b.Copies, maxCopies)
	case b.Spacing < 0 || b.Spacing > maxBehaviourWait:
		return fmt.Errorf("spacing %s not in [0s, %s]", b.Spacing, maxBehaviourWait)
	case !b.Order.valid():
		return fmt.Errorf("order %q is not one of %s, %s, %s", b.Order, OrderInOrder, OrderStaleAfterFinal, OrderFinalLate)
	case b.OrderDelay < 0 || b.OrderDelay > maxBehaviourWait:
		return fmt.Errorf("order_delay %s not in [0s, %s]", b.OrderDelay, maxBehaviourWait)
	case b.OrderDelay > 0 && (b.Order == "" || b.Order == OrderInOrder):
		return fmt.Errorf("order_delay %s needs an order of %s or %s", b.OrderDelay, OrderStaleAfterFinal, OrderFinalLate)
	}
	seen := map[DeliveryCase]bool{}
	for _, c := range b.Hostile {
		if !c.Hostile() && c != CaseReplayed {
			return fmt.Errorf("hostile %q is not a hostile case (%s)", c, hostileList())
		}
		if seen[c] {
			return fmt.Errorf("hostile %q is given twice", c)
		}
		seen[c] = true
	}
	return nil
}

// normal returns b with its defaults spelled out and its own copy of Hostile.
func (b DeliveryBehaviour) normal() DeliveryBehaviour {
	b.Copies = max(b.Copies, 1)
	if b.Order == "" {
		b.Order = OrderInOrder
	}
	b.Hostile = append([]DeliveryCase{}, b.Hostile...)
	return b
}

func hostileList() string {
	var names []string
	for _, c := range deliveryCases {
		if c.Hostile() || c == CaseReplayed {
			names = append(names, string(c))
		}
	}
	return fmt.Sprint(names)
}

// warmUp makes the forger's key before anything holds the fake's lock, when b sends forged
// signatures.
func (b DeliveryBehaviour) warmUp() error {
	if !slices.Contains(b.Hostile, CaseForgedSignature) {
		return nil
	}
	_, err := webhooks.ForgerKey()
	return err
}

// SetDeliveryBehaviour changes how the fake delivers the webhooks of later status changes
// (also POST /_mock/webhook-behaviour); [Fake.Reset] restores the one of
// [WithDeliveryBehaviour]. A behaviour it refuses is an error wrapping [ErrScript], and
// nothing changes.
func (f *Fake) SetDeliveryBehaviour(b DeliveryBehaviour) error {
	if err := b.check(); err != nil {
		return fmt.Errorf("%w: %w", ErrScript, err)
	}
	if err := b.warmUp(); err != nil {
		return err
	}
	b = b.normal()
	f.mu.Lock()
	defer f.mu.Unlock()
	f.behaviour = &b
	return nil
}

// DeliveryBehaviour returns how the fake delivers webhooks now, with its defaults spelled
// out (Copies 1, Order [OrderInOrder]).
func (f *Fake) DeliveryBehaviour() DeliveryBehaviour {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.behaviourLocked().normal()
}

func (f *Fake) behaviourLocked() DeliveryBehaviour {
	if f.behaviour != nil {
		return *f.behaviour
	}
	return f.cfg.behaviour.normal()
}

// stepsLocked returns the deliveries of s's final webhook genuine under the fake's
// behaviour, in steps: each step's webhooks start together (spaced by Spacing), each step
// after the first webhook of the step before it was answered. The caller holds f.mu.
func (f *Fake) stepsLocked(s *session, genuine Delivery) [][]*webhooks.Job[Delivery] {
	b := f.behaviourLocked().normal()
	var steps [][]*webhooks.Job[Delivery]
	for _, c := range b.Hostile {
		var other *session
		if c.usesOther() {
			if f.lastGenuine == "" || f.lastGenuine == s.id {
				continue // nothing to replay yet
			}
			if other = f.sessions.byID[f.lastGenuine]; other == nil {
				continue // forgotten since
			}
		}
		d, pad, err := f.caseDeliveryLocked(s, c, other)
		if err != nil {
			f.log.Error("lakipay fake: hostile delivery not sent", "transaction_id", s.id, "case", c, "error", err)
			continue
		}
		d.URL = genuine.URL
		steps = append(steps, []*webhooks.Job[Delivery]{f.jobLocked(d, pad, 1)})
	}
	copies := func(d Delivery, delay time.Duration) []*webhooks.Job[Delivery] {
		jobs := make([]*webhooks.Job[Delivery], b.Copies)
		for i := range jobs {
			copied := d
			if i > 0 && d.Case == CaseGenuine {
				copied.Case = CaseDuplicate
			}
			jobs[i] = f.jobLocked(copied, 0, f.cfg.attempts)
			jobs[i].Offset = delay + time.Duration(i)*b.Spacing
		}
		return jobs
	}
	var earlier Delivery
	if b.Order != OrderInOrder {
		var err error
		if earlier, _, err = f.caseDeliveryLocked(s, CaseEarlier, nil); err != nil {
			f.log.Error("lakipay fake: earlier status not sent", "transaction_id", s.id, "error", err)
			b.Order = OrderInOrder
		}
		earlier.URL = genuine.URL
	}
	switch b.Order {
	case OrderFinalLate:
		steps = append(steps, copies(earlier, 0), copies(genuine, b.OrderDelay))
	case OrderStaleAfterFinal:
		steps = append(steps, copies(genuine, 0), copies(earlier, b.OrderDelay))
	default:
		steps = append(steps, copies(genuine, 0))
	}
	return steps
}
