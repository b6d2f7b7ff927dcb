package apikey_test

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/internal/apikey"
	"github.com/lakipay/checkout-go/internal/contract"
	"github.com/lakipay/checkout-go/internal/secrettest"
)

const (
	public = "pk_test_merchant"
	secret = "sk_test_CANARY_7f3a9c"
	full   = public + ":" + secret
)

func mustParse(t testing.TB, s string) apikey.Key {
	t.Helper()
	k, err := apikey.Parse(s)
	require.NoError(t, err)
	return k
}

func TestParseAccepts(t *testing.T) {
	tests := []struct{ name, key, public string }{
		{"documented shape", full, public},
		{"shortest secret", "p:12345678", "p"},
		{"every printable character", "pk:!\"#$%&'()*+,-./0123456789;<=>?@AZ[\\]^_`az{|}~", "pk"},
		{"a colon in the secret", "pk_a:sk_b:cdefgh", "pk_a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := mustParse(t, tt.key)
			assert.False(t, k.IsZero())
			assert.True(t, k.Header() == tt.key, "the header carries the key as given")
			assert.Equal(t, tt.public, k.Public())
			assert.NoError(t, contract.CheckAPIKey(tt.key), "a key the SDK accepts passes the contract's rule")
		})
	}
}

func TestParseRefuses(t *testing.T) {
	tests := []struct{ name, key, rule string }{
		{"empty", "", "it is empty"},
		{"no colon", secret, "it has no ':'"},
		{"only a colon", ":", "PUBLICKEY, before the ':', is empty"},
		{"no public half", ":" + secret, "PUBLICKEY, before the ':', is empty"},
		{"no secret half", public + ":", "SECRETKEY, after the ':', is empty"},
		{"one-character secret", "x:y", "SECRETKEY is shorter than 8 characters"},
		{"seven-character secret", "pk_test_a:sk_test", "SECRETKEY is shorter than 8 characters"},
		{"space in the secret", full + " x", "SECRETKEY contains whitespace"},
		{"space in the public half", "pk test:" + secret, "PUBLICKEY contains whitespace"},
		{"trailing newline", full + "\n", "SECRETKEY contains whitespace"},
		{"tab", "pk\t:" + secret, "PUBLICKEY contains whitespace"},
		{"carriage return", full + "\r", "SECRETKEY contains whitespace"},
		{"control character", full + "\x01", "SECRETKEY contains a control character"},
		{"NUL", "pk\x00:" + secret, "PUBLICKEY contains a control character"},
		{"DEL", full + "\x7f", "SECRETKEY contains a control character"},
		{"non-ASCII letter", full + "é", "SECRETKEY contains a character outside printable ASCII"},
		{"no-break space", full + "\u00a0", "SECRETKEY contains a character outside printable ASCII"},
		{"invalid UTF-8", full + "\xff", "SECRETKEY contains a character outside printable ASCII"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := apikey.Parse(tt.key)
			require.Error(t, err)
			assert.True(t, k.IsZero())
			assert.ErrorIs(t, err, apikey.ErrInvalid)
			assert.Equal(t, "invalid API key: "+tt.rule, strings.SplitN(err.Error(), " (", 2)[0])
			secrettest.Absent(t, err.Error(), secret, "Parse error")
			if _, s, ok := strings.Cut(tt.key, ":"); ok && len(s) >= 3 {
				secrettest.Absent(t, err.Error(), s, "Parse error (the secret half)")
			}
		})
	}
}

