package contracttest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/contracttest"
	"github.com/lakipay/checkout-go/internal/lakipaydocs"
)

const testKey = "pk_test_abc:sk_test_canary"

// secret is the part of testKey that must never appear in a report.
const secret = "sk_test_canary"

// docsRequest and docsResponse are LakiPay's own examples, verbatim.
const (
	docsRequest  = lakipaydocs.Request
	docsResponse = lakipaydocs.Response
)

// checkoutBody returns the docs request with a reference of its own and, when callback is
// not "", that callback_url.
func checkoutBody(t testing.TB, reference, callback string, mediums ...client.Medium) []byte {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(docsRequest), &m))
	m["reference"] = reference
	if callback == "" {
		delete(m, "callback_url")
	} else {
		m["callback_url"] = callback
	}
	if len(mediums) > 0 {
		m["supported_mediums"] = mediums
	}
	b, err := json.Marshal(m)
	require.NoError(t, err)
	return b
}

// call sends one API request with key (none when "") and returns status, header and body.
func call(t testing.TB, client *http.Client, method, url, key string, body []byte) (int, http.Header, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, url, r)
	require.NoError(t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("X-API-Key", key)
	}
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	out, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header, out
}

// validated returns an HTTP client whose transport fails t on any contract violation.
func validated(t testing.TB, opts ...contracttest.TransportOption) *http.Client {
	return &http.Client{Transport: contracttest.Transport(t, nil, opts...)}
}

// createCheckout creates a session on srv through a validating client and returns it.
func createCheckout(t testing.TB, srv *contracttest.Server, reference, callback string, mediums ...client.Medium) client.CheckoutSession {
	t.Helper()
	status, _, body := call(t, validated(t), http.MethodPost, srv.URL()+"/payment/checkout", testKey, checkoutBody(t, reference, callback, mediums...))
	require.Equal(t, http.StatusOK, status, string(body))
	var resp client.CheckoutResponse
	require.NoError(t, json.Unmarshal(body, &resp))
	return resp.Data
}

// transaction reads transaction detail through a validating client.
func transaction(t testing.TB, srv *contracttest.Server, id string) client.Transaction {
	t.Helper()
	status, _, body := call(t, validated(t), http.MethodGet, srv.URL()+"/payment/transaction/"+id, testKey, nil)
	require.Equal(t, http.StatusOK, status, string(body))
	var resp client.TransactionResponse
	require.NoError(t, json.Unmarshal(body, &resp))
	return resp.Data
}

func errorEnvelope(t testing.TB, body []byte) client.ErrorEnvelope {
	t.Helper()
	var env client.ErrorEnvelope
	require.NoError(t, json.Unmarshal(body, &env), string(body))
	require.Equal(t, client.ErrorEnvelopeStatus("ERROR"), env.Status)
	require.NotEmpty(t, env.ErrorCode)
	return env
}

// collector gathers violations from a NewTransport callback.
type collector struct {
	mu  sync.Mutex
	got []contracttest.Violation
}

func (c *collector) add(v contracttest.Violation) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.got = append(c.got, v)
}

func (c *collector) all() []contracttest.Violation {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]contracttest.Violation(nil), c.got...)
}

// joined renders every violation, one a line.
func (c *collector) joined() string {
	var b strings.Builder
	for _, v := range c.all() {
		b.WriteString(v.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// rules returns "pointer rule" for every violation.
func (c *collector) rules() []string {
	var out []string
	for _, v := range c.all() {
		out = append(out, v.Pointer+" "+v.Rule)
	}
	return out
}
