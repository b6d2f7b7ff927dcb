package contracttest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/contracttest"
	"github.com/lakipay/checkout-go/gen"
	"github.com/lakipay/checkout-go/internal/webhook"
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

// TestBrowserPaysOnTheHostedPage opens the hosted page in headless Chromium, picks a medium,
// pays and lands on the success URL; the webhook arrived and verifies.
func TestBrowserPaysOnTheHostedPage(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	browser := findBrowser(t)
	srv := contracttest.NewServer(t, contracttest.WithWebhookRetry(3, 10*time.Millisecond))
	merchant := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(`<!DOCTYPE html><title>shop</title><p id="landed">` + r.URL.Path + `</p>`))
	}))
	defer merchant.Close()
	received := make(chan []byte, 4)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body json.RawMessage
		if json.NewDecoder(r.Body).Decode(&body) != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		received <- body
	}))
	defer hook.Close()

	var req map[string]any
	require.NoError(t, json.Unmarshal(checkoutBody(t, "R-browser", hook.URL+"/cb"), &req))
	req["redirects"] = map[string]string{"success": merchant.URL + "/success", "failed": merchant.URL + "/failed"}
	body, err := json.Marshal(req)
	require.NoError(t, err)
	status, _, resp := call(t, validated(t), http.MethodPost, srv.URL()+"/payment/checkout", testKey, body)
	require.Equal(t, http.StatusOK, status, string(resp))
	var created gen.CheckoutResponse
	require.NoError(t, json.Unmarshal(resp, &created))

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(browser),
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
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()

	require.NoError(t, chromedp.Do(browserCtx,
		chromedp.Navigate(created.Data.CheckoutURL),
		chromedp.WaitVisible(chromedp.ID("pay")),
	))
	amount, err := chromedp.Run(browserCtx, chromedp.Text(chromedp.ID("amount")))
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
	assert.Equal(t, "1000.50", amount)
	assert.Equal(t, "/success", landed)
	assert.Equal(t, merchant.URL+"/success", location)

	tx := transaction(t, srv, created.Data.LakipayTransactionID)
	assert.Equal(t, gen.TransactionStatusSUCCESS, tx.Status)
	assert.Equal(t, ptr(gen.MediumTELEBIRR), tx.Medium)
	select {
	case got := <-received:
		require.NoError(t, webhook.Verify(got, srv.PublicKey()))
		var event gen.WebhookEvent
		require.NoError(t, json.Unmarshal(got, &event))
		assert.Equal(t, created.Data.LakipayTransactionID, event.TransactionID)
		assert.Equal(t, gen.TransactionStatusSUCCESS, event.Status)
	case <-ctx.Done():
		t.Fatal("no webhook arrived")
	}
}
