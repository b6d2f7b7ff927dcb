package shop_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/contracttest"
	"github.com/lakipay/checkout-go/examples/shop"
)

const (
	apiKey = "pk_test_shop:sk_test_shop_secret"
	phone  = "251911111111"
)

// world is one test's shop, its fake LakiPay and what the shop shipped.
type world struct {
	lakipay *contracttest.Server
	shop    *shop.Shop
	url     string // the shop's public URL
	// holdWebhooks makes the shop's address answer LakiPay's webhooks 503, as if they were
	// late, so that only transaction detail can tell the shop what happened.
	holdWebhooks atomic.Bool

	mu      sync.Mutex
	shipped []shop.Order
}

// newWorld starts a fake LakiPay and the shop, with order 42 (1000.50 ETB) awaiting payment.
func newWorld(t *testing.T, opts ...contracttest.ServerOption) *world {
	t.Helper()
	lakipay := contracttest.NewServer(t, append([]contracttest.ServerOption{
		contracttest.WithWebhookRetry(5, 20*time.Millisecond)}, opts...)...)
	return startShop(t, lakipay, newClient(t, lakipay.URL()))
}

// newClient is the shop's SDK client for the API at baseURL, its exchanges judged against
// the contract, with short retry waits.
func newClient(t *testing.T, baseURL string, opts ...client.Option) *client.Client {
	t.Helper()
	c, err := client.New(apiKey, append([]client.Option{client.WithBaseURL(baseURL),
		client.WithHTTPClient(&http.Client{Transport: contracttest.Transport(t, nil)}),
		client.WithRetry(client.RetryPolicy{MaxAttempts: 3, BaseDelay: 10 * time.Millisecond, MaxDelay: 50 * time.Millisecond}),
	}, opts...)...)
	require.NoError(t, err)
	return c
}

// startShop starts the shop on LakiPay (the fake) through c; configure, if any, completes its
// Config.
func startShop(t *testing.T, lakipay *contracttest.Server, c *client.Client, configure ...func(*shop.Config)) *world {
	t.Helper()
	w := &world{lakipay: lakipay}
	// The shop needs its own URL (for callback_url and the redirects) before its handler
	// exists: an unstarted server has its address already.
	srv := httptest.NewUnstartedServer(nil)
	w.url = "http://" + srv.Listener.Addr().String()
	cfg := shop.Config{
		LakiPay:    c,
		WebhookKey: lakipay.PublicKey(),
		PublicURL:  w.url,
		Mediums:    []client.Medium{client.MediumMPESA, client.MediumTELEBIRR},
		OnPaid: func(o shop.Order) {
			w.mu.Lock()
			defer w.mu.Unlock()
			w.shipped = append(w.shipped, o)
		},
	}
	for _, f := range configure {
		f(&cfg)
	}
	s, err := shop.New(cfg)
	require.NoError(t, err)
	w.shop = s
	srv.Config.Handler = http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.URL.Path == shop.WebhookPath && w.holdWebhooks.Load() {
			http.Error(rw, "held back by the test", http.StatusServiceUnavailable)
			return
		}
		s.ServeHTTP(rw, r)
	})
	srv.Start()
	t.Cleanup(srv.Close)
	amount, err := client.ParseAmount("1000.50")
	require.NoError(t, err)
	require.NoError(t, s.AddOrder("42", amount, "ETB"))
	return w
}

// browser never follows redirects: a test reads where each one goes.
var browser = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// page is an answer of the shop.
type page struct {
	status   int
	location string
	header   http.Header
	body     string // with HTML's character references resolved, as a shopper reads it
}

func (w *world) do(t *testing.T, method, target string, form url.Values) page {
	t.Helper()
	p, err := w.try(method, target, form)
	require.NoError(t, err)
	return p
}

