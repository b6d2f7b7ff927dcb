package jsonscan

import (
	"encoding/binary"
	"math/bits"
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

// scanString reads the string starting at the current offset (a quote), checks it, and
// returns its flags; key says it is a field name (for the strictness messages).
func (s *Scanner) scanString(key bool) (flags uint8, ok bool) {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	b := s.data
	i := s.pos + 1
	for {
		// Eight plain bytes at a time: none has its high bit set, is below 0x20 or equals '"'
		// or '\\' (a zero byte of x-0x20, x^'"' or x^'\\' sets a high bit here).
		// The lowest flagged byte is exactly the first special one (a borrow only flags bytes
		// above a real one), so the plain bytes before it are skipped too.
		for i+8 <= len(b) {
			x := binary.LittleEndian.Uint64(b[i:])
			q, bs := x^(ones*'"'), x^(ones*'\\')
			if m := (x | (x-ones*0x20)&^x | (q-ones)&^q | (bs-ones)&^bs) & highs; m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				break
			}
			i += 8
		}
		if i >= len(b) {
			s.pos = i
			return 0, s.fail("unexpected end of input in a string")
		}
		switch c := b[i]; {
		case c == '"':
			s.pos = i + 1
			return flags, true
		case c == '\\':
			n := s.escape(i, key)
			if n == 0 {
				return 0, false
			}
			flags |= flagEscaped
			i += n
		case c < 0x20:
			s.pos = i
			return 0, s.fail("control character " + describe(b, i) + " in a string (it must be escaped)")
		case c < utf8.RuneSelf:
			i++
		default:
			flags |= flagMultiByte
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size == 1 {
				flags |= flagInvalid
				if s.strict {
					s.pend(InvalidUTF8, i, nil, invalidText(key))
				}
			}
			i += size
		}
	}
}

func invalidText(key bool) string {
	if key {
		return "a field name is not valid UTF-8 text"
	}
	return "a string is not valid UTF-8 text"
}

// escape checks the escape at data[i] (a backslash) and returns its length, or 0 after failing.
// In strict mode a \u escape of a UTF-16 surrogate must be a high one followed by a low one;
// the pair is then one escape of length 12.
func (s *Scanner) escape(i int, key bool) int {
	b := s.data
	if i+1 >= len(b) {
		s.pos = len(b)
		s.fail("unexpected end of input in a string")
		return 0
	}
	switch b[i+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return 2
	case 'u':
		r, ok := hex4(b, i+2)
		if !ok {
			s.pos = i
			s.fail("invalid \\u escape in a string (it needs four hex digits)")
			return 0
		}
		if !s.strict || !utf16.IsSurrogate(r) {
			return 6
		}
		if r < 0xdc00 && i+12 <= len(b) && b[i+6] == '\\' && b[i+7] == 'u' {
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
	s.pos = i
	s.fail("invalid escape " + describe(b, i+1) + " in a string")
	return 0
}

// hex4 reads four hex digits at b[i:].
func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// appendDecoded appends the value of a string's text (without its quotes), which scanString
// accepted, decoded exactly as encoding/json decodes it: escapes resolved, a surrogate pair
// joined, a lone surrogate and each byte of invalid UTF-8 replaced by U+FFFD.
func appendDecoded(dst, inner []byte) []byte {
	for i := 0; i < len(inner); {
		c := inner[i]
		switch {
		case c == '\\':
			switch e := inner[i+1]; e {
			case 'u':
				r, _ := hex4(inner, i+2)
				i += 6
				if utf16.IsSurrogate(r) {
					if i+6 <= len(inner) && inner[i] == '\\' && inner[i+1] == 'u' {
						if r2, ok := hex4(inner, i+2); ok {
							if pair := utf16.DecodeRune(r, r2); pair != unicode.ReplacementChar {
								dst = utf8.AppendRune(dst, pair)
								i += 6
								continue
							}
						}
					}
					r = unicode.ReplacementChar
				}
				dst = utf8.AppendRune(dst, r)
				continue
			case 'b':
				dst = append(dst, '\b')
			case 'f':
				dst = append(dst, '\f')
			case 'n':
				dst = append(dst, '\n')
			case 'r':
				dst = append(dst, '\r')
			case 't':
				dst = append(dst, '\t')
			default: // '"', '\\', '/'
				dst = append(dst, e)
			}
			i += 2
		case c < utf8.RuneSelf:
			dst = append(dst, c)
			i++
		default:
			r, size := utf8.DecodeRune(inner[i:])
			if r == utf8.RuneError && size == 1 {
				dst = utf8.AppendRune(dst, unicode.ReplacementChar)
			} else {
				dst = append(dst, inner[i:i+size]...)
			}
			i += size
		}
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
	if flags&(flagEscaped|flagInvalid) == 0 {
		return append(dst, inner...), true
	}
	return appendDecoded(dst, inner), true
}

// Unquote returns the value of raw, one JSON string literal with its quotes, decoded exactly as
// json.Unmarshal decodes it into a string, and reports whether raw was one.
func Unquote(raw []byte) (string, bool) {
	if len(raw) >= 2 && raw[0] == '"' {
		s := Scanner{data: raw, maxDepth: DefaultMaxDepth}
		if flags, ok := s.scanString(false); ok && s.pos == len(raw) && flags&(flagEscaped|flagInvalid) == 0 {
			return string(raw[1 : len(raw)-1]), true
		}
	}
	b, ok := AppendUnquote(nil, raw)
	return string(b), ok
}
