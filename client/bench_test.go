package client

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/internal/benchpair"
	"github.com/lakipay/checkout-go/internal/webhook"
)

// BenchmarkCreateCheckout compares the SDK's CreateCheckout (local validation, typed errors,
// retry bookkeeping) with a hand-written net/http + encoding/json call to the same server, in
// the same run: compare the two ns/op as a ratio.
func BenchmarkCreateCheckout(b *testing.B) {
	// A server that records nothing: the test server's request log would grow the heap, and
	// the garbage collector's work with it, for the whole run.
	srv := &server{Server: httptest.NewServer(reply(http.StatusOK, docsResponse))}
	b.Cleanup(srv.Close)
	req := docsRequest(b)
	ctx := context.Background()

	b.Run("sdk", func(b *testing.B) {
		c, _ := testClient(b, srv.baseURL())
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.CreateCheckout(ctx, req); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("nethttp", func(b *testing.B) {
		hc := &http.Client{}
		b.ReportAllocs()
		for b.Loop() {
			if err := handWritten(ctx, hc, srv.baseURL()+"/payment/checkout", req); err != nil {
				b.Fatal(err)
			}
		}
	})
	// paired runs both calls in every iteration (benchpair), so that load from other processes
	// hits both alike, and reports their ratio, sdk/base.
	b.Run("paired", func(b *testing.B) {
		c, _ := testClient(b, srv.baseURL())
		hc := &http.Client{}
		benchpair.Run(b,
			benchpair.Contender{Name: "base", Run: func() error { return handWritten(ctx, hc, srv.baseURL()+"/payment/checkout", req) }},
			benchpair.Contender{Name: "sdk", Run: func() error { _, err := c.CreateCheckout(ctx, req); return err }})
	})
}

// handWritten is the least a careful caller would write without the SDK.
func handWritten(ctx context.Context, hc *http.Client, url string, body CheckoutRequest) error {
	buf, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(buf))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-API-Key", testAPIKey)
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponseBytes))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	var out CheckoutResponse
	return json.Unmarshal(data, &out)
}

// BenchmarkParseWebhook compares ParseWebhook (verify, decode, schema check) and the bare
// signature check with rsa.VerifyPKCS1v15 over a precomputed hash, in the same run.
func BenchmarkParseWebhook(b *testing.B) {
	signed := []byte(sign(b, webhookPayload, lakipayKey()))
	pub := &lakipayKey().PublicKey
	b.Run("ParseWebhook", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := ParseWebhook(signed, pub); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Verify", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := webhook.Verify(signed, pub); err != nil {
				b.Fatal(err)
			}
		}
	})
	canonical, sig, err := webhook.Canonical(signed)
	require.NoError(b, err)
	raw, err := base64.StdEncoding.DecodeString(sig)
	require.NoError(b, err)
	digest := sha256.Sum256(canonical)
	bare := func() error { return rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], raw) }
	b.Run("bare-rsa", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := bare(); err != nil {
				b.Fatal(err)
			}
		}
	})
	base := benchpair.Contender{Name: "base", Run: bare}
	b.Run("paired-ParseWebhook", func(b *testing.B) {
		benchpair.Run(b, base, benchpair.Contender{Name: "sdk", Run: func() error { _, err := ParseWebhook(signed, pub); return err }})
	})
	b.Run("paired-Verify", func(b *testing.B) {
		benchpair.Run(b, base, benchpair.Contender{Name: "sdk", Run: func() error { return webhook.Verify(signed, pub) }})
	})
}
