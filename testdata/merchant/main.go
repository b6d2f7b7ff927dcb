// Command merchant is a merchant's backend in a module of its own that uses this SDK as a
// merchant would: package client in the program, package contracttest in its tests, and the
// lakipay CLI as a tool (`go tool lakipay mock`). Its go.mod, as `go mod tidy` writes it, is
// what such a merchant inherits: this module and the CLI's command-line library, none of the
// generators this SDK is built with (gen/merchant_test.go and `make check-merchant` check it).
//
// Usage: LAKIPAY_API_KEY=pk_test_...:sk_test_... [LAKIPAY_BASE_URL=...] go run .
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/lakipay/checkout-go/client"
)

// checkout creates a hosted-checkout session for order 42 and returns the page to send the
// shopper to.
func checkout(ctx context.Context, c *client.Client) (string, error) {
	amount, err := client.ParseAmount("1000.50")
	if err != nil {
		return "", err
	}
	session, err := c.CreateCheckout(ctx, client.CheckoutRequest{
		Amount: amount, Currency: "ETB", PhoneNumber: "251911111111",
		Reference:        "ORDER-42-1",
		Redirects:        client.Redirects{Success: "https://shop.example/ok", Failed: "https://shop.example/ko"},
		SupportedMediums: []client.Medium{client.MediumMPESA, client.MediumTELEBIRR},
	})
	if err != nil {
		return "", err
	}
	return session.CheckoutURL, nil
}

func main() {
	c, err := client.NewFromEnv()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	url, err := checkout(context.Background(), c)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(url)
}