// try is do for other goroutines than the test's: it returns its error.
func (w *world) try(method, target string, form url.Values) (page, error) {
	if !strings.HasPrefix(target, "http") {
		target = w.url + target
	}
	req, err := http.NewRequestWithContext(context.Background(), method, target, strings.NewReader(form.Encode()))
	if err != nil {
		return page{}, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := browser.Do(req)
	if err != nil {
		return page{}, err
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	return page{status: resp.StatusCode, location: resp.Header.Get("Location"), header: resp.Header,
		body: html.UnescapeString(string(body))}, err
}

// clickPay submits order 42's pay form with phone.
func (w *world) clickPay(t *testing.T, phone string) page {
	t.Helper()
	return w.do(t, http.MethodPost, "/orders/42/pay", url.Values{"phone": {phone}})
}

// checkout clicks Pay and requires the redirect to LakiPay's page.
func (w *world) checkout(t *testing.T) string {
	t.Helper()
	p := w.clickPay(t, phone)
	require.Equal(t, http.StatusSeeOther, p.status, p.body)
	require.True(t, strings.HasPrefix(p.location, w.lakipay.Origin()+"/checkout/"), p.location)
	return p.location
}

func (w *world) order(t *testing.T) shop.Order {
	t.Helper()
	o, ok := w.shop.Order("42")
	require.True(t, ok)
	return o
}

func (w *world) shippedOrders() []shop.Order {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]shop.Order(nil), w.shipped...)
}

// reference returns the LakiPay reference of the order's current session, as LakiPay has it.
func (w *world) reference(t *testing.T) string {
	t.Helper()
	tx, err := newClient(t, w.lakipay.URL()).GetTransaction(context.Background(), w.order(t).TransactionID)
	require.NoError(t, err)
	return tx.Reference
}

func TestPay(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	checkoutURL := w.checkout(t)

	shown, err := w.lakipay.Shopper().Open(ctx, checkoutURL)
	require.NoError(t, err)
	assert.Equal(t, "1000.50", shown.Amount)
	assert.Equal(t, "ETB", shown.Currency)
	assert.Equal(t, "ORDER-42-1", shown.Reference)
	assert.Equal(t, "Order 42", shown.Description)
	assert.Equal(t, []client.Medium{client.MediumMPESA, client.MediumTELEBIRR}, shown.Mediums)

	back, err := w.lakipay.Shopper().Pay(ctx, checkoutURL, client.MediumTELEBIRR)
	require.NoError(t, err)
	assert.Equal(t, w.url+"/orders/42/return", back)
	accepted, err := w.lakipay.WaitForSuccessfulDeliveries(ctx, 1)
	require.NoError(t, err)
	assert.Contains(t, string(accepted[0].Body), `"reference":"ORDER-42-1"`)

	p := w.do(t, http.MethodGet, back, nil)
	assert.Equal(t, http.StatusOK, p.status)
	assert.Contains(t, p.body, "Paid. Thank you")
	assert.NotContains(t, p.body, "<form", "a paid order offers no payment")
	o := w.order(t)
	assert.Equal(t, shop.Paid, o.Status)
	assert.Equal(t, accepted[0].TransactionID, o.PaidBy)
	require.Len(t, w.shippedOrders(), 1)
	assert.Equal(t, o, w.shippedOrders()[0])

	again := w.clickPay(t, phone)
	assert.Equal(t, http.StatusOK, again.status, "a paid order is not charged again")
	assert.Contains(t, again.body, "Paid. Thank you")
	assert.Equal(t, 1, w.lakipay.Requests(contracttest.OpCreateCheckout))
}

