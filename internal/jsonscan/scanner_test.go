package jsonscan_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/internal/jsonref"
	"github.com/lakipay/checkout-go/internal/jsonscan"
)

// corpus is JSON text at every corner of the grammar, valid and not.
var corpus = []string{
	`{"a":1,"b":[true,false,null],"c":{"d":"é"}}`, `[]`, `{}`, `-0.5e+10`, `0`, `"x"`, `null`, `true`, `false`,
	`01`, `1.`, `.5`, `-`, `1e`, `1e+`, `-01`, `1E5`, `0.0e-0`, `{"a":1,}`, `[1,]`, `[,1]`, `{"a" 1}`, `{"a":}`, `{,}`,
	`"\u00e9"`, `"a\"b"`, "\"\x01\"", "\"\xff\"", `{"a":1}{}`, `{"a":1} `, ` [ 1 , 2 ] `, "\t\n\r 1 \t", `tru`, `nul`, `nulll`,
	`{"a":1,"a":2}`, `{"a":1}}`, `{1:2}`, `[`, `{"a":[{"b":[]}]}`, `"\ud83d\ude00"`, `"\ud83d"`, `"\ude00"`, `"\ud83d\u0041"`,
	`"\u00"`, `"\x"`, `"\`, `"abc`, `{"a":"b"`, "\"\xed\xa0\x80\"", "\"\xf0\x9f\x98\x80\"", "\"\xf0\x9f\x98\"", `"\/\b\f\n\r\t"`,
	"\xef\xbb\xbf{}", ``, ` `, `{"a":1 "b":2}`, `[1 2]`, `{"\u0061":1,"a":2}`, `{"a":{"b":1,"b":2}}`, `[{"x":1},{"x":1}]`,
	`"` + strings.Repeat("a", 40) + `\n` + strings.Repeat("é", 20) + `"`, `{"k":"v"}garbage`, `[1e999]`, `-`, `--1`, `+1`,
}

func TestValidAgreesWithEncodingJSON(t *testing.T) {
	for _, doc := range corpus {
		t.Run(doc, func(t *testing.T) {
			err := jsonscan.Valid([]byte(doc), jsonscan.Options{})
			assert.Equal(t, json.Valid([]byte(doc)), err == nil, "error: %v", err)
			if err != nil {
				var e *jsonscan.Error
				require.ErrorAs(t, err, &e)
				assert.Equal(t, jsonscan.Syntax, e.Problem)
				assert.LessOrEqual(t, e.Offset, len(doc))
			}
		})
	}
}

// TestWhiteSpaceRuns reads runs of white space of every length up to a few words around every
// token: long runs of spaces are skipped eight at a time.
func TestWhiteSpaceRuns(t *testing.T) {
	for n := range 26 {
		for _, space := range []string{" ", "\t", " \n", "\r  "} {
			ws := strings.Repeat(space, n)
			doc := ws + `{` + ws + `"a"` + ws + `:` + ws + `[` + ws + `1` + ws + `,` + ws + `"x y"` + ws + `]` + ws + `,` + ws + `"b":true` + ws + `}` + ws
			members, err := jsonscan.AppendMembers(nil, []byte(doc), jsonscan.Options{Strict: true})
			require.NoError(t, err, "%q", doc)
			require.Len(t, members, 2)
			assert.Equal(t, `[`+ws+`1`+ws+`,`+ws+`"x y"`+ws+`]`, string(members[0].Value))
			assert.Equal(t, n > 0, members[0].Spaced, "%q", doc)
			assert.Equal(t, "true", string(members[1].Value))
			assert.Error(t, jsonscan.Valid([]byte(doc+"x"), jsonscan.Options{}))
		}
	}
}

