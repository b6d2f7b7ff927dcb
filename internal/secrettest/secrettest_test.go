package secrettest_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/lakipay/checkout-go/internal/secrettest"
)

type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func TestAbsent(t *testing.T) {
	const secret = "sk_live_s3cr3t/x"
	r := &recorder{TB: t}
	assert.True(t, secrettest.Absent(r, "nothing to see", secret, "clean"))
	assert.Empty(t, r.errors)

	assert.False(t, secrettest.Absent(r, "key pk:"+secret+" leaked", secret, "leaky"))
	if assert.Len(t, r.errors, 1) {
		assert.Contains(t, r.errors[0], "leaky")
		assert.Contains(t, r.errors[0], "pk:<SECRET> leaked")
		assert.False(t, secrettest.Leaks(r.errors[0], secret), "the failure message must not carry the secret")
	}

	assert.False(t, secrettest.Absent(r, `echo "sk_live_s3cr3t\/x" and sk_live_s3cr3t/x`, secret, "escaped"))
	if assert.Len(t, r.errors, 2) {
		assert.Contains(t, r.errors[1], "escaped")
		assert.Contains(t, r.errors[1], `echo "<SECRET>" and <SECRET>`)
		assert.False(t, secrettest.Leaks(r.errors[1], secret), "the failure message must not carry the escaped secret")
	}
}

func TestLeaks(t *testing.T) {
	const secret = `sk_A/"\&%`
	tests := []struct {
		name, text string
		want       bool
	}{
		{"plain", "x " + secret + " y", true},
		{"JSON", `"sk_A\/\"\\&%"`, true},
		{"unicode escapes, both cases", `\u0073\u006B_\u0041\u002f\u0022\u005C\u0026\u0025`, true},
		{"\\x escapes", `\x73\x6b_A/\x22\x5c&%`, true},
		{"percent-encoding", "sk_A%2F%22%5C%26%25", true},
		{"HTML references", "sk_A&#47;&quot;&#x5c;&amp;&#37;", true},
		{"JSON in JSON", `sk_A\\\/\\\"\\\\&%`, true},
		{"three levels", `\\\\u0073k_A/\"\\&%`, true},
		{"a piece is no leak", "sk_A/", false},
		{"an unrelated text", `{"status":"ERROR","message":"\u00e9"}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, secrettest.Leaks(tt.text, secret))
		})
	}
	assert.False(t, secrettest.Leaks("anything", ""))
}

func TestUnescape(t *testing.T) {
	assert.Equal(t, `a/"\'`+"\b\f\n\r\t", secrettest.Unescape(`a\/\"\\\'\b\f\n\r\t`))
	assert.Equal(t, "é<>&'\"", secrettest.Unescape(`\u00e9&lt;&gt;&amp;&apos;&quot;`))
	assert.Equal(t, "\\q %zz &#; &bogus;", secrettest.Unescape(`\q %zz &#; &bogus;`), "what is no escape stays")
	assert.Equal(t, string(rune(0xFFFD)), secrettest.Unescape("&#99999999999;"))
}

func TestMask(t *testing.T) {
	assert.Equal(t, "a <SECRET> b <SECRET>", secrettest.Mask("a xyz b xyz", "xyz"))
	assert.Equal(t, "unchanged", secrettest.Mask("unchanged", ""))
	assert.False(t, strings.Contains(secrettest.Mask("xyzxyz", "xyz"), "xyz"))
}