// TestNotPaidCanBePaidAgain: a cancelled or declined attempt leaves the order open, and the
// next one has the next reference.
func TestNotPaidCanBePaidAgain(t *testing.T) {
	cases := []struct {
		name  string
		act   func(t *testing.T, w *world, checkoutURL string) (string, error)
		state string
	}{
		{"cancelled", func(_ *testing.T, w *world, u string) (string, error) {
			return w.lakipay.Shopper().Cancel(context.Background(), u)
		}, "The payment was cancelled"},
		{"declined by the provider", func(t *testing.T, w *world, u string) (string, error) {
			require.NoError(t, w.lakipay.Decline(w.order(t).TransactionID))
			return w.lakipay.Shopper().Pay(context.Background(), u, client.MediumMPESA)
		}, "The payment failed. Nothing was charged"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			back, err := tc.act(t, w, w.checkout(t))
			require.NoError(t, err)
			p := w.do(t, http.MethodGet, back, nil)
			assert.Equal(t, http.StatusOK, p.status)
			assert.Contains(t, p.body, tc.state)
			assert.Contains(t, p.body, "Pay with LakiPay", "the shopper can try again")
			assert.Equal(t, shop.AwaitingPayment, w.order(t).Status)

			next := w.checkout(t)
			assert.Equal(t, "ORDER-42-2", w.reference(t))
			_, err = w.lakipay.Shopper().Pay(context.Background(), next, client.MediumMPESA)
			require.NoError(t, err)
			_, err = w.lakipay.WaitForSuccessfulDeliveries(context.Background(), 2)
			require.NoError(t, err)
			assert.Equal(t, shop.Paid, w.order(t).Status)
			assert.Len(t, w.shippedOrders(), 1)
		})
	}
}

// TestDuplicatedWebhookSettledOnce delivers LakiPay's webhook again, several times at once,
// and lets the return page settle the same payment: the order is shipped once.
func TestDuplicatedWebhookSettledOnce(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	back, err := w.lakipay.Shopper().Pay(ctx, w.checkout(t), client.MediumMPESA)
	require.NoError(t, err)
	accepted, err := w.lakipay.WaitForSuccessfulDeliveries(ctx, 1)
	require.NoError(t, err)

	var wg sync.WaitGroup
	statuses := make([]int, 5)
	for i := range statuses {
		wg.Go(func() {
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url+shop.WebhookPath, strings.NewReader(string(accepted[0].Body)))
			if err != nil {
				return
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return
			}
			_ = resp.Body.Close()
			statuses[i] = resp.StatusCode
		})
	}
	wg.Wait()
	assert.Equal(t, []int{200, 200, 200, 200, 200}, statuses, "a repeat is acknowledged, so LakiPay stops")
	assert.Contains(t, w.do(t, http.MethodGet, back, nil).body, "Paid. Thank you")
	assert.Len(t, w.shippedOrders(), 1)
}

// TestLakiPayDown: when LakiPay fails or cannot be reached, the shopper gets a "try again"
// page, nothing is created twice, and the next click opens the checkout with the same
// reference (the failed call created nothing).
func TestLakiPayDown(t *testing.T) {
	cases := []struct {
		fault      contracttest.Fault
		retryAfter string
	}{
		{contracttest.FaultUnavailable, "30"},
		{contracttest.FaultInternalError, "30"},
		{contracttest.FaultRateLimited, "1"},
		{contracttest.FaultConnectionReset, "30"},
		{contracttest.FaultTimeout, "30"},
	}
	for _, tc := range cases {
		t.Run(tc.fault.String(), func(t *testing.T) {
			lakipay := contracttest.NewServer(t)
			// A hung LakiPay is cut by the client's per-attempt timeout.
			w := startShop(t, lakipay, newClient(t, lakipay.URL(), client.WithTimeout(300*time.Millisecond)))
			require.NoError(t, lakipay.InjectFault(contracttest.OpCreateCheckout, tc.fault))
			p := w.clickPay(t, phone)
			assert.Equal(t, http.StatusServiceUnavailable, p.status)
			assert.Equal(t, tc.retryAfter, p.header.Get("Retry-After"))
			assert.Contains(t, p.body, "Nothing was charged; please try again in a minute.")
			assert.Equal(t, 1, lakipay.Requests(contracttest.OpCreateCheckout), "never repeated behind the shopper's back")

			w.checkout(t)
			assert.Equal(t, 2, lakipay.Requests(contracttest.OpCreateCheckout))
			assert.Equal(t, "ORDER-42-1", w.reference(t), "the same reference: at most one session for it")
		})
	}
	t.Run("connection refused", func(t *testing.T) {
		lakipay := contracttest.NewServer(t)
		gone := httptest.NewServer(http.NotFoundHandler())
		gone.Close() // nothing listens at its address any more
		w := startShop(t, lakipay, newClient(t, gone.URL+"/api/v2"))
		p := w.clickPay(t, phone)
		assert.Equal(t, http.StatusServiceUnavailable, p.status)
		assert.Contains(t, p.body, "Nothing was charged")
		assert.Equal(t, shop.AwaitingPayment, w.order(t).Status)
	})
}

