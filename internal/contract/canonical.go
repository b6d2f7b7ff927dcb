package contract

import (
	"bytes"
	"slices"

	"github.com/lakipay/checkout-go/internal/jsonscan"
)

// canonical returns a key for the JSON value raw (well-formed, strict) that is equal for equal
// values, as kin-openapi's uniqueItems compares them (json.Marshal of the decoded values):
// strings by their decoded text, numbers by their text as written, objects whatever their key
// order. A string without escapes is its own key, without allocating.
func canonical(raw []byte) []byte {
	if raw[0] == '"' && bytes.IndexByte(raw, '\\') < 0 {
		return raw
	}
	s := jsonscan.Acquire(raw, jsonscan.Options{})
	defer s.Release()
	return appendCanonical(nil, s)
}

func appendCanonical(dst []byte, s *jsonscan.Scanner) []byte {
	switch s.Peek() {
	case jsonscan.String:
		str, _ := s.ReadString()
		return appendCanonicalString(dst, str.Value)
	case jsonscan.Object:
		type member struct{ key, value []byte }
		var members []member
		s.EnterObject()
		for {
			key, ok := s.NextKey()
			if !ok {
				break
			}
			members = append(members, member{appendCanonicalString(nil, key), appendCanonical(nil, s)})
		}
		slices.SortFunc(members, func(a, b member) int { return bytes.Compare(a.key, b.key) })
		dst = append(dst, '{')
		for i, m := range members {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, m.key...)
			dst = append(dst, ':')
			dst = append(dst, m.value...)
		}
		return append(dst, '}')
	case jsonscan.Array:
		dst = append(dst, '[')
		s.EnterArray()
		for i := 0; s.NextItem(); i++ {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendCanonical(dst, s)
		}
		return append(dst, ']')
	}
	raw, _ := s.Skip()
	return append(dst, raw...)
}

// appendCanonicalString writes a decoded string as JSON: quoted, with only '"', '\' and
// control characters escaped (one writing per text, so equal texts give equal keys).
func appendCanonicalString(dst, s []byte) []byte {
	dst = append(dst, '"')
	for _, c := range s {
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c < 0x20:
			dst = append(dst, '\\', 'u', '0', '0', "0123456789abcdef"[c>>4], "0123456789abcdef"[c&0xf])
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, '"')
}
