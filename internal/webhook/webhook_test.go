package webhook_test

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/internal/lakipaydocs"
	"github.com/lakipay/checkout-go/internal/webhook"
	"github.com/lakipay/checkout-go/internal/webhook/forge"
)

// docsPayload is the payload of LakiPay's webhook documentation (without its signature), and
// docsCanonical the canonical string the documentation gives for it.
const (
	docsPayload   = lakipaydocs.Webhook
	docsCanonical = lakipaydocs.WebhookCanonical
)

// Keys are generated once per test binary: RSA key generation is slow.
var (
	testKey  = sync.OnceValue(func() *rsa.PrivateKey { return generate(2048) })
	otherKey = sync.OnceValue(func() *rsa.PrivateKey { return generate(2048) })
	weakKey  = sync.OnceValue(func() *rsa.PrivateKey { return generate(1024) })
)

func generate(bits int) *rsa.PrivateKey {
	key, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		panic(err)
	}
	return key
}

func TestCanonical(t *testing.T) {
	tests := []struct {
		name, body, want, signature string
	}{
		{name: "docs example", body: docsPayload, want: docsCanonical},
		{name: "signature excluded", body: `{"b":"x","signature":"c2ln","a":1}`, want: "a=1&b=x", signature: "c2ln"},
		{name: "numbers exactly as written", body: `{"a":100.00,"b":1e3,"c":-0.5,"d":100.5}`, want: "a=100.00&b=1e3&c=-0.5&d=100.5"},
		{name: "literals as written", body: `{"t":true,"f":false,"n":null}`, want: "f=false&n=null&t=true"},
		{name: "string escapes decoded", body: `{"s":"a\"b\\c\u00e9\n"}`, want: "s=a\"b\\c\u00e9\n"},
		{name: "escaped key decoded", body: `{"k\u0065y":"v"}`, want: "key=v"},
		{name: "nested object and array compacted", body: `{"o": { "x" : [1, 2 ,{"y": "z z"}] }, "a": [ ]}`, want: `a=[]&o={"x":[1,2,{"y":"z z"}]}`},
		{name: "byte order, upper case first", body: `{"b":1,"B":2,"a":3,"_":4}`, want: "B=2&_=4&a=3&b=1"},
		{name: "empty object", body: ` {} `, want: ""},
		{name: "empty string value", body: `{"a":""}`, want: "a="},
		{name: "only a signature", body: `{"signature":"AAAA"}`, want: "", signature: "AAAA"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, sig, err := webhook.Canonical([]byte(tt.body))
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(got))
			assert.Equal(t, tt.signature, sig)
		})
	}
}

func TestCanonicalRefuses(t *testing.T) {
	tests := []struct {
		name, body, why string
	}{
		{name: "empty", body: ``, why: "not valid JSON"},
		{name: "array", body: `[{"a":1}]`, why: "not a JSON object"},
		{name: "string", body: `"a=1"`, why: "not a JSON object"},
		{name: "null", body: `null`, why: "not a JSON object"},
		{name: "duplicate key", body: `{"amount":1,"amount":1000}`, why: `the key "amount" appears more than once`},
		{name: "duplicate key after decoding", body: `{"amount":1,"\u0061mount":1000}`, why: `the key "amount" appears more than once`},
		{name: "duplicate signature", body: `{"signature":"AA==","signature":"AA=="}`, why: "duplicate key"},
		{name: "trailing object", body: `{"a":1}{"b":2}`, why: "not valid JSON"},
		{name: "trailing garbage", body: `{"a":1} x`, why: "not valid JSON"},
		{name: "unterminated", body: `{"a":1`, why: "not valid JSON"},
		{name: "single quotes", body: `{'a':1}`, why: "not valid JSON"},
		{name: "invalid UTF-8", body: "{\"a\":\"\xff\"}", why: "not valid UTF-8"},
		{name: "signature not a string", body: `{"a":1,"signature":12}`, why: `"signature" is not a string`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := webhook.Canonical([]byte(tt.body))
			require.Error(t, err)
			assert.ErrorIs(t, err, webhook.ErrMalformed)
			assert.Contains(t, err.Error(), tt.why)
		})
	}
}

