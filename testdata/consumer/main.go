// Command shop is a merchant backend in another module: it creates a LakiPay hosted-checkout
// session with the models and client it generates itself (package lakipayapi) from the spec
// that github.com/lakipay/checkout-go ships, and prints the page to send the shopper to.
//
// Usage: LAKIPAY_API_KEY=pk_test_...:sk_test_... [LAKIPAY_BASE_URL=...] go run .
package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"time"

	"example.com/shop/lakipayapi"
)

// docsRequest is the example request of LakiPay's hosted-checkout page, in generated types.
func docsRequest() lakipayapi.CheckoutRequest {
	description := "Payment for order #123"
	callback := "https://example.com/callback"
	return lakipayapi.CheckoutRequest{
		Amount:      "1000.5",
		Currency:    "ETB",
		PhoneNumber: "251911111111",
		Reference:   "ORDER123456",
		Description: &description,
		CallbackUrl: &callback,
		Redirects: lakipayapi.Redirects{
			Success: "https://example.com/success",
			Failed:  "https://example.com/failed",
		},
		SupportedMediums: []lakipayapi.Medium{
			lakipayapi.MediumMPESA, lakipayapi.MediumTELEBIRR, lakipayapi.MediumCBE,
		},
	}
}

// createCheckout creates a session and returns the hosted page to redirect the shopper to.
func createCheckout(ctx context.Context, baseURL, apiKey string, body lakipayapi.CheckoutRequest) (string, error) {
	c, err := lakipayapi.NewClientWithResponses(baseURL,
		lakipayapi.WithHTTPClient(&http.Client{Timeout: 30 * time.Second}),
		lakipayapi.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
			req.Header.Set("X-API-Key", apiKey)
			return nil
		}))
	if err != nil {
		return "", err
	}
	res, err := c.CreateCheckoutWithResponse(ctx, body)
	if err != nil {
		return "", err
	}
	if res.JSON200 == nil {
		return "", fmt.Errorf("create checkout: HTTP %d", res.StatusCode())
	}
	return res.JSON200.Data.CheckoutUrl, nil
}

func main() {
	key := os.Getenv("LAKIPAY_API_KEY")
	if key == "" {
		fmt.Fprintln(os.Stderr, "set LAKIPAY_API_KEY=PUBLICKEY:SECRETKEY (and optionally LAKIPAY_BASE_URL)")
		os.Exit(2)
	}
	base := os.Getenv("LAKIPAY_BASE_URL")
	if base == "" {
		base = "https://api.lakipay.co/api/v2"
	}
	url, err := createCheckout(context.Background(), base, key, docsRequest())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(url)
}
