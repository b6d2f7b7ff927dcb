package client

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/internal/benchpair"
	"github.com/lakipay/checkout-go/internal/webhook/forge"
)

// hostileBodies are the bodies within MaxWebhookBytes built to cost a webhook endpoint most,
// from the genuine webhook, and how the endpoint must answer each.
func hostileBodies(t testing.TB) (genuine []byte, hostile []forge.Hostile) {
	genuine = []byte(sign(t, webhookPayload, lakipayKey()))
	return genuine, forge.HostileBodies(genuine, MaxWebhookBytes)
}

// TestHostileBodies checks how ParseWebhook and WebhookHandler answer each hostile body (the
// benchmarks time them): each one fits MaxWebhookBytes, so that only the work on it refuses
// it, and the genuine ones padded to the limit pass.
func TestHostileBodies(t *testing.T) {
	_, hostile := hostileBodies(t)
	pub := &lakipayKey().PublicKey
	h := handler(t, pub, func(context.Context, *WebhookEvent) error { return nil })
	for _, body := range hostile {
		t.Run(body.Name, func(t *testing.T) {
			require.LessOrEqual(t, len(body.Body), MaxWebhookBytes)
			_, err := ParseWebhook(body.Body, pub)
			status, _ := postWebhook(t, h, string(body.Body))
			if body.Want == nil {
				require.NoError(t, err)
				require.Equal(t, http.StatusOK, status)
				return
			}
			require.ErrorIs(t, err, body.Want)
			require.Contains(t, err.Error(), body.Why)
			require.Equal(t, http.StatusBadRequest, status)
		})
	}
}

// pairedRatio times hostile and genuine in each iteration (benchpair) and reports hostile's
// time as a ratio to genuine's (hostile/genuine), and genuine's time per call.
func pairedRatio(b *testing.B, hostile, genuine func()) {
	benchpair.Run(b,
		benchpair.Contender{Name: "genuine", Run: func() error { genuine(); return nil }},
		benchpair.Contender{Name: "hostile", Run: func() error { hostile(); return nil }})
}

// BenchmarkParseWebhookHostile times ParseWebhook on each hostile body against the genuine
// webhook in the same run and reports the ratio (x-genuine): at most 5 for every body.
func BenchmarkParseWebhookHostile(b *testing.B) {
	genuine, hostile := hostileBodies(b)
	pub := &lakipayKey().PublicKey
	parse := func(body []byte, want error) func() {
		return func() {
			if _, err := ParseWebhook(body, pub); !errors.Is(err, want) {
				b.Fatalf("got %v, want %v", err, want)
			}
		}
	}
	for _, body := range hostile {
		b.Run(body.Name, func(b *testing.B) { pairedRatio(b, parse(body.Body, body.Want), parse(genuine, nil)) })
	}
}

// BenchmarkWebhookHandlerHostile is BenchmarkParseWebhookHostile end to end: a WebhookHandler
// serving each body as a POST, answered into an httptest.ResponseRecorder.
func BenchmarkWebhookHandlerHostile(b *testing.B) {
	genuine, hostile := hostileBodies(b)
	h := handler(b, &lakipayKey().PublicKey, func(context.Context, *WebhookEvent) error { return nil })
	serve := func(body []byte, want error) func() {
		status := http.StatusOK
		if want != nil {
			status = http.StatusBadRequest
		}
		return func() {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequestWithContext(context.Background(), http.MethodPost, "/webhook", bytes.NewReader(body)))
			if w.Code != status {
				b.Fatalf("status %d, want %d", w.Code, status)
			}
		}
	}
	for _, body := range hostile {
		b.Run(body.Name, func(b *testing.B) { pairedRatio(b, serve(body.Body, body.Want), serve(genuine, nil)) })
	}
}
