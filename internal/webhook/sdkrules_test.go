package webhook_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/internal/webhook"
)

// The canonical value of a JSON number under each rule a LakiPay verifier may apply: ours
// (the raw text), LakiPay's JavaScript SDK (`${value}` of JSON.parse) and its Python SDK
// (f"{value}" of json.loads). The two SDK rules are written here from the languages'
// specifications; TestSDKRulesMatchNodeAndPython checks them against the real interpreters.

// rawRule is this package's rule: the number exactly as written.
func rawRule(text string) string { return text }

// shortestDigits returns the shortest digits that give back f (f > 0) and the position of
// the decimal point, f = 0.digits × 10^point; JavaScript and Python both choose these.
func shortestDigits(f float64) (digits string, point int) {
	e := strconv.FormatFloat(f, 'e', -1, 64) // d.ddde±XX
	mantissa, exp, _ := strings.Cut(e, "e")
	x, _ := strconv.Atoi(exp)
	return strings.Replace(mantissa, ".", "", 1), x + 1
}

// jsRule is ECMAScript's Number::toString(JSON.parse(text)) (ECMA-262, 6.1.6.1.20).
func jsRule(text string) string {
	f, _ := strconv.ParseFloat(text, 64) // out of range: ±Inf, as JSON.parse gives
	switch {
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		return "0" // -0 too
	case f < 0:
		return "-" + jsRule(strconv.FormatFloat(-f, 'g', -1, 64))
	}
	s, n := shortestDigits(f)
	k := len(s)
	switch {
	case k <= n && n <= 21:
		return s + strings.Repeat("0", n-k)
	case 0 < n && n <= 21:
		return s[:n] + "." + s[n:]
	case -6 < n && n <= 0:
		return "0." + strings.Repeat("0", -n) + s
	}
	exp := n - 1
	sign := "+"
	if exp < 0 {
		sign, exp = "-", -exp
	}
	if k == 1 {
		return s + "e" + sign + strconv.Itoa(exp)
	}
	return s[:1] + "." + s[1:] + "e" + sign + strconv.Itoa(exp)
}

// pythonRule is str() of json.loads(text): an integer literal becomes an int, written with
// all its digits; anything with a fraction or an exponent becomes a float, written by repr.
func pythonRule(text string) string {
	if !strings.ContainsAny(text, ".eE") {
		n, ok := new(big.Int).SetString(text, 10)
		if !ok {
			panic("not an integer literal: " + text)
		}
		return n.String()
	}
	return pythonRepr(text)
}

// pythonRepr is Python's repr of the float nearest to text (float_repr_style "short").
func pythonRepr(text string) string {
	f, _ := strconv.ParseFloat(text, 64)
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case f == 0 && math.Signbit(f):
		return "-0.0"
	case f == 0:
		return "0.0"
	case f < 0:
		return "-" + pythonRepr(strconv.FormatFloat(-f, 'g', -1, 64))
	}
	s, point := shortestDigits(f)
	if point <= -4 || point > 16 {
		exp := point - 1
		sign := "+"
		if exp < 0 {
			sign, exp = "-", -exp
		}
		mantissa := s[:1]
		if len(s) > 1 {
			mantissa += "." + s[1:]
		}
		return mantissa + "e" + sign + fmt2(exp)
	}
	switch {
	case point <= 0:
		return "0." + strings.Repeat("0", -point) + s
	case point >= len(s):
		return s + strings.Repeat("0", point-len(s)) + ".0"
	}
	return s[:point] + "." + s[point:]
}

// fmt2 writes an exponent with at least two digits, as Python does.
func fmt2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// maxMinor is the largest amount in minor units: 999999999999.99, the spec's maximum.
const maxMinor = 99_999_999_999_999

// amountFromFuzz maps any int64 onto 1..maxMinor minor units.
func amountFromFuzz(t *testing.T, minor int64) client.Amount {
	t.Helper()
	m := minor % maxMinor
	if m < 0 {
		m = -m
	}
	a, err := client.AmountFromMinor(m + 1)
	require.NoError(t, err)
	return a
}