// TestCanonicalRefusesAmbiguity covers issue 10: a body is accepted only when its canonical
// string splits back into exactly its own fields. The reason names the key, never the value.
func TestCanonicalRefusesAmbiguity(t *testing.T) {
	tests := []struct {
		name, body, why string
	}{
		{name: "& in a key", body: `{"a":"1","zz&status":"SUCCESS"}`, why: `key "zz&status" holds "&"`},
		{name: "= in a key", body: `{"a=b":"c"}`, why: `key "a=b" holds "="`},
		{name: "escaped & in a key", body: `{"a\u0026b":"c"}`, why: `key "a&b" holds "&"`},
		{name: "escaped = in a key", body: `{"a\u003db":"c"}`, why: `key "a=b" holds "="`},
		{name: "& in a string value", body: `{"reference":"X&status=SUCCESS","status":"CANCELLED"}`, why: `the value of "reference" holds "&"`},
		{name: "escaped & in a string value", body: `{"reference":"X\u0026status=SUCCESS"}`, why: `the value of "reference" holds "&"`},
		{name: "& in a nested object", body: `{"meta":{"note":"a&b"}}`, why: `the value of "meta" holds "&"`},
		{name: "& in an array", body: `{"list":["a&b"]}`, why: `the value of "list" holds "&"`},
		{name: "& in a nested key", body: `{"meta": { "a&b" : 1 }}`, why: `the value of "meta" holds "&"`},
		{name: "& deep in an array of objects", body: `{"list":[{"k":["x", "y&z"]}]}`, why: `the value of "list" holds "&"`},
		{name: "a key that only starts like signature", body: `{"signature&":"x"}`, why: `key "signature&" holds "&"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := webhook.Canonical([]byte(tt.body))
			require.Error(t, err)
			assert.ErrorIs(t, err, webhook.ErrAmbiguous)
			assert.ErrorIs(t, err, webhook.ErrMalformed, "an ambiguous body is a malformed one")
			assert.Equal(t, "ambiguous webhook body: "+tt.why, err.Error())
			assert.NotContains(t, err.Error(), "SUCCESS", "the value is never repeated")
			_, err = webhook.Sign([]byte(tt.body), testKey())
			assert.ErrorIs(t, err, webhook.ErrAmbiguous, "Sign refuses what Canonical refuses")
			_, err = webhook.Fields([]byte(tt.body))
			assert.NoError(t, err, "the body is valid JSON: only its canonical string is ambiguous")
		})
	}
	t.Run("= and & elsewhere are unambiguous", func(t *testing.T) {
		for _, body := range []string{`{"a":"b=c"}`, `{"a":"=","b":"x==y"}`, `{"signature":"a&b=c"}`, `{"":"x"}`, `{"meta":{"k":"a\u0026b"}}`} {
			_, _, err := webhook.Canonical([]byte(body))
			assert.NoError(t, err, body)
		}
	})
}

func TestSign(t *testing.T) {
	docsShortest := strings.Replace(docsPayload, "100.00", "100", 1)
	tests := []struct {
		name, body, wantPrefix, wantSuffix string
	}{
		{name: "appends to the docs payload, amount in shortest form", body: docsPayload, wantPrefix: docsShortest[:len(docsShortest)-2] + `,"signature":"`, wantSuffix: "\"\n}"},
		{name: "appends after the last field, not the first sorted", body: `{"z":1 , "a":2 }`, wantPrefix: `{"z":1 , "a":2,"signature":"`, wantSuffix: `" }`},
		{name: "replaces an existing signature in place", body: `{"a": 100.00, "signature": "old", "z": true}`, wantPrefix: `{"a": 100, "signature": "`, wantSuffix: `", "z": true}`},
		{name: "empty object", body: `{}`, wantPrefix: `{"signature":"`, wantSuffix: `"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			signed, err := webhook.Sign([]byte(tt.body), testKey())
			require.NoError(t, err)
			assert.True(t, strings.HasPrefix(string(signed), tt.wantPrefix), "got %s", signed)
			assert.True(t, strings.HasSuffix(string(signed), tt.wantSuffix), "got %s", signed)
			assert.True(t, json.Valid(signed))
			require.NoError(t, webhook.Verify(signed, &testKey().PublicKey))

			// The signature is what a bare RSA PKCS#1 v1.5 / SHA-256 signer produces over the
			// canonical string: the docs' algorithm, independently of Verify.
			canonical, sig, err := webhook.Canonical(signed)
			require.NoError(t, err)
			raw, err := base64.StdEncoding.DecodeString(sig)
			require.NoError(t, err)
			digest := sha256.Sum256(canonical)
			assert.NoError(t, rsa.VerifyPKCS1v15(&testKey().PublicKey, crypto.SHA256, digest[:], raw))
		})
	}
}

// TestSignDocsExampleCanonical signs the docs' payload: the signature covers the docs'
// canonical string with the amount in shortest form, and a signature over the docs' own
// canonical string (amount=100.00) verifies the docs' body as written.
func TestSignDocsExampleCanonical(t *testing.T) {
	signed, err := webhook.Sign([]byte(docsPayload), testKey())
	require.NoError(t, err)
	canonical, _, err := webhook.Canonical(signed)
	require.NoError(t, err)
	assert.Equal(t, strings.Replace(docsCanonical, "amount=100.00", "amount=100", 1), string(canonical))

	sig, err := forge.SignCanonical(testKey(), docsCanonical)
	require.NoError(t, err)
	assert.NoError(t, webhook.Verify([]byte(forge.WithSignature(docsPayload, sig)), &testKey().PublicKey))
}

// TestSignWritesShortestNumbers checks that Sign writes every top-level number in the form
// LakiPay's SDKs and the raw text agree on, and refuses one they would not write alike.
func TestSignWritesShortestNumbers(t *testing.T) {
	tests := []struct{ in, out string }{
		{in: "100.00", out: "100"},
		{in: "1000.50", out: "1000.5"},
		{in: "1000.5", out: "1000.5"},
		{in: "0.070", out: "0.07"},
		{in: "1e3", out: "1000"},
		{in: "1.5E+2", out: "150"},
		{in: "12345e-2", out: "123.45"},
		{in: "-0.0", out: "0"},
		{in: "-0", out: "0"},
		{in: "0e5", out: "0"},
		{in: "-250.750", out: "-250.75"},
		{in: "999999999999.99", out: "999999999999.99"},
		{in: "0.0001", out: "0.0001"},
		{in: "123456789012345e6", out: "123456789012345000000"},
		{in: "0.000123456789012345", out: "0.000123456789012345"},
		{in: "100000000000000000000.000", out: "100000000000000000000"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			body := `{"amount": ` + tt.in + ` ,"nested":{"a":1.50},"list":[2.0],"text":"1.50"}`
			signed, err := webhook.Sign([]byte(body), testKey())
			require.NoError(t, err)
			want := `{"amount": ` + tt.out + ` ,"nested":{"a":1.50},"list":[2.0],"text":"1.50","signature":"`
			assert.True(t, strings.HasPrefix(string(signed), want), "got %s", signed)
			assert.NoError(t, webhook.Verify(signed, &testKey().PublicKey))
		})
	}
	refused := []struct{ in, why string }{
		{in: "1.2345678901234567", why: "more than 15 significant digits"},
		{in: "1234567890123456", why: "more than 15 significant digits"},
		{in: "1e21", why: "an integer of 1e21 or more"},
		{in: "1000000000000000000000", why: "an integer of 1e21 or more"},
		{in: "1e400", why: "an integer of 1e21 or more"},
		{in: "0.00001", why: "a magnitude below 1e-4"},
		{in: "-1e-400", why: "a magnitude below 1e-4"},
	}
	for _, tt := range refused {
		t.Run("refuses "+tt.in, func(t *testing.T) {
			_, err := webhook.Sign([]byte(`{"a":"x","amount":`+tt.in+`}`), testKey())
			require.Error(t, err)
			assert.ErrorIs(t, err, webhook.ErrMalformed)
			assert.Equal(t, `malformed webhook body: field "amount": a number with `+tt.why+
				`, which LakiPay's SDKs do not write alike`, err.Error())
		})
	}
}

