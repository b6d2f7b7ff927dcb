package apikey

import (
	"html"
	"math"
	"slices"
	"strings"
	"unicode/utf8"
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
	// otherChar is a character outside ASCII, which no secret contains.
	otherChar byte = 0x80
	// controlChar is a decoded control character, which no secret contains and a run of
	// the secret skips (a line break in an echo that was wrapped).
	controlChar byte = 0x01
)

// span is a half-open byte range [start, end) of the original text.
type span struct{ start, end int }

// Redact returns text fit to show: every span that spells the secret replaced by [Marker]
// (the secret written plainly or escaped in any of the ways the package documentation
// lists, and a start of it of at least [MinPiece] characters where the text was cut, at its
// end or before "..."), and then, when what is left still shows a run of the secret (see
// the package documentation), [Withheld] in place of the whole text. Text that shows
// nothing of the secret is returned as it is. The zero Key redacts nothing.
func (k Key) Redact(text string) string {
	if k.k == nil || text == "" {
		return text
	}
	h := k.k.hidden()
	text = h.redactSpans(text)
	if h.exposes(text) {
		return Withheld
	}
	return text
}

// redactSpans replaces every span that spells the secret with Marker. A secret that overlaps
// Marker can form anew next to each replacement; a text where that keeps happening is
// returned as Marker alone.
func (k *hidden) redactSpans(text string) string {
	for range maxPasses {
		next, changed := k.redactOnce(text)
		if !changed {
			return text
		}
		text = next
	}
	if _, changed := k.redactOnce(text); changed {
		return Marker // every replacement forms the secret anew: nothing of the text is safe
	}
	return text
}

// redactOnce finds the secret in text and in up to maxLevels decodings of it, and replaces
// every span found.
func (k *hidden) redactOnce(text string) (string, bool) {
	spans := k.scan(text, nil, false, nil)
	if len(text) <= math.MaxInt32 { // offsets are kept as int32
		spans = k.scanLevels(text, "", spans)
		if strings.ContainsAny(k.secret, introducers) {
			// An escape-like part of the secret ("\0", "%41") may be echoed as written while
			// the rest is escaped, once or more: read the levels again keeping such parts.
			spans = k.scanLevels(text, k.secret, spans)
		}
	}
	if len(spans) == 0 {
		return text, false
	}
	return replace(text, spans), true
}

// introducers are the bytes that start an escape sequence.
const introducers = `\%&=`

// scanLevels adds to spans where the secret occurs in up to maxLevels decodings of text,
// each read whole and mixed (see scanMixed); an escape sequence that keep holds is left as
// written (see decoder.decode).
func (k *hidden) scanLevels(text, keep string, spans []span) []span {
	level, starts := text, []int32(nil)
	for range maxLevels {
		if !strings.ContainsAny(level, `\%&`) {
			break
		}
		next, nextStarts, changed := spanDecoder.decode(level, starts, len(text), keep)
		if !changed {
			break
		}
		spans = k.scan(next, nextStarts, true, spans)
		spans = k.scanMixed(level, starts, spans)
		level, starts = next, nextStarts
	}
	return spans
}

// scan adds to spans where the secret occurs in dec, and where a piece of its start ends a
// cut. starts maps each byte of dec to the offset in the original text where the unit it
// decodes starts, with one more entry for the end (nil: dec is the original text). wild
// says that dec may hold cutEscape bytes.
func (k *hidden) scan(dec string, starts []int32, wild bool, spans []span) []span {
	secret, fail := k.secret, k.fail
	// piece records the n bytes of dec before end as a cut piece of the secret's start.
	piece := func(n, end int) {
		if n >= MinPiece && n < len(secret) {
			spans = append(spans, span{origin(starts, end-n), origin(starts, end)})
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
			spans = append(spans, span{origin(starts, i+1-len(secret)), origin(starts, i+1)})
			state = fail[state-1]
		}
	}
	piece(state, len(dec))
	return spans
}

// reading is a way of reading the text so far that spells the secret's first j bytes,
// starting at offset start of the level read.
type reading struct{ j, start int }

// readings is a set of readings, one per length j (at the earliest start).
type readings struct {
	list []reading
	at   []int // at[j]: 1 + the index in list of the reading of length j; 0: none
}

func (rs *readings) add(r reading) {
	if a := rs.at[r.j]; a > 0 {
		rs.list[a-1].start = min(rs.list[a-1].start, r.start)
		return
	}
	rs.list = append(rs.list, r)
	rs.at[r.j] = len(rs.list)
}

func (rs *readings) reset() {
	for _, r := range rs.list {
		rs.at[r.j] = 0
	}
	rs.list = rs.list[:0]
}

