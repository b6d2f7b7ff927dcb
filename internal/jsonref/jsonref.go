// Package jsonref is the independent reference that package jsonscan's strictness and the spec
// verdict (internal/spec) are judged by: the same questions answered with encoding/json's own
// token stream, sharing no code with the scanner. It is for tests and verdicts, not for the
// SDK's hot paths.
package jsonref

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Problem is what strict JSON reading refuses in a document json.Valid accepts.
type Problem string

const (
	// InvalidText is a string (value or key) that is not valid UTF-8 or holds a \u escape of a
	// lone UTF-16 surrogate.
	InvalidText Problem = "invalid text"
	// DuplicateKey is an object that repeats a key (keys compared after decoding escapes).
	DuplicateKey Problem = "duplicate key"
)

// StrictProblem finds the first thing, in document order, that strict reading refuses in data
// (which json.Valid must accept). It returns the problem ("" for none), the JSON pointer where
// it is (a string value's own pointer, a repeated key's member, or the object holding a field
// name that is not valid text) and, for a duplicate, the key.
func StrictProblem(data []byte) (problem Problem, pointer, key string) {
	walk(data, func(tok json.Token, raw []byte, isKey bool, stack []*level) bool {
		if isKey {
			top := stack[len(stack)-1]
			if !ValidText(raw) {
				problem, pointer = InvalidText, pointerOf(stack[:len(stack)-1])
				return false
			}
			if top.keys[top.key] {
				problem, pointer, key = DuplicateKey, pointerOf(stack), top.key
				return false
			}
			if top.keys == nil {
				top.keys = map[string]bool{}
			}
			top.keys[top.key] = true
			return true
		}
		if _, open := tok.(json.Delim); !open && !ValidText(raw) {
			problem, pointer = InvalidText, pointerOf(stack)
			return false
		}
		return true
	})
	return problem, pointer, key
}

// level is an object or array open around a token.
type level struct {
	object, wantKey bool
	key             string // an object's current member
	index           int    // an array's current item
	members         int    // an object's members so far
	keys            map[string]bool
}

// walk reads data's tokens with encoding/json and calls visit with each key and each value
// (the opening of an object or array before it is entered), its raw text and the levels open
// around it: the innermost one's key or index is already the token's. It stops when visit
// answers false, at the end of data or at its first syntax error.
func walk(data []byte, visit func(tok json.Token, raw []byte, isKey bool, stack []*level) bool) {
	var stack []*level
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	prev := int64(0)
	for {
		tok, err := dec.Token()
		if err != nil {
			return
		}
		raw := data[prev:dec.InputOffset()]
		prev = dec.InputOffset()
		var top *level
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			if len(stack) > 0 && stack[len(stack)-1].object {
				stack[len(stack)-1].wantKey = true
			}
			continue
		}
		if top != nil && top.object && top.wantKey {
			top.wantKey = false
			top.key, _ = tok.(string)
			top.members++
			if !visit(tok, raw, true, stack) {
				return
			}
			continue
		}
		if top != nil && !top.object {
			top.index++
		}
		if !visit(tok, raw, false, stack) {
			return
		}
		if d, ok := tok.(json.Delim); ok {
			stack = append(stack, &level{object: d == '{', wantKey: d == '{', index: -1})
			continue
		}
		if top != nil && top.object {
			top.wantKey = true
		}
	}
}

// pointerOf is the JSON pointer of the innermost level's current member or item.
func pointerOf(stack []*level) string {
	var b strings.Builder
	for _, l := range stack {
		b.WriteByte('/')
		if l.object {
			b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(l.key))
		} else {
			b.WriteString(strconv.Itoa(l.index))
		}
	}
	return b.String()
}

// ValidText reports whether raw JSON text (one token, as written) is valid UTF-8 holding no
// \u escape of a lone UTF-16 surrogate.
func ValidText(raw []byte) bool {
	if !utf8.Valid(raw) {
		return false
	}
	hex := func(b []byte) rune {
		r, err := strconv.ParseUint(string(b), 16, 16)
		if err != nil {
			return -1
		}
		return rune(r)
	}
	for i := 0; i+1 < len(raw); i++ {
		if raw[i] != '\\' {
			continue
		}
		if raw[i+1] != 'u' || i+6 > len(raw) {
			i++
			continue
		}
		r := hex(raw[i+2 : i+6])
		switch {
		case r >= 0xd800 && r < 0xdc00:
			if i+12 <= len(raw) && raw[i+6] == '\\' && raw[i+7] == 'u' {
				if low := hex(raw[i+8 : i+12]); low >= 0xdc00 && low <= 0xdfff {
					i += 11
					continue
				}
			}
			return false
		case utf16.IsSurrogate(r):
			return false
		}
		i += 5
	}
	return true
}

// Size is how much a document holds, in the terms of package jsonscan's reading limits.
type Size struct {
	// Depth is how deep objects and arrays nest (the document itself is depth 1; a scalar
	// document has depth 0).
	Depth int
	// Values counts the document itself, every member's value and every array item.
	Values int
	// Members is the most members one object has.
	Members int
	// NumberLength is the length of the longest number, as written.
	NumberLength int
	// CompactLength is the length of the document once compacted (json.Compact).
	CompactLength int
}

// Measure returns the Size of data, and false when json.Valid refuses it.
func Measure(data []byte) (Size, bool) {
	if !json.Valid(data) {
		return Size{}, false
	}
	var compact bytes.Buffer
	_ = json.Compact(&compact, data) // valid
	size := Size{CompactLength: compact.Len()}
	walk(data, func(tok json.Token, _ []byte, isKey bool, stack []*level) bool {
		if isKey {
			size.Members = max(size.Members, stack[len(stack)-1].members)
			return true
		}
		size.Values++
		if n, ok := tok.(json.Number); ok {
			size.NumberLength = max(size.NumberLength, len(n))
		}
		if _, open := tok.(json.Delim); open {
			size.Depth = max(size.Depth, len(stack)+1)
		}
		return true
	})
	return size, true
}
