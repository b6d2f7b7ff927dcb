package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
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

// receiverKind is how a test receiver is written.
type receiverKind int

const (
	correct        receiverKind = iota // client.NewWebhookHandler, acting on the checkouts it opened
	anyTransaction                     // the same, acting on any transaction (it keeps no order book)
	naive                              // trusting and settling every delivery about a checkout it opened
)

// goReceiver is a merchant's application on loopback, its checkouts opened against the mock
// at mockOrigin: the webhook receiver at /webhook, the opener at POST /orders and the effects
// at GET /test/effects?transaction_id=, as documented for --open-url and --effects-url. It
// returns its origin.
func goReceiver(t *testing.T, keyFile, mockOrigin string, kind receiverKind) string {
	t.Helper()
	pemBytes, err := os.ReadFile(keyFile)
	require.NoError(t, err)
	key, err := client.ParsePublicKey(pemBytes)
	require.NoError(t, err)
	lakipay, err := client.New(testKey, client.WithBaseURL(mockOrigin+"/api/v2"))
	require.NoError(t, err)
	var mu sync.Mutex
	effects := map[string]*contracttest.Effects{} // the checkouts it opened, by transaction id
	act := func(id string, status client.TransactionStatus) {
		mu.Lock()
		defer mu.Unlock()
		e := effects[id]
		if e == nil && kind == anyTransaction {
			e = &contracttest.Effects{}
			effects[id] = e
		}
		switch {
		case e == nil: // not a checkout of this application
		case status == client.TransactionStatusSUCCESS || kind == naive:
			e.Paid++
		case status == client.TransactionStatusCANCELLED, status == client.TransactionStatusFAILED:
			e.Released++
		}
	}
	mux := http.NewServeMux()
	if kind == naive {
		mux.HandleFunc("POST /webhook", func(_ http.ResponseWriter, r *http.Request) {
			var ev struct {
				TransactionID string                   `json:"transaction_id"`
				Status        client.TransactionStatus `json:"status"`
			}
			_ = json.NewDecoder(r.Body).Decode(&ev)
			act(ev.TransactionID, ev.Status)
		})
	} else {
		h, err := client.NewWebhookHandler(key, func(_ context.Context, ev *client.WebhookEvent) error {
			act(ev.TransactionID, ev.Status)
			return nil
		}, client.WithDeduplication(1000))
		require.NoError(t, err)
		mux.Handle("POST /webhook", h)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	mux.HandleFunc("POST /orders", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n := len(effects) + 1
		mu.Unlock()
		amount, _ := client.AmountFromMinor(int64(n) * 1000)
		session, err := lakipay.CreateCheckout(r.Context(), client.CheckoutRequest{Amount: amount, Currency: "ETB",
			PhoneNumber: "251911111111", Reference: fmt.Sprintf("ORDER-%s-%d", strings.TrimPrefix(srv.URL, "http://127.0.0.1:"), n),
			CallbackURL: srv.URL + "/webhook", SupportedMediums: []client.Medium{client.MediumMPESA},
			Redirects: client.Redirects{Success: srv.URL + "/ok", Failed: srv.URL + "/ko"}})
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		mu.Lock()
		effects[session.LakipayTransactionID] = &contracttest.Effects{}
		mu.Unlock()
		_ = json.NewEncoder(w).Encode(map[string]string{"transaction_id": session.LakipayTransactionID})
	})
	mux.HandleFunc("GET /test/effects", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		e := effects[r.URL.Query().Get("transaction_id")]
		if e == nil {
			e = &contracttest.Effects{}
		}
		_ = json.NewEncoder(w).Encode(e)
	})
	return srv.URL
}

// mockWithKey runs `lakipay mock` with extra args and returns its origin and the file of its
// public key.
func mockWithKey(t *testing.T, args ...string) (origin, keyFile string) {
	t.Helper()
	keyFile = filepath.Join(t.TempDir(), "lakipay-mock.pem")
	base, _, _ := startMock(t, append([]string{"--key-out", keyFile}, args...)...)
	return strings.TrimSuffix(base, "/api/v2"), keyFile
}

