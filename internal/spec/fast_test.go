package spec_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/internal/spec"
)

// The fast path must never change a verdict: for every body, ValidateRequestBody and
// ValidateResponseFast return exactly what the reference (kin-openapi) returns.

func requestCorpus(t testing.TB) map[string]string {
	long := `"` + strings.Repeat("r", 101) + `"`
	c := map[string]string{
		"seed":                 seedRequest,
		"amount 9.555":         withRaw(t, "amount", "9.555"),
		"amount 0":             withRaw(t, "amount", "0"),
		"amount -1":            withRaw(t, "amount", "-1"),
		"amount string":        withRaw(t, "amount", `"10"`),
		"amount null":          withRaw(t, "amount", `null`),
		"amount huge":          withRaw(t, "amount", "1000000000000"),
		"amount max":           withRaw(t, "amount", "999999999999.99"),
		"amount exponent":      withRaw(t, "amount", "1e2"),
		"amount tiny exponent": withRaw(t, "amount", "1e-3"),
		"amount 0.07":          withRaw(t, "amount", "0.07"),
		"amount 100.00":        withRaw(t, "amount", "100.00"),
		"currency lower":       withRaw(t, "currency", `"etb"`),
		"currency number":      withRaw(t, "currency", `1`),
		"phone plus":           withRaw(t, "phone_number", `"+251911111111"`),
		"phone unicode digits": withRaw(t, "phone_number", `"٢٥١٩١١١١١١١١"`),
		"reference empty":      withRaw(t, "reference", `""`),
		"reference too long":   withRaw(t, "reference", long),
		"reference 100 runes":  withRaw(t, "reference", `"`+strings.Repeat("é", 100)+`"`),
		"reference 101 runes":  withRaw(t, "reference", `"`+strings.Repeat("é", 101)+`"`),
		"reference emoji":      withRaw(t, "reference", `"`+strings.Repeat("😀", 60)+`"`),
		"mediums empty":        withRaw(t, "supported_mediums", `[]`),
		"mediums dup":          withRaw(t, "supported_mediums", `["CBE","CBE"]`),
		"mediums dup escaped":  withRaw(t, "supported_mediums", `["CBE","\u0043BE"]`),
		"mediums escaped":      withRaw(t, "supported_mediums", `["\u0043BE","MPESA"]`),
		"callback escaped &":   withRaw(t, "callback_url", `"https://example.com/cb?a=1\u0026b=2"`),
		"callback escaped nl":  withRaw(t, "callback_url", `"https://example.com/cb\n"`),
		"reference surrogate":  withRaw(t, "reference", `"\ud83d\ude00"`),
		"escaped key":          strings.Replace(seedRequest, `"amount"`, `"\u0061mount"`, 1),
		"mediums unknown":      withRaw(t, "supported_mediums", `["PAYPAL"]`),
		"mediums not array":    withRaw(t, "supported_mediums", `"MPESA"`),
		"redirects relative":   withRaw(t, "redirects", `{"success":"/s","failed":"https://example.com/f"}`),
		"redirects extra":      withRaw(t, "redirects", `{"success":"https://e.com/s","failed":"https://e.com/f","x":"y"}`),
		"redirects null":       withRaw(t, "redirects", `null`),
		"callback spaces":      withRaw(t, "callback_url", `"https://exa mple.com/cb"`),
		"callback no host":     withRaw(t, "callback_url", `"https:///cb"`),
		"callback port":        withRaw(t, "callback_url", `"http://127.0.0.1:8080/cb?x=1#f"`),
		"description long":     withRaw(t, "description", `"`+strings.Repeat("d", 501)+`"`),
		"description null":     withRaw(t, "description", `null`),
		"undeclared field":     withRaw(t, "redirect_url", `"https://example.com"`),
		"not an object":        `[1,2]`,
		"not JSON":             `{"amount":`,
		"two values":           seedRequest + ` {}`,
		"empty":                ``,
	}
	return c
}

func TestFastRequestPathAgreesWithReference(t *testing.T) {
	s := load(t)
	for name, body := range requestCorpus(t) {
		t.Run(name, func(t *testing.T) {
			_, want := s.ValidateRequest(context.Background(), checkoutRequest(t, body))
			req := checkoutRequest(t, body)
			_, got := s.ValidateRequestBody(context.Background(), req, []byte(body))
			assert.Equal(t, want, got)
		})
	}
	t.Run("headers and routes", func(t *testing.T) {
		cases := map[string]func(r *http.Request){
			"no key":           func(r *http.Request) { r.Header.Del("X-API-Key") },
			"bad key":          func(r *http.Request) { r.Header.Set("X-API-Key", "nocolon") },
			"text/plain":       func(r *http.Request) { r.Header.Set("Content-Type", "text/plain") },
			"charset":          func(r *http.Request) { r.Header.Set("Content-Type", "application/json; charset=utf-8") },
			"no content type":  func(r *http.Request) { r.Header.Del("Content-Type") },
			"undeclared route": func(r *http.Request) { r.URL.Path = "/api/v2/payment/refund" },
		}
		for name, change := range cases {
			want := checkoutRequest(t, seedRequest)
			change(want)
			_, wantV := s.ValidateRequest(context.Background(), want)
			got := checkoutRequest(t, seedRequest)
			change(got)
			_, gotV := s.ValidateRequestBody(context.Background(), got, []byte(seedRequest))
			assert.Equal(t, wantV, gotV, name)
		}
	})
	t.Run("path parameter", func(t *testing.T) {
		for _, path := range []string{"TXN-1", strings.Repeat("x", 101), "%C3%A9", "a%2Fb"} {
			mk := func() *http.Request {
				r := httptest.NewRequestWithContext(context.Background(), http.MethodGet, "http://h/api/v2/payment/transaction/"+path, nil)
				r.Header.Set("X-API-Key", testKey)
				return r
			}
			_, want := s.ValidateRequest(context.Background(), mk())
			_, got := s.ValidateRequestBody(context.Background(), mk(), nil)
			assert.Equal(t, want, got, path)
		}
	})
}

