package secrettest_test

import (
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/internal/secrettest"
)

// runSecret has a conventional prefix, upper and lower case, digits and punctuation.
const runSecret = "sk_live_Q7xK_2mRv9/Tz4"

// percent encodes every byte of s as %XX.
func percent(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		b.WriteString("%" + strings.ToUpper(hex.EncodeToString([]byte{c})))
	}
	return b.String()
}

// TestExposed names, for each rule of the judge, an implementation that would wrongly pass
// it: each row fails a judge that lacks the rule.
func TestExposed(t *testing.T) {
	key := "pk_live_shop:" + runSecret
	tests := []struct {
		name, text string
		want       bool
	}{
		// The run itself (a judge looking for the whole secret, or for its start only, fails).
		{"the whole secret", "bad key " + runSecret, true},
		{"five in a row from the middle", "x mRv9/T y", true},
		{"the tail alone", "…tail v9/Tz4", true},
		{"four in a row is no run", "x 2mRv y", false},
		{"the prefix is not secret", "expected sk_live_Q7xK", false},
		{"the prefix and four", "sk_live_Q7xK_ and more", false},
		// Normalization (a case-sensitive judge fails; one that counts separators fails).
		{"upper-cased", "KEY " + strings.ToUpper(runSecret), true},
		{"the secret's own punctuation", "xK_2mR", true},
		{"other punctuation between", "q-7-x-k-2", false},
		{"a space between", "Q7x K2", false},
		{"a line break between", "2mR\r\nv9", true},
		{"a quoted-printable soft line break between", "2mR=\r\nv9", true},
		{"a letter between ends the run", "Q7xK_A2mRv", false},
		{"non-ASCII between ends the run", "Q7xKé2mRv", false},
		{"the marker ends the run", "Q7xK[REDACTED]2mRv", false},
		// Escapes (a judge that skips one form fails its row).
		{"JSON \\u", `\u0032\u006d\u0052\u0076\u0039`, true},
		{"\\u{..}", `\u{32}\u{6d}\u{52}\u{76}\u{39}`, true},
		{"\\U", `\U00000032\U0000006D\U00000052\U00000076\U00000039`, true},
		{"\\x", `\x32\x6d\x52\x76\x39`, true},
		{"octal", `\062\155\122\166\071`, true},
		{"percent", percent("2mRv9"), true},
		{"percent five levels deep", url.QueryEscape(url.QueryEscape(url.QueryEscape(url.QueryEscape(percent("2mRv9"))))), true},
		{"quoted-printable", "=32=6D=52=76=39", true},
		{"HTML numeric without ;", "&#50&#109&#82&#118&#57", true},
		{"HTML hex", "&#x32;&#x6d;&#x52;&#x76;&#x39;", true},
		{"HTML named then numeric", "&amp;#50;&amp;#109;&amp;#82;&amp;#118;&amp;#57;", true},
		{"HTML named punctuation", "Q7xK&lowbar;2", true},
		// Whole-text encodings (a judge that decodes base64 at one alignment only fails).
		{"base64 of the key", base64.StdEncoding.EncodeToString([]byte(key)), true},
		{"base64 of the key, URL alphabet, unpadded", base64.RawURLEncoding.EncodeToString([]byte(key)), true},
		{"base64 of the secret after one byte", base64.StdEncoding.EncodeToString([]byte("x" + runSecret)), true},
		{"base64 of the secret after two bytes", base64.StdEncoding.EncodeToString([]byte("xy" + runSecret)), true},
		{"base64 run starting one character early", "A" + base64.RawStdEncoding.EncodeToString([]byte(runSecret)), true},
		{"base64 run starting three characters early", "ABC" + base64.RawStdEncoding.EncodeToString([]byte(runSecret)), true},
		{"base64 of the secret, upper-cased", base64.StdEncoding.EncodeToString([]byte(strings.ToUpper(runSecret))), true},
		{"base64 percent-encoded", url.QueryEscape(base64.StdEncoding.EncodeToString([]byte(key))), true},
		{"hex of the secret", hex.EncodeToString([]byte(runSecret)), true},
		{"hex at an odd offset", "a" + hex.EncodeToString([]byte(runSecret)), true},
		// What is no run.
		{"an ordinary error", `{"status":"ERROR","error_code":"INVALID_API_KEY","message":"Invalid API key"}`, false},
		{"base64 of something else", base64.StdEncoding.EncodeToString([]byte("pk_live_shop:sk_live_other_value")), false},
		{"a transaction id", "TXN-7c0e5d4f2a913b68 at 2024-01-15T10:30:00Z", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			how, found := secrettest.Exposed(tt.text, runSecret)
			assert.Equal(t, tt.want, found, "how: %s", how)
		})
	}
}

func TestGrams(t *testing.T) {
	assert.Equal(t, []string{"q7xk_2", "7xk_2m", "xk_2mr", "k_2mrv", "2mrv9", "mrv9/t", "rv9/tz", "v9/tz4"}, secrettest.Grams(runSecret))
	assert.Equal(t, []string{"sk_tes", "k_test", "testa"}, secrettest.Grams("sk_testa"), "a prefix is only sk_live_ or sk_test_")
	assert.Empty(t, secrettest.Grams("sk_test_abcd"), "four characters after the prefix make no run")
	_, found := secrettest.Exposed("anything abcd", "sk_test_abcd")
	assert.False(t, found)
	_, found = secrettest.Exposed("pk:[REDACTED] and [withheld: it held the API key]", "sk_live_REDACTEDwithheld")
	assert.False(t, found, "the redactor's own markers are no run, even of a secret that spells them")
	_, found = secrettest.Exposed("pk:REDACTED", "sk_live_REDACTEDwithheld")
	assert.True(t, found, "the same letters elsewhere are")
}

func TestMixedReadings(t *testing.T) {
	got, ok := secrettest.MixedReadings(`a%41b\u0043`, 4)
	require.True(t, ok)
	assert.ElementsMatch(t, []string{`a%41b\u0043`, `aAb\u0043`, `a%41bC`, `aAbC`}, got)
	_, ok = secrettest.MixedReadings(`%41%41%41`, 2)
	assert.False(t, ok, "more escapes than asked for")
}

func TestUnescapeAll(t *testing.T) {
	assert.Equal(t, "A_A_A_A", secrettest.UnescapeAll(`\u{41}&lowbar;\101=5F&#65&#95;%41`))
	assert.Equal(t, "x &bogus; %zz =zz", secrettest.UnescapeAll("x &bogus; %zz =zz"), "what is no escape stays")
	assert.Equal(t, "_#&#47", secrettest.UnescapeAll(`\_\#&\#47`), "a backslash before punctuation, as package apikey reads it (FuzzRedact's find)")
	assert.Equal(t, `\/ \A \A`, secrettest.UnescapeAll(`\&#47; \%41 \=41`), "but never before the start of another escape")
}

func TestHidden(t *testing.T) {
	r := &recorder{TB: t}
	assert.True(t, secrettest.Hidden(r, "nothing here", runSecret, "clean"))
	assert.False(t, secrettest.Hidden(r, "pk:"+runSecret, runSecret, "leaky"))
	if assert.Len(t, r.errors, 1) {
		assert.Contains(t, r.errors[0], "leaky")
		_, found := secrettest.Exposed(r.errors[0], runSecret)
		assert.False(t, found, "the failure message shows nothing of the secret")
	}
}
