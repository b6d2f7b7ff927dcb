package spec_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/internal/contract"
	"github.com/lakipay/checkout-go/internal/spec"
)

// The compiled contract (package contract, generated from openapi.yaml) must judge every
// exchange exactly as the spec verdict does: kin-openapi with this module's options, mapped to
// contract violations, plus the contract rules. These tests compare the two on every table of
// the module and on fuzzed bodies.

const checkoutPath = "/api/v2/payment/checkout"

func jsonHeader() http.Header {
	return http.Header{"Content-Type": {"application/json"}, "X-Api-Key": {testKey}}
}

// sorted returns violations in one order, for comparison.
func sorted(vs []contract.Violation) []contract.Violation {
	out := slices.Clone(vs)
	slices.SortFunc(out, func(a, b contract.Violation) int {
		return strings.Compare(fmt.Sprint(a), fmt.Sprint(b))
	})
	return out
}

// requireSameRequest compares the verdicts on one request.
func requireSameRequest(t *testing.T, s *spec.Spec, method, path string, header http.Header, body string, opts contract.Options) []contract.Violation {
	t.Helper()
	wantOp, want := s.RequestVerdict(context.Background(), method, path, header, []byte(body), opts)
	gotOp, got := contract.ValidateRequest(method, path, header, []byte(body), opts)
	require.Equal(t, wantOp, gotOp, "operation")
	require.Equal(t, sorted(want), sorted(got), "the compiled contract disagrees with the spec verdict on %q", body)
	return got
}

// verdictRequestBodies is every request body the module's tables hold: the invalid-request
// table, the fast path's corpus, the client's validation table (as JSON), valid edge amounts,
// the contract rules and the edge bodies (edgeRequestBodies).
func verdictRequestBodies(t testing.TB) map[string]string {
	bodies := requestCorpus(t)
	for _, tc := range invalidCheckoutRequests {
		bodies["invalid: "+tc.name] = tc.body(t)
	}
	for name, raw := range map[string][2]string{
		// client/checkout_test.go TestCreateCheckoutValidation, as the client would send them.
		"client: empty currency":              {"currency", `""`},
		"client: phone too long":              {"phone_number", `"2519111111111111"`},
		"client: relative callback":           {"callback_url", `"/callback"`},
		"client: nil mediums":                 {"supported_mediums", `null`},
		"client: javascript redirect":         {"redirects", `{"success":"javascript:alert(1)","failed":"https://example.com/failed"}`},
		"client: empty failed redirect":       {"redirects", `{"success":"https://example.com/success","failed":""}`},
		"client: lower-case medium":           {"supported_mediums", `["mpesa"]`},
		"contract: amount tiny":               {"amount", `0.001`},
		"contract: amount 1.0000000000000001": {"amount", `1.0000000000000001`},
		"contract: amount 1e400":              {"amount", `1e400`},
		"contract: amount -1e400":             {"amount", `-1e400`},
		"contract: amount 1e-400":             {"amount", `1e-400`},
		"contract: amount 999999999999.991":   {"amount", `999999999999.991`},
		"contract: amount 1E2":                {"amount", `1E2`},
		"contract: amount 0.07e2":             {"amount", `0.07e2`},
		"contract: amount 100.000":            {"amount", `100.000`},
		"contract: amount -0":                 {"amount", `-0`},
		"contract: amount 0.000":              {"amount", `0.000`},
		"contract: amount 0e5":                {"amount", `0e5`},
		"contract: amount 0.10e1":             {"amount", `0.10e1`},
		"contract: amount true":               {"amount", `true`},
		"contract: amount object":             {"amount", `{"value":1}`},
		"contract: currency array":            {"currency", `["ETB"]`},
		"contract: mediums numbers":           {"supported_mediums", `[1,1.0,1]`},
		"contract: mediums objects":           {"supported_mediums", `[{"a":1,"b":2},{"b":2,"a":1}]`},
		"contract: mediums escaped dup":       {"supported_mediums", `["CBE","\u0043BE","MPESA"]`},
		"contract: mediums many":              {"supported_mediums", "[" + strings.Repeat(`"CBE",`, 40) + `"MPESA"]`},
		"contract: redirects array":           {"redirects", `[1,2,3]`},
		"contract: redirects null":            {"redirects", `null`},
		"contract: description control":       {"description", `"a\u0000b\u001fc"`},
		"contract: description html":          {"description", `"<b>&amp;</b>"` + strings.Repeat(" ", 1)},
		"contract: description long utf8":     {"description", `"` + strings.Repeat("é", 501) + `"`},
		"contract: reference with &":          {"reference", `"A&B"`},
		"contract: callback 2049 chars":       {"callback_url", `"https://e.com/` + strings.Repeat("a", 2049-14) + `"`},
		"contract: callback unicode host":     {"callback_url", `"https://exämple.com/cb"`},
		"contract: callback percent":          {"callback_url", `"https://e.com/%zz"`},
		"contract: callback user":             {"callback_url", `"https://u:p@e.com/"`},
		"contract: callback ipv6":             {"callback_url", `"http://[::1]:8080/cb"`},
	} {
		bodies[name] = withRaw(t, raw[0], raw[1])
	}
	for _, amount := range []string{"0.07", "8.1", "323.39", "999999999.99", "1000.5", "0.01", "1", "100.00", "1e2", "12345678.91", "999999999999.99"} {
		bodies["valid amount "+amount] = withRaw(t, "amount", amount)
	}
	bodies["duplicate key"] = `{"amount":10,"amount":20}`
	bodies["duplicate nested key"] = strings.Replace(docsRequest, `"failed"`, `"success": "https://a.example/x", "failed"`, 1)
	bodies["duplicate after escape"] = strings.Replace(docsRequest, `"currency"`, `"amount": 1, "\u0063urrency"`, 1)
	bodies["invalid UTF-8"] = withRaw(t, "reference", "\"U1-\xff-N\"")
	bodies["invalid UTF-8 key"] = strings.Replace(docsRequest, `"description"`, "\"d\xfeescription\"", 1)
	bodies["lone surrogate"] = withRaw(t, "reference", `"\ud800"`)
	bodies["trailing data"] = docsRequest + ` x`
	bodies["deep"] = withRaw(t, "redirects", strings.Repeat("[", 200)+strings.Repeat("]", 200))
	bodies["deeper than encoding/json reads"] = `{"redirects":` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + `}`
	bodies["byte order mark"] = "\xef\xbb\xbf" + docsRequest
	bodies["reference with an escaped &"] = withRaw(t, "reference", `"A\u0026B"`)
	bodies["reference with an escaped & in an undeclared twin"] = strings.Replace(docsRequest, `"reference"`, `"referenc\u0065_x": "A\u0026B", "reference"`, 1)
	for name, body := range edgeRequestBodies() {
		bodies["edge: "+name] = body
	}
	bodies["whitespace only"] = " \n"
	bodies["number body"] = "12"
	return bodies
}

