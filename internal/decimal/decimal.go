// Package decimal is the exact value of a JSON number, read from its text and never through
// float64: 1e400 is a number far above any maximum (not an overflow), 1.0000000000000001 has
// sixteen decimal places (not one); and the one writer of a number without an exponent
// ([Decimal.AppendFixed]: 1000.5, 100.00, 100.0). The contract validator judges amounts with
// it, the webhook verifier rewrites numbers in other exact forms with it, and package client's
// Amount reads and writes amounts with it.
package decimal

// Decimal is a JSON number as its exact value. It refers to the text it was parsed from and
// allocates nothing.
type Decimal struct {
	neg        bool
	intPart    []byte // the digits before the point, as written
	fracPart   []byte // the digits after the point
	exp        int64  // the exponent, saturated at ±maxExp
	lo, hi     int    // the significant digits of intPart++fracPart are [lo, hi); lo == hi: zero
	pointAfter int64  // value = 0.d[lo]d[lo+1]...d[hi-1] × 10^pointAfter
}

// maxExp bounds exponents: far beyond any number of digits a document can hold, so that
// saturating changes no comparison.
const maxExp = 1 << 40

// Parse reads exactly JSON's number grammar, -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?,
// and reports whether text was one number.
func Parse(text []byte) (d Decimal, ok bool) {
	i := 0
	if i < len(text) && text[i] == '-' {
		d.neg = true
		i++
	}
	start := i
	switch {
	case i < len(text) && text[i] == '0':
		i++
	case i < len(text) && text[i] >= '1' && text[i] <= '9':
		i = skipDigits(text, i+1)
	default:
		return d, false
	}
	d.intPart = text[start:i]
	if i < len(text) && text[i] == '.' {
		j := skipDigits(text, i+1)
		if j == i+1 {
			return d, false
		}
		d.fracPart = text[i+1 : j]
		i = j
	}
	if i < len(text) && (text[i] == 'e' || text[i] == 'E') {
		i++
		neg := false
		if i < len(text) && (text[i] == '+' || text[i] == '-') {
			neg = text[i] == '-'
			i++
		}
		j := skipDigits(text, i)
		if j == i {
			return d, false
		}
		for _, c := range text[i:j] {
			if d.exp < maxExp {
				d.exp = d.exp*10 + int64(c-'0')
			}
		}
		d.exp = min(d.exp, maxExp)
		if neg {
			d.exp = -d.exp
		}
		i = j
	}
	if i != len(text) {
		return d, false
	}
	n := len(d.intPart) + len(d.fracPart)
	d.lo, d.hi = 0, n
	for d.lo < n && d.digit(d.lo) == '0' {
		d.lo++
	}
	for d.hi > d.lo && d.digit(d.hi-1) == '0' {
		d.hi--
	}
	d.pointAfter = int64(len(d.intPart)) + d.exp - int64(d.lo)
	return d, true
}

func skipDigits(b []byte, i int) int {
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	return i
}

func (d *Decimal) digit(i int) byte {
	if i < len(d.intPart) {
		return d.intPart[i]
	}
	return d.fracPart[i-len(d.intPart)]
}

func (d *Decimal) zero() bool { return d.lo == d.hi }

// Sign is -1, 0 or 1 (-0 is 0).
func (d *Decimal) Sign() int {
	switch {
	case d.zero():
		return 0
	case d.neg:
		return -1
	}
	return 1
}

// Cmp compares d with e: -1, 0 or 1.
func (d *Decimal) Cmp(e *Decimal) int {
	ds, es := d.Sign(), e.Sign()
	switch {
	case ds != es:
		if ds < es {
			return -1
		}
		return 1
	case ds == 0:
		return 0
	}
	m := d.cmpMagnitude(e)
	if ds < 0 {
		return -m
	}
	return m
}

func (d *Decimal) cmpMagnitude(e *Decimal) int {
	switch {
	case d.pointAfter != e.pointAfter:
		if d.pointAfter < e.pointAfter {
			return -1
		}
		return 1
	}
	i, j := d.lo, e.lo
	for ; i < d.hi && j < e.hi; i, j = i+1, j+1 {
		if a, b := d.digit(i), e.digit(j); a != b {
			if a < b {
				return -1
			}
			return 1
		}
	}
	switch {
	case i < d.hi:
		return 1
	case j < e.hi:
		return -1
	}
	return 0
}

// Places is how many decimal places d has, trailing zeros aside (1.50 has one, 1e-3 three).
func (d *Decimal) Places() int64 {
	if d.zero() {
		return 0
	}
	return max(0, int64(d.hi-d.lo)-d.pointAfter)
}

// Point is the power of ten that places the significant digits: d is 0.d₁d₂…dₙ × 10^Point,
// where d₁…dₙ are [Decimal.AppendDigits] (1.050e2 is 0.105 × 10^3). It is 0 for zero.
func (d *Decimal) Point() int64 {
	if d.zero() {
		return 0
	}
	return d.pointAfter
}

// Significant is how many significant digits d has: 3 for 1.050e2, 0 for zero.
func (d *Decimal) Significant() int { return d.hi - d.lo }

// AppendDigits appends d's significant digits, without leading or trailing zeros, to dst:
// "105" for 1.050e2, nothing for zero.
func (d *Decimal) AppendDigits(dst []byte) []byte {
	return d.appendDigits(dst, 0, int64(d.Significant()))
}

// maxFixedPoint bounds how far from the point [Decimal.AppendFixed] writes digits or zeros:
// far more than any amount or webhook number needs, and a bound on what a number with a huge
// exponent (1e400) would cost to write out.
const maxFixedPoint = 100

// AppendFixed appends d written without an exponent and with at least minDecimals decimals:
// its shortest exact form for 0 (1000.5, 100, 0.07, 0), two decimals for 2 (1000.50, 100.00),
// Python's float text for 1 (100.0). It reports false, appending nothing, when d's point is
// more than 100 places from its digits (1e400, 1e-400), which no caller writes out.
func (d *Decimal) AppendFixed(dst []byte, minDecimals int) ([]byte, bool) {
	n, point := int64(d.Significant()), d.Point()
	if point > maxFixedPoint || point < -maxFixedPoint {
		return dst, false
	}
	if d.Sign() < 0 {
		dst = append(dst, '-')
	}
	var decimals int64
	switch {
	case n == 0:
		dst = append(dst, '0')
	case point <= 0:
		dst = append(dst, '0')
		decimals = -point + n
	case point >= n:
		dst = d.AppendDigits(dst)
		dst = appendZeros(dst, point-n)
	default:
		dst = d.appendDigits(dst, 0, point)
		decimals = n - point
	}
	if max(decimals, int64(minDecimals)) == 0 {
		return dst, true
	}
	dst = append(dst, '.')
	if point < 0 && n > 0 {
		dst = appendZeros(dst, -point)
	}
	if decimals > 0 {
		dst = d.appendDigits(dst, max(point, 0), n)
	}
	return appendZeros(dst, int64(minDecimals)-decimals), true
}

// appendDigits appends the significant digits of d from the from-th to before the to-th.
func (d *Decimal) appendDigits(dst []byte, from, to int64) []byte {
	for i := d.lo + int(from); i < d.lo+int(to); i++ {
		dst = append(dst, d.digit(i))
	}
	return dst
}

func appendZeros(dst []byte, count int64) []byte {
	for range count {
		dst = append(dst, '0')
	}
	return dst
}
