package client

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/internal/spec"
	"github.com/lakipay/checkout-go/internal/webhook"
)

// FuzzDecodeAPIError feeds arbitrary error bodies and Retry-After values to the one place
// that decodes HTTP errors: it must never panic, always produce a usable message, keep at most
// 4 KiB of body and never put control characters into Error().
func FuzzDecodeAPIError(f *testing.F) {
	f.Add(400, `{"status":"ERROR","message":"Validation failed","error_code":"INVALID_AMOUNT","errors":{"amount":["bad"]}}`, "")
	f.Add(429, `{"status":"ERROR","message":"slow down"}`, "30")
	f.Add(503, `{"status":"ERROR","message":"x"}`, "Wed, 21 Oct 2015 07:28:00 GMT")
	f.Add(502, "<html>bad gateway</html>", "")
	f.Add(500, "", "-1")
	f.Add(500, `{"status":"ERROR","mess`, "1e9")
	f.Add(200, `{"success":false,"message":"nope"}`, "")
	f.Add(400, `{"message":"\u0000\u001b[31m","errors":{"a":null}}`, "")
	f.Add(418, `{"message":1,"error_code":{"x":1}}`, "")
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, status int, body, retryAfter string) {
		header := http.Header{"Retry-After": {retryAfter}}
		e := newAPIError(status, header, []byte(body), false, now)
		require.NotNil(t, e)
		msg := e.Error()
		assert.True(t, strings.HasPrefix(msg, "lakipay: HTTP "), msg)
		assert.NotEmpty(t, e.Message)
		assert.LessOrEqual(t, len(e.Body), maxErrorBody)
		assert.GreaterOrEqual(t, e.RetryAfter, time.Duration(0))
		assert.LessOrEqual(t, e.RetryAfter, 24*time.Hour)
		assert.True(t, utf8.ValidString(e.Message+e.Code), "message and code are valid UTF-8")
		for _, r := range e.Message + e.Code {
			assert.False(t, r < 0x20 || r == 0x7f, "control character %U in %q", r, msg)
		}
	})
}

// FuzzCheckoutValidation builds checkout requests from arbitrary field values: CreateCheckout
// must never panic, must send only what the spec allows, and every refusal must name a field
// and a rule.
func FuzzCheckoutValidation(f *testing.F) {
	f.Add(int64(100050), "ETB", "251911111111", "ORDER123456", "Payment for order #123", "https://example.com/callback", "https://example.com/success", "https://example.com/failed", "MPESA,TELEBIRR,CBE")
	f.Add(int64(0), "etb", "+251911111111", "", "", "/callback", "javascript:alert(1)", "", "")
	f.Add(int64(1), "USD", "1234567", strings.Repeat("r", 100), strings.Repeat("d", 500), "http://a", "HTTPS://b/c?d#e", "http://x", "CYBERSOURCE")
	f.Add(int64(99_999_999_999_999), "ÉTB", "٢٥١٩١١١١١١١١", "ref\x00", "\xff", "https://ex ample.com", "https://[::1]:80/", "https://exa%mple.com", "MPESA,MPESA")
	f.Add(int64(-5), "", "", "", "", "", "", "", ",")
	srv := newServer(f, reply(http.StatusOK, seedResponse))
	c, _ := testClient(f, srv.baseURL(), WithRetry(RetryPolicy{MaxAttempts: 1}))
	f.Fuzz(func(t *testing.T, minor int64, currency, phone, reference, description, callback, success, failed, mediums string) {
		amount, err := AmountFromMinor(minor)
		if err != nil {
			return // not representable as an Amount: the type refuses it before any request
		}
		req := CheckoutRequest{
			Amount: amount, Currency: currency, PhoneNumber: phone, Reference: reference,
			Redirects: Redirects{Success: success, Failed: failed},
		}
		if description != "" {
			req.Description = &description
		}
		if callback != "" {
			req.CallbackURL = &callback
		}
		if mediums != "" {
			for _, m := range strings.Split(mediums, ",") {
				req.SupportedMediums = append(req.SupportedMediums, Medium(m))
			}
		}
		before := len(srv.seen())
		_, err = c.CreateCheckout(context.Background(), req)
		var verr *ValidationError
		if errors.As(err, &verr) {
			assert.Len(t, srv.seen(), before, "a refused request is not sent")
			require.NotEmpty(t, verr.Violations)
			for _, v := range verr.Violations {
				assert.NotEmpty(t, v.Field(), "every refusal names a field: %v", v)
				assert.NotEmpty(t, v.Rule, "every refusal names a rule: %v", v)
				assert.Contains(t, err.Error(), v.Field())
			}
			return
		}
		require.NoError(t, err)
		require.Len(t, srv.seen(), before+1)
		// What was sent must pass the whole-request contract check a receiver runs
		// (route, headers, security and body through openapi3filter).
		sent := srv.seen()[before]
		r, err := http.NewRequestWithContext(context.Background(), sent.Method, srv.URL+sent.EscapedPath, bytes.NewReader(sent.Body))
		require.NoError(t, err)
		r.Header = sent.Header
		_, violations := c.spec.ValidateRequest(context.Background(), r)
		assert.Empty(t, violations)
	})
}

// FuzzSchemaView checks that the copy of a body the schema check reads after verification
// (schemaView) gets the same verdict as the body itself whenever its amount is not a string:
// the signature stand-in only spares re-checking what VerifyFields proved, that the signature
// is padded standard base64.
func FuzzSchemaView(f *testing.F) {
	f.Add([]byte(webhookPayload))
	f.Add([]byte(strings.Replace(webhookPayload, `{`, `{"signature":"AAAA",`, 1)))
	f.Add([]byte(`{"signature":"QUJD\nREVG","status":"PAID"}`))
	f.Add([]byte(`{"signature":"QUJD\/REVG"}`))
	f.Add([]byte(`{"signature":"A=B=","amount":1}`))
	s, err := spec.Load()
	require.NoError(f, err)
	schema := s.Doc.Components.Schemas["WebhookEvent"].Value
	verdict := func(body []byte) []string {
		var out []string
		for _, v := range s.ValidateJSON(schema, body, "receivePaymentWebhook", "webhook body") {
			out = append(out, v.Field()+" "+v.Rule)
		}
		return out
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		fields, err := webhook.Fields(body)
		if err != nil {
			return
		}
		verified := false // what VerifyFields requires of the signature before the schema check
		for _, field := range fields {
			switch string(field.Key) {
			case "amount":
				if field.Value[0] == '"' {
					return // the decimal-string leniency: TestParseWebhookDecimalStringAmount
				}
			case webhook.SignatureField:
				var sig string
				if json.Unmarshal(field.Value, &sig) == nil && sig != "" {
					_, err := base64.StdEncoding.DecodeString(sig)
					verified = err == nil
				}
			}
		}
		if !verified {
			return
		}
		assert.Equal(t, verdict(body), verdict(schemaView(body, fields)))
	})
}
