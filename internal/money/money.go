// Package money carries LakiPay amounts exactly, as integer minor units, from the JSON number
// text on the wire to the JSON number text back, without ever passing through binary floating
// point. The generated models use [Amount] for every amount (see oapi-codegen.overlay.yaml) and
// package client re-exports it.
//
// # Two written forms
//
// On the wire (MarshalJSON, MarshalText) an amount is the shortest exact decimal: 1000.5, 100,
// 0.5, 250.75, 0.07, 999999999999.99. LakiPay's checkout page writes amounts that way, and it
// is the only form that LakiPay's JavaScript SDK (`${value}`), its Python SDK (f"{value}" of
// json.loads) and the raw JSON text all write alike, which a webhook's signed canonical
// string needs. For people (String) an amount always has two decimals: "1000.50".
//
// # Reading
//
// Parse, UnmarshalText and UnmarshalJSON read the JSON number grammar exactly (1000.5,
// 1000.50, 1e3) and refuse more than two decimal places by value. UnmarshalJSON also reads a
// JSON string holding such a number ("1000.50"), exactly as the number: many decimal
// serialisers write amounts that way, and this is leniency for what LakiPay might send, not
// what the contract (openapi.yaml) allows; package contracttest still reports it as a
// deviation.
package money

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/lakipay/checkout-go/internal/decimal"
	"github.com/lakipay/checkout-go/internal/jsonscan"
)

// MaxMinor is the largest amount in minor units: 999999999999.99, the spec's maximum.
const MaxMinor = 99_999_999_999_999

// Errors that Parse, FromMinor and UnmarshalJSON wrap; check them with errors.Is.
var (
	// ErrSyntax reports text that is not a decimal number (JSON number grammar).
	ErrSyntax = errors.New("not a decimal number")
	// ErrPrecision reports a value with more than two decimal places.
	ErrPrecision = errors.New("more than two decimal places")
	// ErrNegative reports a value below zero.
	ErrNegative = errors.New("negative")
	// ErrRange reports a value above 999999999999.99.
	ErrRange = errors.New("greater than 999999999999.99")
)

// maxTextLen bounds the number text Parse and UnmarshalJSON read. No valid amount needs more
// than a few dozen characters; the bound keeps absurd input cheap.
const maxTextLen = 64

// Amount is a non-negative money amount with at most two decimal places, held as an integer
// number of minor units (santim for ETB, cents for USD). The zero value is 0.00.
type Amount struct {
	minor int64
}

// FromMinor returns the amount of minor units, for example FromMinor(100050) is 1000.50.
func FromMinor(minor int64) (Amount, error) {
	switch {
	case minor < 0:
		return Amount{}, fmt.Errorf("amount %d minor units: %w", minor, ErrNegative)
	case minor > MaxMinor:
		return Amount{}, fmt.Errorf("amount %d minor units: %w", minor, ErrRange)
	}
	return Amount{minor: minor}, nil
}

// Parse reads a decimal in JSON number syntax ("1000.5", "0.07", "1e3"). It accepts at most
// two decimal places by value, so "8.10" and "8.100" are 8.10 but "9.555" is refused.
func Parse(s string) (Amount, error) {
	minor, err := parseMinor(s)
	if err != nil {
		return Amount{}, fmt.Errorf("amount %s: %w", quoteShort(s), err)
	}
	return Amount{minor: minor}, nil
}

// Minor returns the amount in minor units.
func (a Amount) Minor() int64 { return a.minor }

// IsZero reports whether the amount is 0.00.
func (a Amount) IsZero() bool { return a.minor == 0 }

// String returns the amount for display, with exactly two decimals: "1000.50", "100.00".
func (a Amount) String() string { return string(a.appendFixed(nil)) }

// MarshalJSON writes the amount as a JSON number in its shortest exact form: 1000.5, 100,
// 0.07 (see the package documentation for why).
func (a Amount) MarshalJSON() ([]byte, error) { return a.appendShortest(nil), nil }

// UnmarshalJSON reads a JSON number, or a JSON string holding one ("1000.50", read exactly as
// 1000.50, its escapes decoded as JSON decodes them); null and any other JSON value are
// refused.
func (a *Amount) UnmarshalJSON(b []byte) error {
	text := string(b)
	if len(b) > 0 && b[0] == '"' {
		unquoted, ok := jsonscan.Unquote(b)
		if !ok {
			return fmt.Errorf("amount %s: %w", quoteShort(text), ErrSyntax)
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

// MarshalText writes the amount as MarshalJSON does (1000.5), for flags and text encodings.
func (a Amount) MarshalText() ([]byte, error) { return a.appendShortest(nil), nil }

// UnmarshalText reads the amount as Parse does, for flags and text encodings.
func (a *Amount) UnmarshalText(b []byte) error {
	parsed, err := Parse(string(b))
	if err != nil {
		return err
	}
	*a = parsed
	return nil
}

// appendFixed appends the amount with exactly two decimals.
func (a Amount) appendFixed(dst []byte) []byte {
	dst = strconv.AppendInt(dst, a.minor/100, 10)
	cents := a.minor % 100
	return append(dst, '.', byte('0'+cents/10), byte('0'+cents%10))
}

// appendShortest appends the amount without trailing zeros after the point, nor the point
// when there are no cents.
func (a Amount) appendShortest(dst []byte) []byte {
	dst = strconv.AppendInt(dst, a.minor/100, 10)
	switch cents := a.minor % 100; {
	case cents == 0:
		return dst
	case cents%10 == 0:
		return append(dst, '.', byte('0'+cents/10))
	default:
		return append(dst, '.', byte('0'+cents/10), byte('0'+cents%10))
	}
}

// parseMinor converts JSON number text to minor units, exactly (package decimal reads the
// value from the text, never through a float).
func parseMinor(s string) (int64, error) {
	if len(s) > maxTextLen {
		return 0, fmt.Errorf("%w (longer than %d characters)", ErrSyntax, maxTextLen)
	}
	d, ok := decimal.Parse([]byte(s))
	switch {
	case !ok:
		return 0, ErrSyntax
	case d.Sign() == 0:
		return 0, nil
	case d.Sign() < 0:
		return 0, ErrNegative
	case d.Places() > 2:
		return 0, ErrPrecision
	case d.Point() > 12: // 1e12 or more: MaxMinor, 999999999999.99, has 12 integer digits
		return 0, ErrRange
	}
	// d is 0.d₁…dₙ × 10^Point with at most two places, so in minor units it is the digits
	// followed by Point+2-n zeros: at most 14 digits, never above MaxMinor.
	var buf [14]byte
	digits := d.AppendDigits(buf[:0])
	minor, err := strconv.ParseInt(string(digits), 10, 64)
	if err != nil {
		return 0, ErrRange
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