func TestSignRefuses(t *testing.T) {
	_, err := webhook.Sign([]byte(docsPayload), nil)
	assert.ErrorIs(t, err, webhook.ErrNoKey)
	_, err = webhook.Sign([]byte(docsPayload), weakKey())
	assert.ErrorIs(t, err, webhook.ErrInvalidKey)
	_, err = webhook.Sign([]byte(`[1]`), testKey())
	assert.ErrorIs(t, err, webhook.ErrMalformed)

	// A body the signature takes over a limit: a verifier would refuse what a signer wrote.
	fields := func(n int) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = fmt.Sprintf(`"f%02d":%d`, i, i)
		}
		return "{" + strings.Join(parts, ",") + "}"
	}
	long := func(n int) string { return `{"r":"` + strings.Repeat("x", n) + `"}` }
	for body, over := range map[string]bool{
		fields(webhook.MaxFields - 1):       false,
		fields(webhook.MaxFields):           true,
		long(webhook.MaxCompactBytes - 400): false,
		long(webhook.MaxCompactBytes - 300): true,
	} {
		signed, err := webhook.Sign([]byte(body), testKey())
		if !over {
			require.NoError(t, err)
			require.NoError(t, webhook.Verify(signed, &testKey().PublicKey))
			continue
		}
		require.ErrorIs(t, err, webhook.ErrMalformed)
		assert.Contains(t, err.Error(), "over a limit")
		_, _, err = webhook.Canonical([]byte(body))
		assert.NoError(t, err, "within the limits before it is signed")
	}
}

