package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/contracttest"
)

// The outcomes `demo --outcome` can play on the hosted page.
const (
	outcomeSuccess   = "success"
	outcomeFailed    = "failed"
	outcomeCancelled = "cancelled"
)

// demoKey is the key the demo's merchant backend uses against the in-process fake; it is
// pinned in the fake, so nothing else is accepted. It is no real key.
const demoKey = "pk_test_demo:sk_test_demo"

// demoStepTimeout bounds each wait of the offline demo (a webhook, a final status): the fake
// answers in milliseconds, so hitting it means something is broken.
const demoStepTimeout = 10 * time.Second

// demoFlags are the flags of `demo`.
type demoFlags struct {
	medium, outcome string
	amount, phone   string
	live            bool
	reference       string
	success, failed string
	timeout         time.Duration
}

// offered returns the mediums the demo's sessions offer: three of the documented ones, plus
// the one the shopper picks.
func (f *demoFlags) offered() []client.Medium {
	m := []client.Medium{client.MediumMPESA, client.MediumTELEBIRR, client.MediumCBE}
	if !slices.Contains(m, client.Medium(f.medium)) {
		m = append(m, client.Medium(f.medium))
	}
	return m
}

func (a *app) demoCommand() *cobra.Command {
	var f demoFlags
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Walk through the whole hosted-checkout flow against an in-process fake LakiPay",
		Long: `Walk through the hosted-checkout flow as a merchant backend would, printing each step:
create the session, open the checkout URL, pick a medium and pay on the hosted page, follow
the redirect, receive the signed webhook and verify it, and confirm the outcome through
transaction detail; then a second session that the shopper cancels.

Without --live it needs no key and no network: a fake LakiPay and the merchant's webhook
receiver run in-process on loopback. --outcome plays the first session's outcome on the
hosted page (failed: the provider declines the payment).

With --live it creates a real session on LakiPay with LAKIPAY_API_KEY, prints the checkout URL
to open in a browser, and waits for the final status through transaction detail.

Exit 0 when every step went as expected, 1 when one did not.`,
		Example: `  lakipay demo
  lakipay demo --medium TELEBIRR --outcome failed
  LAKIPAY_API_KEY=pk_test_...:sk_test_... lakipay demo --live --phone 251911111111`,
		Args: exactArgs(),
		RunE: op(func(cmd *cobra.Command, _ []string) error {
			if !slices.Contains([]string{outcomeSuccess, outcomeFailed, outcomeCancelled}, f.outcome) {
				return usagef("--outcome must be success, failed or cancelled, got %q", f.outcome)
			}
			if f.live {
				return a.demoLive(cmd.Context(), &f)
			}
			return a.demoLocal(cmd.Context(), &f)
		}),
	}
	fl := cmd.Flags()
	fl.StringVar(&f.medium, "medium", string(client.MediumMPESA), "the payment method the shopper picks on the hosted page")
	fl.StringVar(&f.outcome, "outcome", outcomeSuccess, "what happens on the hosted page for the first session: success, failed or cancelled")
	fl.StringVar(&f.amount, "amount", "1000.50", "the amount to charge")
	fl.StringVar(&f.phone, "phone", "251911111111", "the customer's phone (country code and number, digits only)")
	fl.BoolVar(&f.live, "live", false, "create a real session on LakiPay (needs "+envAPIKey+")")
	fl.StringVar(&f.reference, "reference", "", "with --live: the session's reference (default: demo- and the time)")
	fl.StringVar(&f.success, "success", "https://example.com/lakipay/success", "with --live: where LakiPay sends the shopper after paying")
	fl.StringVar(&f.failed, "failed", "https://example.com/lakipay/failed", "with --live: where LakiPay sends the shopper after a failed or cancelled attempt")
	fl.DurationVar(&f.timeout, "timeout", defaultWait, "with --live: how long to wait for the final status")
	return a.withBaseURL(cmd)
}

