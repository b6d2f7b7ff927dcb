// Package browsertest drives LakiPay's hosted page on the fake (package contracttest) with a
// real headless Chromium. It is a module of its own so that the SDK's module graph does not
// carry chromedp: `make test` runs it too, and it skips when no browser is found.
package browsertest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/contracttest"
)

// browserEnv names an environment variable that points at a Chromium-compatible browser when
// none is found on the PATH or at /usr/bin/chromium.
const browserEnv = "LAKIPAY_CHROMIUM"

func findBrowser(t *testing.T) string {
	t.Helper()
	if path := os.Getenv(browserEnv); path != "" {
		return path
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	t.Skipf("no headless browser found: install Chromium (Debian: apt-get install -y chromium) or set %s to its path", browserEnv)
	return ""
}

// newBrowser starts a headless Chromium for t (skipping t when there is none, or in -short
// mode) and returns its context; the browser stops when t ends or after limit.
func newBrowser(t *testing.T, limit time.Duration) context.Context {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(findBrowser(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	}
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
		cancel()
	})
	return browserCtx
}

// TestBrowserPaysOnTheHostedPage opens the hosted page in headless Chromium, picks a medium,
// pays and lands on the success URL; the webhook arrived, verifies, and transaction detail
// says SUCCESS.
func TestBrowserPaysOnTheHostedPage(t *testing.T) {
	browserCtx := newBrowser(t, 60*time.Second)
	srv := contracttest.NewServer(t, contracttest.WithWebhookRetry(3, 10*time.Millisecond))
	merchant := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(`<!DOCTYPE html><title>shop</title><p id="landed">` + r.URL.Path + `</p>`))
	}))
	defer merchant.Close()
	received := make(chan *client.WebhookEvent, 4)
	receiver, err := client.NewWebhookHandler(srv.PublicKey(), func(_ context.Context, e *client.WebhookEvent) error {
		received <- e
		return nil
	})
	require.NoError(t, err)
	hook := httptest.NewServer(receiver)
	defer hook.Close()

	c, err := client.New("pk_test_browser:sk_test_browser_secret", client.WithBaseURL(srv.URL()),
		client.WithHTTPClient(&http.Client{Transport: contracttest.Transport(t, nil)}))
	require.NoError(t, err)
	amount, err := client.ParseAmount("1000.5")
	require.NoError(t, err)
	session, err := c.CreateCheckout(t.Context(), client.CheckoutRequest{
		Amount: amount, Currency: "ETB", PhoneNumber: "251911111111", Reference: "R-browser",
		Description:      "Payment for order #123",
		CallbackURL:      hook.URL + "/cb",
		Redirects:        client.Redirects{Success: merchant.URL + "/success", Failed: merchant.URL + "/failed"},
		SupportedMediums: []client.Medium{client.MediumMPESA, client.MediumTELEBIRR, client.MediumCBE},
	})
	require.NoError(t, err)

	require.NoError(t, chromedp.Do(browserCtx,
		chromedp.Navigate(session.CheckoutURL),
		chromedp.WaitVisible(chromedp.ID("pay")),
	))
	shown, err := chromedp.Run(browserCtx, chromedp.Text(chromedp.ID("amount")))
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(browserCtx,
		chromedp.Click(chromedp.ID("medium-TELEBIRR")),
		chromedp.Click(chromedp.ID("pay-button")),
		chromedp.WaitVisible(chromedp.ID("landed")),
	))
	landed, err := chromedp.Run(browserCtx, chromedp.Text(chromedp.ID("landed")))
	require.NoError(t, err)
	location, err := chromedp.Run(browserCtx, chromedp.Location())
	require.NoError(t, err)
	assert.Equal(t, "1000.50", shown)
	assert.Equal(t, "/success", landed)
	assert.Equal(t, merchant.URL+"/success", location)

	tx, err := c.GetTransaction(t.Context(), session.LakipayTransactionID)
	require.NoError(t, err)
	assert.Equal(t, client.TransactionStatusSUCCESS, tx.Status)
	assert.Equal(t, client.MediumTELEBIRR, tx.Medium)
	select {
	case event := <-received:
		assert.Equal(t, session.LakipayTransactionID, event.TransactionID)
		assert.Equal(t, client.TransactionStatusSUCCESS, event.Status)
	case <-browserCtx.Done():
		t.Fatal("no webhook arrived")
	}
}
