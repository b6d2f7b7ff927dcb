package contracttest_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/contracttest"
	"github.com/lakipay/checkout-go/internal/benchpair"
	"github.com/lakipay/checkout-go/internal/contract"
	"github.com/lakipay/checkout-go/internal/specfile"
)

// BenchmarkCheckoutExchange compares validating one checkout exchange (request and response)
// with the compiled contract the transport and the fake use against plain openapi3filter use
// with a gorillamux router built once, in the same run.
func BenchmarkCheckoutExchange(b *testing.B) {
	header := http.Header{"Content-Type": []string{"application/json"}}
	body, response := []byte(docsRequest), []byte(docsResponse)
	b.Run("validator", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			req := benchRequest()
			op, vs := contract.ValidateRequest(req.Method, req.URL.EscapedPath(), req.Header, body, contract.Options{})
			if len(vs) > 0 {
				b.Fatal(vs)
			}
			if vs := contract.ValidateResponse(op, http.StatusOK, header, response, contract.Options{}); len(vs) > 0 {
				b.Fatal(vs)
			}
		}
	})
	b.Run("openapi3filter", func(b *testing.B) {
		doc, err := openapi3.NewLoader().LoadFromData([]byte(specfile.OpenAPI))
		require.NoError(b, err)
		doc.Servers = openapi3.Servers{{URL: "https://api.lakipay.co/api/v2"}}
		router, err := gorillamux.NewRouter(doc)
		require.NoError(b, err)
		opts := &openapi3filter.Options{
			MultiError: true, IncludeResponseStatus: true,
			AuthenticationFunc: func(context.Context, *openapi3filter.AuthenticationInput) error { return nil },
		}
		b.ReportAllocs()
		for b.Loop() {
			req := benchRequest()
			route, params, err := router.FindRoute(req)
			if err != nil {
				b.Fatal(err)
			}
			in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
			if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
				b.Fatal(err)
			}
			out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: http.StatusOK, Header: header, Options: opts}
			out.SetBodyBytes([]byte(docsResponse))
			if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func benchRequest() *http.Request {
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost,
		"https://api.lakipay.co/api/v2/payment/checkout", strings.NewReader(docsRequest))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-API-Key", testKey)
	return req
}

// BenchmarkRoundTrip compares a loopback checkout round trip through the validating transport
// with the same round trip through the plain transport, against a server that answers a fixed
// body ("stub", the worst case for the ratio: the server does no work) and against the fake
// LakiPay (how this module's tests use the transport). The paired sub-benchmarks run both
// transports in every iteration (benchpair) and report both and their ratio,
// validated/unvalidated, so that load from other processes hits both sides alike.
func BenchmarkRoundTrip(b *testing.B) {
	stub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(docsResponse))
	}))
	b.Cleanup(stub.Close)
	fake := contracttest.NewServer(b)
	base := stub.Client().Transport
	plain := &http.Client{Transport: base}
	validated := &http.Client{Transport: contracttest.NewTransport(base, func(v contracttest.Violation) { b.Error(v) })}
	var n int
	roundTrip := func(b *testing.B, client *http.Client, url string) {
		n++
		body := strings.Replace(docsRequest, "ORDER123456", fmt.Sprintf("BENCH-%d", n), 1)
		body = strings.Replace(body, `"callback_url": "https://example.com/callback",`, "", 1)
		req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, url+"/payment/checkout", strings.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-API-Key", testKey)
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
	b.Run("stub/unvalidated", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			roundTrip(b, plain, stub.URL+"/api/v2")
		}
	})
	b.Run("stub/validated", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			roundTrip(b, validated, stub.URL+"/api/v2")
		}
	})
	paired := func(b *testing.B, url string) {
		benchpair.Run(b,
			benchpair.Contender{Name: "unvalidated", Run: func() error { roundTrip(b, plain, url); return nil }},
			benchpair.Contender{Name: "validated", Run: func() error { roundTrip(b, validated, url); return nil }})
	}
	b.Run("stub/paired", func(b *testing.B) { paired(b, stub.URL+"/api/v2") })
	b.Run("fake/paired", func(b *testing.B) { paired(b, fake.URL()) })
}

// BenchmarkSessionMemory reports the heap one stored checkout session costs (bytes/session,
// measured after a GC around creating them through the fake's handler): "stored" creates
// 20,000 sessions under a cap of 20,000; "capped" creates 40,000 under the same cap, so half
// of them are forgotten and only their reference digests remain. Its bytes/session (heap
// divided by the 20,000 stored) shows the memory staying bounded by the cap. Run it with
// -benchtime=1x: each iteration measures 20,000 or 40,000 checkouts.
func BenchmarkSessionMemory(b *testing.B) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(b, err)
	const stored = 20_000
	for _, tc := range []struct {
		name    string
		created int
	}{{"stored", stored}, {"capped", 2 * stored}} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				f, err := contracttest.NewFake(contracttest.WithSigningKey(key), contracttest.WithMaxSessions(stored))
				require.NoError(b, err)
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				for i := range tc.created {
					body := strings.Replace(docsRequest, "ORDER123456", fmt.Sprintf("MEM-%08d", i), 1)
					req := httptest.NewRequestWithContext(context.Background(), http.MethodPost, "/api/v2/payment/checkout", strings.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("X-API-Key", testKey)
					rec := httptest.NewRecorder()
					f.ServeHTTP(rec, req)
					if rec.Code != http.StatusOK {
						b.Fatalf("status %d: %s", rec.Code, rec.Body)
					}
				}
				runtime.GC()
				runtime.ReadMemStats(&after)
				b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/stored, "bytes/session")
				runtime.KeepAlive(f)
				require.NoError(b, f.Close())
			}
		})
	}
}
