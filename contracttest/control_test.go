package contracttest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/contracttest"
)

// The /_mock/ endpoints that take no input refuse any body but none or {}, as the others
// refuse what they cannot read: `not json at all` used to reset the fake.
func TestMockEndpointsWithoutInputRefuseABody(t *testing.T) {
	srv := contracttest.NewServer(t)
	open := createCheckout(t, srv, "R-body", "").LakipayTransactionID
	refused := []string{"not json at all", "null", "[]", `{"a":1}`, `{} {}`, `"{}"`, "{", "0"}
	for _, path := range []string{"/_mock/reset", "/_mock/transactions/" + open + "/cancel", "/_mock/transactions/" + open + "/decline"} {
		for _, body := range refused {
			t.Run(path+" "+body, func(t *testing.T) {
				status, _, answer := rawCall(t, http.MethodPost, srv.Origin()+path, []byte(body))
				assert.Equal(t, http.StatusBadRequest, status, "%s", answer)
				assert.Contains(t, string(answer), "takes no body, or {}")
			})
		}
	}
	tx := transaction(t, srv, open)
	assert.Equal(t, client.TransactionStatusINITIATED, tx.Status, "still there, neither cancelled nor reset")
	assert.Equal(t, 0, srv.Requests("noSuchOperation"))
	status, _, _ := rawCall(t, http.MethodPost, srv.Origin()+"/_mock/transactions/"+open+"/decline", []byte(" { }\n"))
	assert.Equal(t, http.StatusOK, status, "an empty object is no input")
	status, _, _ = rawCall(t, http.MethodPost, srv.Origin()+"/_mock/transactions/"+open+"/cancel", []byte("{}"))
	assert.Equal(t, http.StatusOK, status)
	status, _, _ = rawCall(t, http.MethodPost, srv.Origin()+"/_mock/reset", nil)
	assert.Equal(t, http.StatusOK, status, "no body at all")
}

// controlTargets are /_mock/ URLs of srv that change its state, reached through host, that a
// callback_url or a redirect could name, with the victim session open.
func controlTargets(srv *contracttest.Server, host, open string) []string {
	origin := strings.Replace(srv.Origin(), "127.0.0.1", host, 1)
	return []string{
		origin + "/_mock/reset",
		origin + "/_mock/transactions/" + open + "/cancel",
		origin + "/_mock/transactions/" + open + "/decline",
	}
}

// A checkout whose callback_url is the fake's own control path, under any name that reaches
// it, changes nothing when its webhook is sent: paying it used to wipe every session of a
// shared mock.
func TestWebhooksCannotReachTheControlPaths(t *testing.T) {
	for _, host := range []string{"127.0.0.1", "localhost"} {
		t.Run(host, func(t *testing.T) {
			srv := contracttest.NewServer(t, contracttest.WithWebhookRetry(1, time.Millisecond))
			victim := createCheckout(t, srv, "R-victim", "")
			for i, target := range controlTargets(srv, host, victim.LakipayTransactionID) {
				attacker := createCheckout(t, srv, fmt.Sprintf("R-attacker-%d", i), target).LakipayTransactionID
				require.NoError(t, srv.Pay(attacker, client.MediumMPESA))
			}
			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()
			require.NoError(t, srv.WaitIdle(ctx))
			deliveries := srv.Deliveries()
			require.Len(t, deliveries, 3)
			for _, d := range deliveries {
				assert.False(t, d.OK(), "%s answered %d", d.URL, d.HTTPStatus)
			}
			assertUntouched(t, srv, victim)
		})
	}
}

// assertUntouched checks that the session victim is still there, open, and not declined.
func assertUntouched(t *testing.T, srv *contracttest.Server, victim client.CheckoutSession) {
	t.Helper()
	tx := transaction(t, srv, victim.LakipayTransactionID)
	assert.Equal(t, client.TransactionStatusINITIATED, tx.Status, "the victim is neither reset nor cancelled")
	back, err := srv.Shopper().Pay(t.Context(), victim.CheckoutURL, client.MediumMPESA)
	require.NoError(t, err)
	assert.Equal(t, "https://example.com/success", back, "the victim's payment was not declined")
}

// A checkout whose redirects are the fake's own control paths changes nothing when a
// browser follows them: the hosted page answers 303, so the browser GETs them, and every
// /_mock/ endpoint that changes state is POST only; a redirect that kept the method (307)
// would post the page's form, which those endpoints refuse as a body.
func TestRedirectsCannotReachTheControlPaths(t *testing.T) {
	for _, host := range []string{"127.0.0.1", "localhost"} {
		t.Run(host, func(t *testing.T) {
			srv := contracttest.NewServer(t)
			victim := createCheckout(t, srv, "R-victim", "")
			browser := &http.Client{} // follows redirects, as a shopper's browser does
			for i, target := range controlTargets(srv, host, victim.LakipayTransactionID) {
				for _, action := range []string{"pay", "cancel"} {
					body := checkoutBody(t, fmt.Sprintf("R-redirect-%d-%s", i, action), "")
					body = []byte(strings.Replace(strings.Replace(string(body),
						"https://example.com/success", target, 1), "https://example.com/failed", target, 1))
					status, _, answer := call(t, validated(t), http.MethodPost, srv.URL()+"/payment/checkout", testKey, body)
					require.Equal(t, http.StatusOK, status, "%s", answer)
					var created client.CheckoutResponse
					require.NoError(t, json.Unmarshal(answer, &created))
					form := url.Values{"action": {action}, "medium": {string(client.MediumMPESA)}}
					req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, created.Data.CheckoutURL, strings.NewReader(form.Encode()))
					require.NoError(t, err)
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					resp, err := browser.Do(req)
					require.NoError(t, err)
					require.NoError(t, resp.Body.Close())
					assert.Equal(t, target, resp.Request.URL.String(), "the browser followed the redirect")
					assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
				}
			}
			assertUntouched(t, srv, victim)
		})
	}
}

