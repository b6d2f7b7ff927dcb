package apikey_test

import (
	"fmt"
	"math/rand/v2"
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
		{"three characters of a piece elsewhere stay", "sk_CANARY/123", "sk_ is a word", "sk_ is a word"},
		{"five characters of a piece elsewhere are withheld", "sk_CANARY/123", "sk_CANARY is a word", apikey.Withheld},

		// Text without the secret is left alone.
		{"no secret", "sk_CANARY/123", `{"status":"ERROR","message":"Invalid API key \u00e9 %zz &bogus; \q"}`, `{"status":"ERROR","message":"Invalid API key \u00e9 %zz &bogus; \q"}`},
		{"four of the secret's characters in data", "ETB_SECRET_X", `{"currency":"ETB","reference":"R-SECR"}`, `{"currency":"ETB","reference":"R-SECR"}`},
		{"escapes that decode to other characters", "sk_CANARY/123", `sk_C\n123 sk_C\u2215123`, `sk_C\n123 sk_C\u2215123`},
		{"a NUL is no cut", "sk_CANARY/123", "sk_C\x00", "sk_C\x00"},
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

// FuzzRedact checks Redact against secrettest's independent judge: whatever the text, the
// redacted text shows neither the secret in any escaping nor a run of it (secrettest.Exposed),
// redacting it again changes nothing, and a text that shows neither is left alone.
func FuzzRedact(f *testing.F) {
	f.Add("sk_CANARY/123", `bad key sk_CANARY\/123`)
	f.Add("sk_CANARY/123", `\u0073\u006B_CANARY%2f123`)
	f.Add(`ab\u0041cdef`, `ab\\u0041cdef`)
	f.Add("D]aaaaaa", "D]aaaaaaaaaaaaaa")
	f.Add("sk_%41bcdef", "sk_%2541bcdef")
	f.Add(`a&amp;bcdef`, `a&amp;amp;bcdef`)
	f.Add("sk_live_Q7xK_2mRv9/Tz4", "Basic cGtfbGl2ZV9zaG9wOnNrX2xpdmVfUTd4S18ybVJ2OS9UejQ=")
	f.Add("sk_live_Q7xK_2mRv9/Tz4", `Q7xK&lowbar;2mRv9&#47Tz4 \u{51}\167 =51 %25252551`)
	f.Add("sk_live_Q7xK_2mRv9/Tz4", "tail: RV9/TZ4")
	f.Add("0!!!0000abc", "0   0000")
	f.Add(`0&%00\0&%`, `0\u0026%0\u0030\0\u0026%`)
	f.Add(`-\0-+-+-+`, `-\0-\\u002b-\u002b-+`)
	f.Fuzz(func(t *testing.T, secret, text string) {
		k, err := apikey.Parse("pk:" + secret)
		if err != nil || len(secret) > 256 || len(text) > 1<<14 { // the judge's cost grows with both
			return
		}
		got := k.Redact(text)
		secrettest.Absent(t, got, secret, "redacted text")
		secrettest.Hidden(t, got, secret, "redacted text")
		assert.Equal(t, got, k.Redact(got), "redacting again changes nothing")
		_, exposed := secrettest.Exposed(text, secret)
		if !exposed && !secrettest.Leaks(text, secret) && !secrettest.Leaks(text, secret[:apikey.MinPiece-1]) && settles(text) && noReadingShows(text, secret) {
			assert.Equal(t, text, got, "text without the secret, a piece of it or a run of it is left alone")
		}
	})
}

// noReadingShows reports whether no reading of text shows the secret or its first
// MinPiece-1 characters (a piece Redact hides where a text was cut): the text and each of
// its first 3 decodings, with any subset of that level's escapes decoded, as Redact reads
// them. Where a level holds more than 8 escapes, or the text is over 2 KiB, it reports
// false: the left-alone check then does not judge, rather than judge by a partial reading.
func noReadingShows(text, secret string) bool {
	if len(text) > 2<<10 {
		return false
	}
	for range 4 {
		readings, ok := secrettest.MixedReadings(text, 8)
		if !ok {
			return false
		}
		for _, r := range readings {
			if strings.Contains(r, secret) || strings.Contains(r, secret[:apikey.MinPiece-1]) {
				return false
			}
		}
		text = secrettest.UnescapeAll(text)
	}
	return true
}

// settles reports whether text stops changing within the 16 levels of escapes Redact decodes
// (a text still changing after them is withheld, whatever it holds).
func settles(text string) bool {
	for range 17 {
		next := secrettest.UnescapeAll(text)
		if next == text {
			return true
		}
		text = next
	}
	return false
}

// TestRedactRunThroughALongGap is the regression of a fuzz find (CI, stop 25): gaps longer
// than the run key keeps share one key, so "0   0000" was withheld for a secret holding
// "0!!!0000". A run found through a long gap counts only when it is spelled as in the secret.
func TestRedactRunThroughALongGap(t *testing.T) {
	k := mustParse(t, "pk:0!!!0000abc")
	for text, want := range map[string]string{
		"0   0000":       "0   0000",
		"0!!!!0000":      "0!!!!0000",
		"x 0!!!0000 y":   apikey.Withheld,
		"x 0!!!\n0000 y": apikey.Withheld,
		"x 0!!!000a y":   "x 0!!!000a y",
	} {
		assert.Equal(t, want, k.Redact(text), "%q", text)
	}
}

// TestRedactMixedReadings is the regression of FuzzEchoedSecret's find: the secret
// 0&%00\0&% echoed with its "\0" as it is and its other characters escaped, which neither
// the text as written nor its decoding (where "\0" is an octal NUL) spells. Each escape is
// also read as the characters it is written with, including where the secret starts inside
// one, and kept as written through every level of decoding while the rest is escaped once
// or twice.
func TestRedactMixedReadings(t *testing.T) {
	tests := []struct{ name, secret, text string }{
		{"an escape-like part kept, the rest escaped", `0&%00\0&%`, `x 0\u0026%0\u0030\0\u0026% y`},
		{"the secret starting inside an escape", `0-+-+-+-`, `x \0-+-+-+\u002d y`},
		{"a quoted-printable-like part kept", `=4F-+-+-`, `x =4F-+-\u002b- y`},
		{"two levels deep", `0&%00\0&%`, `x 0\\u0026%0\\u0030\\0\\u0026% y`},
		{"kept as written at every level, escaped once and twice", `-\0-+-+-+`, `x -\0-\\u002b-\u002b-+ y`},
		{"kept, percent-encoded once and twice", `-\0-+-+-+`, `x -\0-%252b-%2b-+ y`},
		{"kept, HTML references once and twice", `-\0-+-+-+`, `x -\0-&amp;#43;-&#43;-+ y`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.True(t, secrettest.Leaks(tt.text, tt.secret), "the text shows the secret")
			got := mustParse(t, "pk:"+tt.secret).Redact(tt.text)
			secrettest.Absent(t, got, tt.secret, "redacted text")
			assert.True(t, strings.HasPrefix(got, "x ") && strings.HasSuffix(got, apikey.Marker+" y"), "the span is replaced, the rest shown: %s", secrettest.Mask(got, tt.secret))
		})
	}
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

// TestRedactWithholdsWhatSpansMiss is issue 20's list of echoes the redactor let through
// (base64 of the key or its halves, escapes it did not know, another case, the tail of the
// secret): none of them shows a run of the secret any more, judged by secrettest's own
// decoder.
func TestRedactWithholdsWhatSpansMiss(t *testing.T) {
	k := mustParse(t, full)
	for _, a := range secrettest.Attacks {
		t.Run(a.Name, func(t *testing.T) {
			text := `{"status":"ERROR","message":"bad key ` + a.Plant(full, secret) + `"}`
			require.True(t, func() bool { _, found := secrettest.Exposed(text, secret); return found }(), "the attack shows the secret")
			got := k.Redact(text)
			secrettest.Hidden(t, got, secret, "redacted text")
			assert.True(t, got == apikey.Withheld || strings.Contains(got, apikey.Marker),
				"the secret's spans are replaced, or the text is withheld whole: %s", secrettest.Mask(got, secret))
		})
	}
}

// TestRedactRunRule pins the rule at its edges: RunLen characters in a row are withheld,
// one fewer is shown, the conventional prefix is no secret, and the markers end a run.
func TestRedactRunRule(t *testing.T) {
	k := mustParse(t, "pk_live_shop:sk_live_Q7xK_2mRv9/Tz4")
	tests := []struct{ name, text, want string }{
		{"four in a row", "id 2mRv here", "id 2mRv here"},
		{"five in a row", "id 2mRv9 here", apikey.Withheld},
		{"five with the secret's punctuation and a line break", "id xK_2\r\nmR here", apikey.Withheld},
		{"five across a quoted-printable soft line break", "id 2mR=\r\nv9 here", apikey.Withheld},
		{"five with other punctuation between", "id 2-m.R/v_9 here", "id 2-m.R/v_9 here"},
		{"five with a space between", "id xK_2 mR here", "id xK_2 mR here"},
		{"five, another case", "id 2MrV9 here", apikey.Withheld},
		{"five across a letter", "id 2mRvX9 here", "id 2mRvX9 here"},
		{"five across a character outside ASCII", "id 2mRvé9 here", "id 2mRvé9 here"},
		{"the prefix and four", "want sk_live_Q7xK here", "want sk_live_Q7xK here"},
		{"the whole secret: replaced, the rest shown", "bad key pk_live_shop:sk_live_Q7xK_2mRv9/Tz4.", "bad key pk_live_shop:" + apikey.Marker + "."},
		{"four on each side of the marker", "Q7xK[REDACTED]2mRv", "Q7xK[REDACTED]2mRv"},
		{"the withheld marker", apikey.Withheld, apikey.Withheld},
		{"escapes sixteen levels deep", "%" + strings.Repeat("25", 15) + "41 plain", "%" + strings.Repeat("25", 15) + "41 plain"},
		{"escapes seventeen levels deep", "%" + strings.Repeat("25", 16) + "41 plain", apikey.Withheld},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, k.Redact(tt.text))
		})
	}
}