func TestRequestVerdictsAgree(t *testing.T) {
	s := load(t)
	for name, body := range verdictRequestBodies(t) {
		t.Run(name, func(t *testing.T) {
			for _, opts := range []contract.Options{{}, {Strict: true}, {Lenient: true}} {
				requireSameRequest(t, s, http.MethodPost, checkoutPath, jsonHeader(), body, opts)
			}
		})
	}
}

func TestInvalidRequestsNameTheirField(t *testing.T) {
	// The compiled contract reports the table's field and rule with a readable reason.
	for _, tc := range invalidCheckoutRequests {
		t.Run(tc.name, func(t *testing.T) {
			_, got := contract.ValidateRequest(http.MethodPost, checkoutPath, jsonHeader(), []byte(tc.body(t)), contract.Options{})
			i := slices.IndexFunc(got, func(v contract.Violation) bool { return v.Pointer == tc.pointer && v.Rule == tc.rule })
			require.GreaterOrEqual(t, i, 0, "want %s at %s, got %v", tc.rule, tc.pointer, got)
			v := got[i]
			assert.Equal(t, "createCheckout", v.Operation)
			assert.Equal(t, "request body", v.In)
			assert.NotContains(t, v.Reason, "regular expression", "reasons are words, not regexps")
			assert.True(t, strings.HasPrefix(v.Reason, "must ") || strings.HasPrefix(v.Reason, "is "), v.Reason)
		})
	}
}

