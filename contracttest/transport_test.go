package contracttest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/contracttest"
	"github.com/lakipay/checkout-go/internal/contract"
	"github.com/lakipay/checkout-go/internal/secrettest"
)

// stub answers every request with a fixed status, content type and body, and keeps the last
// request body it received.
type stub struct {
	status      int
	contentType string
	body        string

	mu       sync.Mutex
	received []byte
}

func (s *stub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.received = b
	s.mu.Unlock()
	w.Header().Set("Content-Type", s.contentType)
	w.WriteHeader(s.status)
	_, _ = io.WriteString(w, s.body)
}

func (s *stub) lastBody() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.received
}

// exchange sends method url with body through a NewTransport (with opts) to a stub server
// answering status/contentType/respBody, and returns the violations and what the caller read.
func exchange(t *testing.T, method, path, reqBody string, status int, contentType, respBody string, opts ...contracttest.TransportOption) (*collector, string, *stub) {
	t.Helper()
	st := &stub{status: status, contentType: contentType, body: respBody}
	srv := httptest.NewServer(st)
	t.Cleanup(srv.Close)
	var c collector
	hc := &http.Client{Transport: contracttest.NewTransport(nil, c.add, opts...)}
	var body io.Reader
	if reqBody != "" {
		body = strings.NewReader(reqBody)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, srv.URL+"/api/v2"+path, body)
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-API-Key", testKey)
	resp, err := hc.Do(req)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	got, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return &c, string(got), st
}

const txOK = `{"status":"SUCCESS","message":"ok","data":{"transaction_id":"TXN-1","reference":"R-1","amount":10.5,
	"currency":"ETB","status":"%s","created_at":"2024-01-15T10:30:00Z","updated_at":"2024-01-15T10:30:00Z"%s}}`

func TestTransportValidExchangeKeepsBodiesIntact(t *testing.T) {
	c, got, st := exchange(t, http.MethodPost, "/payment/checkout", docsRequest, http.StatusOK, "application/json", docsResponse)
	assert.Empty(t, c.all())
	assert.Equal(t, docsResponse, got, "the caller reads the response body intact")
	assert.Equal(t, docsRequest, string(st.lastBody()), "the server receives the request body intact")
}

func TestTransportPinsViolationMessages(t *testing.T) {
	t.Run("bad enum in a response", func(t *testing.T) {
		c, _, _ := exchange(t, http.MethodGet, "/payment/transaction/TXN-1", "", http.StatusOK, "application/json", fmt.Sprintf(txOK, "DONE", ""))
		require.Len(t, c.all(), 1, c.joined())
		assert.Equal(t,
			`getTransaction: response body /data/status: enum: must be one of `+strings.Join(contract.Enum("TransactionStatus"), ", ")+
				` (got "DONE"; rule at openapi.yaml#/components/schemas/TransactionStatus/enum)`,
			c.all()[0].String())
	})
	t.Run("missing required field in a request", func(t *testing.T) {
		body := strings.Replace(docsRequest, `"currency": "ETB",`, "", 1)
		c, _, st := exchange(t, http.MethodPost, "/payment/checkout", body, http.StatusOK, "application/json", docsResponse)
		require.Len(t, c.all(), 1, c.joined())
		assert.Equal(t,
			`createCheckout: request body /currency: required: is required (rule at openapi.yaml#/components/schemas/CheckoutRequest/required)`,
			c.all()[0].String())
		assert.Equal(t, body, string(st.lastBody()), "a violating request is still sent, intact")
	})
}

