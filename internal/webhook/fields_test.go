package webhook_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/internal/jsonref"
	"github.com/lakipay/checkout-go/internal/webhook"
)

// referenceFields splits body with encoding/json alone: ok when body is one JSON object in
// valid UTF-8 without escapes of lone surrogates (jsonref, the module's independent
// reference of strict reading), with its keys decoded and its values as raw text, in document
// order.
func referenceFields(t *testing.T, body []byte) (keys []string, values []string, ok bool) {
	t.Helper()
	if !json.Valid(body) || !utf8.Valid(body) {
		return nil, nil, false
	}
	if problem, _, _ := jsonref.StrictProblem(body); problem == jsonref.InvalidText {
		return nil, nil, false
	}
	if trimmed := bytes.TrimLeft(body, " \t\r\n"); trimmed[0] != '{' {
		return nil, nil, false // not an object (Token would fail on a number out of float64's range)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	tok, err := dec.Token()
	require.NoError(t, err)
	require.Equal(t, json.Delim('{'), tok)
	for dec.More() {
		tok, err := dec.Token()
		require.NoError(t, err)
		key, isKey := tok.(string)
		require.True(t, isKey)
		var raw json.RawMessage
		require.NoError(t, dec.Decode(&raw))
		keys = append(keys, key)
		values = append(values, string(raw))
	}
	_, err = dec.Token()
	require.NoError(t, err)
	_, err = dec.Token()
	require.ErrorIs(t, err, io.EOF)
	return keys, values, true
}

// checkFields compares webhook.Fields with referenceFields: the same verdict, and for an
// accepted body the same keys and raw values, sorted by key, with duplicates refused.
func checkFields(t *testing.T, body []byte) {
	t.Helper()
	fields, err := webhook.Fields(body)
	if size, valid := jsonref.Measure(body); valid && !withinLimits(size) {
		require.Error(t, err, "%q is beyond the limits: %+v", body, size)
		assert.ErrorIs(t, err, webhook.ErrMalformed)
		assert.Contains(t, err.Error(), "over a limit")
		return
	}
	keys, values, ok := referenceFields(t, body)
	if !ok {
		require.Error(t, err, "encoding/json refuses %q", body)
		assert.ErrorIs(t, err, webhook.ErrMalformed)
		return
	}
	order := make([]int, len(keys))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return strings.Compare(keys[a], keys[b]) })
	for i := 1; i < len(order); i++ {
		if keys[order[i]] == keys[order[i-1]] {
			require.Error(t, err, "duplicate key %q", keys[order[i]])
			assert.ErrorIs(t, err, webhook.ErrMalformed)
			assert.Contains(t, err.Error(), "duplicate key")
			return
		}
	}
	require.NoError(t, err, "encoding/json accepts %q", body)
	require.Len(t, fields, len(keys))
	for i, j := range order {
		assert.Equal(t, keys[j], string(fields[i].Key))
		assert.Equal(t, values[j], string(fields[i].Value))
	}
}

// withinLimits reports whether a body of this size is within the limits of a webhook body.
func withinLimits(size jsonref.Size) bool {
	return size.Depth <= webhook.MaxDepth && size.Values <= webhook.MaxValues && size.Members <= webhook.MaxFields &&
		size.NumberLength <= webhook.MaxNumberLength && size.CompactLength <= webhook.MaxCompactBytes
}

