// What a team gets from ogen on openapi-3.1.yaml: .ci/interop/run copies this file next to the
// generated package.
package lakipay

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every amount field is a 64-bit float, and the webhook has a typed handler and client; none
// of this compiles otherwise.
var (
	_ WebhookHandler = receiver{}
	_                = func(e WebhookEvent, r CheckoutRequest, s CheckoutSession, tr Transaction) {
		float64Kind(e.Amount)
		float64Kind(r.Amount)
		float64Kind(s.Amount)
		float64Kind(tr.Amount)
		float64Kind(tr.FeeAmount.Value)
		float64Kind(tr.TotalAmount.Value)
	}
	_ func(*WebhookClient, context.Context, string, *WebhookEvent) (PaymentStatusChangedRes, error) = (*WebhookClient).PaymentStatusChanged
)

// receiver is a merchant's webhook handler, as ogen types it.
type receiver struct{ got chan<- *WebhookEvent }

func (r receiver) PaymentStatusChanged(_ context.Context, req *WebhookEvent) (PaymentStatusChangedRes, error) {
	r.got <- req
	return &PaymentStatusChangedOK{}, nil
}

// Every amount survives ogen's webhook client, its webhook server (which decodes and validates
// the body against the spec, multipleOf 0.01 included) and ogen's encoder.
func TestWebhookAmountsExact(t *testing.T) {
	got := make(chan *WebhookEvent, 1)
	srv, err := NewWebhookServer(receiver{got: got})
	require.NoError(t, err)
	hs := httptest.NewServer(srv.Handler("paymentStatusChanged"))
	t.Cleanup(hs.Close)
	client, err := NewWebhookClient(WithClient(hs.Client()))
	require.NoError(t, err)

	for _, amount := range amounts {
		t.Run(amount, func(t *testing.T) {
			var ev WebhookEvent
			require.NoError(t, ev.UnmarshalJSON([]byte(webhookBody(amount))))
			require.NoError(t, ev.Validate(), "ogen's validators refuse a valid amount")
			requireExact(t, amount, float64(ev.Amount))

			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			res, err := client.PaymentStatusChanged(ctx, hs.URL, &ev)
			require.NoError(t, err)
			assert.IsType(t, &PaymentStatusChangedOK{}, res)
			received := <-got
			requireExact(t, amount, float64(received.Amount))
			assert.Equal(t, TransactionTypeDEPOSIT, received.Event, "the event is a TransactionType")
		})
	}
}

// A body that breaks the spec is refused by ogen's webhook server before the handler runs.
func TestWebhookServerValidates(t *testing.T) {
	got := make(chan *WebhookEvent, 1)
	srv, err := NewWebhookServer(receiver{got: got})
	require.NoError(t, err)
	for _, amount := range []string{"9.555", "0", "-1", `"10"`} {
		t.Run(amount, func(t *testing.T) {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(webhookBody(amount)))
			req.Header.Set("Content-Type", "application/json")
			srv.Handler("paymentStatusChanged").ServeHTTP(rec, req)
			assert.Equal(t, http.StatusBadRequest, rec.Code, rec.Body.String())
			assert.Empty(t, got, "the handler ran for an invalid body")
		})
	}
}
