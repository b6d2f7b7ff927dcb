// What a team gets from plain oapi-codegen (-generate types, no configuration, no overlay) on
// openapi.yaml: .ci/interop/run copies this file next to the generated types.
package lakipay

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The webhook payload type exists, is the callback's request body, and every amount field is
// a 64-bit float; none of this compiles otherwise.
var (
	_ ReceivePaymentWebhookJSONRequestBody = WebhookEvent{}
	_                                      = func(e WebhookEvent, r CheckoutRequest, s CheckoutSession, tr Transaction) {
		float64Kind(e.Amount)
		float64Kind(r.Amount)
		float64Kind(s.Amount)
		float64Kind(tr.Amount)
		float64Kind(*tr.FeeAmount)
		float64Kind(*tr.TotalAmount)
	}
)

// Every amount survives a webhook body decoded by encoding/json into WebhookEvent and encoded
// back (plain oapi-codegen's float32 turned 999999999.99 into 1000000000).
func TestWebhookAmountsExact(t *testing.T) {
	for _, amount := range amounts {
		t.Run(amount, func(t *testing.T) {
			var ev WebhookEvent
			require.NoError(t, json.Unmarshal([]byte(webhookBody(amount)), &ev))
			requireExact(t, amount, ev.Amount)
			assert.Equal(t, DEPOSIT, ev.Event, "the event is a TransactionType")
			assert.Equal(t, "TXN-123456789", ev.TransactionId)

			out, err := json.Marshal(ev)
			require.NoError(t, err)
			var back map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(out, &back))
			assert.Equal(t, amount, string(back["amount"]), "encoding the event changed the amount")
		})
	}
}