// TestValidationErrorShownToShopper: a phone number the contract or LakiPay refuses comes
// back to the shopper as readable reasons, and nothing is charged or spent.
func TestValidationErrorShownToShopper(t *testing.T) {
	t.Run("refused by the SDK before sending", func(t *testing.T) {
		w := newWorld(t)
		p := w.clickPay(t, "0911 111 111")
		assert.Equal(t, http.StatusBadRequest, p.status)
		assert.Contains(t, p.body, "Phone number: must be 7 to 15 digits: country code and number, no +, spaces or leading 0")
		assert.Contains(t, p.body, `value="0911111111"`, "what the shopper typed stays in the form")
		assert.NotContains(t, p.body, "pattern", "no rule names or regular expressions for shoppers")
		assert.Equal(t, 0, w.lakipay.Requests(contracttest.OpCreateCheckout), "nothing was sent")

		assert.Equal(t, http.StatusSeeOther, w.clickPay(t, "+251 911-111-111").status, "spaces, dashes and + are tidied")
		assert.Equal(t, "ORDER-42-1", w.reference(t))
	})
	t.Run("refused by LakiPay", func(t *testing.T) {
		w := newWorld(t)
		require.NoError(t, w.lakipay.FailNext(contracttest.OpCreateCheckout, http.StatusBadRequest, client.ErrorCodeInvalidPhone))
		p := w.clickPay(t, phone)
		assert.Equal(t, http.StatusBadRequest, p.status)
		assert.Contains(t, p.body, "Phone number: Bad Request (forced by the test)")
		w.checkout(t)
		assert.Equal(t, "ORDER-42-1", w.reference(t), "nothing was created: the reference is still free")
	})
}

// TestReturnPageConfirmsThroughTransactionDetail: the return page asks LakiPay and shows
// what it says, whether or not the webhook came, and whoever opened it.
func TestReturnPageConfirmsThroughTransactionDetail(t *testing.T) {
	t.Run("opened by hand before paying", func(t *testing.T) {
		w := newWorld(t)
		w.checkout(t)
		before := w.lakipay.Requests(contracttest.OpGetTransaction)
		p := w.do(t, http.MethodGet, "/orders/42/return", nil)
		assert.Equal(t, http.StatusOK, p.status)
		assert.Contains(t, p.body, "We are waiting for LakiPay to confirm your payment")
		assert.Equal(t, before+1, w.lakipay.Requests(contracttest.OpGetTransaction), "it asked LakiPay")
		assert.Equal(t, shop.AwaitingPayment, w.order(t).Status)
		assert.Empty(t, w.shippedOrders())
	})
	t.Run("paid while the webhook is late", func(t *testing.T) {
		w := newWorld(t)
		w.holdWebhooks.Store(true)
		ctx := context.Background()
		back, err := w.lakipay.Shopper().Pay(ctx, w.checkout(t), client.MediumMPESA)
		require.NoError(t, err)
		before := w.lakipay.Requests(contracttest.OpGetTransaction)
		p := w.do(t, http.MethodGet, back, nil)
		assert.Contains(t, p.body, "Paid. Thank you")
		assert.Equal(t, before+1, w.lakipay.Requests(contracttest.OpGetTransaction))
		require.Len(t, w.shippedOrders(), 1)

		w.holdWebhooks.Store(false) // the webhook comes at last: nothing more to do
		_, err = w.lakipay.WaitForSuccessfulDeliveries(ctx, 1)
		require.NoError(t, err)
		assert.Len(t, w.shippedOrders(), 1)
	})
	t.Run("LakiPay unreachable", func(t *testing.T) {
		w := newWorld(t)
		w.holdWebhooks.Store(true)
		back, err := w.lakipay.Shopper().Pay(context.Background(), w.checkout(t), client.MediumMPESA)
		require.NoError(t, err)
		require.NoError(t, w.lakipay.InjectFaultN(contracttest.OpGetTransaction, contracttest.FaultUnavailable, 3))
		p := w.do(t, http.MethodGet, back, nil)
		assert.Equal(t, http.StatusServiceUnavailable, p.status)
		assert.Contains(t, p.body, "We could not confirm your payment yet")
		assert.Equal(t, shop.AwaitingPayment, w.order(t).Status, "no confirmation, no shipping")
		assert.Contains(t, w.do(t, http.MethodGet, back, nil).body, "Paid. Thank you", "a refresh confirms it")
	})
}

