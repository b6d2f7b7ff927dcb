package contract

import (
	"encoding/json"
	"net/url"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/internal/jsonref"
)

// The pieces of the validator, each against the reference it replaces.

func TestMatchersAgreeWithRegexp(t *testing.T) {
	inputs := []string{"", "ETB", "etb", "EUR1", "251911111111", "0251911111111", "https://example.com/x", "HTTPS://E", "http:///x",
		"https://a b", "AB+/cd==", "AB===", "2024-01-15", "2024-01-15T10:30:00Z", "2024-01-15T10:30:00.123+03:00", "2024-13-01T00:00:00Z",
		"a&b", "ab", "é", "https://é.com", strings.Repeat("AbCd", 86) + "==", "1234567", "123456789012345"}
	// A run of bytes that keep the DFA in its state (read four at a time), ended at every
	// offset by a byte that leaves it: non-ASCII (to package regexp), '=', '&', a space.
	for n := range 10 {
		for _, end := range []string{"", "é", "=", "==", "===", "&x", " x", "A\u00e9"} {
			inputs = append(inputs, strings.Repeat("A", n)+end, "1"+strings.Repeat("9", n)+end, "https://x/"+strings.Repeat("a", n)+end)
		}
	}
	for i := range generated.patterns {
		p := &generated.patterns[i]
		m := newMatcher(p)
		re := regexp.MustCompile(p.text)
		assert.NotEmpty(t, p.next, "the pattern %s runs as a DFA", p.text)
		for _, in := range inputs {
			assert.Equal(t, re.MatchString(in), m.match([]byte(in)), "%s on %q", p.text, in)
		}
	}
}

func FuzzMatchers(f *testing.F) {
	f.Add(uint8(0), "ETB")
	f.Add(uint8(1), "https://x")
	f.Add(uint8(2), "https://x")
	matchers := make([]*matcher, len(generated.patterns))
	res := make([]*regexp.Regexp, len(generated.patterns))
	for i := range generated.patterns {
		matchers[i] = newMatcher(&generated.patterns[i])
		res[i] = regexp.MustCompile(generated.patterns[i].text)
	}
	f.Fuzz(func(t *testing.T, which uint8, in string) {
		i := int(which) % len(matchers)
		require.Equal(t, res[i].MatchString(in), matchers[i].match([]byte(in)))
	})
}

func TestDateFormats(t *testing.T) {
	for v, want := range map[string]bool{
		"2024-01-15T10:30:00Z": true, "2024-01-15T10:30:00.123+03:00": true, "2024-02-29T00:00:00-23:59": true,
		"0000-02-29T00:00:00Z": true, "2000-02-29T23:59:59.5Z": true, "2024-01-15T10:30:00.123456789123Z": true,
		"2023-02-29T10:30:00Z": false, "1900-02-29T00:00:00Z": false, "2024-04-31T00:00:00Z": false, "2024-13-01T00:00:00Z": false,
		"2024-00-01T00:00:00Z": false, "2024-01-00T00:00:00Z": false, "2024-01-15T24:00:00Z": false, "2024-01-15T10:60:00Z": false,
		"2016-12-31T23:59:60Z": false, // Decision: a leap second, which time.Time cannot hold
		"2024-01-15t10:30:00Z": false, "2024-01-15T10:30:00z": false, "2024-01-15T10:30:00": false, "2024-01-15T10:30:00.Z": false,
		"2024-01-15T10:30:00+0300": false, "2024-01-15T10:30:00+24:00": false, "2024-01-15 10:30:00Z": false,
		"2024-01-15T10:30:00Z ": false, "٢٠٢٤-01-15T10:30:00Z": false, "": false, "2024-01-15": false,
	} {
		assert.Equal(t, want, dateTimeFormat([]byte(v), true), "date-time %q", v)
	}
	for v, want := range map[string]bool{
		"2024-01-15": true, "2024-02-29": true, "0000-02-29": true, "2023-02-29": false, "2024-1-15": false,
		"2024-01-15T10:30:00Z": false, "2024-01-32": false, "24-01-15": false, "2024/01/15": false,
	} {
		assert.Equal(t, want, dateFormat([]byte(v), true), "date %q", v)
	}
}

