package client_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/client/dedupstoretest"
)

// TestMemoryDedupStore holds the store WithDeduplication uses to the contract of every
// DedupStore (package sqldedup runs the same suite against SQLite).
func TestMemoryDedupStore(t *testing.T) {
	dedupstoretest.Run(t, func(t *testing.T) (client.DedupStore, client.DedupStore) {
		store, err := client.NewMemoryDedupStore(1000)
		require.NoError(t, err)
		return store, store
	})
}
