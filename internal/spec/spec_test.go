package spec_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/internal/contract"
	"github.com/lakipay/checkout-go/internal/lakipaydocs"
	"github.com/lakipay/checkout-go/internal/secrettest"
	"github.com/lakipay/checkout-go/internal/spec"
)

const testKey = "pk_test_abc:sk_test_canary"

// LakiPay's own examples, verbatim.
const (
	docsRequest  = lakipaydocs.Request
	docsResponse = lakipaydocs.Response
	errorExample = lakipaydocs.Error
)

func load(t testing.TB) *spec.Spec {
	t.Helper()
	s, err := spec.Load()
	require.NoError(t, err)
	return s
}

func checkoutRequest(t testing.TB, body string) *http.Request {
	t.Helper()
	req := httptest.NewRequestWithContext(context.Background(), http.MethodPost, "https://api.lakipay.co/api/v2/payment/checkout", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-API-Key", testKey)
	return req
}

func validateCheckout(t testing.TB, body string) (*spec.Exchange, []spec.Violation) {
	t.Helper()
	return load(t).ValidateRequest(context.Background(), checkoutRequest(t, body))
}

// mutate returns the docs request with one change applied.
func mutate(t testing.TB, change func(m map[string]any)) string {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(docsRequest), &m))
	change(m)
	b, err := json.Marshal(m)
	require.NoError(t, err)
	return string(b)
}

// withRaw returns the docs request with one top-level field's JSON text replaced verbatim, so
// numbers reach the validator exactly as written.
func withRaw(t testing.TB, field, raw string) string {
	t.Helper()
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(docsRequest), &m))
	m[field] = json.RawMessage(raw)
	b, err := json.Marshal(m)
	require.NoError(t, err)
	return string(b)
}

func TestEmbeddedSpecMatchesOpenAPIYAML(t *testing.T) {
	// The embedded copy is what every validator uses; it must describe the same contract as
	// the openapi.yaml that other languages read.
	raw, err := os.ReadFile("../../openapi.yaml")
	require.NoError(t, err)
	file, err := openapi3.NewLoader().LoadFromData(raw)
	require.NoError(t, err)
	require.NoError(t, file.Validate(context.Background()))
	s := load(t)
	assert.ElementsMatch(t, file.Paths.InMatchingOrder(), s.Doc.Paths.InMatchingOrder())
	for name, want := range file.Components.Schemas {
		got := s.Doc.Components.Schemas[name]
		require.NotNil(t, got, "schema %s", name)
		assert.Equal(t, want.Value.Required, got.Value.Required, "schema %s required", name)
		assert.Equal(t, want.Value.Pattern, got.Value.Pattern, "schema %s pattern", name)
		assert.Equal(t, want.Value.Enum, got.Value.Enum, "schema %s enum", name)
	}
}

func TestLoadIsShared(t *testing.T) {
	a, err := spec.Load()
	require.NoError(t, err)
	b, err := spec.Load()
	require.NoError(t, err)
	assert.Same(t, a, b)
}

func TestSeedExamplesValidate(t *testing.T) {
	s := load(t)
	ex, violations := validateCheckout(t, docsRequest)
	require.Empty(t, violations)
	require.NotNil(t, ex)
	assert.Equal(t, "createCheckout", ex.Operation)

	header := http.Header{"Content-Type": []string{"application/json"}}
	assert.Empty(t, s.ValidateResponse(context.Background(), ex, http.StatusOK, header, []byte(docsResponse)))
	assert.Empty(t, s.ValidateResponse(context.Background(), ex, http.StatusUnauthorized, header, []byte(errorExample)))
}

