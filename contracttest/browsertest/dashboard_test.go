package browsertest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/contracttest"
)

// screenshotEnv names a file the dashboard test writes a PNG of the dashboard to (for the
// README): LAKIPAY_SCREENSHOT=$PWD/docs/dashboard.png go test -run TestBrowserDashboard ./...
const screenshotEnv = "LAKIPAY_SCREENSHOT"

// outage is what the receiver answers to its first webhook: a 500 whose body a merchant
// needs to see, markup included, as text.
const outage = `{"error":"database is down: order 42 locked"} <script>alert("answer")</script><b>bold?</b>`

// The references an attacker could give a checkout, which the dashboard must show as text.
var xssReferences = []string{
	`<script>alert(1)</script>`,
	`"><img src=x onerror=alert(1)>`,
	`<img src=x onerror="window.__xss=1">`,
}

// guard is installed in every document before its own scripts run: it records each
// Content-Security-Policy violation, so that markup the page should never have made shows
// even when the policy stopped it from running.
const guard = `window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(e.violatedDirective + " " + e.blockedURI));`

// pageState is what the dashboard shows, read from its DOM.
type pageState struct {
	Rows []struct {
		ID        string `json:"id"`
		Reference string `json:"reference"`
		Children  int    `json:"children"`
	} `json:"rows"`
	Deliveries []struct {
		What    string  `json:"what"`
		Outcome string  `json:"outcome"`
		Answer  *string `json:"answer"`
		Error   *string `json:"error"`
		Retried *string `json:"retried"`
	} `json:"deliveries"`
	Kinds      []string `json:"kinds"`
	Mode       string   `json:"mode"`
	XSS        string   `json:"xss"`
	Images     int      `json:"images"`
	Scripts    int      `json:"scripts"`
	Violations []string `json:"violations"`
}

const readPage = `(() => {
  const text = (node, sel) => { const n = node.querySelector(sel); return n ? n.textContent : null; };
  return {
    rows: [...document.querySelectorAll("#session-rows tr")].map((tr) => ({
      id: tr.dataset.id,
      reference: tr.querySelector("td.reference").textContent,
      children: tr.querySelector("td.reference").children.length,
    })),
    deliveries: [...document.querySelectorAll('#timeline li[data-kind="delivery"]')].map((li) => ({
      what: text(li, ".what"), outcome: text(li, ".outcome"), answer: text(li, "pre.answer-body"),
      error: text(li, ".error"), retried: text(li, ".retried"),
    })),
    kinds: [...document.querySelectorAll("#timeline li")].map((li) => li.dataset.kind),
    mode: document.getElementById("mode").textContent,
    xss: typeof window.__xss,
    images: document.querySelectorAll("img").length,
    scripts: document.querySelectorAll("script").length,
    violations: window.__violations || ["the guard did not run"],
  };
})()`

// watchDialogs counts the dialogs (alert, confirm, prompt) the page opens, dismissing each.
func watchDialogs(ctx context.Context, t *testing.T) *atomic.Int32 {
	t.Helper()
	var opened atomic.Int32
	dismiss := make(chan struct{}, 16)
	require.NoError(t, chromedp.Listen(ctx, func(ev any) {
		if _, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			opened.Add(1)
			select {
			case dismiss <- struct{}{}:
			default:
			}
		}
	}))
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-dismiss:
				_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{})
			}
		}
	}()
	_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: guard})
	require.NoError(t, err)
	return &opened
}

