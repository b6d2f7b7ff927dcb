package webhook_test

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/internal/webhook"
	"github.com/lakipay/checkout-go/internal/webhook/vectors"
)

// TestPublishedVectors: Verify reaches every verdict of testdata/webhook-vectors.json with
// the error kind it names, under the LakiPay key read from either PEM form, and Canonical
// gives each case's canonical string (and refuses where the file has none).
func TestPublishedVectors(t *testing.T) {
	f, err := vectors.Load()
	require.NoError(t, err)
	pkix, err := webhook.ParsePublicKey([]byte(f.Keys[vectors.LakiPay].PublicKeyPEM))
	require.NoError(t, err)
	pkcs1, err := webhook.ParsePublicKey([]byte(f.Keys[vectors.LakiPay].PublicKeyPKCS1PEM))
	require.NoError(t, err)
	require.True(t, pkix.Equal(pkcs1), "both PEM forms hold the same key")
	for _, c := range f.Cases {
		t.Run(c.Name, func(t *testing.T) {
			for form, key := range map[string]*rsa.PublicKey{"PKIX": pkix, "PKCS#1": pkcs1} {
				err := webhook.Verify([]byte(c.Body), key)
				if c.Verdict == vectors.Accept {
					assert.NoError(t, err, "%s key: %s", form, c.Description)
					continue
				}
				require.Error(t, err, "%s key: %s", form, c.Description)
				assert.ErrorIs(t, err, vectors.Errors[*c.Error], "%s key", form)
				if *c.Error == vectors.Malformed {
					assert.False(t, errors.Is(err, webhook.ErrAmbiguous), "malformed, not ambiguous: %v", err)
				}
			}
			canonical, _, err := webhook.Canonical([]byte(c.Body))
			if c.Canonical == nil {
				assert.Error(t, err, "the rule refuses this body")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, *c.Canonical, string(canonical))
		})
	}
}

// TestSignMakesThePublishedGenuineWebhook: what the fake and test signers send is the
// published genuine case byte for byte, so other languages' verifiers that pass the vectors
// verify the fake's webhooks.
func TestSignMakesThePublishedGenuineWebhook(t *testing.T) {
	f, err := vectors.Load()
	require.NoError(t, err)
	block, _ := pem.Decode([]byte(f.Keys[vectors.LakiPay].PrivateKeyPEM))
	require.NotNil(t, block)
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	require.NoError(t, err)
	key, ok := parsed.(*rsa.PrivateKey)
	require.True(t, ok)
	for _, c := range f.Cases {
		if c.Name != "genuine" {
			continue
		}
		unsigned := `{"event":"DEPOSIT","transaction_id":"TXN-7F3A9C21","reference":"ORDER-1042-1","amount":1000.50,"currency":"ETB","status":"SUCCESS","medium":"MPESA","timestamp":"2026-01-15T10:30:00Z"}`
		signed, err := webhook.Sign([]byte(unsigned), key)
		require.NoError(t, err)
		assert.Equal(t, c.Body, string(signed), "Sign writes 1000.50 as 1000.5 and signs as the genuine case")
		return
	}
	t.Fatal("the vectors have no genuine case")
}