func TestSpecExamplesAreTheSeeds(t *testing.T) {
	// The named examples in openapi.yaml are LakiPay.s own, so documentation and tests agree.
	s := load(t)
	op := s.Operation("createCheckout").Operation
	reqExample := op.RequestBody.Value.Content.Get("application/json").Examples["lakipayDocs"].Value.Value
	respExample := op.Responses.Status(200).Value.Content.Get("application/json").Examples["lakipayDocs"].Value.Value
	assert.JSONEq(t, docsRequest, mustJSON(t, reqExample))
	assert.JSONEq(t, docsResponse, mustJSON(t, respExample))
	unauthorized := op.Responses.Status(401).Value.Content.Get("application/json").Examples["invalidApiKey"].Value.Value
	assert.JSONEq(t, errorExample, mustJSON(t, unauthorized))
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// invalidCheckoutRequest is one request the contract refuses, with the field and rule that
// must be named (shared by the reference tests and the verdict tests).
type invalidCheckoutRequest struct {
	name    string
	body    func(t testing.TB) string
	pointer string
	rule    string
}

// invalidCheckoutRequests is the table of requests the contract refuses.
var invalidCheckoutRequests = []invalidCheckoutRequest{
	{"amount three decimals", func(t testing.TB) string { return withRaw(t, "amount", "9.555") }, "/amount", "multipleOf"},
	{"amount zero", func(t testing.TB) string { return withRaw(t, "amount", "0") }, "/amount", "minimum"},
	{"amount negative", func(t testing.TB) string { return withRaw(t, "amount", "-1") }, "/amount", "minimum"},
	{"amount as string", func(t testing.TB) string { return withRaw(t, "amount", `"10"`) }, "/amount", "type"},
	{"amount above maximum", func(t testing.TB) string { return withRaw(t, "amount", "1000000000000") }, "/amount", "maximum"},
	{"amount missing", func(t testing.TB) string { return mutate(t, func(m map[string]any) { delete(m, "amount") }) }, "/amount", "required"},
	{"currency lower case", func(t testing.TB) string { return withRaw(t, "currency", `"etb"`) }, "/currency", "pattern"},
	{"currency too long", func(t testing.TB) string { return withRaw(t, "currency", `"ETBB"`) }, "/currency", "pattern"},
	{"currency missing", func(t testing.TB) string { return mutate(t, func(m map[string]any) { delete(m, "currency") }) }, "/currency", "required"},
	{"phone with plus", func(t testing.TB) string { return withRaw(t, "phone_number", `"+251911111111"`) }, "/phone_number", "pattern"},
	{"phone leading zero", func(t testing.TB) string { return withRaw(t, "phone_number", `"0911111111"`) }, "/phone_number", "pattern"},
	{"phone with spaces", func(t testing.TB) string { return withRaw(t, "phone_number", `"251 911 111 111"`) }, "/phone_number", "pattern"},
	{"phone too long", func(t testing.TB) string { return withRaw(t, "phone_number", `"2519111111112345"`) }, "/phone_number", "pattern"},
	{"phone as number", func(t testing.TB) string { return withRaw(t, "phone_number", `251911111111`) }, "/phone_number", "type"},
	{"phone missing", func(t testing.TB) string { return mutate(t, func(m map[string]any) { delete(m, "phone_number") }) }, "/phone_number", "required"},
	{"reference empty", func(t testing.TB) string { return withRaw(t, "reference", `""`) }, "/reference", "minLength"},
	{"reference too long", func(t testing.TB) string { return withRaw(t, "reference", `"`+strings.Repeat("r", 101)+`"`) }, "/reference", "maxLength"},
	{"reference missing", func(t testing.TB) string { return mutate(t, func(m map[string]any) { delete(m, "reference") }) }, "/reference", "required"},
	{"mediums empty", func(t testing.TB) string { return withRaw(t, "supported_mediums", `[]`) }, "/supported_mediums", "minItems"},
	{"medium lower case", func(t testing.TB) string { return withRaw(t, "supported_mediums", `["mpesa"]`) }, "/supported_mediums/0", "enum"},
	{"medium unknown", func(t testing.TB) string { return withRaw(t, "supported_mediums", `["MPESA","PAYPAL"]`) }, "/supported_mediums/1", "enum"},
	{"mediums duplicated", func(t testing.TB) string { return withRaw(t, "supported_mediums", `["CBE","CBE"]`) }, "/supported_mediums", "uniqueItems"},
	{"mediums missing", func(t testing.TB) string {
		return mutate(t, func(m map[string]any) { delete(m, "supported_mediums") })
	}, "/supported_mediums", "required"},
	{"redirects missing", func(t testing.TB) string { return mutate(t, func(m map[string]any) { delete(m, "redirects") }) }, "/redirects", "required"},
	{"redirect success missing", func(t testing.TB) string { return withRaw(t, "redirects", `{"failed":"https://example.com/failed"}`) }, "/redirects/success", "required"},
	{"redirect failed missing", func(t testing.TB) string { return withRaw(t, "redirects", `{"success":"https://example.com/success"}`) }, "/redirects/failed", "required"},
	{"redirect success relative", func(t testing.TB) string {
		return withRaw(t, "redirects", `{"success":"/success","failed":"https://example.com/failed"}`)
	}, "/redirects/success", "pattern"},
	{"redirect failed not http", func(t testing.TB) string {
		return withRaw(t, "redirects", `{"success":"https://example.com/success","failed":"ftp://example.com/failed"}`)
	}, "/redirects/failed", "pattern"},
	{"redirect unknown key", func(t testing.TB) string {
		return withRaw(t, "redirects", `{"success":"https://example.com/s","failed":"https://example.com/f","cancel":"https://example.com/c"}`)
	}, "/redirects/cancel", "additionalProperties"},
	{"callback relative", func(t testing.TB) string { return withRaw(t, "callback_url", `"callback"`) }, "/callback_url", "pattern"},
	{"callback bad host", func(t testing.TB) string { return withRaw(t, "callback_url", `"https://exa mple.com/cb"`) }, "/callback_url", "pattern"},
	{"description too long", func(t testing.TB) string { return withRaw(t, "description", `"`+strings.Repeat("d", 501)+`"`) }, "/description", "maxLength"},
	{"description not a string", func(t testing.TB) string { return withRaw(t, "description", `42`) }, "/description", "type"},
	{"undeclared field", func(t testing.TB) string { return withRaw(t, "redirect_url", `"https://example.com"`) }, "/redirect_url", "additionalProperties"},
}

func TestInvalidCheckoutRequestsAreRefused(t *testing.T) {
	cases := invalidCheckoutRequests
	require.GreaterOrEqual(t, len(cases), 25)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, violations := validateCheckout(t, tc.body(t))
			require.NotEmpty(t, violations, "the request must be refused")
			var found bool
			for _, v := range violations {
				if v.Pointer == tc.pointer && v.Rule == tc.rule {
					found = true
					assert.Equal(t, "createCheckout", v.Operation)
					assert.Equal(t, "request body", v.In)
				}
			}
			assert.True(t, found, "want a %s violation at %s, got %v", tc.rule, tc.pointer, violations)
		})
	}
}

