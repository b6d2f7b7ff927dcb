package contracttest_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/contracttest"
	"github.com/lakipay/checkout-go/gen"
	"github.com/lakipay/checkout-go/internal/spec"
)

// BenchmarkCheckoutExchange compares validating one checkout exchange (request and response)
// with this package's validator against plain openapi3filter use with a gorillamux router
// built once, in the same run.
func BenchmarkCheckoutExchange(b *testing.B) {
	header := http.Header{"Content-Type": []string{"application/json"}}
	body, response := []byte(seedRequest), []byte(seedResponse)
	b.Run("validator", func(b *testing.B) {
		s, err := spec.Load()
		require.NoError(b, err)
		b.ReportAllocs()
		for b.Loop() {
			req := benchRequest()
			ex, vs := s.ValidateRequestBody(context.Background(), req, body)
			if len(vs) > 0 {
				b.Fatal(vs)
			}
			if vs := s.ValidateResponseFast(context.Background(), ex, http.StatusOK, header, response); len(vs) > 0 {
				b.Fatal(vs)
			}
		}
	})
	b.Run("openapi3filter", func(b *testing.B) {
		doc, err := gen.GetSpec()
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
			out.SetBodyBytes([]byte(seedResponse))
			if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func benchRequest() *http.Request {
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost,
		"https://api.lakipay.co/api/v2/payment/checkout", strings.NewReader(seedRequest))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-API-Key", testKey)
	return req
}

// BenchmarkRoundTrip compares a loopback checkout round trip through the validating transport
// with the same round trip through the plain transport, in the same run.
func BenchmarkRoundTrip(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(seedResponse))
	}))
	b.Cleanup(srv.Close)
	base := srv.Client().Transport
	run := func(b *testing.B, rt http.RoundTripper) {
		client := &http.Client{Transport: rt}
		body := []byte(seedRequest)
		b.ReportAllocs()
		for b.Loop() {
			req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, srv.URL+"/api/v2/payment/checkout", bytes.NewReader(body))
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
		}
	}
	b.Run("unvalidated", func(b *testing.B) { run(b, base) })
	b.Run("validated", func(b *testing.B) {
		run(b, contracttest.NewTransport(base, func(v contracttest.Violation) { b.Error(v) }))
	})
}
