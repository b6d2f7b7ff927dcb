package contract_test

import (
	"bytes"
	"net/http"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/internal/contract"
	"github.com/lakipay/checkout-go/internal/jsonscan"
	"github.com/lakipay/checkout-go/internal/lakipaydocs"
	"github.com/lakipay/checkout-go/internal/secrettest"
)

const checkoutPath = "/api/v2/payment/checkout"

func header(key string) http.Header {
	return http.Header{"Content-Type": {"application/json"}, "X-Api-Key": {key}}
}

func TestNoSpecMachineryAtRunTime(t *testing.T) {
	// The SDK's validation must not parse or validate OpenAPI, YAML or JSON Schema when it runs:
	// those live in contractgen and in tests only.
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("skipped: the go command is not on PATH")
	}
	out, err := exec.CommandContext(t.Context(), goBin, "list", "-deps", "github.com/lakipay/checkout-go/internal/contract",
		"github.com/lakipay/checkout-go/internal/jsonscan").CombinedOutput()
	require.NoError(t, err, "%s", out)
	for _, dep := range strings.Fields(string(out)) {
		for _, banned := range []string{"kin-openapi", "yaml", "jsonschema", "oapi-codegen", "swag", "jsonpointer"} {
			assert.NotContains(t, strings.ToLower(dep), banned, "a run-time dependency parses or validates specs")
		}
		if strings.Contains(dep, ".") && !strings.HasPrefix(dep, "github.com/lakipay/checkout-go/") && !strings.HasPrefix(dep, "vendor/golang.org/") {
			t.Errorf("%s is not the standard library", dep)
		}
	}
}

func TestDocsExamplesAreValid(t *testing.T) {
	op, vs := contract.ValidateRequest(http.MethodPost, checkoutPath, header("pk_test_abc:sk_test_x"), []byte(lakipaydocs.Request), contract.Options{})
	assert.Equal(t, "createCheckout", op)
	assert.Empty(t, vs)
	assert.Empty(t, contract.ValidateResponse("createCheckout", http.StatusOK, header(""), []byte(lakipaydocs.Response), contract.Options{Strict: true}))
	assert.Empty(t, contract.ValidateResponse("createCheckout", http.StatusUnauthorized, header(""), []byte(lakipaydocs.Error), contract.Options{Strict: true}))
}

func TestTheSecretKeyNeverShows(t *testing.T) {
	const secret = "sk_live_CANARY_4242"
	for _, key := range []string{"pk_live_x " + secret, "pk_live_x:" + secret + "\n", ":" + secret, "nocolon" + secret} {
		h := header(key)
		_, vs := contract.ValidateRequest(http.MethodPost, checkoutPath, h, []byte(`{"reference":1}`), contract.Options{})
		require.NotEmpty(t, vs)
		assert.Equal(t, "security", vs[0].Rule)
		for _, v := range vs {
			secrettest.Absent(t, contract.Format(v)+v.Value+v.Reason, secret, "violation")
		}
	}
	assert.ErrorIs(t, contract.CheckAPIKey("pk:"+secret+" "), contract.ErrAPIKeyShape)
	secrettest.Absent(t, contract.CheckAPIKey("pk:"+secret+" ").Error(), secret, "error")
	assert.NoError(t, contract.CheckAPIKey("pk_test_abc:sk_test_xyz"))
}

