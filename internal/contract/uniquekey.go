package contract

import (
	"bytes"
	"slices"

	"github.com/lakipay/checkout-go/internal/jsonscan"
)

// uniqueKey returns a key for the JSON value raw (well-formed, strict) that is equal for equal
// values, as kin-openapi's uniqueItems compares them (json.Marshal of the decoded values):
// strings by their decoded text, numbers by their text as written, objects whatever their key
// order. A string without escapes is its own key, without allocating.
//
// The value is read once into a tree whose objects are then sorted and written once, so that
// the key costs time and memory in proportion to raw however deep it nests (writing each
// object's members sorted as they were read would copy every level into the one above it).
func uniqueKey(raw []byte) []byte {
	if raw[0] == '"' && bytes.IndexByte(raw, '\\') < 0 {
		return raw
	}
	s := jsonscan.Acquire(raw, jsonscan.Options{})
	defer s.Release()
	v := readKeyValue(s)
	return v.appendTo(make([]byte, 0, len(raw)))
}

// keyValue is a value read for uniqueKey: a scalar's key (text), or an object's or
// array's items (open is '{' or '['), an object's sorted by their keys.
type keyValue struct {
	key   []byte // the member's name as uniqueKey writes it, in an object
	text  []byte
	open  byte
	items []keyValue
}

func readKeyValue(s *jsonscan.Scanner) keyValue {
	switch s.Peek() {
	case jsonscan.String:
		str, _ := s.ReadString()
		return keyValue{text: appendKeyString(nil, str.Value)}
	case jsonscan.Object:
		v := keyValue{open: '{'}
		s.EnterObject()
		for {
			key, ok := s.NextKey()
			if !ok {
				break
			}
			name := appendKeyString(nil, key)
			v.items = append(v.items, readKeyValue(s))
			v.items[len(v.items)-1].key = name
		}
		slices.SortFunc(v.items, func(a, b keyValue) int { return bytes.Compare(a.key, b.key) })
		return v
	case jsonscan.Array:
		v := keyValue{open: '['}
		s.EnterArray()
		for s.NextItem() {
			v.items = append(v.items, readKeyValue(s))
		}
		return v
	}
	raw, _ := s.Skip()
	return keyValue{text: raw}
}

func (v *keyValue) appendTo(dst []byte) []byte {
	if v.open == 0 {
		return append(dst, v.text...)
	}
	dst = append(dst, v.open)
	for i := range v.items {
		if i > 0 {
			dst = append(dst, ',')
		}
		if item := &v.items[i]; v.open == '{' {
			dst = append(dst, item.key...)
			dst = append(dst, ':')
		}
		dst = v.items[i].appendTo(dst)
	}
	if v.open == '{' {
		return append(dst, '}')
	}
	return append(dst, ']')
}

// appendKeyString writes a decoded string as JSON: quoted, with only '"', '\' and
// control characters escaped (one writing per text, so equal texts give equal keys).
func appendKeyString(dst, s []byte) []byte {
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
