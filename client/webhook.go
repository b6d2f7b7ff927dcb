package client

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/lakipay/checkout-go/internal/spec"
	"github.com/lakipay/checkout-go/internal/webhook"
)

// MaxWebhookBytes is the largest webhook body [WebhookHandler] reads (64 KiB); LakiPay's
// webhooks are a few hundred bytes.
const MaxWebhookBytes = 64 << 10

// ParseWebhook verifies a webhook body with LakiPay's public key and only then decodes it and
// checks it against the spec's WebhookEvent schema. Errors wrap [ErrNoWebhookKey],
// [ErrInvalidWebhookKey], [ErrNoSignature], [ErrInvalidSignature] or [ErrMalformedWebhook].
// Pass the raw body as received: the signature covers its exact text.
func ParseWebhook(body []byte, key *rsa.PublicKey) (*WebhookEvent, error) {
	if err := webhook.Verify(body, key); err != nil {
		return nil, fmt.Errorf("lakipay: webhook: %w", err)
	}
	s, err := spec.Load()
	if err != nil {
		return nil, fmt.Errorf("lakipay: webhook: %w", err)
	}
	schema := s.Doc.Components.Schemas["WebhookEvent"]
	if schema == nil || schema.Value == nil {
		return nil, errors.New("lakipay: webhook: the spec has no WebhookEvent schema")
	}
	if violations := s.ValidateJSON(schema.Value, body, "receivePaymentWebhook", "webhook body"); violations != nil {
		parts := make([]string, len(violations))
		for i, v := range violations {
			parts[i] = v.Field() + ": " + v.Rule + ": " + v.Reason
		}
		return nil, fmt.Errorf("lakipay: webhook: %w: %s", ErrMalformedWebhook, strings.Join(parts, "; "))
	}
	var event WebhookEvent
	if err := json.Unmarshal(body, &event); err != nil {
		return nil, fmt.Errorf("lakipay: webhook: %w: %w", ErrMalformedWebhook, err)
	}
	return &event, nil
}

// ParsePublicKey reads LakiPay's webhook public key from PEM (PKIX "PUBLIC KEY" or PKCS#1
// "RSA PUBLIC KEY", as the dashboard hands it out). Keys under 2048 bits are refused.
func ParsePublicKey(pemBytes []byte) (*rsa.PublicKey, error) {
	key, err := webhook.ParsePublicKey(pemBytes)
	if err != nil {
		return nil, fmt.Errorf("lakipay: %w", err)
	}
	return key, nil
}

// SignWebhook signs a webhook body the way LakiPay does, setting its "signature" field. It is
// for tests: produce webhooks your handler must accept, with a key pair of your own.
func SignWebhook(body []byte, key *rsa.PrivateKey) ([]byte, error) {
	signed, err := webhook.Sign(body, key)
	if err != nil {
		return nil, fmt.Errorf("lakipay: sign webhook: %w", err)
	}
	return signed, nil
}

// WebhookHandler returns the http.Handler to mount at your callback_url. For each POST it
// reads at most [MaxWebhookBytes], verifies and parses the body with [ParseWebhook] and calls
// fn; it answers 200 only after fn returned nil.
//
//   - Not a POST: 405. Body too large: 413.
//   - Unsigned, forged or malformed: 400 with a plain-text reason (never the payload).
//   - fn failed: 500, so that LakiPay delivers the webhook again.
//   - key or fn is nil, or key is too short: 503 for every request (fails closed, nothing
//     is trusted).
//
// The handler does not de-duplicate: LakiPay may deliver a webhook more than once and out of
// order, so fn must be idempotent on TransactionID plus Status.
func WebhookHandler(key *rsa.PublicKey, fn func(context.Context, *WebhookEvent) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if key == nil || fn == nil {
			textReply(w, http.StatusServiceUnavailable, "webhook receiver is not configured")
			return
		}
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			textReply(w, http.StatusMethodNotAllowed, "webhooks must be POSTed")
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxWebhookBytes))
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				textReply(w, http.StatusRequestEntityTooLarge, "webhook body is too large")
				return
			}
			textReply(w, http.StatusBadRequest, "webhook body could not be read")
			return
		}
		event, err := ParseWebhook(body, key)
		if errors.Is(err, ErrInvalidWebhookKey) {
			textReply(w, http.StatusServiceUnavailable, "webhook receiver is not configured")
			return
		}
		if err != nil {
			textReply(w, http.StatusBadRequest, "webhook refused: "+webhookReason(err))
			return
		}
		if err := fn(r.Context(), event); err != nil {
			textReply(w, http.StatusInternalServerError, "webhook processing failed")
			return
		}
		textReply(w, http.StatusOK, "ok")
	})
}

// webhookReason names why a webhook was refused without repeating anything from its body.
func webhookReason(err error) string {
	for _, sentinel := range []error{ErrNoSignature, ErrInvalidSignature, ErrMalformedWebhook} {
		if errors.Is(err, sentinel) {
			return sentinel.Error()
		}
	}
	return "invalid webhook"
}

func textReply(w http.ResponseWriter, status int, text string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, text+"\n")
}
