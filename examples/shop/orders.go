package shop

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/lakipay/checkout-go/client"
)

// OrderStatus is where an order stands.
type OrderStatus string

// The order statuses.
const (
	// AwaitingPayment: the order is not paid; the shopper may start or retry a payment.
	AwaitingPayment OrderStatus = "awaiting payment"
	// Paid: LakiPay confirmed a payment of the order's amount and currency.
	Paid OrderStatus = "paid"
)

// Order is what a shopper pays for in one go, with the state of its payment.
type Order struct {
	// ID is the shop's id of the order: 1 to 64 letters, digits, "_" or "-".
	ID string
	// Amount and Currency are what the order costs.
	Amount   client.Amount
	Currency string
	// Status is AwaitingPayment until LakiPay confirms a payment, then Paid.
	Status OrderStatus
	// PaidBy is the LakiPay transaction that paid the order; "" until it is paid.
	PaidBy string
	// Attempt numbers the order's current payment attempt, whose LakiPay reference is
	// Reference(ID, Attempt); 0 before the first.
	Attempt int
	// TransactionID is LakiPay's id of the current attempt's checkout session; "" when the
	// attempt has none, or none the shop knows of (its answer was lost).
	TransactionID string
	// PaymentStatus is the last status LakiPay reported for that session.
	PaymentStatus client.TransactionStatus
}

// sessionOpen reports whether the order is unpaid and its current attempt has a session that
// LakiPay has not yet reported final: one that may still be paid, so LakiPay is asked first.
func (o Order) sessionOpen() bool {
	return o.Status != Paid && o.TransactionID != "" && !o.PaymentStatus.IsFinal()
}

// orderID is the form of an order id: safe in a URL path and in a LakiPay reference.
var orderID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// referencePrefix starts every reference of this shop: another system's references on the
// same LakiPay account are told apart by it.
const referencePrefix = "ORDER-"

// Reference is the LakiPay reference of an order's payment attempt: ORDER-42-1, then
// ORDER-42-2, ... ([client.AttemptReference]), "" for an attempt below 1. LakiPay refuses a
// reference it has seen, so each attempt needs its own; [ParseReference] maps a webhook's
// reference back to the order.
func Reference(orderID string, attempt int) string {
	ref, _ := client.AttemptReference(referencePrefix+orderID, attempt)
	return ref
}

// ParseReference returns the order and attempt of a reference made by [Reference]; ok is
// false for any other reference (another system's, on the same LakiPay account).
func ParseReference(ref string) (id string, attempt int, ok bool) {
	order, attempt, err := client.ParseAttemptReference(ref)
	id, ours := strings.CutPrefix(order, referencePrefix)
	if err != nil || !ours || !orderID.MatchString(id) {
		return "", 0, false
	}
	return id, attempt, true
}

// orders is the shop's order book, in memory. A real shop keeps it in its database: what
// matters is that each change below is one transaction, and that opening a checkout for an
// order is serialised (a row lock) so that a double click cannot open two.
type orders struct {
	mu   sync.Mutex
	byID map[string]*entry
}

// entry is one order and what the shop keeps beside it.
type entry struct {
	// paying is held while the shop opens a checkout for the order: one at a time.
	paying sync.Mutex
	// order and checkoutURL are guarded by orders.mu. checkoutURL is where the current
	// attempt's shopper pays: a privileged link, never logged.
	order       Order
	checkoutURL string
	// sessions are the transaction ids LakiPay gave the order's attempts, every one of them:
	// a payment to any other session (another LakiPay account's, naming this order's
	// reference) pays nothing here.
	sessions map[string]bool
}

func (b *orders) add(o Order) error {
	switch {
	case !orderID.MatchString(o.ID):
		return fmt.Errorf("shop: order id %q: want 1 to 64 letters, digits, _ or -", o.ID)
	case o.Amount.IsZero():
		return fmt.Errorf("shop: order %s: amount must be more than 0", o.ID)
	case o.Currency == "":
		return fmt.Errorf("shop: order %s: currency is required", o.ID)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.byID == nil {
		b.byID = map[string]*entry{}
	}
	if b.byID[o.ID] != nil {
		return fmt.Errorf("shop: order %s exists already", o.ID)
	}
	b.byID[o.ID] = &entry{order: Order{ID: o.ID, Amount: o.Amount, Currency: o.Currency, Status: AwaitingPayment}}
	return nil
}

// get returns the order's entry, nil when there is none.
func (b *orders) get(id string) *entry {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.byID[id]
}

// read returns a copy of the order and its checkout URL.
func (b *orders) read(e *entry) (Order, string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return e.order, e.checkoutURL
}

// begin records that attempt is being opened and nothing is known of its session yet: if
// the answer never comes, the next try repeats its reference.
func (b *orders) begin(e *entry, attempt int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	e.order.Attempt, e.order.TransactionID, e.order.PaymentStatus, e.checkoutURL = attempt, "", "", ""
}

// opened records the session LakiPay created for the current attempt.
func (b *orders) opened(e *entry, s *client.CheckoutSession) {
	b.mu.Lock()
	defer b.mu.Unlock()
	e.order.TransactionID, e.order.PaymentStatus, e.checkoutURL = s.LakipayTransactionID, s.Status, s.CheckoutURL
	if e.sessions == nil {
		e.sessions = map[string]bool{}
	}
	e.sessions[s.LakipayTransactionID] = true
}

// errMismatch reports a payment whose amount or currency is not the order's.
var errMismatch = errors.New("the payment's amount or currency is not the order's")

// errNotOurs reports a transaction whose reference names no order of this shop (another
// system's, on the same LakiPay account), or whose session is none the shop opened: if
// LakiPay signs every merchant's webhooks with one key, another account can open a checkout
// with this shop's reference, pay the order's price into its own account and post the
// genuine webhook here.
var errNotOurs = errors.New("not a session this shop opened")

// settle applies what LakiPay says about a transaction (from a verified webhook or from
// transaction detail) to the order its reference names. It is idempotent and order-proof: a
// repeated or stale report changes nothing, and the order becomes Paid once. It returns the
// order when this report made it Paid.
func (b *orders) settle(ref, txID string, status client.TransactionStatus, amount client.Amount, currency string) (paid *Order, err error) {
	id, _, ok := ParseReference(ref)
	if !ok {
		return nil, fmt.Errorf("%w: %q", errNotOurs, ref)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	e := b.byID[id]
	if e == nil {
		return nil, fmt.Errorf("%w: %q", errNotOurs, ref)
	}
	if !e.sessions[txID] {
		return nil, fmt.Errorf("%w: transaction %s names order %s, whose checkouts never got it back", errNotOurs, txID, id)
	}
	o := &e.order
	if txID == o.TransactionID && !o.PaymentStatus.IsFinal() {
		o.PaymentStatus = status
	}
	if status != client.TransactionStatusSUCCESS {
		return nil, nil // a failed or cancelled attempt leaves the order open for the next one
	}
	switch {
	case amount.Cmp(o.Amount) != 0 || currency != o.Currency:
		return nil, fmt.Errorf("order %s, transaction %s: %w (%s %s, want %s %s)", id, txID, errMismatch,
			amount, currency, o.Amount, o.Currency)
	case o.Status == Paid && o.PaidBy != txID:
		return nil, fmt.Errorf("order %s was paid twice: refund transaction %s (it was paid by %s)", id, txID, o.PaidBy)
	case o.Status == Paid:
		return nil, nil // the same payment again
	}
	o.Status, o.PaidBy = Paid, txID
	done := *o
	return &done, nil
}