func TestDepthLimitIsEncodingJSONs(t *testing.T) {
	for _, depth := range []int{jsonscan.DefaultMaxDepth, jsonscan.DefaultMaxDepth + 1} {
		for _, open := range []string{"[", `{"a":`} {
			closer := "]"
			if open != "[" {
				closer = "}"
			}
			doc := []byte(strings.Repeat(open, depth) + "1" + strings.Repeat(closer, depth))
			err := jsonscan.Valid(doc, jsonscan.Options{})
			assert.Equal(t, json.Valid(doc), err == nil, "depth %d of %s: %v", depth, open, err)
		}
	}
	t.Run("a lower limit is a limit refusal naming it", func(t *testing.T) {
		err := jsonscan.Valid([]byte(`{"a":[[1]]}`), jsonscan.Options{MaxDepth: 2})
		var e *jsonscan.Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, jsonscan.Limit, e.Problem)
		assert.Equal(t, "/a/0", e.Pointer)
		assert.Contains(t, e.Detail, "deeper than 2")
		assert.NoError(t, jsonscan.Valid([]byte(`{"a":[1]}`), jsonscan.Options{MaxDepth: 2}))
	})
}

// limited are the small limits the limit tests read with, so that short documents reach them.
var limited = jsonscan.Options{MaxDepth: 3, MaxValues: 8, MaxMembers: 3, MaxNumberLength: 4, MaxCompactLength: 24}

// checkLimits holds a scanner with limited options to jsonref.Measure on doc: a well-formed
// document within every limit passes, one beyond any is refused as a Limit (never as a
// syntax error), and a malformed one is refused.
func checkLimits(t *testing.T, doc []byte) {
	t.Helper()
	for _, strict := range []bool{false, true} {
		opts := limited
		opts.Strict = strict
		err := jsonscan.Valid(doc, opts)
		size, valid := jsonref.Measure(doc)
		if !valid {
			require.Error(t, err, "json.Valid refuses %q", doc)
			continue
		}
		within := size.Depth <= opts.MaxDepth && size.Values <= opts.MaxValues && size.Members <= opts.MaxMembers &&
			size.NumberLength <= opts.MaxNumberLength && size.CompactLength <= opts.MaxCompactLength
		if within {
			if err != nil {
				var e *jsonscan.Error
				require.ErrorAs(t, err, &e)
				require.True(t, strict, "%q is within %+v: %v", doc, size, err)
				require.NotEqual(t, jsonscan.Limit, e.Problem, "%q is within %+v: %v", doc, size, err)
			}
			continue
		}
		var e *jsonscan.Error
		require.ErrorAs(t, err, &e, "%q is beyond the limits: %+v", doc, size)
		require.Equal(t, jsonscan.Limit, e.Problem, "%q: %v", doc, err)
		checkOneBoundedLine(t, err.Error())
	}
}

// checkCompact holds AppendCompact to json.Compact on what a strict scanner accepts; on
// anything else it must not panic.
func checkCompact(t *testing.T, doc []byte) {
	t.Helper()
	trimmed := bytes.TrimSpace(doc)
	compact := jsonscan.AppendCompact([]byte("x"), trimmed)
	if jsonscan.Valid(doc, jsonscan.Options{Strict: true}) != nil {
		return
	}
	var want bytes.Buffer
	require.NoError(t, json.Compact(&want, trimmed))
	require.Equal(t, "x"+want.String(), string(compact))
}

func TestCompact(t *testing.T) {
	for _, doc := range append(corpus, ` { "a" : [ 1 , "x \" y" , { } ] , "b\\" : "\\\"" } `, `"\\"`,
		`"é\u00e9\ud83d\ude00\n"`, "[\"\\t\" ,\t\"\\\\\\\\\" ,\n\"a\\\\\\\"b\"]") {
		checkCompact(t, []byte(doc))
	}
}