func TestRouting(t *testing.T) {
	h := header("pk:sk")
	tests := []struct {
		name, method, path, base string
		op, rule                 string
	}{
		{"any base path", http.MethodGet, "/proxy/v9/payment/transaction/T1", "", "getTransaction", ""},
		{"exact under the base", http.MethodGet, "/api/v2/payment/transaction/T1", "/api/v2", "getTransaction", ""},
		{"exact under the base with slash", http.MethodGet, "/api/v2/payment/transaction/T1", "/api/v2/", "getTransaction", ""},
		{"typo base", http.MethodGet, "/api/v2/typo/payment/transaction/T1", "/api/v2", "", "undeclared operation"},
		{"doubled base", http.MethodGet, "/api/v2/api/v2/payment/transaction/T1", "/api/v2", "", "undeclared operation"},
		{"outside the base", http.MethodGet, "/payment/transaction/T1", "/api/v2", "", "undeclared operation"},
		{"wrong method", http.MethodPut, "/api/v2/payment/transaction/T1", "/api/v2", "", "undeclared operation"},
		{"escaped id", http.MethodGet, "/api/v2/payment/transaction/T%2F1", "/api/v2", "getTransaction", ""},
		{"bad escape", http.MethodGet, "/api/v2/payment/transaction/T%zz", "/api/v2", "", "undeclared operation"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			op, vs := contract.ValidateRequest(tt.method, tt.path, h, nil, contract.Options{BasePath: tt.base})
			assert.Equal(t, tt.op, op)
			if tt.rule == "" {
				assert.Empty(t, vs)
				return
			}
			require.Len(t, vs, 1)
			assert.Equal(t, tt.rule, vs[0].Rule)
			assert.Equal(t, "route", vs[0].In)
		})
	}
	t.Run("a wrong method names the right one", func(t *testing.T) {
		_, vs := contract.ValidateRequest(http.MethodDelete, checkoutPath, h, nil, contract.Options{})
		require.Len(t, vs, 1)
		assert.Equal(t, "the method must be POST", vs[0].Reason)
		assert.Equal(t, `"DELETE /api/v2/payment/checkout"`, vs[0].Value)
	})
}

func TestReadableReasons(t *testing.T) {
	body := `{"amount":1e400,"currency":"etb","phone_number":"+251","reference":"A&B","description":"` + strings.Repeat("d", 501) + `",` +
		`"callback_url":"ftp://x","redirects":{"success":"https://e.com/s"},"supported_mediums":["CBE","CBE","PAYPAL"],"tip":5}`
	_, vs := contract.ValidateRequest(http.MethodPost, checkoutPath, header("pk:sk"), []byte(body), contract.Options{})
	got := map[string]string{}
	for _, v := range vs {
		got[contract.Field(v)+" "+v.Rule] = v.Reason
	}
	want := map[string]string{
		"amount maximum":                "must be at most 999999999999.99",
		"currency pattern":              "must be three upper-case letters, an ISO 4217 code such as ETB",
		"phone_number pattern":          "must be 7 to 15 digits: country code and number, no +, spaces or leading 0",
		"reference pattern":             "must not contain &",
		"description maxLength":         "must be at most 500 characters long",
		"callback_url pattern":          "must be an absolute http or https URL",
		"redirects.failed required":     "is required",
		"supported_mediums uniqueItems": "must not list an item twice",
		"supported_mediums.2 enum":      "must be one of " + strings.Join(contract.Enum("Medium"), ", "),
		"tip additionalProperties":      "is not a field of this request",
	}
	assert.Equal(t, want, got)

	_, vs = contract.ValidateRequest(http.MethodPost, checkoutPath, header("pk:sk"), []byte(strings.Replace(lakipaydocs.Request, "1000.5", "1.0000000000000001", 1)), contract.Options{})
	require.Len(t, vs, 1)
	assert.Equal(t, "must have at most two decimal places", vs[0].Reason)
	assert.Equal(t, "1.0000000000000001", vs[0].Value)
	_, vs = contract.ValidateRequest(http.MethodPost, checkoutPath, header("pk:sk"), []byte(strings.Replace(lakipaydocs.Request, "1000.5", "0.001", 1)), contract.Options{})
	assert.Equal(t, []string{"minimum", "multipleOf"}, []string{vs[0].Rule, vs[1].Rule})
	assert.Equal(t, "must be at least 0.01", vs[0].Reason)
}

func TestContractRules(t *testing.T) {
	tests := []struct {
		name, body, pointer, rule string
	}{
		{"duplicate key names the member", `{"amount":0.001,"amount":20}`, "/amount", "duplicate key"},
		{"nested duplicate", strings.Replace(lakipaydocs.Request, `"failed"`, `"success":"https://x.example/","failed"`, 1), "/redirects/success", "duplicate key"},
		{"escaped duplicate", `{"amount":1,"\u0061mount":2}`, "/amount", "duplicate key"},
		{"undeclared duplicate", `{"x":1,"x":2}`, "/x", "duplicate key"},
		{"invalid UTF-8", strings.Replace(lakipaydocs.Request, "ORDER123456", "U1-\xff-N", 1), "/reference", "utf-8"},
		{"lone surrogate", strings.Replace(lakipaydocs.Request, "ORDER123456", `\ud800`, 1), "/reference", "utf-8"},
		{"trailing data", lakipaydocs.Request + "{}", "", "json"},
		{"truncated", lakipaydocs.Request[:40], "/currency", "json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, vs := contract.ValidateRequest(http.MethodPost, checkoutPath, header("pk:sk"), []byte(tt.body), contract.Options{})
			require.Len(t, vs, 1, "a body that breaks a contract rule is that one violation: %v", vs)
			assert.Equal(t, tt.pointer, vs[0].Pointer)
			assert.Equal(t, tt.rule, vs[0].Rule)
			assert.Equal(t, "request body", vs[0].In)
		})
	}
}

