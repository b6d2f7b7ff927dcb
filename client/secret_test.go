package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/internal/apikey"
	"github.com/lakipay/checkout-go/internal/secrettest"
)

// The key of issue 11's report: its secret has a '/' that PHP writes as "\/".
const (
	slashSecret = "sk_CANARY/123"
	slashKey    = "pk_test_a:" + slashSecret
)

// echoEscapings are the ways a server (or a proxy) may write the secret when it echoes it.
var echoEscapings = []struct {
	name   string
	escape func(string) string
}{
	{"plain", func(s string) string { return s }},
	{"PHP's \\/", func(s string) string { return strings.ReplaceAll(s, "/", `\/`) }},
	{"every character \\u, lower-case hex", func(s string) string { return unicodeEscape(s, "\\u%04x") }},
	{"every character \\u, upper-case hex", func(s string) string { return unicodeEscape(s, "\\u%04X") }},
	{"mixed", func(s string) string {
		var b strings.Builder
		for i, c := range s {
			switch {
			case c == '/':
				b.WriteString(`\/`)
			case i%2 == 0:
				fmt.Fprintf(&b, "\\u%04X", c)
			default:
				b.WriteRune(c)
			}
		}
		return b.String()
	}},
}

func unicodeEscape(s, format string) string {
	var b strings.Builder
	for _, c := range s {
		fmt.Fprintf(&b, format, c)
	}
	return b.String()
}

