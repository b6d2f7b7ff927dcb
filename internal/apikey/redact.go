package apikey

import (
	"math"
	"slices"
	"strings"
)

// maxLevels is how many levels of escaping Redact decodes beyond the text as given.
const maxLevels = 3

// maxPasses bounds how often Redact runs over its own output: a replacement can only make a
// new occurrence when the secret overlaps Marker (a secret starting "D]a..." next to the
// "[REDACTED]" that replaced the one before), so a second pass almost never finds anything.
// A text still changing after maxPasses is hidden whole.
const maxPasses = 4

// Bytes the decoder emits in place of a unit of text. Neither can be a character of a
// secret, which is printable ASCII.
const (
	// cutEscape is an escape sequence cut short by the end of the text or by "...": it
	// stands for any character, so a cut in the middle of an escaped character still
	// counts as a piece of the secret.
	cutEscape byte = 0x00
	// otherChar is an escape that decodes to a character no secret contains (a control
	// character or one outside ASCII).
	otherChar byte = 0x80
)

// span is a half-open byte range [start, end) of the original text.
type span struct{ start, end int }

// Redact returns text with every span that spells the secret replaced by [Marker]: the
// secret written plainly or escaped in any of the ways the package documentation lists,
// and a start of it of at least [MinPiece] characters where the text was cut (at its end,
// or before "..."). Text without the secret is returned as it is. A secret that overlaps
// Marker can form anew next to each replacement; a text where that keeps happening is
// returned as Marker alone. The zero Key redacts nothing.
func (k Key) Redact(text string) string {
	if k.k == nil || text == "" {
		return text
	}
	for range maxPasses {
		next, changed := k.k.hidden().redactOnce(text)
		if !changed {
			return text
		}
		text = next
	}
	if _, changed := k.k.hidden().redactOnce(text); changed {
		return Marker // every replacement forms the secret anew: nothing of the text is safe
	}
	return text
}

// redactOnce finds the secret in text and in up to maxLevels decodings of it, and replaces
// every span found.
func (k *hidden) redactOnce(text string) (string, bool) {
	spans := k.scan(text, nil, false, nil)
	if len(text) <= math.MaxInt32 { // offsets are kept as int32
		level, starts := text, []int32(nil)
		for range maxLevels {
			if !strings.ContainsAny(level, `\%&`) {
				break
			}
			next, nextStarts, changed := decode(level, starts, len(text))
			if !changed {
				break
			}
			spans = k.scan(next, nextStarts, true, spans)
			level, starts = next, nextStarts
		}
	}
	if len(spans) == 0 {
		return text, false
	}
	return replace(text, spans), true
}

// scan adds to spans where the secret occurs in dec, and where a piece of its start ends a
// cut. starts maps each byte of dec to the offset in the original text where the unit it
// decodes starts, with one more entry for the end (nil: dec is the original text). wild
// says that dec may hold cutEscape bytes.
func (k *hidden) scan(dec string, starts []int32, wild bool, spans []span) []span {
	secret, fail := k.secret, k.fail
	orig := func(i int) int {
		if starts == nil {
			return i
		}
		return int(starts[i])
	}
	// piece records the n bytes of dec before end as a cut piece of the secret's start.
	piece := func(n, end int) {
		if n >= MinPiece && n < len(secret) {
			spans = append(spans, span{orig(end - n), orig(end)})
		}
	}
	state, prev := 0, 0 // state: how much of the secret's start ends dec[:i]; prev: the same for dec[:i-1]
	for i := 0; i < len(dec); i++ {
		c := dec[i]
		if c == '.' && strings.HasPrefix(dec[i:], "...") && (i == 0 || dec[i-1] != '.') {
			piece(state, i)
			if i > 0 && (dec[i-1] == '"' || dec[i-1] == '\'') {
				piece(prev, i-1) // a cut value quoted before its "...": "sk_te"...
			}
		}
		prev = state
		if wild && c == cutEscape {
			piece(state+1, i+1)
			state = 0
			continue
		}
		for state > 0 && c != secret[state] {
			state = fail[state-1]
		}
		if c == secret[state] {
			state++
		}
		if state == len(secret) {
			spans = append(spans, span{orig(i + 1 - len(secret)), orig(i + 1)})
			state = fail[state-1]
		}
	}
	piece(state, len(dec))
	return spans
}

// replace puts Marker in place of every span (merging those that overlap or touch).
func replace(text string, spans []span) string {
	slices.SortFunc(spans, func(a, b span) int { return a.start - b.start })
	var b strings.Builder
	b.Grow(len(text))
	done := 0 // text[:done] has been written or replaced
	for i := 0; i < len(spans); {
		start, end := spans[i].start, spans[i].end
		for i++; i < len(spans) && spans[i].start <= end; i++ {
			end = max(end, spans[i].end)
		}
		b.WriteString(text[done:start])
		b.WriteString(Marker)
		done = end
	}
	b.WriteString(text[done:])
	return b.String()
}