// FuzzDateTimeFormat holds the check to the Go type of a generated date-time field: every
// value it accepts, time.Time reads (internal/spec holds it to kin-openapi's check).
func FuzzDateTimeFormat(f *testing.F) {
	for _, s := range []string{"2024-02-29T10:30:00Z", "2023-02-29T10:30:00Z", "0000-02-29T00:00:00Z", "2000-02-29T23:59:60.5+14:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if dateTimeFormat([]byte(v), true) {
			var at time.Time
			require.NoError(t, json.Unmarshal([]byte(strconvQuote(v)), &at), "%q", v)
		}
	})
}

func strconvQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestEmailFormat(t *testing.T) {
	for v, want := range map[string]bool{
		"name@example.com": true, "a.b+c@sub.example.co": true, "x@localhost": true, "o'hara!#$%&*/=?^_`{|}~-@e-x.com": true,
		"a b@example.com": false, "ab@exa mple.com": false, " ab@example.com": false, "ab@example.com ": false,
		"@example.com": false, "ab@": false, "ab": false, "a@b@example.com": false, ".ab@example.com": false,
		"a..b@example.com": false, "ab.@example.com": false, "ab@-example.com": false, "ab@example-.com": false,
		"ab@example..com": false, `"a b"@example.com`: false, "ab@[192.0.2.1]": false, "é@example.com": false,
		strings.Repeat("a", 65) + "@example.com": false, "ab@" + strings.Repeat("a", 64) + ".com": false,
		strings.Repeat("a", 64) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 61): true,
		strings.Repeat("a", 64) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 62): false,
	} {
		assert.Equal(t, want, emailFormat([]byte(v), true), "%q", v)
	}
}

func TestUnknownFormatsAreNotChecked(t *testing.T) {
	n := &node{}
	compileNode(n, &schemaData{Keywords: Keywords{Type: "string", Format: "zz-unknown", MaxLength: -1, MaxItems: -1}, extra: noSchema, items: noSchema},
		func(int) *node { return nil }, nil)
	assert.Nil(t, n.format)
	compileNode(n, &schemaData{Keywords: Keywords{Type: "string", Format: "email", MaxLength: -1, MaxItems: -1}, extra: noSchema, items: noSchema},
		func(int) *node { return nil }, nil)
	assert.NotNil(t, n.format)
}

// validateURI is what this module registers with kin-openapi for format uri.
func validateURI(v string) bool {
	u, err := url.Parse(v)
	return err == nil && u.IsAbs() && u.Host != ""
}

func TestPlainURL(t *testing.T) {
	for v, want := range map[string]bool{
		"https://example.com/success": true, "http://127.0.0.1:8080/cb?x=1&y=2#f": true, "HTTPS://E.COM": true,
		"https://a.b/c:d;e=f,g!$'()*+": true, "http://h:": true,
		"https:///cb": false, "https://exa mple.com/": false, "/pay/abc": false, "https://u@h/": false,
		"https://h/%41": false, "https://[::1]/": false, "https://h:8o/": false, "1http://h": false, "https://h/é": false,
		"a:b://h": false, "h://": false, "http:/x": false,
	} {
		assert.Equal(t, want, plainURL([]byte(v)), v)
		if plainURL([]byte(v)) {
			assert.True(t, validateURI(v), v)
		}
		assert.Equal(t, validateURI(v), uriFormat([]byte(v), true), v)
	}
}