// suiteArgs are the arguments of a full webhook test of the application at app.
func suiteArgs(origin, app string, more ...string) []string {
	return append([]string{"webhook", "test", "--url", app + "/webhook", "--mock", origin,
		"--effects-url", app + "/test/effects", "--open-url", app + "/orders"}, more...)
}

func TestWebhookTest(t *testing.T) {
	origin, keyFile := mockWithKey(t)
	app := goReceiver(t, keyFile, origin, correct)
	naiveApp := goReceiver(t, keyFile, origin, naive)
	cases := len(contracttest.ReceiverCases())

	t.Run("a correct receiver passes", func(t *testing.T) {
		r := runCLI(t, nil, "", suiteArgs(origin, app)...)
		require.Equal(t, exitOK, r.code, r.output())
		assert.Contains(t, r.stdout, "Webhook receiver suite: "+app+"/webhook (mock "+origin+")")
		assert.Regexp(t, `CASE +EXPECTED +GOT +ANSWERS +EFFECTS`, r.stdout)
		assert.Regexp(t, `forged_signature +non-2xx \(nothing\), 2xx; paid 1 +400 \(nothing\), 200; paid 1 +passed +passed`, r.stdout)
		assert.Regexp(t, `foreign_amount +any \(A nothing, B nothing\), 2xx; A paid 1, B nothing +200 \(A nothing, B nothing\), 200; A paid 1, B nothing +passed +passed`, r.stdout)
		assert.Contains(t, r.stdout, fmt.Sprintf("%d of %d cases passed with every check made.\n", cases, cases))
		assert.NotContains(t, r.output(), "not checked")
		assert.NotContains(t, r.output(), "not proven")
		assert.Empty(t, r.stderr)
	})
	t.Run("answers only is no pass", func(t *testing.T) {
		r := runCLI(t, nil, "", "webhook", "test", "--url", app+"/webhook", "--mock", origin+"/api/v2", "--answers-only",
			"--open-url", app+"/orders")
		require.Equal(t, exitUnproven, r.code, r.output())
		assert.True(t, strings.HasPrefix(r.stdout, "ANSWERS ONLY: nothing about what your receiver did was checked."), r.stdout)
		assert.True(t, strings.HasSuffix(r.stdout, "Give --effects-url to prove it does not.\n"), "said again under the table")
		assert.Regexp(t, `duplicate +2xx \(paid 1\), 2xx; paid 1 +200, 200; effects not checked +passed +not checked`, r.stdout)
		assert.Contains(t, r.stdout, "not proven:\n  - effects: no effects function (--effects-url) was given")
		assert.Contains(t, r.stdout, fmt.Sprintf("0 of %d cases passed with every check made.", cases))
		assert.Equal(t, "lakipay: no case failed, but not everything was checked (see \"not proven\"): this is not a pass\n", r.stderr)
	})
	t.Run("a naive receiver answering only fails on its answers", func(t *testing.T) {
		r := runCLI(t, nil, "", "webhook", "test", "--url", naiveApp+"/webhook", "--mock", origin, "--answers-only", "--case", "genuine,unsigned")
		require.Equal(t, exitFailed, r.code, r.output())
		assert.Equal(t, "lakipay: 1 of 2 cases failed: unsigned\n", r.stderr)
	})
	t.Run("without an opener the foreign cases are not run", func(t *testing.T) {
		bookless := goReceiver(t, keyFile, origin, anyTransaction)
		r := runCLI(t, nil, "", "webhook", "test", "--url", bookless+"/webhook", "--mock", origin, "--effects-url", bookless+"/test/effects",
			"--case", "genuine,foreign_amount")
		require.Equal(t, exitUnproven, r.code, r.output())
		assert.Regexp(t, `foreign_amount +any \(A nothing, B nothing\), 2xx; A paid 1, B nothing +not run: needs a session opener +not checked +not checked`, r.stdout)
		assert.Contains(t, r.stdout, "without one these cases were not run: foreign_amount")
	})
	t.Run("a naive receiver fails with reasons", func(t *testing.T) {
		r := runCLI(t, nil, "", suiteArgs(origin, naiveApp)...)
		require.Equal(t, exitFailed, r.code, r.output())
		// It acts only on its own checkouts' ids, so another merchant's payment never reaches an order.
		passing := []string{"genuine", "foreign_amount", "foreign_currency", "foreign_session"}
		assert.Equal(t, fmt.Sprintf("lakipay: %d of %d cases failed: %s\n", cases-len(passing), cases,
			strings.Join(slices.DeleteFunc(caseNames(), func(n string) bool { return slices.Contains(passing, n) }), ", ")), r.stderr)
		assert.Regexp(t, `duplicate +2xx \(paid 1\), 2xx; paid 1 +200 \(paid 1\), 200; paid 2 +passed +failed`, r.stdout)
		assert.Contains(t, r.stdout, "\nduplicate:\n  - after delivery 2, the same webhook again: paid 2 on TXN-")
		assert.Contains(t, r.stdout, "want 1: the receiver acted more than once on one payment (it must de-duplicate on transaction_id and status)")
		assert.Contains(t, r.stdout, "\nunsigned:\n  - delivery 1, an unsigned SUCCESS: answered 200, want non-2xx: the body is not signed and must be refused\n")
		assert.Contains(t, r.stdout, fmt.Sprintf("%d of %d cases passed with every check made.", len(passing), cases))
	})
	t.Run("json", func(t *testing.T) {
		r := runCLI(t, nil, "", suiteArgs(origin, naiveApp, "--case", "genuine,unsigned", "--json")...)
		require.Equal(t, exitFailed, r.code, r.output())
		var report contracttest.ReceiverReport
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &report), r.stdout)
		require.Len(t, report.Results, 2)
		assert.Equal(t, "unsigned", report.Results[1].Case)
		assert.Equal(t, contracttest.Failed, report.Results[1].Answers)
		assert.Equal(t, contracttest.Failed, report.Results[1].Effects)
		assert.Equal(t, contracttest.CaseUnsigned, report.Results[1].Deliveries[0].Case)
		assert.Empty(t, report.Unproven)
		assert.Equal(t, "lakipay: 1 of 2 cases failed: unsigned\n", r.stderr)
	})
	t.Run("an effects URL that answers a bare count", func(t *testing.T) {
		bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "1") }))
		defer bare.Close()
		r := runCLI(t, nil, "", "webhook", "test", "--url", app+"/webhook", "--mock", origin, "--effects-url", bare.URL, "--case", "genuine")
		require.Equal(t, exitFailed, r.code, r.output())
		assert.Contains(t, r.stdout, `could not read the effects of TXN-`)
		assert.Contains(t, r.stdout, `answered 1: a bare number (1) is the suite's former form of the effects: answer {"paid": N, "released": N}`)
	})
	t.Run("an opener that fails", func(t *testing.T) {
		r := runCLI(t, nil, "", "webhook", "test", "--url", app+"/webhook", "--mock", origin, "--effects-url", app+"/test/effects",
			"--open-url", app+"/no-such-route", "--case", "genuine")
		require.Equal(t, exitFailed, r.code, r.output())
		assert.Contains(t, r.stderr, "lakipay: the suite could not run: case genuine: the session opener: POST "+app+"/no-such-route answered HTTP 404")
		assert.Contains(t, r.stdout, "suite stopped")
	})
	t.Run("no mock", func(t *testing.T) {
		r := runCLI(t, nil, "", "webhook", "test", "--url", app+"/webhook", "--mock", closedURL(t), "--answers-only")
		require.Equal(t, exitFailed, r.code, r.output())
		assert.Contains(t, r.stderr, "lakipay: the suite could not run: case genuine: create a session: reach the mock at ")
		assert.Contains(t, r.stdout, "suite stopped")
	})
}

