package webhook_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/internal/webhook"
	"github.com/lakipay/checkout-go/internal/webhook/webhooktest"
)

// TestShiftIsIssue10 holds the shift builder, now parameterised for the fake's hostile
// deliveries, to the bodies issue 10 reported, byte for byte.
func TestShiftIsIssue10(t *testing.T) {
	shift, err := webhooktest.NewShift(testKey())
	require.NoError(t, err)
	sig := shift.Original[len(shift.Original)-len(`"}`)-344 : len(shift.Original)-len(`"}`)]
	assert.Equal(t, `{"event":"DEPOSIT","transaction_id":"TXN-real","reference":"X&status=SUCCESS&timestamp=2026-01-01T00:00:00Z&transaction_id=TXN-victim&zz","amount":100,"currency":"ETB","status":"CANCELLED","timestamp":"2026-01-15T10:30:00Z","signature":"`+sig+`"}`, shift.Original)
	assert.Equal(t, `{"event":"DEPOSIT","transaction_id":"TXN-victim","reference":"X","amount":100,"currency":"ETB","status":"SUCCESS","timestamp":"2026-01-01T00:00:00Z","zz&status=CANCELLED&timestamp=2026-01-15T10:30:00Z&transaction_id":"TXN-real","signature":"`+sig+`"}`, shift.ThroughKey)
	assert.Equal(t, `{"event":"DEPOSIT","transaction_id":"TXN-victim&zz&status=CANCELLED&timestamp=2026-01-15T10:30:00Z&transaction_id=TXN-real","reference":"X","amount":100,"currency":"ETB","status":"SUCCESS","timestamp":"2026-01-01T00:00:00Z","signature":"`+sig+`"}`, shift.ThroughValue)
	assert.Equal(t, "amount=100&currency=ETB&event=DEPOSIT&reference=X&status=SUCCESS&timestamp=2026-01-01T00:00:00Z&transaction_id=TXN-victim&zz&status=CANCELLED&timestamp=2026-01-15T10:30:00Z&transaction_id=TXN-real", shift.Canonical)
}

func TestShiftRefusesWhatWouldSplitElsewhere(t *testing.T) {
	for _, p := range []func(*webhook.ShiftParams){
		func(p *webhook.ShiftParams) { p.Reference = "A&B" },
		func(p *webhook.ShiftParams) { p.VictimID = "TXN-1&x=1" },
	} {
		params := webhooktest.Issue10
		p(&params)
		_, err := webhook.NewShift(testKey(), params)
		assert.Error(t, err)
	}
	params := webhooktest.Issue10
	params.Amount = "not a number"
	_, err := webhook.NewShift(testKey(), params)
	assert.Error(t, err, "a body that is not JSON has no canonical string")
	_, err = webhook.NewShift(nil, webhooktest.Issue10)
	assert.ErrorIs(t, err, webhook.ErrNoKey)
}
