package shop_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/contracttest"
	"github.com/lakipay/checkout-go/examples/shop"
)

// recordingStore is a store in memory that counts the statuses recorded as settled.
type recordingStore struct {
	*client.MemoryDedupStore
	mu    sync.Mutex
	dones map[string]int // "transaction id/status" → times recorded
}

func (s *recordingStore) Done(ctx context.Context, id string, status client.TransactionStatus, token string) error {
	err := s.MemoryDedupStore.Done(ctx, id, status, token)
	if err == nil {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.dones[id+"/"+string(status)]++
	}
	return err
}

func (s *recordingStore) recorded() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for k, v := range s.dones {
		out[k] = v
	}
	return out
}

// TestReturnPageAndWebhookSettleThroughOneStore: the return page settles a payment through
// Config.Dedup, and the late webhook of the same payment finds it settled there and is
// answered without settling it again.
func TestReturnPageAndWebhookSettleThroughOneStore(t *testing.T) {
	memory, err := client.NewMemoryDedupStore(100)
	require.NoError(t, err)
	store := &recordingStore{MemoryDedupStore: memory, dones: map[string]int{}}
	lakipay := contracttest.NewServer(t)
	w := startShop(t, lakipay, newClient(t, lakipay.URL()), func(c *shop.Config) { c.Dedup = store })
	checkoutURL := w.checkout(t)
	w.holdWebhooks(t)
	back, err := w.lakipay.Shopper().Pay(context.Background(), checkoutURL, client.MediumMPESA)
	require.NoError(t, err)
	txID := w.order(t).TransactionID

	p := w.get(t, back)
	assert.Contains(t, p.Text(), "Paid. Thank you")
	assert.Equal(t, map[string]int{txID + "/SUCCESS": 1}, store.recorded(), "the return page settled through the store")

	accepted := w.releaseWebhooks(t, client.TransactionStatusSUCCESS)
	assert.Equal(t, "ok (duplicate)\n", accepted.Answer, "the webhook found the payment settled")
	assert.Equal(t, map[string]int{txID + "/SUCCESS": 1}, store.recorded())
	assert.Len(t, w.shippedOrders(), 1)
}
