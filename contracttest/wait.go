package contracttest

import (
	"context"
	"errors"
	"fmt"

	"github.com/lakipay/checkout-go/client"
)

// ErrWebhookNotAccepted reports that fewer webhooks than awaited were accepted and none is
// pending any more: the rest can no longer arrive (their receiver refused every attempt, was
// unreachable, or they were dropped).
var ErrWebhookNotAccepted = errors.New("contracttest: webhooks not accepted")

// WaitForSuccessfulDeliveries waits until receivers have accepted (answered 2xx) at least n
// webhooks since the fake started or was last reset, and returns those accepted deliveries,
// oldest first. Unlike [Fake.WaitForDeliveries], which counts attempts, a refused attempt
// and its retries do not count here: this is what a test waits for before it checks that
// the merchant settled the order.
//
// Call it after the status changes whose webhooks you await (a payment on the page, or
// [Fake.Pay]): it fails fast, with an error wrapping [ErrWebhookNotAccepted] that describes
// the last refused attempt ("HTTP 400", "connection refused"), as soon as fewer than n were
// accepted and no webhook is pending. It returns ctx's error when ctx ends first. Only the
// deliveries the fake keeps ([WithMaxDeliveries]) are counted.
func (f *Fake) WaitForSuccessfulDeliveries(ctx context.Context, n int) ([]Delivery, error) {
	for {
		f.mu.Lock()
		all := f.deliveries.list("", f.cfg.maxDeliveries)
		pending, changed := f.hooks.pending, f.changed
		f.mu.Unlock()
		accepted := make([]Delivery, 0, len(all))
		var refused *Delivery
		for i, d := range all {
			if d.OK() {
				accepted = append(accepted, d)
			} else {
				refused = &all[i]
			}
		}
		switch {
		case len(accepted) >= n:
			return accepted, nil
		case pending == 0:
			why := "no webhook was sent (does the checkout have a callback_url?)"
			if refused != nil {
				why = "the last refused: " + describeDelivery(*refused)
			}
			return accepted, fmt.Errorf("%w: %d of %d accepted and none pending; %s", ErrWebhookNotAccepted, len(accepted), n, why)
		}
		select {
		case <-ctx.Done():
			return accepted, fmt.Errorf("contracttest: waiting for %d accepted webhooks (%d so far): %w", n, len(accepted), ctx.Err())
		case <-changed:
		}
	}
}

// describeDelivery says in a few words what became of a delivery that was not accepted.
func describeDelivery(d Delivery) string {
	what := fmt.Sprintf("%s %s to %s", d.TransactionID, d.Status, d.URL)
	switch {
	case d.Dropped:
		return what + " was dropped: " + d.Err
	case d.HTTPStatus != 0 && d.Answer != "":
		answer := prefix(d.Answer, maxAnswerShown)
		if answer != d.Answer {
			answer += "..."
		}
		return fmt.Sprintf("%s, attempt %d: HTTP %d, answered %q", what, d.Attempt, d.HTTPStatus, answer)
	case d.HTTPStatus != 0:
		return fmt.Sprintf("%s, attempt %d: HTTP %d", what, d.Attempt, d.HTTPStatus)
	default:
		return fmt.Sprintf("%s, attempt %d: %s", what, d.Attempt, d.Err)
	}
}

// maxAnswerShown bounds how much of a receiver's answer an error message quotes.
const maxAnswerShown = 200

// WaitForDelivery waits until a receiver accepted (answered 2xx) a genuinely signed webhook
// of transaction id announcing status (the genuine webhook of a status change, a copy of it,
// or an earlier status of [OrderStaleAfterFinal]; never a hostile body, nor another
// transaction's webhook replayed to it), and returns the first such delivery. Refused
// attempts before it do not count, nor do the webhooks of other transactions or statuses:
// this is what a test waits for before checking that the merchant settled one order.
//
// It may be called before the status change (a shopper paying in another goroutine, a session
// left to expire): it waits while the session is INITIATED with a callback_url, since a
// webhook is still to come (a payment, a cancel, or its expiry). Otherwise it fails fast,
// with an error wrapping [ErrWebhookNotAccepted] that describes the transaction's last
// refused attempt, once none of its webhooks is pending; a webhook held back
// ([Fake.HoldWebhooks]) is pending until released. An id the fake does not know and never
// delivered for is an error wrapping [ErrUnknownTransaction]; status "" one wrapping
// [ErrScript]. It returns ctx's error when ctx ends first. Only the deliveries the fake keeps
// ([WithMaxDeliveries]) are searched.
func (f *Fake) WaitForDelivery(ctx context.Context, id string, status client.TransactionStatus) (Delivery, error) {
	if status == "" {
		return Delivery{}, fmt.Errorf("%w: a status to wait for is required", ErrScript)
	}
	for {
		f.mu.Lock()
		list := f.deliveries.list(id, f.cfg.maxDeliveries)
		pending, held := f.hooks.pendingOf[id], len(f.hooks.held[id])
		s, known := f.sessions.byID[id]
		toCome := known && s.status == client.TransactionStatusINITIATED && s.req.CallbackURL != ""
		changed := f.changed
		f.mu.Unlock()
		var refused *Delivery
		for i, d := range list {
			switch {
			case d.Status != status || d.Case.Hostile() || d.Case == CaseReplayed:
			case d.OK():
				return d, nil
			default:
				refused = &list[i]
			}
		}
		if pending == 0 && !toCome {
			if !known && len(list) == 0 {
				return Delivery{}, fmt.Errorf("%w %q", ErrUnknownTransaction, id)
			}
			why := fmt.Sprintf("no webhook of %s announced %s (does its checkout have a callback_url? did its status change?)", id, status)
			if refused != nil {
				why = "the last refused: " + describeDelivery(*refused)
			}
			return Delivery{}, fmt.Errorf("%w: none of %s's %s webhooks was accepted and none is pending; %s", ErrWebhookNotAccepted, id, status, why)
		}
		select {
		case <-ctx.Done():
			still := ""
			if toCome {
				still = "; the session is still INITIATED"
			}
			return Delivery{}, fmt.Errorf("contracttest: waiting for %s's %s webhook to be accepted (%d pending, %d of them held back%s): %w",
				id, status, pending, held, still, ctx.Err())
		case <-changed:
		}
	}
}
