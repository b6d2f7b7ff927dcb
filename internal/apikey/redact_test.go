package apikey_test

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/internal/apikey"
	"github.com/lakipay/checkout-go/internal/secrettest"
)

const r = apikey.Marker

func TestRedact(t *testing.T) {
	tests := []struct {
		name, secret, text, want string
	}{
		// Whole occurrences, however written.
		{"plain", "sk_CANARY/123", "bad key pk:sk_CANARY/123!", "bad key pk:" + r + "!"},
		{"JSON \\/ (PHP's echo)", "sk_CANARY/123", `"bad key pk:sk_CANARY\/123"`, `"bad key pk:` + r + `"`},
		{"every character \\u, lower-case hex", "sk_CANARY/123", `\u0073\u006b\u005f\u0043\u0041\u004e\u0041\u0052\u0059\u002f\u0031\u0032\u0033`, r},
		{"every character \\u, upper-case hex", "sk_CANARY/123", `x\u0073\u006B\u005F\u0043\u0041\u004E\u0041\u0052\u0059\u002F\u0031\u0032\u0033y`, "x" + r + "y"},
		{"mixed plain and escaped", "sk_CANARY/123", `sk\u005fCA\u004eARY\/1\u00323`, r},
		{"quote and backslash escaped", `sk_"x\y_12`, `{"m":"sk_\"x\\y_12"}`, `{"m":"` + r + `"}`},
		{"\\x escapes", "sk_CANARY/123", `\x73k_CANARY\x2F123`, r},
		{"percent-encoding", "sk_CANARY/123", "?key=pk%3Ask_CANARY%2f123&x=1", "?key=pk%3A" + r + "&x=1"},
		{"HTML references", `sk_"CANARY/123`, "<p>sk_&quot;CANARY&#47;12&#x33;</p>", "<p>" + r + "</p>"},
		{"HTML named references", `sk_<&>'x__`, "sk_&lt;&amp;&gt;&apos;x__", r},
		{"JSON inside JSON", "sk_CANARY/123", `{"body":"{\"m\":\"sk_CANARY\\\/123\"}"}`, `{"body":"{\"m\":\"` + r + `\"}"}`},
		{"\\u inside JSON", "sk_CANARY/123", `"\\u0073k_CANARY/123"`, `"` + r + `"`},
		{"three levels", "sk_CANARY/123", `\\\\\\\/`, `\\\\\\\/`},
		{"three levels deep", "ab/cdefgh", `ab\\\\\\\/cdefgh`, r},
		{"a percent escape of a \\u escape, a \\u escape of a percent escape", "sk_CANARY/123", `sk%5Cu005FCANARY\u00252F123`, r},
		{"an HTML reference of a percent escape", "sk_CANARY/123", `sk_CANARY&#37;2F123`, r},
		{"a percent escape of an HTML reference", "sk_CANARY/123", `sk_CANARY%26%2347%3B123`, r},
		{"every form in one secret", "sk_CANARY/123", `sk_C\u0041NA%52Y&#x2f;1%5Cu0032&#51;`, r},
		{"every occurrence", "sk_CANARY/123", "sk_CANARY/123 and sk_CANARY\\/123", r + " and " + r},
		{"overlapping occurrences", "abababab", "abababababab", r},
		{"back to back", "sk_CANARY/123", "sk_CANARY/123sk_CANARY/123", r},

		// A piece of the secret's start where the text was cut.
		{"cut before ...", "sk_CANARY/123", `value "sk_CAN..." was cut`, `value "` + r + `..." was cut`},
		{"cut quoted before ...", "sk_CANARY/123", `amount "xxsk_CAN"...: bad`, `amount "xx` + r + `"...: bad`},
		{"cut at the end", "sk_CANARY/123", `{"message":"bad key sk_CANA`, `{"message":"bad key ` + r},
		{"cut inside an escape at the end", "sk_CANARY/123", `sk_CANARY\u00`, r},
		{"cut inside an escape before ...", "sk_CANARY/123", `sk_CANARY\u00...`, r + "..."},
		{"cut after \\ at the end", "sk_CANARY/123", `sk_CANARY\`, r},
		{"cut inside %XX", "sk_CANARY/123", `sk_CANARY%2`, r},
		{"cut inside an HTML reference", "sk_CANARY/123", `sk_CANARY&#4`, r},
		{"cut inside a named reference", `sk_"CANARY`, `sk_&quo...`, r + "..."},
		{"cut before an escaped ...", "sk_CANARY/123", `x sk_CANA\u002e\u002e\u002e y`, `x ` + r + `\u002e\u002e\u002e y`},
		{"cut inside an escaped escape before ...", "sk_CANARY/123", `sk_CANARY\\u00...`, r + "..."},
		{"cut escaped piece", "sk_CANARY/123", `\u0073\u006b\u005f\u0043...`, r + "..."},
		{"four characters are a piece", "sk_CANARY/123", "ends with sk_C", "ends with " + r},
		{"three characters are not", "sk_CANARY/123", "ends with sk_", "ends with sk_"},
		{"a piece elsewhere stays", "sk_CANARY/123", "sk_CANARY is a word", "sk_CANARY is a word"},

		// Text without the secret is left alone.
		{"no secret", "sk_CANARY/123", `{"status":"ERROR","message":"Invalid API key \u00e9 %zz &bogus; \q"}`, `{"status":"ERROR","message":"Invalid API key \u00e9 %zz &bogus; \q"}`},
		{"the secret's characters in data", "ETB_SECRET_X", `{"currency":"ETB","reference":"R-ETB-SECRET"}`, `{"currency":"ETB","reference":"R-ETB-SECRET"}`},
		{"escapes that decode to other characters", "sk_CANARY/123", `sk_CANARY\n123 sk_CANARY\u2215123`, `sk_CANARY\n123 sk_CANARY\u2215123`},
		{"a NUL is no cut", "sk_CANARY/123", "sk_CAN\x00", "sk_CAN\x00"},
		{"empty", "sk_CANARY/123", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := mustParse(t, "pk_test:"+tt.secret)
			got := k.Redact(tt.text)
			assert.Equal(t, secrettest.Mask(tt.want, tt.secret), secrettest.Mask(got, tt.secret))
			secrettest.Absent(t, got, tt.secret, "redacted text")
		})
	}
}