func TestHostileBodiesStayBounded(t *testing.T) {
	// Each of these must be judged, not crash or take quadratic time: a long array that must
	// be unique, a wide object, and nesting at encoding/json's limit and one past it.
	many := make([]string, 0, 50001)
	for i := range 50000 {
		many = append(many, `"M`+strings.Repeat("x", i%7)+string(rune('a'+i%26))+`"`)
	}
	many = append(many, `"CBE"`)
	mediums := strings.Replace(lakipaydocs.Request, `["MPESA", "TELEBIRR", "CBE"]`, "["+strings.Join(many, ",")+`,"CBE"]`, 1)
	_, vs := contract.ValidateRequest(http.MethodPost, checkoutPath, header("pk:sk"), []byte(mediums), contract.Options{})
	rules := map[string]int{}
	for _, v := range vs {
		rules[v.Rule]++
	}
	assert.Equal(t, 1, rules["uniqueItems"], "the repeated CBE at the end is found")
	assert.Equal(t, 50000, rules["enum"])

	wide := "{" + strings.Repeat(`"k":1,`, 0)
	var b strings.Builder
	b.WriteString(wide)
	for i := range 30000 {
		b.WriteString(`"k` + strings.Repeat("y", i%5) + string(rune('a'+i%26)) + `":1,`)
	}
	b.WriteString(`"k":1}`)
	vs = contract.ValidateWebhook([]byte(b.String()), contract.Options{})
	require.NotEmpty(t, vs)
	assert.Equal(t, "duplicate key", vs[0].Rule, "30,000 keys with repeats: the first repeat is named")

	for depth, rule := range map[int]string{10000: "required", 10001: "json"} {
		deep := `{"extra":` + strings.Repeat("[", depth-1) + strings.Repeat("]", depth-1) + "}"
		vs := contract.ValidateWebhook([]byte(deep), contract.Options{})
		require.NotEmpty(t, vs)
		assert.Equal(t, rule, vs[0].Rule, "depth %d", depth)
	}
}

func TestLenientAmounts(t *testing.T) {
	body := strings.Replace(lakipaydocs.Response, `"amount": 1000.5`, `"amount": "1000.50"`, 1)
	strict := contract.ValidateResponse("createCheckout", http.StatusOK, header(""), []byte(body), contract.Options{})
	require.Len(t, strict, 1)
	assert.Equal(t, "type", strict[0].Rule)
	assert.Equal(t, "must be a number", strict[0].Reason)
	assert.Empty(t, contract.ValidateResponse("createCheckout", http.StatusOK, header(""), []byte(body), contract.Options{Lenient: true}))
	for text, rule := range map[string]string{`"1000.505"`: "multipleOf", `"1e400"`: "maximum", `"0"`: "minimum", `"ten"`: "type", `" 10"`: "type"} {
		body := strings.Replace(lakipaydocs.Response, `"amount": 1000.5`, `"amount": `+text, 1)
		vs := contract.ValidateResponse("createCheckout", http.StatusOK, header(""), []byte(body), contract.Options{Lenient: true})
		require.Len(t, vs, 1, text)
		assert.Equal(t, rule, vs[0].Rule, text)
		assert.Equal(t, text, vs[0].Value)
	}
	// Only amounts are lenient: a status is never a number in a string.
	body = strings.Replace(lakipaydocs.Response, `"currency": "ETB"`, `"currency": 1`, 1)
	assert.NotEmpty(t, contract.ValidateResponse("createCheckout", http.StatusOK, header(""), []byte(body), contract.Options{Lenient: true}))
}

