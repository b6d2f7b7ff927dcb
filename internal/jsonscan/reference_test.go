package jsonscan_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/lakipay/checkout-go/internal/jsonscan"
)

// This file holds the references the scanner is judged against: encoding/json itself, and
// small independent checks of what strict mode adds.

// decodeReference decodes data as encoding/json does (numbers as json.Number), refusing
// trailing data as json.Valid does.
func decodeReference(data []byte) (any, error) {
	if !json.Valid(data) {
		return nil, errors.New("json.Valid refuses it")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// decodeWithScanner builds the same Go value as decodeReference through the scanner's
// structured API (Peek, Read*, Enter*, Next*), keeping the last of repeated keys as
// encoding/json does.
func decodeWithScanner(data []byte, opts jsonscan.Options) (any, error) {
	s := jsonscan.Acquire(data, opts)
	defer s.Release()
	v := readValue(s)
	if err := s.Finish(); err != nil {
		return nil, err
	}
	return v, nil
}

func readValue(s *jsonscan.Scanner) any {
	switch s.Peek() {
	case jsonscan.String:
		str, _ := s.ReadString()
		return string(str.Value)
	case jsonscan.Number:
		n, _ := s.ReadNumber()
		return json.Number(n)
	case jsonscan.Null, jsonscan.True, jsonscan.False:
		k, _ := s.ReadLiteral()
		switch k {
		case jsonscan.True:
			return true
		case jsonscan.False:
			return false
		}
		return nil
	case jsonscan.Object:
		m := map[string]any{}
		s.EnterObject()
		for {
			key, ok := s.NextKey()
			if !ok {
				return m
			}
			k := string(key)
			m[k] = readValue(s)
		}
	case jsonscan.Array:
		a := []any{}
		s.EnterArray()
		for s.NextItem() {
			a = append(a, readValue(s))
		}
		return a
	}
	s.Skip() // records the syntax error
	return nil
}

// strictProblem finds, independently of the scanner and in document order, the first thing
// strict mode refuses in data, which json.Valid accepts: invalid UTF-8 or a lone surrogate
// escape in a string, or a repeated key. It returns the problem (0 for none), the JSON pointer
// where it is and the repeated key.
func strictProblem(data []byte) (problem jsonscan.Problem, pointer, key string) {
	type level struct {
		object  bool
		wantKey bool
		keys    map[string]bool
		key     string
		index   int
	}
	var stack []*level
	ptr := func(includeTop bool) string {
		var b strings.Builder
		for i, l := range stack {
			if i == len(stack)-1 && !includeTop {
				break
			}
			b.WriteByte('/')
			if l.object {
				b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(l.key))
			} else {
				b.WriteString(strconv.Itoa(l.index))
			}
		}
		return b.String()
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	prev := int64(0)
	for {
		tok, err := dec.Token()
		if err != nil {
			return 0, "", ""
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
			k, _ := tok.(string)
			if !validText(raw) {
				return jsonscan.InvalidUTF8, ptr(false), ""
			}
			top.wantKey, top.key = false, k
			if top.keys[k] {
				return jsonscan.DuplicateKey, ptr(true), k
			}
			top.keys[k] = true
			continue
		}
		if top != nil && !top.object {
			top.index++
		}
		if d, ok := tok.(json.Delim); ok {
			stack = append(stack, &level{object: d == '{', wantKey: d == '{', keys: map[string]bool{}, index: -1})
			continue
		}
		if !validText(raw) {
			return jsonscan.InvalidUTF8, ptr(true), ""
		}
		if top != nil && top.object {
			top.wantKey = true
		}
	}
}

// validText reports whether the raw text of one token is valid UTF-8 holding no \u escape of a
// lone UTF-16 surrogate.
func validText(raw []byte) bool {
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
	for i := 0; i < len(raw); i++ {
		if raw[i] != '\\' {
			continue
		}
		if raw[i+1] != 'u' {
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

// referenceMembers splits an object with encoding/json: its keys decoded and its raw values,
// in document order; ok is false when data is not one JSON object.
func referenceMembers(data []byte) (keys, values []string, ok bool) {
	if !json.Valid(data) || bytes.TrimLeft(data, " \t\r\n")[0] != '{' {
		return nil, nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil {
		return nil, nil, false
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, false
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, nil, false
		}
		keys = append(keys, tok.(string))
		values = append(values, string(raw))
	}
	if _, err := dec.Token(); err != nil {
		return nil, nil, false
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, nil, false
	}
	return keys, values, true
}