func TestLimits(t *testing.T) {
	for doc, detail := range map[string]string{
		`[[[1]]]`:                           "",
		`[[[[1]]]]`:                         "nested deeper than 3 levels",
		`{"a":{"b":{"c":1}}}`:               "",
		`{"a":{"b":{"c":{}}}}`:              "nested deeper than 3 levels",
		`[1,2,3,4,5,6,7]`:                   "",
		`[1,2,3,4,5,6,7,8]`:                 "more than 8 values in the document",
		`[[1,2],[3,4],5]`:                   "",
		`[[1,2],[3,4],[5]]`:                 "more than 8 values in the document",
		`{"a":1,"b":2,"c":3}`:               "",
		`{"a":1,"b":2,"c":3,"d":4}`:         "more than 3 members in an object",
		`[1234,-123,1e99,1.25]`:             "",
		`[12345]`:                           "a number longer than 4 characters",
		`[-1234]`:                           "a number longer than 4 characters",
		`[1.234]`:                           "a number longer than 4 characters",
		`[1e-10]`:                           "a number longer than 4 characters",
		`[1234 ]`:                           "",
		`12345`:                             "a number longer than 4 characters",
		`1234`:                              "",
		`[1.]`:                              "expected a digit after the decimal point",
		`[123.]`:                            "expected a digit after the decimal point",
		`[1234.]`:                           "a number longer than 4 characters",
		`[1234e]`:                           "a number longer than 4 characters",
		`[1e+]`:                             "expected a digit in the exponent",
		`"` + strings.Repeat("x", 22) + `"`: "",
		`"` + strings.Repeat("x", 23) + `"`: "more than 24 bytes besides white space",
		` [ "` + strings.Repeat("x", 20) + `" ] `:              "",
		`["` + strings.Repeat("x", 20) + `",1]`:                "more than 24 bytes besides white space",
		"\n{ \"k\" :\t\"" + strings.Repeat("x", 16) + "\" }\n": "",
	} {
		t.Run(doc, func(t *testing.T) {
			checkLimits(t, []byte(doc))
			err := jsonscan.Valid([]byte(doc), limited)
			if detail == "" {
				assert.NoError(t, err)
				return
			}
			var e *jsonscan.Error
			require.ErrorAs(t, err, &e)
			assert.Contains(t, e.Detail, detail)
		})
	}
	t.Run("a limit stops reading where it is reached", func(t *testing.T) {
		long := []byte(`[` + strings.Repeat("1", 50000) + `]`)
		err := jsonscan.Valid(long, jsonscan.Options{MaxNumberLength: 64})
		var e *jsonscan.Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, jsonscan.Limit, e.Problem)
		assert.Equal(t, 1, e.Offset, "at the start of the number")
		assert.Equal(t, "/0", e.Pointer)
		err = jsonscan.Valid([]byte(`["`+strings.Repeat(`\n`, 50000)+`"]`), jsonscan.Options{MaxCompactLength: 64})
		require.ErrorAs(t, err, &e)
		assert.Equal(t, jsonscan.Limit, e.Problem)
		assert.Contains(t, []int{65, 66}, e.Offset, "the first piece of the string past the limit")
		err = jsonscan.Valid([]byte(`{"a":1,"b":2,"c":3,"d":4,"a":{`), limited)
		require.ErrorAs(t, err, &e)
		assert.Equal(t, jsonscan.Limit, e.Problem, "nothing after the limit is judged")
	})
}

func TestStructuredReadingAgreesWithEncodingJSON(t *testing.T) {
	for _, doc := range corpus {
		t.Run(doc, func(t *testing.T) {
			want, wantErr := decodeReference([]byte(doc))
			got, err := decodeWithScanner([]byte(doc), jsonscan.Options{})
			if wantErr != nil {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, want, got)
		})
	}
}

