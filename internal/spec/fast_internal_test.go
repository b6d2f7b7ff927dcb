package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/internal/money"
)

// reference decodes as encoding/json does, numbers as json.Number.
func reference(body []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errTrailing
	}
	return v, nil
}

var errTrailing = errors.New("data after the JSON value")

// scans reports whether the scanner reads body as exactly one JSON value of any kind.
func scans(body string) bool {
	var anything *node
	return anything.document(body)
}

func TestScannerAgreesWithEncodingJSON(t *testing.T) {
	for _, body := range []string{
		`{"a":1,"b":[true,false,null],"c":{"d":"é"}}`, `[]`, `{}`, `-0.5e+10`, `0`, `"x"`, `null`,
		`01`, `1.`, `.5`, `-`, `1e`, `{"a":1,}`, `[1,]`, `{"a" 1}`, `"\u00e9"`, `"a\"b"`, "\"\x01\"",
		"\"\xff\"", `{"a":1}{}`, `{"a":1} `, ` [ 1 , 2 ] `, `tru`, `nul`, `{"a":1,"a":2}`, `{"a":1}}`,
		`{1:2}`, `[`, `{"a":[{"b":[]}]}`, strings.Repeat("[", maxDepth+2) + strings.Repeat("]", maxDepth+2),
	} {
		t.Run(body, func(t *testing.T) {
			_, err := reference([]byte(body))
			if scans(body) {
				assert.NoError(t, err, "the scanner accepted what encoding/json refuses")
			}
		})
	}
	// What the scanner must read itself, or the fast path would prove nothing.
	for _, body := range []string{`{"a":1,"b":[true,false,null],"c":{"d":"é"}}`, ` [ 1 , 2 ] `, `-0.5e+10`, `{"a":1,"a":2}`} {
		assert.True(t, scans(body), body)
	}
}

// strValue returns the value str reads from a JSON string literal.
func strValue(literal string) (string, bool) {
	sc := scanner{b: literal}
	s, ascii, ok := sc.str()
	if ok && (sc.i != len(literal) || ascii != isASCII(s)) {
		return "", false
	}
	return s, ok
}

