package spec_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/internal/benchpair"
	"github.com/lakipay/checkout-go/internal/contract"
)

// transactionBody is a paid checkout's transaction detail, as LakiPay answers it.
const transactionBody = `{"status":"SUCCESS","message":"Transaction retrieved successfully","data":{"transaction_id":"TXN-123456789","reference":"ORDER123456","amount":1000.5,"currency":"ETB","status":"SUCCESS","medium":"MPESA","type":"DEPOSIT","created_at":"2024-01-15T10:30:00Z","updated_at":"2024-01-15T10:31:12Z"}}`

// BenchmarkCompiledContract times the compiled contract against kin-openapi, in one run, on
// valid exchanges: the docs checkout request, a transaction detail response and a
// signed webhook (a 344-character signature).
func BenchmarkCompiledContract(b *testing.B) {
	s := load(b)
	ctx := context.Background()
	header := http.Header{"Content-Type": {"application/json"}, "X-Api-Key": {testKey}}
	request := []byte(docsRequest)
	response := []byte(transactionBody)
	webhook := []byte(strings.Replace(webhookDoc, "bm90LWEtcmVhbC1zaWduYXR1cmU=", strings.Repeat("AbCd", 85)+"Ab==", 1))
	getReq := httptest.NewRequestWithContext(ctx, http.MethodGet, "https://api.lakipay.co/api/v2/payment/transaction/TXN-123456789", nil)
	getReq.Header.Set("X-API-Key", testKey)
	ex, vs := s.ValidateRequest(ctx, getReq)
	require.Empty(b, vs)
	webhookSchema := s.Doc.Components.Schemas["WebhookEvent"].Value

	b.Run("request/compiled", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, vs := contract.ValidateRequest(http.MethodPost, checkoutPath, header, request, contract.Options{}); vs != nil {
				b.Fatal(vs)
			}
		}
	})
	b.Run("request/kin", func(b *testing.B) {
		req := checkoutRequest(b, docsRequest)
		b.ReportAllocs()
		for b.Loop() {
			if _, vs := s.ValidateRequest(ctx, req); vs != nil {
				b.Fatal(vs)
			}
		}
	})
	b.Run("response/compiled", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if vs := contract.ValidateResponse("getTransaction", http.StatusOK, header, response, contract.Options{}); vs != nil {
				b.Fatal(vs)
			}
		}
	})
	b.Run("response/kin", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if vs := s.ValidateResponse(ctx, ex, http.StatusOK, header, response); vs != nil {
				b.Fatal(vs)
			}
		}
	})
	b.Run("webhook/compiled", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if vs := contract.ValidateWebhook(webhook, contract.Options{}); vs != nil {
				b.Fatal(vs)
			}
		}
	})
	b.Run("webhook/kin", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var v any
			if err := json.Unmarshal(webhook, &v); err != nil {
				b.Fatal(err)
			}
			if vs := s.ValidateValue(webhookSchema, v, "receivePaymentWebhook", "webhook body"); vs != nil {
				b.Fatal(vs)
			}
		}
	})
}

// BenchmarkCompiledContractPaired runs the compiled contract and kin-openapi in every
// iteration (benchpair), so that both meet the same machine load, and reports each one's
// time per validation and the ratio kin/compiled (medians of -count=5 are the figures
// to quote on a shared machine).
func BenchmarkCompiledContractPaired(b *testing.B) {
	s := load(b)
	ctx := context.Background()
	header := http.Header{"Content-Type": {"application/json"}, "X-Api-Key": {testKey}}
	request, response := []byte(docsRequest), []byte(transactionBody)
	webhook := []byte(strings.Replace(webhookDoc, "bm90LWEtcmVhbC1zaWduYXR1cmU=", strings.Repeat("AbCd", 85)+"Ab==", 1))
	req := checkoutRequest(b, docsRequest)
	getReq := httptest.NewRequestWithContext(ctx, http.MethodGet, "https://api.lakipay.co/api/v2/payment/transaction/TXN-123456789", nil)
	getReq.Header.Set("X-API-Key", testKey)
	ex, vs := s.ValidateRequest(ctx, getReq)
	require.Empty(b, vs)
	webhookSchema := s.Doc.Components.Schemas["WebhookEvent"].Value
	exchanges := []struct {
		name          string
		compiled, kin func() bool // each reports whether the exchange was valid
	}{
		{"request",
			func() bool {
				_, vs := contract.ValidateRequest(http.MethodPost, checkoutPath, header, request, contract.Options{})
				return vs == nil
			},
			func() bool { _, vs := s.ValidateRequest(ctx, req); return vs == nil }},
		{"response",
			func() bool {
				return contract.ValidateResponse("getTransaction", http.StatusOK, header, response, contract.Options{}) == nil
			},
			func() bool { return s.ValidateResponse(ctx, ex, http.StatusOK, header, response) == nil }},
		{"webhook",
			func() bool { return contract.ValidateWebhook(webhook, contract.Options{}) == nil },
			func() bool {
				var v any
				return json.Unmarshal(webhook, &v) == nil && s.ValidateValue(webhookSchema, v, "receivePaymentWebhook", "webhook body") == nil
			}},
	}
	valid := func(what string, fn func() bool) benchpair.Contender {
		return benchpair.Contender{Name: what, Run: func() error {
			if !fn() {
				return errors.New("a valid exchange was refused")
			}
			return nil
		}}
	}
	for _, e := range exchanges {
		b.Run(e.name, func(b *testing.B) { benchpair.Run(b, valid("compiled", e.compiled), valid("kin", e.kin)) })
	}
}