// failFirst answers the first webhook 500 with outage and hands the others to next.
func failFirst(next http.Handler) http.Handler {
	var once sync.Once
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		first := false
		once.Do(func() { first = true })
		if first {
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte(outage))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// TestBrowserDashboard opens the fake's dashboard in headless Chromium after a run that
// paid one session (its receiver answered 500 once, then accepted the retry), cancelled
// another, and sent a webhook to a receiver that was down; checkouts with hostile
// references are there too. One click on a session shows the receiver's answer, the error
// and the retry; hostile text shows as text, and nothing runs; new events appear without a
// reload; the filter finds a session. The same data written as a snapshot shows the same
// from disk.
func TestBrowserDashboard(t *testing.T) {
	ctx := newBrowser(t, 120*time.Second)
	dialogs := watchDialogs(ctx, t)
	srv := contracttest.NewServer(t, contracttest.WithWebhookRetry(3, 20*time.Millisecond))
	verify, err := client.NewWebhookHandler(srv.PublicKey(), func(context.Context, *client.WebhookEvent) error { return nil })
	require.NoError(t, err)
	hook := httptest.NewServer(failFirst(verify))
	defer hook.Close()
	down := httptest.NewServer(http.NotFoundHandler())
	downURL := down.URL + "/webhook"
	down.Close() // nothing listens there any more

	c, err := client.New("pk_test_dashboard:sk_test_dashboard_secret", client.WithBaseURL(srv.URL()),
		client.WithHTTPClient(&http.Client{Transport: contracttest.Transport(t, nil)}))
	require.NoError(t, err)
	amount, err := client.ParseAmount("1000.50")
	require.NoError(t, err)
	create := func(reference, callback string) *client.CheckoutSession {
		t.Helper()
		s, err := c.CreateCheckout(t.Context(), client.CheckoutRequest{
			Amount: amount, Currency: "ETB", PhoneNumber: "251911111111", Reference: reference,
			Description: "Payment for order #42", CallbackURL: callback,
			Redirects:        client.Redirects{Success: "https://shop.example/ok", Failed: "https://shop.example/ko"},
			SupportedMediums: []client.Medium{client.MediumMPESA, client.MediumTELEBIRR},
		})
		require.NoError(t, err)
		return s
	}

	paid := create("ORDER-42-1", hook.URL+"/lakipay")
	_, err = srv.Shopper().Pay(t.Context(), paid.CheckoutURL, client.MediumMPESA)
	require.NoError(t, err)
	_, err = srv.WaitForSuccessfulDeliveries(t.Context(), 1)
	require.NoError(t, err)
	cancelled := create("ORDER-43-1", hook.URL+"/lakipay")
	_, err = srv.Shopper().Cancel(t.Context(), cancelled.CheckoutURL)
	require.NoError(t, err)
	unreachable := create("ORDER-45-1", downURL)
	require.NoError(t, srv.Pay(unreachable.LakipayTransactionID, client.MediumTELEBIRR))
	for _, ref := range xssReferences {
		create(ref, "")
	}
	require.NoError(t, srv.WaitIdle(t.Context()))

	row := func(id string) chromedp.CSS { return chromedp.CSS(`#session-rows tr[data-id="` + id + `"]`) }
	shows := func(id string) string { return `!!document.querySelector('#session-rows tr[data-id="` + id + `"]')` }
	read := func() pageState {
		t.Helper()
		state, err := chromedp.Run(ctx, chromedp.Evaluate[pageState](readPage))
		require.NoError(t, err)
		return state
	}
	until := func(predicate string) {
		t.Helper()
		_, err := chromedp.Run(ctx, chromedp.Poll[bool](predicate, chromedp.WithPollingTimeout(15*time.Second)))
		require.NoError(t, err, "waiting for %s", predicate)
	}
	deliveries := `document.querySelectorAll('#timeline li[data-kind="delivery"]').length`

	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(1400, 1000), chromedp.Navigate(srv.DashboardURL())))
	until(shows(paid.LakipayTransactionID))
	state := read()
	require.Len(t, state.Rows, 6)
	shown := map[string]int{}
	for _, r := range state.Rows {
		shown[r.Reference] = r.Children
	}
	for _, ref := range append([]string{"ORDER-42-1", "ORDER-43-1", "ORDER-45-1"}, xssReferences...) {
		children, ok := shown[ref]
		assert.True(t, ok, "the reference %q is not shown as it is", ref)
		assert.Zero(t, children, "the reference %q became markup", ref)
	}
	assert.Equal(t, "undefined", state.XSS, "a hostile reference ran")
	assert.Zero(t, state.Images, "a hostile reference made an image")
	assert.Equal(t, 1, state.Scripts, "a hostile reference made a script element")
	assert.Contains(t, state.Mode, "Live")

	// One click: the receiver's 500, its answer as text, and the retry it accepted.
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(row(paid.LakipayTransactionID))))
	until(deliveries + " === 2")
	state = read()
	first, retry := state.Deliveries[0], state.Deliveries[1]
	assert.Contains(t, first.What, "attempt 1")
	assert.Contains(t, first.Outcome, "refused receiver answered 500 Internal Server Error")
	require.NotNil(t, first.Answer)
	assert.Equal(t, outage, *first.Answer, "the receiver's answer, as text")
	require.NotNil(t, first.Retried)
	assert.Contains(t, *first.Retried, "Retried at")
	assert.Contains(t, retry.What, "retry: attempt 2")
	assert.Contains(t, retry.Outcome, "accepted receiver answered 200 OK")
	assert.Equal(t, []string{"created", "page_opened", "status", "delivery", "delivery"}, state.Kinds)

	// The receiver that was down: each attempt's error.
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(row(unreachable.LakipayTransactionID))))
	until(deliveries + " === 3")
	for i, d := range read().Deliveries {
		require.NotNil(t, d.Error, "attempt %d", i+1)
		assert.Contains(t, *d.Error, "connection refused", "attempt %d", i+1)
		assert.Contains(t, d.Outcome, "no answer", "attempt %d", i+1)
	}

	// The cancelled session.
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(row(cancelled.LakipayTransactionID))))
	until(`[...document.querySelectorAll("#timeline .what")].some((n) => n.textContent === "Cancelled (CANCELLED)")`)
	until(deliveries + " === 1")
	assert.Contains(t, read().Deliveries[0].Outcome, "200 OK")

	// New events appear without a reload: a new session, and a detail call on the open one.
	later := create("ORDER-44-1", "")
	_, err = c.GetTransaction(t.Context(), cancelled.LakipayTransactionID)
	require.NoError(t, err)
	until(shows(later.LakipayTransactionID))
	until(`document.querySelectorAll('#timeline li[data-kind="detail"]').length === 1`)
	require.NoError(t, srv.Pay(later.LakipayTransactionID, client.MediumMPESA))
	until(`(document.querySelector('#session-rows tr[data-id="` + later.LakipayTransactionID + `"] .badge') || {}).textContent === "SUCCESS"`)

	// The filter.
	require.NoError(t, chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("filter"), "order-43")))
	until(`document.querySelectorAll("#session-rows tr").length === 1`)
	assert.Equal(t, cancelled.LakipayTransactionID, read().Rows[0].ID)

	state = read()
	assert.Empty(t, state.Violations, "the page made markup its policy had to stop")
	assert.Zero(t, dialogs.Load(), "a dialog opened")

	if path := os.Getenv(screenshotEnv); path != "" {
		// A fresh page (not the filtered one), opened on the paid session's timeline.
		require.NoError(t, chromedp.Do(ctx, chromedp.Navigate("about:blank"), chromedp.Navigate(srv.DashboardURL()+"#"+paid.LakipayTransactionID)))
		until(deliveries + " === 2")
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(path, png, 0o600))
		t.Logf("wrote %s", path)
	}

	t.Run("snapshot from disk", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "report.html")
		out, err := os.Create(file) //nolint:gosec // G304: the test's own temporary file
		require.NoError(t, err)
		require.NoError(t, srv.WriteSnapshot(out))
		require.NoError(t, out.Close())
		require.NoError(t, chromedp.Do(ctx, chromedp.Navigate("file://"+file+"#"+paid.LakipayTransactionID)))
		until(deliveries + " === 2")
		state := read()
		assert.True(t, strings.HasPrefix(state.Mode, "Snapshot: LakiPay fake, taken "), state.Mode)
		assert.Len(t, state.Rows, 7)
		require.NotNil(t, state.Deliveries[0].Answer)
		assert.Equal(t, outage, *state.Deliveries[0].Answer)
		require.NotNil(t, state.Deliveries[0].Retried)
		assert.Equal(t, "undefined", state.XSS)
		assert.Zero(t, state.Images)
		assert.Equal(t, 2, state.Scripts, "the data block and the inlined script")
		assert.Empty(t, state.Violations, "the snapshot's policy refused its own script or style sheet, or markup was made")
		assert.Zero(t, dialogs.Load(), "a dialog opened")

		require.NoError(t, chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("filter"), "<script")))
		until(`document.querySelectorAll("#session-rows tr").length === 1`)
		assert.Equal(t, xssReferences[0], read().Rows[0].Reference)
	})
}
