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
	// digits and point give the value back: 0.d1d2…dn × 10^point.
	digits := da.AppendDigits(nil)
	if len(digits) == 0 {
		require.Zero(t, ra.Sign(), "no digits only for zero: %s", a)
		return
	}
	require.NotEqual(t, byte('0'), digits[0], "no leading zero in %s's digits", a)
	require.NotEqual(t, byte('0'), digits[len(digits)-1], "no trailing zero in %s's digits", a)
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
