package client_test

import (
	"context"
	"crypto/rsa"
	"net/http"
	"os"

	"github.com/lakipay/checkout-go/client"
)

// The snippets of README.md and of the package documentation, compiled here (TestDocSnippets
// at the module's root holds the documents to these regions). They are examples without
// output: compiled, never run, since they reach LakiPay's production API or serve on the
// default mux.

// lakipayPublicKey is LakiPay's webhook key from the dashboard, in the snippets.
var lakipayPublicKey *rsa.PublicKey

// orderBook is a merchant's order book, in the snippets.
type orderBook struct{}

// Settle applies a payment's status to the order of reference.
func (orderBook) Settle(context.Context, string, client.TransactionStatus) error { return nil }

// SaveAttempt records, with the order, the attempt about to be sent.
func (orderBook) SaveAttempt(context.Context, int) error { return nil }

var orders orderBook

// A checkout and the webhook handler, as README.md shows them.
//
//nolint:ineffassign // the snippet shows the calls, not their error handling
func Example_readme() {
	ctx := context.Background()
	// snippet: readme-use-from-go
	c, err := client.New(os.Getenv("LAKIPAY_API_KEY")) // PUBLICKEY:SECRETKEY
	amount, err := client.ParseAmount("1000.50")
	req := client.CheckoutRequest{
		Amount: amount, Currency: "ETB", PhoneNumber: "251911111111",
		CallbackURL:      "https://shop.example/lakipay/webhook",
		Redirects:        client.Redirects{Success: "https://shop.example/ok", Failed: "https://shop.example/ko"},
		SupportedMediums: []client.Medium{client.MediumMPESA, client.MediumTELEBIRR},
	}
	// One reference per payment attempt, ORDER-42-1, ORDER-42-2, ...: the attempt is saved with
	// the order before the request leaves, and a reference LakiPay says is spent opens the next.
	session, attempt, err := c.CreateCheckoutAttempt(ctx, "ORDER-42", 1, req, orders.SaveAttempt)
	switch {
	case client.OutcomeUnknown(err): // timeout, 5xx, lost answer: "try again in a moment", same attempt next time
	case err != nil: // refused: show the shopper client.FieldMessages(err)["phone_number"]
	}
	// redirect the shopper to session.CheckoutURL; keep session.LakipayTransactionID and attempt

	// Settle each transaction's status once, whether the webhook or the return page learns it
	// first: one store for both (in memory here; several instances share a durable one).
	store, err := client.NewMemoryDedupStore(10_000)
	webhooks, err := client.NewWebhookHandler(lakipayPublicKey, func(ctx context.Context, ev *client.WebhookEvent) error {
		return orders.Settle(ctx, ev.Reference, ev.Status) // once per transaction and status
	}, client.WithDedupStore(store)) // LakiPay may deliver twice, and out of order
	http.Handle("POST /lakipay/webhook", webhooks)

	tx, err := c.GetTransaction(ctx, session.LakipayTransactionID) // the return page: never trust the redirect
	_, err = client.SettleOnce(ctx, store, tx.TransactionID, tx.Status, func(ctx context.Context) error {
		return orders.Settle(ctx, tx.Reference, tx.Status)
	})
	// end snippet
	_, _ = attempt, err
}

// A checkout, as the package documentation opens with it.
//
//nolint:ineffassign // the snippet shows the calls, not their error handling
func Example_packageDoc() {
	ctx := context.Background()
	// snippet: client-doc-checkout
	c, err := client.New("pk_live_xxx:sk_live_xxx")
	amount, _ := client.ParseAmount("1000.50")
	session, err := c.CreateCheckout(ctx, client.CheckoutRequest{
		Amount: amount, Currency: "ETB", PhoneNumber: "251911111111", Reference: "ORDER-1",
		Redirects:        client.Redirects{Success: "https://shop.example/ok", Failed: "https://shop.example/ko"},
		SupportedMediums: []client.Medium{client.MediumTELEBIRR, client.MediumMPESA},
	})
	// redirect the shopper to session.CheckoutURL; keep session.LakipayTransactionID
	// end snippet
	_, _ = session, err
}

// The webhook handler with de-duplication.
//
//nolint:ineffassign // the snippet shows the calls, not their error handling
func Example_webhookHandler() {
	ctx := context.Background()
	var (
		key *rsa.PublicKey
		tx  *client.Transaction
	)
	process := func(context.Context, *client.WebhookEvent) error { return nil }
	processTx := func(context.Context) error { return nil }
	// snippet: client-doc-webhook-handler
	store, _ := client.NewMemoryDedupStore(10_000) // or a durable one, shared by every instance
	h, err := client.NewWebhookHandler(key, process, client.WithDedupStore(store))
	http.Handle("POST /lakipay/webhook", h)
	// the return page, after tx, err := c.GetTransaction(ctx, id):
	result, err := client.SettleOnce(ctx, store, tx.TransactionID, tx.Status, processTx)
	// end snippet
	_, _ = result, err
}
