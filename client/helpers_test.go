package client

import (
	"bytes"
	"context"
	"crypto/rsa"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/internal/lakipaydocs"
)

// testSecret is a canary: no error, log record or formatted value may ever contain it.
const (
	testSecret = "sk_test_CANARY_7f3a9c"
	testAPIKey = "pk_test_merchant:" + testSecret
)

// docsResponse is the example success body of LakiPay's hosted-checkout page, verbatim.
const docsResponse = lakipaydocs.Response

// docsRequest is the example request of LakiPay's hosted-checkout page.
func docsRequest(t testing.TB) CheckoutRequest {
	t.Helper()
	amount, err := ParseAmount("1000.5")
	require.NoError(t, err)
	return CheckoutRequest{
		Amount:           amount,
		Currency:         "ETB",
		PhoneNumber:      "251911111111",
		Reference:        "ORDER123456",
		Description:      "Payment for order #123",
		CallbackURL:      "https://example.com/callback",
		Redirects:        Redirects{Success: "https://example.com/success", Failed: "https://example.com/failed"},
		SupportedMediums: []Medium{MediumMPESA, MediumTELEBIRR, MediumCBE},
	}
}

func transactionBody(status TransactionStatus) string {
	return `{"status":"SUCCESS","message":"Transaction retrieved successfully","data":{
  "transaction_id":"TXN-123456789","reference":"ORDER123456","amount":1000.5,"currency":"ETB",
  "status":"` + string(status) + `","medium":"MPESA","type":"DEPOSIT",
  "created_at":"2024-01-15T10:30:00Z","updated_at":"2024-01-15T10:31:12Z"}}`
}

// seen is one request a test server received.
type seen struct {
	Method      string
	EscapedPath string
	Header      http.Header
	Body        []byte
}

// server is a scripted test server: the n-th request is answered by the n-th handler (the
// last one answers every request after that).
type server struct {
	*httptest.Server
	mu       sync.Mutex
	requests []seen
}

func newServer(t testing.TB, handlers ...http.HandlerFunc) *server {
	t.Helper()
	require.NotEmpty(t, handlers)
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		n := len(s.requests)
		s.requests = append(s.requests, seen{Method: r.Method, EscapedPath: r.URL.EscapedPath(), Header: r.Header.Clone(), Body: body})
		s.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		handlers[min(n, len(handlers)-1)](w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

// baseURL is the server's URL with LakiPay's base path.
func (s *server) baseURL() string { return s.URL + "/api/v2" }

func (s *server) seen() []seen {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]seen(nil), s.requests...)
}

// reply answers with a status, a JSON body and optional header pairs.
func reply(status int, body string, header ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

// hangUp closes the connection without answering: a network error after the request was sent.
func hangUp(w http.ResponseWriter, _ *http.Request) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		_ = conn.Close()
	}
}

// sleeper replaces the client's waits: it records them and returns at once (or runs a hook).
type sleeper struct {
	mu    sync.Mutex
	waits []time.Duration
	hook  func(n int)
}

func (s *sleeper) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	n := len(s.waits)
	s.mu.Unlock()
	if s.hook != nil {
		s.hook(n)
	}
	return ctx.Err()
}

func (s *sleeper) recorded() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

// testClient returns a client for baseURL whose waits are recorded instead of slept and whose
// jitter is always 0 (a wait is exactly half the exponential delay).
func testClient(t testing.TB, baseURL string, opts ...Option) (*Client, *sleeper) {
	t.Helper()
	c, err := New(testAPIKey, append([]Option{WithBaseURL(baseURL)}, opts...)...)
	require.NoError(t, err)
	s := &sleeper{}
	c.cfg.sleep = s.sleep
	c.cfg.jitter = func(time.Duration) time.Duration { return 0 }
	return c, s
}

// handler builds a webhook handler that the test expects to be valid.
func handler(t testing.TB, key *rsa.PublicKey, fn func(context.Context, *WebhookEvent) error, opts ...WebhookOption) *WebhookHandler {
	t.Helper()
	h, err := NewWebhookHandler(key, fn, opts...)
	require.NoError(t, err)
	return h
}