// webhookMarker is the header every request the fake sends to a callback_url carries.
const webhookMarker = "X-Lakipay-Mock-Webhook"

// Every /_mock/ endpoint refuses a request that carries the marker of the fake's own
// webhooks, whatever its body: the control paths stay out of the webhooks' reach even for an
// endpoint that would read a webhook's body as its input.
func TestControlPathsRefuseTheFakesWebhooks(t *testing.T) {
	srv := contracttest.NewServer(t)
	victim := createCheckout(t, srv, "R-marker", "")
	open := victim.LakipayTransactionID
	for _, tc := range []struct{ method, path, body string }{
		{"GET", "/_mock/public-key", ""},
		{"GET", "/_mock/requests", ""},
		{"GET", "/_mock/transactions/" + open, ""},
		{"GET", "/_mock/deliveries", ""},
		{"GET", "/_mock/webhook-behaviour", ""},
		{"GET", "/_mock/coverage", ""},
		{"GET", "/_mock/openapi.yaml", ""},
		{"GET", "/_mock/openapi-3.1.yaml", ""},
		{"POST", "/_mock/transactions/" + open + "/pay", `{"medium": "MPESA"}`},
		{"POST", "/_mock/transactions/" + open + "/fail", `{"medium": "MPESA"}`},
		{"POST", "/_mock/transactions/" + open + "/cancel", ""},
		{"POST", "/_mock/transactions/" + open + "/decline", ""},
		{"POST", "/_mock/fail-next", `{"operation": "getTransaction", "status": 503}`},
		{"POST", "/_mock/faults", `{"operation": "getTransaction", "fault": "internal_error"}`},
		{"POST", "/_mock/latency", `{"latency": "1s"}`},
		{"POST", "/_mock/deliver", `{"transaction_id": "` + open + `", "case": "genuine", "url": "http://127.0.0.1:1/"}`},
		{"POST", "/_mock/webhook-behaviour", `{"copies": 2}`},
		{"POST", "/_mock/reset", ""},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), tc.method, srv.Origin()+tc.path, strings.NewReader(tc.body))
			require.NoError(t, err)
			req.Header.Set(webhookMarker, "1")
			resp, err := noRedirect.Do(req)
			require.NoError(t, err)
			answer, err := io.ReadAll(resp.Body)
			require.NoError(t, resp.Body.Close())
			require.NoError(t, err)
			assert.Equal(t, http.StatusForbidden, resp.StatusCode, "%s", answer)
			assert.Contains(t, string(answer), "callback_url")
		})
	}
	// Neither reset, cancelled, declined, paid nor failed; no fault scripted (transaction
	// detail answers 200), nor another behaviour.
	assertUntouched(t, srv, victim)
	assert.Equal(t, 1, srv.DeliveryBehaviour().Copies)
}

// Every request the fake sends to a receiver carries the marker: genuine webhooks, their
// retries and copies, and every hostile case sent by Deliver.
func TestEveryWebhookCarriesTheMarker(t *testing.T) {
	srv := contracttest.NewServer(t)
	var mu sync.Mutex
	var seen, marked int
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen++
		if r.Header.Get(webhookMarker) != "" {
			marked++
		}
		mu.Unlock()
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(hook.Close)
	paid := createCheckout(t, srv, "R-mark-paid", hook.URL).LakipayTransactionID
	require.NoError(t, srv.Pay(paid, client.MediumMPESA))
	open := createCheckout(t, srv, "R-mark-open", hook.URL).LakipayTransactionID
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	require.NoError(t, srv.WaitIdle(ctx))
	for _, c := range contracttest.DeliveryCases() {
		req := contracttest.DeliverRequest{TransactionID: paid, Case: c}
		if c == contracttest.CaseReplayed || c == contracttest.CaseTamperedTransaction {
			req = contracttest.DeliverRequest{TransactionID: open, Case: c, ReplayOf: paid}
		}
		_, err := srv.Deliver(ctx, req)
		require.NoError(t, err, c)
	}
	mu.Lock()
	defer mu.Unlock()
	assert.Greater(t, seen, len(contracttest.DeliveryCases()))
	assert.Equal(t, seen, marked)
}
