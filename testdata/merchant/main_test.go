package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/contracttest"
)

// TestCheckoutAgainstTheFake creates the session against the fake LakiPay, every exchange
// judged against the spec by the validating transport.
func TestCheckoutAgainstTheFake(t *testing.T) {
	srv := contracttest.NewServer(t)
	c, err := client.New("pk_test_merchant:sk_test_merchant_secret", client.WithBaseURL(srv.URL()),
		client.WithHTTPClient(&http.Client{Transport: contracttest.Transport(t, http.DefaultTransport)}))
	if err != nil {
		t.Fatal(err)
	}
	url, err := checkout(t.Context(), c)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(url, srv.Origin()+"/checkout/") {
		t.Errorf("checkout url %q is not the fake's hosted page", url)
	}
}
