package contracttest_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/contracttest"
)

// TestLostAnswerCommitsTheCheckout checks that FaultLostAnswer is the case FaultConnectionReset
// is not: the session exists and its reference is spent, but no byte of the answer came.
func TestLostAnswerCommitsTheCheckout(t *testing.T) {
	for _, tc := range []struct {
		fault   contracttest.Fault
		created bool
	}{
		{contracttest.FaultLostAnswer, true},
		{contracttest.FaultConnectionReset, false},
	} {
		t.Run(tc.fault.String(), func(t *testing.T) {
			srv := contracttest.NewServer(t)
			require.NoError(t, srv.InjectFault(contracttest.OpCreateCheckout, tc.fault))
			ref := "R-" + tc.fault.String()
			req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, srv.URL()+"/payment/checkout",
				bytesReader(checkoutBody(t, ref, "")))
			require.NoError(t, err)
			req.Header.Set("X-API-Key", testKey)
			req.Header.Set("Content-Type", "application/json")
			resp, err := validated(t).Do(req)
			if resp != nil {
				_ = resp.Body.Close()
			}
			require.Error(t, err, "no answer at all")

			status, _, body := call(t, validated(t), http.MethodPost, srv.URL()+"/payment/checkout", testKey, checkoutBody(t, ref, ""))
			if tc.created {
				require.Equal(t, http.StatusBadRequest, status, string(body))
				assert.Equal(t, "DUPLICATE_REFERENCE", errorEnvelope(t, body).ErrorCode, "the lost attempt created the session")
			} else {
				assert.Equal(t, http.StatusOK, status, "nothing was created: the same reference is still free")
			}
			assert.Equal(t, 2, srv.Requests(contracttest.OpCreateCheckout))
			answered200 := 1 // the second call's
			if tc.created {
				answered200 = 0 // the lost answer was never sent, so it counts in no status
			}
			assert.Equal(t, answered200, srv.Coverage().Operations["createCheckout"]["200"])
		})
	}
}

// TestSDKNeverRepeatsALostCheckout runs the SDK against the lost answer, on a keep-alive
// connection that already served a checkout: it gets a transport error (no *APIError: it
// cannot know the outcome) and neither it nor net/http sends the POST again, whatever its
// retry policy.
func TestSDKNeverRepeatsALostCheckout(t *testing.T) {
	srv := contracttest.NewServer(t)
	c, err := client.New(testKey, client.WithBaseURL(srv.URL()),
		client.WithRetry(client.RetryPolicy{MaxAttempts: 5, BaseDelay: 1, MaxDelay: 1}))
	require.NoError(t, err)
	amount, err := client.ParseAmount("42")
	require.NoError(t, err)
	req := client.CheckoutRequest{Amount: amount, Currency: "ETB", PhoneNumber: "251911111111", Reference: "ORDER-42-1",
		Redirects:        client.Redirects{Success: "https://shop.example/ok", Failed: "https://shop.example/ko"},
		SupportedMediums: []client.Medium{client.MediumMPESA}}
	warm := req
	warm.Reference = "ORDER-41-1"
	_, err = c.CreateCheckout(context.Background(), warm) // leaves an idle connection to reuse
	require.NoError(t, err)
	require.NoError(t, srv.InjectFault(contracttest.OpCreateCheckout, contracttest.FaultLostAnswer))
	_, err = c.CreateCheckout(context.Background(), req)
	require.Error(t, err)
	var apiErr *client.APIError
	assert.False(t, errors.As(err, &apiErr), "no answer came: %v", err)
	assert.NotErrorIs(t, err, client.ErrInvalidRequest)
	assert.Equal(t, 2, srv.Requests(contracttest.OpCreateCheckout), "a lost checkout is never repeated")

	_, err = c.CreateCheckout(context.Background(), req)
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, client.ErrorCodeDuplicateReference, apiErr.Code)
}

func TestLostAnswerOfATransactionChangesNothing(t *testing.T) {
	srv := contracttest.NewServer(t)
	s := createCheckout(t, srv, "R-lost-get", "")
	require.NoError(t, srv.InjectFault(contracttest.OpGetTransaction, contracttest.FaultLostAnswer))
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, srv.URL()+"/payment/transaction/"+s.LakipayTransactionID, nil)
	require.NoError(t, err)
	req.Header.Set("X-API-Key", testKey)
	fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}} // net/http resends a GET cut on a reused connection
	resp, err := fresh.Do(req)
	if resp != nil {
		_ = resp.Body.Close()
	}
	require.Error(t, err)
	assert.Equal(t, 1, srv.Requests(contracttest.OpGetTransaction))
	assert.Equal(t, client.TransactionStatusINITIATED, transaction(t, srv, s.LakipayTransactionID).Status)
}

func TestLostAnswerOverHTTP(t *testing.T) {
	srv := contracttest.NewServer(t)
	status, _, body := call(t, http.DefaultClient, http.MethodPost, srv.Origin()+"/_mock/faults", "",
		[]byte(`{"operation": "createCheckout", "fault": "lost_answer"}`))
	require.Equal(t, http.StatusOK, status, string(body))
	assert.JSONEq(t, `{"operation": "createCheckout", "fault": "lost_answer", "count": 1}`, string(body))
}
