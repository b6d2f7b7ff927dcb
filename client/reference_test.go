package client_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/contracttest"
)

// TestReferenceRefusesAmpersand is the regression test of issue 10's spec change: a reference
// holding "&" would make every webhook of the session ambiguous (refused by every verifier),
// so the client refuses it before sending and the fake refuses it when sent anyway.
func TestReferenceRefusesAmpersand(t *testing.T) {
	references := []string{"X&status=SUCCESS", "&", "ORDER&1", "ORDER-1&"}
	t.Run("client", func(t *testing.T) {
		fake, c := newFakeClient(t)
		for _, ref := range references {
			_, err := c.CreateCheckout(context.Background(), checkoutRequest(t, ref, ""))
			var verr *client.ValidationError
			require.ErrorAs(t, err, &verr, ref)
			require.Len(t, verr.Violations, 1, ref)
			assert.Equal(t, "reference", verr.Violations[0].Field())
			assert.Equal(t, "pattern", verr.Violations[0].Rule)
		}
		assert.Zero(t, fake.Requests("createCheckout"), "nothing was sent")
		_, err := c.CreateCheckout(context.Background(), checkoutRequest(t, "ORDER=1;2?#", ""))
		assert.NoError(t, err, "'=' and other characters stay allowed")
	})
	t.Run("fake", func(t *testing.T) {
		fake := contracttest.NewServer(t)
		for _, ref := range references {
			status, answer := postCheckout(t, fake.URL(), strings.Replace(seedCheckoutBody, "ORDER123456", ref, 1))
			assert.Equal(t, http.StatusBadRequest, status, ref)
			assert.Equal(t, "VALIDATION_ERROR", answer.ErrorCode, ref)
			assert.Contains(t, answer.Errors, "reference", ref)
			assert.Len(t, answer.Errors, 1, "only the reference is named")
		}
	})
}

// seedCheckoutBody is the request of LakiPay's hosted-checkout page.
const seedCheckoutBody = `{"amount":1000.5,"currency":"ETB","phone_number":"251911111111","reference":"ORDER123456",
"description":"Payment for order #123","callback_url":"https://example.com/callback",
"redirects":{"success":"https://example.com/success","failed":"https://example.com/failed"},
"supported_mediums":["MPESA","TELEBIRR","CBE"]}`

// errorAnswer is the part of LakiPay's error envelope these tests read.
type errorAnswer struct {
	ErrorCode string              `json:"error_code"`
	Errors    map[string][]string `json:"errors"`
}

// postCheckout sends body to the checkout endpoint as a client without local checks would.
func postCheckout(t *testing.T, baseURL, body string) (int, errorAnswer) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, baseURL+"/payment/checkout", strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-API-Key", fakeKey)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var answer errorAnswer
	require.NoError(t, json.Unmarshal(raw, &answer), "%s", raw)
	return resp.StatusCode, answer
}
