package shop

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/lakipay/checkout-go/client"
)

// WebhookPath is where the shop receives LakiPay's webhooks, under its public URL.
const WebhookPath = "/lakipay/webhook"

// Config is what the shop needs to take payments.
type Config struct {
	// LakiPay is the SDK client: client.NewFromEnv() in production.
	LakiPay *client.Client
	// WebhookKey is LakiPay's public key from the dashboard (client.ParsePublicKey).
	WebhookKey *rsa.PublicKey
	// PublicURL is where shoppers and LakiPay reach the shop ("https://shop.example"): the
	// return page and the webhook URL are under it.
	PublicURL string
	// Mediums are the payment methods offered on LakiPay's page.
	Mediums []client.Medium
	// OnPaid is called once for each order that becomes paid, with the paid order: ship it.
	// Optional.
	OnPaid func(Order)
	// Logger receives what needs a person's attention (a payment that does not match its
	// order, an order paid twice) and LakiPay's failures. Optional.
	Logger *slog.Logger
	// Dedup is where the shop remembers which payment statuses it settled: the webhook
	// receiver and the return page both settle through it, so that they never both settle
	// one payment. Optional: when nil, a client.NewMemoryDedupStore, which serves one
	// instance and forgets on restart; give several instances one durable store
	// (package sqldedup).
	Dedup client.DedupStore
}

// Shop is the shop's HTTP service: order pages, payment through LakiPay's hosted checkout,
// the return page and the webhook receiver. Create it with [New].
type Shop struct {
	lakipay   *client.Client
	publicURL string
	mediums   []client.Medium
	onPaid    func(Order)
	log       *slog.Logger
	dedup     client.DedupStore
	orders    orders
	mux       *http.ServeMux
}

