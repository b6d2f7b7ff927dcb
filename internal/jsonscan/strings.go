package jsonscan

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"slices"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Flags of a scanned string.
const (
	flagEscaped   = 1 << iota // held a backslash escape
	flagMultiByte             // held a byte >= 0x80
	flagInvalid               // held invalid UTF-8 (decoding replaces it with U+FFFD)
)

// decoded says a string with these flags has a value other than its text.
func decoded(flags uint8) bool { return flags&(flagEscaped|flagInvalid) != 0 }

// scanString reads the string starting at the current offset (a quote), checks it, and
// returns its flags; key says it is a field name (for the strictness messages). It takes one
// piece of the string per step, by the class of its first byte: a run of plain ASCII (eight
// bytes at a time once it is long), an escape, or a UTF-8 sequence; so that its cost per byte
// is bounded whatever the mix.
func (s *Scanner) scanString(key bool) (flags uint8, ok bool) {
	b := s.data
	// With a limit on the length besides white space, no further than one byte past it.
	cut := s.maxCompact > 0 && s.maxCompact+s.blank+1 < len(b)
	if cut {
		b = b[:s.maxCompact+s.blank+1]
	}
	i := s.pos + 1
	for i < len(b) {
		c := b[i]
		switch class[c] {
		case classPlain:
			j := i + 1
			for j < len(b) && j < i+8 && class[b[j]] == classPlain {
				j++
			}
			if j == i+8 {
				j = plainEnd(b, j)
			}
			i = j
		case classQuote:
			s.pos = i + 1
			return flags, true
		case classBackslash:
			flags |= flagEscaped
			if i+1 < len(b) && unescaped[b[i+1]] != 0 {
				i += 2
			} else if r, ok := hex4(b, i+2); ok && b[i+1] == 'u' && !utf16.IsSurrogate(r) {
				i += 6
			} else if n := s.escape(i, key); n > 0 {
				i += n
			} else {
				return 0, false
			}
		case classControl:
			s.pos = i
			return 0, s.fail("control character " + describe(b, i) + " in a string (it must be escaped)")
		default:
			flags |= flagMultiByte
			// The common two- and three-byte sequences inline (a lead byte of E0 or ED limits
			// the next byte further: sequence).
			if c < 0xe0 && c >= 0xc2 && i+1 < len(b) && b[i+1]&0xc0 == 0x80 {
				i += 2
			} else if c > 0xe0 && c < 0xf0 && c != 0xed && i+2 < len(b) && b[i+1]&0xc0 == 0x80 && b[i+2]&0xc0 == 0x80 {
				i += 3
			} else if n := sequence(b, i); n > 0 {
				i += n
			} else {
				flags |= flagInvalid
				if s.strict {
					s.pend(InvalidUTF8, i, nil, invalidText(key))
				}
				i++ // as utf8.DecodeRune steps over a byte of invalid UTF-8
			}
		}
	}
	s.pos = i
	if cut {
		return 0, s.checkCompact() // the string goes on past the limit
	}
	return 0, s.fail("unexpected end of input in a string")
}

// appendDecoded appends the value of a string's text (without its quotes), which scanString
// accepted with these flags, decoded exactly as encoding/json decodes it: escapes resolved, a
// surrogate pair joined, a lone surrogate and each byte of invalid UTF-8 replaced by U+FFFD.
func appendDecoded(dst, inner []byte, flags uint8) []byte {
	dst = slices.Grow(dst, len(inner)) // the value is never longer than its text
	for i := 0; i < len(inner); {
		c := inner[i]
		if c != '\\' {
			if flags&flagInvalid != 0 {
				end := bytes.IndexByte(inner[i:], '\\')
				if end < 0 {
					end = len(inner) - i
				}
				dst = appendText(dst, inner[i:i+end])
				i += end
				continue
			}
			// A byte at a time; a run with no backslash in its next eight bytes at once.
			dst = append(dst, c)
			i++
			if i+8 <= len(inner) && noBackslash(binary.LittleEndian.Uint64(inner[i:])) {
				end := bytes.IndexByte(inner[i:], '\\')
				if end < 0 {
					end = len(inner) - i
				}
				dst = append(dst, inner[i:i+end]...)
				i += end
			}
			continue
		}
		if e := unescaped[inner[i+1]]; e != 0 {
			dst = append(dst, e)
			i += 2
			continue
		}
		r, _ := hex4(inner, i+2)
		i += 6
		if !utf16.IsSurrogate(r) {
			dst = utf8.AppendRune(dst, r)
			continue
		}
		if r < 0xdc00 && i+6 <= len(inner) && inner[i] == '\\' && inner[i+1] == 'u' {
			if low, ok := hex4(inner, i+2); ok && low >= 0xdc00 && low <= 0xdfff {
				dst = utf8.AppendRune(dst, utf16.DecodeRune(r, low))
				i += 6
				continue
			}
		}
		dst = utf8.AppendRune(dst, unicode.ReplacementChar)
	}
	return dst
}

