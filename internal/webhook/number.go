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
		d, _ := decimal.Parse(canonical[sp.start:sp.end]) // the scanner read exactly JSON's number grammar
		if portable(&d) != "" {
			return nil, false
		}
		var ok bool
		if dst, ok = appendForm(dst, &d, f); !ok {
			return nil, false
		}
		at = sp.end
	}
	return append(dst, canonical[at:]...), true
}

// Limits of the numbers whose written forms LakiPay's SDK rules agree on (see [portable]).
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

// portable returns why LakiPay's SDK rules (JavaScript's `${value}`, Python's f"{value}" of
// json.loads, the raw text) would not write d alike even in its shortest form, or "" when
// they would: at most 15 significant digits, an integer below 1e21, any other number at
// least 1e-4 in magnitude.
func portable(d *decimal.Decimal) string {
	switch {
	case d.Significant() == 0:
		return ""
	case d.Significant() > maxSignificant:
		return fmt.Sprintf("more than %d significant digits", maxSignificant)
	case d.Places() == 0 && d.Point() > maxIntegerDigits:
		return "an integer of 1e21 or more"
	case d.Places() > 0 && d.Point() < minPoint:
		return "a magnitude below 1e-4"
	}
	return ""
}

// appendForm appends d written in form f (not formRaw); false when f cannot write d exactly.
// d must be portable.
func appendForm(dst []byte, d *decimal.Decimal, f form) ([]byte, bool) {
	switch f {
	case formShortest:
		return d.AppendFixed(dst, 0)
	case formTwoDecimals:
		if d.Places() > 2 {
			return dst, false
		}
		return d.AppendFixed(dst, 2)
	case formPython:
		if d.Point() <= maxPythonPoint {
			return d.AppendFixed(dst, 1)
		}
		// repr of a float of 1e16 or more: 1e+16, 1.5e+20 (the exponent is 16 to 20 here, so
		// it has the two digits Python writes at least): the digits, a point after the first.
		if d.Sign() < 0 {
			dst = append(dst, '-')
		}
		start := len(dst)
		dst = d.AppendDigits(dst)
		if len(dst)-start > 1 {
			dst = append(dst, 0)
			copy(dst[start+2:], dst[start+1:len(dst)-1])
			dst[start+1] = '.'
		}
		return strconv.AppendInt(append(dst, 'e', '+'), d.Point()-1, 10), true
	}
	return dst, false
}

// isNumber reports whether a field's raw value is a JSON number.
func isNumber(raw []byte) bool { return raw[0] == '-' || '0' <= raw[0] && raw[0] <= '9' }