// TestLostAnswerRecovery: LakiPay created the checkout but its answer never came. The next
// click repeats the reference, learns from DUPLICATE_REFERENCE that the lost session exists
// (nobody can pay it: nobody saw its URL) and opens the next attempt, which the webhook maps
// back to the order.
func TestLostAnswerRecovery(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	require.NoError(t, w.lakipay.InjectFault(contracttest.OpCreateCheckout, contracttest.FaultLostAnswer))
	p := w.clickPay(t, phone)
	assert.Equal(t, http.StatusServiceUnavailable, p.status)
	assert.Contains(t, p.body, "Nothing was charged")
	o := w.order(t)
	assert.Equal(t, 1, o.Attempt)
	assert.Empty(t, o.TransactionID, "the shop does not know the lost session")

	checkoutURL := w.checkout(t)
	assert.Equal(t, 3, w.lakipay.Requests(contracttest.OpCreateCheckout), "ORDER-42-1 lost, ORDER-42-1 refused, ORDER-42-2")
	assert.Equal(t, 2, w.order(t).Attempt)
	assert.Equal(t, "ORDER-42-2", w.reference(t))

	_, err := w.lakipay.Shopper().Pay(ctx, checkoutURL, client.MediumMPESA)
	require.NoError(t, err)
	accepted, err := w.lakipay.WaitForSuccessfulDeliveries(ctx, 1)
	require.NoError(t, err)
	assert.Contains(t, string(accepted[0].Body), `"reference":"ORDER-42-2"`)
	assert.Equal(t, shop.Paid, w.order(t).Status)
	assert.Len(t, w.shippedOrders(), 1)
}

// TestDuplicateAnsweredWithAConflict: LakiPay documents no code for a reused reference and
// lists 409 for duplicates, so a 409 without DUPLICATE_REFERENCE opens the next attempt too.
func TestDuplicateAnsweredWithAConflict(t *testing.T) {
	w := newWorld(t)
	require.NoError(t, w.lakipay.FailNext(contracttest.OpCreateCheckout, http.StatusConflict, ""))
	w.checkout(t)
	assert.Equal(t, "ORDER-42-2", w.reference(t))
	assert.Equal(t, 2, w.lakipay.Requests(contracttest.OpCreateCheckout))
}

// TestOneSessionPerOrder: a double click, or a shopper who comes back and clicks again,
// gets the session already open, never a second payable one.
func TestOneSessionPerOrder(t *testing.T) {
	t.Run("double click", func(t *testing.T) {
		w := newWorld(t)
		var wg sync.WaitGroup
		locations := make([]string, 4)
		for i := range locations {
			wg.Go(func() {
				p, err := w.try(http.MethodPost, "/orders/42/pay", url.Values{"phone": {phone}})
				if err == nil {
					locations[i] = p.location
				}
			})
		}
		wg.Wait()
		assert.NotEmpty(t, locations[0])
		for _, l := range locations {
			assert.Equal(t, locations[0], l)
		}
		assert.Equal(t, 1, w.lakipay.Requests(contracttest.OpCreateCheckout))
	})
	t.Run("back and click again", func(t *testing.T) {
		w := newWorld(t)
		first := w.checkout(t)
		assert.Equal(t, first, w.checkout(t))
		assert.Equal(t, 1, w.lakipay.Requests(contracttest.OpCreateCheckout))
	})
}