// noBackslash reports whether none of the eight bytes of x is a backslash.
func noBackslash(x uint64) bool {
	bs := x ^ (ones * '\\')
	return (bs-ones)&^bs&highs == 0
}

// appendText appends text, with each byte of invalid UTF-8 replaced by U+FFFD.
func appendText(dst, text []byte) []byte {
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRune(text[i:])
		if r == utf8.RuneError && size == 1 {
			dst = utf8.AppendRune(dst, unicode.ReplacementChar)
		} else {
			dst = append(dst, text[i:i+size]...)
		}
		i += size
	}
	return dst
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// The classes of a string's bytes, by what scanString does with them.
const (
	classPlain     = iota // ASCII that stands for itself
	classQuote            // '"': the end
	classBackslash        // '\\': an escape
	classControl          // below 0x20: refused
	classHigh             // 0x80 and above: part of a UTF-8 sequence
)

// class is the class of each byte in a string.
var class = func() (t [256]uint8) {
	for c := range t {
		switch {
		case c < 0x20:
			t[c] = classControl
		case c == '"':
			t[c] = classQuote
		case c == '\\':
			t[c] = classBackslash
		case c >= utf8.RuneSelf:
			t[c] = classHigh
		}
	}
	return t
}()

// unescaped maps the byte after a backslash of a two-byte escape to the byte it stands for
// (0 for 'u' and for bytes no escape has).
var unescaped = [256]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

// SWAR constants: a byte of ones, and the high bit of each byte.
const ones, highs = 0x0101010101010101, 0x8080808080808080

// plainEnd returns the offset of the first byte from b[i] on that is not plain ASCII text of
// a string: a quote, a backslash, a control character or a byte >= 0x80; len(b) when none is.
func plainEnd(b []byte, i int) int {
	for i+8 <= len(b) {
		// A zero byte of x-0x20, x^'"' or x^'\\' (or a high bit of x) sets a high bit here. The
		// lowest flagged byte is exactly the first special one (a borrow only flags bytes
		// above a real one).
		x := binary.LittleEndian.Uint64(b[i:])
		q, bs := x^(ones*'"'), x^(ones*'\\')
		if m := (x | (x-ones*0x20)&^x | (q-ones)&^q | (bs-ones)&^bs) & highs; m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
		i += 8
	}
	for i < len(b) && class[b[i]] == classPlain {
		i++
	}
	return i
}

// sequence returns the length of the valid UTF-8 encoding of one character that starts at
// b[i], a byte >= 0x80, or 0 when none does: what utf8.DecodeRune accepts, without decoding.
func sequence(b []byte, i int) int {
	c, n := b[i], len(b)
	switch {
	case c < 0xc2:
		return 0
	case c < 0xe0:
		if i+1 < n && b[i+1]&0xc0 == 0x80 {
			return 2
		}
	case c < 0xf0:
		if i+2 < n && (uint16(b[i+1])|uint16(b[i+2])<<8)&0xc0c0 == 0x8080 &&
			(c != 0xe0 || b[i+1] >= 0xa0) && (c != 0xed || b[i+1] < 0xa0) { // no overlong form, no surrogate
			return 3
		}
	case c < 0xf5:
		if i+3 < n && (uint32(b[i+1])|uint32(b[i+2])<<8|uint32(b[i+3])<<16)&0xc0c0c0 == 0x808080 &&
			(c != 0xf0 || b[i+1] >= 0x90) && (c != 0xf4 || b[i+1] < 0x90) { // no overlong form, none above U+10FFFF
			return 4
		}
	}
	return 0
}

