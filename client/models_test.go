package client

import (
	"encoding/json"
	"maps"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/internal/contract"
)

// TestEnumsMatchTheSpec holds the generated enums to openapi.yaml's, as the compiled contract
// holds them: every value the spec lists is Valid, and IsFinal says what the contract says.
// It lists no value itself, so a medium or status added to openapi.yaml needs no edit here.
func TestEnumsMatchTheSpec(t *testing.T) {
	valid := map[string]func(string) bool{
		"Medium":            func(v string) bool { return Medium(v).Valid() },
		"TransactionStatus": func(v string) bool { return TransactionStatus(v).Valid() },
		"TransactionType":   func(v string) bool { return TransactionType(v).Valid() },
	}
	for name, ok := range valid {
		values := contract.Enum(name)
		require.NotEmpty(t, values, name)
		for _, v := range values {
			assert.True(t, ok(v), "%s %s", name, v)
		}
		assert.False(t, ok(strings.ToLower(values[0])), "%s is case-sensitive", name)
		assert.False(t, ok("ZZ_NOT_IN_THE_SPEC"), name)
	}
	assert.Equal(t, contract.Enum("TransactionType"), contract.Enum("WebhookEvent", "event"), "a webhook's event is a TransactionType")
	for _, s := range contract.Enum("TransactionStatus") {
		assert.Equal(t, contract.IsFinal(s), TransactionStatus(s).IsFinal(), s)
	}
	assert.False(t, TransactionStatus("REFUNDED").IsFinal(), "an unknown status is never taken for final")
}

// TestNoSpecMachineryAtRunTime is the lean SDK's promise: what a merchant's server links for
// package client (generated models included) parses no OpenAPI, YAML or JSON Schema.
func TestNoSpecMachineryAtRunTime(t *testing.T) {
	out, err := exec.CommandContext(t.Context(), "go", "list", "-deps", "github.com/lakipay/checkout-go/client").Output()
	require.NoError(t, err)
	deps := strings.Fields(string(out))
	require.Contains(t, deps, "github.com/lakipay/checkout-go/client")
	for _, heavy := range []string{"kin-openapi", "yaml", "jsonschema", "openapi"} {
		found := slices.IndexFunc(deps, func(d string) bool { return strings.Contains(strings.ToLower(d), heavy) })
		if found >= 0 {
			t.Errorf("client depends on %s at run time", deps[found])
		}
	}
}

// TestOptionalFieldsAreLeftOut: an optional field left empty is absent from the JSON the
// models write, never "" or null, which the contract would refuse (a callback_url of "" is no
// URL, a medium of "" no medium); only a pointer field tells 0 from absent.
func TestOptionalFieldsAreLeftOut(t *testing.T) {
	keys := func(v any) []string {
		b, err := json.Marshal(v)
		require.NoError(t, err)
		var m map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(b, &m))
		return slices.Sorted(maps.Keys(m))
	}
	amount, err := ParseAmount("10")
	require.NoError(t, err)
	assert.Equal(t, []string{"amount", "currency", "phone_number", "redirects", "reference", "supported_mediums"},
		keys(CheckoutRequest{Amount: amount, Currency: "ETB"}), "description and callback_url are left out")
	assert.Equal(t, []string{"amount", "created_at", "currency", "reference", "status", "transaction_id"},
		keys(Transaction{Amount: amount}), "medium, type, description, updated_at and the fee amounts are left out")
	assert.Equal(t, []string{"amount", "currency", "event", "reference", "signature", "status", "timestamp", "transaction_id"},
		keys(WebhookEvent{}), "medium is left out")

	var zero Amount
	fee := keys(Transaction{FeeAmount: &zero, TotalAmount: &amount})
	assert.Contains(t, fee, "fee_amount", "a fee of 0 is not no fee")
	assert.Contains(t, fee, "total_amount")
}
