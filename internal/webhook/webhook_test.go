package webhook_test

import (
	"crypto/rand"
	"crypto/rsa"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/internal/webhook"
)

// docsPayload is the payload of LakiPay's webhook documentation.
const docsPayload = `{
  "event": "DEPOSIT",
  "transaction_id": "TXN-123456789",
  "reference": "ORDER-12345",
  "amount": 100.00,
  "currency": "ETB",
  "status": "SUCCESS",
  "timestamp": "2024-01-15T10:30:00Z"
}`

const docsCanonical = "amount=100.00&currency=ETB&event=DEPOSIT&reference=ORDER-12345&status=SUCCESS&timestamp=2024-01-15T10:30:00Z&transaction_id=TXN-123456789"

var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return key
})

func TestCanonicalDocsExample(t *testing.T) {
	got, sig, err := webhook.Canonical([]byte(docsPayload))
	require.NoError(t, err)
	assert.Equal(t, docsCanonical, string(got))
	assert.Empty(t, sig)
}

func TestSignVerifyRoundTrip(t *testing.T) {
	signed, err := webhook.Sign([]byte(docsPayload), testKey())
	require.NoError(t, err)
	assert.NoError(t, webhook.Verify(signed, &testKey().PublicKey))
}