// New returns the shop, or an error naming what is missing in cfg.
func New(cfg Config) (*Shop, error) {
	if cfg.LakiPay == nil {
		return nil, errors.New("shop: Config.LakiPay is nil")
	}
	if len(cfg.Mediums) == 0 {
		return nil, errors.New("shop: Config.Mediums is empty")
	}
	u, err := url.Parse(cfg.PublicURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" {
		return nil, fmt.Errorf("shop: Config.PublicURL %q is not an absolute http(s) URL without query", cfg.PublicURL)
	}
	s := &Shop{
		lakipay:   cfg.LakiPay,
		publicURL: strings.TrimRight(cfg.PublicURL, "/"),
		mediums:   cfg.Mediums,
		onPaid:    cfg.OnPaid,
		log:       cfg.Logger,
		dedup:     cfg.Dedup,
		mux:       http.NewServeMux(),
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.dedup == nil {
		memory, err := client.NewMemoryDedupStore(10_000)
		if err != nil {
			return nil, fmt.Errorf("shop: %w", err)
		}
		s.dedup = memory
	}
	// The handler verifies every webhook before receive runs, answers 400 to a forgery and
	// 500 when receive fails (LakiPay delivers again), and answers a repeat, or a status
	// the return page settled already, 200 without calling receive.
	webhooks, err := client.NewWebhookHandler(cfg.WebhookKey, s.receive, client.WithDedupStore(s.dedup))
	if err != nil {
		return nil, fmt.Errorf("shop: %w", err)
	}
	s.mux.HandleFunc("GET /orders/{id}", s.showOrder)
	s.mux.HandleFunc("POST /orders/{id}/pay", s.pay)
	s.mux.HandleFunc("GET /orders/{id}/return", s.confirm)
	s.mux.Handle("POST "+WebhookPath, webhooks)
	return s, nil
}

// ServeHTTP serves the shop's pages and the webhook receiver.
func (s *Shop) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// AddOrder adds an order awaiting payment (in a real shop: the cart's checkout).
func (s *Shop) AddOrder(id string, amount client.Amount, currency string) error {
	return s.orders.add(Order{ID: id, Amount: amount, Currency: currency})
}

// Order returns the order with that id.
func (s *Shop) Order(id string) (Order, bool) {
	e := s.orders.get(id)
	if e == nil {
		return Order{}, false
	}
	o, _ := s.orders.read(e)
	return o, true
}

// showOrder shows an order and, while it is unpaid, the form to pay it.
func (s *Shop) showOrder(w http.ResponseWriter, r *http.Request) {
	o, ok := s.Order(r.PathValue("id"))
	if !ok {
		http.NotFound(w, r)
		return
	}
	render(w, http.StatusOK, orderPage(o))
}

// pay opens a LakiPay checkout for the order and redirects the shopper to it.
func (s *Shop) pay(w http.ResponseWriter, r *http.Request) {
	e := s.orders.get(r.PathValue("id"))
	if e == nil {
		http.NotFound(w, r)
		return
	}
	phone := normalizePhone(r.PostFormValue("phone"))
	e.paying.Lock() // a double click waits here, then finds the session the first one opened
	defer e.paying.Unlock()

	o, checkoutURL := s.orders.read(e)
	if o.sessionOpen() {
		// The current attempt has a session that may still be paid: send the shopper back
		// to it. Opening a second one could let both be paid.
		tx, err := s.lakipay.GetTransaction(r.Context(), o.TransactionID)
		if err == nil {
			err = s.apply(r.Context(), tx)
		}
		if err != nil {
			s.unavailable(w, o, err)
			return
		}
		if !tx.Status.IsFinal() {
			http.Redirect(w, r, checkoutURL, http.StatusSeeOther)
			return
		}
		o, _ = s.orders.read(e)
	}
	if o.Status == Paid {
		render(w, http.StatusOK, orderPage(o))
		return
	}

	// A new attempt after one whose session ended (failed, cancelled); the same attempt
	// again after one whose outcome is unknown (its answer never came), so that LakiPay's
	// answer to its reference tells whether that one created a session: if it did, nobody
	// can pay it, and the SDK opens the next attempt.
	attempt := o.Attempt
	if attempt == 0 || o.TransactionID != "" {
		attempt++
	}
	session, _, err := s.lakipay.CreateCheckoutAttempt(r.Context(), referencePrefix+o.ID, attempt, s.checkoutRequest(o, phone),
		func(_ context.Context, n int) error { s.orders.begin(e, n); return nil })
	if err != nil {
		s.refused(w, o, phone, err)
		return
	}
	s.orders.opened(e, session)
	http.Redirect(w, r, session.CheckoutURL, http.StatusSeeOther)
}

// checkoutRequest is the checkout of order o; its reference is the attempt's.
func (s *Shop) checkoutRequest(o Order, phone string) client.CheckoutRequest {
	back := s.publicURL + "/orders/" + url.PathEscape(o.ID) + "/return"
	return client.CheckoutRequest{
		Amount:      o.Amount,
		Currency:    o.Currency,
		PhoneNumber: phone,
		Description: "Order " + o.ID,
		CallbackURL: s.publicURL + WebhookPath,
		// One return page for both outcomes: it asks LakiPay what happened, because anyone
		// can open either URL by hand.
		Redirects:        client.Redirects{Success: back, Failed: back},
		SupportedMediums: s.mediums,
	}
}

// refused answers a checkout LakiPay did not open: LakiPay is unavailable or the outcome is
// unknown (503: try again), the shopper's phone number is wrong (400, with the reasons), or
// the shop is misconfigured (500).
func (s *Shop) refused(w http.ResponseWriter, o Order, phone string, err error) {
	if client.OutcomeUnknown(err) { // LakiPay may work again in a moment
		s.unavailable(w, o, err)
		return
	}
	fields := client.FieldMessages(err)
	if problems := fields["phone_number"]; len(problems) > 0 && len(fields) == 1 {
		page := orderPage(o)
		page.Phone, page.PhoneProblems = phone, problems
		render(w, http.StatusBadRequest, page)
		return
	}
	s.log.Error("shop: LakiPay refused the checkout", "order", o.ID, "error", err)
	page := orderPage(o)
	page.Notice = "We could not start the payment. Our team has been told; please try again later."
	render(w, http.StatusInternalServerError, page)
}

// unavailable answers 503 when LakiPay could not be reached or answered with a failure.
// Nothing was charged: whatever LakiPay did, the shopper never saw a payment page.
func (s *Shop) unavailable(w http.ResponseWriter, o Order, err error) {
	s.log.Warn("shop: LakiPay unavailable", "order", o.ID, "error", err)
	wait := 30
	var apiErr *client.APIError
	if errors.As(err, &apiErr) && apiErr.RetryAfter > 0 {
		wait = int(apiErr.RetryAfter.Seconds() + 0.5)
	}
	w.Header().Set("Retry-After", strconv.Itoa(wait))
	page := orderPage(o)
	page.Notice = "The payment service cannot be reached right now. Nothing was charged; please try again in a minute."
	render(w, http.StatusServiceUnavailable, page)
}

// confirm is the return page, where LakiPay sends the shopper after its page. It does not
// trust that it was reached: it asks LakiPay for the transaction and shows what it says.
func (s *Shop) confirm(w http.ResponseWriter, r *http.Request) {
	e := s.orders.get(r.PathValue("id"))
	if e == nil {
		http.NotFound(w, r)
		return
	}
	o, _ := s.orders.read(e)
	if o.sessionOpen() {
		tx, err := s.lakipay.GetTransaction(r.Context(), o.TransactionID)
		if err == nil {
			err = s.apply(r.Context(), tx)
		}
		if err != nil {
			s.log.Warn("shop: cannot confirm the payment", "order", o.ID, "error", err)
			page := orderPage(o)
			page.Notice = "We could not confirm your payment yet. Please refresh this page in a moment."
			render(w, http.StatusServiceUnavailable, page)
			return
		}
		o, _ = s.orders.read(e)
	}
	render(w, http.StatusOK, orderPage(o))
}

// receive settles a verified webhook.
func (s *Shop) receive(_ context.Context, ev *client.WebhookEvent) error {
	if ev.Event != client.TransactionTypeDEPOSIT {
		return nil // a checkout only makes deposits
	}
	s.settle(ev.Reference, ev.TransactionID, ev.Status, ev.Amount, ev.Currency)
	return nil
}

// apply settles what transaction detail says, through the store the webhook receiver settles
// through: a status the webhook settled is not settled again here, nor the other way round.
func (s *Shop) apply(ctx context.Context, tx *client.Transaction) error {
	_, err := client.SettleOnce(ctx, s.dedup, tx.TransactionID, tx.Status, func(context.Context) error {
		s.settle(tx.Reference, tx.TransactionID, tx.Status, tx.Amount, tx.Currency)
		return nil
	})
	return err
}

// settle updates the order a transaction belongs to and ships it when it became paid.
// Webhooks and the return page both come here, in any order and any number of times.
func (s *Shop) settle(ref, txID string, status client.TransactionStatus, amount client.Amount, currency string) {
	paid, err := s.orders.settle(ref, txID, status, amount, currency)
	switch {
	case errors.Is(err, errNotOurs):
		s.log.Info("shop: not this shop's transaction", "transaction_id", txID, "error", err)
		return
	case err != nil:
		// Acknowledged all the same: LakiPay delivering it again would not change it.
		s.log.Error("shop: payment needs a person", "transaction_id", txID, "status", status, "error", err)
		return
	}
	if paid != nil && s.onPaid != nil {
		s.onPaid(*paid)
	}
}

// normalizePhone removes what shoppers commonly type around a phone number: spaces, dashes
// and a leading "+". Anything else is left for the SDK to judge.
func normalizePhone(s string) string {
	s = strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(s))
	return strings.TrimPrefix(s, "+")
}
