package contracttest_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/contracttest"
)

// The snippets of README.md and of the package documentation, run here (TestDocSnippets at
// the module's root holds the documents to these regions).

// snippetRequest is a checkout whose webhooks go to a receiver that accepts them.
func snippetRequest(t *testing.T) client.CheckoutRequest {
	t.Helper()
	receiver := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	t.Cleanup(receiver.Close)
	amount, err := client.ParseAmount("1000.50")
	require.NoError(t, err)
	return client.CheckoutRequest{Amount: amount, Currency: "ETB", PhoneNumber: "251911111111", Reference: "ORDER-42-1",
		CallbackURL: receiver.URL, Redirects: client.Redirects{Success: "https://shop.example/ok", Failed: "https://shop.example/ko"},
		SupportedMediums: []client.Medium{client.MediumMPESA}}
}

// TestSnippetYourTests runs README.md's test of a merchant's code against the fake.
func TestSnippetYourTests(t *testing.T) {
	ctx, req := context.Background(), snippetRequest(t)
	// snippet: readme-your-tests
	srv := contracttest.NewServer(t)
	c, _ := client.New("pk_test_shop:sk_test_shop_secret", client.WithBaseURL(srv.URL()),
		client.WithHTTPClient(&http.Client{Transport: contracttest.Transport(t, http.DefaultTransport)}))
	session, _ := c.CreateCheckout(ctx, req)
	back, _ := srv.Shopper().Pay(ctx, session.CheckoutURL, client.MediumMPESA) // the hosted page, as a browser; back is your redirect

	_, err := srv.WaitForSuccessfulDeliveries(ctx, 1) // your callback_url accepted the webhook
	// end snippet
	require.NoError(t, err)
	assert.Equal(t, req.Redirects.Success, back)
}

// TestSnippetShopper runs the package documentation's shopper.
func TestSnippetShopper(t *testing.T) {
	srv := contracttest.NewServer(t)
	c, err := client.New("pk_test_shop:sk_test_shop_secret", client.WithBaseURL(srv.URL()))
	require.NoError(t, err)
	ctx, req := context.Background(), snippetRequest(t)
	// snippet: contracttest-doc-shopper
	session, _ := c.CreateCheckout(ctx, req)
	back, err := srv.Shopper().Pay(ctx, session.CheckoutURL, client.MediumMPESA)
	// back is req.Redirects.Success; GET it from the merchant's server
	// end snippet
	require.NoError(t, err)
	assert.Equal(t, req.Redirects.Success, back)
}

// TestSnippetExpectViolation runs README.md's expected violation: a test that posts a phone
// number the spec refuses, on purpose, is not failed by the transport for it.
func TestSnippetExpectViolation(t *testing.T) {
	srv := contracttest.NewServer(t)
	// snippet: readme-expect-violation
	tr := contracttest.Transport(t, nil, contracttest.ExpectViolation(t, contracttest.OpCreateCheckout, "pattern", "phone_number"))
	// end snippet
	body := `{"amount": 10, "currency": "ETB", "phone_number": "+251911111111", "reference": "R-expected",
		"redirects": {"success": "https://shop.example/ok", "failed": "https://shop.example/ko"}, "supported_mediums": ["MPESA"]}`
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL()+"/payment/checkout", strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-API-Key", "pk_test_shop:sk_test_shop_secret")
	resp, err := (&http.Client{Transport: tr}).Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "the fake refuses it, as LakiPay would")
}

// TestSnippetHoldWebhooks runs a late webhook: held while the shopper comes back, then
// released and accepted.
func TestSnippetHoldWebhooks(t *testing.T) {
	srv := contracttest.NewServer(t)
	c, err := client.New("pk_test_shop:sk_test_shop_secret", client.WithBaseURL(srv.URL()))
	require.NoError(t, err)
	ctx := context.Background()
	session, err := c.CreateCheckout(ctx, snippetRequest(t))
	require.NoError(t, err)
	id := session.LakipayTransactionID
	require.NoError(t, srv.HoldWebhooks(id))
	back, err := srv.Shopper().Pay(ctx, session.CheckoutURL, client.MediumMPESA)
	require.NoError(t, err)
	// the shopper is back on the return page (back) and no webhook came: the order must wait
	_, err = srv.ReleaseWebhooks(id)
	require.NoError(t, err)
	_, err = srv.WaitForDelivery(ctx, id, client.TransactionStatusSUCCESS) // the merchant took it
	require.NoError(t, err)
	assert.Equal(t, "https://shop.example/ok", back)
}
