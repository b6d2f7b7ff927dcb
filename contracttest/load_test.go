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
	"golang.org/x/sync/errgroup"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/contracttest"
	"github.com/lakipay/checkout-go/internal/webhook"
)

// TestLoad drives one fake with 64 concurrent clients that create checkouts, pay them (half
// on the hosted page, half by script) and read the detail, through the validating transport.
// It asserts zero errors, every reference accepted exactly once, every session SUCCESS with
// exactly one successful webhook delivery, and logs the number of requests (go test -v).
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load test skipped in -short mode")
	}
	const (
		clients    = 64
		perClient  = 6
		checkouts  = clients * perClient
		webhookTTL = 60 * time.Second
	)
	srv := contracttest.NewServer(t, contracttest.WithWebhookRetry(3, time.Millisecond))
	var (
		mu       sync.Mutex
		received = map[string]int{} // transaction id → verified webhooks received
	)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil || webhook.Verify(body, srv.PublicKey()) != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		var event client.WebhookEvent
		if json.Unmarshal(body, &event) != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		mu.Lock()
		received[event.TransactionID]++
		mu.Unlock()
		w.WriteHeader(http.StatusOK)
	}))
	defer hook.Close()

	transport := contracttest.Transport(t, http.DefaultTransport)
	ids := make([]string, checkouts)
	var g errgroup.Group
	for c := range clients {
		g.Go(func() error {
			api := &http.Client{Transport: transport}
			// The shopper's browser is not an API client: the page is outside the contract.
			browser := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			for i := range perClient {
				n := c*perClient + i
				session, err := loadCheckout(api, srv, fmt.Sprintf("LOAD-%04d", n), hook.URL)
				if err != nil {
					return err
				}
				ids[n] = session.LakipayTransactionID
				if n%2 == 0 {
					err = loadPayOnPage(browser, session.CheckoutURL)
				} else {
					err = srv.Pay(session.LakipayTransactionID, client.MediumTELEBIRR)
				}
				if err != nil {
					return fmt.Errorf("pay %s: %w", session.LakipayTransactionID, err)
				}
				tx, err := loadDetail(api, srv, session.LakipayTransactionID)
				if err != nil {
					return err
				}
				if tx.Status != client.TransactionStatusSUCCESS || tx.Reference != session.Reference {
					return fmt.Errorf("%s: status %s reference %s", tx.TransactionID, tx.Status, tx.Reference)
				}
			}
			return nil
		})
	}
	require.NoError(t, g.Wait(), "zero errors")

	ctx, cancel := context.WithTimeout(context.Background(), webhookTTL)
	defer cancel()
	require.NoError(t, srv.WaitIdle(ctx))
	assert.Len(t, uniq(ids), checkouts, "every checkout got its own id")
	okDeliveries := map[string]int{}
	for _, d := range srv.Deliveries() {
		if d.OK() {
			okDeliveries[d.TransactionID]++
			assert.Equal(t, client.TransactionStatusSUCCESS, d.Status, "the webhook of %s announces SUCCESS", d.TransactionID)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for _, id := range ids {
		assert.Equal(t, 1, okDeliveries[id], "exactly one successful delivery for %s", id)
		assert.Equal(t, 1, received[id], "exactly one verified webhook received for %s", id)
	}
	cov := srv.Coverage()
	assert.Equal(t, checkouts, cov.Operations["createCheckout"]["200"], "every reference was accepted exactly once")
	assert.Equal(t, checkouts, cov.Operations["getTransaction"]["200"])
	assert.Equal(t, checkouts, srv.Requests("createCheckout"), "one checkout request per reference, none repeated")
	assert.Equal(t, checkouts, srv.Requests("getTransaction"))
	deliveries := len(srv.Deliveries())
	t.Logf("load: %d clients, %d API requests (%d createCheckout, %d getTransaction), %d hosted-page payments, %d webhook deliveries",
		clients, srv.Requests("createCheckout")+srv.Requests("getTransaction"), srv.Requests("createCheckout"),
		srv.Requests("getTransaction"), checkouts/2, deliveries)
}

func loadCheckout(api *http.Client, srv *contracttest.Server, reference, callback string) (client.CheckoutSession, error) {
	body := strings.Replace(docsRequest, `"ORDER123456"`, `"`+reference+`"`, 1)
	body = strings.Replace(body, `"https://example.com/callback"`, `"`+callback+`"`, 1)
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, srv.URL()+"/payment/checkout", strings.NewReader(body))
	if err != nil {
		return client.CheckoutSession{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-API-Key", testKey)
	var out client.CheckoutResponse
	if err := loadDo(api, req, &out); err != nil {
		return client.CheckoutSession{}, fmt.Errorf("checkout %s: %w", reference, err)
	}
	return out.Data, nil
}

func loadDetail(api *http.Client, srv *contracttest.Server, id string) (client.Transaction, error) {
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, srv.URL()+"/payment/transaction/"+url.PathEscape(id), nil)
	if err != nil {
		return client.Transaction{}, err
	}
	req.Header.Set("X-API-Key", testKey)
	var out client.TransactionResponse
	if err := loadDo(api, req, &out); err != nil {
		return client.Transaction{}, fmt.Errorf("detail %s: %w", id, err)
	}
	return out.Data, nil
}

func loadDo(client *http.Client, req *http.Request, out any) error {
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d: %s", resp.StatusCode, body)
	}
	return json.Unmarshal(body, out)
}

func loadPayOnPage(client *http.Client, checkoutURL string) error {
	form := url.Values{"medium": {"MPESA"}, "action": {"pay"}}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, checkoutURL, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "https://example.com/success" {
		return fmt.Errorf("page answered %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	return nil
}
