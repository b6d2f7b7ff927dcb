package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/contracttest"
	"github.com/lakipay/checkout-go/internal/secrettest"
)

// goReceiver is a merchant's receiver on loopback: the webhook at /webhook (the handler
// built on key, or naive: trusting and settling every delivery), the settled count at
// /effects?transaction_id=.
func goReceiver(t *testing.T, keyFile string, naive bool) (webhookURL, effectsURL string) {
	t.Helper()
	pemBytes, err := os.ReadFile(keyFile)
	require.NoError(t, err)
	key, err := client.ParsePublicKey(pemBytes)
	require.NoError(t, err)
	var mu sync.Mutex
	settled := map[string]int{}
	settle := func(_ context.Context, ev *client.WebhookEvent) error {
		if ev.Status.IsFinal() {
			mu.Lock()
			settled[ev.TransactionID]++
			mu.Unlock()
		}
		return nil
	}
	mux := http.NewServeMux()
	if naive {
		mux.HandleFunc("POST /webhook", func(_ http.ResponseWriter, r *http.Request) {
			var ev struct {
				TransactionID string `json:"transaction_id"`
			}
			_ = json.NewDecoder(r.Body).Decode(&ev)
			mu.Lock()
			settled[ev.TransactionID]++
			mu.Unlock()
		})
	} else {
		h, err := client.NewWebhookHandler(key, settle, client.WithDeduplication(1000))
		require.NoError(t, err)
		mux.Handle("POST /webhook", h)
	}
	mux.HandleFunc("GET /effects", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		_, _ = io.WriteString(w, strconv.Itoa(settled[r.URL.Query().Get("transaction_id")]))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL + "/webhook", srv.URL + "/effects"
}

// mockWithKey runs `lakipay mock` with extra args and returns its origin and the file of its
// public key.
func mockWithKey(t *testing.T, args ...string) (origin, keyFile string) {
	t.Helper()
	keyFile = filepath.Join(t.TempDir(), "lakipay-mock.pem")
	base, _, _ := startMock(t, append([]string{"--key-out", keyFile}, args...)...)
	return strings.TrimSuffix(base, "/api/v2"), keyFile
}

func TestWebhookTest(t *testing.T) {
	origin, keyFile := mockWithKey(t)
	hook, effects := goReceiver(t, keyFile, false)
	naiveHook, naiveEffects := goReceiver(t, keyFile, true)

	t.Run("a correct receiver passes", func(t *testing.T) {
		r := runCLI(t, nil, "", "webhook", "test", "--url", hook, "--mock", origin, "--effects-url", effects)
		require.Equal(t, exitOK, r.code, r.output())
		assert.Contains(t, r.stdout, "Webhook receiver suite: "+hook+" (mock "+origin+")")
		assert.Regexp(t, `CASE +EXPECTED +GOT +ANSWERS +EFFECTS`, r.stdout)
		assert.Regexp(t, `forged_signature +non-2xx \(effects 0\), 2xx; effects 1 +400 \(effects 0\), 200; effects 1 +passed +passed`, r.stdout)
		assert.Contains(t, r.stdout, "13 of 13 cases passed.\n")
		assert.NotContains(t, r.output(), "not checked")
		assert.Empty(t, r.stderr)
	})
	t.Run("without an effects URL the effects are not checked", func(t *testing.T) {
		r := runCLI(t, nil, "", "webhook", "test", "--url", hook, "--mock", origin+"/api/v2")
		require.Equal(t, exitOK, r.code, r.output())
		assert.Regexp(t, `duplicate +2xx \(effects 1\), 2xx; effects 1 +200, 200; effects not checked +passed +not checked`, r.stdout)
		assert.Contains(t, r.stdout, "13 of 13 cases passed; effects not checked (give --effects-url to check that duplicates, stale statuses and replays have no second effect).")
	})
	t.Run("a naive receiver fails with reasons", func(t *testing.T) {
		r := runCLI(t, nil, "", "webhook", "test", "--url", naiveHook, "--mock", origin, "--effects-url", naiveEffects)
		require.Equal(t, exitFailed, r.code, r.output())
		assert.Equal(t, "lakipay: 12 of 13 cases failed: duplicate, duplicate_concurrent, stale, final_late, replayed, forged_signature, tampered_status, tampered_amount, unsigned, shifted_key, shifted_value, oversized\n", r.stderr)
		assert.Regexp(t, `duplicate +2xx \(effects 1\), 2xx; effects 1 +200 \(effects 1\), 200; effects 2 +passed +failed`, r.stdout)
		assert.Contains(t, r.stdout, "\nduplicate:\n  - after delivery 2, the same webhook again: effects 2 on TXN-")
		assert.Contains(t, r.stdout, "want 1: the receiver acted more than once on one payment (it must de-duplicate on transaction_id and status)")
		assert.Contains(t, r.stdout, "\nunsigned:\n  - delivery 1, an unsigned SUCCESS: answered 200, want non-2xx: the body is not signed and must be refused\n")
		assert.Contains(t, r.stdout, "1 of 13 cases passed.")
	})
	t.Run("json", func(t *testing.T) {
		r := runCLI(t, nil, "", "webhook", "test", "--url", naiveHook, "--mock", origin, "--case", "genuine,unsigned", "--json")
		require.Equal(t, exitFailed, r.code, r.output())
		var report contracttest.ReceiverReport
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &report), r.stdout)
		require.Len(t, report.Results, 2)
		assert.Equal(t, "unsigned", report.Results[1].Case)
		assert.Equal(t, contracttest.Failed, report.Results[1].Answers)
		assert.Equal(t, contracttest.NotChecked, report.Results[1].Effects)
		assert.Equal(t, contracttest.CaseUnsigned, report.Results[1].Deliveries[0].Case)
		assert.Equal(t, "lakipay: 1 of 2 cases failed: unsigned\n", r.stderr)
	})
	t.Run("an effects URL that does not answer a count", func(t *testing.T) {
		bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, `{"count":1}`) }))
		defer bad.Close()
		r := runCLI(t, nil, "", "webhook", "test", "--url", hook, "--mock", origin, "--effects-url", bad.URL, "--case", "genuine")
		require.Equal(t, exitFailed, r.code, r.output())
		assert.Contains(t, r.stdout, `could not read the effects of TXN-`)
		assert.Contains(t, r.stdout, `--effects-url answered "{\"count\":1}", want a count such as 1`)
	})
	t.Run("no mock", func(t *testing.T) {
		r := runCLI(t, nil, "", "webhook", "test", "--url", hook, "--mock", closedURL(t))
		require.Equal(t, exitFailed, r.code, r.output())
		assert.Contains(t, r.stderr, "lakipay: the suite could not run: case genuine: create a session: reach the mock at ")
		assert.Contains(t, r.stdout, "suite stopped")
	})
}

