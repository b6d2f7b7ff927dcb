package spec_test

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/internal/spec"
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

// FuzzValidateJSONAgreesWithReference checks ValidateJSON's fast path against kin-openapi on
// any webhook body: the verdict is always what decoding and ValidateValue give.
func FuzzValidateJSONAgreesWithReference(f *testing.F) {
	f.Add(webhookDoc)
	f.Add(strings.Replace(webhookDoc, "2024-01-15T10:30:00Z", "2024-02-30T10:30:00.5+01:00", 1))
	f.Add(strings.Replace(webhookDoc, `"MPESA"`, `null`, 1))
	s, err := spec.Load()
	require.NoError(f, err)
	schema := s.Doc.Components.Schemas["WebhookEvent"].Value
	f.Fuzz(func(t *testing.T, body string) {
		var want []spec.Violation
		var value any
		if err := json.Unmarshal([]byte(body), &value); err != nil {
			want = []spec.Violation{{Operation: "op", In: "in", Rule: "json", Reason: "not valid JSON: " + err.Error()}}
		} else {
			want = s.ValidateValue(schema, value, "op", "in")
		}
		require.Equal(t, want, s.ValidateJSON(schema, []byte(body), "op", "in"))
	})
}