func TestStrDecodesLikeEncodingJSON(t *testing.T) {
	for _, literal := range []string{
		`"\u00e9"`, `"a\"b\\c\/d\b\f\n\r\t"`, `"https://e.com/cb?a=1\u0026b=2"`, `"é\u00e9"`, `"\u2028"`,
	} {
		t.Run(literal, func(t *testing.T) {
			var want string
			require.NoError(t, json.Unmarshal([]byte(literal), &want))
			got, ok := strValue(literal)
			require.True(t, ok)
			assert.Equal(t, want, got)
		})
	}
	for _, literal := range []string{`"\ud83d\ude00"`, `"\ud83d"`, `"\u00"`, `"\x"`, `"\`, "\"\xff\"", "\"\t\""} {
		_, ok := strValue(literal)
		assert.False(t, ok, literal)
	}
}

func FuzzScanner(f *testing.F) {
	for _, s := range []string{`{"a":[1,2.5e3,"x",null,true]}`, `"\ud83d"`, `[-0]`, "\"\xed\xa0\x80\"", `"a\u0026\n\""`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		if got, ok := strValue(body); ok {
			var want string
			require.NoError(t, json.Unmarshal([]byte(body), &want))
			require.Equal(t, want, got)
		}
		if !scans(body) {
			return
		}
		_, err := reference([]byte(body))
		require.NoError(t, err)
	})
}

// matcherPatterns are the patterns and formats of openapi.yaml and some that exercise the DFA's
// corners (unanchored, ^ and $ inside, case folding, alternation, an empty match).
var matcherPatterns = []string{
	`^[A-Z]{3}$`, `^[1-9][0-9]{6,14}$`, `^[hH][tT][tT][pP][sS]?://[^\s/?#][^\s]*$`, `^[A-Za-z0-9+/]+={0,2}$`,
	openapi3.FormatOfStringDate, openapi3.FormatOfStringDateTime,
	`ab`, `a*a$`, `^$`, `(?i)k`, `^[sS]$`, `^ab|cd$`, `x?`, `^(a|b)*abb$`, `\.`, `(?i)straße`, `[^a-z]`,
}

func TestMatcherAgreesWithRegexp(t *testing.T) {
	inputs := []string{"", "ETB", "etb", "EUR1", "251911111111", "0251911111111", "https://example.com/x",
		"HTTPS://E", "http:///x", "https://a b", "AB+/cd==", "AB===", "2024-01-15", "2024-01-15T10:30:00Z",
		"2024-01-15T10:30:00.123+03:00", "2024-13-01T00:00:00Z", "aab", "a", "k", "K", "\u212a", "s", "S", "ſ",
		"abcd", "xcd", "ab\n", "x", "abababb", ".", "STRASSE", "straße", "é", "aé"}
	for _, pattern := range matcherPatterns {
		m, err := compileMatcher(pattern)
		require.NoError(t, err, pattern)
		re := regexp.MustCompile(pattern)
		for _, in := range inputs {
			assert.Equal(t, re.MatchString(in), m.match(in), "%s on %q", pattern, in)
		}
	}
	t.Run("the spec's patterns run as DFAs", func(t *testing.T) {
		for _, pattern := range matcherPatterns[:6] {
			m, err := compileMatcher(pattern)
			require.NoError(t, err)
			assert.NotNil(t, m.next, pattern)
		}
	})
	t.Run("word boundaries are left to the regexp", func(t *testing.T) {
		m, err := compileMatcher(`\bfoo`)
		require.NoError(t, err)
		assert.Nil(t, m.next)
		assert.True(t, m.match("a foo"))
		assert.False(t, m.match("afoo"))
	})
}

func FuzzMatcher(f *testing.F) {
	f.Add(uint8(0), "ETB")
	f.Add(uint8(5), "2024-01-15T10:30:00Z")
	f.Add(uint8(2), "https://x")
	matchers := make([]*matcher, len(matcherPatterns))
	for i, p := range matcherPatterns {
		m, err := compileMatcher(p)
		require.NoError(f, err)
		matchers[i] = m
	}
	f.Fuzz(func(t *testing.T, which uint8, in string) {
		i := int(which) % len(matcherPatterns)
		require.Equal(t, regexp.MustCompile(matcherPatterns[i]).MatchString(in), matchers[i].match(in))
	})
}

// TestIsCents checks that every number isCents proves is one money.Parse reads exactly (the
// equivalence the fast path's multipleOf: 0.01 rests on), and that it proves the common ones.
func TestIsCents(t *testing.T) {
	for text, want := range map[string]bool{
		"1000.5": true, "0.07": true, "100.00": true, "0": true, "999999999999.99": true,
		"1000000000000": false, "9.555": false, "1e2": false, "-1": false, "-0": false, "1.000": false, "": false, "1.": false, "01": false,
	} {
		t.Run(text, func(t *testing.T) {
			assert.Equal(t, want, isCents(text))
			if isCents(text) {
				_, err := money.Parse(text)
				assert.NoError(t, err)
			}
		})
	}
}

// TestPlainURL checks that every URL plainURL proves is one validateURI accepts, and that it
// proves the common ones.
func TestPlainURL(t *testing.T) {
	for v, want := range map[string]bool{
		"https://example.com/success": true, "http://127.0.0.1:8080/cb?x=1&y=2#f": true, "HTTPS://E.COM": true,
		"https://a.b/c:d;e=f,g!$'()*+": true, "http://h:": true,
		"https:///cb": false, "https://exa mple.com/": false, "/pay/abc": false, "https://u@h/": false,
		"https://h/%41": false, "https://[::1]/": false, "https://h:8o/": false, "1http://h": false, "https://h/é": false,
	} {
		t.Run(v, func(t *testing.T) {
			assert.Equal(t, want, plainURL(v))
			if plainURL(v) {
				assert.NoError(t, validateURI(v))
			}
		})
	}
}

func FuzzPlainURL(f *testing.F) {
	for _, s := range []string{"https://example.com/success", "http://h:80/a?b#c", "https://h:1:2/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if plainURL(v) {
			require.NoError(t, validateURI(v))
		}
	})
}

// TestFastPathProvesMarshalledRequests checks that the fast path itself (not only the
// reference behind it) proves what encoding/json writes: compact, with &, < and > escaped.
func TestFastPathProvesMarshalledRequests(t *testing.T) {
	s, err := Load()
	require.NoError(t, err)
	body := s.compiled().ops[s.Operation("createCheckout")].body
	for name, doc := range map[string]string{
		"compact":        `{"amount":1000.5,"currency":"ETB","phone_number":"251911111111","reference":"ORDER123456","redirects":{"success":"https://example.com/success","failed":"https://example.com/failed"},"supported_mediums":["MPESA","CBE"]}`,
		"escaped query":  `{"amount":10,"currency":"ETB","phone_number":"251911111111","reference":"R\u003c1\u003e","callback_url":"https://example.com/cb?a=1\u0026b=2","redirects":{"success":"https://example.com/s","failed":"https://example.com/f"},"supported_mediums":["CBE"]}`,
		"pretty printed": "{\n  \"amount\": 0.07,\n  \"currency\": \"USD\",\n  \"phone_number\": \"2519111\",\n  \"reference\": \"é\",\n  \"redirects\": {\"success\": \"http://h\", \"failed\": \"HTTP://H:8080/f#x\"},\n  \"supported_mediums\": [\"CYBERSOURCE\"]\n}",
	} {
		t.Run(name, func(t *testing.T) { assert.True(t, body.document(doc)) })
	}
}
