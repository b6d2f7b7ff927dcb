package webhooks

import (
	"crypto/rsa"
	"encoding/json"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/internal/webhook"
)

// Sign returns event as LakiPay sends it: its JSON, each top-level number in its shortest
// exact form, signed with key in its own signature field (see package webhook).
func Sign(event client.WebhookEvent, key *rsa.PrivateKey) ([]byte, error) {
	raw, err := json.Marshal(event)
	if err != nil {
		return nil, err
	}
	return webhook.Sign(raw, key)
}