// FuzzSDKRulesAgree checks, for every amount in range (1..99999999999999 minor units), that
// the raw-text rule, JavaScript's and Python's give the same canonical text for the amount as
// package client writes it and as Sign rewrites it (ShortestNumbers): the shortest exact form.
func FuzzSDKRulesAgree(f *testing.F) {
	for _, minor := range []int64{100050, 10000, 50, 25075, 7, 1230, 700, 1, maxMinor, 32339, 810, 10, 100, 99_999_999_999_900} {
		f.Add(minor - 1)
	}
	f.Fuzz(func(t *testing.T, minor int64) {
		a := amountFromFuzz(t, minor)
		wire, err := a.MarshalJSON()
		require.NoError(t, err)
		text := string(wire)
		value, ok := new(big.Rat).SetString(text)
		require.True(t, ok)
		require.Equal(t, big.NewRat(a.Minor(), 100).String(), value.String(), "the wire text is exact")
		assert.Equal(t, text, jsRule(text), "JavaScript")
		assert.Equal(t, text, pythonRule(text), "Python")
		assert.Equal(t, text, rawRule(text), "raw text")

		// Sign rewrites the two-decimal text to the same shortest form.
		rewritten, err := webhook.ShortestNumbers([]byte(`{"amount":` + a.String() + `}`))
		require.NoError(t, err)
		assert.Equal(t, `{"amount":`+text+`}`, string(rewritten))
	})
}

// TestSDKRulesAgreeOnAmounts runs FuzzSDKRulesAgree's check on every amount up to 2,000.00
// and on a stride across the whole range, so that the agreement does not rest on the fuzzer.
func TestSDKRulesAgreeOnAmounts(t *testing.T) {
	check := func(minor int64) {
		a, err := client.AmountFromMinor(minor)
		require.NoError(t, err)
		wire, _ := a.MarshalJSON()
		text := string(wire)
		if jsRule(text) != text || pythonRule(text) != text {
			t.Fatalf("amount %s: JavaScript writes %s, Python %s", text, jsRule(text), pythonRule(text))
		}
	}
	for minor := int64(1); minor <= 200_000; minor++ {
		check(minor)
	}
	for minor := int64(maxMinor); minor > 0; minor -= 99_999_999_977 {
		check(minor)
	}
}

// FuzzSignNumbers checks Sign's number rewriting (through ShortestNumbers, which is what Sign
// signs) on arbitrary number text: it either writes a
// number with the same value on which the three rules agree, or refuses one that is beyond
// what they write alike (more than 15 significant digits, an integer of 1e21 or more, any
// other number below 1e-4), with ErrMalformed.
func FuzzSignNumbers(f *testing.F) {
	for _, seed := range []string{"100.00", "1000.50", "1e3", "-0.0", "0.0001", "0.00001", "1e21", "999999999999999e6",
		"1.2345678901234567", "123456789012345", "1234567890123456", "1e-400", "1e400", "0.000123456789012345", "12.30E-1"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > 60 || !jsonNumber(text) {
			return
		}
		signed, err := webhook.ShortestNumbers([]byte(`{"n":` + text + `}`))
		value, computable := ratOf(text)
		if !computable { // a non-zero number with an exponent beyond ±1000
			require.ErrorIs(t, err, webhook.ErrMalformed, "signed %q", text)
			return
		}
		if err != nil {
			require.ErrorIs(t, err, webhook.ErrMalformed)
			assert.True(t, beyondSDKs(value, significantDigits(text)), "refused %q, which every rule writes alike in shortest form", text)
			return
		}
		var body struct{ N json.RawMessage }
		require.NoError(t, json.Unmarshal(signed, &body))
		written := string(body.N)
		back, _ := ratOf(written)
		assert.Zero(t, value.Cmp(back), "%q written as %q changes the value", text, written)
		assert.Equal(t, written, jsRule(written), "JavaScript, for %q", text)
		assert.Equal(t, written, pythonRule(written), "Python, for %q", text)
		assert.False(t, beyondSDKs(value, significantDigits(text)), "signed %q", text)
	})
}

