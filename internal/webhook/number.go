package webhook

import (
	"fmt"
	"strconv"

	"github.com/lakipay/checkout-go/internal/decimal"
)

// The written forms of a top-level number that this package signs or verifies: the body's
// own text first, then the exact forms another signer might have written for the same value.
const (
	formRaw         form = iota // the text in the body
	formShortest                // 100, 1000.5: the raw-text, JavaScript and Python rules agree on it
	formTwoDecimals             // 100.00, 1000.50: only for values with at most two decimals
	formPython                  // 100.0, 1000.5: Python's f"{value}" of a float
)

// form is one way of writing a number.
type form int

// retryForms are the forms [VerifyFields] tries, in order, when the raw text does not verify,
// for a canonical string of at most maxRetryCanonical bytes.
var retryForms = [...]form{formShortest, formTwoDecimals, formPython}

// maxRetryCanonical bounds the canonical string for which other forms are tried, so that each
// one costs little to write and hash: a webhook's is a few hundred bytes.
const maxRetryCanonical = 4 << 10

// numberSpan is where the text of a top-level number sits in a canonical string.
type numberSpan struct{ start, end int }

// appendInForm appends canonical, whose top-level numbers are at spans, with each of them
// written in form f; false when f cannot write one of them exactly.
func appendInForm(dst, canonical []byte, spans []numberSpan, f form) ([]byte, bool) {
	at := 0
	for _, sp := range spans {
		dst = append(dst, canonical[at:sp.start]...)
		var digits [MaxNumberLength]byte
		n := parseNumber(canonical[sp.start:sp.end], digits[:])
		if n.portable() != "" {
			return nil, false
		}
		var ok bool
		if dst, ok = n.appendForm(dst, f); !ok {
			return nil, false
		}
		at = sp.end
	}
	return append(dst, canonical[at:]...), true
}

// Limits of the numbers whose written forms LakiPay's SDK rules agree on (see [number.portable]).
const (
	// maxSignificant is how many significant digits a 64-bit float gives back exactly.
	maxSignificant = 15
	// maxIntegerDigits: JavaScript writes an integer of 1e21 or more with an exponent.
	maxIntegerDigits = 21
	// minPoint: Python writes a non-integer below 1e-4 with an exponent (1e-05).
	minPoint = -3
	// maxPythonPoint: Python writes a float of 1e16 or more with an exponent (1e+16).
	maxPythonPoint = 16
)

// number is the exact value of a JSON number: digits × 10^exp, with digits holding no leading
// or trailing zero ("" for zero).
type number struct {
	negative bool
	digits   []byte
	exp      int
}

// parseNumber reads JSON number text that the scanner accepted, its digits appended to
// buf[:0] (a number of a body within [MaxNumberLength] fits in an array of that size).
func parseNumber(raw, buf []byte) number {
	d, _ := decimal.Parse(raw)
	n := number{negative: d.Sign() < 0, digits: d.AppendDigits(buf[:0])}
	n.exp = int(d.Point()) - len(n.digits)
	return n
}

// point is where the decimal point sits relative to the first digit: the value is
// 0.digits × 10^point.
func (n number) point() int { return len(n.digits) + n.exp }

// portable returns why LakiPay's SDK rules (JavaScript's `${value}`, Python's f"{value}" of
// json.loads, the raw text) would not write n alike even in its shortest form, or "" when
// they would: at most 15 significant digits, an integer below 1e21, any other number at
// least 1e-4 in magnitude.
func (n number) portable() string {
	switch {
	case len(n.digits) == 0:
		return ""
	case len(n.digits) > maxSignificant:
		return fmt.Sprintf("more than %d significant digits", maxSignificant)
	case n.exp >= 0 && n.point() > maxIntegerDigits:
		return "an integer of 1e21 or more"
	case n.exp < 0 && n.point() < minPoint:
		return "a magnitude below 1e-4"
	}
	return ""
}

// appendForm appends n written in form f (not formRaw); false when f cannot write n exactly.
// n must be portable.
func (n number) appendForm(dst []byte, f form) ([]byte, bool) {
	switch f {
	case formShortest:
		return n.appendFixed(dst, 0), true
	case formTwoDecimals:
		if n.exp < -2 {
			return dst, false
		}
		return n.appendFixed(dst, 2), true
	case formPython:
		if n.point() <= maxPythonPoint {
			return n.appendFixed(dst, 1), true
		}
		// repr of a float of 1e16 or more: 1e+16, 1.5e+20 (the exponent is 16 to 20 here, so
		// it has the two digits Python writes at least).
		if n.negative {
			dst = append(dst, '-')
		}
		dst = append(dst, n.digits[0])
		if len(n.digits) > 1 {
			dst = append(append(dst, '.'), n.digits[1:]...)
		}
		return strconv.AppendInt(append(dst, 'e', '+'), int64(n.point()-1), 10), true
	}
	return dst, false
}

// appendFixed appends n without an exponent and with at least minDecimals decimals: the
// shortest form for 0, "0.00" for 2, Python's "100.0" for 1.
func (n number) appendFixed(dst []byte, minDecimals int) []byte {
	if n.negative {
		dst = append(dst, '-')
	}
	point := n.point()
	decimals := 0
	switch {
	case len(n.digits) == 0:
		dst = append(dst, '0')
	case point <= 0:
		dst = append(dst, '0')
		decimals = -point + len(n.digits)
	case point >= len(n.digits):
		dst = append(dst, n.digits...)
		dst = appendZeros(dst, point-len(n.digits))
	default:
		dst = append(dst, n.digits[:point]...)
		decimals = len(n.digits) - point
	}
	if max(decimals, minDecimals) == 0 {
		return dst
	}
	dst = append(dst, '.')
	if point < 0 && len(n.digits) > 0 {
		dst = appendZeros(dst, -point)
	}
	if decimals > 0 {
		dst = append(dst, n.digits[max(point, 0):]...)
	}
	return appendZeros(dst, minDecimals-decimals)
}

func appendZeros(dst []byte, count int) []byte {
	for range count {
		dst = append(dst, '0')
	}
	return dst
}

// isNumber reports whether a field's raw value is a JSON number.
func isNumber(raw []byte) bool { return raw[0] == '-' || '0' <= raw[0] && raw[0] <= '9' }
