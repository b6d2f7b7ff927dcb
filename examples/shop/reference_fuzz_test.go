package shop_test

import (
	"testing"

	"github.com/lakipay/checkout-go/examples/shop"
)

// FuzzParseReference checks that a reference the shop accepts is exactly one the shop makes:
// no two references map to the same order attempt, and another system's never maps to one.
func FuzzParseReference(f *testing.F) {
	for _, ref := range []string{"ORDER-42-1", "ORDER-A-7-12", "ORDER-42-01", "ORDER--1", "INVOICE-42-1", "ORDER-4&2-1"} {
		f.Add(ref)
	}
	f.Fuzz(func(t *testing.T, ref string) {
		id, attempt, ok := shop.ParseReference(ref)
		if !ok {
			return
		}
		if back := shop.Reference(id, attempt); back != ref {
			t.Fatalf("ParseReference(%q) = %q, %d, but Reference gives %q", ref, id, attempt, back)
		}
	})
}
