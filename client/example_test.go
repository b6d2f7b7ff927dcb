package client_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/contracttest"
)

// startFake serves the fake LakiPay of package contracttest on loopback, as a test would.
func startFake() (*contracttest.Fake, *httptest.Server) {
	fake, err := contracttest.NewFake(contracttest.WithSeed(7))
	if err != nil {
		panic(err)
	}
	return fake, httptest.NewServer(fake)
}

// A whole checkout against the fake LakiPay: create the session, let the shopper pay, read
// the authoritative status.
func Example() {
	fake, srv := startFake()
	defer srv.Close()
	defer func() { _ = fake.Close() }()

	c, err := client.New("pk_test_shop:sk_test_shop", client.WithBaseURL(srv.URL+"/api/v2"))
	if err != nil {
		fmt.Println(err)
		return
	}
	amount, err := client.ParseAmount("1000.5")
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	session, err := c.CreateCheckout(ctx, client.CheckoutRequest{
		Amount:           amount,
		Currency:         "ETB",
		PhoneNumber:      "251911111111",
		Reference:        "ORDER123456",
		Redirects:        client.Redirects{Success: "https://shop.example/ok", Failed: "https://shop.example/failed"},
		SupportedMediums: []client.Medium{client.MediumMPESA, client.MediumTELEBIRR, client.MediumCBE},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("redirect the shopper:", strings.HasPrefix(session.CheckoutURL, srv.URL+"/checkout/"))
	fmt.Println(session.Status, session.Amount, session.Currency)

	// The shopper pays on the hosted page (scripted here).
	if err := fake.Pay(session.LakipayTransactionID, client.MediumMPESA); err != nil {
		fmt.Println(err)
		return
	}
	tx, err := c.GetTransaction(ctx, session.LakipayTransactionID)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(tx.Status, tx.Medium, tx.Status.IsFinal())
	// Output:
	// redirect the shopper: true
	// INITIATED 1000.50 ETB
	// SUCCESS MPESA true
}

// A request that breaks the contract is refused before anything is sent, with every broken
// field named.
func ExampleValidationError() {
	c, err := client.New("pk_test_shop:sk_test_shop", client.WithBaseURL("http://127.0.0.1:9/api/v2"))
	if err != nil {
		fmt.Println(err)
		return
	}
	amount, _ := client.ParseAmount("10")
	_, err = c.CreateCheckout(context.Background(), client.CheckoutRequest{
		Amount: amount, Currency: "etb", PhoneNumber: "+251911111111", Reference: "ORDER-1",
		Redirects:        client.Redirects{Success: "https://shop.example/ok", Failed: "https://shop.example/failed"},
		SupportedMediums: []client.Medium{client.MediumMPESA},
	})
	var verr *client.ValidationError
	if errors.As(err, &verr) {
		for _, v := range verr.Violations {
			fmt.Printf("%s (%s): %s\n", v.Field(), v.Rule, v.Reason)
		}
	}
	// Output:
	// currency (pattern): must be three upper-case letters, an ISO 4217 code such as ETB
	// phone_number (pattern): must be 7 to 15 digits: country code and number, no +, spaces or leading 0
}

// Show the shopper what to fix, whoever refused the request: the client before sending it
// (*ValidationError) and LakiPay (*APIError) both offer Fields(), messages per request field.
func ExampleValidationError_Fields() {
	c, err := client.New("pk_test_shop:sk_test_shop", client.WithBaseURL("http://127.0.0.1:9/api/v2"))
	if err != nil {
		fmt.Println(err)
		return
	}
	amount, _ := client.ParseAmount("10")
	_, err = c.CreateCheckout(context.Background(), client.CheckoutRequest{
		Amount: amount, Currency: "ETB", PhoneNumber: "0911111111", Reference: "ORDER-1-1",
		Redirects:        client.Redirects{Success: "https://shop.example/ok", Failed: "https://shop.example/failed"},
		SupportedMediums: []client.Medium{client.MediumMPESA},
	})
	var refused interface{ Fields() map[string][]string } // *ValidationError or *APIError
	if errors.As(err, &refused) {
		for _, reason := range refused.Fields()["phone_number"] {
			fmt.Println("Phone number:", reason)
		}
	}
	// Output:
	// Phone number: must be 7 to 15 digits: country code and number, no +, spaces or leading 0
}

// LakiPay's error answers are *APIError values: a reused reference is refused.
func ExampleAPIError() {
	fake, srv := startFake()
	defer srv.Close()
	defer func() { _ = fake.Close() }()
	c, _ := client.New("pk_test_shop:sk_test_shop", client.WithBaseURL(srv.URL+"/api/v2"))
	amount, _ := client.AmountFromMinor(5000)
	req := client.CheckoutRequest{
		Amount: amount, Currency: "ETB", PhoneNumber: "251911111111", Reference: "ORDER-7",
		Redirects:        client.Redirects{Success: "https://shop.example/ok", Failed: "https://shop.example/failed"},
		SupportedMediums: []client.Medium{client.MediumCBE},
	}
	ctx := context.Background()
	_, _ = c.CreateCheckout(ctx, req)
	_, err := c.CreateCheckout(ctx, req)
	var apiErr *client.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Code)
	}
	// Output:
	// 400 DUPLICATE_REFERENCE
}

