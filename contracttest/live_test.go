package contracttest_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/contracttest"
)

// Environment variables of the live contract suite.
const (
	liveKeyEnv  = "LAKIPAY_API_KEY"
	liveBaseEnv = "LAKIPAY_BASE_URL"
	liveBaseURL = "https://api.lakipay.co/api/v2"
)

// live is the contract suite against the real LakiPay: each exchange goes through
// NewTransport (strict), and every deviation from openapi.yaml is reported as a test error.
type live struct {
	t      *testing.T
	base   string
	key    string
	client *http.Client
	// expectRequestViolations lets a case send a request the spec forbids on purpose.
	expectRequestViolations bool
}

func newLive(t *testing.T) *live {
	key := os.Getenv(liveKeyEnv)
	if key == "" {
		t.Skipf("live contract suite skipped: set %s=PUBLICKEY:SECRETKEY (a test key) and optionally %s (default %s) to run it against LakiPay",
			liveKeyEnv, liveBaseEnv, liveBaseURL)
	}
	base := strings.TrimSuffix(os.Getenv(liveBaseEnv), "/")
	if base == "" {
		base = liveBaseURL
	}
	l := &live{t: t, base: base, key: key}
	l.client = &http.Client{Timeout: 30 * time.Second, Transport: contracttest.NewTransport(http.DefaultTransport, l.deviation, contracttest.Strict())}
	return l
}

func (l *live) deviation(v contracttest.Violation) {
	if l.expectRequestViolations && strings.HasPrefix(v.In, "request") {
		return
	}
	l.t.Errorf("LakiPay deviates from openapi.yaml: %s", v)
}

func (l *live) do(t *testing.T, method, path, key string, body []byte) (int, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, l.base+path, r)
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-API-Key", key)
	resp, err := l.client.Do(req)
	require.NoError(t, err, "request to LakiPay failed") // the error never carries the key
	defer func() { _ = resp.Body.Close() }()
	out, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, out
}

func liveReference(t *testing.T) string {
	b := make([]byte, 6)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return "CT-" + time.Now().UTC().Format("20060102T150405") + "-" + hex.EncodeToString(b)
}

// TestLiveContract runs the contract suite against the real LakiPay (opt-in, see newLive).
func TestLiveContract(t *testing.T) {
	l := newLive(t)
	reference := liveReference(t)
	var id string

	t.Run("create checkout", func(t *testing.T) {
		status, body := l.do(t, http.MethodPost, "/payment/checkout", l.key, checkoutBody(t, reference, "https://example.com/callback"))
		require.Equal(t, http.StatusOK, status, "LakiPay refused the docs request")
		var resp client.CheckoutResponse
		require.NoError(t, json.Unmarshal(body, &resp))
		id = resp.Data.LakipayTransactionID
		assert.Equal(t, reference, resp.Data.Reference)
		assert.Equal(t, client.TransactionStatusINITIATED, resp.Data.Status)
	})
	t.Run("transaction detail", func(t *testing.T) {
		if id == "" {
			t.Skip("no transaction id: create checkout failed")
		}
		status, _ := l.do(t, http.MethodGet, "/payment/transaction/"+url.PathEscape(id), l.key, nil)
		assert.Equal(t, http.StatusOK, status)
	})
	t.Run("duplicate reference", func(t *testing.T) {
		status, _ := l.do(t, http.MethodPost, "/payment/checkout", l.key, checkoutBody(t, reference, ""))
		assert.Equal(t, http.StatusBadRequest, status)
	})
	t.Run("unknown transaction", func(t *testing.T) {
		status, _ := l.do(t, http.MethodGet, "/payment/transaction/TXN-does-not-exist-"+liveReference(t), l.key, nil)
		assert.Equal(t, http.StatusNotFound, status)
	})
	t.Run("wrong secret", func(t *testing.T) {
		public, _, _ := strings.Cut(l.key, ":")
		status, _ := l.do(t, http.MethodGet, "/payment/transaction/TXN-1", public+":sk_wrong_contract_suite", nil)
		assert.Equal(t, http.StatusUnauthorized, status)
	})
	t.Run("invalid amount", func(t *testing.T) {
		l.expectRequestViolations = true
		defer func() { l.expectRequestViolations = false }()
		body := bytes.Replace(checkoutBody(t, liveReference(t), ""), []byte(`1000.5`), []byte(`9.555`), 1)
		status, _ := l.do(t, http.MethodPost, "/payment/checkout", l.key, body)
		assert.Equal(t, http.StatusBadRequest, status)
	})
}
