package webhook_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/internal/webhook"
	"github.com/lakipay/checkout-go/internal/webhook/forge"
)

// bodyLimit is the size of the hostile bodies: package client's MaxWebhookBytes.
const bodyLimit = 64 << 10

// maxCompared bounds the bytes of keys compared or hashed per byte of body: each key is held
// against at most 15 others of its object before a map takes over, and a body's fields
// are sorted in O(n log n) comparisons of at most 64 fields.
const maxCompared = 24

// checkCost holds what verifying body costs to bounds linear in its length: it is read once,
// its strings decoded and its objects compacted at most once, its canonical strings written
// and hashed once plus the few other number forms of a short one, and no more than two RSA
// operations are done (its own text, then all other forms together).
func checkCost(t *testing.T, body []byte) webhook.Cost {
	t.Helper()
	cost, _ := webhook.VerifyMetered(body, &testKey().PublicKey)
	n := len(body)
	require.LessOrEqual(t, cost.Read, n, "read more than once: %+v", cost)
	require.LessOrEqual(t, cost.Decoded, n, "decoded more than once: %+v", cost)
	require.LessOrEqual(t, cost.Compacted, n, "compacted more than once: %+v", cost)
	require.LessOrEqual(t, cost.Compared, maxCompared*n, "keys compared too often: %+v", cost)
	require.LessOrEqual(t, cost.Written, n+webhook.RetryBytes, "canonical strings: %+v", cost)
	require.LessOrEqual(t, cost.Hashed, n+webhook.RetryBytes, "hashed: %+v", cost)
	require.LessOrEqual(t, cost.RSAOps, 2, "RSA operations: %+v", cost)
	return cost
}

// genuineWebhook is a webhook signed with testKey, as LakiPay sends it.
func genuineWebhook(t testing.TB) []byte {
	signed, err := webhook.Sign([]byte(`{"event":"DEPOSIT","transaction_id":"TXN-123456789","reference":"ORDER-12345",`+
		`"amount":100.00,"currency":"ETB","status":"SUCCESS","medium":"MPESA","timestamp":"2024-01-15T10:30:00Z"}`), testKey())
	require.NoError(t, err)
	return signed
}

// TestVerifyCostIsBounded is the deterministic side of the hostile-body benchmarks: the work
// counted on each hostile body stays within bounds linear in its length, and a genuine
// webhook costs one reading and one RSA operation.
func TestVerifyCostIsBounded(t *testing.T) {
	genuine := genuineWebhook(t)
	cost := checkCost(t, genuine)
	require.Equal(t, len(genuine), cost.Read)
	require.Equal(t, 1, cost.RSAOps)
	for _, hostile := range forge.HostileBodies(genuine, bodyLimit) {
		t.Run(hostile.Name, func(t *testing.T) {
			cost := checkCost(t, hostile.Body)
			t.Logf("%d bytes: %+v", len(hostile.Body), cost)
		})
	}
}

// FuzzVerifyCost looks for bodies that cost more than the bounds of checkCost.
func FuzzVerifyCost(f *testing.F) {
	genuine := genuineWebhook(f)
	f.Add(genuine)
	for _, hostile := range forge.HostileBodies(genuine, 4<<10) {
		f.Add(hostile.Body)
	}
	f.Fuzz(func(t *testing.T, body []byte) { checkCost(t, body) })
}
