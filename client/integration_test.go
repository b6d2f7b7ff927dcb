package client_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/contracttest"
)

const fakeKey = "pk_test_shop:sk_test_shop_secret"

// newFakeClient starts the fake LakiPay and a client whose every exchange is judged against
// openapi.yaml by the validating transport (a violation fails the test).
func newFakeClient(t *testing.T, opts ...client.Option) (*contracttest.Server, *client.Client) {
	t.Helper()
	fake := contracttest.NewServer(t)
	hc := &http.Client{Transport: contracttest.Transport(t, nil)}
	c, err := client.New(fakeKey, append([]client.Option{client.WithBaseURL(fake.URL()), client.WithHTTPClient(hc)}, opts...)...)
	require.NoError(t, err)
	return fake, c
}

func checkoutRequest(t *testing.T, reference, callback string) client.CheckoutRequest {
	t.Helper()
	amount, err := client.ParseAmount("323.39")
	require.NoError(t, err)
	req := client.CheckoutRequest{
		Amount: amount, Currency: "ETB", PhoneNumber: "251911111111", Reference: reference,
		Redirects:        client.Redirects{Success: "https://shop.example/ok", Failed: "https://shop.example/failed"},
		SupportedMediums: []client.Medium{client.MediumTELEBIRR, client.MediumMPESA},
		CallbackURL:      callback,
	}
	return req
}

// TestCheckoutEndToEnd runs the whole flow against the fake: checkout, payment, the signed
// webhook through WebhookHandler, and polling until the final status.
func TestCheckoutEndToEnd(t *testing.T) {
	fake, c := newFakeClient(t)
	var (
		mu     sync.Mutex
		events []*client.WebhookEvent
	)
	h, err := client.NewWebhookHandler(fake.PublicKey(), func(_ context.Context, e *client.WebhookEvent) error {
		mu.Lock()
		defer mu.Unlock()
		events = append(events, e)
		return nil
	})
	require.NoError(t, err)
	receiver := httptest.NewServer(h)
	t.Cleanup(receiver.Close)
	ctx := context.Background()

	session, err := c.CreateCheckout(ctx, checkoutRequest(t, "ORDER-E2E-1", receiver.URL+"/lakipay"))
	require.NoError(t, err)
	assert.Equal(t, client.TransactionStatusINITIATED, session.Status)
	assert.Equal(t, "323.39", session.Amount.String())
	assert.Equal(t, "ORDER-E2E-1", session.Reference)

	tx, err := c.GetTransaction(ctx, session.LakipayTransactionID)
	require.NoError(t, err)
	assert.Equal(t, client.TransactionStatusINITIATED, tx.Status)

	require.NoError(t, fake.Pay(session.LakipayTransactionID, client.MediumTELEBIRR))
	tx, err = c.WaitForTransaction(ctx, session.LakipayTransactionID, client.WithPollInterval(5*time.Millisecond, 20*time.Millisecond))
	require.NoError(t, err)
	assert.Equal(t, client.TransactionStatusSUCCESS, tx.Status)
	assert.Equal(t, client.MediumTELEBIRR, tx.Medium)

	waitCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	deliveries, err := fake.WaitForDeliveries(waitCtx, 1)
	require.NoError(t, err)
	assert.True(t, deliveries[0].OK(), "the receiver accepted the signed webhook: %+v", deliveries[0])
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, events, 1)
	assert.Equal(t, session.LakipayTransactionID, events[0].TransactionID)
	assert.Equal(t, client.TransactionStatusSUCCESS, events[0].Status)
	assert.Equal(t, "323.39", events[0].Amount.String())
}

