package money_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/internal/money"
)

func TestParse(t *testing.T) {
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
		{"999999999999.99", money.MaxMinor, "999999999999.99"},
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
			a, err := money.Parse(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.minor, a.Minor())
			assert.Equal(t, tc.text, a.String())
		})
	}
}

func TestParseRefuses(t *testing.T) {
	cases := []struct {
		in   string
		want error
	}{
		{"9.555", money.ErrPrecision},
		{"0.001", money.ErrPrecision},
		{"1e-3", money.ErrPrecision},
		{"1.0000000000000000000001", money.ErrPrecision},
		{"-1", money.ErrNegative},
		{"-0.01", money.ErrNegative},
		{"1000000000000", money.ErrRange},
		{"999999999999.991", money.ErrPrecision},
		{"1e12", money.ErrRange},
		{"1e99999999999999", money.ErrRange},
		{"99999999999999999999999", money.ErrRange},
		{"", money.ErrSyntax},
		{"abc", money.ErrSyntax},
		{"1.", money.ErrSyntax},
		{".5", money.ErrSyntax},
		{"01.5", money.ErrSyntax},
		{"+1", money.ErrSyntax},
		{"1,5", money.ErrSyntax},
		{"1.5 ", money.ErrSyntax},
		{" 1.5", money.ErrSyntax},
		{"1e", money.ErrSyntax},
		{"1e+", money.ErrSyntax},
		{"0x10", money.ErrSyntax},
		{"NaN", money.ErrSyntax},
		{"Infinity", money.ErrSyntax},
		{`"10"`, money.ErrSyntax},
		{"null", money.ErrSyntax},
		{"1" + strings.Repeat("0", 80), money.ErrSyntax},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			_, err := money.Parse(tc.in)
			require.ErrorIs(t, err, tc.want)
			assert.Contains(t, err.Error(), "amount")
		})
	}
}

func TestFromMinor(t *testing.T) {
	a, err := money.FromMinor(100050)
	require.NoError(t, err)
	assert.Equal(t, "1000.50", a.String())
	_, err = money.FromMinor(-1)
	assert.ErrorIs(t, err, money.ErrNegative)
	_, err = money.FromMinor(money.MaxMinor + 1)
	assert.ErrorIs(t, err, money.ErrRange)
	zero, err := money.FromMinor(0)
	require.NoError(t, err)
	assert.True(t, zero.IsZero())
	assert.Equal(t, money.Amount{}, zero)
}

// TestMarshalShortest checks the wire form: the shortest exact decimal, which LakiPay's page,
// its JavaScript SDK and its Python SDK all write alike; String keeps two decimals.
func TestMarshalShortest(t *testing.T) {
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
			a, err := money.Parse(tc.in)
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

func TestJSONRoundTrip(t *testing.T) {
	type body struct {
		Amount money.Amount `json:"amount"`
	}
	for _, in := range []string{"1000.5", "0.07", "8.1", "323.39", "999999999.99", "999999999999.99", "1", "100.00"} {
		t.Run(in, func(t *testing.T) {
			var b body
			require.NoError(t, json.Unmarshal([]byte(`{"amount":`+in+`}`), &b))
			out, err := json.Marshal(b)
			require.NoError(t, err)
			want, err := money.Parse(in)
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

// TestUnmarshalDecimalString checks the leniency for amounts sent as JSON strings: a string
// holding a decimal in JSON number syntax reads exactly as that number, and nothing else does.
func TestUnmarshalDecimalString(t *testing.T) {
	type body struct {
		Amount money.Amount `json:"amount"`
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
		{`"999999999999.99"`, money.MaxMinor},
		{`"\u0031"`, 100}, // escapes decode as JSON decodes them: the contract judges that text too
	}
	for _, tc := range accepted {
		t.Run(tc.in, func(t *testing.T) {
			var b body
			require.NoError(t, json.Unmarshal([]byte(`{"amount":`+tc.in+`}`), &b))
			assert.Equal(t, tc.minor, b.Amount.Minor())
			var text string
			require.NoError(t, json.Unmarshal([]byte(tc.in), &text))
			number, err := money.Parse(text)
			require.NoError(t, err)
			assert.Equal(t, number, b.Amount, "a decimal string reads exactly as the number")
		})
	}
	refused := []struct {
		in   string
		want error
	}{
		{`"9.555"`, money.ErrPrecision},
		{`"-5"`, money.ErrNegative},
		{`"1000000000000"`, money.ErrRange},
		{`""`, money.ErrSyntax},
		{`"abc"`, money.ErrSyntax},
		{`" 10"`, money.ErrSyntax},
		{`"10 "`, money.ErrSyntax},
		{`"1,5"`, money.ErrSyntax},
		{`"\u0031\u002"`, money.ErrSyntax},
		{`"NaN"`, money.ErrSyntax},
		{`"\"10\""`, money.ErrSyntax},
	}
	for _, tc := range refused {
		t.Run(tc.in, func(t *testing.T) {
			a, err := money.FromMinor(4200)
			require.NoError(t, err)
			err = a.UnmarshalJSON([]byte(tc.in))
			require.ErrorIs(t, err, tc.want)
			assert.Contains(t, err.Error(), "amount")
			assert.Equal(t, int64(4200), a.Minor(), "a refused value leaves the amount unchanged")
		})
	}
}

func TestNeverThroughFloat(t *testing.T) {
	// 1234567.89 as float32 is 1234567.875; 0.1+0.2 in float64 is 0.30000000000000004.
	// Every cent from 0.00 to 9999.99, and a stride across the whole range, must round-trip
	// the text exactly.
	for minor := int64(0); minor < 1_000_000; minor++ {
		a, err := money.FromMinor(minor)
		require.NoError(t, err)
		text := a.String()
		back, err := money.Parse(text)
		require.NoError(t, err)
		if back.Minor() != minor {
			t.Fatalf("%d -> %s -> %d", minor, text, back.Minor())
		}
	}
	for minor := int64(0); minor <= money.MaxMinor; minor += 99_999_999_989 {
		a, err := money.FromMinor(minor)
		require.NoError(t, err)
		want := strconv.FormatInt(minor/100, 10) + "." + strconv.FormatInt(minor%100+100, 10)[1:]
		assert.Equal(t, want, a.String())
	}
	a, err := money.Parse("1234567.89")
	require.NoError(t, err)
	assert.Equal(t, "1234567.89", a.String())
}

func TestText(t *testing.T) {
	var a money.Amount
	require.NoError(t, a.UnmarshalText([]byte("1000.5")))
	out, err := a.MarshalText()
	require.NoError(t, err)
	assert.Equal(t, "1000.5", string(out))
	assert.ErrorIs(t, a.UnmarshalText([]byte("1.234")), money.ErrPrecision)
	assert.Equal(t, "1000.50", a.String(), "a refused value leaves the amount unchanged")
}
