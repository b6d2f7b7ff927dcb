package contract

import (
	"strconv"
	"unicode/utf8"
)

// valueLimit is how long a Violation's Value may be, in bytes, before it is cut (and "..."
// appended): a violation names the offending value, it never dumps a body.
const valueLimit = 80

// shortString renders a decoded string as json.Marshal writes it (quoted, with <, > and &
// escaped), cut at valueLimit bytes on a character boundary.
func shortString(s []byte) string {
	buf := make([]byte, 0, min(len(s)+2, valueLimit+8))
	buf = append(buf, '"')
	for i := 0; i < len(s) && len(buf) <= valueLimit; {
		c := s[i]
		if c < utf8.RuneSelf {
			buf = appendEscapedByte(buf, c)
			i++
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			buf = append(buf, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			buf = append(buf, `\u202`...)
			buf = append(buf, "89"[r-'\u2028'])
		default:
			buf = append(buf, s[i:i+size]...)
		}
		i += size
	}
	buf = append(buf, '"')
	return cut(buf)
}

func appendEscapedByte(buf []byte, c byte) []byte {
	const hex = "0123456789abcdef"
	switch c {
	case '"', '\\':
		return append(buf, '\\', c)
	case '\n':
		return append(buf, '\\', 'n')
	case '\r':
		return append(buf, '\\', 'r')
	case '\t':
		return append(buf, '\\', 't')
	case '\b':
		return append(buf, '\\', 'b')
	case '\f':
		return append(buf, '\\', 'f')
	}
	if c < 0x20 || c == '<' || c == '>' || c == '&' {
		return append(buf, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
	}
	return append(buf, c)
}

// shortText renders raw JSON text (a number or a literal) cut at valueLimit bytes.
func shortText(raw []byte) string { return cut(raw) }

// cut returns b as a string, cut to valueLimit bytes on a character boundary with "..."
// appended when it is longer.
func cut(b []byte) string {
	if len(b) <= valueLimit {
		return string(b)
	}
	n := valueLimit
	for n > 0 && !utf8.RuneStart(b[n]) {
		n--
	}
	return string(b[:n]) + "..."
}

// shortKind renders an object or array by its kind only.
func shortKind(object bool, items int) string {
	if object {
		return "an object"
	}
	return "an array of " + strconv.Itoa(items)
}

// ShortValue renders a value the way a Violation's Value shows it, given its JSON text:
// scalars as JSON cut to a readable length, objects and arrays by their kind. It is for the
// spec verdict, which renders values decoded by encoding/json.
func ShortValue(jsonText []byte) string { return cut(jsonText) }