// TestEchoedKeyIsRedactedHoweverEscaped is issue 11's report: LakiPay (or a proxy) echoes
// the key JSON-escaped into a 401; before, 9 of 12 renderings leaked the secret across four
// escapings. Every escaping, every rendering, both calls, an error status and an error body
// sent with 200, and the client's debug log.
func TestEchoedKeyIsRedactedHoweverEscaped(t *testing.T) {
	for _, esc := range echoEscapings {
		for _, status := range []int{http.StatusUnauthorized, http.StatusOK} {
			t.Run(fmt.Sprintf("%s, HTTP %d", esc.name, status), func(t *testing.T) {
				echo := "pk_test_a:" + esc.escape(slashSecret)
				body := `{"status":"ERROR","error_code":"INVALID_API_KEY","message":"bad key ` + echo +
					`","errors":{"key":["` + echo + `"]}}`
				var logs bytes.Buffer
				srv := newServer(t, reply(status, body))
				c, err := New(slashKey, WithBaseURL(srv.baseURL()), WithRetry(RetryPolicy{MaxAttempts: 1}),
					WithLogger(slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
				require.NoError(t, err)

				_, getErr := c.GetTransaction(context.Background(), "TXN-1")
				_, createErr := c.CreateCheckout(context.Background(), docsRequest(t))
				for _, err := range []error{getErr, createErr} {
					var apiErr *APIError
					require.ErrorAs(t, err, &apiErr)
					assert.Equal(t, ErrorCodeInvalidAPIKey, apiErr.Code)
					assert.Equal(t, "bad key pk_test_a:"+apikey.Marker, apiErr.Message, "the public half stays, the secret goes")
					assert.Equal(t, map[string][]string{"key": {"pk_test_a:" + apikey.Marker}}, apiErr.Fields())
					assert.Contains(t, string(apiErr.Body), `"message":"bad key pk_test_a:`+apikey.Marker+`"`, "Body keeps the raw bytes around the redaction")
					assertHidden(t, err, slashSecret)
				}
				secrettest.Absent(t, logs.String(), slashSecret, "debug log")
			})
		}
	}
}

// TestEchoedKeyIsRedactedWhereCut puts the echoed secret across the cuts the client makes:
// the 4 KiB excerpt of Body, the 500-byte Message and the 80-byte quote of a non-JSON body.
// Redaction runs before the cut, so not even a piece of the secret is left at it.
func TestEchoedKeyIsRedactedWhereCut(t *testing.T) {
	escaped := strings.ReplaceAll(slashSecret, "/", `\/`)
	prefix := `{"status":"ERROR","message":"`
	tests := []struct {
		name, body string
	}{
		{"across the 4 KiB excerpt", prefix + strings.Repeat("x", 4090-len(prefix)) + escaped + `"}`},
		{"across the 500-byte message", prefix + strings.Repeat("x", 494) + escaped + `"}`},
		{"across the quote of a non-JSON body", "<html>" + strings.Repeat("x", 70) + slashSecret + "</html>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, reply(http.StatusBadGateway, tt.body))
			c, err := New(slashKey, WithBaseURL(srv.baseURL()), WithRetry(RetryPolicy{MaxAttempts: 1}))
			require.NoError(t, err)
			_, err = c.GetTransaction(context.Background(), "TXN-1")
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assertHidden(t, err, slashSecret)
			for name, text := range exposures(err) {
				secrettest.Absent(t, text, slashSecret[:apikey.MinPiece], name+" (a piece of the secret)")
			}
			assert.LessOrEqual(t, len(apiErr.Body), 4096)
		})
	}
}

// TestAnswersAreDecodedAsReceived is the other half of issue 11: redaction of the raw body
// rewrote good answers (with key pk_test_a:ETB a transaction read back with currency
// "[REDACTED]"). Now answers are decoded from the bytes as received, so a secret that merely
// occurs in an answer changes nothing.
func TestAnswersAreDecodedAsReceived(t *testing.T) {
	const secret = "ETB_SECRET_X"
	tx := `{"status":"SUCCESS","message":"ok","data":{"transaction_id":"TXN-ETB_SECRET_X","reference":"R-ETB_SECRET_X",
		"amount":10.5,"currency":"ETB","status":"SUCCESS","description":"paid \u0045TB_SECRET_X",
		"created_at":"2024-01-15T10:30:00Z","updated_at":"2024-01-15T10:30:00Z"}}`
	session := `{"status":"SUCCESS","message":"ok","data":{"checkout_url":"https://checkout.lakipay.co/pay/ETB_SECRET_X",
		"lakipay_transaction_id":"TXN-1","reference":"ETB_SECRET_X","amount":1000.5,"currency":"ETB","status":"INITIATED"}}`
	srv := newServer(t, reply(http.StatusOK, tx), reply(http.StatusOK, session))
	c, err := New("pk_test_a:"+secret, WithBaseURL(srv.baseURL()))
	require.NoError(t, err)

	got, err := c.GetTransaction(context.Background(), "TXN-ETB_SECRET_X")
	require.NoError(t, err)
	assert.Equal(t, "TXN-ETB_SECRET_X", got.TransactionID)
	assert.Equal(t, "R-ETB_SECRET_X", got.Reference)
	assert.Equal(t, "ETB", got.Currency)
	assert.Equal(t, "paid ETB_SECRET_X", got.Description)

	s, err := c.CreateCheckout(context.Background(), docsRequest(t))
	require.NoError(t, err, "a good answer is never turned into an error")
	assert.Equal(t, "https://checkout.lakipay.co/pay/ETB_SECRET_X", s.CheckoutURL)
	assert.Equal(t, "ETB_SECRET_X", s.Reference)
	assert.Equal(t, "ETB", s.Currency)
}

// TestUnusableAnswerQuotingTheSecret: a 2xx answer the client cannot use is an error whose
// text may quote the body (encoding/json and time name the value they choked on).
func TestUnusableAnswerQuotingTheSecret(t *testing.T) {
	bodies := map[string]string{
		"a date that is the secret": `{"status":"SUCCESS","message":"ok","data":{"transaction_id":"TXN-1","reference":"R","amount":1,"currency":"ETB",
			"status":"SUCCESS","created_at":"sk_CANARY\/123","updated_at":"2024-01-15T10:30:00Z"}}`,
		"an amount that is the secret, cut": `{"status":"SUCCESS","message":"ok","data":{"transaction_id":"TXN-1","reference":"R","amount":"` +
			strings.Repeat("9", 30) + `sk_CANARY\/123","currency":"ETB","status":"SUCCESS","created_at":"2024-01-15T10:30:00Z","updated_at":"2024-01-15T10:30:00Z"}}`,
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			srv := newServer(t, reply(http.StatusOK, body))
			c, err := New(slashKey, WithBaseURL(srv.baseURL()))
			require.NoError(t, err)
			_, err = c.GetTransaction(context.Background(), "TXN-1")
			require.ErrorIs(t, err, ErrUnexpectedResponse, "the chain survives the redaction")
			assert.Contains(t, err.Error(), apikey.Marker, "the quoted value was there, and is hidden")
			assertHidden(t, err, slashSecret)
			secrettest.Absent(t, err.Error(), slashSecret[:apikey.MinPiece], "a piece of the secret")
		})
	}
}