func TestResponsesAndParameters(t *testing.T) {
	vs := contract.ValidateResponse("getTransaction", http.StatusMovedPermanently, http.Header{"Content-Type": {"text/html"}}, []byte("<a>"), contract.Options{})
	require.Len(t, vs, 1, "a redirect is judged like any other answer")
	assert.Equal(t, "content type", vs[0].Rule)
	assert.Equal(t, `"text/html"`, vs[0].Value)
	long := http.Header{"Content-Type": {"application/json"}, "Retry-After": {strings.Repeat("9", 65)}}
	vs = contract.ValidateResponse("getTransaction", http.StatusTooManyRequests, long, []byte(`{"status":"ERROR"}`), contract.Options{})
	require.Len(t, vs, 2, "a bad header does not hide the body: %v", vs)
	assert.Equal(t, "header Retry-After", vs[0].In)
	assert.Equal(t, "message", contract.Field(vs[1]))
	assert.Equal(t, "undeclared operation", contract.ValidateResponse("refund", 200, nil, nil, contract.Options{})[0].Rule)

	assert.Empty(t, contract.ValidateParameter("getTransaction", "id", "TXN-1"))
	vs = contract.ValidateParameter("getTransaction", "id", "")
	require.Len(t, vs, 1)
	assert.Equal(t, "path parameter id", contract.Field(vs[0]))
	assert.Equal(t, "must not be empty", vs[0].Reason)
	assert.Equal(t, "openapi.yaml#/paths/~1payment~1transaction~1{id}/get/parameters/0/schema/minLength", vs[0].Location)
	assert.NotEmpty(t, contract.ValidateParameter("getTransaction", "nope", "x"))
	assert.NotEmpty(t, contract.ValidateParameter("nope", "id", "x"))
}

func TestViolationRendering(t *testing.T) {
	v := contract.Violation{Operation: "createCheckout", In: "request body", Pointer: "/redirects/success", Rule: "pattern",
		Reason: "must be an absolute http or https URL", Value: `"/x"`, Location: "openapi.yaml#/components/schemas/AbsoluteURL/pattern"}
	assert.Equal(t, "redirects.success", contract.Field(v))
	assert.Equal(t, `createCheckout: request body /redirects/success: pattern: must be an absolute http or https URL (got "/x"; rule at openapi.yaml#/components/schemas/AbsoluteURL/pattern)`, contract.Format(v))
	assert.Equal(t, "a/b.c~d", contract.Field(contract.Violation{Pointer: "/a~1b/c~0d"}))
	assert.Equal(t, "header X-API-Key", contract.Field(contract.Violation{In: "header X-API-Key"}))
	assert.Equal(t, "route: undeclared operation", contract.Format(contract.Violation{In: "route", Rule: "undeclared operation"}))
}

func TestConcurrentValidation(t *testing.T) {
	// Run with -race: the compiled contract is built once and only read afterwards.
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			body := lakipaydocs.Request
			if i%2 == 1 {
				body = strings.Replace(body, "ETB", "etb", 1)
			}
			for range 50 {
				_, vs := contract.ValidateRequest(http.MethodPost, checkoutPath, header("pk:sk"), []byte(body), contract.Options{})
				assert.Equal(t, i%2, len(vs))
				assert.Empty(t, contract.ValidateWebhook([]byte(`{"event":"DEPOSIT","transaction_id":"T","reference":"R","amount":1,"currency":"ETB","status":"SUCCESS","timestamp":"2024-01-15T10:30:00Z","signature":"AAAA"}`), contract.Options{}))
			}
		})
	}
	wg.Wait()
	assert.Equal(t, "receivePaymentWebhook", contract.WebhookOperation())
}