func TestRequestHeadersAndRoutesAgree(t *testing.T) {
	s := load(t)
	headers := map[string]func(h http.Header){
		"valid":            func(http.Header) {},
		"no key":           func(h http.Header) { h.Del("X-API-Key") },
		"no colon":         func(h http.Header) { h.Set("X-API-Key", "nocolon") },
		"empty secret":     func(h http.Header) { h.Set("X-API-Key", "pk:") },
		"empty public":     func(h http.Header) { h.Set("X-API-Key", ":sk") },
		"space":            func(h http.Header) { h.Set("X-API-Key", "pk: sk") },
		"two keys":         func(h http.Header) { h.Add("X-API-Key", "other") },
		"text/plain":       func(h http.Header) { h.Set("Content-Type", "text/plain") },
		"charset":          func(h http.Header) { h.Set("Content-Type", "application/json; charset=utf-8") },
		"upper case":       func(h http.Header) { h.Set("Content-Type", " APPLICATION/JSON ") },
		"json suffix":      func(h http.Header) { h.Set("Content-Type", "application/problem+json") },
		"wildcard":         func(h http.Header) { h.Set("Content-Type", "*/*") },
		"no content type":  func(h http.Header) { h.Del("Content-Type") },
		"broken type":      func(h http.Header) { h.Set("Content-Type", "json") },
		"key and type bad": func(h http.Header) { h.Del("X-API-Key"); h.Set("Content-Type", "text/html") },
	}
	for name, change := range headers {
		t.Run(name, func(t *testing.T) {
			for _, body := range []string{docsRequest, "", `{"amount":`, withRaw(t, "currency", `"etb"`)} {
				h := jsonHeader()
				change(h)
				got := requireSameRequest(t, s, http.MethodPost, checkoutPath, h, body, contract.Options{})
				for _, v := range got {
					assert.NotContains(t, contract.Format(v), "sk", "a violation never shows the key")
				}
			}
		})
	}
	routes := []struct{ method, path string }{
		{http.MethodPost, "/payment/checkout"}, {http.MethodPost, "/x/y/payment/checkout/"}, {http.MethodGet, checkoutPath},
		{http.MethodDelete, checkoutPath}, {http.MethodGet, "/api/v2/payment/refund"}, {http.MethodGet, "/"},
		{http.MethodGet, "/api/v2/payment/transaction/TXN-1"}, {http.MethodGet, "/api/v2/payment/transaction/TXN-1%2F2"},
		{http.MethodGet, "/api/v2/payment/transaction/" + strings.Repeat("x", 101)}, {http.MethodGet, "/api/v2/payment/transaction/%C3%A9"},
		{http.MethodGet, "/api/v2/payment/transaction/%zz"}, {http.MethodGet, "/api/v2/payment/transaction/"},
		{http.MethodPost, "/api/v2/payment/transaction/TXN-1"}, {http.MethodGet, "/api/v2/payment/transaction/a%20b"},
	}
	for _, r := range routes {
		t.Run(r.method+" "+r.path, func(t *testing.T) {
			requireSameRequest(t, s, r.method, r.path, jsonHeader(), "", contract.Options{})
			requireSameRequest(t, s, r.method, r.path, http.Header{}, docsRequest, contract.Options{})
		})
	}
}

func TestParameterVerdictsAgree(t *testing.T) {
	s := load(t)
	for _, id := range []string{"TXN-1", "", strings.Repeat("x", 100), strings.Repeat("x", 101), strings.Repeat("é", 100),
		strings.Repeat("😀", 101), "a/b", "\xff", strings.Repeat("\xff", 100), strings.Repeat("\xff", 101),
		strings.Repeat("\xed\xa0\x80", 34), strings.Repeat("\xf0\x9f\x98", 33) + "x", strings.Repeat("é", 99) + "\xc3"} {
		want := s.ParameterVerdict("getTransaction", "id", id)
		got := contract.ValidateParameter("getTransaction", "id", id)
		assert.Equal(t, sorted(want), sorted(got), "%q", id)
	}
}

