package contracttest

import (
	"fmt"
	"time"

	"github.com/lakipay/checkout-go/client"
)

// A session's lifecycle: how long an INITIATED session stays payable ([WithSessionTTL]), and
// what becomes of it then (see openapi.yaml's createCheckout: LakiPay's sources are silent,
// this is the fake's decision).

// Expire makes session id expire now, as it does on its own [WithSessionTTL] after it was
// created: the status becomes CANCELLED (no medium, as a shopper's cancel), a webhook goes to
// the callback_url, and the hosted page says the checkout can no longer be paid. It is how a
// test checks that a shop releases what it held for an unpaid session. Only an INITIATED
// session expires: a final one is [ErrFinal], a PENDING one (a payment in progress at the
// provider, which no expiry cuts short) an error wrapping [ErrScript].
func (f *Fake) Expire(id string) error {
	_, err := f.expire(id)
	return err
}

// expire is Expire, returning the transaction as it is afterwards.
func (f *Fake) expire(id string) (client.Transaction, error) {
	return f.change(id, func(s *session) error {
		switch {
		case s.final():
			return fmt.Errorf("%w (%s)", ErrFinal, s.status)
		case s.status != client.TransactionStatusINITIATED:
			return fmt.Errorf("%w: transaction %s is %s: a payment in progress does not expire", ErrScript, s.id, s.status)
		}
		return f.expireLocked(s)
	})
}

// expireLocked cancels s, which is INITIATED, as expired; the caller holds f.mu.
func (f *Fake) expireLocked(s *session) error {
	f.log.Info("lakipay fake: session expired", "transaction_id", s.id)
	return f.completeLocked(s, "", client.TransactionStatusCANCELLED)
}

// armExpiryLocked makes expireDue run at due, unless it runs earlier already; the caller
// holds f.mu.
func (f *Fake) armExpiryLocked(due time.Time) {
	if f.expiry != nil && !f.expiryDue.After(due) {
		return
	}
	if f.expiry != nil {
		f.expiry.Stop()
	}
	f.expiryDue = due
	f.expiry = time.AfterFunc(time.Until(due), f.expireDue)
}

// expireDue cancels every INITIATED session whose time is up and arms the timer for the next
// one. Open sessions are stored oldest first, and all live as long, so it stops at the first
// whose time is not up.
func (f *Fake) expireDue() {
	_, _ = f.signingKey() // its webhooks are signed under f.mu: not while the key is made
	f.mu.Lock()
	defer f.mu.Unlock()
	f.expiry = nil
	if f.closed {
		return
	}
	now := time.Now()
	for s := f.sessions.open.head; s != nil; {
		next := s.next // expiring s moves it to the final sessions
		if s.expires.After(now) {
			f.armExpiryLocked(s.expires)
			return
		}
		if s.status == client.TransactionStatusINITIATED {
			_ = f.expireLocked(s) // s is open: it cannot be final
		}
		s = next
	}
}

// stopExpiryLocked stops the timer (reset, close); the caller holds f.mu.
func (f *Fake) stopExpiryLocked() {
	if f.expiry != nil {
		f.expiry.Stop()
		f.expiry = nil
	}
}
