package client

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseAmount(t *testing.T) {
	cases := []struct {
		in    string
		minor int64
		text  string
	}{
		{"1000.5", 100050, "1000.50"},
		{"0.07", 7, "0.07"},
		{"8.1", 810, "8.10"},
		{"323.39", 32339, "323.39"},
		{"999999999.99", 99999999999, "999999999.99"},
		{"999999999999.99", maxMinor, "999999999999.99"},
		{"0", 0, "0.00"},
		{"-0", 0, "0.00"},
		{"0.0", 0, "0.00"},
		{"100.00", 10000, "100.00"},
		{"8.100", 810, "8.10"},
		{"1e2", 10000, "100.00"},
		{"1E+2", 10000, "100.00"},
		{"12345e-2", 12345, "123.45"},
		{"0.5e1", 500, "5.00"},
		{"0e999999999", 0, "0.00"},
		{"1000.50000000", 100050, "1000.50"},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			a, err := ParseAmount(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.minor, a.Minor())
			assert.Equal(t, tc.text, a.String())
		})
	}
}

func TestParseAmountRefuses(t *testing.T) {
	cases := []struct {
		in   string
		want error
	}{
		{"9.555", errAmountPrecision},
		{"0.001", errAmountPrecision},
		{"1e-3", errAmountPrecision},
		{"1.0000000000000000000001", errAmountPrecision},
		{"-1", errAmountNegative},
		{"-0.01", errAmountNegative},
		{"1000000000000", errAmountRange},
		{"999999999999.991", errAmountPrecision},
		{"1e12", errAmountRange},
		{"1e99999999999999", errAmountRange},
		{"99999999999999999999999", errAmountRange},
		{"", errAmountSyntax},
		{"abc", errAmountSyntax},
		{"1.", errAmountSyntax},
		{".5", errAmountSyntax},
		{"01.5", errAmountSyntax},
		{"+1", errAmountSyntax},
		{"1,5", errAmountSyntax},
		{"1.5 ", errAmountSyntax},
		{" 1.5", errAmountSyntax},
		{"1e", errAmountSyntax},
		{"1e+", errAmountSyntax},
		{"0x10", errAmountSyntax},
		{"NaN", errAmountSyntax},
		{"Infinity", errAmountSyntax},
		{`"10"`, errAmountSyntax},
		{"null", errAmountSyntax},
		{"1" + strings.Repeat("0", 80), errAmountSyntax},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			_, err := ParseAmount(tc.in)
			require.ErrorIs(t, err, tc.want)
			assert.Contains(t, err.Error(), "amount")
		})
	}
}

func TestAmountFromMinor(t *testing.T) {
	a, err := AmountFromMinor(100050)
	require.NoError(t, err)
	assert.Equal(t, "1000.50", a.String())
	_, err = AmountFromMinor(-1)
	assert.ErrorIs(t, err, errAmountNegative)
	_, err = AmountFromMinor(maxMinor + 1)
	assert.ErrorIs(t, err, errAmountRange)
	zero, err := AmountFromMinor(0)
	require.NoError(t, err)
	assert.True(t, zero.IsZero())
	assert.Equal(t, Amount{}, zero)
}

// TestAmountMarshalShortest checks the wire form: the shortest exact decimal, which LakiPay's page,
// its JavaScript SDK and its Python SDK all write alike; String keeps two decimals.
func TestAmountMarshalShortest(t *testing.T) {
	cases := []struct{ in, wire, display string }{
		{"1000.5", "1000.5", "1000.50"},
		{"100", "100", "100.00"},
		{"100.00", "100", "100.00"},
		{"0.5", "0.5", "0.50"},
		{"250.75", "250.75", "250.75"},
		{"0.07", "0.07", "0.07"},
		{"0.10", "0.1", "0.10"},
		{"8.1", "8.1", "8.10"},
		{"12.30", "12.3", "12.30"},
		{"323.39", "323.39", "323.39"},
		{"1e3", "1000", "1000.00"},
		{"0", "0", "0.00"},
		{"999999999999.99", "999999999999.99", "999999999999.99"},
		{"999999999999.9", "999999999999.9", "999999999999.90"},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			a, err := ParseAmount(tc.in)
			require.NoError(t, err)
			js, err := a.MarshalJSON()
			require.NoError(t, err)
			assert.Equal(t, tc.wire, string(js))
			text, err := a.MarshalText()
			require.NoError(t, err)
			assert.Equal(t, tc.wire, string(text))
			assert.Equal(t, tc.display, a.String())
		})
	}
}