// verdictResponses are response bodies of both operations, valid and not.
func verdictResponses() map[string]string {
	tx := func(change string) string {
		return `{"status":"SUCCESS","message":"ok","data":{"transaction_id":"TXN-1","reference":"R","amount":10.5,"currency":"ETB","status":"PAID_STATUS","created_at":"2024-01-15T10:30:00Z","updated_at":"2024-01-15T10:30:00Z"` + change + `}}`
	}
	bodies := map[string]string{
		"docs":                  docsResponse,
		"error":                 errorExample,
		"status lower":          strings.Replace(docsResponse, `"status": "INITIATED"`, `"status": "initiated"`, 1),
		"relative url":          strings.Replace(docsResponse, `"https://checkout.lakipay.co/pay/abc123"`, `"/pay/abc"`, 1),
		"empty id":              strings.Replace(docsResponse, `"TXN-123456789"`, `""`, 1),
		"amount 3 places":       strings.Replace(docsResponse, `"amount": 1000.5`, `"amount": 1000.555`, 1),
		"amount string":         strings.Replace(docsResponse, `"amount": 1000.5`, `"amount": "1000.50"`, 1),
		"amount bad string":     strings.Replace(docsResponse, `"amount": 1000.5`, `"amount": "10,5"`, 1),
		"amount string 3dp":     strings.Replace(docsResponse, `"amount": 1000.5`, `"amount": "1000.505"`, 1),
		"amount string huge":    strings.Replace(docsResponse, `"amount": 1000.5`, `"amount": "1e400"`, 1),
		"no data":               `{"status":"SUCCESS","message":"m"}`,
		"flat":                  `{"success":true,"payment_url":"https://x.example/p"}`,
		"error no message":      `{"status":"ERROR"}`,
		"errors not lists":      `{"status":"ERROR","message":"m","errors":{"a":"b","c":[1,"x"],"d":null}}`,
		"error extra":           `{"status":"ERROR","message":"m","error_code":"X","extra":{"y":1},"errors":{"a":["b"]}}`,
		"not JSON":              `{`,
		"empty":                 ``,
		"duplicate":             `{"status":"ERROR","status":"SUCCESS","message":"m"}`,
		"tx paid":               strings.Replace(tx(`,"medium":"MPESA","type":"DEPOSIT","fee_amount":0,"total_amount":10.5,"description":"d"`), "PAID_STATUS", "SUCCESS", 1),
		"tx unknown status":     tx(""),
		"tx fee negative":       strings.Replace(tx(`,"fee_amount":-0.01,"total_amount":0`), "PAID_STATUS", "PENDING", 1),
		"tx fee string":         strings.Replace(tx(`,"fee_amount":"0.00","total_amount":"10.50"`), "PAID_STATUS", "PENDING", 1),
		"tx bad dates":          strings.Replace(strings.Replace(tx(""), "2024-01-15T10:30:00Z", "2023-02-29T10:30:00Z", 1), "PAID_STATUS", "FAILED", 1),
		"tx leap day":           strings.Replace(strings.Replace(tx(""), "2024-01-15T10:30:00Z", "2024-02-29T23:59:59.123+03:00", 1), "PAID_STATUS", "FAILED", 1),
		"tx leap second":        strings.Replace(strings.Replace(tx(""), "2024-01-15T10:30:00Z", "2016-12-31T23:59:60Z", 1), "PAID_STATUS", "FAILED", 1),
		"tx new status, medium": strings.Replace(tx(`,"medium":"AWASH","type":"REFUND"`), "PAID_STATUS", "REFUNDED", 1),
		"tx extra fields":       strings.Replace(tx(`,"x":{"nested":[1,2]},"medium":null`), "PAID_STATUS", "CANCELLED", 1),
		"tx medium object":      strings.Replace(tx(`,"medium":{"a":1}`), "PAID_STATUS", "CANCELLED", 1),
		"tx data array":         `{"status":"SUCCESS","message":"ok","data":[]}`,
		"tx nulls":              `{"status":null,"message":null,"data":null}`,
		"tx missing everything": `{"status":"SUCCESS","message":"ok","data":{}}`,
	}
	return bodies
}

func TestResponseVerdictsAgree(t *testing.T) {
	s := load(t)
	headers := map[string]http.Header{
		"json":            {"Content-Type": {"application/json"}},
		"html":            {"Content-Type": {"text/html"}},
		"none":            {},
		"retry ok":        {"Content-Type": {"application/json"}, "Retry-After": {"30"}},
		"retry long":      {"Content-Type": {"application/json"}, "Retry-After": {strings.Repeat("9", 65)}},
		"retry long html": {"Content-Type": {"text/html"}, "Retry-After": {strings.Repeat("9", 65)}},
	}
	for name, body := range verdictResponses() {
		t.Run(name, func(t *testing.T) {
			for _, op := range []string{"createCheckout", "getTransaction"} {
				for hname, header := range headers {
					for _, status := range []int{200, 201, 301, 400, 404, 418, 429, 500, 503} {
						for _, opts := range []contract.Options{{}, {Strict: true}, {Lenient: true}, {Strict: true, Lenient: true}, {OpenEnums: true}, {Lenient: true, OpenEnums: true}} {
							want := s.ResponseVerdict(context.Background(), op, status, header, []byte(body), opts)
							got := contract.ValidateResponse(op, status, header, []byte(body), opts)
							require.Equal(t, sorted(want), sorted(got), "%s %d %s %+v", op, status, hname, opts)
						}
					}
				}
			}
		})
	}
}

