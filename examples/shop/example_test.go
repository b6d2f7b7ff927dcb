package shop_test

import (
	"database/sql"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"time"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/examples/shop"
	"github.com/lakipay/checkout-go/sqldedup"
)

// ship sends a paid order on its way, in the snippets.
func ship(shop.Order) {}

// The shop in production, as README.md shows it: compiled, never run (it serves on :8080).
//
//nolint:ineffassign // the snippet shows the calls, not their error handling
func Example_production() {
	// snippet: shop-in-production
	c, err := client.NewFromEnv()                  // LAKIPAY_API_KEY=PUBLICKEY:SECRETKEY
	pem, err := os.ReadFile("lakipay-webhook.pem") // from LakiPay's dashboard
	key, err := client.ParsePublicKey(pem)
	db, err := sql.Open("pgx", os.Getenv("DATABASE_URL")) // sqldedup.Schema applied by your migrations
	s, err := shop.New(shop.Config{LakiPay: c, WebhookKey: key, PublicURL: "https://shop.example",
		Mediums: []client.Medium{client.MediumMPESA, client.MediumTELEBIRR, client.MediumCBE},
		OnPaid:  ship, Logger: slog.Default(), Dedup: sqldedup.New(db)})
	srv := &http.Server{Addr: ":8080", Handler: s, ReadHeaderTimeout: 10 * time.Second}
	err = srv.ListenAndServe()
	// end snippet
	_ = err
}

// newShop is the shop at publicURL, in client's package documentation.
func newShop(publicURL string) http.Handler {
	c, _ := client.New("pk_test_shop:sk_test_shop_secret")
	s, _ := shop.New(shop.Config{LakiPay: c, PublicURL: publicURL, Mediums: []client.Medium{client.MediumMPESA}})
	return s
}

// A service that needs its own URL before it serves, as package client's documentation
// shows it for tests: compiled, never run.
func Example_unstartedServer() {
	// snippet: client-doc-unstarted-server
	srv := httptest.NewUnstartedServer(nil)
	publicURL := "http://" + srv.Listener.Addr().String() // for CallbackURL and Redirects
	srv.Config.Handler = newShop(publicURL)               // your service, webhook handler included
	srv.Start()
	defer srv.Close()
	// end snippet
}