// demoLive creates a real session and waits for the shopper to finish it.
func (a *app) demoLive(ctx context.Context, f *demoFlags) error {
	if a.getenv(envAPIKey) == "" {
		return usagef("--live needs %s (PUBLICKEY:SECRETKEY); without --live the demo needs no key", envAPIKey)
	}
	if f.timeout <= 0 {
		return usagef("--timeout must be greater than 0, got %v", f.timeout)
	}
	c, err := a.newClient()
	if err != nil {
		return err
	}
	amount, err := client.ParseAmount(f.amount)
	if err != nil {
		return fmt.Errorf("--amount: %w", explain(err))
	}
	ref := f.reference
	if ref == "" {
		ref = "demo-" + time.Now().UTC().Format("20060102T150405.000000000")
	}
	out := a.stdout
	out.printf("Live demo against %s\n", c.BaseURL())
	out.println("1. Create the checkout session (POST /payment/checkout)")
	session, err := c.CreateCheckout(ctx, client.CheckoutRequest{
		Amount: amount, Currency: "ETB", PhoneNumber: f.phone, Reference: ref,
		Redirects:        client.Redirects{Success: f.success, Failed: f.failed},
		SupportedMediums: f.offered(),
	})
	if err != nil {
		return fmt.Errorf("create checkout: %w", explain(err))
	}
	printSession(out, session)
	out.printf("2. Open the checkout URL in a browser and pay (or cancel):\n%s%s\n", indent, session.CheckoutURL)
	out.printf("3. Waiting up to %v for the final status (GET /payment/transaction/%s) ...\n", f.timeout, session.LakipayTransactionID)
	t, err := a.waitFinal(ctx, c, session.LakipayTransactionID, f.timeout)
	if t != nil {
		printTransaction(out, t)
	}
	return err
}

// demoEnv is what the offline demo runs against: the fake LakiPay, the merchant's backend
// (its SDK client and its webhook receiver) and the shopper's browser.
type demoEnv struct {
	out      *printer
	fake     *contracttest.Fake
	lakipay  *client.Client
	merchant string // the merchant site's URL
	browser  *http.Client
	events   chan *client.WebhookEvent
	amount   client.Amount // --amount, parsed once before anything starts
}