// verdictWebhooks are webhook bodies, valid and not.
func verdictWebhooks() map[string]string {
	signed := strings.Replace(webhookDoc, "bm90LWEtcmVhbC1zaWduYXR1cmU=", strings.Repeat("AbCd", 85)+"Ab==", 1)
	return map[string]string{
		"docs":             webhookDoc,
		"signed":           signed,
		"extra field":      strings.Replace(webhookDoc, "{", `{"extra":[1,{"a":null}],`, 1),
		"unknown status":   strings.Replace(webhookDoc, `"SUCCESS"`, `"PAID"`, 1),
		"unknown medium":   strings.Replace(strings.Replace(webhookDoc, `"MPESA"`, `"AWASH"`, 1), `"DEPOSIT"`, `"REFUND"`, 1),
		"medium a number":  strings.Replace(webhookDoc, `"MPESA"`, `7`, 1),
		"three decimals":   strings.Replace(webhookDoc, "100.00", "100.005", 1),
		"amount string":    strings.Replace(webhookDoc, "100.00", `"100.00"`, 1),
		"amount tiny":      strings.Replace(webhookDoc, "100.00", `0.001`, 1),
		"amount exact":     strings.Replace(webhookDoc, "100.00", `1.0000000000000001`, 1),
		"amount huge":      strings.Replace(webhookDoc, "100.00", `1e400`, 1),
		"missing and time": strings.Replace(strings.Replace(webhookDoc, `"transaction_id":"TXN-123456789",`, "", 1), "2024-01-15T10:30:00Z", "soon", 1),
		"bad signature":    strings.Replace(webhookDoc, "bm90LWEtcmVhbC1zaWduYXR1cmU=", "not base64!", 1),
		"empty signature":  strings.Replace(webhookDoc, "bm90LWEtcmVhbC1zaWduYXR1cmU=", "", 1),
		"medium null":      strings.Replace(webhookDoc, `"MPESA"`, `null`, 1),
		"medium lower":     strings.Replace(webhookDoc, `"MPESA"`, `"mpesa"`, 1),
		"duplicate":        strings.Replace(webhookDoc, `"event":"DEPOSIT",`, `"event":"DEPOSIT","event":"WITHDRAWAL",`, 1),
		"not JSON":         `{"event":`,
		"not an object":    `[]`,
		"invalid UTF-8":    strings.Replace(webhookDoc, "ORDER-12345", "ORDER-\xff", 1),
		"date non-ascii":   strings.Replace(webhookDoc, "2024-01-15T10:30:00Z", "2024-01-15T10:30:00Z\u00e9", 1),
		"signature é":      strings.Replace(webhookDoc, "bm90LWEtcmVhbC1zaWduYXR1cmU=", "é", 1),
	}
}

func TestWebhookVerdictsAgree(t *testing.T) {
	s := load(t)
	for name, body := range verdictWebhooks() {
		t.Run(name, func(t *testing.T) {
			for _, opts := range []contract.Options{{}, {Strict: true}, {Lenient: true}, {OpenEnums: true}, {Lenient: true, OpenEnums: true}} {
				want := s.WebhookVerdict([]byte(body), opts)
				got := contract.ValidateWebhook([]byte(body), opts)
				require.Equal(t, sorted(want), sorted(got), "%+v", opts)
			}
		})
	}
	assert.Empty(t, contract.ValidateWebhook([]byte(webhookDoc), contract.Options{}))
}

func TestEveryCentAmountIsAccepted(t *testing.T) {
	// Every amount from 0.01 to 1000.00 in steps of 0.01, written as a merchant's JSON would
	// write it, against the compiled contract; a sample against the spec verdict.
	s := load(t)
	for cents := 1; cents <= 100_000; cents++ {
		text := fmt.Sprintf("%d.%02d", cents/100, cents%100)
		body := `{"amount":` + text + `,"currency":"ETB","phone_number":"251911111111","reference":"R","redirects":{"success":"https://e.com/s","failed":"https://e.com/f"},"supported_mediums":["CBE"]}`
		if _, vs := contract.ValidateRequest(http.MethodPost, checkoutPath, jsonHeader(), []byte(body), contract.Options{}); vs != nil {
			t.Fatalf("amount %s refused: %v", text, vs)
		}
		if cents%997 == 0 {
			requireSameRequest(t, s, http.MethodPost, checkoutPath, jsonHeader(), body, contract.Options{})
		}
	}
}