func TestVerify(t *testing.T) {
	signed, err := webhook.Sign([]byte(docsPayload), testKey())
	require.NoError(t, err)
	good := string(signed)
	_, sig, err := webhook.Canonical(signed)
	require.NoError(t, err)
	shift, err := forge.NewShift(testKey(), forge.ReportedShift)
	require.NoError(t, err)

	tests := []struct {
		name string
		body string
		key  *rsa.PublicKey
		want error
	}{
		{name: "authentic", body: good, key: &testKey().PublicKey},
		{name: "whitespace outside values does not matter", body: strings.ReplaceAll(good, "\n", "\n\t "), key: &testKey().PublicKey},
		{name: "field order does not matter", body: `{"signature":"` + sig + `","transaction_id":"TXN-123456789","timestamp":"2024-01-15T10:30:00Z","status":"SUCCESS","reference":"ORDER-12345","event":"DEPOSIT","currency":"ETB","amount":100}`, key: &testKey().PublicKey},
		{name: "amount changed", body: strings.Replace(good, `"amount": 100,`, `"amount": 900,`, 1), key: &testKey().PublicKey, want: webhook.ErrInvalidSignature},
		{name: "amount written in another exact form", body: strings.Replace(good, `"amount": 100,`, `"amount": 100.00,`, 1), key: &testKey().PublicKey},
		{name: "amount rounded", body: strings.Replace(good, `"amount": 100,`, `"amount": 100.001,`, 1), key: &testKey().PublicKey, want: webhook.ErrInvalidSignature},
		{name: "amount as a string of the same text (types are not signed)", body: strings.Replace(good, `"amount": 100,`, `"amount": "100",`, 1), key: &testKey().PublicKey},
		{name: "ambiguous field added", body: strings.Replace(good, "{", `{"zz&x":"y",`, 1), key: &testKey().PublicKey, want: webhook.ErrAmbiguous},
		{name: "status changed", body: strings.Replace(good, `"SUCCESS"`, `"FAILED"`, 1), key: &testKey().PublicKey, want: webhook.ErrInvalidSignature},
		{name: "field added", body: strings.Replace(good, "{", `{"extra":1,`, 1), key: &testKey().PublicKey, want: webhook.ErrInvalidSignature},
		{name: "signed by another key", body: good, key: &otherKey().PublicKey, want: webhook.ErrInvalidSignature},
		{name: "signature not base64", body: strings.Replace(good, sig, "!!!!", 1), key: &testKey().PublicKey, want: webhook.ErrInvalidSignature},
		{name: "signature truncated", body: strings.Replace(good, sig, sig[:40], 1), key: &testKey().PublicKey, want: webhook.ErrInvalidSignature},
		{name: "unsigned", body: docsPayload, key: &testKey().PublicKey, want: webhook.ErrNoSignature},
		{name: "empty signature", body: strings.Replace(good, sig, "", 1), key: &testKey().PublicKey, want: webhook.ErrNoSignature},
		{name: "no key", body: good, key: nil, want: webhook.ErrNoKey},
		{name: "weak key", body: good, key: &weakKey().PublicKey, want: webhook.ErrInvalidKey},
		{name: "malformed", body: good + "x", key: &testKey().PublicKey, want: webhook.ErrMalformed},
		{name: "duplicate amount smuggled in", body: strings.Replace(good, "{", `{"amount":5.00,`, 1), key: &testKey().PublicKey, want: webhook.ErrMalformed},
		{name: "amount in upper-case exponent form", body: strings.Replace(good, `"amount": 100,`, `"amount": 1E2,`, 1), key: &testKey().PublicKey},
		{name: "amount a float would round to the signed one", body: strings.Replace(good, `"amount": 100,`, `"amount": 100.0000000000000001,`, 1), key: &testKey().PublicKey, want: webhook.ErrInvalidSignature},
		{name: "duplicate amount smuggled through an escaped key", body: strings.Replace(good, "{", `{"\u0061mount":5.00,`, 1), key: &testKey().PublicKey, want: webhook.ErrMalformed},
		{name: "second signature smuggled through an escaped key", body: strings.Replace(good, "{", `{"signatur\u0065":"`+sig+`",`, 1), key: &testKey().PublicKey, want: webhook.ErrMalformed},
		{name: "reference made ambiguous by an escaped &", body: strings.Replace(good, `"ORDER-12345"`, `"ORDER-12345\u0026status=SUCCESS"`, 1), key: &testKey().PublicKey, want: webhook.ErrAmbiguous},
		{name: "shifted through a key", body: shift.ThroughKey, key: &testKey().PublicKey, want: webhook.ErrAmbiguous},
		{name: "shifted through a value", body: shift.ThroughValue, key: &testKey().PublicKey, want: webhook.ErrAmbiguous},
		{name: "the genuine ambiguous original", body: shift.Original, key: &testKey().PublicKey, want: webhook.ErrAmbiguous},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := webhook.Verify([]byte(tt.body), tt.key)
			if tt.want == nil {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, tt.want)
			assert.NotContains(t, err.Error(), sig, "errors never repeat the signature")
		})
	}
}