func caseNames() []string {
	var names []string
	for _, c := range contracttest.ReceiverCases() {
		names = append(names, c.Name)
	}
	return names
}

func TestWebhookTestUsage(t *testing.T) {
	const hook = "http://127.0.0.1:1/w"
	tests := []struct {
		name string
		env  map[string]string
		args []string
		says string
	}{
		{"no url", nil, []string{"--answers-only"}, `required flag(s) "url" not set`},
		{"neither effects nor answers only", nil, []string{"--url", hook}, `lakipay: give --effects-url (GET URL?transaction_id=TXN-... answering {"paid": N, "released": N}) to check what your receiver did, or --answers-only`},
		{"both effects and answers only", nil, []string{"--url", hook, "--effects-url", hook, "--answers-only"}, "or --answers-only to check its answers alone (and prove nothing about effects), not both"},
		{"relative url", nil, []string{"--url", "/webhook", "--answers-only"}, `lakipay: --url: "/webhook" is not an absolute http or https URL`},
		{"mock without a scheme", nil, []string{"--url", hook, "--answers-only", "--mock", "127.0.0.1:12111"}, `lakipay: --mock: "127.0.0.1:12111" is not an absolute http or https URL`},
		{"effects url", nil, []string{"--url", hook, "--effects-url", "effects"}, `lakipay: --effects-url: "effects" is not an absolute http or https URL`},
		{"empty effects url", nil, []string{"--url", hook, "--effects-url", " "}, "lakipay: --effects-url is empty: an explicit value must not be empty or blank (leave the flag out and give --answers-only"},
		{"open url", nil, []string{"--url", hook, "--answers-only", "--open-url", "orders"}, `lakipay: --open-url: "orders" is not an absolute http or https URL`},
		{"empty open url", nil, []string{"--url", hook, "--answers-only", "--open-url", ""}, "lakipay: --open-url is empty: an explicit value must not be empty or blank (leave the flag out to let the suite open its own sessions)"},
		{"unknown case", nil, []string{"--url", hook, "--answers-only", "--case", "polite"}, `lakipay: --case: no case "polite" (cases: genuine, duplicate,`},
		{"timeout", nil, []string{"--url", hook, "--answers-only", "--timeout", "0s"}, "lakipay: --timeout: 0s not in (0s, 2m0s]"},
		{"effect timeout", nil, []string{"--url", hook, "--answers-only", "--effect-timeout", "-1s"}, "lakipay: --effect-timeout: -1s not in [0s, 1m0s]"},
		{"malformed key", map[string]string{envAPIKey: "pk_test_only"}, []string{"--url", hook, "--answers-only"}, "lakipay: LAKIPAY_API_KEY: "},
		{"an argument", nil, []string{"--url", hook, "--answers-only", "extra"}, `takes no arguments, got ["extra"]`},
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
	app := goReceiver(t, keyFile, origin, anyTransaction)
	r := runCLI(t, nil, "", "webhook", "test", "--url", app+"/webhook", "--mock", origin, "--answers-only", "--case", "genuine")
	require.Equal(t, exitFailed, r.code, r.output())
	assert.Contains(t, r.stderr, "HTTP 401 (a mock started with --api-key wants that key")
	r = runCLI(t, map[string]string{envAPIKey: canaryKey}, "", "webhook", "test", "--url", app+"/webhook", "--mock", origin,
		"--effects-url", app+"/test/effects")
	require.Equal(t, exitUnproven, r.code, r.output())
	assert.Empty(t, failedLines(r.stdout))
	secrettest.Absent(t, r.output(), canarySecret, "webhook test output")
}

// failedLines returns the table's lines of failed cases.
func failedLines(stdout string) []string {
	var out []string
	for _, line := range strings.Split(stdout, "\n") {
		if strings.Contains(line, " failed") {
			out = append(out, line)
		}
	}
	return out
}

// TestReadmeWebhookTestRun runs the commands README.md documents for a receiver in another
// language, as written there: the example receiver started as shown passes every case, and a
// naive receiver fails.
func TestReadmeWebhookTestRun(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not on PATH: the example receiver is JavaScript")
	}
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	runs := readmeCommands(string(readme), "go run ./cmd/lakipay webhook test ")
	require.NotEmpty(t, runs, "README.md documents a webhook test run")
	starts := readmeCommands(string(readme), "LAKIPAY_BASE_URL=")
	require.Len(t, starts, 1, "README.md documents how to start the example receiver")
	env, command := splitEnv(starts[0])
	require.Equal(t, []string{"LAKIPAY_BASE_URL"}, slices.Sorted(maps.Keys(env)))
	require.Equal(t, "http://127.0.0.1:12111/api/v2", env["LAKIPAY_BASE_URL"], "the mock's default address")
	require.Len(t, command, 3)
	require.Equal(t, "node", command[0])
	require.Equal(t, "lakipay-mock.pem", command[2], "the file of `lakipay mock --key-out`")

	origin, keyFile := mockWithKey(t)
	// The README's receiver, on a free port, against this test's mock.
	cmd := exec.CommandContext(t.Context(), node, filepath.Join("../..", command[1]), keyFile)
	cmd.Env = append(os.Environ(), "LAKIPAY_BASE_URL="+origin+"/api/v2", "PORT=0")
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	require.NoError(t, err)
	example := strings.TrimPrefix(strings.TrimSpace(line), "listening on ")
	naiveApp := goReceiver(t, keyFile, origin, naive)

	for _, run := range runs {
		args := strings.Fields(strings.TrimPrefix(run, "go run ./cmd/lakipay "))
		require.NotContains(t, args, "--mock", "the documented run uses the mock's default address")
		for _, tt := range []struct {
			app  string
			code int
		}{{example, exitOK}, {naiveApp, exitFailed}} {
			at := make([]string, len(args))
			for i, a := range args {
				at[i] = strings.Replace(a, "http://127.0.0.1:8080", tt.app, 1)
			}
			r := runCLI(t, nil, "", append(at, "--mock", origin)...)
			require.Equal(t, tt.code, r.code, "%s\n%s", strings.Join(at, " "), r.output())
		}
	}
}

