package jsonscan_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"

	"github.com/lakipay/checkout-go/internal/jsonref"
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
		raw, _ := s.Skip()
		switch string(raw) {
		case "true":
			return true
		case "false":
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

// strictProblem is jsonref's answer in the scanner's terms.
func strictProblem(data []byte) (jsonscan.Problem, string, string) {
	problem, pointer, key := jsonref.StrictProblem(data)
	switch problem {
	case jsonref.InvalidText:
		return jsonscan.InvalidUTF8, pointer, key
	case jsonref.DuplicateKey:
		return jsonscan.DuplicateKey, pointer, key
	}
	return 0, "", ""
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