func TestStrictRefusals(t *testing.T) {
	tests := []struct {
		name, doc string
		problem   jsonscan.Problem
		pointer   string
		key       string
		offset    int
	}{
		{name: "duplicate key", doc: `{"a":1,"a":2}`, problem: jsonscan.DuplicateKey, pointer: "/a", key: "a", offset: 7},
		{name: "duplicate after escapes", doc: `{"a":1,"\u0061":2}`, problem: jsonscan.DuplicateKey, pointer: "/a", key: "a", offset: 7},
		{name: "nested duplicate", doc: `{"r":{"s":"x","t":[{"u":1,"u":2}]}}`, problem: jsonscan.DuplicateKey, pointer: "/r/t/0/u", key: "u", offset: 26},
		{name: "duplicate with slash", doc: `{"a/b~":1,"a/b~":2}`, problem: jsonscan.DuplicateKey, pointer: "/a~1b~0", key: "a/b~"},
		{name: "duplicate in a big object", doc: bigObject(40, "k17"), problem: jsonscan.DuplicateKey, pointer: "/k17", key: "k17"},
		{name: "invalid UTF-8 in a value", doc: "{\"ref\":\"U1-\xff-N\"}", problem: jsonscan.InvalidUTF8, pointer: "/ref", offset: 11},
		{name: "invalid UTF-8 in a key", doc: "{\"a\":{\"\xfe\":1}}", problem: jsonscan.InvalidUTF8, pointer: "/a", offset: 7},
		{name: "UTF-8 of a surrogate", doc: "[\"\xed\xa0\x80\"]", problem: jsonscan.InvalidUTF8, pointer: "/0", offset: 2},
		{name: "lone high surrogate", doc: `{"s":"\ud83d"}`, problem: jsonscan.InvalidUTF8, pointer: "/s", offset: 6},
		{name: "lone low surrogate", doc: `["x","\ude00"]`, problem: jsonscan.InvalidUTF8, pointer: "/1", offset: 6},
		{name: "high surrogate then a letter", doc: `"\ud83d\u0041"`, problem: jsonscan.InvalidUTF8, pointer: ""},
		{name: "the first problem wins", doc: "{\"a\":\"\xff\",\"a\":1}", problem: jsonscan.InvalidUTF8, pointer: "/a", offset: 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.True(t, json.Valid([]byte(tt.doc)), "encoding/json accepts it")
			require.NoError(t, jsonscan.Valid([]byte(tt.doc), jsonscan.Options{}), "only strict mode refuses it")
			err := jsonscan.Valid([]byte(tt.doc), jsonscan.Options{Strict: true})
			var e *jsonscan.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tt.problem, e.Problem)
			assert.Equal(t, tt.pointer, e.Pointer)
			assert.Equal(t, tt.key, e.Key)
			if tt.offset != 0 {
				assert.Equal(t, tt.offset, e.Offset)
			}
			problem, pointer, key := strictProblem([]byte(tt.doc))
			assert.Equal(t, tt.problem, problem, "the reference agrees")
			assert.Equal(t, tt.pointer, pointer, "the reference agrees")
			assert.Equal(t, tt.key, key, "the reference agrees")
		})
	}
	t.Run("valid surrogate pairs and text pass", func(t *testing.T) {
		for _, doc := range []string{`"\ud83d\ude00"`, "\"\xf0\x9f\x98\x80\"", `{"a":{"a":{"a":1}},"b":[{"a":1},{"a":2}]}`, `{"a":1,"A":2}`} {
			assert.NoError(t, jsonscan.Valid([]byte(doc), jsonscan.Options{Strict: true}), doc)
		}
	})
	t.Run("a syntax error wins over an earlier duplicate", func(t *testing.T) {
		err := jsonscan.Valid([]byte(`{"a":1,"a":2,}`), jsonscan.Options{Strict: true})
		var e *jsonscan.Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, jsonscan.Syntax, e.Problem)
	})
}

func bigObject(n int, dup string) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		b.WriteString(`"k` + strconv.Itoa(i) + `":` + strconv.Itoa(i) + `,`)
	}
	b.WriteString(`"` + dup + `":0}`)
	return b.String()
}