func TestRedactLeavesCleanTextIdentical(t *testing.T) {
	k := mustParse(t, "pk_test:sk_CANARY/123")
	text := strings.Repeat(`{"a":"b\/c %41 &amp; ..."} `, 100)
	assert.Equal(t, text, k.Redact(text))
}

// TestRedactHostileText checks that text made of what the redactor looks at (escape
// introducers, "...", pieces of the secret) is handled; BenchmarkRedact measures its cost.
func TestRedactHostileText(t *testing.T) {
	k := mustParse(t, "pk_test:sk_CANARY/123")
	for _, unit := range hostileUnits {
		t.Run(unit, func(t *testing.T) {
			text := strings.Repeat(unit, (64<<10)/len(unit))
			got := k.Redact(text)
			secrettest.Absent(t, got, "sk_CANARY/123", "redacted text")
			assert.True(t, utf8.ValidString(got) || !utf8.ValidString(text))
		})
	}
}

// hostileUnits repeated make texts full of what the redactor looks at.
var hostileUnits = []string{"...", `\`, `\u00`, "%", "&#", "sk_C...", "sk_CANARY/12", `sk_CANARY\u002`}

// BenchmarkRedact measures Redact on what it meets in practice (a log line without the
// secret, an error message with it escaped) and on 1 MiB of hostile text, which must stay
// linear: compare ns/op against the 1 MiB clean text.
func BenchmarkRedact(b *testing.B) {
	k := mustParse(b, "pk_test:sk_CANARY/123")
	cases := map[string]string{
		"log line":          "time=2026-11-28T10:00:00Z level=INFO msg=request method=POST path=/api/v2/payment/checkout status=200 elapsed=1.2ms\n",
		"error with secret": `{"status":"ERROR","error_code":"INVALID_API_KEY","message":"bad key pk_test:sk_CANARY\/123"}`,
		"1 MiB clean":       strings.Repeat("a plain line of text without anything to hide\n", (1<<20)/46),
	}
	for _, unit := range hostileUnits {
		cases["1 MiB of "+unit] = strings.Repeat(unit, (1<<20)/len(unit))
	}
	for name, text := range cases {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				k.Redact(text)
			}
		})
	}
}

// FuzzRedact checks Redact against secrettest's independent decoder: whatever the text, no
// decoding of the redacted text holds the secret.
func FuzzRedact(f *testing.F) {
	f.Add("sk_CANARY/123", `bad key sk_CANARY\/123`)
	f.Add("sk_CANARY/123", `\u0073\u006B_CANARY%2f123`)
	f.Add(`ab\u0041cdef`, `ab\\u0041cdef`)
	f.Add("D]aaaaaa", "D]aaaaaaaaaaaaaa")
	f.Add("sk_%41bcdef", "sk_%2541bcdef")
	f.Add(`a&amp;bcdef`, `a&amp;amp;bcdef`)
	f.Fuzz(func(t *testing.T, secret, text string) {
		k, err := apikey.Parse("pk:" + secret)
		if err != nil {
			return
		}
		got := k.Redact(text)
		secrettest.Absent(t, got, secret, "redacted text")
		if !secrettest.Leaks(text, secret) && !secrettest.Leaks(text, secret[:apikey.MinPiece-1]) {
			assert.Equal(t, text, got, "text without the secret or a piece of it is left alone")
		}
	})
}

// TestRedactSecretOverlappingTheMarker is the regression of a fuzz find: the secret "D]aaaaaa"
// forms again from the "D]" of each "[REDACTED]" and the text that follows it, so passes of
// replacement alone would leave it in a long enough text.
func TestRedactSecretOverlappingTheMarker(t *testing.T) {
	k, err := apikey.Parse("pk:D]aaaaaa")
	require.NoError(t, err)
	for _, n := range []int{6, 12, 30, 300} {
		text := "D]" + strings.Repeat("a", n)
		got := k.Redact(text)
		secrettest.Absent(t, got, "D]aaaaaa", fmt.Sprintf("%d a's", n))
		assert.NotEmpty(t, got)
	}
	assert.Equal(t, "[REDACTED] ok", k.Redact("D]aaaaaa ok"), "one pass is enough where the marker forms nothing")

	// The rest of each next occurrence escaped: the marker's "D]" and the decoded rest form
	// the secret again.
	k, err = apikey.Parse("pk:D]Aaaaaa")
	require.NoError(t, err)
	for _, unit := range []string{"%41aaaaa", `\u0041aaaaa`, "&#65;aaaaa", `\\u0041aaaaa`} {
		for _, n := range []int{1, 3, 8} {
			got := k.Redact("D]" + strings.Repeat(unit, n) + " tail")
			secrettest.Absent(t, got, "D]Aaaaaa", fmt.Sprintf("%d times %s", n, unit))
		}
	}
}
