package shop_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
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
	url     string                // the shop's public URL
	browser *contracttest.Browser // the shopper's browser on the shop's pages

	mu      sync.Mutex
	shipped []shop.Order
}

// newWorld starts a fake LakiPay and the shop, with order 42 (1000.50 ETB) awaiting payment.
func newWorld(t *testing.T, opts ...contracttest.ServerOption) *world {
	t.Helper()
	lakipay := contracttest.NewServer(t, opts...)
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
	// The shop needs its own URL (for callback_url and the redirects) before it exists: the
	// merchant server listens before it has a handler.
	server := contracttest.NewMerchantServer()
	t.Cleanup(server.Close)
	w := &world{lakipay: lakipay, url: server.URL, browser: contracttest.NewBrowser(nil)}
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
	server.Handle(s)
	amount, err := client.ParseAmount("1000.50")
	require.NoError(t, err)
	require.NoError(t, s.AddOrder("42", amount, "ETB"))
	return w
}

// get opens target, an absolute URL, in the shopper's browser.
func (w *world) get(t *testing.T, target string) *contracttest.Page {
	t.Helper()
	p, err := w.browser.Get(t.Context(), target)
	require.NoError(t, err)
	return p
}

// pay submits an order's pay form with phone.
func (w *world) pay(t *testing.T, orderID, phone string) *contracttest.Page {
	t.Helper()
	p, err := w.browser.PostForm(t.Context(), w.url+"/orders/"+orderID+"/pay", url.Values{"phone": {phone}})
	require.NoError(t, err)
	return p
}

// clickPay submits order 42's pay form with phone.
func (w *world) clickPay(t *testing.T, phone string) *contracttest.Page {
	t.Helper()
	return w.pay(t, "42", phone)
}

