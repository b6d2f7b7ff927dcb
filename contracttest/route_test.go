package contracttest_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/contracttest"
)

// TestRoutesAreExact checks that a wrong base path, an extra or missing segment, a trailing
// slash or an unclean path never reaches an operation (404 with the error envelope, no
// redirect), and that a wrong method on a known path answers 405 with Allow: the API, the
// hosted page and /_mock/ alike. None of them counts as a request of an operation.
func TestRoutesAreExact(t *testing.T) {
	srv := contracttest.NewServer(t)
	s := createCheckout(t, srv, "R-routes", "")
	id := s.LakipayTransactionID
	token := strings.TrimPrefix(s.CheckoutURL, srv.Origin()+"/checkout/")
	o := srv.Origin()
	body := checkoutBody(t, "R-routes-2", "")
	notFound := []struct{ name, method, url string }{
		{"typo in the base path", http.MethodPost, o + "/api/v2/typo/payment/checkout"},
		{"base path twice", http.MethodPost, o + "/api/v2/api/v2/payment/checkout"},
		{"extra segments before the operation", http.MethodGet, o + "/api/v2/foo/bar/payment/transaction/" + id},
		{"no base path", http.MethodPost, o + "/payment/checkout"},
		{"other version", http.MethodPost, o + "/api/v1/payment/checkout"},
		{"trailing slash", http.MethodPost, o + "/api/v2/payment/checkout/"},
		{"empty segment", http.MethodPost, o + "/api/v2//payment/checkout"},
		{"dot-dot segment", http.MethodGet, o + "/api/v2/payment/x/../transaction/" + id},
		{"missing id", http.MethodGet, o + "/api/v2/payment/transaction/"},
		{"segment after the id", http.MethodGet, o + "/api/v2/payment/transaction/" + id + "/x"},
		{"undeclared operation", http.MethodGet, o + "/api/v2/payment/refunds"},
		{"page with an extra segment", http.MethodGet, o + "/checkout/" + token + "/x"},
		{"page without a token", http.MethodGet, o + "/checkout/"},
		{"unknown /_mock/ endpoint", http.MethodGet, o + "/_mock/nope"},
		{"root", http.MethodGet, o + "/"},
	}
	for _, tc := range notFound {
		t.Run("404 "+tc.name, func(t *testing.T) {
			status, header, resp := rawCall(t, tc.method, tc.url, body)
			assert.Equal(t, http.StatusNotFound, status, string(resp))
			assert.Equal(t, "application/json", header.Get("Content-Type"))
			env := errorEnvelope(t, resp)
			assert.Equal(t, "NOT_FOUND", env.ErrorCode)
			assert.Contains(t, env.Message, "no such endpoint: "+tc.method)
		})
	}
	notAllowed := []struct{ name, method, url, allow string }{
		{"checkout", http.MethodDelete, o + "/api/v2/payment/checkout", "POST"},
		{"checkout read", http.MethodGet, o + "/api/v2/payment/checkout", "POST"},
		{"transaction detail", http.MethodPut, o + "/api/v2/payment/transaction/" + id, "GET"},
		{"transaction detail HEAD", http.MethodHead, o + "/api/v2/payment/transaction/" + id, "GET"},
		{"hosted page", http.MethodPut, o + "/checkout/" + token, "GET, POST"},
		{"mock reset", http.MethodGet, o + "/_mock/reset", "POST"},
		{"mock deliveries", http.MethodPost, o + "/_mock/deliveries", "GET"},
		{"mock transaction", http.MethodPost, o + "/_mock/transactions/" + id, "GET"},
		{"mock transition", http.MethodGet, o + "/_mock/transactions/" + id + "/pay", "POST"},
	}
	for _, tc := range notAllowed {
		t.Run("405 "+tc.name, func(t *testing.T) {
			status, header, resp := rawCall(t, tc.method, tc.url, nil)
			assert.Equal(t, http.StatusMethodNotAllowed, status)
			assert.Equal(t, tc.allow, header.Get("Allow"))
			if tc.method != http.MethodHead {
				env := errorEnvelope(t, resp)
				assert.Equal(t, "METHOD_NOT_ALLOWED", env.ErrorCode)
				assert.Contains(t, env.Message, "allowed: "+tc.allow)
			}
		})
	}
	assert.Equal(t, 1, srv.Requests("createCheckout"), "only the real checkout reached the operation")
	assert.Equal(t, 0, srv.Requests("getTransaction"))
	assert.Equal(t, client.TransactionStatusINITIATED, transaction(t, srv, id).Status, "the exact paths still work")
}