func TestSyntaxErrorsSayWhere(t *testing.T) {
	tests := []struct {
		doc, pointer, detail string
		offset               int
	}{
		{`{"amount":10.}`, "/amount", "after the decimal point", 13},
		{`{"a":1,}`, "", "field name", 7},
		{`{"a" 1}`, "/a", "':'", 5},
		{`{"r":{"s":[1,2,]}}`, "/r/s/2", "a value", 15},
		{`{"a":1 "b":2}`, "", "',' or '}'", 7},
		{"{\"d\":\"a\tb\"}", "/d", "control character", 7},
		{`{"d":"\x"}`, "/d", `invalid escape 'x'`, 6},
		{`{"a":1}x`, "", "data after the JSON value", 7},
		{`{"a":tru}`, "/a", "expected true", 8},
		{`{"a":[1`, "/a", "end of input", 7},
		{``, "", "expected a value", 0},
	}
	for _, tt := range tests {
		t.Run(tt.doc, func(t *testing.T) {
			err := jsonscan.Valid([]byte(tt.doc), jsonscan.Options{Strict: true})
			var e *jsonscan.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, jsonscan.Syntax, e.Problem)
			assert.Equal(t, tt.pointer, e.Pointer)
			assert.Contains(t, e.Detail, tt.detail)
			assert.Equal(t, tt.offset, e.Offset)
			assert.Contains(t, err.Error(), "not valid JSON")
		})
	}
}

// TestErrorsAreOneBoundedLine: a refusal renders on one line of printable text, however the
// document's keys are spelled (a newline, a terminal escape, U+2028, invalid UTF-8) and however
// deep it nests: webhook bodies come from anyone, and their errors end up in merchants' logs.
func TestErrorsAreOneBoundedLine(t *testing.T) {
	docs := []string{
		`{"a":{"x\nlevel=ERROR msg=forged\u2028\u001b[31m":}}`,
		`{"a\nb":1,"a\nb":2}`,
		"{\"a\":{\"\xff\\n\":1,\"\xff\\n\":2}}",
		`{"a":` + strings.Repeat(`[`, 20000) + strings.Repeat(`]`, 20000) + `x}`,
		`{"a":` + strings.Repeat(`{"\u0085b":`, 5000) + `1`,
		`{"` + strings.Repeat("k", 5000) + `":tru}`,
		`{"` + strings.Repeat("k\\u2028", 5000) + `":1,"` + strings.Repeat("k\\u2028", 5000) + `":2}`,
	}
	for _, doc := range docs {
		err := jsonscan.Valid([]byte(doc), jsonscan.Options{Strict: true})
		require.Error(t, err)
		checkOneBoundedLine(t, err.Error())
	}
}

// checkOneBoundedLine fails unless msg is printable text (no line break or other control
// character, valid UTF-8) of at most maxErrorText bytes.
func checkOneBoundedLine(t *testing.T, msg string) {
	t.Helper()
	const maxErrorText = 1024
	assert.LessOrEqual(t, len(msg), maxErrorText, "%.120q...", msg)
	assert.True(t, utf8.ValidString(msg), "%.200q", msg)
	for _, r := range msg {
		if !strconv.IsPrint(r) {
			assert.Failf(t, "unprintable character in an error", "%U in %.200q", r, msg)
			return
		}
	}
}

func TestUnquoteAgreesWithEncodingJSON(t *testing.T) {
	for _, literal := range []string{
		`""`, `"plain"`, `"\u00e9"`, `"a\"b\\c\/d\b\f\n\r\t"`, `"https://e.com/cb?a=1\u0026b=2"`, `"é\u00e9"`, `"\u2028"`,
		`"\ud83d\ude00"`, `"\ud83d"`, `"\ude00x"`, `"\ud83d\u0041"`, `"\ud83d\ud83d\ude00"`, "\"\xff\xfe\"", "\"a\xed\xa0\x80b\"",
		"\"\xf0\x9f\x98\"",
	} {
		t.Run(literal, func(t *testing.T) {
			var want string
			require.NoError(t, json.Unmarshal([]byte(literal), &want))
			got, ok := jsonscan.Unquote([]byte(literal))
			require.True(t, ok)
			assert.Equal(t, want, got)
			appended, ok := jsonscan.AppendUnquote([]byte("x"), []byte(literal))
			require.True(t, ok)
			assert.Equal(t, "x"+want, string(appended))
		})
	}
	for _, bad := range []string{``, `"`, `x`, `"a"b`, `"\u00"`, "\"\x01\"", `"a" `, `1`} {
		_, ok := jsonscan.Unquote([]byte(bad))
		assert.False(t, ok, bad)
	}
}

