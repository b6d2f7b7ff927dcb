package client_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/contracttest"
	"github.com/lakipay/checkout-go/internal/lakipaydocs"
)

// TestDecimalStringAmountIsADeviation checks both halves of the leniency for an amount
// answered as a decimal string: the client reads it (the payment does not break), and the
// validating transport still reports it as a deviation from openapi.yaml (the team learns).
func TestDecimalStringAmountIsADeviation(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(strings.Replace(lakipaydocs.Response, `"amount": 1000.5`, `"amount": "1000.50"`, 1)))
	}))
	t.Cleanup(srv.Close)
	var (
		mu         sync.Mutex
		violations []contracttest.Violation
	)
	hc := &http.Client{Transport: contracttest.NewTransport(nil, func(v contracttest.Violation) {
		mu.Lock()
		defer mu.Unlock()
		violations = append(violations, v)
	})}
	c, err := client.New(fakeKey, client.WithBaseURL(srv.URL+"/api/v2"), client.WithHTTPClient(hc))
	require.NoError(t, err)
	session, err := c.CreateCheckout(context.Background(), checkoutRequest(t, "ORDER-STRING-AMOUNT", ""))
	require.NoError(t, err)
	assert.Equal(t, "1000.50", session.Amount.String())

	mu.Lock()
	defer mu.Unlock()
	require.Len(t, violations, 1)
	assert.Equal(t, "data.amount", violations[0].Field())
	assert.Equal(t, "type", violations[0].Rule)
}
