package contracttest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/contracttest"
)

// exampleShop is the smallest shop a test can drive: POST /pay creates a checkout and sends
// the shopper to LakiPay's page; LakiPay's webhook settles the order; /thanks says what the
// shop knows.
type exampleShop struct {
	lakipay *client.Client
	public  string // the shop's own URL, for callback_url and the redirects
	mu      sync.Mutex
	paid    bool
}

func (s *exampleShop) routes(webhooks http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /pay", func(w http.ResponseWriter, r *http.Request) {
		amount, _ := client.ParseAmount("1000.50")
		session, err := s.lakipay.CreateCheckout(r.Context(), client.CheckoutRequest{
			Amount: amount, Currency: "ETB", PhoneNumber: "251911111111", Reference: "ORDER-42-1",
			CallbackURL:      s.public + "/webhook",
			Redirects:        client.Redirects{Success: s.public + "/thanks", Failed: s.public + "/sorry"},
			SupportedMediums: []client.Medium{client.MediumMPESA, client.MediumTELEBIRR},
		})
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		http.Redirect(w, r, session.CheckoutURL, http.StatusSeeOther)
	})
	mux.HandleFunc("GET /thanks", func(w http.ResponseWriter, _ *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.paid {
			_, _ = fmt.Fprint(w, "Order 42 is paid.")
			return
		}
		_, _ = fmt.Fprint(w, "Order 42 awaits LakiPay's confirmation.")
	})
	mux.Handle("POST /webhook", webhooks)
	return mux
}

// A shop under test: its server knows its URL before the shop exists (the shop needs it for
// callback_url and the redirects), a browser that does not follow redirects clicks Pay and
// reads the 303, the Shopper pays on LakiPay's page, and the test holds the webhook back to
// see the return page before the payment is confirmed.
func ExampleNewMerchantServer() {
	fake, _ := contracttest.NewFake(contracttest.WithSeed(7))
	defer func() { _ = fake.Close() }()
	lakipay := httptest.NewServer(fake)
	defer lakipay.Close()
	ctx := context.Background()

	server := contracttest.NewMerchantServer()
	defer server.Close()
	c, _ := client.New("pk_test_shop:sk_test_shop_secret", client.WithBaseURL(lakipay.URL+"/api/v2"))
	shop := &exampleShop{lakipay: c, public: server.URL}
	webhooks, _ := client.NewWebhookHandler(fake.PublicKey(), func(_ context.Context, ev *client.WebhookEvent) error {
		shop.mu.Lock()
		defer shop.mu.Unlock()
		shop.paid = shop.paid || ev.Status == client.TransactionStatusSUCCESS
		return nil
	})
	server.Handle(shop.routes(webhooks))

	browser := contracttest.NewBrowser(nil)
	clicked, _ := browser.PostForm(ctx, server.URL+"/pay", url.Values{})
	fmt.Println(clicked.Status, strings.HasPrefix(clicked.Location, lakipay.URL+"/checkout/"))

	shopper := contracttest.NewShopper(nil)
	page, _ := shopper.Open(ctx, clicked.Location)
	fmt.Println(page.Amount, page.Currency, page.Reference, page.Mediums, page.Payable)

	id := "TXN-82c103a376eed66c" // the seed's first transaction id
	_ = fake.HoldWebhooks(id)
	back, _ := shopper.Pay(ctx, clicked.Location, client.MediumTELEBIRR)
	thanks, _ := browser.Get(ctx, back)
	fmt.Println(strings.TrimPrefix(back, server.URL), thanks.Text())

	_, _ = fake.ReleaseWebhooks(id)
	if _, err := fake.WaitForDelivery(ctx, id, client.TransactionStatusSUCCESS); err != nil {
		panic(err)
	}
	thanks, _ = browser.Get(ctx, back)
	fmt.Println(thanks.Text())
	// Output:
	// 303 true
	// 1000.50 ETB ORDER-42-1 [MPESA TELEBIRR] true
	// /thanks Order 42 awaits LakiPay's confirmation.
	// Order 42 is paid.
}
