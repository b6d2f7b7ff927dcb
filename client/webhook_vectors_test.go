package client_test

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/internal/webhook/vectors"
)

// TestParseWebhookPublishedVectors: ParseWebhook, with LakiPay's key read from either PEM
// form by ParsePublicKey, reaches every verdict of testdata/webhook-vectors.json with the
// error it names, and an accepted webhook carries the body's own transaction and status
// (a status it does not know included); a WebhookHandler answers 200 and calls its function
// once for each accepted case, 400 and never for a refused one.
func TestParseWebhookPublishedVectors(t *testing.T) {
	f, err := vectors.Load()
	require.NoError(t, err)
	keys := map[string]*rsa.PublicKey{}
	for form, pemText := range map[string]string{"PKIX": f.Keys[vectors.LakiPay].PublicKeyPEM, "PKCS#1": f.Keys[vectors.LakiPay].PublicKeyPKCS1PEM} {
		keys[form], err = client.ParsePublicKey([]byte(pemText))
		require.NoError(t, err, form)
	}
	var calls atomic.Int32
	handler, err := client.NewWebhookHandler(keys["PKIX"], func(context.Context, *client.WebhookEvent) error {
		calls.Add(1)
		return nil
	})
	require.NoError(t, err)
	for _, c := range f.Cases {
		t.Run(c.Name, func(t *testing.T) {
			for form, key := range keys {
				event, err := client.ParseWebhook([]byte(c.Body), key)
				if c.Verdict == vectors.Reject {
					assert.ErrorIs(t, err, vectors.Errors[*c.Error], "%s key: %s", form, c.Description)
					assert.Nil(t, event)
					continue
				}
				require.NoError(t, err, "%s key: %s", form, c.Description)
				var sent struct {
					TransactionID string `json:"transaction_id"`
					Status        string `json:"status"`
				}
				require.NoError(t, json.Unmarshal([]byte(c.Body), &sent))
				assert.Equal(t, sent.TransactionID, event.TransactionID)
				assert.Equal(t, sent.Status, string(event.Status))
			}

			before := calls.Load()
			req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/webhook", strings.NewReader(c.Body))
			rec := httptest.NewRecorder()
			handler.ServeHTTP(rec, req)
			if c.Verdict == vectors.Accept {
				assert.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
				assert.Equal(t, before+1, calls.Load(), "the handler's function ran once")
			} else {
				assert.Equal(t, http.StatusBadRequest, rec.Code, rec.Body.String())
				assert.Equal(t, before, calls.Load(), "the handler's function never ran")
			}
		})
	}
}