func TestTransportReportsUndeclaredExchanges(t *testing.T) {
	cases := []struct {
		name, method, path string
		status             int
		contentType, body  string
		wantRule           string
	}{
		{"undeclared path", http.MethodGet, "/payment/refund/TXN-1", http.StatusOK, "application/json", `{}`, "undeclared operation"},
		{"undeclared method", http.MethodDelete, "/payment/transaction/TXN-1", http.StatusOK, "application/json", `{}`, "undeclared operation"},
		{"undeclared content type", http.MethodGet, "/payment/transaction/TXN-1", http.StatusOK, "text/html", `<html></html>`, "content type"},
		{"error body that is not the envelope", http.MethodGet, "/payment/transaction/TXN-1", http.StatusTeapot, "application/json", `{"error":"teapot"}`, "required"},
		{"body that is not JSON", http.MethodGet, "/payment/transaction/TXN-1", http.StatusOK, "application/json", `{"status":`, "json"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, got, _ := exchange(t, tc.method, tc.path, "", tc.status, tc.contentType, tc.body)
			require.NotEmpty(t, c.all(), "want a violation")
			var rules []string
			for _, v := range c.all() {
				rules = append(rules, v.Rule)
			}
			assert.Contains(t, rules, tc.wantRule, c.joined())
			assert.Equal(t, tc.body, got, "the caller still reads what came")
		})
	}
}

func TestTransportReportsTheOlderFlatShape(t *testing.T) {
	flat := `{"success":true,"status":"SUCCESS","message":"ok","payment_url":"https://checkout.lakipay.co/pay/x",
		"reference_id":"ORDER123456","lakipay_transaction_id":"TXN-1"}`
	flatError := `{"success":false,"message":"Invalid API key"}`
	cases := []struct {
		name, body string
		status     int
		schema     string
	}{
		{"flat success", flat, http.StatusOK, "CheckoutResponse"},
		{"flat error", flatError, http.StatusUnauthorized, "ErrorEnvelope"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, got, _ := exchange(t, http.MethodPost, "/payment/checkout", docsRequest, tc.status, "application/json", tc.body)
			var found bool
			for _, v := range c.all() {
				if v.Rule == "envelope" {
					found = true
					assert.Equal(t, "openapi.yaml#/components/schemas/"+tc.schema, v.Location)
					assert.Contains(t, v.Reason, "older flat LakiPay shape")
				}
			}
			assert.True(t, found, "the flat shape must be reported as a deviation: %s", c.joined())
			assert.Equal(t, tc.body, got)
		})
	}
}

func TestStrictReportsUndeclaredResponseProperties(t *testing.T) {
	extra := fmt.Sprintf(txOK, "SUCCESS", `,"fee_currency":"ETB","meta":{"a":1}`)
	withTopLevel := strings.Replace(docsResponse, `"status": "SUCCESS",`, `"status": "SUCCESS", "success": true, "data2": [1],`, 1)
	cases := []struct {
		name, path, body string
		strict           []string
	}{
		{"nested properties", "/payment/transaction/TXN-1", extra, []string{"/data/fee_currency undeclared property", "/data/meta undeclared property"}},
		{"top-level properties next to data", "/payment/checkout", withTopLevel, []string{"/data2 undeclared property", "/success undeclared property"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			method, reqBody := http.MethodGet, ""
			if tc.path == "/payment/checkout" {
				method, reqBody = http.MethodPost, docsRequest
			}
			lax, _, _ := exchange(t, method, tc.path, reqBody, http.StatusOK, "application/json", tc.body)
			assert.Empty(t, lax.all(), "without Strict, undeclared properties pass")
			strict, _, _ := exchange(t, method, tc.path, reqBody, http.StatusOK, "application/json", tc.body, contracttest.Strict())
			assert.Equal(t, tc.strict, strict.rules())
		})
	}
	t.Run("declared open maps are not flagged", func(t *testing.T) {
		body := `{"status":"ERROR","message":"Validation failed","error_code":"VALIDATION_ERROR","errors":{"anything":["x"]}}`
		c, _, _ := exchange(t, http.MethodPost, "/payment/checkout", docsRequest, http.StatusBadRequest, "application/json", body, contracttest.Strict())
		assert.Empty(t, c.all())
	})
}