func TestParsePublicKey(t *testing.T) {
	pub := &testKey().PublicKey
	pkix := webhook.EncodePublicKey(pub)
	pkcs1 := pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(pub)})
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	ecDER, err := x509.MarshalPKIXPublicKey(&ecKey.PublicKey)
	require.NoError(t, err)
	weakDER, err := x509.MarshalPKIXPublicKey(&weakKey().PublicKey)
	require.NoError(t, err)

	tests := []struct {
		name string
		pem  []byte
		why  string
	}{
		{name: "PKIX", pem: pkix},
		{name: "PKCS#1", pem: pkcs1},
		{name: "PKIX with surrounding text", pem: append(append([]byte("LakiPay public key:\n"), pkix...), "\n-- end\n"...)},
		{name: "empty", pem: nil, why: "no PEM block"},
		{name: "not PEM", pem: []byte("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"), why: "no PEM block"},
		{name: "private key block", pem: pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{1}}), why: `"PRIVATE KEY" is not a public key`},
		{name: "EC key", pem: pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: ecDER}), why: "not an RSA key"},
		{name: "1024-bit key", pem: pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: weakDER}), why: "1024-bit RSA key, want at least 2048"},
		{name: "corrupt DER", pem: pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: []byte("garbage")}), why: "invalid webhook key"},
		{name: "corrupt PKCS#1", pem: pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: []byte("garbage")}), why: "invalid webhook key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key, err := webhook.ParsePublicKey(tt.pem)
			if tt.why == "" {
				require.NoError(t, err)
				assert.True(t, pub.Equal(key))
				return
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, webhook.ErrInvalidKey)
			assert.Contains(t, err.Error(), tt.why)
		})
	}
}