// TestErrorKeys: the keys of the error envelope's errors map are what openapi.yaml's
// ErrorEnvelope says, for the violations the validator really makes: a field's name, a nested
// object's field dotted, never an array index, a path parameter by its name, a header in
// LakiPay's snake case, and "body" for the body as a whole.
func TestErrorKeys(t *testing.T) {
	body := `{"amount":1e400,"currency":"etb","phone_number":"+251","reference":"A&B",` +
		`"redirects":{"success":"/s","extra":1},"supported_mediums":["CBE","CBE","PAYPAL"],"tip":5}`
	_, vs := contract.ValidateRequest(http.MethodPost, checkoutPath, header("pk:sk"), []byte(body), contract.Options{})
	keys := map[string]string{}
	for _, v := range vs {
		keys[contract.Field(v)+" "+v.Rule] = contract.ErrorKey(v)
	}
	assert.Equal(t, map[string]string{
		"amount maximum":                       "amount",
		"currency pattern":                     "currency",
		"phone_number pattern":                 "phone_number",
		"reference pattern":                    "reference",
		"redirects.success pattern":            "redirects.success",
		"redirects.success format":             "redirects.success",
		"redirects.failed required":            "redirects.failed",
		"redirects.extra additionalProperties": "redirects.extra",
		"supported_mediums uniqueItems":        "supported_mediums",
		"supported_mediums.2 enum":             "supported_mediums",
		"tip additionalProperties":             "tip",
	}, keys)

	_, vs = contract.ValidateRequest(http.MethodGet, "/api/v2/payment/transaction/"+strings.Repeat("x", 101), header("pk:sk"), nil, contract.Options{})
	require.Len(t, vs, 1)
	assert.Equal(t, "path parameter id", contract.Field(vs[0]))
	assert.Equal(t, "id", contract.ErrorKey(vs[0]), "a path parameter by its name, never \"path parameter id\"")

	_, vs = contract.ValidateRequest(http.MethodPost, checkoutPath, http.Header{"Content-Type": {"text/plain"}, "X-Api-Key": {"nokey"}}, []byte(lakipaydocs.Request), contract.Options{})
	got := map[string]string{}
	for _, v := range vs {
		got[v.Rule] = contract.ErrorKey(v)
	}
	assert.Equal(t, map[string]string{"security": "api_key", "content type": "content_type"}, got)

	_, vs = contract.ValidateRequest(http.MethodPost, checkoutPath, header("pk:sk"), []byte(`not json`), contract.Options{})
	require.NotEmpty(t, vs)
	assert.Equal(t, "body", contract.ErrorKey(vs[0]))
	assert.Equal(t, "0", contract.ErrorKey(contract.Violation{Pointer: "/0"}), "a top-level field is a name even when it is digits")
	assert.Equal(t, "a/b.c~d", contract.ErrorKey(contract.Violation{Pointer: "/a~1b/c~0d/3/e"}))
}

// webhookBodies are webhook bodies at the corners of WebhookEvent's schema.
var webhookBodies = []string{
	`{"event":"DEPOSIT","transaction_id":"TXN-1","reference":"R","amount":100.5,"currency":"ETB","status":"SUCCESS",` +
		`"medium":"MPESA","timestamp":"2024-01-15T10:30:00Z","signature":"AbC+/9=="}`,
	`{"signature":"","amount":"100.50","currency":"etb","status":"REFUNDED","medium":"AWASH","event":1,"timestamp":"yesterday"}`,
	`{"amount":1e400,"currency":["ETB"],"reference":{"a":[1,2]},"transaction_id":"","extra":{"k":"v"},"other":[1,"x"]}`,
	`{"amount":100.004,"currency":null,"status":null,"timestamp":"2024-01-15T23:59:60Z","reference":"x\u0026y","signature":"a b"}`,
	`{}`, `{"a/b~c":1,"x\u002fy":{"k":[]}}`, `{"amount":-0.01,"event":"WITHDRAWAL","status":"","medium":"","reference":"` + strings.Repeat("é", 120) + `"}`,
}

// TestValidateWebhookMembersAgrees holds the check of a body already split (the SDK's, which
// reads a webhook once) to the check of the body's text: the same violations, in the same
// order, under every option the harness and the SDK use.
func TestValidateWebhookMembersAgrees(t *testing.T) {
	for _, body := range webhookBodies {
		checkWebhookMembers(t, []byte(body))
	}
}

// FuzzWebhookMembers is TestValidateWebhookMembersAgrees on any body a strict scan splits.
func FuzzWebhookMembers(f *testing.F) {
	for _, body := range webhookBodies {
		f.Add(body)
	}
	f.Fuzz(func(t *testing.T, body string) { checkWebhookMembers(t, []byte(body)) })
}

func checkWebhookMembers(t *testing.T, body []byte) {
	t.Helper()
	members, err := jsonscan.AppendMembers(nil, body, jsonscan.Options{Strict: true})
	if err != nil {
		return
	}
	slices.SortFunc(members, func(a, b jsonscan.Member) int { return bytes.Compare(a.Key, b.Key) })
	for _, opts := range []contract.Options{{}, {Strict: true}, {Lenient: true, OpenEnums: true}} {
		want := contract.ValidateWebhook(body, opts)
		got := contract.ValidateWebhookMembers(members, opts)
		require.Equal(t, want, got, "options %+v, body %s", opts, body)
	}
}