func TestWebhookTestUsage(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
		says string
	}{
		{"no url", nil, nil, `required flag(s) "url" not set`},
		{"relative url", nil, []string{"--url", "/webhook"}, `lakipay: --url: "/webhook" is not an absolute http or https URL`},
		{"mock without a scheme", nil, []string{"--url", "http://127.0.0.1:1/w", "--mock", "127.0.0.1:12111"}, `lakipay: --mock: "127.0.0.1:12111" is not an absolute http or https URL`},
		{"effects url", nil, []string{"--url", "http://127.0.0.1:1/w", "--effects-url", "effects"}, `lakipay: --effects-url: "effects" is not an absolute http or https URL`},
		{"unknown case", nil, []string{"--url", "http://127.0.0.1:1/w", "--case", "polite"}, `lakipay: --case: no case "polite" (cases: genuine, duplicate,`},
		{"timeout", nil, []string{"--url", "http://127.0.0.1:1/w", "--timeout", "0s"}, "lakipay: --timeout: 0s not in (0s, 2m0s]"},
		{"effect timeout", nil, []string{"--url", "http://127.0.0.1:1/w", "--effect-timeout", "-1s"}, "lakipay: --effect-timeout: -1s not in [0s, 1m0s]"},
		{"malformed key", map[string]string{envAPIKey: "pk_test_only"}, []string{"--url", "http://127.0.0.1:1/w"}, "lakipay: LAKIPAY_API_KEY: "},
		{"an argument", nil, []string{"--url", "http://127.0.0.1:1/w", "extra"}, `takes no arguments, got ["extra"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, tt.env, "", append([]string{"webhook", "test"}, tt.args...)...)
			assert.Equal(t, exitUsage, r.code, r.output())
			assert.Contains(t, r.stderr, tt.says)
			assert.Contains(t, r.stderr, "Run 'lakipay webhook test --help' for usage.")
			assert.Empty(t, r.stdout)
		})
	}
}

// TestWebhookTestWithAPinnedKey runs the suite against a mock that pins an API key: the key
// comes from LAKIPAY_API_KEY and its secret is never printed.
func TestWebhookTestWithAPinnedKey(t *testing.T) {
	origin, keyFile := mockWithKey(t, "--api-key", canaryKey)
	hook, effects := goReceiver(t, keyFile, false)
	r := runCLI(t, nil, "", "webhook", "test", "--url", hook, "--mock", origin, "--case", "genuine")
	require.Equal(t, exitFailed, r.code, r.output())
	assert.Contains(t, r.stderr, "HTTP 401 (a mock started with --api-key wants that key")
	r = runCLI(t, map[string]string{envAPIKey: canaryKey}, "", "webhook", "test", "--url", hook, "--mock", origin, "--effects-url", effects)
	require.Equal(t, exitOK, r.code, r.output())
	secrettest.Absent(t, r.output(), canarySecret, "webhook test output")
}

// TestWebhookTestNodeReceiver puts a receiver written in plain Node.js through the suite, as
// a team in another language would: configured with the key from `lakipay mock --key-out`.
func TestWebhookTestNodeReceiver(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not on PATH: the Go receivers cover the command")
	}
	origin, keyFile := mockWithKey(t)
	cmd := exec.CommandContext(t.Context(), node, "testdata/receiver.js", keyFile)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	port, err := bufio.NewReader(out).ReadString('\n')
	require.NoError(t, err)
	base := "http://127.0.0.1:" + strings.TrimSpace(port)
	r := runCLI(t, nil, "", "webhook", "test", "--url", base+"/webhook", "--mock", origin, "--effects-url", base+"/effects")
	require.Equal(t, exitOK, r.code, r.output())
	assert.Contains(t, r.stdout, "13 of 13 cases passed.\n")
}

func TestMockDeliveryFlags(t *testing.T) {
	t.Run("every status change meets copies, disorder and forgeries", func(t *testing.T) {
		origin, keyFile := mockWithKey(t, "--webhook-copies", "2", "--webhook-order", "stale_after_final",
			"--webhook-hostile", "unsigned,tampered_amount")
		hook, effects := goReceiver(t, keyFile, false)
		c, err := client.New(testKey, client.WithBaseURL(origin+"/api/v2"))
		require.NoError(t, err)
		amount, err := client.ParseAmount("10.50")
		require.NoError(t, err)
		session, err := c.CreateCheckout(t.Context(), client.CheckoutRequest{
			Amount: amount, Currency: "ETB", PhoneNumber: "251911111111", Reference: "FLAGS-1", CallbackURL: hook,
			Redirects:        client.Redirects{Success: "https://s.example/ok", Failed: "https://s.example/ko"},
			SupportedMediums: []client.Medium{client.MediumMPESA},
		})
		require.NoError(t, err)
		id := session.LakipayTransactionID
		post(t, origin+"/_mock/transactions/"+id+"/pay", `{"medium":"MPESA"}`)
		var cases []string
		require.Eventually(t, func() bool {
			var ds []contracttest.Delivery
			getJSON(t, origin+"/_mock/deliveries?transaction_id="+id, &ds)
			cases = cases[:0]
			for _, d := range ds {
				cases = append(cases, string(d.Case))
			}
			return len(ds) == 6
		}, 30*time.Second, 10*time.Millisecond, "six deliveries")
		assert.ElementsMatch(t, []string{"unsigned", "tampered_amount", "genuine", "duplicate", "earlier", "earlier"}, cases)
		assert.Equal(t, []string{"unsigned", "tampered_amount"}, cases[:2], "the forgeries first")
		var n int
		getJSON(t, effects+"?transaction_id="+id, &n)
		assert.Equal(t, 1, n, "the receiver settled the order once")
	})
	t.Run("the banner says so", func(t *testing.T) {
		base, _, _ := startMockBanner(t, "--webhook-copies", "3", "--webhook-spacing", "10ms", "--webhook-order", "final_late",
			"--webhook-order-delay", "5ms", "--webhook-hostile", "forged_signature")
		assert.Regexp(t, `webhooks +each delivered 3 time\(s\), 10ms apart; final_late \(delay 5ms\); after hostile forged_signature`, base.banner)
	})
	for _, tt := range []struct {
		args []string
		says string
	}{
		{[]string{"--webhook-copies", "11"}, "lakipay: --webhook-copies: copies 11 not in 1..10"},
		{[]string{"--webhook-spacing", "-1s"}, "lakipay: --webhook-spacing: spacing -1s not in [0s, 30s]"},
		{[]string{"--webhook-order", "random"}, `lakipay: --webhook-order: order "random" is not one of in_order, stale_after_final, final_late`},
		{[]string{"--webhook-order-delay", "1s"}, "lakipay: --webhook-order-delay: order_delay 1s needs an order of stale_after_final or final_late"},
		{[]string{"--webhook-hostile", "genuine"}, `lakipay: --webhook-hostile: hostile "genuine" is not a hostile case`},
	} {
		t.Run(tt.args[0], func(t *testing.T) {
			// Bounded: were the flag accepted, the mock would serve until the context ends.
			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()
			var stdout, stderr strings.Builder
			code := runContext(ctx, append([]string{"mock", "--addr", "127.0.0.1:0"}, tt.args...), strings.NewReader(""), &stdout, &stderr, mapEnv(nil))
			assert.Equal(t, exitUsage, code, stdout.String()+stderr.String())
			assert.Contains(t, stderr.String(), tt.says)
		})
	}
}

func post(t *testing.T, url, body string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url, strings.NewReader(body))
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, http.StatusOK, resp.StatusCode, string(b))
}

func getJSON(t *testing.T, url string, out any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.NoError(t, json.NewDecoder(resp.Body).Decode(out))
}
