package client_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/contracttest"
)

// faultPolicy is the retry policy of the failure matrix (the table in doc.go assumes it):
// with jitter 0, the waits are 50ms, 100ms.
var faultPolicy = client.RetryPolicy{MaxAttempts: 3, BaseDelay: 100 * time.Millisecond, MaxDelay: 2 * time.Second}

// outcome is what one operation's caller gets from one fault.
type outcome struct {
	// doc is the row's text in doc.go's "# Failure matrix".
	doc string
	// reached is how many requests reached the fake.
	reached int
	// waits are the backoff waits the client asked for (attempts = len(waits)+1, unless
	// the context ended during the last wait).
	waits []time.Duration
	// errIs lists what the error must wrap; empty (and no status) means success.
	errIs []error
	// status, code and retryAfter describe the *client.APIError the error must wrap (status 0: none).
	status     int
	code       client.ErrorCode
	retryAfter time.Duration
	// message is a piece of the error's text.
	message string
}

// faultRow is one fault, run against both operations.
type faultRow struct {
	name    string
	fault   contracttest.Fault // injected count times into the operation under test
	count   int
	refused bool // the client calls an address nothing listens on
	cancel  bool // the caller's context is cancelled during the first backoff wait
	timeout time.Duration
	post    outcome // createCheckout
	get     outcome // getTransaction
}

var (
	ms50       = 50 * time.Millisecond
	oneRetry   = []time.Duration{ms50}
	twoRetries = []time.Duration{ms50, 100 * time.Millisecond}
	retriedOK  = outcome{doc: "retried after 50ms, then the transaction", reached: 2, waits: oneRetry}
)

// faultMatrix is the source of doc.go's "# Failure matrix": TestFailureMatrixIsDocumented
// fails when the two differ.
var faultMatrix = []faultRow{
	{name: "timeout", fault: contracttest.FaultTimeout, timeout: ms50,
		post: outcome{doc: "error wrapping context.DeadlineExceeded; not retried", reached: 1, errIs: []error{context.DeadlineExceeded}},
		get:  retriedOK},
	{name: "connection refused", refused: true,
		post: outcome{doc: "error wrapping syscall.ECONNREFUSED after 3 attempts", waits: twoRetries, errIs: []error{syscall.ECONNREFUSED}},
		get:  outcome{doc: "error wrapping syscall.ECONNREFUSED after 3 attempts", waits: twoRetries, errIs: []error{syscall.ECONNREFUSED}}},
	{name: "connection reset", fault: contracttest.FaultConnectionReset,
		post: outcome{doc: "transport error (no *APIError); not retried", reached: 1, errIs: []error{errTransport}},
		get:  retriedOK},
	{name: "500 (every attempt)", fault: contracttest.FaultInternalError, count: 3,
		post: outcome{doc: "*APIError 500 PROVIDER_ERROR; not retried", reached: 1, status: 500, code: "PROVIDER_ERROR"},
		get:  outcome{doc: "*APIError 500 PROVIDER_ERROR after 3 attempts", reached: 3, waits: twoRetries, status: 500, code: "PROVIDER_ERROR"}},
	{name: "502 with an HTML body", fault: contracttest.FaultBadGateway,
		post: outcome{doc: "*APIError 502, Code \"\", Message quotes the HTML; not retried", reached: 1, status: 502, message: `Bad Gateway (non-JSON body "<html>`},
		get:  retriedOK},
	{name: "503 then 200", fault: contracttest.FaultUnavailable,
		post: outcome{doc: "*APIError 503 PROVIDER_ERROR; not retried", reached: 1, status: 503, code: "PROVIDER_ERROR"},
		get:  retriedOK},
	{name: "429 with Retry-After: 1", fault: contracttest.FaultRateLimited,
		post: outcome{doc: "*APIError 429 RATE_LIMITED, RetryAfter 1s; not retried", reached: 1, status: 429, code: "RATE_LIMITED", retryAfter: time.Second},
		get:  outcome{doc: "waits the 1s Retry-After asks for, then the transaction", reached: 2, waits: []time.Duration{time.Second}}},
	{name: "429 without Retry-After", fault: contracttest.FaultRateLimitedNoRetryAfter,
		post: outcome{doc: "*APIError 429 RATE_LIMITED, RetryAfter 0; not retried", reached: 1, status: 429, code: "RATE_LIMITED"},
		get:  retriedOK},
	{name: "truncated JSON", fault: contracttest.FaultTruncatedBody,
		post: outcome{doc: "error wrapping io.ErrUnexpectedEOF; not retried", reached: 1, errIs: []error{io.ErrUnexpectedEOF}},
		get:  retriedOK},
	{name: "malformed JSON (200)", fault: contracttest.FaultMalformedJSON,
		post: outcome{doc: "ErrUnexpectedResponse; not retried", reached: 1, errIs: []error{client.ErrUnexpectedResponse}},
		get:  outcome{doc: "ErrUnexpectedResponse; not retried", reached: 1, errIs: []error{client.ErrUnexpectedResponse}}},
	{name: "wrong content type", fault: contracttest.FaultWrongContentType,
		post: outcome{doc: "the session: valid JSON is read whatever its label", reached: 1},
		get:  outcome{doc: "the transaction: valid JSON is read whatever its label", reached: 1}},
	{name: "20 MiB body (200)", fault: contracttest.FaultHugeBody,
		post: outcome{doc: "ErrResponseTooLarge after reading 1 MiB; not retried", reached: 1, errIs: []error{client.ErrResponseTooLarge}},
		get:  outcome{doc: "ErrResponseTooLarge after reading 1 MiB; not retried", reached: 1, errIs: []error{client.ErrResponseTooLarge}}},
	{name: "ctx cancelled in backoff", fault: contracttest.FaultUnavailable, count: 3, cancel: true,
		// A checkout POST only ever waits to retry a refused connection.
		post: outcome{doc: "(connection refused) error wrapping context.Canceled and ECONNREFUSED", waits: oneRetry, errIs: []error{context.Canceled, syscall.ECONNREFUSED}},
		get:  outcome{doc: "error wrapping context.Canceled and the last *APIError 503", reached: 1, waits: oneRetry, errIs: []error{context.Canceled}, status: 503, code: "PROVIDER_ERROR"}},
}