func TestAmountJSONRoundTrip(t *testing.T) {
	type body struct {
		Amount Amount `json:"amount"`
	}
	for _, in := range []string{"1000.5", "0.07", "8.1", "323.39", "999999999.99", "999999999999.99", "1", "100.00"} {
		t.Run(in, func(t *testing.T) {
			var b body
			require.NoError(t, json.Unmarshal([]byte(`{"amount":`+in+`}`), &b))
			out, err := json.Marshal(b)
			require.NoError(t, err)
			want, err := ParseAmount(in)
			require.NoError(t, err)
			wire, err := want.MarshalJSON()
			require.NoError(t, err)
			assert.Equal(t, `{"amount":`+string(wire)+`}`, string(out))
			var again body
			require.NoError(t, json.Unmarshal(out, &again))
			assert.Equal(t, b, again)
		})
	}
	for _, in := range []string{"null", "9.555", "true", "[]", "-5", "{}"} {
		var b body
		assert.Error(t, json.Unmarshal([]byte(`{"amount":`+in+`}`), &b), in)
	}
}

// TestAmountUnmarshalDecimalString checks the leniency for amounts sent as JSON strings: a string
// holding a decimal in JSON number syntax reads exactly as that number, and nothing else does.
func TestAmountUnmarshalDecimalString(t *testing.T) {
	type body struct {
		Amount Amount `json:"amount"`
	}
	accepted := []struct {
		in    string
		minor int64
	}{
		{`"1000.50"`, 100050},
		{`"1000.5"`, 100050},
		{`"100"`, 10000},
		{`"0.07"`, 7},
		{`"1e3"`, 100000},
		{`"999999999999.99"`, maxMinor},
		{`"\u0031"`, 100}, // escapes decode as JSON decodes them: the contract judges that text too
	}
	for _, tc := range accepted {
		t.Run(tc.in, func(t *testing.T) {
			var b body
			require.NoError(t, json.Unmarshal([]byte(`{"amount":`+tc.in+`}`), &b))
			assert.Equal(t, tc.minor, b.Amount.Minor())
			var text string
			require.NoError(t, json.Unmarshal([]byte(tc.in), &text))
			number, err := ParseAmount(text)
			require.NoError(t, err)
			assert.Equal(t, number, b.Amount, "a decimal string reads exactly as the number")
		})
	}
	refused := []struct {
		in   string
		want error
	}{
		{`"9.555"`, errAmountPrecision},
		{`"-5"`, errAmountNegative},
		{`"1000000000000"`, errAmountRange},
		{`""`, errAmountSyntax},
		{`"abc"`, errAmountSyntax},
		{`" 10"`, errAmountSyntax},
		{`"10 "`, errAmountSyntax},
		{`"1,5"`, errAmountSyntax},
		{`"\u0031\u002"`, errAmountSyntax},
		{`"NaN"`, errAmountSyntax},
		{`"\"10\""`, errAmountSyntax},
	}
	for _, tc := range refused {
		t.Run(tc.in, func(t *testing.T) {
			a, err := AmountFromMinor(4200)
			require.NoError(t, err)
			err = a.UnmarshalJSON([]byte(tc.in))
			require.ErrorIs(t, err, tc.want)
			assert.Contains(t, err.Error(), "amount")
			assert.Equal(t, int64(4200), a.Minor(), "a refused value leaves the amount unchanged")
		})
	}
}

func TestAmountNeverThroughFloat(t *testing.T) {
	// 1234567.89 as float32 is 1234567.875; 0.1+0.2 in float64 is 0.30000000000000004.
	// Every cent from 0.00 to 9999.99, and a stride across the whole range, must round-trip
	// the text exactly.
	for minor := int64(0); minor < 1_000_000; minor++ {
		a, err := AmountFromMinor(minor)
		require.NoError(t, err)
		text := a.String()
		back, err := ParseAmount(text)
		require.NoError(t, err)
		if back.Minor() != minor {
			t.Fatalf("%d -> %s -> %d", minor, text, back.Minor())
		}
	}
	for minor := int64(0); minor <= maxMinor; minor += 99_999_999_989 {
		a, err := AmountFromMinor(minor)
		require.NoError(t, err)
		want := strconv.FormatInt(minor/100, 10) + "." + strconv.FormatInt(minor%100+100, 10)[1:]
		assert.Equal(t, want, a.String())
	}
	a, err := ParseAmount("1234567.89")
	require.NoError(t, err)
	assert.Equal(t, "1234567.89", a.String())
}

func TestAmountText(t *testing.T) {
	var a Amount
	require.NoError(t, a.UnmarshalText([]byte("1000.5")))
	out, err := a.MarshalText()
	require.NoError(t, err)
	assert.Equal(t, "1000.5", string(out))
	assert.ErrorIs(t, a.UnmarshalText([]byte("1.234")), errAmountPrecision)
	assert.Equal(t, "1000.50", a.String(), "a refused value leaves the amount unchanged")
}