func TestViolationsNeverCarryTheSecret(t *testing.T) {
	unicode := func(s string) string {
		var b strings.Builder
		for i, c := range s {
			if i%2 == 0 {
				fmt.Fprintf(&b, "\\u%04X", c)
			} else {
				fmt.Fprintf(&b, "\\u%04x", c)
			}
		}
		return b.String()
	}
	long := strings.Repeat("x", 70) + secret + strings.Repeat("y", 40)
	cutShort := strings.Repeat("x", 70) + secret
	cases := []struct{ name, currency string }{
		{"echoed whole", secret},
		{"echoed inside a long value", long},
		{"echoed where the value is cut short", cutShort},
		{"echoed \\u-escaped, mixed case", unicode(secret)},
		{"echoed partly escaped, in a long value", strings.Repeat("x", 70) + unicode(secret[:5]) + secret[5:] + "yy"},
		{"echoed escaped where the value is cut short", strings.Repeat("x", 70) + unicode(secret)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body := strings.Replace(docsResponse, `"currency": "ETB"`, `"currency": "`+tc.currency+`"`, 1)
			c, got, _ := exchange(t, http.MethodPost, "/payment/checkout", docsRequest, http.StatusOK, "application/json", body)
			require.NotEmpty(t, c.all())
			assert.Equal(t, body, got, "the caller reads the answer as it came: only reports are redacted")
			for _, v := range c.all() {
				text := fmt.Sprintf("%s %v %+v %#v", v, v, v, v)
				secrettest.Absent(t, text, secret, "violation")
				secrettest.Absent(t, text, secret[:8], "violation (the start of the secret)")
			}
		})
	}
}

// recordingTB is a testing.TB that records Errorf, Fatalf and Logf instead of failing or
// logging; its Fatalf ends the calling goroutine, as testing's does.
type recordingTB struct {
	testing.TB
	mu                   sync.Mutex
	errors, fatals, logs []string
}

func (r *recordingTB) Helper() {}

func (r *recordingTB) Errorf(format string, args ...any) { r.record(&r.errors, format, args) }

func (r *recordingTB) Logf(format string, args ...any) { r.record(&r.logs, format, args) }

func (r *recordingTB) Fatalf(format string, args ...any) {
	r.record(&r.fatals, format, args)
	runtime.Goexit()
}

func (r *recordingTB) record(to *[]string, format string, args []any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	*to = append(*to, fmt.Sprintf(format, args...))
}

// recorded returns a copy of what was recorded in list.
func (r *recordingTB) recorded(list *[]string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), *list...)
}

func TestTransportFailsTheTestAndStillSends(t *testing.T) {
	srv := contracttest.NewServer(t)
	rec := &recordingTB{TB: t}
	hc := &http.Client{Transport: contracttest.Transport(rec, nil)}
	bad := bytes.Replace(checkoutBody(t, "R-bad", ""), []byte(`"ETB"`), []byte(`"etb"`), 1)
	status, _, body := call(t, hc, http.MethodPost, srv.URL()+"/payment/checkout", testKey, bad)
	require.Len(t, rec.errors, 1)
	assert.Contains(t, rec.errors[0], "createCheckout: request body /currency: pattern")
	assert.Equal(t, http.StatusBadRequest, status, "the request was sent and the fake refused it")
	assert.Equal(t, "VALIDATION_ERROR", errorEnvelope(t, body).ErrorCode)
}

func TestTransportPassesBodyReadErrorsThrough(t *testing.T) {
	srv := contracttest.NewServer(t)
	require.NoError(t, srv.InjectFault("createCheckout", contracttest.FaultTruncatedBody))
	var c collector
	hc := &http.Client{Transport: contracttest.NewTransport(nil, c.add)}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, srv.URL()+"/payment/checkout", bytes.NewReader(checkoutBody(t, "R-trunc", "")))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-API-Key", testKey)
	resp, err := hc.Do(req)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	got, err := io.ReadAll(resp.Body)
	require.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.NotEmpty(t, got, "the caller sees the part that came")
	assert.False(t, json.Valid(got))
	assert.Empty(t, c.all(), "a broken connection is not a contract violation")
}
