package client_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"time"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/contracttest"
)

// The checkout of payment attempt 1 was created but its answer was lost (the fake's
// FaultLostAnswer): the outcome is unknown, and the client never repeated the POST. When the
// shopper clicks Pay again, the same attempt is repeated: LakiPay refuses its reference as
// spent, which proves the first try created a session nobody can pay (nobody saw its
// checkout_url), and CreateCheckoutAttempt opens attempt 2. Its webhook's reference maps back
// to the order and the attempt.
func ExampleClient_CreateCheckoutAttempt_lostAnswer() {
	fake, srv := startFake()
	defer srv.Close()
	defer func() { _ = fake.Close() }()
	c, err := client.New("pk_test_shop:sk_test_shop", client.WithBaseURL(srv.URL+"/api/v2"))
	if err != nil {
		fmt.Println(err)
		return
	}

	// The merchant's webhook receiver: ORDER-<order>-<attempt> back to the order.
	events := make(chan string, 1)
	hook, err := client.NewWebhookHandler(fake.PublicKey(), func(_ context.Context, e *client.WebhookEvent) error {
		order, attempt, err := client.ParseAttemptReference(e.Reference)
		if err != nil {
			return nil // not one of ours
		}
		events <- fmt.Sprintf("webhook: %s, attempt %d: %s", order, attempt, e.Status)
		return nil
	}, client.WithDeduplication(10_000))
	if err != nil {
		fmt.Println(err)
		return
	}
	receiver := httptest.NewServer(hook)
	defer receiver.Close()

	ctx := context.Background()
	amount, _ := client.ParseAmount("250")
	req := client.CheckoutRequest{ // no Reference: each attempt gets its own
		Amount: amount, Currency: "ETB", PhoneNumber: "251911111111", CallbackURL: receiver.URL,
		Redirects:        client.Redirects{Success: "https://shop.example/orders/42/return", Failed: "https://shop.example/orders/42/return"},
		SupportedMediums: []client.Medium{client.MediumMPESA},
	}
	record := func(_ context.Context, attempt int) error { // in a real shop: saved with the order
		fmt.Println("order 42 opens attempt", attempt)
		return nil
	}

	_ = fake.InjectFault(contracttest.OpCreateCheckout, contracttest.FaultLostAnswer)
	_, attempt, err := c.CreateCheckoutAttempt(ctx, "ORDER-42", 1, req, record)
	fmt.Println("no answer; outcome unknown:", client.OutcomeUnknown(err))

	session, attempt, err := c.CreateCheckoutAttempt(ctx, "ORDER-42", attempt, req, record) // Pay, again
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("attempt", attempt, session.Reference, session.Status) // redirect the shopper to session.CheckoutURL

	_ = fake.Pay(session.LakipayTransactionID, client.MediumMPESA) // the shopper pays
	select {
	case e := <-events:
		fmt.Println(e)
	case <-time.After(10 * time.Second):
		fmt.Println("no webhook")
	}
	// Output:
	// order 42 opens attempt 1
	// no answer; outcome unknown: true
	// order 42 opens attempt 1
	// order 42 opens attempt 2
	// attempt 2 ORDER-42-2 INITIATED
	// webhook: ORDER-42, attempt 2: SUCCESS
}

// The return page settles through the store the webhook handler settles through: whichever
// comes first settles the payment, the other finds it settled.
func ExampleSettleOnce() {
	fake, srv := startFake()
	defer srv.Close()
	defer func() { _ = fake.Close() }()
	c, _ := client.New("pk_test_shop:sk_test_shop", client.WithBaseURL(srv.URL+"/api/v2"))
	ctx := context.Background()

	store, _ := client.NewMemoryDedupStore(10_000) // with several instances: a store they share
	ship := func(_ context.Context, reference string, status client.TransactionStatus) error {
		fmt.Println("settle", reference, status)
		return nil
	}
	_, _ = client.NewWebhookHandler(fake.PublicKey(), func(ctx context.Context, e *client.WebhookEvent) error {
		return ship(ctx, e.Reference, e.Status)
	}, client.WithDedupStore(store)) // mounted at the callback_url

	amount, _ := client.ParseAmount("99.90")
	session, err := c.CreateCheckout(ctx, client.CheckoutRequest{
		Amount: amount, Currency: "ETB", PhoneNumber: "251911111111", Reference: "ORDER-7-1",
		Redirects:        client.Redirects{Success: "https://shop.example/orders/7/return", Failed: "https://shop.example/orders/7/return"},
		SupportedMediums: []client.Medium{client.MediumTELEBIRR},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = fake.Pay(session.LakipayTransactionID, client.MediumTELEBIRR)

	// The return page, opened twice (a refresh): it asks LakiPay, then settles through the store.
	for range 2 {
		tx, err := c.GetTransaction(ctx, session.LakipayTransactionID)
		if err != nil {
			fmt.Println(err)
			return
		}
		result, err := client.SettleOnce(ctx, store, tx.TransactionID, tx.Status, func(ctx context.Context) error {
			return ship(ctx, tx.Reference, tx.Status)
		})
		fmt.Println(result, err)
	}
	// Output:
	// settle ORDER-7-1 SUCCESS
	// settled <nil>
	// settled before <nil>
}
