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
	schema := s.Doc.Components.Schemas["WebhookEvent"].Value
	tests := []struct {
		name, body string
		proven     bool
	}{
		{"docs webhook", `{"event":"DEPOSIT","transaction_id":"TXN-1","reference":"R","amount":100.00,"currency":"ETB","status":"SUCCESS","timestamp":"2024-01-15T10:30:00Z","signature":"AAAA"}`, true},
		{"fractional seconds and offset", `{"event":"DEPOSIT","transaction_id":"T","reference":"R","amount":1,"currency":"ETB","status":"FAILED","medium":"CBE","timestamp":"2024-02-29T23:59:60.5+03:00","signature":"AB+/cd=="}`, true},
		{"missing fields", `{"event":"DEPOSIT"}`, false},
		{"February 30", `{"event":"DEPOSIT","transaction_id":"T","reference":"R","amount":1,"currency":"ETB","status":"FAILED","timestamp":"2023-02-30T10:30:00Z","signature":"AAAA"}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.proven, documentNode(schema).document(tt.body))
		})
	}
}
