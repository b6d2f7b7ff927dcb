package webhook_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/internal/webhook"
	"github.com/lakipay/checkout-go/internal/webhook/forge"
)

// TestShiftIsTheReportedForgery holds the shift builder, parameterised for the fake's hostile
// deliveries, to the bodies of the forgery as it was reported (ReportedShift), byte for byte.
func TestShiftIsTheReportedForgery(t *testing.T) {
	shift, err := forge.NewShift(testKey(), forge.ReportedShift)
	require.NoError(t, err)
	sig := shift.Original[len(shift.Original)-len(`"}`)-344 : len(shift.Original)-len(`"}`)]
	assert.Equal(t, `{"event":"DEPOSIT","transaction_id":"TXN-real","reference":"X&status=SUCCESS&timestamp=2026-01-01T00:00:00Z&transaction_id=TXN-victim&zz","amount":100,"currency":"ETB","status":"CANCELLED","timestamp":"2026-01-15T10:30:00Z","signature":"`+sig+`"}`, shift.Original)
	assert.Equal(t, `{"event":"DEPOSIT","transaction_id":"TXN-victim","reference":"X","amount":100,"currency":"ETB","status":"SUCCESS","timestamp":"2026-01-01T00:00:00Z","zz&status=CANCELLED&timestamp=2026-01-15T10:30:00Z&transaction_id":"TXN-real","signature":"`+sig+`"}`, shift.ThroughKey)
	assert.Equal(t, `{"event":"DEPOSIT","transaction_id":"TXN-victim&zz&status=CANCELLED&timestamp=2026-01-15T10:30:00Z&transaction_id=TXN-real","reference":"X","amount":100,"currency":"ETB","status":"SUCCESS","timestamp":"2026-01-01T00:00:00Z","signature":"`+sig+`"}`, shift.ThroughValue)
	assert.Equal(t, "amount=100&currency=ETB&event=DEPOSIT&reference=X&status=SUCCESS&timestamp=2026-01-01T00:00:00Z&transaction_id=TXN-victim&zz&status=CANCELLED&timestamp=2026-01-15T10:30:00Z&transaction_id=TXN-real", shift.Canonical)
}

func TestShiftRefusesWhatWouldSplitElsewhere(t *testing.T) {
	for _, p := range []func(*forge.ShiftParams){
		func(p *forge.ShiftParams) { p.Reference = "A&B" },
		func(p *forge.ShiftParams) { p.VictimID = "TXN-1&x=1" },
	} {
		params := forge.ReportedShift
		p(&params)
		_, err := forge.NewShift(testKey(), params)
		assert.Error(t, err)
	}
	params := forge.ReportedShift
	params.Amount = "not a number"
	_, err := forge.NewShift(testKey(), params)
	assert.Error(t, err, "a body that is not JSON has no canonical string")
	_, err = forge.NewShift(nil, forge.ReportedShift)
	assert.ErrorIs(t, err, webhook.ErrNoKey)
}

// FuzzShift builds the forgery from arbitrary values: either NewShift refuses them, or all
// three bodies share one canonical string under a naive verifier (the forgery is real) and
// Verify refuses every one of them as ambiguous (it never accepts a re-split signature).
func FuzzShift(f *testing.F) {
	f.Add("TXN-attacker", "TXN-a4f9243384528c5a", "ORDER-1", "1000.5", "ETB", "2026-01-15T10:30:00Z")
	f.Add("TXN-real", "TXN-victim", "X", "100", "ETB", "2026-01-01T00:00:00Z")
	f.Add("T=1", "V\"2", "R\\ef é", "0.07", "USD", "")
	key := testKey()
	f.Fuzz(func(t *testing.T, original, victim, reference, amount, currency, when string) {
		shift, err := forge.NewShift(key, forge.ShiftParams{
			OriginalID: original, OriginalTime: when, VictimID: victim, Reference: reference,
			Amount: amount, Currency: currency, ClaimedTime: when,
		})
		if err != nil {
			return
		}
		for name, body := range map[string]string{"original": shift.Original, "through a key": shift.ThroughKey, "through a value": shift.ThroughValue} {
			naive, err := forge.NaiveCanonical(body)
			require.NoError(t, err, name)
			require.Equal(t, shift.Canonical, naive, name)
			err = webhook.Verify([]byte(body), &key.PublicKey)
			require.Error(t, err, "%s: a re-split signature was accepted", name)
		}
	})
}