// errTransport stands for "a transport error that is not an *APIError" in an outcome.
var errTransport = errors.New("transport error")

// TestFailureMatrix runs every fault of faultMatrix against createCheckout and
// getTransaction through the fake LakiPay and checks what the caller gets, how many requests
// reached the fake (a checkout POST at most once, unless the connection was refused), the
// waits, that nothing panics, that no goroutine is left behind and that the canary secret
// appears in no error or log record. Waits are recorded, not slept: only the timeout row
// waits for real (50ms per attempt).
func TestFailureMatrix(t *testing.T) {
	for _, row := range faultMatrix {
		for _, op := range []contracttest.Operation{contracttest.OpCreateCheckout, contracttest.OpGetTransaction} {
			want := row.post
			if op == contracttest.OpGetTransaction {
				want = row.get
			}
			t.Run(row.name+"/"+string(op), func(t *testing.T) {
				runFaultRow(t, row, op, want)
			})
		}
	}
}

func runFaultRow(t *testing.T, row faultRow, op contracttest.Operation, want outcome) {
	leaks := goleak.IgnoreCurrent()
	fake, err := contracttest.NewFake(contracttest.WithSigningKey(client.LakipayKey()))
	require.NoError(t, err)
	srv := httptest.NewServer(fake)
	// Each attempt gets a fresh connection: net/http itself never resends then, so every
	// request the fake counts is one the client decided to make.
	transport := &http.Transport{DisableKeepAlives: true}
	defer func() {
		srv.Close()
		require.NoError(t, fake.Close())
		transport.CloseIdleConnections()
		goleak.VerifyNone(t, leaks, goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
			goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"))
	}()

	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	opts := []client.Option{client.WithRetry(faultPolicy), client.WithLogger(logger), client.WithHTTPClient(&http.Client{Transport: transport}), client.WithTimeout(2 * time.Second)}
	if row.timeout > 0 {
		opts = append(opts, client.WithTimeout(row.timeout))
	}
	c, sl := client.TestClient(t, srv.URL+"/api/v2", opts...)
	id := "TXN-0000000000000000"
	if op == contracttest.OpGetTransaction && !row.refused {
		session, err := c.CreateCheckout(context.Background(), client.DocsRequest(t))
		require.NoError(t, err, "setting up a session")
		id = session.LakipayTransactionID
	}
	refused := row.refused || (row.cancel && op == contracttest.OpCreateCheckout)
	if refused {
		c, sl = client.TestClient(t, "http://"+client.ClosedAddr(t)+"/api/v2", opts...)
	} else {
		require.NoError(t, fake.InjectFaultN(op, row.fault, max(row.count, 1)))
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if row.cancel {
		sl.SetHook(func(int) { cancel() })
	}
	before := fake.Requests(op)

	var result any
	assert.NotPanics(t, func() {
		if op == contracttest.OpCreateCheckout {
			req := client.DocsRequest(t)
			req.Reference = "ORDER-FAULT-" + strings.ReplaceAll(row.name, " ", "-")
			result, err = c.CreateCheckout(ctx, req)
		} else {
			result, err = c.GetTransaction(ctx, id)
		}
	})

	assert.Equal(t, want.reached, fake.Requests(op)-before, "requests that reached LakiPay")
	assert.Equal(t, want.waits, sl.Recorded(), "backoff waits")
	if op == contracttest.OpCreateCheckout && !refused {
		assert.LessOrEqual(t, fake.Requests(op)-before, 1, "a checkout POST that may have arrived is never repeated")
	}
	checkOutcome(t, want, result, err)
	client.AssertNoSecret(t, logs.String(), "debug log")
	if err != nil {
		for _, text := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
			client.AssertNoSecret(t, text, "error")
		}
	}
}

func checkOutcome(t *testing.T, want outcome, result any, err error) {
	t.Helper()
	if len(want.errIs) == 0 && want.status == 0 {
		require.NoError(t, err)
		assert.NotNil(t, result)
		return
	}
	require.Error(t, err)
	for _, target := range want.errIs {
		if errors.Is(target, errTransport) {
			var apiErr *client.APIError
			assert.False(t, errors.As(err, &apiErr), "a transport error, not an *APIError: %v", err)
			assert.False(t, errors.Is(err, client.ErrUnexpectedResponse), "a transport error: %v", err)
			continue
		}
		assert.ErrorIs(t, err, target)
	}
	var apiErr *client.APIError
	if want.status == 0 {
		assert.False(t, errors.As(err, &apiErr), "no *APIError: %v", err)
	} else if assert.ErrorAs(t, err, &apiErr) {
		assert.Equal(t, want.status, apiErr.StatusCode)
		assert.Equal(t, want.code, apiErr.Code)
		assert.Equal(t, want.retryAfter, apiErr.RetryAfter)
	}
	assert.Contains(t, err.Error(), want.message)
}

// TestFailureMatrixIsDocumented keeps doc.go's "# Failure matrix" table equal to faultMatrix,
// which the tests above prove: a changed behaviour must change both.
func TestFailureMatrixIsDocumented(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	require.NoError(t, err)
	want := failureMatrixDoc()
	if !strings.Contains(string(doc), want) {
		t.Errorf("client/doc.go's # Failure matrix differs from faultMatrix in faults_test.go; the table should read:\n%s", want)
	}
}

// failureMatrixDoc renders faultMatrix as the code block of doc.go.
func failureMatrixDoc() string {
	var b strings.Builder
	line := func(fault, op, attempts, reached, gets string) {
		fmt.Fprintf(&b, "//\t%-25s %-15s %-9s %-8s %s\n", fault, op, attempts, reached, gets)
	}
	line("fault", "operation", "attempts", "reached", "the caller gets")
	for _, row := range faultMatrix {
		for _, op := range []contracttest.Operation{contracttest.OpCreateCheckout, contracttest.OpGetTransaction} {
			o := row.post
			if op == contracttest.OpGetTransaction {
				o = row.get
			}
			attempts := len(o.waits) + 1
			if row.cancel {
				attempts = len(o.waits) // the context ended in the last wait
			}
			line(row.name, string(op), fmt.Sprint(attempts), fmt.Sprint(o.reached), o.doc)
		}
	}
	return b.String()
}

// TestSecretNeverLeaksThroughTheFake adds to TestSecretNeverLeaks (scripted servers) and
// TestFailureMatrix (faults) the error answers of a stateful LakiPay: an unknown transaction
// (also while waiting for it), a reused reference and a key LakiPay does not know. The canary
// secret appears in no error, client.APIError body or field, nor in the debug log.
func TestSecretNeverLeaksThroughTheFake(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx := context.Background()
	fake, err := contracttest.NewFake(contracttest.WithSigningKey(client.LakipayKey()))
	require.NoError(t, err)
	srv := httptest.NewServer(fake)
	defer func() { srv.Close(); _ = fake.Close() }()
	pinned, err := contracttest.NewFake(contracttest.WithSigningKey(client.LakipayKey()), contracttest.WithAPIKey("pk_test_other:sk_test_other"))
	require.NoError(t, err)
	pinnedSrv := httptest.NewServer(pinned)
	defer func() { pinnedSrv.Close(); _ = pinned.Close() }()

	c, _ := client.TestClient(t, srv.URL+"/api/v2", client.WithLogger(logger))
	stranger, _ := client.TestClient(t, pinnedSrv.URL+"/api/v2", client.WithLogger(logger))
	_, err = c.CreateCheckout(ctx, client.DocsRequest(t))
	require.NoError(t, err)

	paths := []struct {
		name   string
		status int
		call   func() error
	}{
		{"unknown transaction", http.StatusNotFound, func() error { _, err := c.GetTransaction(ctx, "TXN-UNKNOWN"); return err }},
		{"waiting for an unknown transaction", http.StatusNotFound, func() error { _, err := c.WaitForTransaction(ctx, "TXN-UNKNOWN"); return err }},
		{"reused reference", http.StatusBadRequest, func() error { _, err := c.CreateCheckout(ctx, client.DocsRequest(t)); return err }},
		{"unknown key, checkout", http.StatusUnauthorized, func() error { _, err := stranger.CreateCheckout(ctx, client.DocsRequest(t)); return err }},
		{"unknown key, transaction", http.StatusUnauthorized, func() error { _, err := stranger.GetTransaction(ctx, "TXN-1"); return err }},
	}
	for _, p := range paths {
		t.Run(p.name, func(t *testing.T) {
			err := p.call()
			var apiErr *client.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, p.status, apiErr.StatusCode)
			for _, text := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err), string(apiErr.Body), fmt.Sprint(apiErr.Errors)} {
				client.AssertNoSecret(t, text, p.name)
			}
		})
	}
	require.NotEmpty(t, logs.String())
	client.AssertNoSecret(t, logs.String(), "debug log")
}
