package client

import (
	"os/exec"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/gen"
	"github.com/lakipay/checkout-go/internal/contract"
	"github.com/lakipay/checkout-go/internal/money"
)

// jsonShape describes a struct as JSON sees it: each field's name, whether it may be left out
// (optional in openapi.yaml) and the kind of value it holds.
func jsonShape(t *testing.T, typ reflect.Type) map[string]string {
	t.Helper()
	shape := map[string]string{}
	for _, f := range reflect.VisibleFields(typ) {
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		require.NotEmpty(t, name, "%s.%s has no JSON name", typ, f.Name)
		optional := strings.Contains(opts, "omitempty")
		shape[name] = kindOf(f.Type) + map[bool]string{true: " (optional)", false: ""}[optional]
	}
	return shape
}

// kindOf names what a Go type holds on the wire; the SDK's own types and gen's differ in Go
// (Amount, Medium, pointers for optional values) but must hold the same JSON.
func kindOf(typ reflect.Type) string {
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	switch typ {
	case reflect.TypeFor[Amount](), reflect.TypeFor[money.Amount]():
		return "amount"
	}
	switch typ.Kind() {
	case reflect.Slice:
		return "array of " + kindOf(typ.Elem())
	case reflect.Struct:
		if typ.PkgPath() == "time" {
			return "date-time"
		}
		return "object"
	default:
		return typ.Kind().String()
	}
}

// TestTypesMatchTheGeneratedModels holds the SDK's hand-written types, written for their
// documentation, to the models oapi-codegen generates from openapi.yaml: a field added,
// removed, renamed, retyped or made optional in the spec fails here until the SDK follows.
func TestTypesMatchTheGeneratedModels(t *testing.T) {
	pairs := []struct{ sdk, generated reflect.Type }{
		{reflect.TypeFor[CheckoutRequest](), reflect.TypeFor[gen.CheckoutRequest]()},
		{reflect.TypeFor[Redirects](), reflect.TypeFor[gen.Redirects]()},
		{reflect.TypeFor[CheckoutSession](), reflect.TypeFor[gen.CheckoutSession]()},
		{reflect.TypeFor[Transaction](), reflect.TypeFor[gen.Transaction]()},
		{reflect.TypeFor[WebhookEvent](), reflect.TypeFor[gen.WebhookEvent]()},
	}
	for _, p := range pairs {
		t.Run(p.sdk.Name(), func(t *testing.T) {
			assert.Equal(t, jsonShape(t, p.generated), jsonShape(t, p.sdk))
		})
	}
}

// TestEnumsMatchTheSpec holds the SDK's constants to the enums of openapi.yaml.
func TestEnumsMatchTheSpec(t *testing.T) {
	tests := []struct {
		name string
		sdk  []string
		spec []string
	}{
		{"Medium", []string{string(MediumMPESA), string(MediumTELEBIRR), string(MediumCBE), string(MediumETHSWITCH),
			string(MediumLAKIPAY), string(MediumCYBERSOURCE)}, contract.Enum("Medium")},
		{"TransactionStatus", []string{string(StatusInitiated), string(StatusPending), string(StatusSuccess),
			string(StatusFailed), string(StatusCancelled)}, contract.Enum("TransactionStatus")},
		{"TransactionType", []string{string(TypeDeposit), string(TypeWithdrawal)}, contract.Enum("TransactionType")},
		{"WebhookEvent.event", []string{string(TypeDeposit), string(TypeWithdrawal)}, contract.Enum("WebhookEvent", "event")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.NotEmpty(t, tt.spec)
			assert.ElementsMatch(t, tt.spec, tt.sdk)
		})
	}
	for _, s := range contract.Enum("TransactionStatus") {
		assert.Equal(t, contract.IsFinal(s), TransactionStatus(s).IsFinal(), s)
		assert.True(t, TransactionStatus(s).Valid(), s)
	}
	assert.False(t, TransactionStatus("success").Valid())
}

// TestNoSpecMachineryAtRunTime is the lean SDK's promise: what a merchant's server links for
// package client (and for the generated models) parses no OpenAPI, YAML or JSON Schema.
func TestNoSpecMachineryAtRunTime(t *testing.T) {
	out, err := exec.CommandContext(t.Context(), "go", "list", "-deps", "github.com/lakipay/checkout-go/client", "github.com/lakipay/checkout-go/gen").Output()
	require.NoError(t, err)
	deps := strings.Fields(string(out))
	require.Contains(t, deps, "github.com/lakipay/checkout-go/client")
	for _, heavy := range []string{"kin-openapi", "yaml", "jsonschema", "openapi"} {
		found := slices.IndexFunc(deps, func(d string) bool { return strings.Contains(strings.ToLower(d), heavy) })
		if found >= 0 {
			t.Errorf("client or gen depends on %s at run time", deps[found])
		}
	}
}
