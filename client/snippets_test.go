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

var orders orderBook

// A checkout and the webhook handler, as README.md shows them.
//
//nolint:ineffassign // the snippet shows the calls, not their error handling
func Example_readme() {
	ctx := context.Background()
	// snippet: readme-use-from-go
	c, err := client.New(os.Getenv("LAKIPAY_API_KEY")) // PUBLICKEY:SECRETKEY
	amount, err := client.ParseAmount("1000.50")
	session, err := c.CreateCheckout(ctx, client.CheckoutRequest{
		Amount: amount, Currency: "ETB", PhoneNumber: "251911111111",
		Reference:        "ORDER-42-1", // one reference per payment attempt: ORDER-<order>-<attempt>
		CallbackURL:      "https://shop.example/lakipay/webhook",
		Redirects:        client.Redirects{Success: "https://shop.example/ok", Failed: "https://shop.example/ko"},
		SupportedMediums: []client.Medium{client.MediumMPESA, client.MediumTELEBIRR},
	})
	// redirect the shopper to session.CheckoutURL; keep session.LakipayTransactionID

	webhooks, err := client.NewWebhookHandler(lakipayPublicKey, func(ctx context.Context, ev *client.WebhookEvent) error {
		return orders.Settle(ctx, ev.Reference, ev.Status) // called once per transaction and status
	}, client.WithDeduplication(10_000)) // LakiPay may deliver twice, and out of order
	http.Handle("POST /lakipay/webhook", webhooks)
	// end snippet
	_, _ = session, err
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
func Example_webhookHandler() {
	var key *rsa.PublicKey
	process := func(context.Context, *client.WebhookEvent) error { return nil }
	// snippet: client-doc-webhook-handler
	h, err := client.NewWebhookHandler(key, process, client.WithDeduplication(10_000))
	http.Handle("POST /lakipay/webhook", h)
	// end snippet
	_ = err
}