// checkout clicks Pay and requires the redirect to LakiPay's page.
func (w *world) checkout(t *testing.T) string {
	t.Helper()
	p := w.clickPay(t, phone)
	require.Equal(t, http.StatusSeeOther, p.Status, p.Text())
	require.True(t, strings.HasPrefix(p.Location, w.lakipay.Origin()+"/checkout/"), p.Location)
	return p.Location
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

// holdWebhooks makes the webhooks of order 42's current session late: the fake keeps them
// until releaseWebhooks, so that only transaction detail can tell the shop what happened.
func (w *world) holdWebhooks(t *testing.T) {
	t.Helper()
	require.NoError(t, w.lakipay.HoldWebhooks(w.order(t).TransactionID))
}

// releaseWebhooks sends the webhooks held back and waits until the shop accepted the one
// announcing status, which it returns.
func (w *world) releaseWebhooks(t *testing.T, status client.TransactionStatus) contracttest.Delivery {
	t.Helper()
	id := w.order(t).TransactionID
	held := w.lakipay.HeldWebhooks(id)
	require.Len(t, held, 1, "the session's one webhook was held back")
	require.Equal(t, status, held[0].Status)
	require.Zero(t, held[0].Attempt, "never sent before its release")
	_, err := w.lakipay.ReleaseWebhooks(id)
	require.NoError(t, err)
	d, err := w.lakipay.WaitForDelivery(t.Context(), id, status)
	require.NoError(t, err)
	return d
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
	accepted, err := w.lakipay.WaitForDelivery(ctx, w.order(t).TransactionID, client.TransactionStatusSUCCESS)
	require.NoError(t, err)
	assert.Contains(t, string(accepted.Body), `"reference":"ORDER-42-1"`)

	p := w.get(t, back)
	assert.Equal(t, http.StatusOK, p.Status)
	assert.Contains(t, p.Text(), "Paid. Thank you")
	assert.NotContains(t, p.Text(), "<form", "a paid order offers no payment")
	o := w.order(t)
	assert.Equal(t, shop.Paid, o.Status)
	assert.Equal(t, accepted.TransactionID, o.PaidBy)
	require.Len(t, w.shippedOrders(), 1)
	assert.Equal(t, o, w.shippedOrders()[0])

	again := w.clickPay(t, phone)
	assert.Equal(t, http.StatusOK, again.Status, "a paid order is not charged again")
	assert.Contains(t, again.Text(), "Paid. Thank you")
	assert.Equal(t, 1, w.lakipay.Requests(contracttest.OpCreateCheckout))
}

// TestNotPaidCanBePaidAgain: a cancelled or declined attempt leaves the order open, and the
// next one has the next reference.
func TestNotPaidCanBePaidAgain(t *testing.T) {
	cases := []struct {
		name   string
		act    func(t *testing.T, w *world, checkoutURL string) (string, error)
		status client.TransactionStatus // the attempt's, which its webhook announces
		state  string
	}{
		{"cancelled", func(_ *testing.T, w *world, u string) (string, error) {
			return w.lakipay.Shopper().Cancel(context.Background(), u)
		}, client.TransactionStatusCANCELLED, "The payment was cancelled"},
		{"declined by the provider", func(t *testing.T, w *world, u string) (string, error) {
			require.NoError(t, w.lakipay.Decline(w.order(t).TransactionID))
			return w.lakipay.Shopper().Pay(context.Background(), u, client.MediumMPESA)
		}, client.TransactionStatusFAILED, "The payment failed. Nothing was charged"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			back, err := tc.act(t, w, w.checkout(t))
			require.NoError(t, err)
			first := w.order(t).TransactionID
			p := w.get(t, back)
			assert.Equal(t, http.StatusOK, p.Status)
			assert.Contains(t, p.Text(), tc.state)
			assert.Contains(t, p.Text(), "Pay with LakiPay", "the shopper can try again")
			assert.Equal(t, shop.AwaitingPayment, w.order(t).Status)

			next := w.checkout(t)
			assert.Equal(t, "ORDER-42-2", w.reference(t))
			_, err = w.lakipay.Shopper().Pay(context.Background(), next, client.MediumMPESA)
			require.NoError(t, err)
			_, err = w.lakipay.WaitForDelivery(context.Background(), first, tc.status)
			require.NoError(t, err)
			_, err = w.lakipay.WaitForDelivery(context.Background(), w.order(t).TransactionID, client.TransactionStatusSUCCESS)
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
	id := w.order(t).TransactionID
	_, err = w.lakipay.WaitForDelivery(ctx, id, client.TransactionStatusSUCCESS)
	require.NoError(t, err)

	// The accepted webhook again, byte for byte, five copies at once.
	copies, err := w.lakipay.Deliver(ctx, contracttest.DeliverRequest{TransactionID: id, Case: contracttest.CaseDuplicate, Copies: 5})
	require.NoError(t, err)
	statuses := make([]int, len(copies))
	for i, d := range copies {
		statuses[i] = d.HTTPStatus
	}
	assert.Equal(t, []int{200, 200, 200, 200, 200}, statuses, "a repeat is acknowledged, so LakiPay stops")
	assert.Contains(t, w.get(t, back).Text(), "Paid. Thank you")
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
			var opts []client.Option
			if tc.fault == contracttest.FaultTimeout {
				// A hung LakiPay is cut by the client's per-attempt timeout: short, so the
				// test does not wait long, and the other cases keep the default, so that
				// the checkout after the fault never races it on a loaded machine.
				opts = append(opts, client.WithTimeout(time.Second))
			}
			w := startShop(t, lakipay, newClient(t, lakipay.URL(), opts...))
			require.NoError(t, lakipay.InjectFault(contracttest.OpCreateCheckout, tc.fault))
			p := w.clickPay(t, phone)
			assert.Equal(t, http.StatusServiceUnavailable, p.Status)
			assert.Equal(t, tc.retryAfter, p.Header.Get("Retry-After"))
			assert.Contains(t, p.Text(), "Nothing was charged; please try again in a minute.")
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
		assert.Equal(t, http.StatusServiceUnavailable, p.Status)
		assert.Contains(t, p.Text(), "Nothing was charged")
		assert.Equal(t, shop.AwaitingPayment, w.order(t).Status)
	})
}

// TestValidationErrorShownToShopper: a phone number the contract or LakiPay refuses comes
// back to the shopper as readable reasons, and nothing is charged or spent.
func TestValidationErrorShownToShopper(t *testing.T) {
	t.Run("refused by the SDK before sending", func(t *testing.T) {
		w := newWorld(t)
		p := w.clickPay(t, "0911 111 111")
		assert.Equal(t, http.StatusBadRequest, p.Status)
		assert.Contains(t, p.Text(), "Phone number: must be 7 to 15 digits: country code and number, no +, spaces or leading 0")
		assert.Contains(t, p.Text(), `value="0911111111"`, "what the shopper typed stays in the form")
		assert.NotContains(t, p.Text(), "pattern", "no rule names or regular expressions for shoppers")
		assert.Equal(t, 0, w.lakipay.Requests(contracttest.OpCreateCheckout), "nothing was sent")

		assert.Equal(t, http.StatusSeeOther, w.clickPay(t, "+251 911-111-111").Status, "spaces, dashes and + are tidied")
		assert.Equal(t, "ORDER-42-1", w.reference(t))
	})
	t.Run("refused by LakiPay", func(t *testing.T) {
		w := newWorld(t)
		require.NoError(t, w.lakipay.FailNext(contracttest.OpCreateCheckout, http.StatusBadRequest, client.ErrorCodeInvalidPhone))
		p := w.clickPay(t, phone)
		assert.Equal(t, http.StatusBadRequest, p.Status)
		assert.Contains(t, p.Text(), "Phone number: phone number must be digits with the country code")
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
		p := w.get(t, w.url+"/orders/42/return")
		assert.Equal(t, http.StatusOK, p.Status)
		assert.Contains(t, p.Text(), "We are waiting for LakiPay to confirm your payment")
		assert.Equal(t, before+1, w.lakipay.Requests(contracttest.OpGetTransaction), "it asked LakiPay")
		assert.Equal(t, shop.AwaitingPayment, w.order(t).Status)
		assert.Empty(t, w.shippedOrders())
	})
	t.Run("paid while the webhook is late", func(t *testing.T) {
		w := newWorld(t)
		checkoutURL := w.checkout(t)
		w.holdWebhooks(t)
		back, err := w.lakipay.Shopper().Pay(context.Background(), checkoutURL, client.MediumMPESA)
		require.NoError(t, err)
		before := w.lakipay.Requests(contracttest.OpGetTransaction)
		p := w.get(t, back)
		assert.Contains(t, p.Text(), "Paid. Thank you")
		assert.Equal(t, before+1, w.lakipay.Requests(contracttest.OpGetTransaction))
		require.Len(t, w.shippedOrders(), 1)

		w.releaseWebhooks(t, client.TransactionStatusSUCCESS) // the webhook comes at last: nothing more to do
		assert.Len(t, w.shippedOrders(), 1)
	})
	t.Run("LakiPay unreachable", func(t *testing.T) {
		w := newWorld(t)
		checkoutURL := w.checkout(t)
		w.holdWebhooks(t)
		back, err := w.lakipay.Shopper().Pay(context.Background(), checkoutURL, client.MediumMPESA)
		require.NoError(t, err)
		require.NoError(t, w.lakipay.InjectFaultN(contracttest.OpGetTransaction, contracttest.FaultUnavailable, 3))
		p := w.get(t, back)
		assert.Equal(t, http.StatusServiceUnavailable, p.Status)
		assert.Contains(t, p.Text(), "We could not confirm your payment yet")
		assert.Equal(t, shop.AwaitingPayment, w.order(t).Status, "no confirmation, no shipping")
		assert.Contains(t, w.get(t, back).Text(), "Paid. Thank you", "a refresh confirms it")
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
	assert.Equal(t, http.StatusServiceUnavailable, p.Status)
	assert.Contains(t, p.Text(), "Nothing was charged")
	o := w.order(t)
	assert.Equal(t, 1, o.Attempt)
	assert.Empty(t, o.TransactionID, "the shop does not know the lost session")

	checkoutURL := w.checkout(t)
	assert.Equal(t, 3, w.lakipay.Requests(contracttest.OpCreateCheckout), "ORDER-42-1 lost, ORDER-42-1 refused, ORDER-42-2")
	assert.Equal(t, 2, w.order(t).Attempt)
	assert.Equal(t, "ORDER-42-2", w.reference(t))

	_, err := w.lakipay.Shopper().Pay(ctx, checkoutURL, client.MediumMPESA)
	require.NoError(t, err)
	accepted, err := w.lakipay.WaitForDelivery(ctx, w.order(t).TransactionID, client.TransactionStatusSUCCESS)
	require.NoError(t, err)
	assert.Contains(t, string(accepted.Body), `"reference":"ORDER-42-2"`)
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
				p, err := w.browser.PostForm(t.Context(), w.url+"/orders/42/pay", url.Values{"phone": {phone}})
				if err == nil {
					locations[i] = p.Location
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
	open := func(ctx context.Context) (string, error) {
		id := fmt.Sprintf("suite-%d", len(orders)+1)
		amount, _ := client.AmountFromMinor(100_050 + int64(len(orders)))
		if err := w.shop.AddOrder(id, amount, "ETB"); err != nil {
			return "", err
		}
		p, err := w.browser.PostForm(ctx, w.url+"/orders/"+id+"/pay", url.Values{"phone": {phone}})
		if err != nil {
			return "", err
		}
		if p.Status != http.StatusSeeOther {
			return "", fmt.Errorf("order %s: no checkout (HTTP %d)", id, p.Status)
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
	for _, p := range []*contracttest.Page{
		w.get(t, w.url+"/orders/7"),
		w.pay(t, "7", phone),
		w.get(t, w.url+"/orders/7/return"),
	} {
		assert.Equal(t, http.StatusNotFound, p.Status, p.URL)
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
	server := contracttest.NewMerchantServer() // listening already; 503 until Handle
	t.Cleanup(server.Close)
	s, _ := shop.New(shop.Config{LakiPay: c, WebhookKey: lakipay.PublicKey(),
		PublicURL: server.URL, Mediums: []client.Medium{client.MediumMPESA}})
	server.Handle(s)
	browser := contracttest.NewBrowser(nil) // never follows a redirect: read where it goes
	// end snippet
	amount, err := client.ParseAmount("10.00")
	require.NoError(t, err)
	require.NoError(t, s.AddOrder("7", amount, "ETB"))
	p, err := browser.PostForm(t.Context(), server.URL+"/orders/7/pay", url.Values{"phone": {phone}})
	require.NoError(t, err)
	assert.Equal(t, http.StatusSeeOther, p.Status)
	assert.True(t, strings.HasPrefix(p.Location, lakipay.Origin()+"/checkout/"))
}
