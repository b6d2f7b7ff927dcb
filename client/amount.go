package client

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/lakipay/checkout-go/internal/decimal"
	"github.com/lakipay/checkout-go/internal/jsonscan"
)

// Amount is an exact amount of money in the major unit of its currency (1000.50 ETB is one
// thousand birr and fifty santim): greater than 0 where LakiPay charges it, at most two
// decimal places and at most 999999999999.99, held as integer minor units so that it never
// passes through binary floating point. The zero value is 0.00. It is the type of every
// amount of the models generated from openapi.yaml (models.gen.go), in place of the float64
// that openapi.yaml's `format: double` gives other generators.
//
// On the wire it is the shortest exact decimal JSON number (1000.5, 100, 0.07), as LakiPay's
// checkout page writes amounts; [Amount.String] shows two decimals for people ("1000.50").
// Reading JSON, it also accepts a string holding a decimal number ("1000.50"), in case
// LakiPay writes one.
type Amount struct {
	minor int64
}

// maxMinor is the largest amount in minor units: 999999999999.99, the spec's maximum.
const maxMinor = 99_999_999_999_999

// What an amount's text can break (wrapped by the errors of ParseAmount, AmountFromMinor and
// the Unmarshal methods).
var (
	errAmountSyntax    = errors.New("not a decimal number")
	errAmountPrecision = errors.New("more than two decimal places")
	errAmountNegative  = errors.New("negative")
	errAmountRange     = errors.New("greater than 999999999999.99")
)

// maxAmountText bounds the number text an amount is read from. No valid amount needs more
// than a few dozen characters; the bound keeps absurd input cheap.
const maxAmountText = 64

// ParseAmount reads an amount written as a decimal ("1000.5", "0.07", "1e3"). More than two
// decimal places by value ("9.555"), negative values, values above 999999999999.99 and
// anything that is not a number are refused.
func ParseAmount(s string) (Amount, error) {
	a, err := parseAmount(s)
	if err != nil {
		return Amount{}, fmt.Errorf("lakipay: %w", err)
	}
	return a, nil
}

// AmountFromMinor returns the amount of minor units (santim, cents): AmountFromMinor(100050)
// is 1000.50. Negative values and values above 99999999999999 are refused.
func AmountFromMinor(minor int64) (Amount, error) {
	switch {
	case minor < 0:
		return Amount{}, fmt.Errorf("lakipay: amount %d minor units: %w", minor, errAmountNegative)
	case minor > maxMinor:
		return Amount{}, fmt.Errorf("lakipay: amount %d minor units: %w", minor, errAmountRange)
	}
	return Amount{minor: minor}, nil
}

// Minor returns the amount in minor units: 100050 for 1000.50.
func (a Amount) Minor() int64 { return a.minor }

// IsZero reports whether the amount is 0.00 (no valid charge is).
func (a Amount) IsZero() bool { return a.minor == 0 }

// Cmp compares two amounts: -1 when a is less than b, 0 when they are equal, +1 when a is
// greater. Amounts of different currencies must not be compared.
func (a Amount) Cmp(b Amount) int {
	switch x, y := a.Minor(), b.Minor(); {
	case x < y:
		return -1
	case x > y:
		return 1
	default:
		return 0
	}
}

// String returns the amount with exactly two decimals, for people: "1000.50".
func (a Amount) String() string { return string(a.appendDecimal(nil, 2)) }

// MarshalJSON writes the shortest exact decimal JSON number: 1000.5.
func (a Amount) MarshalJSON() ([]byte, error) { return a.appendDecimal(nil, 0), nil }

// UnmarshalJSON reads a JSON number, or a JSON string holding one, with at most two decimal
// places by value.
func (a *Amount) UnmarshalJSON(b []byte) error {
	text := string(b)
	if len(b) > 0 && b[0] == '"' {
		unquoted, ok := jsonscan.Unquote(b) // escapes decoded as JSON decodes them
		if !ok {
			return fmt.Errorf("amount %s: %w", quoteShort(text), errAmountSyntax)
		}
		text = unquoted
	}
	minor, err := parseMinor(text)
	if err != nil {
		return fmt.Errorf("amount %s: %w", quoteShort(string(b)), err)
	}
	a.minor = minor
	return nil
}

// MarshalText writes the amount as MarshalJSON does, for flags and text encodings.
func (a Amount) MarshalText() ([]byte, error) { return a.appendDecimal(nil, 0), nil }

// UnmarshalText reads the amount as [ParseAmount] does, for flags and text encodings.
func (a *Amount) UnmarshalText(b []byte) error {
	parsed, err := parseAmount(string(b))
	if err != nil {
		return err
	}
	*a = parsed
	return nil
}

// appendDecimal appends the amount as package decimal writes a number: with at least
// minDecimals decimals, the shortest exact form for 0.
func (a Amount) appendDecimal(dst []byte, minDecimals int) []byte {
	var buf [24]byte // the minor units and "e-2"
	d, _ := decimal.Parse(append(strconv.AppendInt(buf[:0], a.minor, 10), 'e', '-', '2'))
	dst, _ = d.AppendFixed(dst, minDecimals) // an amount's point is at most 12 places away
	return dst
}

// parseAmount reads an amount in JSON number syntax; its errors name the text.
func parseAmount(s string) (Amount, error) {
	minor, err := parseMinor(s)
	if err != nil {
		return Amount{}, fmt.Errorf("amount %s: %w", quoteShort(s), err)
	}
	return Amount{minor: minor}, nil
}

// parseMinor converts JSON number text to minor units, exactly (package decimal reads the
// value from the text, never through a float).
func parseMinor(s string) (int64, error) {
	if len(s) > maxAmountText {
		return 0, fmt.Errorf("%w (longer than %d characters)", errAmountSyntax, maxAmountText)
	}
	d, ok := decimal.Parse([]byte(s))
	switch {
	case !ok:
		return 0, errAmountSyntax
	case d.Sign() == 0:
		return 0, nil
	case d.Sign() < 0:
		return 0, errAmountNegative
	case d.Places() > 2:
		return 0, errAmountPrecision
	case d.Point() > 12: // 1e12 or more: maxMinor, 999999999999.99, has 12 integer digits
		return 0, errAmountRange
	}
	// d is 0.d₁…dₙ × 10^Point with at most two places, so in minor units it is the digits
	// followed by Point+2-n zeros: at most 14 digits, never above maxMinor.
	var buf [14]byte
	digits := d.AppendDigits(buf[:0])
	minor, err := strconv.ParseInt(string(digits), 10, 64)
	if err != nil {
		return 0, errAmountRange
	}
	for range d.Point() + 2 - int64(len(digits)) {
		minor *= 10
	}
	return minor, nil
}

// quoteShort quotes s for an error message, cut to a readable length.
func quoteShort(s string) string {
	const limit = 40
	if len(s) > limit {
		return strconv.Quote(s[:limit]) + "..."
	}
	return strconv.Quote(s)
}