// TestRedactLeavesOrdinaryTextAlone measures the run rule's false positives: texts a client
// shows every day, against 2,000 secrets shaped as LakiPay's (sk_live_ or sk_test_ and 32
// random letters and digits). Not one text may change.
func TestRedactLeavesOrdinaryTextAlone(t *testing.T) {
	rng := rand.New(rand.NewPCG(20, 1)) //nolint:gosec // reproducible secrets, not keys
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	changed := 0
	for i := range 2000 {
		var b strings.Builder
		b.WriteString([]string{"sk_live_", "sk_test_"}[i%2])
		for range 32 {
			b.WriteByte(alphabet[rng.IntN(len(alphabet))])
		}
		k := mustParse(t, "pk_live_shop:"+b.String())
		for _, text := range ordinaryTexts {
			if k.Redact(text) != text {
				changed++
			}
		}
	}
	assert.Zero(t, changed, "texts changed, of %d", 2000*len(ordinaryTexts))
}

// ordinaryTexts are what the client, the fake and the CLI show: LakiPay's error answers,
// net/http's and the client's own errors, an HTML error page, log lines and JSON answers.
var ordinaryTexts = []string{
	`{"status":"ERROR","message":"Invalid API key","error_code":"INVALID_API_KEY","errors":{"api_key":["API key is required"]}}`,
	`{"status":"ERROR","message":"Validation failed","error_code":"VALIDATION_ERROR","errors":{"amount":["amount must be a decimal with 2 places"],"phone_number":["must be 7 to 15 digits: country code and number, no +, spaces or leading 0"]}}`,
	`{"status":"ERROR","message":"reference ORDER-42-1 was already used","error_code":"DUPLICATE_REFERENCE"}`,
	`{"status":"ERROR","message":"Transaction not found","error_code":"NOT_FOUND"}`,
	`{"status":"ERROR","message":"Too many requests","error_code":"RATE_LIMITED"}`,
	`{"status":"ERROR","message":"Provider M-PESA timed out","error_code":"PROVIDER_ERROR"}`,
	`{"success":false,"message":"Insufficient balance"}`,
	`{"status":"SUCCESS","message":"Checkout session created","data":{"checkout_url":"https://checkout.lakipay.co/pay/7c0e5d4f2a913b68","lakipay_transaction_id":"TXN-7c0e5d4f2a913b68","reference":"ORDER-42-1","amount":1000.5,"currency":"ETB","status":"INITIATED"}}`,
	"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx/1.25.3</center></body></html>",
	`lakipay: GET /api/v2/payment/transaction/TXN-7c0e5d4f2a913b68: Get "https://api.lakipay.co/api/v2/payment/transaction/TXN-7c0e5d4f2a913b68": context deadline exceeded`,
	`lakipay: POST /api/v2/payment/checkout: Post "https://api.lakipay.co/api/v2/payment/checkout": dial tcp 127.0.0.1:12111: connect: connection refused`,
	`lakipay: POST /api/v2/payment/checkout: Post "http://127.0.0.1:40123/api/v2/payment/checkout": read tcp 127.0.0.1:51234->127.0.0.1:40123: read: connection reset by peer`,
	`lakipay: GET /api/v2/payment/transaction/TXN-1: Get "https://api.lakipay.co/api/v2/payment/transaction/TXN-1": tls: failed to verify certificate: x509: certificate signed by unknown authority`,
	`lakipay: GET /api/v2/payment/transaction/TXN-1: Get "https://api.lakipay.co/api/v2/payment/transaction/TXN-1": dial tcp: lookup api.lakipay.co on 127.0.0.53:53: no such host`,
	`lakipay: HTTP 502 (non-JSON body "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gatewa...")`,
	`lakipay: GET /api/v2/payment/transaction/TXN-1: HTTP 200: unexpected response body: not JSON of the documented shape: unexpected end of JSON input`,
	"time=2026-11-28T10:00:00.000Z level=DEBUG msg=\"lakipay request\" method=POST path=/api/v2/payment/checkout attempt=1 elapsed=1.234ms status=200",
	"X-Request-Id: 5f3a9c2e-1b7d-4e8a-9f6c-0d2b4a6e8c1f; Set-Cookie: session=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U; Path=/; HttpOnly",
	"MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxKLxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo9z+40RQzuVaE8AkAFmxZzow3x+VJYKdjykkJ0iT9wCS0DRTXu269V264Vf/3jvredZiKRkgwlL9xNAwxXFg0x/XFw005UWVRIkdgcKWTjpBP2dPwVZ4WWC+9aGVd+Gyn1o0CLelf4rEjGoXbAAEgAqeGUxrcIlbjXfbcmwIDAQAB",
}

// TestRedactEscapedEscapeStart is FuzzEchoedSecret's find in a CI run: "\&" read as an
// escaped "&" swallowed the start of the HTML reference after it, so "\&#115;" (which every
// reader decodes as "\s") never spelled the secret's "\s" for the run check, and a secret
// with a backslash went through. A backslash before &, % or = is the backslash itself.
func TestRedactEscapedEscapeStart(t *testing.T) {
	const secret = `00\sk_fu`
	k := mustParse(t, "pk_test_fuzz:"+secret)
	for _, text := range []string{
		`<html>upstream saw xxxxxxxxx&#48;0\&#115;k_&#102;u</html>`,
		`upstream saw 00\%73k_fu`,
		`upstream saw 00\=73k_fu`,
	} {
		require.True(t, func() bool { _, found := secrettest.Exposed(text, secret); return found }(), "the text shows the secret: %s", text)
		secrettest.Hidden(t, k.Redact(text), secret, "redacted text")
	}
}