func invalidText(key bool) string {
	if key {
		return "a field name is not valid UTF-8 text"
	}
	return "a string is not valid UTF-8 text"
}

// escape checks the escape at data[i] (a backslash) and returns its length, or 0 after
// failing. In strict mode a \u escape of a UTF-16 surrogate must be a high one followed by a
// low one; the pair is then one escape of length 12.
func (s *Scanner) escape(i int, key bool) int {
	b := s.data
	if i+1 >= len(b) {
		s.pos = len(b)
		s.fail("unexpected end of input in a string")
		return 0
	}
	if unescaped[b[i+1]] != 0 {
		return 2
	}
	if b[i+1] != 'u' {
		s.pos = i
		s.fail("invalid escape " + describe(b, i+1) + " in a string")
		return 0
	}
	r, ok := hex4(b, i+2)
	switch {
	case !ok:
		s.pos = i
		s.fail("invalid \\u escape in a string (it needs four hex digits)")
		return 0
	case !s.strict || !utf16.IsSurrogate(r):
		return 6
	case r < 0xdc00 && i+12 <= len(b) && b[i+6] == '\\' && b[i+7] == 'u':
		if low, ok := hex4(b, i+8); ok && low >= 0xdc00 && low <= 0xdfff {
			return 12
		}
	}
	detail := "a string holds a \\u escape of a lone UTF-16 surrogate, which is not text"
	if key {
		detail = "a field name holds a \\u escape of a lone UTF-16 surrogate, which is not text"
	}
	s.pend(InvalidUTF8, i, nil, detail)
	return 6
}

// hex4 reads four hex digits at b[i:].
func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	b = b[i : i+4]
	// A byte that is no hex digit is -1: shifted and or-ed in, it leaves r negative.
	r := rune(hexDigit[b[0]])<<12 | rune(hexDigit[b[1]])<<8 | rune(hexDigit[b[2]])<<4 | rune(hexDigit[b[3]])
	return r, r >= 0
}

// hexDigit is the value of each hex digit, -1 for any other byte.
var hexDigit = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := range 10 {
		t['0'+i] = int8(i)
	}
	for i := range 6 {
		t['a'+i], t['A'+i] = int8(10+i), int8(10+i)
	}
	return t
}()

// AppendUnquote appends the value of raw, one JSON string literal with its quotes, decoded
// exactly as json.Unmarshal decodes it into a string, and reports whether raw was one.
func AppendUnquote(dst, raw []byte) ([]byte, bool) {
	if len(raw) < 2 || raw[0] != '"' {
		return dst, false
	}
	s := Scanner{data: raw, maxDepth: DefaultMaxDepth}
	flags, ok := s.scanString(false)
	if !ok || s.pos != len(raw) {
		return dst, false
	}
	inner := raw[1 : len(raw)-1]
	if decoded(flags) {
		return appendDecoded(dst, inner, flags), true
	}
	return append(dst, inner...), true
}

// Unquote returns the value of raw, one JSON string literal with its quotes, decoded exactly as
// json.Unmarshal decodes it into a string, and reports whether raw was one.
func Unquote(raw []byte) (string, bool) {
	b, ok := AppendUnquote(nil, raw)
	return string(b), ok
}

// AppendCompact appends raw, one well-formed JSON value, without the white space between its
// tokens: what json.Compact writes. Strings are copied as written, escapes included.
func AppendCompact(dst, raw []byte) []byte {
	for i := 0; i < len(raw); {
		switch c := raw[i]; {
		case blank[c] != 0:
			i++
		case c == '"':
			end := stringEnd(raw, i)
			dst = append(dst, raw[i:end]...)
			i = end
		default: // a byte of punctuation, a number or a literal: short, so a byte at a time
			dst = append(dst, c)
			i++
		}
	}
	return dst
}

// stringEnd returns the offset just past the string that starts at raw[i] (a quote): past the
// first quote after it that no backslash escapes, or len(raw).
func stringEnd(raw []byte, i int) int {
	for j := i + 1; j < len(raw); {
		q := bytes.IndexByte(raw[j:], '"')
		if q < 0 {
			break
		}
		q += j
		backslashes := 0
		for k := q - 1; k > i && raw[k] == '\\'; k-- {
			backslashes++
		}
		if backslashes%2 == 0 {
			return q + 1
		}
		j = q + 1
	}
	return len(raw)
}
