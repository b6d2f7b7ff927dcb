package client

import (
	"fmt"

	"github.com/lakipay/checkout-go/internal/money"
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
	m money.Amount
}

// ParseAmount reads an amount written as a decimal ("1000.5", "0.07", "1e3"). More than two
// decimal places by value ("9.555"), negative values, values above 999999999999.99 and
// anything that is not a number are refused.
func ParseAmount(s string) (Amount, error) {
	m, err := money.Parse(s)
	if err != nil {
		return Amount{}, fmt.Errorf("lakipay: %w", err)
	}
	return Amount{m}, nil
}

// AmountFromMinor returns the amount of minor units (santim, cents): AmountFromMinor(100050)
// is 1000.50. Negative values and values above 99999999999999 are refused.
func AmountFromMinor(minor int64) (Amount, error) {
	m, err := money.FromMinor(minor)
	if err != nil {
		return Amount{}, fmt.Errorf("lakipay: %w", err)
	}
	return Amount{m}, nil
}

// Minor returns the amount in minor units: 100050 for 1000.50.
func (a Amount) Minor() int64 { return a.m.Minor() }

// IsZero reports whether the amount is 0.00 (no valid charge is).
func (a Amount) IsZero() bool { return a.m.IsZero() }

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
func (a Amount) String() string { return a.m.String() }

// MarshalJSON writes the shortest exact decimal JSON number: 1000.5.
func (a Amount) MarshalJSON() ([]byte, error) { return a.m.MarshalJSON() }

// UnmarshalJSON reads a JSON number, or a JSON string holding one, with at most two decimal
// places by value.
func (a *Amount) UnmarshalJSON(b []byte) error { return a.m.UnmarshalJSON(b) }

// MarshalText writes the amount as MarshalJSON does, for flags and text encodings.
func (a Amount) MarshalText() ([]byte, error) { return a.m.MarshalText() }

// UnmarshalText reads the amount as [ParseAmount] does, for flags and text encodings.
func (a *Amount) UnmarshalText(b []byte) error { return a.m.UnmarshalText(b) }