// readmeCommands returns the shell commands of text that start with prefix, each with its
// continuation lines joined and a trailing & or comment dropped.
func readmeCommands(text, prefix string) []string {
	var out []string
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		if !strings.HasPrefix(lines[i], prefix) {
			continue
		}
		command := lines[i]
		for strings.HasSuffix(command, "\\") && i+1 < len(lines) {
			i++
			command = strings.TrimSuffix(command, "\\") + " " + strings.TrimSpace(lines[i])
		}
		command, _, _ = strings.Cut(command, "#")
		out = append(out, strings.TrimSuffix(strings.TrimSpace(command), " &"))
	}
	return out
}

// splitEnv splits a shell command into its leading NAME=value assignments and its words.
func splitEnv(command string) (map[string]string, []string) {
	env := map[string]string{}
	words := strings.Fields(command)
	for len(words) > 0 {
		name, value, ok := strings.Cut(words[0], "=")
		if !ok {
			break
		}
		env[name] = value
		words = words[1:]
	}
	return env, words
}

func TestMockDeliveryFlags(t *testing.T) {
	t.Run("every status change meets copies, disorder and forgeries", func(t *testing.T) {
		origin, keyFile := mockWithKey(t, "--webhook-copies", "2", "--webhook-order", "stale_after_final",
			"--webhook-hostile", "unsigned,tampered_amount")
		app := goReceiver(t, keyFile, origin, correct)
		var opened struct {
			TransactionID string `json:"transaction_id"`
		}
		postJSON(t, app+"/orders", `{}`, &opened) // the application's checkout, callback_url its receiver
		id := opened.TransactionID
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
		var e contracttest.Effects
		getJSON(t, app+"/test/effects?transaction_id="+id, &e)
		assert.Equal(t, contracttest.Effects{Paid: 1}, e, "the receiver settled the order once")
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

func post(t *testing.T, url, body string) { postJSON(t, url, body, nil) }

// postJSON posts body to url, requires 200 and decodes the answer into out (when not nil).
func postJSON(t *testing.T, url, body string, out any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url, strings.NewReader(body))
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, http.StatusOK, resp.StatusCode, string(b))
	if out != nil {
		require.NoError(t, json.Unmarshal(b, out), string(b))
	}
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