func TestValidEdgeAmountsAreAccepted(t *testing.T) {
	for _, amount := range []string{"0.07", "8.1", "323.39", "999999999.99", "1000.5", "0.01", "1", "100.00", "1e2", "12345678.91", "999999999999.99"} {
		t.Run(amount, func(t *testing.T) {
			_, violations := validateCheckout(t, withRaw(t, "amount", amount))
			assert.Empty(t, violations)
		})
	}
	// Every amount from 0.01 to 1000.00 in steps of 0.01: kin-openapi's float multipleOf has
	// given false failures in the past (its issues #817 and #1109).
	s := load(t)
	schema := s.Doc.Components.Schemas["CheckoutRequest"].Value.Properties["amount"].Value
	for cents := 1; cents <= 100_000; cents++ {
		text := fmt.Sprintf("%d.%02d", cents/100, cents%100)
		var v any
		require.NoError(t, json.Unmarshal([]byte(text), &v))
		if vs := s.ValidateValue(schema, v, "createCheckout", "request body"); len(vs) > 0 {
			t.Fatalf("amount %s refused: %v", text, vs)
		}
	}
}

func TestTransactionDetail(t *testing.T) {
	s := load(t)
	req := httptest.NewRequestWithContext(context.Background(), http.MethodGet, "http://127.0.0.1:9/api/v2/payment/transaction/TXN-1%2F2", nil)
	req.Header.Set("X-API-Key", testKey)
	ex, violations := s.ValidateRequest(context.Background(), req)
	require.Empty(t, violations)
	assert.Equal(t, "getTransaction", ex.Operation)

	header := http.Header{"Content-Type": []string{"application/json"}}
	for _, status := range []string{"INITIATED", "PENDING", "SUCCESS", "FAILED", "CANCELLED"} {
		body := `{"status":"SUCCESS","message":"ok","data":{"transaction_id":"TXN-1/2","reference":"R","amount":10.5,
			"currency":"ETB","status":"` + status + `","created_at":"2024-01-15T10:30:00Z","updated_at":"2024-01-15T10:30:00Z"}}`
		assert.Empty(t, s.ValidateResponse(context.Background(), ex, http.StatusOK, header, []byte(body)), status)
	}
	bad := `{"status":"SUCCESS","message":"ok","data":{"transaction_id":"T","reference":"R","amount":10.5,
		"currency":"ETB","status":"DONE","created_at":"2024-01-15T10:30:00Z","updated_at":"2024-01-15T10:30:00Z"}}`
	vs := s.ValidateResponse(context.Background(), ex, http.StatusOK, header, []byte(bad))
	require.Len(t, vs, 1)
	assert.Equal(t, "/data/status", vs[0].Pointer)
	assert.Equal(t, "enum", vs[0].Rule)
	assert.Equal(t, `"DONE"`, vs[0].Value)
	assert.Equal(t, "openapi.yaml#/components/schemas/TransactionStatus/enum", vs[0].Location)

	notFound := `{"status":"ERROR","message":"Transaction not found","error_code":"NOT_FOUND"}`
	assert.Empty(t, s.ValidateResponse(context.Background(), ex, http.StatusNotFound, header, []byte(notFound)))
	assert.NotEmpty(t, s.ValidateResponse(context.Background(), ex, http.StatusTeapot, http.Header{"Content-Type": []string{"text/plain"}}, []byte("no")),
		"a body that is not the error envelope is a violation even under default")
}

