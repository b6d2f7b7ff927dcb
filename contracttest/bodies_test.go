package contracttest_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/contracttest"
)

// TestFakeRefusesBodiesReadersDisagreeOn sends the fake checkout bodies that encoding/json
// would read one way and another reader another way (a repeated key, invalid UTF-8) and
// amounts kin-openapi would round into range: each is refused with 400 naming the field and
// the rule in words (INVALID_AMOUNT when the amount alone is broken, VALIDATION_ERROR
// otherwise), and no session is created.
func TestFakeRefusesBodiesReadersDisagreeOn(t *testing.T) {
	srv := contracttest.NewServer(t)
	plain := &http.Client{}
	replace := func(old, repl string) string { return strings.Replace(docsRequest, old, repl, 1) }
	tests := []struct {
		name  string
		body  string
		field string
		words string // in the field's message
	}{
		{name: "amount given twice", body: replace(`"amount": 1000.5,`, `"amount": 0.001, "amount": 20,`),
			field: "amount", words: "must appear only once in its object (duplicate key)"},
		{name: "a redirect given twice", body: replace(`"success": "https://example.com/success",`,
			`"success": "https://example.com/success", "success": "https://evil.example/x",`),
			field: "redirects.success", words: "(duplicate key)"},
		{name: "a repeated key spelt with an escape", body: replace(`"currency": "ETB",`, `"currency": "ETB", "curr\u0065ncy": "USD",`),
			field: "currency", words: "(duplicate key)"},
		{name: "invalid UTF-8 in the reference", body: replace(`"ORDER123456"`, "\"U1-\xff-N\""),
			field: "reference", words: "must be valid UTF-8 text (utf-8)"},
		{name: "a lone surrogate in the reference", body: replace(`"ORDER123456"`, `"U1-\ud800-N"`),
			field: "reference", words: "(utf-8)"},
		{name: "more precision than a float64 shows", body: replace(`1000.5`, `1.0000000000000001`),
			field: "amount", words: "must have at most two decimal places (multipleOf)"},
		{name: "three decimals", body: replace(`1000.5`, `9.555`),
			field: "amount", words: "must have at most two decimal places (multipleOf)"},
		{name: "beyond any float64", body: replace(`1000.5`, `1e400`),
			field: "amount", words: "must be at most 999999999999.99 (maximum)"},
		{name: "just above the maximum", body: replace(`1000.5`, `999999999999.991`),
			field: "amount", words: "must be at most 999999999999.99 (maximum)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, _, body := call(t, plain, http.MethodPost, srv.URL()+"/payment/checkout", testKey, []byte(tt.body))
			require.Equal(t, http.StatusBadRequest, status, string(body))
			var env client.ErrorEnvelope
			require.NoError(t, json.Unmarshal(body, &env))
			code := "VALIDATION_ERROR"
			if tt.field == "amount" {
				code = "INVALID_AMOUNT"
			}
			assert.Equal(t, code, env.ErrorCode)
			messages := env.Errors[tt.field]
			require.NotEmpty(t, messages, "the refusal names %s: %s", tt.field, body)
			assert.Contains(t, strings.Join(messages, "; "), tt.words)
			assert.NotContains(t, string(body), "e+11", "numbers are never in exponent form")
			assert.NotContains(t, string(body), "body is not a checkout request")
		})
	}
	assert.Zero(t, srv.Coverage().Operations["createCheckout"]["200"], "no session was created")

	t.Run("two references that differed only in invalid bytes never collide", func(t *testing.T) {
		for _, ref := range []string{"\"U1-\xff-N\"", "\"U1-\xfe-N\""} {
			status, _, body := call(t, plain, http.MethodPost, srv.URL()+"/payment/checkout", testKey,
				[]byte(replace(`"ORDER123456"`, ref)))
			assert.Equal(t, http.StatusBadRequest, status)
			assert.NotContains(t, string(body), "DUPLICATE_REFERENCE")
		}
	})
}