func FuzzURIFormat(f *testing.F) {
	for _, s := range []string{"https://example.com/success", "http://h:80/a?b#c", "https://h:1:2/", "mailto:x@y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if plainURL([]byte(v)) {
			require.True(t, validateURI(v), "plainURL proved %q, which url.Parse refuses", v)
		}
		require.Equal(t, validateURI(v), uriFormat([]byte(v), true))
	})
}

// marshalCut is how the spec verdict renders a string: json.Marshal, cut on a character
// boundary.
func marshalCut(s string) string {
	b, _ := json.Marshal(s)
	return ShortValue(b)
}

func FuzzShortString(f *testing.F) {
	for _, s := range []string{"etb", "a<b>&c", "\u2028\u2029", "\x00\x1f\x7f", "\xff", strings.Repeat("é", 50), `"\`, "\b\f\n\r\t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := shortString([]byte(s))
		require.Equal(t, marshalCut(s), got)
		require.True(t, utf8.ValidString(got), "a Value is always valid UTF-8")
	})
}

// marshalEqual is kin-openapi's uniqueItems equality: json.Marshal of the decoded values (numbers
// as json.Number).
func marshalEqual(a, b string) bool {
	decode := func(s string) string {
		dec := json.NewDecoder(strings.NewReader(s))
		dec.UseNumber()
		var v any
		if dec.Decode(&v) != nil {
			return "\x00invalid"
		}
		out, _ := json.Marshal(v)
		return string(out)
	}
	return decode(a) == decode(b)
}

func FuzzUniqueKey(f *testing.F) {
	pairs := [][2]string{{`"CBE"`, `"\u0043BE"`}, {`1`, `1.0`}, {`{"a":1,"b":[2]}`, `{"b":[2],"a":1}`}, {`"a\/b"`, `"a/b"`},
		{`{"a\"":1}`, `{"a":"\":1}"}`}, {`[1,"1"]`, `["1",1]`}, {`null`, `"null"`}, {`"<"`, `"\u003c"`}}
	for _, p := range pairs {
		f.Add(p[0], p[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		// Items the validator compares are strict JSON: well-formed, UTF-8, no repeated keys.
		for _, s := range []string{a, b} {
			if !json.Valid([]byte(s)) || !utf8.ValidString(s) || strings.Contains(s, `\u`) || strings.TrimSpace(s) != s {
				return
			}
			if problem, _, _ := jsonref.StrictProblem([]byte(s)); problem != "" {
				return
			}
		}
		require.Equal(t, marshalEqual(a, b), string(uniqueKey([]byte(a))) == string(uniqueKey([]byte(b))), "%s vs %s", a, b)
	})
}

func TestUniqueKeyIsLinear(t *testing.T) {
	// An item nested as deep as the scanner allows, each level's members out of order, costs
	// memory in proportion to its size (not to its size times its depth).
	const depth = 9000
	item := []byte(strings.Repeat(`{"b":1,"a":`, depth) + "1" + strings.Repeat("}", depth))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	key := uniqueKey(item)
	runtime.ReadMemStats(&after)
	require.Equal(t, strings.Repeat(`{"a":`, depth)+"1"+strings.Repeat(`,"b":1}`, depth), string(key))
	allocated := after.TotalAlloc - before.TotalAlloc
	require.Less(t, allocated, uint64(64*len(item)), "uniqueKey allocated %d bytes for a %d-byte item", allocated, len(item))
}

func TestEveryPatternHasAReason(t *testing.T) {
	for _, s := range generated.schemas {
		if s.Pattern == "" {
			continue
		}
		reason, ok := PatternReason(s.Pattern)
		assert.True(t, ok, "the pattern %s of %s has no readable reason in patternReasons", s.Pattern, s.location)
		assert.NotContains(t, reason, s.Pattern)
	}
}

// BenchmarkCompile times building the validator from the generated data, which the first
// validation in a process pays once (never client.New).
func BenchmarkCompile(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if c := compile(&generated); len(c.ops) == 0 {
			b.Fatal("no operations")
		}
	}
}
