package contracttest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/contracttest"
)

// A fake LakiPay served on its own listener (what `lakipay mock` does), driven with plain
// net/http: create a checkout, pay it as the shopper would, read the transaction.
func ExampleNewFake() {
	fake, err := contracttest.NewFake(contracttest.WithSeed(7))
	if err != nil {
		panic(err)
	}
	defer func() { _ = fake.Close() }()
	srv := httptest.NewServer(fake)
	defer srv.Close()

	do := func(method, path, body string, out any) int {
		req, _ := http.NewRequestWithContext(context.Background(), method, srv.URL+"/api/v2"+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-API-Key", "pk_test_example:sk_test_example")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		defer func() { _ = resp.Body.Close() }()
		_ = json.NewDecoder(resp.Body).Decode(out)
		return resp.StatusCode
	}
	var created client.CheckoutResponse
	status := do(http.MethodPost, "/payment/checkout", `{"amount": 1000.5, "currency": "ETB",
		"phone_number": "251911111111", "reference": "ORDER-1",
		"redirects": {"success": "https://example.com/success", "failed": "https://example.com/failed"},
		"supported_mediums": ["MPESA", "TELEBIRR"]}`, &created)
	fmt.Println(status, created.Data.Status, created.Data.LakipayTransactionID)

	if err := fake.Pay(created.Data.LakipayTransactionID, client.MediumTELEBIRR); err != nil {
		panic(err)
	}
	var detail client.TransactionResponse
	do(http.MethodGet, "/payment/transaction/"+created.Data.LakipayTransactionID, "", &detail)
	fmt.Println(detail.Data.Status, detail.Data.Medium, detail.Data.Amount)
	// Output:
	// 200 INITIATED TXN-82c103a376eed66c
	// SUCCESS TELEBIRR 1000.50
}

// A validating transport outside a test: each violation goes to a callback, here printed.
func ExampleNewTransport() {
	lakipay := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"status":"SUCCESS","message":"ok","data":{"transaction_id":"TXN-1",
			"reference":"ORDER-1","amount":10.5,"currency":"ETB","status":"PAID",
			"created_at":"2024-01-15T10:30:00Z","updated_at":"2024-01-15T10:30:00Z"}}`)
	}))
	defer lakipay.Close()
	hc := &http.Client{Transport: contracttest.NewTransport(nil, func(v contracttest.Violation) {
		fmt.Println(v.Operation, v.Pointer, v.Rule, v.Value)
	})}
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, lakipay.URL+"/api/v2/payment/transaction/TXN-1", nil)
	req.Header.Set("X-API-Key", "pk_test_example:sk_test_example")
	resp, err := hc.Do(req)
	if err != nil {
		panic(err)
	}
	_ = resp.Body.Close()
	fmt.Println(resp.StatusCode)
	// Output:
	// getTransaction /data/status enum "PAID"
	// 200
}

// A merchant's webhook receiver, built on client.NewWebhookHandler with de-duplication,
// put through every case of the receiver suite: duplicates, disorder, forgeries and other
// merchants' payments. The merchant's application opens each checkout (an order of its own
// book), and acts only on the transactions its checkouts got back.
func ExampleRunReceiverSuite() {
	fake, _ := contracttest.NewFake()
	defer func() { _ = fake.Close() }()
	lakipay := httptest.NewServer(fake)
	defer lakipay.Close()
	c, _ := client.New("pk_test_shop:sk_test_shop_secret", client.WithBaseURL(lakipay.URL+"/api/v2"))

	// The order book: what the receiver did about each order, by its checkout's transaction.
	var mu sync.Mutex
	orders := map[string]*contracttest.Effects{}
	handler, _ := client.NewWebhookHandler(fake.PublicKey(), func(_ context.Context, ev *client.WebhookEvent) error {
		mu.Lock()
		defer mu.Unlock()
		o := orders[ev.TransactionID]
		switch {
		case o == nil: // not a checkout of this shop: nothing to do
		case ev.Status == client.TransactionStatusSUCCESS:
			o.Paid++ // ship the order
		case ev.Status == client.TransactionStatusCANCELLED, ev.Status == client.TransactionStatusFAILED:
			o.Released++ // reopen the order
		}
		return nil
	}, client.WithDeduplication(10_000))
	receiver := httptest.NewServer(handler)
	defer receiver.Close()

	n := 0
	open := func(ctx context.Context) (string, error) { // a shopper checks out a new order
		n++
		amount, _ := client.AmountFromMinor(int64(n) * 1000)
		session, err := c.CreateCheckout(ctx, client.CheckoutRequest{Amount: amount, Currency: "ETB",
			PhoneNumber: "251911111111", Reference: fmt.Sprintf("ORDER-%d-1", n), CallbackURL: receiver.URL,
			Redirects:        client.Redirects{Success: "https://shop.example/ok", Failed: "https://shop.example/ko"},
			SupportedMediums: []client.Medium{client.MediumMPESA}})
		if err != nil {
			return "", err
		}
		mu.Lock()
		defer mu.Unlock()
		orders[session.LakipayTransactionID] = &contracttest.Effects{}
		return session.LakipayTransactionID, nil
	}
	effects := func(_ context.Context, transactionID string) (contracttest.Effects, error) {
		mu.Lock()
		defer mu.Unlock()
		if o := orders[transactionID]; o != nil {
			return *o, nil
		}
		return contracttest.Effects{}, nil
	}

	report, err := contracttest.RunReceiverSuite(context.Background(), lakipay.URL, receiver.URL, effects,
		contracttest.WithSessionOpener(open))
	if err != nil {
		panic(err)
	}
	fmt.Print(report)
	fmt.Println("passed:", report.Passed(), "complete:", report.Complete())
	// Output:
	// CASE                  EXPECTED                                                                           GOT                                                                            ANSWERS  EFFECTS
	// genuine               2xx; paid 1                                                                        200; paid 1                                                                    passed   passed
	// duplicate             2xx (paid 1), 2xx; paid 1                                                          200 (paid 1), 200; paid 1                                                      passed   passed
	// duplicate_concurrent  2xx, 2xx, 2xx; paid 1                                                              200, 200, 200; paid 1                                                          passed   passed
	// resent                2xx (paid 1), 2xx; paid 1                                                          200 (paid 1), 200; paid 1                                                      passed   passed
	// stale                 2xx (paid 1), 2xx; paid 1                                                          200 (paid 1), 200; paid 1                                                      passed   passed
	// final_late            2xx (nothing), 2xx; paid 1                                                         200 (nothing), 200; paid 1                                                     passed   passed
	// not_paid              2xx (A released 1, B nothing), 2xx; A released 1, B released 1                     200 (A released 1, B nothing), 200; A released 1, B released 1                 passed   passed
	// unknown_status        2xx; nothing                                                                       200; nothing                                                                   passed   passed
	// replayed              2xx (A paid 1, B nothing), any; A paid 1, B nothing                                200 (A paid 1, B nothing), 200; A paid 1, B nothing                            passed   passed
	// forged_signature      non-2xx (nothing), 2xx; paid 1                                                     400 (nothing), 200; paid 1                                                     passed   passed
	// tampered_status       non-2xx (nothing), 2xx; released 1                                                 400 (nothing), 200; released 1                                                 passed   passed
	// tampered_amount       non-2xx (nothing), 2xx; paid 1                                                     400 (nothing), 200; paid 1                                                     passed   passed
	// unsigned              non-2xx (nothing), 2xx; paid 1                                                     400 (nothing), 200; paid 1                                                     passed   passed
	// shifted_key           non-2xx (nothing), 2xx; paid 1                                                     400 (nothing), 200; paid 1                                                     passed   passed
	// shifted_value         non-2xx (nothing), 2xx; paid 1                                                     400 (nothing), 200; paid 1                                                     passed   passed
	// duplicate_key         non-2xx (nothing), 2xx; released 1                                                 400 (nothing), 200; released 1                                                 passed   passed
	// oversized             non-2xx (nothing), 2xx; paid 1                                                     413 (nothing), 200; paid 1                                                     passed   passed
	// reused_transaction    2xx (A paid 1, B nothing), non-2xx (A paid 1, B nothing), 2xx; A paid 1, B paid 1  200 (A paid 1, B nothing), 400 (A paid 1, B nothing), 200; A paid 1, B paid 1  passed   passed
	// reused_status         2xx (released 1), non-2xx; released 1                                              200 (released 1), 400; released 1                                              passed   passed
	// reused_amount         2xx (paid 1), non-2xx; paid 1                                                      200 (paid 1), 400; paid 1                                                      passed   passed
	// foreign_amount        any (A nothing, B nothing), 2xx; A paid 1, B nothing                               200 (A nothing, B nothing), 200; A paid 1, B nothing                           passed   passed
	// foreign_currency      any (A nothing, B nothing), 2xx; A paid 1, B nothing                               200 (A nothing, B nothing), 200; A paid 1, B nothing                           passed   passed
	// foreign_session       any (A nothing, B nothing), 2xx; A paid 1, B nothing                               200 (A nothing, B nothing), 200; A paid 1, B nothing                           passed   passed
	// passed: true complete: true
}