// signingKey is the fake's webhook key in TestWebhooksThatSettleNothing, so that the test
// can sign webhooks LakiPay could have sent.
var signingKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// TestWebhooksThatSettleNothing: a forged webhook is refused, and a genuine one whose amount
// is not the order's, or whose reference is not the shop's, is acknowledged but pays nothing.
func TestWebhooksThatSettleNothing(t *testing.T) {
	w := newWorld(t, contracttest.WithSigningKey(signingKey()))
	w.checkout(t)
	txID := w.order(t).TransactionID
	body := func(reference, amount string) string {
		return `{"event":"DEPOSIT","transaction_id":"` + txID + `","reference":"` + reference + `","amount":` + amount +
			`,"currency":"ETB","status":"SUCCESS","medium":"MPESA","timestamp":"2026-01-15T10:30:00Z"}`
	}
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	cases := []struct {
		name   string
		key    *rsa.PrivateKey
		body   string
		status int
	}{
		{"signed by another key", other, body("ORDER-42-1", "1000.5"), http.StatusBadRequest},
		{"another amount", signingKey(), body("ORDER-42-1", "1"), http.StatusOK},
		{"another shop's reference", signingKey(), body("INVOICE-42-1", "1000.5"), http.StatusOK},
		{"an order that does not exist", signingKey(), body("ORDER-43-1", "1000.5"), http.StatusOK},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			signed, err := client.SignWebhook([]byte(tc.body), tc.key)
			require.NoError(t, err)
			req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, w.url+shop.WebhookPath, strings.NewReader(string(signed)))
			require.NoError(t, err)
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			_ = resp.Body.Close()
			assert.Equal(t, tc.status, resp.StatusCode)
			assert.Equal(t, shop.AwaitingPayment, w.order(t).Status)
			assert.Empty(t, w.shippedOrders())
		})
	}
}

// TestWebhookReceiverSuite puts the shop's webhook receiver through every case of the
// receiver suite, unchanged: the shop opens each checkout as it does for a shopper, and
// what it did is read from its order book. It passes every case, with every check made.
func TestWebhookReceiverSuite(t *testing.T) {
	w := newWorld(t)
	// snippet: check-receiver
	orders := map[string]string{} // transaction id → order id

	// The shop opens each checkout the suite needs, as for a shopper who checks out a new order.
	open := func(context.Context) (string, error) {
		id := fmt.Sprintf("suite-%d", len(orders)+1)
		amount, _ := client.AmountFromMinor(100_050 + int64(len(orders)))
		if err := w.shop.AddOrder(id, amount, "ETB"); err != nil {
			return "", err
		}
		p, err := w.try(http.MethodPost, "/orders/"+id+"/pay", url.Values{"phone": {phone}})
		if err != nil {
			return "", err
		}
		if p.status != http.StatusSeeOther {
			return "", fmt.Errorf("order %s: no checkout (HTTP %d)", id, p.status)
		}
		o, _ := w.shop.Order(id)
		orders[o.TransactionID] = id
		return o.TransactionID, nil
	}

	// What the shop did about a transaction: orders shipped for it, its order reopened.
	effects := func(_ context.Context, transactionID string) (contracttest.Effects, error) {
		var e contracttest.Effects
		for _, o := range w.shippedOrders() { // Config.OnPaid: the orders shipped
			if o.PaidBy == transactionID {
				e.Paid++
			}
		}
		o, ok := w.shop.Order(orders[transactionID])
		if ok && o.TransactionID == transactionID && (o.PaymentStatus == client.TransactionStatusCANCELLED ||
			o.PaymentStatus == client.TransactionStatusFAILED) {
			e.Released = 1 // the order is open for another payment
		}
		return e, nil
	}

	report := contracttest.CheckReceiver(t, w.lakipay, w.url+shop.WebhookPath, effects, contracttest.WithSessionOpener(open))
	// end snippet
	assert.True(t, report.Passed() && report.Complete(), "every case passed, every check made")
	assert.Len(t, report.Results, len(contracttest.ReceiverCases()))
}