// decode decodes one level of escapes in s (see the package documentation for the forms):
// each escape sequence becomes one byte, every other byte stays. starts maps s to the
// original text as in scan (nil: s is the original text, of length total); the returned map
// does the same for the decoded text. changed is false when s holds no escape.
func decode(s string, starts []int32, total int) (string, []int32, bool) {
	out := make([]byte, 0, len(s))
	outStarts := make([]int32, 0, len(s)+1)
	changed := false
	for i := 0; i < len(s); {
		c, n := unescape(s, i)
		if starts == nil && s[i] == 0 {
			c = otherChar // a NUL in the original text is no cut escape
		}
		out = append(out, c)
		if starts == nil {
			outStarts = append(outStarts, int32(i)) //nolint:gosec // len(s) <= MaxInt32, checked by redactOnce
		} else {
			outStarts = append(outStarts, starts[i])
		}
		changed = changed || n > 1 || c != s[i]
		i += n
	}
	outStarts = append(outStarts, int32(total)) //nolint:gosec // total <= MaxInt32, checked by redactOnce
	return string(out), outStarts, changed
}

// unescape decodes the unit of s at i: an escape sequence (n > 1 bytes), an escape sequence
// cut short (cutEscape), or the byte itself (n = 1).
func unescape(s string, i int) (c byte, n int) {
	switch s[i] {
	case '\\':
		return unescapeBackslash(s, i)
	case '%':
		if h := hexRun(s, i+1, 2); h == 2 {
			return decoded(hexValue(s[i+1 : i+3])), 3
		} else if cut(s, i+1+h) {
			return cutEscape, 1 + h
		}
	case '&':
		return unescapeHTML(s, i)
	}
	return s[i], 1
}

func unescapeBackslash(s string, i int) (byte, int) {
	if cut(s, i+1) {
		return cutEscape, 1
	}
	switch e := s[i+1]; e {
	case '"', '\\', '/', '\'':
		return e, 2
	case 'b', 'f', 'n', 'r', 't':
		return otherChar, 2 // control characters: never part of a secret
	case 'u', 'x':
		want := 4
		if e == 'x' {
			want = 2
		}
		h := hexRun(s, i+2, want)
		if h == want {
			return decoded(hexValue(s[i+2 : i+2+want])), 2 + want
		}
		if cut(s, i+2+h) {
			return cutEscape, 2 + h
		}
	}
	return '\\', 1
}

// htmlNames are the named character references Redact decodes.
var htmlNames = []struct {
	name string
	char byte
}{{"quot;", '"'}, {"amp;", '&'}, {"lt;", '<'}, {"gt;", '>'}, {"apos;", '\''}}

func unescapeHTML(s string, i int) (byte, int) {
	rest := s[i+1:]
	if strings.HasPrefix(rest, "#") {
		digits, base, from := decimalRun, 10, i+2
		if strings.HasPrefix(rest, "#x") || strings.HasPrefix(rest, "#X") {
			digits, base, from = hexDigitRun, 16, i+3
		}
		d := digits(s, from)
		switch {
		case d > 0 && from+d < len(s) && s[from+d] == ';':
			return decoded(numberValue(s[from:from+d], base)), from + d + 1 - i
		case cut(s, from+d):
			return cutEscape, from + d - i
		}
		return '&', 1
	}
	for _, e := range htmlNames {
		if strings.HasPrefix(rest, e.name) {
			return e.char, 1 + len(e.name)
		}
	}
	// A cut reference: "&", "&am", "&quo" followed by the end or "...".
	for _, e := range htmlNames {
		for n := len(e.name) - 1; n >= 0; n-- {
			if strings.HasPrefix(rest, e.name[:n]) && cut(s, i+1+n) {
				return cutEscape, 1 + n
			}
		}
	}
	return '&', 1
}

// cut reports whether s ends at j or continues with "...": where an excerpt was cut.
func cut(s string, j int) bool { return j >= len(s) || strings.HasPrefix(s[j:], "...") }

// decoded is the byte standing for the character r in a decoded text.
func decoded(r int) byte {
	if r <= 0x20 || r >= 0x7f {
		return otherChar // a space, a control character or non-ASCII: never part of a secret
	}
	return byte(r)
}

// hexRun counts the hex digits of s from i, up to limit.
func hexRun(s string, i, limit int) int {
	n := 0
	for n < limit && i+n < len(s) && isHex(s[i+n]) {
		n++
	}
	return n
}

func hexDigitRun(s string, i int) int { return hexRun(s, i, len(s)) }

func decimalRun(s string, i int) int {
	n := 0
	for i+n < len(s) && s[i+n] >= '0' && s[i+n] <= '9' {
		n++
	}
	return n
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func hexValue(s string) int { return numberValue(s, 16) }

// numberValue reads digits of the given base, saturating above the largest code point.
func numberValue(s string, base int) int {
	v := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		var d int
		switch {
		case c >= '0' && c <= '9':
			d = int(c - '0')
		case c >= 'a' && c <= 'f':
			d = int(c-'a') + 10
		default:
			d = int(c-'A') + 10
		}
		v = min(v*base+d, 0x110000)
	}
	return v
}