func TestSecurityAndRouting(t *testing.T) {
	s := load(t)
	for _, key := range []string{"", "no-colon", ":secret", "public:", "pk: sk"} {
		req := checkoutRequest(t, docsRequest)
		req.Header.Set("X-API-Key", key)
		_, violations := s.ValidateRequest(context.Background(), req)
		require.Len(t, violations, 1, "key %q", key)
		assert.Equal(t, "header X-API-Key", violations[0].In)
		_, secret, _ := strings.Cut(key, ":")
		secrettest.Absent(t, contract.Format(violations[0]), strings.TrimSpace(secret), "violation")
	}
	_, violations := s.ValidateRequest(context.Background(), httptest.NewRequestWithContext(context.Background(), http.MethodDelete, "/api/v2/payment/checkout", nil))
	require.Len(t, violations, 1)
	assert.Equal(t, "undeclared operation", violations[0].Rule)
	assert.Contains(t, violations[0].Reason, "method not allowed")
	_, violations = s.ValidateRequest(context.Background(), httptest.NewRequestWithContext(context.Background(), http.MethodGet, "/api/v2/payment/refund", nil))
	require.Len(t, violations, 1)
	assert.Contains(t, violations[0].Reason, "no matching operation")
}

func TestValidationReadsBodyOnce(t *testing.T) {
	// kin-openapi replaces the request body; the bytes must still be there afterwards.
	req := checkoutRequest(t, docsRequest)
	_, violations := load(t).ValidateRequest(context.Background(), req)
	require.Empty(t, violations)
	var buf bytes.Buffer
	_, err := buf.ReadFrom(req.Body)
	require.NoError(t, err)
	assert.JSONEq(t, docsRequest, buf.String())
}