func TestUnknownOrder(t *testing.T) {
	w := newWorld(t)
	for _, p := range []page{
		w.do(t, http.MethodGet, "/orders/7", nil),
		w.do(t, http.MethodPost, "/orders/7/pay", url.Values{"phone": {phone}}),
		w.do(t, http.MethodGet, "/orders/7/return", nil),
	} {
		assert.Equal(t, http.StatusNotFound, p.status)
	}
	assert.Equal(t, 0, w.lakipay.Requests(contracttest.OpCreateCheckout))
}

func TestReference(t *testing.T) {
	assert.Equal(t, "ORDER-42-2", shop.Reference("42", 2))
	for _, id := range []string{"42", "A-7", "x_1"} {
		got, attempt, ok := shop.ParseReference(shop.Reference(id, 12))
		assert.True(t, ok, id)
		assert.Equal(t, id, got)
		assert.Equal(t, 12, attempt)
	}
	for _, ref := range []string{"", "ORDER-42", "ORDER-42-0", "ORDER-42-01", "ORDER-42-+1", "ORDER--1",
		"order-42-1", "INVOICE-42-1", "ORDER-4&2-1", "ORDER-42-1x"} {
		_, _, ok := shop.ParseReference(ref)
		assert.False(t, ok, ref)
	}
}

func TestNewRefusesAnIncompleteConfig(t *testing.T) {
	lakipay := contracttest.NewServer(t)
	good := shop.Config{LakiPay: newClient(t, lakipay.URL()), WebhookKey: lakipay.PublicKey(),
		PublicURL: "https://shop.example", Mediums: []client.Medium{client.MediumMPESA}}
	_, err := shop.New(good)
	require.NoError(t, err)
	cases := map[string]func(*shop.Config){
		"LakiPay":    func(c *shop.Config) { c.LakiPay = nil },
		"WebhookKey": func(c *shop.Config) { c.WebhookKey = nil },
		"PublicURL":  func(c *shop.Config) { c.PublicURL = "shop.example" },
		"Mediums":    func(c *shop.Config) { c.Mediums = nil },
	}
	for name, breakIt := range cases {
		t.Run(name, func(t *testing.T) {
			c := good
			breakIt(&c)
			_, err := shop.New(c)
			assert.Error(t, err)
		})
	}
}

// TestSetUpAgainstTheFake runs README.md's set-up of the shop against the fake: the shop
// serves, with its own URL in its checkouts.
func TestSetUpAgainstTheFake(t *testing.T) {
	key := apiKey
	// snippet: shop-readme-set-up
	lakipay := contracttest.NewServer(t)
	c, _ := client.New(key, client.WithBaseURL(lakipay.URL()),
		client.WithHTTPClient(&http.Client{Transport: contracttest.Transport(t, nil)})) // judge every exchange
	srv := httptest.NewUnstartedServer(nil)
	s, _ := shop.New(shop.Config{LakiPay: c, WebhookKey: lakipay.PublicKey(),
		PublicURL: "http://" + srv.Listener.Addr().String(), Mediums: []client.Medium{client.MediumMPESA}})
	srv.Config.Handler = s
	srv.Start()
	t.Cleanup(srv.Close)
	// end snippet
	amount, err := client.ParseAmount("10.00")
	require.NoError(t, err)
	require.NoError(t, s.AddOrder("7", amount, "ETB"))
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+"/orders/7/pay", strings.NewReader("phone="+phone))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := browser.Do(req)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.True(t, strings.HasPrefix(resp.Header.Get("Location"), lakipay.Origin()+"/checkout/"))
}
