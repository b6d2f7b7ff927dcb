// Checks shared by every generator's temporary module: .ci/interop/run copies this file, with
// the generator's own test file, next to the code a generator wrote from the published spec.
package lakipay

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// float64Kind compiles only for a type whose underlying type is float64: a float32 amount (or
// a string, or an int) fails the build of the generator's test file.
func float64Kind[T ~float64](T) {}

// amounts are valid amounts in shortest form, from the smallest to the largest the spec
// allows (15 significant digits), including those that float32 or float arithmetic breaks.
var amounts = []string{"0.01", "0.07", "8.1", "323.39", "1000.5", "999999999.99", "123456789012.34", "999999999999.99"}

// webhookBody is a webhook as LakiPay sends it, with the amount written as given.
func webhookBody(amount string) string {
	return fmt.Sprintf(`{"event":"DEPOSIT","transaction_id":"TXN-123456789","reference":"ORDER-12345",`+
		`"amount":%s,"currency":"ETB","status":"SUCCESS","medium":"MPESA",`+
		`"timestamp":"2024-01-15T10:30:00Z","signature":"bm90LWEtcmVhbC1zaWduYXR1cmU="}`, amount)
}

// requireExact fails unless got is the amount's value and gives back its text in shortest form.
func requireExact(t *testing.T, amount string, got float64) {
	t.Helper()
	want, err := strconv.ParseFloat(amount, 64)
	require.NoError(t, err)
	assert.Equal(t, want, got)
	assert.Equal(t, amount, strconv.FormatFloat(got, 'f', -1, 64), "the amount does not give back its text")
}

// TestNoFloat32 fails when the generated code uses float32 anywhere (a field, a type, a
// conversion): float32 holds about 7 significant digits, an amount needs up to 15. Comments
// and strings may mention it; code may not.
func TestNoFloat32(t *testing.T) {
	names, err := filepath.Glob("*.go")
	require.NoError(t, err)
	fset := token.NewFileSet()
	generated := 0
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		generated++
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		require.NoError(t, err)
		ast.Inspect(f, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && id.Name == "float32" {
				assert.Fail(t, "generated code uses float32", "%s", fset.Position(id.Pos()))
			}
			return true
		})
	}
	require.NotZero(t, generated, "no generated file next to the test")
}