func TestEncodePublicKey(t *testing.T) {
	assert.Nil(t, webhook.EncodePublicKey(nil))
	block, rest := pem.Decode(webhook.EncodePublicKey(&testKey().PublicKey))
	require.NotNil(t, block)
	assert.Equal(t, "PUBLIC KEY", block.Type)
	assert.Empty(t, rest)
}

// FuzzCanonical checks that canonicalisation never panics, that what it accepts splits back
// into exactly the body's fields (the canonical string determines them) and what it refuses as
// ambiguous really is, and that Sign signs what it accepts (numbers in shortest form) unless
// a number is one LakiPay's SDKs do not write alike.
func FuzzCanonical(f *testing.F) {
	for _, seed := range []string{docsPayload, `{}`, `{"a":{"b":[1,"x",null]},"signature":"AA=="}`,
		`{"a":1,"a":2}`, `[]`, `{"s":"\u00e9\\\""}`, `{"a":1}x`, "{\"a\":\"\xff\"}",
		`{"a&b":1}`, `{"a=b":"c"}`, `{"r":"x&y"}`, `{"r":"x=y","":"="}`, `{"o":{"k":"&"}}`, `{"a":1.2345678901234567}`,
		`{"a":1e21,"b":0.00001}`, `{"signature":"&="}`} {
		f.Add([]byte(seed))
	}
	key := testKey()
	f.Fuzz(func(t *testing.T, body []byte) {
		canonical, _, err := webhook.Canonical(body)
		checkUnambiguous(t, body, canonical, err)
		if err != nil {
			assert.ErrorIs(t, err, webhook.ErrMalformed)
			return
		}
		signed, err := webhook.Sign(body, key)
		if err != nil {
			require.ErrorIs(t, err, webhook.ErrMalformed)
			if !strings.Contains(err.Error(), "over a limit") { // what the signature adds
				require.Contains(t, err.Error(), "which LakiPay's SDKs do not write alike")
			}
			return
		}
		require.NoError(t, webhook.Verify(signed, &key.PublicKey))
		again, _, err := webhook.Canonical(signed)
		checkUnambiguous(t, signed, again, err)
		require.NoError(t, err)
		assert.Equal(t, len(bytes.Split(canonical, []byte("&"))), len(bytes.Split(again, []byte("&"))))
	})
}