// demoLocal runs the flow against an in-process fake LakiPay on loopback.
func (a *app) demoLocal(ctx context.Context, f *demoFlags) (err error) {
	amount, err := client.ParseAmount(f.amount)
	if err != nil {
		return fmt.Errorf("--amount: %w", explain(err))
	}
	quiet := slog.New(slog.DiscardHandler)
	fake, err := contracttest.NewFake(
		contracttest.WithAPIKey(demoKey),
		contracttest.WithWebhookRetry(3, 20*time.Millisecond),
	)
	if err != nil {
		return fmt.Errorf("start the fake LakiPay: %w", err)
	}
	// Stopped in this order: webhook deliveries first, then both sites.
	var stops []func() error
	defer func() {
		err = errors.Join(err, fake.Close())
		for _, stop := range stops {
			err = errors.Join(err, stop())
		}
	}()
	lakipaySrv, err := serve(ctx, "127.0.0.1:0", fake, quiet)
	if err != nil {
		return fmt.Errorf("start the fake LakiPay: %w", err)
	}
	stops = append(stops, lakipaySrv.close)

	env := &demoEnv{
		out:    a.stdout,
		fake:   fake,
		events: make(chan *client.WebhookEvent, 16),
		amount: amount,
		browser: &http.Client{
			Timeout:       demoStepTimeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
	site, err := env.merchantSite()
	if err != nil {
		return fmt.Errorf("build the merchant's webhook receiver: %w", err)
	}
	merchantSrv, err := serve(ctx, "127.0.0.1:0", site, quiet)
	if err != nil {
		return fmt.Errorf("start the merchant's webhook receiver: %w", err)
	}
	stops = append(stops, merchantSrv.close)
	env.merchant = merchantSrv.url
	env.lakipay, err = client.New(demoKey, client.WithBaseURL(lakipaySrv.url+"/api/v2"))
	if err != nil {
		return err
	}

	env.out.printf("Offline demo: a fake LakiPay at %s, the merchant's site at %s (loopback only).\n",
		lakipaySrv.url, merchantSrv.url)
	if err := env.session(ctx, f, 1, f.outcome); err != nil {
		return err
	}
	if err := env.session(ctx, f, 2, outcomeCancelled); err != nil {
		return err
	}
	env.out.println("\nDone: every step behaved as the contract says.")
	return nil
}

// merchantSite is the merchant's side of the flow: the webhook receiver (verifying with the
// fake's public key) and the pages LakiPay redirects the shopper to.
func (e *demoEnv) merchantSite() (http.Handler, error) {
	receiver, err := client.NewWebhookHandler(e.fake.PublicKey(),
		func(ctx context.Context, ev *client.WebhookEvent) error {
			select {
			case e.events <- ev:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("POST /webhooks/lakipay", receiver)
	for _, outcome := range []string{"success", "failed"} {
		text := "order page (" + outcome + "): waiting for LakiPay's webhook to confirm\n"
		mux.HandleFunc("GET /orders/"+outcome, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			_, _ = io.WriteString(w, text) // the shopper's browser went away: nothing to do
		})
	}
	return mux, nil
}

// expected is what a session with a given outcome must end as.
type expected struct {
	status   client.TransactionStatus
	redirect string // the merchant path the shopper lands on
	action   string // the hosted page's form action
}

func expectationOf(outcome string) expected {
	switch outcome {
	case outcomeFailed:
		return expected{client.TransactionStatusFAILED, "/orders/failed", "pay"}
	case outcomeCancelled:
		return expected{client.TransactionStatusCANCELLED, "/orders/failed", "cancel"}
	default:
		return expected{client.TransactionStatusSUCCESS, "/orders/success", "pay"}
	}
}

// session plays one checkout session from creation to confirmation.
func (e *demoEnv) session(ctx context.Context, f *demoFlags, n int, outcome string) error {
	want := expectationOf(outcome)
	e.out.printf("\n== Session %d: the shopper %s\n", n, map[string]string{
		outcomeSuccess:   "pays with " + f.medium,
		outcomeFailed:    "tries to pay with " + f.medium + " and the provider declines",
		outcomeCancelled: "cancels on the hosted page",
	}[outcome])

	callback := e.merchant + "/webhooks/lakipay"
	e.out.println("1. Merchant backend creates the session (client.CreateCheckout)")
	session, err := e.lakipay.CreateCheckout(ctx, client.CheckoutRequest{
		Amount: e.amount, Currency: "ETB", PhoneNumber: f.phone,
		Reference:        fmt.Sprintf("DEMO-ORDER-%d", n),
		Description:      fmt.Sprintf("Demo order #%d", n),
		CallbackURL:      callback,
		Redirects:        client.Redirects{Success: e.merchant + "/orders/success", Failed: e.merchant + "/orders/failed"},
		SupportedMediums: f.offered(),
	})
	if err != nil {
		return fmt.Errorf("create checkout: %w", explain(err))
	}
	printSession(e.out, session)

	e.out.println("2. Shopper's browser opens the checkout URL")
	hosted, err := e.do(ctx, http.MethodGet, session.CheckoutURL, nil)
	if err != nil {
		return err
	}
	if hosted.status != http.StatusOK {
		return fmt.Errorf("hosted page: want 200, got %d", hosted.status)
	}
	var shown []string
	for _, m := range f.offered() {
		if strings.Contains(hosted.body, string(m)) {
			shown = append(shown, string(m))
		}
	}
	e.out.printf("%s200 OK: the hosted page offers %s\n", indent, strings.Join(shown, ", "))

	form := url.Values{"action": {want.action}}
	switch outcome {
	case outcomeCancelled:
		e.out.println("3. Shopper presses Cancel")
	case outcomeFailed:
		if err := e.fake.Decline(session.LakipayTransactionID); err != nil {
			return fmt.Errorf("script the provider's decline: %w", err)
		}
		form.Set("medium", f.medium)
		e.out.printf("3. Shopper picks %s and pays; the provider declines (scripted with Fake.Decline)\n", f.medium)
	default:
		form.Set("medium", f.medium)
		e.out.printf("3. Shopper picks %s and pays\n", f.medium)
	}
	res, err := e.do(ctx, http.MethodPost, session.CheckoutURL, form)
	if err != nil {
		return err
	}
	if res.status != http.StatusSeeOther || res.location == "" {
		return fmt.Errorf("hosted page form: want 303 See Other with a Location, got %d", res.status)
	}
	e.out.printf("%s303 See Other -> %s\n", indent, res.location)

	e.out.println("4. Browser follows the redirect to the merchant's site")
	landing, err := e.do(ctx, http.MethodGet, res.location, nil)
	if err != nil {
		return err
	}
	if !strings.HasPrefix(res.location, e.merchant+want.redirect) || landing.status != http.StatusOK {
		return fmt.Errorf("redirect: want 200 at %s%s, got %d at %s", e.merchant, want.redirect, landing.status, res.location)
	}
	e.out.printf("%s200 OK: %s\n", indent, strings.TrimSpace(landing.body))
	e.out.printf("%s(the redirect alone is not trusted: the webhook and transaction detail decide)\n", indent)

	e.out.println("5. Merchant's webhook receiver gets LakiPay's POST (client.NewWebhookHandler)")
	ev, err := e.awaitWebhook(ctx, session.LakipayTransactionID)
	if err != nil {
		return err
	}
	e.out.printf("%ssignature verified with LakiPay's public key\n", indent)
	printEvent(e.out, ev)
	if ev.Status != want.status {
		return fmt.Errorf("webhook: want status %s, got %s", want.status, ev.Status)
	}

	e.out.println("6. Merchant confirms through transaction detail (client.WaitForTransaction)")
	wctx, cancel := context.WithTimeout(ctx, demoStepTimeout)
	defer cancel()
	t, err := e.lakipay.WaitForTransaction(wctx, session.LakipayTransactionID,
		client.WithPollInterval(10*time.Millisecond, 200*time.Millisecond))
	if err != nil {
		return fmt.Errorf("transaction detail: %w", explain(err))
	}
	printTransaction(e.out, t)
	if t.Status != want.status {
		return fmt.Errorf("transaction detail: want status %s, got %s", want.status, t.Status)
	}
	e.out.printf("%s=> confirmed %s\n", indent, t.Status)
	return nil
}

// awaitWebhook waits for the webhook that reports transaction id as final, skipping (and
// printing) any earlier one, such as a PENDING notice.
func (e *demoEnv) awaitWebhook(ctx context.Context, id string) (*client.WebhookEvent, error) {
	ctx, cancel := context.WithTimeout(ctx, demoStepTimeout)
	defer cancel()
	for {
		select {
		case ev := <-e.events:
			if ev.TransactionID == id && ev.Status.IsFinal() {
				return ev, nil
			}
			e.out.printf("%s(earlier webhook: %s %s)\n", indent, ev.TransactionID, ev.Status)
		case <-ctx.Done():
			return nil, fmt.Errorf("webhook for %s: none arrived: %w", id, ctx.Err())
		}
	}
}

// page is what the demo's browser got back.
type page struct {
	status   int
	location string
	body     string
}

// maxPage bounds what the demo's browser reads of a page.
const maxPage = 1 << 20

// do is the shopper's browser: one request, redirects not followed, the body read.
func (e *demoEnv) do(ctx context.Context, method, target string, form url.Values) (*page, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return nil, fmt.Errorf("browser: %w", err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := e.browser.Do(req)
	if err != nil {
		return nil, fmt.Errorf("browser: %w", err)
	}
	b, err := io.ReadAll(io.LimitReader(res.Body, maxPage))
	err = errors.Join(err, res.Body.Close())
	if err != nil {
		return nil, fmt.Errorf("browser: read %s: %w", target, err)
	}
	return &page{status: res.StatusCode, location: res.Header.Get("Location"), body: string(b)}, nil
}
