package webhook_test

import (
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
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/internal/webhook"
)

// docsPayload is the payload of LakiPay's webhook documentation (without its signature).
const docsPayload = `{
  "event": "DEPOSIT",
  "transaction_id": "TXN-123456789",
  "reference": "ORDER-12345",
  "amount": 100.00,
  "currency": "ETB",
  "status": "SUCCESS",
  "timestamp": "2024-01-15T10:30:00Z"
}`

// docsCanonical is the canonical string LakiPay's documentation gives for docsPayload.
const docsCanonical = "amount=100.00&currency=ETB&event=DEPOSIT&reference=ORDER-12345&status=SUCCESS&timestamp=2024-01-15T10:30:00Z&transaction_id=TXN-123456789"

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
		{name: "duplicate key", body: `{"amount":1,"amount":1000}`, why: `duplicate key "amount"`},
		{name: "duplicate key after decoding", body: `{"amount":1,"\u0061mount":1000}`, why: `duplicate key "amount"`},
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

func TestSign(t *testing.T) {
	tests := []struct {
		name, body, wantPrefix, wantSuffix string
	}{
		{name: "appends to the docs payload", body: docsPayload, wantPrefix: docsPayload[:len(docsPayload)-2] + `,"signature":"`, wantSuffix: "\"\n}"},
		{name: "appends after the last field, not the first sorted", body: `{"z":1 , "a":2 }`, wantPrefix: `{"z":1 , "a":2,"signature":"`, wantSuffix: `" }`},
		{name: "replaces an existing signature in place", body: `{"a": 100.00, "signature": "old", "z": true}`, wantPrefix: `{"a": 100.00, "signature": "`, wantSuffix: `", "z": true}`},
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

func TestSignDocsExampleCanonical(t *testing.T) {
	signed, err := webhook.Sign([]byte(docsPayload), testKey())
	require.NoError(t, err)
	canonical, _, err := webhook.Canonical(signed)
	require.NoError(t, err)
	assert.Equal(t, docsCanonical, string(canonical), "the signature must cover the docs' canonical string")
}

func TestSignRefuses(t *testing.T) {
	_, err := webhook.Sign([]byte(docsPayload), nil)
	assert.ErrorIs(t, err, webhook.ErrNoKey)
	_, err = webhook.Sign([]byte(docsPayload), weakKey())
	assert.ErrorIs(t, err, webhook.ErrInvalidKey)
	_, err = webhook.Sign([]byte(`[1]`), testKey())
	assert.ErrorIs(t, err, webhook.ErrMalformed)
}

func TestVerify(t *testing.T) {
	signed, err := webhook.Sign([]byte(docsPayload), testKey())
	require.NoError(t, err)
	good := string(signed)
	_, sig, err := webhook.Canonical(signed)
	require.NoError(t, err)

	tests := []struct {
		name string
		body string
		key  *rsa.PublicKey
		want error
	}{
		{name: "authentic", body: good, key: &testKey().PublicKey},
		{name: "whitespace outside values does not matter", body: strings.ReplaceAll(good, "\n", "\n\t "), key: &testKey().PublicKey},
		{name: "field order does not matter", body: `{"signature":"` + sig + `","transaction_id":"TXN-123456789","timestamp":"2024-01-15T10:30:00Z","status":"SUCCESS","reference":"ORDER-12345","event":"DEPOSIT","currency":"ETB","amount":100.00}`, key: &testKey().PublicKey},
		{name: "amount changed", body: strings.Replace(good, "100.00", "900.00", 1), key: &testKey().PublicKey, want: webhook.ErrInvalidSignature},
		{name: "amount reformatted", body: strings.Replace(good, "100.00", "100", 1), key: &testKey().PublicKey, want: webhook.ErrInvalidSignature},
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

// FuzzCanonical checks that canonicalisation never panics, and that whatever it accepts can be
// signed and verified, with Sign leaving the canonical string unchanged.
func FuzzCanonical(f *testing.F) {
	for _, seed := range []string{docsPayload, `{}`, `{"a":{"b":[1,"x",null]},"signature":"AA=="}`,
		`{"a":1,"a":2}`, `[]`, `{"s":"\u00e9\\\""}`, `{"a":1}x`, "{\"a\":\"\xff\"}"} {
		f.Add([]byte(seed))
	}
	key := testKey()
	f.Fuzz(func(t *testing.T, body []byte) {
		canonical, _, err := webhook.Canonical(body)
		if err != nil {
			assert.ErrorIs(t, err, webhook.ErrMalformed)
			return
		}
		signed, err := webhook.Sign(body, key)
		require.NoError(t, err)
		require.NoError(t, webhook.Verify(signed, &key.PublicKey))
		again, _, err := webhook.Canonical(signed)
		require.NoError(t, err)
		assert.Equal(t, string(canonical), string(again))
	})
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