func TestFakeErrors(t *testing.T) {
	ctx := context.Background()
	t.Run("duplicate reference", func(t *testing.T) {
		_, c := newFakeClient(t)
		_, err := c.CreateCheckout(ctx, checkoutRequest(t, "ORDER-DUP", ""))
		require.NoError(t, err)
		_, err = c.CreateCheckout(ctx, checkoutRequest(t, "ORDER-DUP", ""))
		var apiErr *client.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode)
		assert.Equal(t, client.ErrorCode("DUPLICATE_REFERENCE"), apiErr.Code)
	})
	t.Run("unknown transaction", func(t *testing.T) {
		_, c := newFakeClient(t)
		_, err := c.GetTransaction(ctx, "TXN-NOPE")
		var apiErr *client.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, http.StatusNotFound, apiErr.StatusCode)
		assert.Equal(t, client.ErrorCode("NOT_FOUND"), apiErr.Code)
	})
	t.Run("wrong key", func(t *testing.T) {
		fake := contracttest.NewServer(t, contracttest.WithAPIKey("pk_test_other:sk_test_other"))
		c, err := client.New(fakeKey, client.WithBaseURL(fake.URL()))
		require.NoError(t, err)
		_, err = c.CreateCheckout(ctx, checkoutRequest(t, "ORDER-KEY", ""))
		var apiErr *client.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, http.StatusUnauthorized, apiErr.StatusCode)
		assert.Equal(t, client.ErrorCode("INVALID_API_KEY"), apiErr.Code)
		assert.False(t, strings.Contains(err.Error(), "sk_test_shop_secret"), "the secret stays out of errors")
	})
	t.Run("provider error on checkout is not retried", func(t *testing.T) {
		fake, c := newFakeClient(t)
		require.NoError(t, fake.FailNext(contracttest.OpCreateCheckout, http.StatusServiceUnavailable, client.ErrorCodeProviderError))
		_, err := c.CreateCheckout(ctx, checkoutRequest(t, "ORDER-503", ""))
		var apiErr *client.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, http.StatusServiceUnavailable, apiErr.StatusCode)
		assert.Equal(t, client.ErrorCode("PROVIDER_ERROR"), apiErr.Code)
		assert.Equal(t, 1, fake.Coverage().Operations["createCheckout"]["503"])
	})
}

// TestFakeFaults checks how the client meets the fake's injected faults. The plain transport
// is used: the faults break the contract on purpose.
func TestFakeFaults(t *testing.T) {
	ctx := context.Background()
	fast := client.WithRetry(client.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond})
	tests := []struct {
		name      string
		operation contracttest.Operation
		fault     contracttest.Fault
		check     func(t *testing.T, err error)
	}{
		{"GET 500 is retried", contracttest.OpGetTransaction, contracttest.FaultInternalError, func(t *testing.T, err error) { assert.NoError(t, err) }},
		{"GET connection reset is retried", contracttest.OpGetTransaction, contracttest.FaultConnectionReset, func(t *testing.T, err error) { assert.NoError(t, err) }},
		{"GET truncated body is retried", contracttest.OpGetTransaction, contracttest.FaultTruncatedBody, func(t *testing.T, err error) { assert.NoError(t, err) }},
		{"GET malformed JSON is an unexpected response", contracttest.OpGetTransaction, contracttest.FaultMalformedJSON, func(t *testing.T, err error) {
			assert.ErrorIs(t, err, client.ErrUnexpectedResponse)
		}},
		{"POST connection reset is not retried", contracttest.OpCreateCheckout, contracttest.FaultConnectionReset, func(t *testing.T, err error) {
			require.Error(t, err)
			var apiErr *client.APIError
			assert.False(t, errors.As(err, &apiErr))
		}},
		{"POST 500 is not retried", contracttest.OpCreateCheckout, contracttest.FaultInternalError, func(t *testing.T, err error) {
			var apiErr *client.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, http.StatusInternalServerError, apiErr.StatusCode)
		}},
		{"POST flat shape is read as a fallback", contracttest.OpCreateCheckout, contracttest.FaultFlatShape, func(t *testing.T, err error) { assert.NoError(t, err) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := contracttest.NewServer(t)
			c, err := client.New(fakeKey, client.WithBaseURL(fake.URL()), fast)
			require.NoError(t, err)
			session, err := c.CreateCheckout(ctx, checkoutRequest(t, "ORDER-FAULT", ""))
			require.NoError(t, err)
			require.NoError(t, fake.InjectFault(tt.operation, tt.fault))
			if tt.operation == contracttest.OpGetTransaction {
				_, err = c.GetTransaction(ctx, session.LakipayTransactionID)
			} else {
				_, err = c.CreateCheckout(ctx, checkoutRequest(t, "ORDER-FAULT-2", ""))
			}
			tt.check(t, err)
		})
	}
}

// TestLive talks to the real LakiPay. It is opt-in: set LAKIPAY_API_KEY (and optionally
// LAKIPAY_BASE_URL) to run it.
func TestLive(t *testing.T) {
	if os.Getenv(client.EnvAPIKey) == "" {
		t.Skip("live LakiPay test skipped: set LAKIPAY_API_KEY=PUBLICKEY:SECRETKEY (and optionally LAKIPAY_BASE_URL) to run it")
	}
	c, err := client.NewFromEnv(client.WithHTTPClient(&http.Client{Transport: contracttest.Transport(t, nil)}))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err = c.GetTransaction(ctx, "TXN-DOES-NOT-EXIST-"+time.Now().UTC().Format("20060102150405"))
	var apiErr *client.APIError
	require.ErrorAs(t, err, &apiErr, "an unknown id is an API error")
	assert.Equal(t, http.StatusNotFound, apiErr.StatusCode)
}