func TestReadStringFlags(t *testing.T) {
	tests := []struct {
		doc, value     string
		escaped, ascii bool
	}{
		{`"abc"`, "abc", false, true},
		{`"a\nb"`, "a\nb", true, true},
		{`"é"`, "é", false, false},
		{`"\u00e9"`, "é", true, false},
		{`"` + strings.Repeat("x", 37) + `"`, strings.Repeat("x", 37), false, true},
	}
	for _, tt := range tests {
		s := jsonscan.Acquire([]byte(tt.doc), jsonscan.Options{Strict: true})
		str, ok := s.ReadString()
		require.True(t, ok)
		assert.Equal(t, tt.value, string(str.Value))
		assert.Equal(t, tt.escaped, str.Escaped, tt.doc)
		assert.Equal(t, tt.ascii, str.ASCII, tt.doc)
		require.NoError(t, s.Finish())
		s.Release()
	}
}

func TestAppendMembers(t *testing.T) {
	doc := []byte(` { "b" : 1 , "\u0061" : {"x":[1, 2]}, "c":"é" } `)
	members, err := jsonscan.AppendMembers(nil, doc, jsonscan.Options{Strict: true})
	require.NoError(t, err)
	require.Len(t, members, 3)
	assert.Equal(t, "b", string(members[0].Key))
	assert.Equal(t, "1", string(members[0].Value))
	assert.Equal(t, "a", string(members[1].Key))
	assert.Equal(t, `{"x":[1, 2]}`, string(members[1].Value))
	assert.Equal(t, `"é"`, string(members[2].Value))
	for _, m := range members {
		assert.Equal(t, string(m.Value), string(doc[m.Offset:m.Offset+len(m.Value)]))
	}

	_, err = jsonscan.AppendMembers(nil, []byte(`[1]`), jsonscan.Options{})
	var e *jsonscan.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, jsonscan.NotObject, e.Problem)
	_, err = jsonscan.AppendMembers(nil, []byte(`[1`), jsonscan.Options{})
	require.ErrorAs(t, err, &e)
	assert.Equal(t, jsonscan.Syntax, e.Problem, "invalid JSON is reported as such, not as a non-object")
	_, err = jsonscan.AppendMembers(nil, []byte(`{"a":1,"a":2}`), jsonscan.Options{Strict: true})
	require.ErrorAs(t, err, &e)
	assert.Equal(t, jsonscan.DuplicateKey, e.Problem)
}

func TestKeysSurviveTheScanner(t *testing.T) {
	// A decoded key lives in the scanner's arena: AppendMembers must copy it before the
	// scanner goes back to the pool and scans another document.
	members, err := jsonscan.AppendMembers(nil, []byte(`{"\u006bey":1}`), jsonscan.Options{})
	require.NoError(t, err)
	for range 10 {
		_, err := jsonscan.AppendMembers(nil, []byte(`{"\u0078\u0078\u0078":1}`), jsonscan.Options{})
		require.NoError(t, err)
	}
	assert.Equal(t, "key", string(members[0].Key))
}

