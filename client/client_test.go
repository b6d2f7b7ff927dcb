package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/internal/apikey"
	"github.com/lakipay/checkout-go/internal/secrettest"
)

// TestNewRefusesMalformedKeys checks every rule of the key: each refusal wraps
// ErrInvalidAPIKey, names the rule, carries one "lakipay: " and never repeats the key.
func TestNewRefusesMalformedKeys(t *testing.T) {
	tests := []struct{ name, key, rule string }{
		{"empty", "", "it is empty"},
		{"no colon", testSecret, "it has no ':'"},
		{"only a colon", ":", "PUBLICKEY, before the ':', is empty"},
		{"no public half", ":" + testSecret, "PUBLICKEY, before the ':', is empty"},
		{"no secret half", "pk_test_merchant:", "SECRETKEY, after the ':', is empty"},
		{"one-character secret", "x:y", "SECRETKEY is shorter than 8 characters"},
		{"a secret that is a currency", "pk_test_a:ETB", "SECRETKEY is shorter than 8 characters"},
		{"space in secret", "pk_test_merchant:" + testSecret + " x", "SECRETKEY contains whitespace"},
		{"newline", "pk_test_merchant:" + testSecret + "\n", "SECRETKEY contains whitespace"},
		{"control character", "pk_test_merchant:" + testSecret + "\x01", "SECRETKEY contains a control character"},
		{"DEL", "pk_test_merchant:" + testSecret + "\x7f", "SECRETKEY contains a control character"},
		{"non-ASCII", "pk_test_merchant:" + testSecret + "é", "SECRETKEY contains a character outside printable ASCII"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(tt.key)
			require.Error(t, err)
			assert.Nil(t, c)
			assert.ErrorIs(t, err, ErrInvalidAPIKey)
			assert.True(t, strings.HasPrefix(err.Error(), "lakipay: invalid API key: "+tt.rule), err.Error())
			assert.Equal(t, 1, strings.Count(err.Error(), "lakipay:"), err.Error())
			assertNoSecret(t, err.Error(), "New error")
			assertNoSecret(t, fmt.Sprintf("%#v", err), "New error %#v")
		})
	}
}

func TestNewDefaults(t *testing.T) {
	c, err := New(testAPIKey)
	require.NoError(t, err)
	assert.Equal(t, DefaultBaseURL, c.BaseURL())
	assert.Equal(t, DefaultTimeout, c.cfg.timeout)
	assert.Equal(t, DefaultRetryPolicy(), c.cfg.retry)
	assert.Equal(t, "lakipay-go/"+Version, c.cfg.userAgent)
}