// exactAPIPath is what a request must look like to reach an operation: the method and the
// escaped path of one of the spec's operations under /api/v2, nothing more or less.
var exactAPIPath = regexp.MustCompile(`^(POST /api/v2/payment/checkout|GET /api/v2/payment/transaction/[^/]+)$`)

// FuzzRoutesAreExact sends any method and path to a fresh fake: a request that reaches an
// operation must have exactly an operation's method and path; a 405 always carries Allow and
// the error envelope; nothing panics.
func FuzzRoutesAreExact(f *testing.F) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(f, err)
	for _, seed := range []struct{ method, path string }{
		{"POST", "/api/v2/payment/checkout"},
		{"GET", "/api/v2/payment/transaction/TXN-1"},
		{"GET", "/api/v2/payment/transaction/TXN-1%2F2"},
		{"POST", "/api/v2/typo/payment/checkout"},
		{"POST", "/api/v2/api/v2/payment/checkout"},
		{"GET", "/api/v2/payment/transaction/a/b"},
		{"POST", "//api/v2/payment/checkout"},
		{"POST", "/api/v2/payment/checkout/"},
		{"POST", "/api/v2/payment/%63heckout"},
		{"DELETE", "/api/v2/payment/checkout"},
		{"PUT", "/checkout/abc"},
		{"GET", "/_mock/reset"},
		{"GET", "/_mock/transactions/TXN-1/pay"},
	} {
		f.Add(seed.method, seed.path)
	}
	f.Fuzz(func(t *testing.T, method, path string) {
		if !strings.HasPrefix(path, "/") {
			return
		}
		req, err := http.NewRequestWithContext(context.Background(), method, "http://fake.example"+path, nil)
		if err != nil {
			return // not a request a client could send
		}
		req.Header.Set("X-API-Key", testKey)
		fake, err := contracttest.NewFake(contracttest.WithSigningKey(key))
		require.NoError(t, err)
		defer func() { _ = fake.Close() }()
		rec := httptest.NewRecorder()
		fake.ServeHTTP(rec, req)

		if fake.Requests("createCheckout")+fake.Requests("getTransaction") > 0 {
			assert.Regexp(t, exactAPIPath, req.Method+" "+req.URL.EscapedPath(), "only an exact operation path reaches an operation")
		}
		if rec.Code == http.StatusMethodNotAllowed {
			assert.NotEmpty(t, rec.Header().Get("Allow"))
			var env client.ErrorEnvelope
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &env), rec.Body.String())
			require.NotEmpty(t, env.ErrorCode)
			assert.Equal(t, "METHOD_NOT_ALLOWED", env.ErrorCode)
		}
	})
}

// A request built for a client (http.NewRequest with a nil body) handed to the fake as an
// http.Handler made it panic reading the body. Regression test (found by FuzzRoutesAreExact).
func TestNilBodyIsAnEmptyBody(t *testing.T) {
	fake, err := contracttest.NewFake()
	require.NoError(t, err)
	defer func() { _ = fake.Close() }()
	for _, tc := range []struct {
		method, path string
		status       int
	}{
		{http.MethodPost, "/api/v2/payment/checkout", http.StatusBadRequest},
		{http.MethodPost, "/checkout/nope", http.StatusNotFound},
		{http.MethodPost, "/_mock/latency", http.StatusBadRequest},
	} {
		t.Run(tc.path, func(t *testing.T) {
			req, err := http.NewRequestWithContext(context.Background(), tc.method, "http://fake.example"+tc.path, nil)
			require.NoError(t, err)
			req.Header.Set("X-API-Key", testKey)
			rec := httptest.NewRecorder()
			assert.NotPanics(t, func() { fake.ServeHTTP(rec, req) })
			assert.Equal(t, tc.status, rec.Code, rec.Body.String())
		})
	}
}

// TestServesItsContract checks that the fake hands out the exact contract it keeps to: the
// module's two spec files, byte for byte as they are in the tree.
func TestServesItsContract(t *testing.T) {
	srv := contracttest.NewServer(t)
	for path, file := range map[string]string{"/_mock/openapi.yaml": "../openapi.yaml", "/_mock/openapi-3.1.yaml": "../openapi-3.1.yaml"} {
		t.Run(path, func(t *testing.T) {
			want, err := os.ReadFile(file)
			require.NoError(t, err)
			req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.Origin()+path, nil)
			require.NoError(t, err)
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer func() { _ = resp.Body.Close() }()
			body, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, "application/yaml", resp.Header.Get("Content-Type"))
			assert.True(t, bytes.Equal(want, body), "the body is not %s byte for byte (%d bytes, want %d)", file, len(body), len(want))
		})
	}
}