// Verify and decode a webhook body; SignWebhook plays LakiPay with a test key.
func ExampleParseWebhook() {
	lakipay, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		fmt.Println(err)
		return
	}
	body, err := client.SignWebhook([]byte(`{"event":"DEPOSIT","transaction_id":"TXN-123456789","reference":"ORDER-12345",
		"amount":100.00,"currency":"ETB","status":"SUCCESS","medium":"MPESA","timestamp":"2024-01-15T10:30:00Z"}`), lakipay)
	if err != nil {
		fmt.Println(err)
		return
	}
	event, err := client.ParseWebhook(body, &lakipay.PublicKey)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(event.TransactionID, event.Status, event.Amount)

	forged := strings.Replace(string(body), `"amount":100,`, `"amount":999,`, 1)
	_, err = client.ParseWebhook([]byte(forged), &lakipay.PublicKey)
	fmt.Println(errors.Is(err, client.ErrInvalidSignature))
	// Output:
	// TXN-123456789 SUCCESS 100.00
	// true
}

// LakiPay adds payment methods, statuses and fields before this SDK knows them. A genuinely
// signed webhook carrying them still parses, each value as sent: Valid says whether the SDK
// knows it. Handle what you know, and ignore the rest without an error, so that the webhook
// handler answers 200.
func ExampleParseWebhook_unknownValues() {
	lakipay, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		fmt.Println(err)
		return
	}
	body, err := client.SignWebhook([]byte(`{"event":"DEPOSIT","transaction_id":"TXN-123456789","reference":"ORDER-12345",
		"amount":100.00,"currency":"ETB","status":"REFUNDED","medium":"AWASH","refund_id":"RF-1","timestamp":"2024-01-15T10:30:00Z"}`), lakipay)
	if err != nil {
		fmt.Println(err)
		return
	}
	event, err := client.ParseWebhook(body, &lakipay.PublicKey)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(event.TransactionID, event.Status, event.Status.Valid(), event.Medium, event.Medium.Valid())
	if !event.Status.Valid() {
		fmt.Println("not a status this shop acts on: logged, answered 200")
	}
	// Output:
	// TXN-123456789 REFUNDED false AWASH false
	// not a status this shop acts on: logged, answered 200
}

// Mount a WebhookHandler at your callback_url: it answers 200 only after your function
// succeeded, and refuses unsigned or forged webhooks.
func ExampleNewWebhookHandler() {
	lakipay, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		fmt.Println(err)
		return
	}
	handler, err := client.NewWebhookHandler(&lakipay.PublicKey, func(_ context.Context, e *client.WebhookEvent) error {
		fmt.Println("order", e.Reference, "is", e.Status)
		return nil
	}, client.WithDeduplication(10_000)) // LakiPay may deliver twice, and out of order
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := httptest.NewServer(handler)
	defer srv.Close()

	payload := `{"event":"DEPOSIT","transaction_id":"TXN-1","reference":"ORDER-1","amount":50.00,"currency":"ETB","status":"SUCCESS","timestamp":"2024-01-15T10:30:00Z"}`
	signed, _ := client.SignWebhook([]byte(payload), lakipay)
	for _, body := range []string{string(signed), payload} {
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, srv.URL, strings.NewReader(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		_ = resp.Body.Close()
		fmt.Println(resp.StatusCode)
	}
	// Output:
	// order ORDER-1 is SUCCESS
	// 200
	// 400
}

// Poll transaction detail until the payment is final (or the context ends).
func ExampleClient_WaitForTransaction() {
	fake, srv := startFake()
	defer srv.Close()
	defer func() { _ = fake.Close() }()
	c, _ := client.New("pk_test_shop:sk_test_shop", client.WithBaseURL(srv.URL+"/api/v2"))
	amount, _ := client.ParseAmount("8.10")
	ctx := context.Background()
	session, err := c.CreateCheckout(ctx, client.CheckoutRequest{
		Amount: amount, Currency: "ETB", PhoneNumber: "251911111111", Reference: "ORDER-WAIT",
		Redirects:        client.Redirects{Success: "https://shop.example/ok", Failed: "https://shop.example/failed"},
		SupportedMediums: []client.Medium{client.MediumTELEBIRR},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = fake.Cancel(session.LakipayTransactionID) // the shopper gives up on the hosted page

	tx, err := c.WaitForTransaction(ctx, session.LakipayTransactionID, client.WithPollInterval(10*time.Millisecond, 100*time.Millisecond))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(tx.Status, tx.Amount)
	// Output:
	// CANCELLED 8.10
}

// Transaction detail in a status and with a medium this SDK does not know yet (the fake
// scripts what LakiPay may add): GetTransaction returns them as sent; WaitForTransaction, which
// cannot tell whether such a status is final, stops at once with ErrUnknownStatus.
func ExampleClient_GetTransaction_unknownValues() {
	fake, srv := startFake()
	defer srv.Close()
	defer func() { _ = fake.Close() }()
	c, _ := client.New("pk_test_shop:sk_test_shop", client.WithBaseURL(srv.URL+"/api/v2"))
	amount, _ := client.ParseAmount("25")
	ctx := context.Background()
	session, err := c.CreateCheckout(ctx, client.CheckoutRequest{
		Amount: amount, Currency: "ETB", PhoneNumber: "251911111111", Reference: "ORDER-NEW-1",
		Redirects:        client.Redirects{Success: "https://shop.example/ok", Failed: "https://shop.example/failed"},
		SupportedMediums: []client.Medium{client.MediumMPESA},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := fake.SetStatus(session.LakipayTransactionID, "ON_HOLD", "AWASH"); err != nil {
		fmt.Println(err)
		return
	}
	tx, err := c.GetTransaction(ctx, session.LakipayTransactionID)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(tx.Status, tx.Status.Valid(), tx.Medium, tx.Medium.Valid())

	_, err = c.WaitForTransaction(ctx, session.LakipayTransactionID)
	fmt.Println(errors.Is(err, client.ErrUnknownStatus))
	// Output:
	// ON_HOLD false AWASH false
	// true
}
