package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/contracttest"
)

// scripted is a running mock, a client of its API and a webhook receiver that notes what it
// got, for the scripting commands' tests.
type scripted struct {
	base   string // the mock's API base URL
	origin string
	c      *client.Client
	hook   *httptest.Server

	mu  sync.Mutex
	got []string // "TXN/STATUS" of each webhook, in arrival order
}

func newScripted(t *testing.T) *scripted {
	t.Helper()
	base, _, _ := startMock(t)
	s := &scripted{base: base, origin: strings.TrimSuffix(base, "/api/v2")}
	c, err := client.New(testKey, client.WithBaseURL(base), client.WithRetry(client.RetryPolicy{MaxAttempts: 1}))
	require.NoError(t, err)
	s.c = c
	s.hook = httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		var ev struct {
			TransactionID string `json:"transaction_id"`
			Status        string `json:"status"`
		}
		body, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(body, &ev)
		s.mu.Lock()
		s.got = append(s.got, ev.TransactionID+"/"+ev.Status)
		s.mu.Unlock()
	}))
	t.Cleanup(s.hook.Close)
	return s
}

// checkout creates a session whose webhooks go to the receiver.
func (s *scripted) checkout(t *testing.T, reference string) client.CheckoutSession {
	t.Helper()
	amount, err := client.ParseAmount("1000.50")
	require.NoError(t, err)
	session, err := s.c.CreateCheckout(t.Context(), client.CheckoutRequest{
		Amount: amount, Currency: "ETB", PhoneNumber: "251911111111", Reference: reference, CallbackURL: s.hook.URL,
		Redirects:        client.Redirects{Success: "https://s.example/ok", Failed: "https://s.example/ko"},
		SupportedMediums: []client.Medium{client.MediumMPESA, client.MediumCBE},
	})
	require.NoError(t, err)
	return *session
}

// run runs `lakipay mock args... --mock ORIGIN`.
func (s *scripted) run(t *testing.T, args ...string) result {
	t.Helper()
	return runCLI(t, nil, "", append(append([]string{"mock"}, args...), "--mock", s.origin)...)
}

func (s *scripted) status(t *testing.T, id string) client.TransactionStatus {
	t.Helper()
	tx, err := s.c.GetTransaction(t.Context(), id)
	require.NoError(t, err)
	return tx.Status
}

func (s *scripted) webhooks() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.got...)
}