// checkUnambiguous checks Canonical's verdict on body against encoding/json: when it accepts,
// splitting the canonical string on "&" and each part on its first "=" gives back exactly the
// body's fields but "signature" (key and canonical value text; the empty canonical string
// stands for no field); when it refuses a body as ambiguous, a key holds "&" or "=" or a
// value's canonical text holds "&".
func checkUnambiguous(t *testing.T, body, canonical []byte, err error) {
	t.Helper()
	keys, values, ok := referenceFields(t, body)
	if !ok || (err != nil && !errors.Is(err, webhook.ErrAmbiguous)) {
		return // not a JSON object, or refused for another reason (duplicate key, signature)
	}
	want := map[string]string{}
	ambiguous := false
	for i, k := range keys {
		if k == webhook.SignatureField {
			continue
		}
		text := canonicalText(t, []byte(values[i]))
		want[k] = text
		ambiguous = ambiguous || strings.ContainsAny(k, "&=") || strings.Contains(text, "&")
	}
	if err != nil {
		assert.True(t, ambiguous, "refused as ambiguous but every field is unambiguous: %q", body)
		return
	}
	require.False(t, ambiguous, "accepted an ambiguous body %q", body)
	got := map[string]string{}
	if len(canonical) > 0 {
		for part := range strings.SplitSeq(string(canonical), "&") {
			k, v, found := strings.Cut(part, "=")
			require.True(t, found, "part %q of %q has no '='", part, canonical)
			_, dup := got[k]
			require.False(t, dup, "key %q twice in %q", k, canonical)
			got[k] = v
		}
	}
	assert.Equal(t, want, got)
}

// canonicalText is a value's text in the canonical string, computed with encoding/json: a
// string decoded, an object or array compacted, anything else as written.
func canonicalText(t *testing.T, raw []byte) string {
	t.Helper()
	switch raw[0] {
	case '"':
		var s string
		require.NoError(t, json.Unmarshal(raw, &s))
		return s
	case '{', '[':
		var buf bytes.Buffer
		require.NoError(t, json.Compact(&buf, raw))
		return buf.String()
	}
	return string(raw)
}

// TestShiftForgery checks the forgery of issue 10 end to end: the forged bodies carry a
// signature that a verifier without the ambiguity check accepts, and Verify refuses them and
// the original.
func TestShiftForgery(t *testing.T) {
	shift, err := forge.NewShift(testKey(), forge.ReportedShift)
	require.NoError(t, err)
	for name, body := range map[string]string{"original": shift.Original, "through a key": shift.ThroughKey, "through a value": shift.ThroughValue} {
		t.Run(name, func(t *testing.T) {
			naive, err := forge.NaiveCanonical(body)
			require.NoError(t, err)
			require.Equal(t, shift.Canonical, naive)
			var parsed struct{ Signature string }
			require.NoError(t, json.Unmarshal([]byte(body), &parsed))
			sig, err := base64.StdEncoding.DecodeString(parsed.Signature)
			require.NoError(t, err)
			digest := sha256.Sum256([]byte(naive))
			require.NoError(t, rsa.VerifyPKCS1v15(&testKey().PublicKey, crypto.SHA256, digest[:], sig),
				"the signature is genuine over the shared canonical string")
			err = webhook.Verify([]byte(body), &testKey().PublicKey)
			assert.ErrorIs(t, err, webhook.ErrAmbiguous)
			assert.NotContains(t, err.Error(), "TXN-")
		})
	}
}

// BenchmarkVerify compares Verify with a bare rsa.VerifyPKCS1v15 over a precomputed hash, so
// that the cost of canonicalisation shows as a ratio of the two in one run.
func BenchmarkVerify(b *testing.B) {
	signed, err := webhook.Sign([]byte(docsPayload), testKey())
	require.NoError(b, err)
	pub := &testKey().PublicKey
	b.Run("Verify", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := webhook.Verify(signed, pub); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("bare-rsa", func(b *testing.B) {
		canonical, sig, err := webhook.Canonical(signed)
		require.NoError(b, err)
		raw, err := base64.StdEncoding.DecodeString(sig)
		require.NoError(b, err)
		digest := sha256.Sum256(canonical)
		b.ReportAllocs()
		for b.Loop() {
			if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], raw); err != nil {
				b.Fatal(err)
			}
		}
	})
}