// scanMixed adds to spans where the secret is spelled by a mix of level and its decoding:
// each escape sequence read either as the character it spells or as the characters it is
// written with. A secret that holds an escape-like sequence ("\0", "=4F", "&lt") can be
// echoed with that sequence as it is and its other characters escaped, which neither level
// alone spells; so can a secret that starts with what ends one ("\0abc" for "0abc"). starts
// maps level to the original text as in scan. The work is the text's length times the
// readings alive at once: one or two, but for a secret that repeats itself ("aaaaaaaa").
func (k *hidden) scanMixed(level string, starts []int32, spans []span) []span {
	secret := k.secret
	// step reads c, which ends at end, after each reading of from, into to.
	step := func(from *readings, c byte, to *readings, end int) {
		for _, r := range from.list {
			switch {
			case secret[r.j] != c:
			case r.j+1 == len(secret):
				spans = append(spans, span{origin(starts, r.start), origin(starts, end)})
			default:
				to.add(reading{r.j + 1, r.start})
			}
		}
	}
	// Four sets, on one allocation of indexes and one of readings (grown only by a secret
	// that repeats itself).
	var sets [4]readings
	at, list := make([]int, 4*len(secret)), make([]reading, 0, 4*len(sets))
	for i := range sets {
		sets[i] = readings{list: list[4*i : 4*i : 4*i+4], at: at[i*len(secret) : (i+1)*len(secret)]}
	}
	cur, next, plain, plainNext := &sets[0], &sets[1], &sets[2], &sets[3]
	for i := 0; i < len(level); {
		c, n := runDecoder.unescape(level, i)
		cur.add(reading{0, i})
		step(cur, c, next, i+n) // the unit as the character it spells
		if n > 1 {              // and an escape as the characters it is written with
			plain.reset()
			for _, r := range cur.list {
				plain.add(r)
			}
			for b := range n - 1 {
				plainNext.reset()
				step(plain, level[i+b], plainNext, i+b+1)
				plainNext.add(reading{0, i + b + 1})
				plain, plainNext = plainNext, plain
			}
			step(plain, level[i+n-1], next, i+n)
		}
		cur.reset()
		cur, next = next, cur
		i += n
	}
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

// decoder reads escapes (see the package documentation for the forms). With cuts, an escape
// cut short by the end of the text or by "..." reads as cutEscape, which stands for any
// character: the span search uses it to find a piece of the secret where a text was cut.
// Without cuts, every escape reads as the character it spells and anything else as it is
// written: the run check's reading.
type decoder struct{ cuts bool }

var (
	spanDecoder = decoder{cuts: true}
	runDecoder  = decoder{cuts: false}
)

// decode decodes one level of escapes in s: each escape sequence becomes one byte, but one
// that keep holds as it is written ("\0" for a secret holding "\0"), every other byte
// stays. starts maps s to the original text as in scan (nil: s is the original text, of
// length total); the returned map does the same for the decoded text. changed is false
// when s holds no escape it decoded.
func (d decoder) decode(s string, starts []int32, total int, keep string) (string, []int32, bool) {
	out := make([]byte, 0, len(s))
	outStarts := make([]int32, 0, len(s)+1)
	changed := false
	for i := 0; i < len(s); {
		c, n := d.unescape(s, i)
		if n > 1 && c != cutEscape && keep != "" && strings.Contains(keep, s[i:i+n]) {
			for j := i; j < i+n; j++ { // kept as written
				out = append(out, s[j])
				outStarts = append(outStarts, int32(origin(starts, j))) //nolint:gosec // len(s) <= MaxInt32, checked by redactOnce
			}
			i += n
			continue
		}
		if starts == nil && s[i] == 0 {
			c = otherChar // a NUL in the original text is no cut escape
		}
		out = append(out, c)
		outStarts = append(outStarts, int32(origin(starts, i))) //nolint:gosec // len(s) <= MaxInt32, checked by redactOnce
		changed = changed || n > 1 || c != s[i]
		i += n
	}
	outStarts = append(outStarts, int32(total)) //nolint:gosec // total <= MaxInt32, checked by redactOnce
	return string(out), outStarts, changed
}

// origin is where byte i of a level starts in the original text: starts[i], or i itself
// where starts is nil (the level is the original text).
func origin(starts []int32, i int) int {
	if starts == nil {
		return i
	}
	return int(starts[i])
}

// unescape decodes the unit of s at i: an escape sequence (n > 1 bytes), an escape sequence
// cut short (cutEscape), or the byte itself (n = 1).
func (d decoder) unescape(s string, i int) (c byte, n int) {
	switch s[i] {
	case '\\':
		return d.unescapeBackslash(s, i)
	case '%':
		return d.fixedHex(s, i, 1, 2)
	case '=': // quoted-printable; a cut =X is no escape: base64 ends with '='
		if hexRun(s, i+1, 2) == 2 {
			return decoded(hexValue(s[i+1 : i+3])), 3
		}
		if strings.HasPrefix(s[i+1:], "\r\n") {
			return controlChar, 3 // a soft line break
		}
		if strings.HasPrefix(s[i+1:], "\n") {
			return controlChar, 2
		}
	case '&':
		return d.unescapeHTML(s, i)
	}
	return s[i], 1
}

// fixedHex decodes an escape of want hex digits that start from bytes into it (%XX, \xXX,
// \uXXXX, \UXXXXXXXX).
func (d decoder) fixedHex(s string, i, from, want int) (byte, int) {
	h := hexRun(s, i+from, want)
	if h == want {
		return decoded(hexValue(s[i+from : i+from+want])), from + want
	}
	if d.cut(s, i+from+h) {
		return cutEscape, from + h
	}
	return s[i], 1
}

func (d decoder) unescapeBackslash(s string, i int) (byte, int) {
	if d.cut(s, i+1) {
		return cutEscape, 1
	}
	if i+1 >= len(s) {
		return '\\', 1
	}
	switch e := s[i+1]; e {
	case '"', '\\', '/', '\'':
		return e, 2
	case 'b', 'f', 'n', 'r', 't':
		return controlChar, 2
	case 'u':
		if i+2 < len(s) && s[i+2] == '{' { // \u{X...}: JavaScript, PHP, Ruby, Rust
			h := hexRun(s, i+3, 6)
			if end := i + 3 + h; h > 0 && end < len(s) && s[end] == '}' {
				return decoded(hexValue(s[i+3 : end])), end + 1 - i
			}
			if d.cut(s, i+3+h) {
				return cutEscape, 3 + h
			}
			return '\\', 1
		}
		return d.fixedHex(s, i, 2, 4)
	case 'U':
		return d.fixedHex(s, i, 2, 8)
	case 'x':
		return d.fixedHex(s, i, 2, 2)
	case '0', '1', '2', '3', '4', '5', '6', '7': // octal: C, Python, PHP
		n := 1
		for n < 3 && i+1+n < len(s) && s[i+1+n] >= '0' && s[i+1+n] <= '7' {
			n++
		}
		return decoded(numberValue(s[i+1:i+1+n], 8)), 1 + n
	}
	// \_ or \-: punctuation escaped for no reason, as JavaScript reads it; but never the
	// start of another escape (&, %, =), which must be read as that escape, as every reader
	// of the text (and the run check's judge) reads "\&#115;" as "\s", not as "&#115;".
	if e := s[i+1]; e > 0x20 && e < 0x7f && !isAlnum(e) && e != '&' && e != '%' && e != '=' {
		return e, 2
	}
	return '\\', 1
}

// maxName is the longest name of an HTML named character reference (31 characters), and
// maxLegacyName the longest of those HTML also reads without their ';' (6: "middot").
const (
	maxName       = 32
	maxLegacyName = 6
)

func (d decoder) unescapeHTML(s string, i int) (byte, int) {
	if strings.HasPrefix(s[i+1:], "#") {
		digits, base, from := decimalRun, 10, i+2
		if strings.HasPrefix(s[i+1:], "#x") || strings.HasPrefix(s[i+1:], "#X") {
			digits, base, from = hexDigitRun, 16, i+3
		}
		end := from + digits(s, from)
		switch {
		case end > from && end < len(s) && s[end] == ';':
			return decoded(numberValue(s[from:end], base)), end + 1 - i
		case d.cut(s, end):
			return cutEscape, end - i
		case end > from: // without its ';', as HTML reads it
			return decoded(numberValue(s[from:end], base)), end - i
		}
		return '&', 1
	}
	// A named reference: every name HTML defines, read as html.UnescapeString reads it.
	end := i + 1
	for end < len(s) && end-i <= maxName && (isAlnum(s[end]) && (end > i+1 || !isDigit(s[end]))) {
		end++
	}
	if end < len(s) && s[end] == ';' {
		if c, ok := namedChar(s[i : end+1]); ok {
			return c, end + 1 - i
		}
	}
	if d.cut(s, end) {
		return cutEscape, end - i // a reference cut short: "&", "&am", "&quo" before the end or "..."
	}
	for n := min(end-i-1, maxLegacyName); n >= 2; n-- { // &amp, &lt, &copy: a prefix of the name
		if c, ok := namedChar(s[i : i+1+n]); ok {
			return c, 1 + n
		}
	}
	return '&', 1
}

// namedChar decodes one named character reference; ok is false when ref is none, or spells
// more than one character.
func namedChar(ref string) (byte, bool) {
	r := html.UnescapeString(ref)
	if r == ref {
		return 0, false
	}
	c, size := utf8.DecodeRuneInString(r)
	if size != len(r) {
		return 0, false
	}
	return decoded(int(c)), true
}

// cut reports, for a decoder with cuts, whether s ends at j or continues with "...": where
// an excerpt was cut.
func (d decoder) cut(s string, j int) bool {
	return d.cuts && (j >= len(s) || strings.HasPrefix(s[j:], "..."))
}

// decoded is the byte standing for the character r in a decoded text: a control character
// as controlChar, anything outside ASCII as otherChar, neither of which is ever part of a
// secret.
func decoded(r int) byte {
	switch {
	case r < 0x20 || r == 0x7f:
		return controlChar
	case r > 0x7f:
		return otherChar
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
	for i+n < len(s) && isDigit(s[i+n]) {
		n++
	}
	return n
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isHex(c byte) bool {
	return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func isAlnum(c byte) bool {
	return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
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