// TestScriptTransitions: each command changes the session it names as its name says, prints
// the transaction, and exits 1 with the mock's reason when the mock refuses.
func TestScriptTransitions(t *testing.T) {
	s := newScripted(t)
	for _, tt := range []struct {
		args   []string
		status client.TransactionStatus
	}{
		{[]string{"pay", "--medium", "CBE"}, client.TransactionStatusSUCCESS},
		{[]string{"fail", "--medium", "MPESA"}, client.TransactionStatusFAILED},
		{[]string{"cancel"}, client.TransactionStatusCANCELLED},
		{[]string{"expire"}, client.TransactionStatusCANCELLED},
	} {
		t.Run(tt.args[0], func(t *testing.T) {
			id := s.checkout(t, "SCRIPT-"+tt.args[0]).LakipayTransactionID
			r := s.run(t, append([]string{tt.args[0], id}, tt.args[1:]...)...)
			require.Equal(t, exitOK, r.code, r.stderr)
			assert.Regexp(t, `status\s+`+string(tt.status), r.stdout)
			assert.Equal(t, tt.status, s.status(t, id))

			again := s.run(t, append([]string{tt.args[0], id}, tt.args[1:]...)...)
			assert.Equal(t, exitFailed, again.code)
			assert.Contains(t, again.stderr, "the mock answered HTTP 409: contracttest: transaction is already final")
		})
	}
	t.Run("set-status", func(t *testing.T) {
		id := s.checkout(t, "SCRIPT-status").LakipayTransactionID
		r := s.run(t, "set-status", id, "REFUNDED", "--medium", "AWASH", "--json")
		require.Equal(t, exitOK, r.code, r.stderr)
		var tx client.Transaction
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &tx), "--json prints the mock's answer")
		assert.Equal(t, client.TransactionStatus("REFUNDED"), tx.Status)
		assert.Equal(t, client.Medium("AWASH"), tx.Medium)
	})
	t.Run("decline", func(t *testing.T) {
		session := s.checkout(t, "SCRIPT-decline")
		r := s.run(t, "decline", session.LakipayTransactionID)
		require.Equal(t, exitOK, r.code, r.stderr)
		back, err := contracttest.NewShopper(nil).Pay(t.Context(), session.CheckoutURL, client.MediumMPESA)
		require.NoError(t, err)
		assert.Equal(t, "https://s.example/ko", back)
		assert.Equal(t, client.TransactionStatusFAILED, s.status(t, session.LakipayTransactionID))
	})
	t.Run("refusals", func(t *testing.T) {
		id := s.checkout(t, "SCRIPT-refused").LakipayTransactionID
		for _, tt := range []struct {
			args []string
			want string
		}{
			{[]string{"pay", "TXN-nope", "--medium", "MPESA"}, `HTTP 404: contracttest: unknown transaction "TXN-nope"`},
			{[]string{"pay", id, "--medium", "ETHSWITCH"}, "HTTP 400: contracttest: medium not offered by this session: \"ETHSWITCH\" (offered: MPESA, CBE)"},
			{[]string{"pay", id, "--medium", "BITCOIN"}, `HTTP 400: contracttest: bad /_mock/ request: medium "BITCOIN"`},
			{[]string{"set-status", id, "refunded"}, "HTTP 400: contracttest: invalid script"},
			{[]string{"release", id}, "HTTP 400: contracttest: invalid script: the webhooks of " + id + " are not held"},
		} {
			r := s.run(t, tt.args...)
			assert.Equal(t, exitFailed, r.code, "%v: %s", tt.args, r.stderr)
			assert.Contains(t, r.stderr, tt.want, tt.args)
		}
		assert.Equal(t, client.TransactionStatusINITIATED, s.status(t, id), "nothing changed")
	})
}

// TestScriptHoldReleaseWait: a held webhook is not sent until release; wait then reports
// the receiver's acceptance, and fails when none can come.
func TestScriptHoldReleaseWait(t *testing.T) {
	s := newScripted(t)
	id := s.checkout(t, "SCRIPT-hold").LakipayTransactionID
	r := s.run(t, "hold", id)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, id+": holding the webhooks (0)")
	require.Equal(t, exitOK, s.run(t, "pay", id, "--medium", "MPESA").code)

	r = s.run(t, "wait", id, "SUCCESS", "--timeout", "100ms")
	assert.Equal(t, exitFailed, r.code, "held: not accepted in time")
	assert.Contains(t, r.stderr, "HTTP 504")
	assert.Empty(t, s.webhooks(), "nothing was sent")

	r = s.run(t, "release", id)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, id+": released the webhooks (1)")
	assert.Contains(t, r.stdout, id+" SUCCESS genuine attempt 0: held (not sent yet)")
	r = s.run(t, "wait", id, "SUCCESS")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, id+" SUCCESS genuine attempt 1: HTTP 200")
	assert.Equal(t, []string{id + "/SUCCESS"}, s.webhooks())

	r = s.run(t, "wait", id, "FAILED")
	assert.Equal(t, exitFailed, r.code)
	assert.Contains(t, r.stderr, "HTTP 409")
}

