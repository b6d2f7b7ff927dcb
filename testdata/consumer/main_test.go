package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
)

// The example request and response of LakiPay's hosted-checkout page.
const (
	seedJSON = `{"amount": 1000.5, "currency": "ETB", "phone_number": "251911111111",
		"reference": "ORDER123456", "description": "Payment for order #123",
		"callback_url": "https://example.com/callback",
		"redirects": {"success": "https://example.com/success", "failed": "https://example.com/failed"},
		"supported_mediums": ["MPESA", "TELEBIRR", "CBE"]}`
	docsResponse = `{"status": "SUCCESS", "message": "Checkout session created successfully",
		"data": {"checkout_url": "https://checkout.lakipay.co/pay/abc123",
		"lakipay_transaction_id": "TXN-123456789", "reference": "ORDER123456",
		"amount": 1000.5, "currency": "ETB", "status": "INITIATED"}}`
	testKey = "pk_test_shop:sk_test_shop"
)

// decode reads JSON keeping numbers as their exact text.
func decode(t *testing.T, r io.Reader) any {
	t.Helper()
	dec := json.NewDecoder(r)
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decode: %v", err)
	}
	return v
}

func TestGeneratedClientSendsTheSeedRequest(t *testing.T) {
	want := decode(t, strings.NewReader(seedJSON))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/api/v2/payment/checkout" {
			t.Errorf("request to %s %s, want POST /api/v2/payment/checkout", r.Method, r.URL.Path)
		}
		if r.Header.Get("X-API-Key") != testKey {
			t.Error("the X-API-Key header is missing or wrong")
		}
		if got := decode(t, r.Body); !reflect.DeepEqual(got, want) {
			t.Errorf("body is not the docs request:\n got %v\nwant %v", got, want)
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.Copy(w, bytes.NewBufferString(docsResponse))
	}))
	defer srv.Close()

	url, err := createCheckout(t.Context(), srv.URL+"/api/v2", testKey, docsRequest())
	if err != nil {
		t.Fatalf("createCheckout: %v", err)
	}
	if url != "https://checkout.lakipay.co/pay/abc123" {
		t.Errorf("checkout url %q, want the docs example.s", url)
	}
}

func TestGeneratedClientReportsErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"status": "ERROR", "message": "Validation failed", "error_code": "INVALID_AMOUNT"}`)
	}))
	defer srv.Close()

	_, err := createCheckout(t.Context(), srv.URL, testKey, docsRequest())
	if err == nil || !strings.Contains(err.Error(), "HTTP 400") {
		t.Fatalf("err = %v, want one naming HTTP 400", err)
	}
}