// FuzzRequestVerdict compares the compiled contract with the spec verdict on mutated request
// bodies, in every mode.
func FuzzRequestVerdict(f *testing.F) {
	for _, body := range verdictRequestBodies(f) {
		f.Add(body, uint8(0))
	}
	s, err := spec.Load()
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, body string, mode uint8) {
		opts := contract.Options{Strict: mode&1 != 0, Lenient: mode&2 != 0}
		requireSameRequest(t, s, http.MethodPost, checkoutPath, jsonHeader(), body, opts)
	})
}

// FuzzResponseVerdict compares the verdicts on mutated response bodies of both operations.
func FuzzResponseVerdict(f *testing.F) {
	for _, body := range verdictResponses() {
		f.Add(body, uint8(0), uint16(200))
	}
	s, err := spec.Load()
	require.NoError(f, err)
	header := http.Header{"Content-Type": {"application/json"}}
	f.Fuzz(func(t *testing.T, body string, mode uint8, status uint16) {
		op := "createCheckout"
		if mode&4 != 0 {
			op = "getTransaction"
		}
		opts := contract.Options{Strict: mode&1 != 0, Lenient: mode&2 != 0, OpenEnums: mode&8 != 0}
		code := 100 + int(status)%500
		want := s.ResponseVerdict(context.Background(), op, code, header, []byte(body), opts)
		got := contract.ValidateResponse(op, code, header, []byte(body), opts)
		require.Equal(t, sorted(want), sorted(got))
	})
}

// FuzzWebhookVerdict compares the verdicts on mutated webhook bodies.
func FuzzWebhookVerdict(f *testing.F) {
	for _, body := range verdictWebhooks() {
		f.Add(body, uint8(0))
	}
	s, err := spec.Load()
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, body string, mode uint8) {
		opts := contract.Options{Strict: mode&1 != 0, Lenient: mode&2 != 0, OpenEnums: mode&4 != 0}
		require.Equal(t, sorted(s.WebhookVerdict([]byte(body), opts)), sorted(contract.ValidateWebhook([]byte(body), opts)))
	})
}

func TestEveryPatternOfTheSpecHasAReason(t *testing.T) {
	// Read from openapi.yaml as loaded, not from the generated contract: a pattern added to
	// the spec without words for it fails here even before go generate runs.
	s := load(t)
	seen := map[*openapi3.Schema]bool{}
	var walk func(ref *openapi3.SchemaRef)
	walk = func(ref *openapi3.SchemaRef) {
		if ref == nil || ref.Value == nil || seen[ref.Value] {
			return
		}
		v := ref.Value
		seen[v] = true
		if v.Pattern != "" {
			reason, ok := contract.PatternReason(v.Pattern)
			assert.True(t, ok, "the pattern %s has no readable reason", v.Pattern)
			assert.NotEmpty(t, reason)
		}
		for _, p := range v.Properties {
			walk(p)
		}
		for _, p := range v.AllOf {
			walk(p)
		}
		walk(v.Items)
		walk(v.AdditionalProperties.Schema)
	}
	for _, ref := range s.Doc.Components.Schemas {
		walk(ref)
	}
	assert.NotEmpty(t, seen)
}

// requestCorpus is checkout request bodies that probe every rule of the contract.
func requestCorpus(t testing.TB) map[string]string {
	long := `"` + strings.Repeat("r", 101) + `"`
	c := map[string]string{
		"docs":                 docsRequest,
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
		"escaped key":          strings.Replace(docsRequest, `"amount"`, `"\u0061mount"`, 1),
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
		"two values":           docsRequest + ` {}`,
		"empty":                ``,
	}
	return c
}

// webhookDoc is the payload of LakiPay's webhook documentation, with a stand-in signature.
const webhookDoc = `{"event":"DEPOSIT","transaction_id":"TXN-123456789","reference":"ORDER-12345","amount":100.00,"currency":"ETB","status":"SUCCESS","medium":"MPESA","timestamp":"2024-01-15T10:30:00Z","signature":"bm90LWEtcmVhbC1zaWduYXR1cmU="}`
