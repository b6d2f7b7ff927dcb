package jsonscan_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/lakipay/checkout-go/internal/benchpair"
	"github.com/lakipay/checkout-go/internal/jsonscan"
	"github.com/lakipay/checkout-go/internal/lakipaydocs"
	"github.com/lakipay/checkout-go/internal/webhook"
)

// signedWebhook is a webhook as LakiPay sends it: the docs' payload with a 344-character
// signature (RSA-2048), about 400 bytes.
var signedWebhook = []byte(`{"event":"DEPOSIT","transaction_id":"TXN-123456789","reference":"ORDER-12345","amount":100.00,"currency":"ETB","status":"SUCCESS","medium":"MPESA","timestamp":"2024-01-15T10:30:00Z","signature":"` +
	strings.Repeat("AbCd", 85) + `Ab==` + `"}`)

// paired runs every contender in every iteration (benchpair, 16 calls per timing, so that
// reading the clock costs little) and reports each one's time per call and its ratio to the
// first: the figures to compare on a shared machine.
func paired(b *testing.B, names []string, fns ...func() bool) {
	b.Helper()
	contenders := make([]benchpair.Contender, len(fns))
	for i, fn := range fns {
		contenders[i] = benchpair.Contender{Name: names[i], Run: func() error {
			if !fn() {
				return errors.New("refused a valid document")
			}
			return nil
		}}
	}
	benchpair.RunBatched(b, 16, contenders...)
}

// BenchmarkValid times checking a whole document: the scanner (strict, and plain) against
// encoding/json's json.Valid plus utf8.Valid (what strictness replaces).
func BenchmarkValid(b *testing.B) {
	for name, doc := range map[string][]byte{"docs-request": []byte(lakipaydocs.Request), "webhook": signedWebhook} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			paired(b, []string{"jsonscan-strict", "jsonscan", "encoding-json"},
				func() bool { return jsonscan.Valid(doc, jsonscan.Options{Strict: true}) == nil },
				func() bool { return jsonscan.Valid(doc, jsonscan.Options{}) == nil },
				func() bool { return json.Valid(doc) && utf8.Valid(doc) })
		})
	}
}

// BenchmarkSplitWebhook times splitting a webhook into its top-level fields sorted by key, with
// duplicates refused: the scanner (strict) against internal/webhook's splitter (Fields).
func BenchmarkSplitWebhook(b *testing.B) {
	members := make([]jsonscan.Member, 0, 10)
	b.ReportAllocs()
	paired(b, []string{"jsonscan", "webhook.Fields"},
		func() bool {
			var err error
			members, err = jsonscan.AppendMembers(members[:0], signedWebhook, jsonscan.Options{Strict: true})
			sortMembers(members)
			return err == nil
		},
		func() bool { _, err := webhook.Fields(signedWebhook); return err == nil })
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
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	paired(b, []string{"jsonscan", "encoding-json"},
		func() bool {
			var ok bool
			buf, ok = jsonscan.AppendUnquote(buf[:0], raw)
			return ok
		},
		func() bool { var s string; return json.Unmarshal(raw, &s) == nil })
}