// TestTransportErrorQuotingTheSecret: net/http quotes a malformed status line in its error,
// so a hostile server can put the secret into a transport error.
func TestTransportErrorQuotingTheSecret(t *testing.T) {
	base := secrettest.RawServer(t, func() string { return "HTTP/1.1 " + slashSecret + " OK\r\n\r\n" })
	var logs bytes.Buffer
	c, err := New(slashKey, WithBaseURL(base+"/api/v2"), WithRetry(RetryPolicy{MaxAttempts: 1}),
		WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	require.NoError(t, err)
	_, err = c.GetTransaction(context.Background(), "TXN-1")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "malformed HTTP status code", "net/http's diagnosis stays")
	assert.Contains(t, err.Error(), apikey.Marker)
	assertHidden(t, err, slashSecret)
	secrettest.Absent(t, logs.String(), slashSecret, "debug log")
	var opErr *net.OpError
	assert.False(t, errors.As(err, &opErr), "not a network error")
}

// TestValidationErrorHidesTheSecret: the caller's own values are shown by a refusal, with
// the secret redacted in case one of them holds it.
func TestValidationErrorHidesTheSecret(t *testing.T) {
	c, _ := testClient(t, "http://127.0.0.1:9/api/v2")
	req := docsRequest(t)
	req.Currency = testSecret
	_, err := c.CreateCheckout(context.Background(), req)
	var verr *ValidationError
	require.ErrorAs(t, err, &verr)
	assert.Equal(t, "currency", verr.Violations[0].Field())
	assertHidden(t, err, testSecret)
	_, err = c.GetTransaction(context.Background(), strings.Repeat("x", 90)+testSecret)
	require.ErrorAs(t, err, &verr)
	assertHidden(t, err, testSecret)
}