func TestSeekRereadsAValue(t *testing.T) {
	s := jsonscan.Acquire([]byte(`{"a":"x\u0041","b":2}`), jsonscan.Options{Strict: true})
	defer s.Release()
	require.True(t, s.EnterObject())
	_, ok := s.NextKey()
	require.True(t, ok)
	s.Peek()
	at := s.Offset()
	for range 3 {
		s.Seek(at)
		str, ok := s.ReadString()
		require.True(t, ok)
		assert.Equal(t, "xA", string(str.Value))
		assert.Equal(t, "/a", s.Pointer())
	}
	key, ok := s.NextKey()
	require.True(t, ok)
	assert.Equal(t, "b", string(key))
	_, ok = s.Skip()
	require.True(t, ok)
	_, ok = s.NextKey()
	assert.False(t, ok)
	assert.NoError(t, s.Finish(), "no duplicate reported for a value read twice")
}

// FuzzScanner holds the scanner to encoding/json on any input: non-strict, it accepts exactly
// what json.Valid accepts, reads the same values json.Decoder does and splits objects as
// json.Decoder does; strict, it refuses in addition exactly the documents with invalid UTF-8,
// a lone surrogate escape or a repeated key, and says where.
func FuzzScanner(f *testing.F) {
	for _, doc := range corpus {
		f.Add(doc)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		data := []byte(doc)
		valid := json.Valid(data)
		err := jsonscan.Valid(data, jsonscan.Options{})
		require.Equal(t, valid, err == nil, "json.Valid says %v; the scanner: %v", valid, err)
		if err != nil {
			checkOneBoundedLine(t, err.Error())
		}
		if err := jsonscan.Valid(data, jsonscan.Options{Strict: true}); err != nil {
			checkOneBoundedLine(t, err.Error())
		}

		want, wantErr := decodeReference(data)
		got, gotErr := decodeWithScanner(data, jsonscan.Options{})
		require.Equal(t, wantErr == nil, gotErr == nil)
		if wantErr == nil {
			require.Equal(t, want, got)
		}

		if s, ok := want.(string); ok {
			unquoted, ok := jsonscan.Unquote([]byte(strings.TrimSpace(doc)))
			require.True(t, ok)
			require.Equal(t, s, unquoted)
		}

		keys, values, isObject := referenceMembers(data)
		members, err := jsonscan.AppendMembers(nil, data, jsonscan.Options{})
		require.Equal(t, isObject, err == nil, "%v", err)
		if isObject {
			require.Len(t, members, len(keys))
			for i, m := range members {
				require.Equal(t, keys[i], string(m.Key))
				require.Equal(t, values[i], string(m.Value))
				require.Equal(t, values[i], doc[m.Offset:m.Offset+len(m.Value)])
				if text, ok := jsonscan.Unquote(m.Value); ok {
					require.Equal(t, text, string(m.Text), "the decoded value of %s", m.Value)
				} else {
					require.Nil(t, m.Text)
				}
			}
		}

		checkLimits(t, data)
		checkCompact(t, data)

		strictErr := jsonscan.Valid(data, jsonscan.Options{Strict: true})
		if !valid {
			var e *jsonscan.Error
			require.True(t, errors.As(strictErr, &e))
			require.Equal(t, jsonscan.Syntax, e.Problem, "a syntax error wins")
			return
		}
		problem, pointer, key := strictProblem(data)
		if problem == 0 {
			require.NoError(t, strictErr)
			require.True(t, utf8.Valid(data))
			return
		}
		var e *jsonscan.Error
		require.True(t, errors.As(strictErr, &e), "strict mode must refuse: %v at %s", problem, pointer)
		require.Equal(t, problem, e.Problem)
		require.Equal(t, pointer, e.Pointer)
		require.Equal(t, key, e.Key)
	})
}