func TestOptions(t *testing.T) {
	tests := []struct {
		name string
		opt  Option
		want string // "" when the option is valid
	}{
		{"base URL https", WithBaseURL("https://sandbox.example/api/v2/"), ""},
		{"base URL http loopback", WithBaseURL("http://127.0.0.1:8080/api/v2"), ""},
		{"base URL relative", WithBaseURL("/api/v2"), "absolute http or https"},
		{"base URL ftp", WithBaseURL("ftp://api.lakipay.co/api/v2"), "absolute http or https"},
		{"base URL without host", WithBaseURL("https:///api/v2"), "no host"},
		{"base URL with credentials", WithBaseURL("https://user:pass@api.lakipay.co/api/v2"), "credentials"},
		{"base URL with query", WithBaseURL("https://api.lakipay.co/api/v2?x=1"), "query or fragment"},
		{"base URL with fragment", WithBaseURL("https://api.lakipay.co/api/v2#x"), "query or fragment"},
		{"base URL unparsable", WithBaseURL("https://api.lakipay.co:port/"), "not a URL"},
		{"HTTP client", WithHTTPClient(&http.Client{}), ""},
		{"nil HTTP client", WithHTTPClient(nil), "HTTP client is nil"},
		{"timeout", WithTimeout(time.Second), ""},
		{"zero timeout", WithTimeout(0), "timeout must be positive"},
		{"negative timeout", WithTimeout(-time.Second), "timeout must be positive"},
		{"retry", WithRetry(RetryPolicy{MaxAttempts: 5, BaseDelay: time.Millisecond, MaxDelay: time.Second}), ""},
		{"no retry", WithRetry(RetryPolicy{MaxAttempts: 1}), ""},
		{"zero retry policy", WithRetry(RetryPolicy{}), "MaxAttempts must be 1 to 10"},
		{"too many attempts", WithRetry(RetryPolicy{MaxAttempts: 11, BaseDelay: time.Millisecond, MaxDelay: time.Second}), "MaxAttempts must be 1 to 10"},
		{"retries without delay", WithRetry(RetryPolicy{MaxAttempts: 3, MaxDelay: time.Second}), "BaseDelay must be positive"},
		{"negative delay", WithRetry(RetryPolicy{MaxAttempts: 1, BaseDelay: -1}), "must not be negative"},
		{"max below base", WithRetry(RetryPolicy{MaxAttempts: 2, BaseDelay: time.Second, MaxDelay: time.Millisecond}), "MaxDelay (1ms) must be at least BaseDelay (1s)"},
		{"user agent", WithUserAgent("shop/1.2"), ""},
		{"empty user agent", WithUserAgent("  "), "user agent is empty"},
		{"user agent header injection", WithUserAgent("shop\r\nX-API-Key: x"), "printable ASCII"},
		{"logger", WithLogger(slog.Default()), ""},
		{"nil logger", WithLogger(nil), "logger is nil"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(testAPIKey, tt.opt)
			if tt.want == "" {
				require.NoError(t, err)
				assert.NotNil(t, c)
				return
			}
			require.Error(t, err)
			assert.Nil(t, c)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestOptionsApply(t *testing.T) {
	hc := &http.Client{Timeout: time.Minute}
	c, err := New(testAPIKey, WithBaseURL("https://sandbox.example/api/v2/"), WithHTTPClient(hc),
		WithTimeout(5*time.Second), WithUserAgent("shop/1.2"), nil)
	require.NoError(t, err)
	assert.Equal(t, "https://sandbox.example/api/v2", c.BaseURL(), "trailing slash trimmed")
	assert.Equal(t, 5*time.Second, c.cfg.timeout)
	assert.Equal(t, "lakipay-go/"+Version+" shop/1.2", c.cfg.userAgent)
	assert.NotSame(t, hc, c.cfg.httpClient, "the caller's client is copied")
	assert.Nil(t, hc.CheckRedirect, "the caller's client is not modified")
	assert.NotNil(t, c.cfg.httpClient.CheckRedirect, "redirects are never followed")
}

func TestNewFromEnv(t *testing.T) {
	t.Run("key and base URL", func(t *testing.T) {
		t.Setenv(EnvAPIKey, testAPIKey)
		t.Setenv(EnvBaseURL, "http://127.0.0.1:9/api/v2")
		c, err := NewFromEnv()
		require.NoError(t, err)
		assert.Equal(t, "http://127.0.0.1:9/api/v2", c.BaseURL())
	})
	t.Run("options override the environment", func(t *testing.T) {
		t.Setenv(EnvAPIKey, testAPIKey)
		t.Setenv(EnvBaseURL, "http://127.0.0.1:9/api/v2")
		c, err := NewFromEnv(WithBaseURL("https://other.example/v2"))
		require.NoError(t, err)
		assert.Equal(t, "https://other.example/v2", c.BaseURL())
	})
	t.Run("default base URL", func(t *testing.T) {
		t.Setenv(EnvAPIKey, testAPIKey)
		t.Setenv(EnvBaseURL, "") // restored when the test ends
		require.NoError(t, os.Unsetenv(EnvBaseURL))
		c, err := NewFromEnv()
		require.NoError(t, err)
		assert.Equal(t, DefaultBaseURL, c.BaseURL())
	})
	// A base URL variable that is set but empty is a configuration gone missing
	// (LAKIPAY_BASE_URL=$UNSET), never a request for production.
	for _, empty := range []string{"", " ", "\t\n"} {
		t.Run(fmt.Sprintf("base URL set but %q", empty), func(t *testing.T) {
			t.Setenv(EnvAPIKey, testAPIKey)
			t.Setenv(EnvBaseURL, empty)
			c, err := NewFromEnv()
			require.Error(t, err)
			assert.Nil(t, c)
			assert.ErrorContains(t, err, EnvBaseURL+" is set but empty")
		})
	}
	t.Run("missing key", func(t *testing.T) {
		t.Setenv(EnvAPIKey, "")
		_, err := NewFromEnv()
		assert.ErrorIs(t, err, ErrInvalidAPIKey)
		assert.ErrorContains(t, err, EnvAPIKey+" is not set")
	})
	t.Run("malformed key", func(t *testing.T) {
		t.Setenv(EnvAPIKey, testSecret)
		_, err := NewFromEnv()
		assert.ErrorIs(t, err, ErrInvalidAPIKey)
		assertNoSecret(t, err.Error(), "NewFromEnv error")
	})
	t.Run("malformed base URL", func(t *testing.T) {
		t.Setenv(EnvAPIKey, testAPIKey)
		t.Setenv(EnvBaseURL, "api.lakipay.co")
		_, err := NewFromEnv()
		assert.ErrorContains(t, err, "absolute http or https")
	})
}

func TestRequestHeaders(t *testing.T) {
	srv := newServer(t, reply(http.StatusOK, docsResponse))
	c, _ := testClient(t, srv.baseURL(), WithUserAgent("shop/1.2"))
	_, err := c.CreateCheckout(context.Background(), docsRequest(t))
	require.NoError(t, err)
	got := srv.seen()
	require.Len(t, got, 1)
	assert.True(t, got[0].Header.Get("X-API-Key") == testAPIKey, "X-API-Key carries the configured key")
	assert.Equal(t, "lakipay-go/"+Version+" shop/1.2", got[0].Header.Get("User-Agent"))
	assert.Equal(t, "application/json", got[0].Header.Get("Content-Type"))
	assert.Empty(t, got[0].Header.Get("Accept"), "every answer is JSON: nothing to negotiate")
}

// TestSecretNeverLeaks sends a canary secret through every error path and every way of
// printing a client and checks that it never comes out.
func TestSecretNeverLeaks(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	echo := func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get("X-API-Key")
		w.Header().Set("X-Echo", key)
		reply(http.StatusUnauthorized, `{"status":"ERROR","message":"bad key `+key+`","error_code":"INVALID_API_KEY","errors":{"api_key":["`+key+` is not valid"]}}`)(w, r)
	}
	echoHTML := func(w http.ResponseWriter, r *http.Request) {
		reply(http.StatusBadGateway, "<html>upstream saw "+r.Header.Get("X-API-Key")+"</html>", "Content-Type", "text/html")(w, r)
	}
	echo200 := func(w http.ResponseWriter, r *http.Request) {
		reply(http.StatusOK, `{"success":false,"message":"key `+r.Header.Get("X-API-Key")+` refused"}`)(w, r)
	}
	refused := closedAddr(t)
	ctx := context.Background()

	var errs []error
	for _, h := range []http.HandlerFunc{echo, echoHTML, echo200, hangUp} {
		srv := newServer(t, h)
		c, _ := testClient(t, srv.baseURL(), WithLogger(logger))
		_, err := c.CreateCheckout(ctx, docsRequest(t))
		errs = append(errs, err)
		_, err = c.GetTransaction(ctx, "TXN-1")
		errs = append(errs, err)
	}
	c, _ := testClient(t, "http://"+refused+"/api/v2", WithLogger(logger))
	_, err := c.GetTransaction(ctx, "TXN-1")
	errs = append(errs, err)
	bad := docsRequest(t)
	bad.Currency = "etb"
	_, err = c.CreateCheckout(ctx, bad)
	errs = append(errs, err)
	_, err = c.GetTransaction(ctx, "")
	errs = append(errs, err)
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = c.WaitForTransaction(canceled, "TXN-1")
	errs = append(errs, err)
	slow := newServer(t, func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	c, _ = testClient(t, slow.baseURL(), WithLogger(logger), WithTimeout(20*time.Millisecond), WithRetry(RetryPolicy{MaxAttempts: 1}))
	_, err = c.CreateCheckout(ctx, docsRequest(t))
	errs = append(errs, err)
	for _, key := range []string{testSecret, "pk:" + testSecret + "\n", ":" + testSecret} {
		_, err = New(key)
		errs = append(errs, err)
	}

	for i, err := range errs {
		require.Error(t, err, "error path %d", i)
		for _, text := range []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
			assertNoSecret(t, text, fmt.Sprintf("error path %d", i))
		}
		var apiErr *APIError
		if errors.As(err, &apiErr) {
			assertNoSecret(t, string(apiErr.Body), fmt.Sprintf("APIError.Body of error path %d", i))
			assertNoSecret(t, fmt.Sprint(apiErr.Errors), fmt.Sprintf("APIError.Fields of error path %d", i))
		}
	}
	require.NotEmpty(t, logs.String(), "debug records were written")
	assertNoSecret(t, logs.String(), "debug log")

	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		assertNoSecret(t, fmt.Sprintf(verb, c), "*Client "+verb)
		assertNoSecret(t, fmt.Sprintf(verb, *c), "Client "+verb)
		assertNoSecret(t, fmt.Sprintf(verb, c.cfg), "config "+verb)
		assertNoSecret(t, fmt.Sprintf(verb, c.cfg.key), "key "+verb)
	}
	assert.Contains(t, fmt.Sprintf("%v", c), "pk_test_merchant:"+apikey.Marker)
	logs.Reset()
	logger.Info("client", "client", c, "config", c.cfg, "key", c.cfg.key)
	assertNoSecret(t, logs.String(), "slog of client, config and key")
	assert.Contains(t, logs.String(), "pk_test_merchant")
	var jsonLogs bytes.Buffer
	slog.New(slog.NewJSONHandler(&jsonLogs, nil)).Info("client", "client", c, slog.Group("g", "config", c.cfg, "key", c.cfg.key))
	assertNoSecret(t, jsonLogs.String(), "slog JSON of client, config and key")
	assert.Contains(t, jsonLogs.String(), "pk_test_merchant")
}

// assertNoSecret fails when text contains the canary secret, plainly or escaped, without
// printing it (secrettest masks it in the failure message).
func assertNoSecret(t *testing.T, text, what string) {
	t.Helper()
	secrettest.Absent(t, text, testSecret, what)
}

// closedAddr returns a loopback address nothing listens on: connecting to it is refused.
func closedAddr(t testing.TB) string {
	t.Helper()
	l, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}

func TestLogsOneRecordPerAttempt(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv := newServer(t, reply(http.StatusServiceUnavailable, `{"status":"ERROR","message":"busy"}`), reply(http.StatusOK, transactionBody(TransactionStatusPENDING)))
	c, _ := testClient(t, srv.baseURL(), WithLogger(logger))
	_, err := c.GetTransaction(context.Background(), "TXN-123456789")
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	require.Len(t, lines, 2)
	assert.Contains(t, lines[0], "attempt=1")
	assert.Contains(t, lines[0], "status=503")
	assert.Contains(t, lines[1], "attempt=2")
	assert.Contains(t, lines[1], "status=200")
	assert.Contains(t, lines[1], "path=/api/v2/payment/transaction/TXN-123456789")
}

// TestNilContext checks that a nil context is an error, not a panic inside net/http.
func TestNilContext(t *testing.T) {
	srv := newServer(t, reply(http.StatusOK, docsResponse))
	c, _ := testClient(t, srv.baseURL())
	var nilCtx context.Context
	_, err := c.CreateCheckout(nilCtx, docsRequest(t))
	assert.ErrorContains(t, err, "nil context")
	_, err = c.GetTransaction(nilCtx, "TXN-1")
	assert.ErrorContains(t, err, "nil context")
	_, err = c.WaitForTransaction(nilCtx, "TXN-1")
	assert.ErrorContains(t, err, "nil context")
	assert.Empty(t, srv.seen())
}

// TestClientsShareConnections: a service that makes a Client per request (or a test that
// makes thousands) reuses one pool of connections, as with http.DefaultTransport; a
// transport per Client would keep each one's connection open for 90 seconds, until the
// process runs out of file descriptors (FuzzEchoedSecret's workers did, at stop 25).
func TestClientsShareConnections(t *testing.T) {
	var opened atomic.Int32
	srv := httptest.NewUnstartedServer(reply(http.StatusOK, transactionBody(TransactionStatusSUCCESS)))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			opened.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	for range 50 {
		c, err := New(testAPIKey, WithBaseURL(srv.URL+"/api/v2"))
		require.NoError(t, err)
		_, err = c.GetTransaction(context.Background(), "TXN-1")
		require.NoError(t, err)
	}
	assert.Equal(t, int32(1), opened.Load(), "50 clients, one after another, open one connection")
}

// TestAnswerHeadersAreBounded: a server (or whatever a wrong base URL reaches) that sends
// megabytes of headers costs the client at most maxResponseHeaderBytes of them, never
// net/http's 10 MiB, which an error would quote and the secret's redaction would search.
func TestAnswerHeadersAreBounded(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, _ *http.Request) {
		for i := range 200 { // 200 headers of 1 KiB: 200 KiB
			w.Header().Set(fmt.Sprintf("X-Pad-%d", i), strings.Repeat("a", 1<<10))
		}
		w.WriteHeader(http.StatusOK)
	})
	c, err := New(testAPIKey, WithBaseURL(srv.baseURL()), WithRetry(RetryPolicy{MaxAttempts: 1}))
	require.NoError(t, err)
	_, err = c.GetTransaction(context.Background(), "TXN-1")
	require.Error(t, err)
	assert.ErrorContains(t, err, "server response headers exceeded 65536 bytes")
	var apiErr *APIError
	assert.False(t, errors.As(err, &apiErr), "no answer was read")
}
