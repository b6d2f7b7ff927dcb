package spec_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const webhookDoc = `{"event":"DEPOSIT","transaction_id":"TXN-123456789","reference":"ORDER-12345","amount":100.00,"currency":"ETB","status":"SUCCESS","medium":"MPESA","timestamp":"2024-01-15T10:30:00Z","signature":"bm90LWEtcmVhbC1zaWduYXR1cmU="}`

func TestValidateJSON(t *testing.T) {
	s := load(t)
	schema := s.Doc.Components.Schemas["WebhookEvent"].Value
	require.NotNil(t, schema)
	tests := []struct {
		name, body string
		want       []string // "field rule" of every violation
	}{
		{name: "docs webhook", body: webhookDoc},
		{name: "extra field", body: strings.Replace(webhookDoc, "{", `{"extra":[1,{"a":null}],`, 1)},
		{name: "unknown status", body: strings.Replace(webhookDoc, `"SUCCESS"`, `"PAID"`, 1), want: []string{"status enum"}},
		{name: "three decimals", body: strings.Replace(webhookDoc, "100.00", "100.005", 1), want: []string{"amount multipleOf"}},
		{name: "missing id and bad time", body: strings.Replace(strings.Replace(webhookDoc, `"transaction_id":"TXN-123456789",`, "", 1), "2024-01-15T10:30:00Z", "soon", 1),
			want: []string{"transaction_id required", "timestamp format"}},
		{name: "not JSON", body: `{"event":`, want: []string{"webhook body json"}},
		{name: "not an object", body: `[]`, want: []string{"webhook body type"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			violations := s.ValidateJSON(schema, []byte(tt.body), "receivePaymentWebhook", "webhook body")
			var got []string
			for _, v := range violations {
				got = append(got, v.Field()+" "+v.Rule)
				assert.Equal(t, "receivePaymentWebhook", v.Operation)
			}
			assert.ElementsMatch(t, tt.want, got)
		})
	}
}

// TestValidateJSONConcurrent compiles the same schema from many goroutines at once (run with
// -race): the memo must be safe for concurrent use.
func TestValidateJSONConcurrent(t *testing.T) {
	s := load(t)
	schema := s.Doc.Components.Schemas["Transaction"].Value
	body := []byte(`{"transaction_id":"T","reference":"R","amount":1,"currency":"ETB","status":"PENDING","created_at":"2024-01-15T10:30:00Z","updated_at":"2024-01-15T10:30:00Z"}`)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() { assert.Empty(t, s.ValidateJSON(schema, body, "getTransaction", "response body")) })
	}
	wg.Wait()
}