func TestUncheckedKeysLeaveDuplicatesToTheCaller(t *testing.T) {
	// A caller that knows some keys (by a bit each) checks their repeats itself and hands the
	// others to CheckKey; the first repeat in document order is the one reported.
	known := map[string]uint{"a": 1, "b": 2}
	scan := func(doc string) error {
		s := jsonscan.Acquire([]byte(doc), jsonscan.Options{Strict: true})
		defer s.Release()
		require.True(t, s.EnterObject())
		var seen uint
		for {
			key, ok := s.NextKeyUnchecked()
			if !ok {
				break
			}
			if bit, ok := known[string(key)]; ok {
				if seen&bit != 0 {
					s.RepeatedKey()
				}
				seen |= bit
			} else {
				s.CheckKey()
			}
			s.Skip()
		}
		return s.Finish()
	}
	for doc, want := range map[string]string{
		`{"a":1,"x":2,"b":3}`:         "",
		`{"a":1,"x":2,"\u0061":3}`:    "/a",
		`{"x":1,"y":2,"x":3,"a":1}`:   "/x",
		`{"a":1,"x":{"a":1,"a":2}}`:   "/x/a",
		`{"x":1,"a":1,"a":2,"x":2}`:   "/a",
		`{"a":1,"y":1,"b":2,"y":1,"}`: "syntax",
	} {
		err := scan(doc)
		var e *jsonscan.Error
		switch want {
		case "":
			assert.NoError(t, err, doc)
		case "syntax":
			require.ErrorAs(t, err, &e, doc)
			assert.Equal(t, jsonscan.Syntax, e.Problem, doc)
		default:
			require.ErrorAs(t, err, &e, doc)
			assert.Equal(t, jsonscan.DuplicateKey, e.Problem, doc)
			assert.Equal(t, want, e.Pointer, doc)
		}
	}
}

func TestScannerAccessors(t *testing.T) {
	s := jsonscan.Acquire([]byte(` [1, {"k": [true]}] `), jsonscan.Options{})
	defer s.Release()
	assert.Equal(t, jsonscan.Array, s.Peek())
	require.True(t, s.EnterArray())
	require.True(t, s.NextItem())
	n, ok := s.ReadNumber()
	require.True(t, ok)
	assert.Equal(t, "1", string(n))
	require.True(t, s.NextItem())
	require.True(t, s.EnterObject())
	_, ok = s.NextKey()
	require.True(t, ok)
	require.True(t, s.EnterArray())
	require.True(t, s.NextItem())
	assert.Equal(t, "/1/k/0", s.Pointer())
	assert.Equal(t, jsonscan.True, s.Peek())
	raw, ok := s.Skip()
	require.True(t, ok)
	assert.Equal(t, "true", string(raw))
	assert.False(t, s.NextItem())
	_, ok = s.NextKey()
	assert.False(t, ok)
	assert.False(t, s.NextItem())
	assert.NoError(t, s.Err())
	assert.NoError(t, s.Finish())
	_, ok = s.ReadString()
	assert.False(t, ok, "nothing is left to read")
	assert.Error(t, s.Err())

	for k, name := range map[jsonscan.Kind]string{jsonscan.None: "none", jsonscan.Null: "null", jsonscan.Object: "object", jsonscan.String: "string"} {
		assert.Equal(t, name, k.String())
	}
	for p, name := range map[jsonscan.Problem]string{jsonscan.Syntax: "not valid JSON", jsonscan.InvalidUTF8: "not valid UTF-8",
		jsonscan.DuplicateKey: "duplicate key", jsonscan.NotObject: "not a JSON object"} {
		assert.Equal(t, name, p.String())
	}
	err := jsonscan.Valid([]byte(`{"a":1,"a":2}`), jsonscan.Options{Strict: true})
	assert.Equal(t, `duplicate key at /a (byte 7): the key "a" appears more than once in an object`, err.Error())
	err = jsonscan.Valid([]byte(`[1,,]`), jsonscan.Options{})
	assert.Equal(t, `not valid JSON at /1 (byte 3): expected a value, found ','`, err.Error())
	err = jsonscan.Valid([]byte("\x01"), jsonscan.Options{})
	assert.Equal(t, `not valid JSON at the top level (byte 0): expected a value, found byte 0x1`, err.Error())
}