func TestFieldsAgreeWithEncodingJSON(t *testing.T) {
	deep := func(n int) string { return `{"a":` + strings.Repeat("[", n-1) + strings.Repeat("]", n-1) + `}` }
	many := func(n int, extra string) string {
		var b strings.Builder
		b.WriteString("{")
		for i := n; i > 0; i-- {
			fmt.Fprintf(&b, `"k%02d":%d,`, i, i)
		}
		return b.String() + extra + `"a":0}`
	}
	tests := []struct{ name, body string }{
		{name: "docs example", body: docsPayload},
		{name: "many fields", body: many(40, "")},
		{name: "many fields with a duplicate", body: many(40, `"k07":7,`)},
		{name: "few fields with a duplicate", body: many(5, `"k03":7,`)},
		{name: "empty object", body: " {\n} "},
		{name: "all value kinds", body: `{"s":"x","n":-1.5e+3,"z":0,"t":true,"f":false,"u":null,"o":{"k":[1,{}]},"a":[]}`},
		{name: "escapes", body: `{"k\u0065y":"\"\\\/\b\f\n\r\t\u00e9\uD83D\uDE00"}`},
		{name: "escape of a lone surrogate", body: `{"k":"\ud800"}`},
		{name: "multi-byte UTF-8", body: "{\"é\":\"日本\U0001F600\uFFFD\"}"},
		{name: "duplicate", body: `{"a":1,"a":2}`},
		{name: "duplicate after decoding", body: `{"a":1,"\u0061":2}`},
		{name: "nesting at the limit", body: deep(webhook.MaxDepth)},
		{name: "nesting over the limit", body: deep(webhook.MaxDepth + 1)},
		{name: "nesting at encoding/json's limit", body: deep(10000)},
		{name: "nesting over encoding/json's limit", body: deep(10001)},
		{name: "fields at the limit", body: many(webhook.MaxFields-1, "")},
		{name: "fields over the limit", body: many(webhook.MaxFields, "")},
		{name: "values at the limit", body: `{"a":[` + strings.Repeat("0,", webhook.MaxValues-3) + `0]}`},
		{name: "values over the limit", body: `{"a":[` + strings.Repeat("0,", webhook.MaxValues-2) + `0]}`},
		{name: "a number at the limit", body: `{"a":1` + strings.Repeat("0", webhook.MaxNumberLength-1) + `}`},
		{name: "a number over the limit", body: `{"a":-1` + strings.Repeat("0", webhook.MaxNumberLength-1) + `}`},
		{name: "a body at the compact limit", body: ` {"a": "` + strings.Repeat("é", (webhook.MaxCompactBytes-8)/2) + `"} `},
		{name: "a body over the compact limit", body: `{"a":"` + strings.Repeat("x", webhook.MaxCompactBytes-7) + `"}`},
		{name: "white space beyond the compact limit", body: `{"a":"x",` + strings.Repeat(" ", webhook.MaxCompactBytes) + `"b":1}`},
		{name: "empty", body: ""},
		{name: "white space only", body: " \t\r\n"},
		{name: "not an object", body: `[{"a":1}]`},
		{name: "trailing comma", body: `{"a":1,}`},
		{name: "missing colon", body: `{"a" 1}`},
		{name: "missing value", body: `{"a":}`},
		{name: "leading zero", body: `{"a":01}`},
		{name: "bare minus", body: `{"a":-}`},
		{name: "dot without digits", body: `{"a":1.}`},
		{name: "exponent without digits", body: `{"a":1e+}`},
		{name: "misspelt literal", body: `{"a":nul}`},
		{name: "literal with a tail", body: `{"a":truex}`},
		{name: "bad escape", body: `{"a":"\x"}`},
		{name: "short unicode escape", body: `{"a":"\u12"}`},
		{name: "control character", body: "{\"a\":\"\t\"}"},
		{name: "invalid UTF-8 in a string", body: "{\"a\":\"\xff\"}"},
		{name: "UTF-8 encoded surrogate", body: "{\"a\":\"\xed\xa0\x80\"}"},
		{name: "truncated UTF-8", body: "{\"a\":\"\xe6\x97\"}"},
		{name: "invalid UTF-8 outside strings", body: "{\"a\":1\xff}"},
		{name: "unterminated string", body: `{"a":"x`},
		{name: "unterminated object", body: `{"a":{"b":1}`},
		{name: "mismatched brackets", body: `{"a":[1}}`},
		{name: "trailing data", body: `{"a":1} {}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkFields(t, []byte(tt.body))
		})
	}
}

// TestFieldsLongStrings puts each kind of special byte at every offset of a long string, where
// Fields reads eight plain bytes at a time.
func TestFieldsLongStrings(t *testing.T) {
	for _, special := range []string{`\n`, `\u00e9`, `"`, "\x01", "\x1f", "\x7f", "é", "\xff", "\xe6\x97", "\xed\xa0\x80", `\`} {
		for at := range 20 {
			value := strings.Repeat("a", at) + special + strings.Repeat("b", 19-at)
			t.Run(fmt.Sprintf("%q at %d", special, at), func(t *testing.T) {
				checkFields(t, []byte(`{"k":"`+value+`","z":1}`))
				checkFields(t, []byte(`{"k":"`+value))
			})
		}
	}
}

// TestFieldsErrorsKeepTheirReasons checks that each refusal names the first rule broken, in
// the order json validity, UTF-8, object.
func TestFieldsErrorsKeepTheirReasons(t *testing.T) {
	tests := []struct{ body, why string }{
		{body: "[\"\xff\"", why: "not valid JSON"},
		{body: "[\"\xff\"]", why: "not valid UTF-8"},
		{body: `[1]`, why: "not a JSON object"},
		{body: `{"a":1,"a":2}`, why: `duplicate key at /a`},
	}
	for _, tt := range tests {
		t.Run(tt.why, func(t *testing.T) {
			_, err := webhook.Fields([]byte(tt.body))
			require.Error(t, err)
			assert.True(t, errors.Is(err, webhook.ErrMalformed))
			assert.Contains(t, err.Error(), tt.why)
		})
	}
}

// FuzzFields checks webhook.Fields, which reads a body in one pass, against encoding/json and
// unicode/utf8 on arbitrary bodies.
func FuzzFields(f *testing.F) {
	for _, seed := range []string{docsPayload, `{}`, `{"a":{"b":[1,"x",null,true,false]},"signature":"AA=="}`,
		`{"a":1,"a":2}`, `[]`, `{"s":"\u00e9\\\"\/"}`, `{"a":1}x`, "{\"a\":\"\xff\"}", `{"a":-0.0e-0}`,
		`{"a":01}`, `{"a":"\uZZZZ"}`, "{\"é\":\"\xed\xa0\x80\"}", `{"a" : [ { } , [ ] ] }`,
		`{"signature":"` + strings.Repeat("AbC+/9", 57) + `==","k":"\u00e9 é \\ x"}`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		checkFields(t, body)
	})
}