// jsonNumber reports whether text is exactly one JSON number.
func jsonNumber(text string) bool {
	return text != "" && (text[0] == '-' || '0' <= text[0] && text[0] <= '9') &&
		json.Valid([]byte(text)) && strings.TrimSpace(text) == text
}

// ratOf is the exact value of number text; false for a non-zero number whose exponent is
// beyond ±1000 (too large to compute, and far beyond what any rule writes alike).
func ratOf(text string) (*big.Rat, bool) {
	mantissa, exp, found := strings.Cut(strings.ToLower(text), "e")
	if e, err := strconv.Atoi(exp); found && (err != nil || e > 1000 || e < -1000) {
		return new(big.Rat), significantDigits(mantissa) == 0
	}
	r, ok := new(big.Rat).SetString(text)
	return r, ok
}

// significantDigits counts the digits of text's mantissa without leading or trailing zeros.
func significantDigits(text string) int {
	mantissa, _, _ := strings.Cut(strings.ToLower(text), "e")
	digits := strings.Trim(strings.NewReplacer("-", "", ".", "").Replace(mantissa), "0")
	return len(digits)
}

// beyondSDKs is the refusal rule, computed with exact rationals.
func beyondSDKs(value *big.Rat, significant int) bool {
	if value.Sign() == 0 {
		return false
	}
	abs := new(big.Rat).Abs(value)
	if significant > 15 {
		return true
	}
	if abs.IsInt() {
		return abs.Cmp(new(big.Rat).SetFloat64(1e21)) >= 0
	}
	return abs.Cmp(big.NewRat(1, 10000)) < 0
}

// TestSDKRulesMatchNodeAndPython checks jsRule and pythonRule against real node and python3
// on numbers at every edge of their notations.
func TestSDKRulesMatchNodeAndPython(t *testing.T) {
	numbers := []string{"1000.5", "100", "100.00", "0.5", "250.75", "0.07", "12.3", "7", "8.1", "323.39",
		"999999999999.99", "0.1", "-0", "-0.0", "0.0", "1e2", "1E+2", "1e21", "1e20", "123456789012345678901",
		"1e-6", "1e-7", "0.000001", "0.0000001", "0.0001", "0.00001", "1e16", "1e15", "9999999999999998",
		"12345678901234567890", "1.7976931348623157e308", "1e400", "-1e400", "5e-324", "1e-400", "-1000.5",
		"0.30000000000000004", "1.0000000000000001", "123456789.123456789", "2.5e-5", "1.5e+16", "-2.5e-7"}
	t.Run("node", func(t *testing.T) {
		node, err := exec.LookPath("node")
		if err != nil {
			t.Skip("node not found: install Node.js (https://nodejs.org, or apt-get install nodejs) to run this test")
		}
		const script = `const lines = require("fs").readFileSync(0, "utf8").split("\n").filter(Boolean);
for (const l of lines) console.log(` + "`${JSON.parse(l)}`" + `);`
		checkInterpreter(t, exec.CommandContext(t.Context(), node, "-e", script), numbers, jsRule)
	})
	t.Run("python3", func(t *testing.T) {
		python, err := exec.LookPath("python3")
		if err != nil {
			t.Skip("python3 not found: install Python 3 (https://python.org, or apt-get install python3) to run this test")
		}
		const script = "import json, sys\nfor l in sys.stdin.read().split():\n    print(f'{json.loads(l)}')\n"
		checkInterpreter(t, exec.CommandContext(t.Context(), python, "-c", script), numbers, pythonRule)
	})
}

func checkInterpreter(t *testing.T, cmd *exec.Cmd, numbers []string, rule func(string) string) {
	t.Helper()
	cmd.Stdin = strings.NewReader(strings.Join(numbers, "\n") + "\n")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var exitErr *exec.ExitError
	require.False(t, errors.As(err, &exitErr), "interpreter failed: %s", stderr.String())
	require.NoError(t, err)
	got := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	require.Len(t, got, len(numbers))
	for i, n := range numbers {
		assert.Equal(t, got[i], rule(n), "number %s", n)
	}
}