func TestFastResponsePathAgreesWithReference(t *testing.T) {
	s := load(t)
	ex, vs := s.ValidateRequest(context.Background(), checkoutRequest(t, seedRequest))
	require.Empty(t, vs)
	bodies := map[string]string{
		"seed":             seedResponse,
		"status lower":     strings.Replace(seedResponse, `"status": "INITIATED"`, `"status": "initiated"`, 1),
		"relative url":     strings.Replace(seedResponse, `"https://checkout.lakipay.co/pay/abc123"`, `"/pay/abc"`, 1),
		"empty id":         strings.Replace(seedResponse, `"TXN-123456789"`, `""`, 1),
		"amount 3 places":  strings.Replace(seedResponse, `"amount": 1000.5`, `"amount": 1000.555`, 1),
		"no data":          `{"status":"SUCCESS","message":"m"}`,
		"flat":             `{"success":true,"payment_url":"https://x.example/p"}`,
		"error envelope":   errorExample,
		"error no message": `{"status":"ERROR"}`,
		"errors not lists": `{"status":"ERROR","message":"m","errors":{"a":"b"}}`,
		"not JSON":         `{`,
	}
	header := http.Header{"Content-Type": []string{"application/json"}}
	for name, body := range bodies {
		for _, status := range []int{200, 400, 418, 429} {
			want := s.ValidateResponse(context.Background(), ex, status, header, []byte(body))
			got := s.ValidateResponseFast(context.Background(), ex, status, header, []byte(body))
			assert.Equal(t, want, got, "%s %d", name, status)
		}
	}
	html := http.Header{"Content-Type": []string{"text/html"}}
	assert.Equal(t, s.ValidateResponse(context.Background(), ex, 200, html, []byte(seedResponse)),
		s.ValidateResponseFast(context.Background(), ex, 200, html, []byte(seedResponse)))
}

// FuzzFastPathAgreesWithReference checks the fast path against kin-openapi on any body.
func FuzzFastPathAgreesWithReference(f *testing.F) {
	f.Add(seedRequest)
	f.Add(`{"amount":1e2,"currency":"ETB","phone_number":"2519","reference":"r","redirects":{"success":"http://a","failed":"http://b"},"supported_mediums":["CBE"]}`)
	f.Add(seedResponse)
	s, err := spec.Load()
	require.NoError(f, err)
	ex, _ := s.ValidateRequest(context.Background(), checkoutRequest(f, seedRequest))
	header := http.Header{"Content-Type": []string{"application/json"}}
	f.Fuzz(func(t *testing.T, body string) {
		_, want := s.ValidateRequest(context.Background(), checkoutRequest(t, body))
		_, got := s.ValidateRequestBody(context.Background(), checkoutRequest(t, body), []byte(body))
		require.Equal(t, want, got)
		require.Equal(t, s.ValidateResponse(context.Background(), ex, 200, header, []byte(body)),
			s.ValidateResponseFast(context.Background(), ex, 200, header, []byte(body)))
	})
}

// BenchmarkFastPath times the fast path on valid bodies against the reference (kin-openapi)
// in the same run: the checkout request, the checkout response and a webhook.
func BenchmarkFastPath(b *testing.B) {
	s := load(b)
	ctx := context.Background()
	header := http.Header{"Content-Type": []string{"application/json"}}
	body, response := []byte(seedRequest), []byte(seedResponse)
	ex, vs := s.ValidateRequest(ctx, checkoutRequest(b, seedRequest))
	require.Empty(b, vs)
	webhook := s.Doc.Components.Schemas["WebhookEvent"].Value
	signed := []byte(strings.Replace(webhookDoc, "bm90LWEtcmVhbC1zaWduYXR1cmU=", strings.Repeat("AbCd", 86)+"==", 1))
	b.Run("request/fast", func(b *testing.B) {
		req := checkoutRequest(b, seedRequest)
		b.ReportAllocs()
		for b.Loop() {
			if _, vs := s.ValidateRequestBody(ctx, req, body); vs != nil {
				b.Fatal(vs)
			}
		}
	})
	b.Run("response/fast", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if vs := s.ValidateResponseFast(ctx, ex, http.StatusOK, header, response); vs != nil {
				b.Fatal(vs)
			}
		}
	})
	b.Run("response/reference", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if vs := s.ValidateResponse(ctx, ex, http.StatusOK, header, response); vs != nil {
				b.Fatal(vs)
			}
		}
	})
	b.Run("webhook/fast", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if vs := s.ValidateJSON(webhook, signed, "receivePaymentWebhook", "webhook body"); vs != nil {
				b.Fatal(vs)
			}
		}
	})
	b.Run("webhook/reference", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var v any
			if err := json.Unmarshal(signed, &v); err != nil {
				b.Fatal(err)
			}
			if vs := s.ValidateValue(webhook, v, "receivePaymentWebhook", "webhook body"); vs != nil {
				b.Fatal(vs)
			}
		}
	})
}