// TestErrorsCarryOnePrefix walks every SDK error path the tests can reach: each message
// starts with "lakipay: " and carries it once, however errors nest.
func TestErrorsCarryOnePrefix(t *testing.T) {
	ctx := context.Background()
	errs := map[string]error{}
	add := func(name string, err error) { errs[name] = err }

	for _, key := range []string{"", "x:y", ":", "nocolon", "pk:" + testSecret + "\x01"} {
		_, err := New(key)
		add("New "+fmt.Sprintf("%q", key), err)
	}
	for name, opt := range map[string]Option{
		"base URL": WithBaseURL("ftp://x"), "HTTP client": WithHTTPClient(nil), "timeout": WithTimeout(0),
		"retry": WithRetry(RetryPolicy{}), "user agent": WithUserAgent("\n"), "logger": WithLogger(nil),
	} {
		_, err := New(testAPIKey, opt)
		add("option "+name, err)
	}
	t.Setenv(EnvAPIKey, "")
	_, err := NewFromEnv()
	add("NewFromEnv unset", err)
	_, err = ParseAmount("1.234")
	add("ParseAmount", err)
	_, err = AmountFromMinor(-1)
	add("AmountFromMinor", err)

	answers := map[string]http.HandlerFunc{
		"API error":                 reply(http.StatusBadRequest, `{"status":"ERROR","error_code":"X","message":"m","errors":{"f":["g"]}}`),
		"error body with 200":       reply(http.StatusOK, `{"success":false,"message":"nope"}`),
		"non-JSON error":            reply(http.StatusBadGateway, "<html>bad gateway</html>", "Content-Type", "text/html"),
		"malformed 200":             reply(http.StatusOK, `{"status":`),
		"200 without data":          reply(http.StatusOK, `{"status":"SUCCESS","message":"ok"}`),
		"connection dropped":        hangUp,
		"too large":                 reply(http.StatusOK, strings.Repeat(" ", MaxResponseBytes+1)),
		"unusable value in a 200":   reply(http.StatusOK, `{"status":"SUCCESS","message":"ok","data":{"created_at":"x"}}`),
		"503 until the wait is cut": reply(http.StatusServiceUnavailable, busy),
	}
	for name, h := range answers {
		srv := newServer(t, h)
		c, sl := testClient(t, srv.baseURL())
		waitCtx, cancel := context.WithCancel(ctx)
		sl.hook = func(int) { cancel() }
		_, err := c.GetTransaction(waitCtx, "TXN-1")
		add("GetTransaction: "+name, err)
		_, err = c.CreateCheckout(ctx, docsRequest(t))
		add("CreateCheckout: "+name, err)
		_, err = c.WaitForTransaction(waitCtx, "TXN-1")
		add("WaitForTransaction: "+name, err)
		cancel()
	}
	c, _ := testClient(t, "http://"+closedAddr(t)+"/api/v2")
	_, err = c.GetTransaction(ctx, "TXN-1")
	add("refused", err)
	_, err = c.GetTransaction(ctx, "")
	add("empty id", err)
	_, err = c.GetTransaction(ctx, "..")
	add("dot segment", err)
	bad := docsRequest(t)
	bad.Currency = "etb"
	_, err = c.CreateCheckout(ctx, bad)
	add("invalid request", err)
	var nilCtx context.Context
	_, err = c.CreateCheckout(nilCtx, docsRequest(t))
	add("nil context", err)
	_, err = c.WaitForTransaction(ctx, "TXN-1", WithPollInterval(0, 0))
	add("poll interval", err)
	slow := newServer(t, func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	c, _ = testClient(t, slow.baseURL(), WithTimeout(10*time.Millisecond), WithRetry(RetryPolicy{MaxAttempts: 1}))
	_, err = c.CreateCheckout(ctx, docsRequest(t))
	add("timeout", err)
	_, err = ParseWebhook([]byte(`{}`), nil)
	add("webhook without key", err)
	_, err = ParsePublicKey([]byte("not PEM"))
	add("public key", err)
	_, err = SignWebhook([]byte("not JSON"), nil)
	add("sign", err)

	for name, err := range errs {
		t.Run(name, func(t *testing.T) {
			require.Error(t, err)
			for rendering, text := range map[string]string{"Error()": err.Error(), "%+v": fmt.Sprintf("%+v", err)} {
				assert.True(t, strings.HasPrefix(text, "lakipay: "), "%s: %s", rendering, text)
				assert.Equal(t, 1, strings.Count(text, "lakipay:"), "%s: %s", rendering, text)
			}
		})
	}
}

// TestCleaningNeverSpellsTheSecret gives the client text that does not hold the secret but
// would once cleaned for showing: an invalid byte where the secret has the "?" that cleaning
// writes for it, and the secret without its last "." right where the cut adds "...". What is
// shown is redacted after cleaning too.
func TestCleaningNeverSpellsTheSecret(t *testing.T) {
	const secret = "sk_q?uery_cut."
	tests := []struct {
		name   string
		answer http.HandlerFunc
	}{
		{"an invalid byte in a non-JSON body", reply(http.StatusBadGateway,
			"<html>upstream saw pk_test_a:"+strings.Replace(secret, "?", "\xff", 1)+"</html>", "Content-Type", "text/html")},
		{"the 500-byte Message cut after all but the last character", reply(http.StatusBadRequest,
			`{"status":"ERROR","message":"`+strings.Repeat("x", 500-len(secret)+1)+strings.TrimSuffix(secret, ".")+`zzz"}`)},
		{"a 100-byte field name cut after all but the last character", reply(http.StatusBadRequest,
			`{"status":"ERROR","message":"Invalid","errors":{"`+strings.Repeat("x", 100-len(secret)+1)+strings.TrimSuffix(secret, ".")+`zzz":["bad"]}}`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, tt.answer)
			c, err := New("pk_test_a:"+secret, WithBaseURL(srv.baseURL()), WithRetry(RetryPolicy{MaxAttempts: 1}))
			require.NoError(t, err)
			_, err = c.GetTransaction(context.Background(), "TXN-1")
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assertHidden(t, err, secret)
		})
	}
}