// TestEveryRenderingHidesTheSecret prints a key every way Go code prints a value and checks
// that each shows the public half and the marker, never the secret.
func TestEveryRenderingHidesTheSecret(t *testing.T) {
	k := mustParse(t, full)
	type exported struct{ Key apikey.Key }
	type unexported struct{ key apikey.Key }
	slogText := func(args ...any) string {
		var b bytes.Buffer
		slog.New(slog.NewTextHandler(&b, nil)).Info("m", args...)
		return b.String()
	}
	slogJSON := func(args ...any) string {
		var b bytes.Buffer
		slog.New(slog.NewJSONHandler(&b, nil)).Info("m", args...)
		return b.String()
	}
	jsonOf := func(v any) string {
		b, err := json.Marshal(v)
		require.NoError(t, err)
		return string(b)
	}
	var tm encoding.TextMarshaler = k
	text, err := tm.MarshalText()
	require.NoError(t, err)

	// Held as any: vet would refuse %s and %d for a struct, and these verbs are what is tried.
	var hidden, hiddenPtr any = unexported{k}, &unexported{k}
	shown := public + ":" + apikey.Marker
	tests := []struct {
		name, got string
		showsKey  bool // the public half and the marker must appear
	}{
		{"%v", fmt.Sprintf("%v", k), true},
		{"%+v", fmt.Sprintf("%+v", k), true},
		{"%#v", fmt.Sprintf("%#v", k), true},
		{"%s", fmt.Sprintf("%s", k), true},
		{"%q", fmt.Sprintf("%q", k), true},
		{"%x", fmt.Sprintf("%x", k), true},
		{"%X", fmt.Sprintf("%X", k), true},
		{"%d", fmt.Sprintf("%d", k), true},
		{"%T %v of a pointer", fmt.Sprintf("%T %v", &k, &k), true},
		{"%30s", fmt.Sprintf("%30s", k), true},
		{"Sprint", fmt.Sprint(k), true},
		{"Sprintln", fmt.Sprintln(k, k), true},
		{"String", k.String(), true},
		{"GoString", k.GoString(), true},
		{"in a slice", fmt.Sprintf("%v %+v %#v", []apikey.Key{k}, []apikey.Key{k}, []apikey.Key{k}), true},
		{"in a map", fmt.Sprintf("%v %#v", map[string]apikey.Key{"k": k}, map[string]apikey.Key{"k": k}), true},
		{"exported field", fmt.Sprintf("%v %+v %#v %s %x", exported{k}, exported{k}, exported{k}, exported{k}, exported{k}), true},
		{"unexported field", fmt.Sprintf("%v %+v %#v %s %x %d", hidden, hidden, hidden, hidden, hidden, hidden), false},
		{"pointer to a struct with an unexported field", fmt.Sprintf("%v %+v %#v %s", hiddenPtr, hiddenPtr, hiddenPtr, hiddenPtr), false},
		{"error wrapping its text", fmt.Errorf("using %v: %w", k, errors.New("x")).Error(), true},
		{"slog text, a value", slogText("key", k), true},
		{"slog text, in a group", slogText(slog.Group("g", slog.Any("key", k), "k2", k)), true},
		{"slog text, a struct with the key", slogText("s", exported{k}), true},
		{"slog JSON, a value", slogJSON("key", k), true},
		{"slog JSON, in a group", slogJSON(slog.Group("g", slog.Any("key", k), "k2", k)), true},
		{"slog JSON, a struct with the key", slogJSON("s", exported{k}), true},
		{"encoding/json", jsonOf(k), true},
		{"encoding/json, a field", jsonOf(exported{k}), true},
		{"encoding/json, a map value", jsonOf(map[string]apikey.Key{"k": k}), true},
		{"TextMarshaler", string(text), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			secrettest.Absent(t, tt.got, secret, tt.name)
			if tt.showsKey {
				assert.Contains(t, tt.got, public)
				assert.Contains(t, tt.got, apikey.Marker)
			}
		})
	}
	assert.Equal(t, shown, fmt.Sprintf("%v", k))
	assert.Equal(t, `"`+shown+`"`, fmt.Sprintf("%q", k))
	assert.Equal(t, `apikey.Key("`+shown+`")`, fmt.Sprintf("%#v", k))
	assert.JSONEq(t, `{"Key":"`+shown+`"}`, jsonOf(exported{k}))
}

func TestZeroKey(t *testing.T) {
	var k apikey.Key
	assert.True(t, k.IsZero())
	assert.Empty(t, k.Header())
	assert.Empty(t, k.Public())
	assert.Empty(t, k.String())
	assert.Equal(t, `apikey.Key("")`, fmt.Sprintf("%#v", k))
	assert.Equal(t, "text "+secret, k.Redact("text "+secret), "the zero key redacts nothing")
}
