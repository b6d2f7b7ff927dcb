package spec

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDocumentCheckProvesWebhooks checks that the fast path, not only the kin-openapi
// fallback, accepts a valid webhook: otherwise ValidateJSON would be correct but slow.
func TestDocumentCheckProvesWebhooks(t *testing.T) {
	s, err := Load()
	require.NoError(t, err)
	body := []byte(`{"event":"DEPOSIT","transaction_id":"TXN-1","reference":"R","amount":100.00,"currency":"ETB","status":"SUCCESS","timestamp":"2024-01-15T10:30:00Z","signature":"AAAA"}`)
	v, ok := decode(body)
	require.True(t, ok)
	assert.True(t, documentCheck(s.Doc.Components.Schemas["WebhookEvent"].Value)(v))
	bad, ok := decode([]byte(`{"event":"DEPOSIT"}`))
	require.True(t, ok)
	assert.False(t, documentCheck(s.Doc.Components.Schemas["WebhookEvent"].Value)(bad))
}
