package client_test

import (
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/contracttest"
)

// TestFieldsKeysAgreeWithLakiPays: for the same broken request, the client's own refusal
// (ValidationError.Fields) and the fake's answer (APIError.Fields, LakiPay's errors map) use
// the same keys, those openapi.yaml's ErrorEnvelope decides, so that one piece of code maps
// either to the form fields a shopper can fix.
func TestFieldsKeysAgreeWithLakiPays(t *testing.T) {
	fake := contracttest.NewServer(t)
	c, err := client.New(fakeKey, client.WithBaseURL(fake.URL()))
	require.NoError(t, err)
	tests := []struct {
		name string
		edit func(*client.CheckoutRequest)
		keys []string
		code client.ErrorCode
	}{
		{"phone", func(r *client.CheckoutRequest) { r.PhoneNumber = "+251911111111" }, []string{"phone_number"}, client.ErrorCodeInvalidPhone},
		{"a medium", func(r *client.CheckoutRequest) { r.SupportedMediums = []client.Medium{client.MediumMPESA, "PAYPAL"} },
			[]string{"supported_mediums"}, client.ErrorCodeValidation},
		{"a redirect", func(r *client.CheckoutRequest) { r.Redirects.Success = "/paid" }, []string{"redirects.success"}, client.ErrorCodeValidation},
		{"several", func(r *client.CheckoutRequest) { r.Currency = "etb"; r.Reference = "A&B"; r.PhoneNumber = "0911" },
			[]string{"currency", "reference", "phone_number"}, client.ErrorCodeValidation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := checkoutRequest(t, "R-keys-"+tt.name, "")
			tt.edit(&req)
			_, err := c.CreateCheckout(context.Background(), req)
			var local *client.ValidationError
			require.ErrorAs(t, err, &local)
			assert.ElementsMatch(t, tt.keys, slices.Collect(maps.Keys(local.Fields())))

			body, err := json.Marshal(req)
			require.NoError(t, err)
			status, answer := postCheckout(t, fake.URL(), string(body))
			require.Equal(t, http.StatusBadRequest, status)
			assert.Equal(t, string(tt.code), answer.ErrorCode)
			assert.ElementsMatch(t, tt.keys, slices.Collect(maps.Keys(answer.Errors)), "LakiPay's errors map, as the fake writes it")
		})
	}
	t.Run("path parameter", func(t *testing.T) {
		id := strings.Repeat("x", 101)
		_, err := c.GetTransaction(context.Background(), id)
		var local *client.ValidationError
		require.ErrorAs(t, err, &local)
		assert.Equal(t, []string{"id"}, slices.Collect(maps.Keys(local.Fields())), "by the parameter's name, never \"path parameter id\"")
		req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, fake.URL()+"/payment/transaction/"+id, http.NoBody)
		require.NoError(t, err)
		req.Header.Set("X-API-Key", fakeKey)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer func() { _ = resp.Body.Close() }()
		require.Equal(t, http.StatusBadRequest, resp.StatusCode)
		var answer errorAnswer
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&answer))
		assert.Equal(t, []string{"id"}, slices.Collect(maps.Keys(answer.Errors)), "LakiPay's errors map, as the fake writes it")
	})
}