// TestScriptDeliverFaultsAndReset: deliver sends a case now and prints the answer; fault,
// fail-next and latency change the API's next answers as they say; reset forgets.
func TestScriptDeliverFaultsAndReset(t *testing.T) {
	s := newScripted(t)
	id := s.checkout(t, "SCRIPT-deliver").LakipayTransactionID
	r := s.run(t, "deliver", id, "unsigned")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, id+" SUCCESS unsigned attempt 1: HTTP 200", "the receiver's answer, whatever it is")
	r = s.run(t, "deliver", id, "nonsense")
	assert.Equal(t, exitFailed, r.code)
	assert.Contains(t, r.stderr, "HTTP 400")

	r = s.run(t, "fault", "getTransaction", "rate_limited", "--count", "2")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, "the next 2 getTransaction call(s) fail with rate_limited")
	for range 2 {
		_, err := s.c.GetTransaction(t.Context(), id)
		var ae *client.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, http.StatusTooManyRequests, ae.StatusCode)
	}
	assert.Equal(t, client.TransactionStatusINITIATED, s.status(t, id), "the third call is answered")
	r = s.run(t, "fault", "getTransaction", "gremlins")
	assert.Equal(t, exitFailed, r.code)
	assert.Contains(t, r.stderr, `unknown fault "gremlins"`)

	r = s.run(t, "fail-next", "createCheckout", "503", "--code", "PROVIDER_ERROR")
	require.Equal(t, exitOK, r.code, r.stderr)
	amount, err := client.ParseAmount("10")
	require.NoError(t, err)
	_, err = s.c.CreateCheckout(t.Context(), client.CheckoutRequest{Amount: amount, Currency: "ETB", PhoneNumber: "251911111111",
		Reference: "SCRIPT-503", Redirects: client.Redirects{Success: "https://s.example/ok", Failed: "https://s.example/ko"},
		SupportedMediums: []client.Medium{client.MediumMPESA}})
	var ae *client.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, http.StatusServiceUnavailable, ae.StatusCode)
	assert.Equal(t, client.ErrorCodeProviderError, ae.Code)

	require.Equal(t, exitOK, s.run(t, "latency", "1ms").code)
	require.Equal(t, exitOK, s.run(t, "latency", "0s").code)

	r = s.run(t, "reset")
	require.Equal(t, exitOK, r.code, r.stderr)
	_, err = s.c.GetTransaction(t.Context(), id)
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, http.StatusNotFound, ae.StatusCode, "the reset forgot the session")
}

// TestScriptUsage: what the CLI itself can tell is wrong is usage (exit 2), before anything is
// sent; a mock nobody runs is a failure (exit 1).
func TestScriptUsage(t *testing.T) {
	var calls int
	var mu sync.Mutex
	watch := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		mu.Lock()
		calls++
		mu.Unlock()
	}))
	defer watch.Close()
	for _, args := range [][]string{
		{"pay", "TXN-1"}, // no --medium
		{"pay", "TXN-1", "TXN-2", "--medium", "MPESA"},
		{"cancel"},
		{"fail-next", "createCheckout", "five hundred"},
		{"latency", "soon"},
		{"latency", "-1s"},
		{"wait", "TXN-1", "SUCCESS", "--timeout", "forever"},
		{"reset", "now"},
		{"cancel", "TXN-1", "--mock", ""},
		{"cancel", "TXN-1", "--mock", "ftp://127.0.0.1"},
		{"cancel", "TXN-1", "--mock", watch.URL + "/elsewhere"},
		{"cancel", "TXN-1", "--mock", watch.URL + "?x=1"},
	} {
		if !slices.Contains(args, "--mock") {
			args = append(args, "--mock", watch.URL)
		}
		r := runCLI(t, nil, "", append([]string{"mock"}, args...)...)
		assert.Equal(t, exitUsage, r.code, "%v: %s", args, r.stderr)
	}
	assert.Zero(t, calls, "nothing was sent")

	r := runCLI(t, nil, "", "mock", "reset", "--mock", watch.URL+"/api/v2")
	assert.Equal(t, exitOK, r.code, "the API base URL names the mock too: %s", r.stderr)
	r = runCLI(t, nil, "", "mock", "reset", "--mock", "http://127.0.0.1:1")
	assert.Equal(t, exitFailed, r.code)
	assert.Contains(t, r.stderr, "is lakipay mock running there?")
}
