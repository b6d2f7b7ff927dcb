package contracttest

import (
	"context"
	"errors"
	"fmt"
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
