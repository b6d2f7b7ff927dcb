package decimal_test

import (
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/internal/decimal"
)

// Every question a Decimal answers, against math/big's exact rationals.

func TestDecimalAgreesWithBigRat(t *testing.T) {
	numbers := []string{"0", "-0", "0.0", "1", "1.0", "1.00", "10", "1e1", "1E+1", "0.1e2", "100e-2", "0.001", "1e-3", "1.0000000000000001",
		"999999999999.99", "999999999999.991", "1000000000000", "1e400", "-1e400", "1e-400", "0.01", "0.010", "123.4500e3", "-5.5"}
	for _, a := range numbers {
		for _, b := range numbers {
			checkDecimals(t, a, b)
		}
	}
}

func checkDecimals(t *testing.T, a, b string) {
	t.Helper()
	da, ok := decimal.Parse([]byte(a))
	require.True(t, ok, a)
	db, ok := decimal.Parse([]byte(b))
	require.True(t, ok, b)
	ra, _ := new(big.Rat).SetString(a)
	rb, _ := new(big.Rat).SetString(b)
	require.Equal(t, ra.Cmp(rb), da.Cmp(&db), "%s vs %s", a, b)
	// places: the smallest k with a·10^k whole.
	places := int64(0)
	for r := new(big.Rat).Set(ra); !r.IsInt(); places++ {
		r.Mul(r, big.NewRat(10, 1))
	}
	require.Equal(t, places, da.Places(), "places of %s", a)
	checkFixed(t, a, &da, ra)
	// digits and point give the value back: 0.d1d2…dn × 10^point.
	digits := da.AppendDigits(nil)
	if len(digits) == 0 {
		require.Zero(t, ra.Sign(), "no digits only for zero: %s", a)
		return
	}
	require.NotEqual(t, byte('0'), digits[0], "no leading zero in %s's digits", a)
	require.NotEqual(t, byte('0'), digits[len(digits)-1], "no trailing zero in %s's digits", a)
	require.Equal(t, len(digits), da.Significant(), "significant digits of %s", a)
	back, ok := new(big.Rat).SetString(fmt.Sprintf("0.%se%d", digits, da.Point()))
	require.True(t, ok)
	if da.Sign() < 0 {
		back.Neg(back)
	}
	require.Equal(t, 0, back.Cmp(ra), "%s is 0.%s × 10^%d", a, digits, da.Point())
}

func FuzzDecimal(f *testing.F) {
	f.Add("1.5", "1.50")
	f.Add("1e2", "100")
	f.Add("-0.001", "0")
	f.Fuzz(func(t *testing.T, a, b string) {
		_, ok := decimal.Parse([]byte(a))
		isNumber := json.Valid([]byte(a)) && a != "" && strings.TrimSpace(a) == a && strings.IndexByte("-0123456789", a[0]) >= 0
		require.Equal(t, isNumber, ok, "%q: JSON's number grammar decides", a)
		if _, okB := decimal.Parse([]byte(b)); !ok || !okB || hugeExponent(a) || hugeExponent(b) {
			return // big.Rat would build numbers of millions of digits; the table covers those
		}
		checkDecimals(t, a, b)
	})
}

// hugeExponent reports whether a number's exponent has more than four digits.
func hugeExponent(s string) bool {
	i := strings.IndexAny(s, "eE")
	return i >= 0 && len(strings.TrimLeft(s[i+1:], "+-")) > 4
}

// checkFixed holds AppendFixed to the exact value: each writing is a plain decimal (no
// exponent) of the same value with at least the decimals asked for, and the shortest has no
// trailing zero after its point and no point without a decimal; a point beyond 100 places is
// refused.
func checkFixed(t *testing.T, text string, d *decimal.Decimal, exact *big.Rat) {
	t.Helper()
	if d.Point() > 100 || d.Point() < -100 {
		out, ok := d.AppendFixed([]byte("x"), 0)
		require.False(t, ok, "%s is not written out", text)
		require.Equal(t, "x", string(out), "nothing appended for %s", text)
		return
	}
	for minDecimals := range 3 {
		out, ok := d.AppendFixed([]byte("x"), minDecimals)
		require.True(t, ok, text)
		require.Equal(t, byte('x'), out[0], "appended to dst")
		fixed := string(out[1:])
		require.Regexp(t, `^-?(0|[1-9][0-9]*)(\.[0-9]+)?$`, fixed, "%s with %d decimals", text, minDecimals)
		back, ok := new(big.Rat).SetString(fixed)
		require.True(t, ok)
		require.Zero(t, back.Cmp(exact), "%s written as %s", text, fixed)
		_, decimals, _ := strings.Cut(fixed, ".")
		require.GreaterOrEqual(t, len(decimals), minDecimals, "%s written as %s", text, fixed)
		if minDecimals == 0 {
			require.False(t, strings.HasSuffix(fixed, ".") || strings.Contains(fixed, ".") && strings.HasSuffix(fixed, "0"),
				"%s's shortest form is %s", text, fixed)
		}
		if exact.Sign() == 0 {
			require.False(t, strings.HasPrefix(fixed, "-"), "zero has no sign: %s", fixed)
		}
	}
}

func TestAppendFixed(t *testing.T) {
	for _, tc := range []struct{ in, shortest, python, two string }{
		{"1000.5", "1000.5", "1000.5", "1000.50"},
		{"100.00", "100", "100.0", "100.00"},
		{"0.07", "0.07", "0.07", "0.07"},
		{"-0", "0", "0.0", "0.00"},
		{"1e-3", "0.001", "0.001", "0.001"},
		{"12.30E-1", "1.23", "1.23", "1.23"},
		{"-2.5e3", "-2500", "-2500.0", "-2500.00"},
		{"999999999999.99", "999999999999.99", "999999999999.99", "999999999999.99"},
	} {
		d, ok := decimal.Parse([]byte(tc.in))
		require.True(t, ok)
		for minDecimals, want := range []string{tc.shortest, tc.python, tc.two} {
			out, ok := d.AppendFixed(nil, minDecimals)
			require.True(t, ok)
			require.Equal(t, want, string(out), "%s with %d decimals", tc.in, minDecimals)
		}
	}
}
