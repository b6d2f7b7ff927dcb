package jsonscan_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/lakipay/checkout-go/internal/jsonscan"
	"github.com/lakipay/checkout-go/internal/seed"
	"github.com/lakipay/checkout-go/internal/webhook"
)

// signedWebhook is a webhook as LakiPay sends it: the docs' payload with a 344-character
// signature (RSA-2048), about 400 bytes.
var signedWebhook = []byte(`{"event":"DEPOSIT","transaction_id":"TXN-123456789","reference":"ORDER-12345","amount":100.00,"currency":"ETB","status":"SUCCESS","medium":"MPESA","timestamp":"2024-01-15T10:30:00Z","signature":"` +
	strings.Repeat("AbCd", 85) + `Ab==` + `"}`)

// BenchmarkValid times checking a whole document: the scanner (plain and strict) against
// encoding/json's json.Valid (plus utf8.Valid, which strictness replaces), in one run.
func BenchmarkValid(b *testing.B) {
	docs := map[string][]byte{"seed-request": []byte(seed.Request), "webhook": signedWebhook}
	for name, doc := range docs {
		b.Run(name+"/jsonscan", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if jsonscan.Valid(doc, jsonscan.Options{}) != nil {
					b.Fatal("refused")
				}
			}
		})
		b.Run(name+"/jsonscan-strict", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if jsonscan.Valid(doc, jsonscan.Options{Strict: true}) != nil {
					b.Fatal("refused")
				}
			}
		})
		b.Run(name+"/encoding-json", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if !json.Valid(doc) || !utf8.Valid(doc) {
					b.Fatal("refused")
				}
			}
		})
	}
}

// BenchmarkSplitWebhook times splitting a webhook into its top-level fields sorted by key
// with duplicates refused: the scanner (strict) against internal/webhook's splitter.
func BenchmarkSplitWebhook(b *testing.B) {
	b.Run("jsonscan", func(b *testing.B) {
		b.ReportAllocs()
		members := make([]jsonscan.Member, 0, 10)
		for b.Loop() {
			var err error
			members, err = jsonscan.AppendMembers(members[:0], signedWebhook, jsonscan.Options{Strict: true})
			if err != nil {
				b.Fatal(err)
			}
			sortMembers(members)
		}
	})
	b.Run("webhook.Fields", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := webhook.Fields(signedWebhook); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// sortMembers sorts by key as a verifier does (insertion sort: a webhook has few fields).
func sortMembers(m []jsonscan.Member) {
	for i := 1; i < len(m); i++ {
		for j := i; j > 0 && bytes.Compare(m[j].Key, m[j-1].Key) < 0; j-- {
			m[j], m[j-1] = m[j-1], m[j]
		}
	}
}

// BenchmarkUnquote times decoding a string with escapes against json.Unmarshal.
func BenchmarkUnquote(b *testing.B) {
	raw := []byte(`"https://example.com/cb?a=1\u0026b=2\u0026c=\u00e9t\u00e9"`)
	b.Run("jsonscan", func(b *testing.B) {
		b.ReportAllocs()
		buf := make([]byte, 0, 64)
		for b.Loop() {
			var ok bool
			if buf, ok = jsonscan.AppendUnquote(buf[:0], raw); !ok {
				b.Fatal("refused")
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				b.Fatal(err)
			}
		}
	})
}
