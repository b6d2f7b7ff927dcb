package client

import (
	"errors"
	"math/big"
	"regexp"
	"testing"
)

// jsonNumber is the JSON number grammar (RFC 8259, section 6).
var jsonNumber = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

// shortest is the shortest exact form of an amount: no leading zero, no trailing zero after
// the point, no point without cents.
var shortest = regexp.MustCompile(`^(0|[1-9][0-9]*)(\.[0-9]?[1-9])?$`)

// FuzzParseAmount checks ParseAmount against exact rational arithmetic: whatever the text, it
// either returns the exact value in minor units or an error wrapping the right sentinel. An
// accepted amount is written back in its shortest form and read again unchanged, and the
// same text in a JSON string reads as the same amount.
func FuzzParseAmount(f *testing.F) {
	for _, seed := range []string{"1000.5", "0.07", "8.1", "323.39", "999999999.99", "9.555", "0", "-1",
		"1e2", "12345e-2", "1e-3", "999999999999.99", "1000000000000", "01", "1.", "", "NaN", `"10"`} {
		f.Add(seed)
	}
	hundred := big.NewRat(100, 1)
	maxMinor := big.NewRat(maxMinor, 1)
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAmount(s)
		if len(s) > 64 || !jsonNumber.MatchString(s) {
			if !errors.Is(err, errAmountSyntax) {
				t.Fatalf("Parse(%q) = %v, %v; want ErrSyntax", s, a, err)
			}
			return
		}
		exact, ok := new(big.Rat).SetString(s)
		if !ok {
			// big.Rat refuses exponents beyond about a million; such a number is zero or out of
			// range or precision for an amount.
			if err == nil && !a.IsZero() {
				t.Fatalf("Parse(%q) = %v; want an error", s, a)
			}
			return
		}
		minor := new(big.Rat).Mul(exact, hundred)
		switch {
		case exact.Sign() < 0:
			if !errors.Is(err, errAmountNegative) {
				t.Fatalf("Parse(%q): %v; want ErrNegative", s, err)
			}
		case !minor.IsInt():
			if !errors.Is(err, errAmountPrecision) {
				t.Fatalf("Parse(%q): %v; want ErrPrecision", s, err)
			}
		case minor.Cmp(maxMinor) > 0:
			if !errors.Is(err, errAmountRange) {
				t.Fatalf("Parse(%q): %v; want ErrRange", s, err)
			}
		default:
			if err != nil || a.Minor() != minor.Num().Int64() {
				t.Fatalf("Parse(%q) = %d, %v; want %s", s, a.Minor(), err, minor.Num())
			}
			back, err := ParseAmount(a.String())
			if err != nil || back != a {
				t.Fatalf("String round trip of %q: %q -> %v, %v", s, a.String(), back, err)
			}
			wire, _ := a.MarshalJSON()
			if !shortest.Match(wire) {
				t.Fatalf("MarshalJSON of %q = %s: not the shortest form", s, wire)
			}
			if back, err := ParseAmount(string(wire)); err != nil || back != a {
				t.Fatalf("MarshalJSON round trip of %q: %s -> %v, %v", s, wire, back, err)
			}
			var fromString Amount
			if err := fromString.UnmarshalJSON([]byte(`"` + s + `"`)); err != nil || fromString != a {
				t.Fatalf("decimal string %q read as %v, %v; want %v", s, fromString, err, a)
			}
		}
	})
}
