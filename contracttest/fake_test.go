package contracttest_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/contracttest"
	"github.com/lakipay/checkout-go/internal/contract"
	"github.com/lakipay/checkout-go/internal/secrettest"
	"github.com/lakipay/checkout-go/internal/spec"
	"github.com/lakipay/checkout-go/internal/webhook"
)

func TestCheckoutAndDetail(t *testing.T) {
	srv := contracttest.NewServer(t)
	session := createCheckout(t, srv, "ORDER-1", "")
	assert.Equal(t, client.TransactionStatusINITIATED, session.Status)
	assert.Equal(t, "ORDER-1", session.Reference)
	assert.Equal(t, "1000.50", session.Amount.String())
	assert.Equal(t, "ETB", session.Currency)
	assert.Regexp(t, `^TXN-[0-9a-f]{16}$`, session.LakipayTransactionID)
	assert.Regexp(t, `^`+srv.Origin()+`/checkout/[0-9a-f]{32}$`, session.CheckoutURL)

	tx := transaction(t, srv, session.LakipayTransactionID)
	assert.Equal(t, session.LakipayTransactionID, tx.TransactionID)
	assert.Equal(t, client.TransactionStatusINITIATED, tx.Status)
	assert.Empty(t, tx.Medium, "no medium before the shopper chose one")
	assert.Equal(t, "Payment for order #123", tx.Description)
}

func TestIDsAreDeterministicFromTheSeed(t *testing.T) {
	ids := func(seed int64) []string {
		srv := contracttest.NewServer(t, contracttest.WithSeed(seed))
		var out []string
		for _, ref := range []string{"A", "B", "C"} {
			s := createCheckout(t, srv, ref, "")
			out = append(out, s.LakipayTransactionID, strings.TrimPrefix(s.CheckoutURL, srv.Origin()))
		}
		return out
	}
	first := ids(42)
	assert.Equal(t, first, ids(42), "same seed, same ids")
	assert.NotEqual(t, first, ids(43), "another seed, other ids")
	assert.Len(t, uniq(first), len(first))
}

// One running fake never hands out an id twice: ids and checkout tokens used to start again
// from the seed after a reset, so a merchant's stored id (or a webhook in flight) named a new
// session. They stay deterministic for a given sequence of calls, resets included.
func TestIDsAreNeverReusedAfterReset(t *testing.T) {
	ids := func() []string {
		srv := contracttest.NewServer(t, contracttest.WithSeed(42))
		var out []string
		for range 3 {
			for _, ref := range []string{"A", "B"} { // the same references again: reset forgot them
				s := createCheckout(t, srv, ref, "")
				out = append(out, s.LakipayTransactionID, strings.TrimPrefix(s.CheckoutURL, srv.Origin()))
			}
			srv.Reset()
		}
		return out
	}
	first := ids()
	assert.Len(t, uniq(first), len(first), "no id or token twice: %v", first)
	assert.Equal(t, first, ids(), "the same calls give the same ids")
}

func uniq(s []string) map[string]bool {
	m := map[string]bool{}
	for _, v := range s {
		m[v] = true
	}
	return m
}

func TestAPIKeyIsRequired(t *testing.T) {
	srv := contracttest.NewServer(t, contracttest.WithAPIKey(testKey))
	cases := []struct{ name, key, message string }{
		{"missing", "", "API key is required"},
		{"no colon", "pk_test_abc", "API key must be PUBLICKEY:SECRETKEY"},
		{"empty secret", "pk_test_abc:", "API key must be PUBLICKEY:SECRETKEY"},
		{"not the pinned key", "pk_test_abc:sk_test_other", "API key is not valid"},
	}
	for _, tc := range cases {
		for _, op := range []struct{ method, path string }{{http.MethodPost, "/payment/checkout"}, {http.MethodGet, "/payment/transaction/TXN-1"}} {
			t.Run(tc.name+" "+op.method, func(t *testing.T) {
				var body []byte
				if op.method == http.MethodPost {
					body = checkoutBody(t, "R-"+tc.name, "")
				}
				status, _, resp := call(t, http.DefaultClient, op.method, srv.URL()+op.path, tc.key, body)
				assert.Equal(t, http.StatusUnauthorized, status)
				env := errorEnvelope(t, resp)
				assert.Equal(t, "INVALID_API_KEY", env.ErrorCode)
				require.NotNil(t, env.Errors)
				assert.Equal(t, []string{tc.message}, env.Errors["api_key"])
				assert.NotContains(t, string(resp), "sk_test_other")
			})
		}
	}
	t.Run("pinned key passes", func(t *testing.T) { createCheckout(t, srv, "R-ok", "") })
}

func TestValidationErrorNamesEveryBrokenField(t *testing.T) {
	srv := contracttest.NewServer(t)
	var m map[string]any
	require.NoError(t, json.Unmarshal(checkoutBody(t, "R-1", ""), &m))
	m["currency"] = "etb"
	m["phone_number"] = "+251911111111"
	m["supported_mediums"] = []string{"MPESA", "PAYPAL"}
	m["redirects"] = map[string]any{"success": "/relative"}
	m["amount"] = json.Number("9.555")
	m["colour"] = "red"
	body, err := json.Marshal(m)
	require.NoError(t, err)
	status, _, resp := call(t, http.DefaultClient, http.MethodPost, srv.URL()+"/payment/checkout", testKey, body)
	require.Equal(t, http.StatusBadRequest, status)
	env := errorEnvelope(t, resp)
	assert.Equal(t, "VALIDATION_ERROR", env.ErrorCode)
	require.NotNil(t, env.Errors)
	var fields []string
	for f := range env.Errors {
		fields = append(fields, f)
	}
	assert.ElementsMatch(t, []string{"amount", "currency", "phone_number", "supported_mediums", "redirects.success", "redirects.failed", "colour"}, fields)
	assert.Contains(t, env.Errors["redirects.failed"][0], "(required)")
	assert.Contains(t, env.Errors["currency"][0], "(pattern)")
	assert.Equal(t, []string{"supported_mediums.1: must be one of " + strings.Join(contract.Enum("Medium"), ", ") + " (enum)"},
		env.Errors["supported_mediums"], "the key is the field, the message says which item")
}

// TestValidationErrorCodes: the fake answers LakiPay's documented codes where they apply (an
// amount alone broken INVALID_AMOUNT, the phone number alone INVALID_PHONE) and
// VALIDATION_ERROR for anything else, several fields included, as openapi.yaml's BadRequest
// decides; a path parameter is keyed by its name.
func TestValidationErrorCodes(t *testing.T) {
	srv := contracttest.NewServer(t)
	edit := func(edits map[string]any) []byte {
		var m map[string]any
		require.NoError(t, json.Unmarshal(checkoutBody(t, "R-codes", ""), &m))
		for k, v := range edits {
			if v == nil {
				delete(m, k)
			} else {
				m[k] = v
			}
		}
		b, err := json.Marshal(m)
		require.NoError(t, err)
		return b
	}
	tests := []struct {
		name  string
		body  []byte
		code  string
		field []string
	}{
		{"three decimals", edit(map[string]any{"amount": json.Number("9.555")}), "INVALID_AMOUNT", []string{"amount"}},
		{"zero", edit(map[string]any{"amount": 0}), "INVALID_AMOUNT", []string{"amount"}},
		{"amount as a string", edit(map[string]any{"amount": "10"}), "INVALID_AMOUNT", []string{"amount"}},
		{"no amount", edit(map[string]any{"amount": nil}), "INVALID_AMOUNT", []string{"amount"}},
		{"phone with +", edit(map[string]any{"phone_number": "+251911111111"}), "INVALID_PHONE", []string{"phone_number"}},
		{"phone with a leading 0", edit(map[string]any{"phone_number": "0911111111"}), "INVALID_PHONE", []string{"phone_number"}},
		{"amount and phone", edit(map[string]any{"amount": json.Number("9.555"), "phone_number": "+251"}), "VALIDATION_ERROR", []string{"amount", "phone_number"}},
		{"currency alone", edit(map[string]any{"currency": "etb"}), "VALIDATION_ERROR", []string{"currency"}},
		{"a medium", edit(map[string]any{"supported_mediums": []string{"MPESA", "PAYPAL"}}), "VALIDATION_ERROR", []string{"supported_mediums"}},
		{"a redirect", edit(map[string]any{"redirects": map[string]string{"success": "/ok", "failed": "https://e.com/ko"}}), "VALIDATION_ERROR", []string{"redirects.success"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, _, resp := call(t, http.DefaultClient, http.MethodPost, srv.URL()+"/payment/checkout", testKey, tt.body)
			require.Equal(t, http.StatusBadRequest, status, string(resp))
			env := errorEnvelope(t, resp)
			assert.Equal(t, tt.code, env.ErrorCode, string(resp))
			assert.ElementsMatch(t, tt.field, slices.Collect(maps.Keys(env.Errors)), string(resp))
		})
	}
	t.Run("path parameter", func(t *testing.T) {
		status, _, resp := call(t, http.DefaultClient, http.MethodGet, srv.URL()+"/payment/transaction/"+strings.Repeat("x", 101), testKey, nil)
		require.Equal(t, http.StatusBadRequest, status, string(resp))
		env := errorEnvelope(t, resp)
		assert.Equal(t, "VALIDATION_ERROR", env.ErrorCode)
		assert.Equal(t, []string{"id"}, slices.Collect(maps.Keys(env.Errors)), "keyed by the parameter's name: %s", resp)
		assert.Contains(t, env.Errors["id"][0], "path parameter id: must be at most 100 characters long")
	})
	t.Run("the spec's own 400 example is what the fake answers", func(t *testing.T) {
		s, err := spec.Load()
		require.NoError(t, err)
		example := s.Doc.Components.Responses["BadRequest"].Value.Content["application/json"].Examples["invalidAmount"].Value.Value
		raw, err := json.Marshal(example)
		require.NoError(t, err)
		want := errorEnvelope(t, raw)
		status, _, resp := call(t, http.DefaultClient, http.MethodPost, srv.URL()+"/payment/checkout", testKey, edit(map[string]any{"amount": json.Number("9.555")}))
		require.Equal(t, http.StatusBadRequest, status)
		got := errorEnvelope(t, resp)
		assert.Equal(t, want.Status, got.Status)
		assert.Equal(t, want.Message, got.Message)
		assert.Equal(t, want.ErrorCode, got.ErrorCode)
		assert.ElementsMatch(t, slices.Collect(maps.Keys(want.Errors)), slices.Collect(maps.Keys(got.Errors)))
	})
}

func TestDuplicateReferenceIsRefused(t *testing.T) {
	srv := contracttest.NewServer(t)
	first := createCheckout(t, srv, "ORDER-DUP", "")
	status, _, resp := call(t, validated(t), http.MethodPost, srv.URL()+"/payment/checkout", testKey, checkoutBody(t, "ORDER-DUP", ""))
	require.Equal(t, http.StatusBadRequest, status)
	env := errorEnvelope(t, resp)
	assert.Equal(t, "DUPLICATE_REFERENCE", env.ErrorCode)
	assert.Contains(t, env.Errors, "reference")
	assert.Equal(t, client.TransactionStatusINITIATED, transaction(t, srv, first.LakipayTransactionID).Status, "the first session is untouched")
}

func TestUnknownTransactionIsNotFound(t *testing.T) {
	srv := contracttest.NewServer(t)
	for _, id := range []string{"TXN-0000", "TXN-1%2F2", url.PathEscape("ünïcode id")} {
		t.Run(id, func(t *testing.T) {
			status, _, resp := call(t, validated(t), http.MethodGet, srv.URL()+"/payment/transaction/"+id, testKey, nil)
			assert.Equal(t, http.StatusNotFound, status)
			assert.Equal(t, "NOT_FOUND", errorEnvelope(t, resp).ErrorCode)
		})
	}
	t.Run("undeclared route", func(t *testing.T) {
		status, _, resp := call(t, http.DefaultClient, http.MethodGet, srv.URL()+"/payment/refunds", testKey, nil)
		assert.Equal(t, http.StatusNotFound, status)
		assert.Equal(t, "NOT_FOUND", errorEnvelope(t, resp).ErrorCode)
	})
}

func TestScriptedTransitions(t *testing.T) {
	srv := contracttest.NewServer(t)
	cases := []struct {
		name   string
		act    func(id string) error
		status client.TransactionStatus
		medium client.Medium
	}{
		{"pay", func(id string) error { return srv.Pay(id, client.MediumTELEBIRR) }, client.TransactionStatusSUCCESS, client.MediumTELEBIRR},
		{"fail", func(id string) error { return srv.Fail(id, client.MediumCBE) }, client.TransactionStatusFAILED, client.MediumCBE},
		{"cancel", srv.Cancel, client.TransactionStatusCANCELLED, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id := createCheckout(t, srv, "R-"+tc.name, "").LakipayTransactionID
			require.NoError(t, tc.act(id))
			tx := transaction(t, srv, id)
			assert.Equal(t, tc.status, tx.Status)
			assert.Equal(t, tc.medium, tx.Medium)
			assert.False(t, tx.UpdatedAt.Before(tx.CreatedAt))
			assert.ErrorIs(t, srv.Pay(id, client.MediumMPESA), contracttest.ErrFinal, "a final status never changes")
			assert.ErrorIs(t, srv.Cancel(id), contracttest.ErrFinal)
			assert.ErrorIs(t, srv.Decline(id), contracttest.ErrFinal)
		})
	}
	t.Run("errors", func(t *testing.T) {
		id := createCheckout(t, srv, "R-errors", "", client.MediumMPESA).LakipayTransactionID
		assert.ErrorIs(t, srv.Pay(id, client.MediumCBE), contracttest.ErrMediumNotOffered)
		assert.ErrorIs(t, srv.Pay("TXN-nope", client.MediumMPESA), contracttest.ErrUnknownTransaction)
		assert.ErrorIs(t, srv.Cancel("TXN-nope"), contracttest.ErrUnknownTransaction)
		assert.ErrorIs(t, srv.Decline("TXN-nope"), contracttest.ErrUnknownTransaction)
		assert.Equal(t, client.TransactionStatusINITIATED, transaction(t, srv, id).Status, "a refused change changes nothing")
	})
}

// noRedirect is a client that reports redirects instead of following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func submit(t *testing.T, pageURL string, form url.Values) (int, string, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, pageURL, strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := noRedirect.Do(req)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header.Get("Location"), string(body)
}

func page(t *testing.T, pageURL string) (int, string) {
	t.Helper()
	status, _, body := call(t, http.DefaultClient, http.MethodGet, pageURL, "", nil)
	return status, string(body)
}

func TestHostedPage(t *testing.T) {
	srv := contracttest.NewServer(t)
	t.Run("shows the session, escaped", func(t *testing.T) {
		var m map[string]any
		require.NoError(t, json.Unmarshal(checkoutBody(t, "R-page", ""), &m))
		m["description"] = `<script>alert("x")</script> & more`
		body, err := json.Marshal(m)
		require.NoError(t, err)
		status, _, resp := call(t, validated(t), http.MethodPost, srv.URL()+"/payment/checkout", testKey, body)
		require.Equal(t, http.StatusOK, status)
		var created client.CheckoutResponse
		require.NoError(t, json.Unmarshal(resp, &created))
		status, html := page(t, created.Data.CheckoutURL)
		require.Equal(t, http.StatusOK, status)
		assert.Contains(t, html, `<strong id="amount">1000.50</strong>`)
		assert.Contains(t, html, `<span id="currency">ETB</span>`)
		assert.Contains(t, html, `&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; more`)
		assert.NotContains(t, html, "<script>")
		for _, m := range []string{"MPESA", "TELEBIRR", "CBE"} {
			assert.Contains(t, html, `value="`+m+`"`)
		}
		assert.NotContains(t, html, `value="ETHSWITCH"`, "only the session's mediums")
	})
	cases := []struct {
		name       string
		decline    bool
		form       url.Values
		wantTarget string
		wantStatus client.TransactionStatus
	}{
		{"pay", false, url.Values{"medium": {"TELEBIRR"}, "action": {"pay"}}, "https://example.com/success", client.TransactionStatusSUCCESS},
		{"cancel", false, url.Values{"action": {"cancel"}}, "https://example.com/failed", client.TransactionStatusCANCELLED},
		{"provider declines", true, url.Values{"medium": {"CBE"}, "action": {"pay"}}, "https://example.com/failed", client.TransactionStatusFAILED},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := createCheckout(t, srv, "R-page-"+tc.name, "")
			if tc.decline {
				require.NoError(t, srv.Decline(s.LakipayTransactionID))
			}
			status, location, _ := submit(t, s.CheckoutURL, tc.form)
			assert.Equal(t, http.StatusSeeOther, status)
			assert.Equal(t, tc.wantTarget, location)
			assert.Equal(t, tc.wantStatus, transaction(t, srv, s.LakipayTransactionID).Status)

			status, _, html := submit(t, s.CheckoutURL, url.Values{"medium": {"MPESA"}, "action": {"pay"}})
			assert.Equal(t, http.StatusConflict, status, "no double pay")
			assert.Contains(t, html, "already "+string(tc.wantStatus))
			_, html = page(t, s.CheckoutURL)
			assert.Contains(t, html, "already "+string(tc.wantStatus))
			assert.NotContains(t, html, "<form")
			assert.Equal(t, tc.wantStatus, transaction(t, srv, s.LakipayTransactionID).Status)
		})
	}
	t.Run("refuses what the page does not offer", func(t *testing.T) {
		s := createCheckout(t, srv, "R-page-bad", "", client.MediumMPESA)
		for _, form := range []url.Values{
			{"medium": {"CBE"}, "action": {"pay"}},
			{"medium": {"<b>"}, "action": {"pay"}},
			{"action": {"pay"}},
			{"medium": {"MPESA"}, "action": {"refund"}},
		} {
			status, _, html := submit(t, s.CheckoutURL, form)
			assert.Equal(t, http.StatusBadRequest, status, form.Encode())
			assert.NotContains(t, html, "<b>")
		}
		assert.Equal(t, client.TransactionStatusINITIATED, transaction(t, srv, s.LakipayTransactionID).Status)
	})
	t.Run("unknown page", func(t *testing.T) {
		status, _ := page(t, srv.Origin()+"/checkout/nope")
		assert.Equal(t, http.StatusNotFound, status)
	})
}

// receiver is a webhook endpoint that answers with the statuses in answers, then 200.
type receiver struct {
	mu      sync.Mutex
	answers []int
	bodies  [][]byte
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	b, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	r.bodies = append(r.bodies, b)
	status := http.StatusOK
	if len(r.answers) > 0 {
		status, r.answers = r.answers[0], r.answers[1:]
	}
	r.mu.Unlock()
	w.WriteHeader(status)
}

func TestWebhooks(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	srv := contracttest.NewServer(t, contracttest.WithWebhookRetry(3, time.Millisecond))
	key, err := webhook.ParsePublicKey(srv.PublicKeyPEM())
	require.NoError(t, err)

	t.Run("signed, valid and complete", func(t *testing.T) {
		srv.Reset()
		rcv := &receiver{}
		hook := httptest.NewServer(rcv)
		defer hook.Close()
		s := createCheckout(t, srv, "R-hook", hook.URL+"/cb")
		require.NoError(t, srv.Pay(s.LakipayTransactionID, client.MediumMPESA))
		deliveries, err := srv.WaitForDeliveries(ctx, 1)
		require.NoError(t, err)
		require.Len(t, deliveries, 1)
		d := deliveries[0]
		assert.True(t, d.OK())
		assert.Equal(t, 1, d.Attempt)
		assert.Equal(t, hook.URL+"/cb", d.URL)
		require.NoError(t, webhook.Verify(d.Body, key))
		require.NoError(t, webhook.Verify(rcv.bodies[0], srv.PublicKey()), "the receiver got the same signed bytes")
		var event client.WebhookEvent
		require.NoError(t, json.Unmarshal(d.Body, &event))
		assert.Equal(t, client.TransactionTypeDEPOSIT, event.Event)
		assert.Equal(t, s.LakipayTransactionID, event.TransactionID)
		assert.Equal(t, "R-hook", event.Reference)
		assert.Equal(t, "1000.50", event.Amount.String())
		assert.Equal(t, "ETB", event.Currency)
		assert.Equal(t, client.TransactionStatusSUCCESS, event.Status)
		assert.Equal(t, client.MediumMPESA, event.Medium)
		reference, err := spec.Load()
		require.NoError(t, err)
		assert.Empty(t, reference.WebhookVerdict(d.Body, contract.Options{Strict: true}), "kin-openapi, the reference, accepts the webhook too")
		var raw map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(d.Body, &raw))
		var ts string
		require.NoError(t, json.Unmarshal(raw["timestamp"], &ts))
		_, err = time.Parse(time.RFC3339, ts)
		assert.NoError(t, err)
	})
	t.Run("cancelled without a medium", func(t *testing.T) {
		srv.Reset()
		hook := httptest.NewServer(&receiver{})
		defer hook.Close()
		s := createCheckout(t, srv, "R-cancel", hook.URL)
		require.NoError(t, srv.Cancel(s.LakipayTransactionID))
		deliveries, err := srv.WaitForDeliveries(ctx, 1)
		require.NoError(t, err)
		assert.NotContains(t, string(deliveries[0].Body), `"medium"`)
		assert.NoError(t, webhook.Verify(deliveries[0].Body, key))
	})
	t.Run("retried until accepted", func(t *testing.T) {
		srv.Reset()
		hook := httptest.NewServer(&receiver{answers: []int{http.StatusInternalServerError, http.StatusBadRequest}})
		defer hook.Close()
		s := createCheckout(t, srv, "R-retry", hook.URL)
		require.NoError(t, srv.Pay(s.LakipayTransactionID, client.MediumCBE))
		require.NoError(t, srv.WaitIdle(ctx))
		deliveries := srv.Deliveries()
		require.Len(t, deliveries, 3)
		for i, want := range []int{500, 400, 200} {
			assert.Equal(t, i+1, deliveries[i].Attempt)
			assert.Equal(t, want, deliveries[i].HTTPStatus)
			assert.Equal(t, deliveries[0].Body, deliveries[i].Body, "every attempt sends the same signed body")
		}
	})
	t.Run("bounded attempts", func(t *testing.T) {
		srv.Reset()
		hook := httptest.NewServer(&receiver{answers: []int{500, 500, 500, 500, 500}})
		defer hook.Close()
		s := createCheckout(t, srv, "R-bounded", hook.URL)
		require.NoError(t, srv.Fail(s.LakipayTransactionID, client.MediumCBE))
		require.NoError(t, srv.WaitIdle(ctx))
		deliveries := srv.Deliveries()
		require.Len(t, deliveries, 3, "WithWebhookRetry(3, ...) bounds the attempts")
		assert.False(t, deliveries[2].OK())
	})
	t.Run("no answer", func(t *testing.T) {
		srv.Reset()
		hook := httptest.NewServer(&receiver{})
		dead := hook.URL
		hook.Close()
		s := createCheckout(t, srv, "R-dead", dead)
		require.NoError(t, srv.Pay(s.LakipayTransactionID, client.MediumCBE))
		require.NoError(t, srv.WaitIdle(ctx))
		deliveries := srv.Deliveries()
		require.Len(t, deliveries, 3)
		for _, d := range deliveries {
			assert.Zero(t, d.HTTPStatus)
			assert.NotEmpty(t, d.Err)
		}
	})
	t.Run("public key endpoint", func(t *testing.T) {
		status, _, body := call(t, http.DefaultClient, http.MethodGet, srv.Origin()+"/_mock/public-key", "", nil)
		require.Equal(t, http.StatusOK, status)
		served, err := webhook.ParsePublicKey(body)
		require.NoError(t, err)
		assert.True(t, served.Equal(srv.PublicKey()))
	})
}

func TestWaitForDeliveriesHonoursContext(t *testing.T) {
	srv := contracttest.NewServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := srv.WaitForDeliveries(ctx, 1)
	assert.ErrorIs(t, err, context.Canceled)
}

func TestForcedAnswersAndFaults(t *testing.T) {
	srv := contracttest.NewServer(t)
	t.Run("fail next", func(t *testing.T) {
		require.NoError(t, srv.FailNext("createCheckout", http.StatusUnprocessableEntity, "INSUFFICIENT_BALANCE"))
		status, _, body := call(t, validated(t), http.MethodPost, srv.URL()+"/payment/checkout", testKey, checkoutBody(t, "R-f1", ""))
		assert.Equal(t, http.StatusUnprocessableEntity, status)
		assert.Equal(t, "INSUFFICIENT_BALANCE", errorEnvelope(t, body).ErrorCode)
		createCheckout(t, srv, "R-f1", "") // only the next call: the reference was not used
	})
	t.Run("fail next with a code LakiPay documents speaks as LakiPay would", func(t *testing.T) {
		require.NoError(t, srv.FailNext("createCheckout", http.StatusBadRequest, "INVALID_PHONE"))
		status, _, body := call(t, validated(t), http.MethodPost, srv.URL()+"/payment/checkout", testKey, checkoutBody(t, "R-f2", ""))
		assert.Equal(t, http.StatusBadRequest, status)
		env := errorEnvelope(t, body)
		assert.Equal(t, "INVALID_PHONE", env.ErrorCode)
		assert.Equal(t, map[string][]string{"phone_number": {"phone number must be digits with the country code"}}, env.Errors)
		assert.NotContains(t, env.Message, "forced", "text a shopper could be shown, not the fake's")
		require.NoError(t, srv.FailNext("createCheckout", http.StatusConflict, "SOMETHING_NEW"))
		_, _, body = call(t, validated(t), http.MethodPost, srv.URL()+"/payment/checkout", testKey, checkoutBody(t, "R-f2", ""))
		assert.Equal(t, "Conflict (forced by the test)", errorEnvelope(t, body).Message, "a code LakiPay does not document keeps the status's text")
	})
	cases := []struct {
		fault  contracttest.Fault
		status int
		// check gets the first 64 KiB of the body; n counts every byte that came.
		check func(t *testing.T, resp *http.Response, body []byte, n int64, err error)
	}{
		{contracttest.FaultInternalError, 500, func(t *testing.T, _ *http.Response, body []byte, _ int64, err error) {
			require.NoError(t, err)
			assert.Equal(t, "PROVIDER_ERROR", errorEnvelope(t, body).ErrorCode)
		}},
		{contracttest.FaultRateLimited, 429, func(t *testing.T, resp *http.Response, _ []byte, _ int64, err error) {
			require.NoError(t, err)
			assert.Equal(t, "1", resp.Header.Get("Retry-After"))
		}},
		{contracttest.FaultMalformedJSON, 200, func(t *testing.T, _ *http.Response, body []byte, _ int64, err error) {
			require.NoError(t, err)
			assert.False(t, json.Valid(body))
		}},
		{contracttest.FaultTruncatedBody, 200, func(t *testing.T, _ *http.Response, _ []byte, _ int64, err error) {
			assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
		}},
		{contracttest.FaultConnectionReset, 0, func(t *testing.T, _ *http.Response, _ []byte, _ int64, err error) {
			assert.Error(t, err)
		}},
		{contracttest.FaultFlatShape, 200, func(t *testing.T, _ *http.Response, body []byte, _ int64, err error) {
			require.NoError(t, err)
			var flat map[string]any
			require.NoError(t, json.Unmarshal(body, &flat))
			assert.Equal(t, true, flat["success"])
			assert.NotContains(t, flat, "data")
		}},
		{contracttest.FaultTimeout, 0, func(t *testing.T, _ *http.Response, _ []byte, _ int64, err error) {
			assert.ErrorIs(t, err, context.Canceled, "no answer until the client gave up")
		}},
		{contracttest.FaultBadGateway, 502, func(t *testing.T, resp *http.Response, body []byte, _ int64, err error) {
			require.NoError(t, err)
			assert.Equal(t, "text/html", resp.Header.Get("Content-Type"))
			assert.Contains(t, string(body), "<h1>502 Bad Gateway</h1>")
		}},
		{contracttest.FaultUnavailable, 503, func(t *testing.T, resp *http.Response, body []byte, _ int64, err error) {
			require.NoError(t, err)
			assert.Equal(t, "PROVIDER_ERROR", errorEnvelope(t, body).ErrorCode)
			assert.Empty(t, resp.Header.Get("Retry-After"))
		}},
		{contracttest.FaultRateLimitedNoRetryAfter, 429, func(t *testing.T, resp *http.Response, body []byte, _ int64, err error) {
			require.NoError(t, err)
			assert.Equal(t, "RATE_LIMITED", errorEnvelope(t, body).ErrorCode)
			assert.NotContains(t, resp.Header, "Retry-After")
		}},
		{contracttest.FaultWrongContentType, 200, func(t *testing.T, resp *http.Response, body []byte, _ int64, err error) {
			require.NoError(t, err)
			assert.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
			var env struct{ Status string }
			require.NoError(t, json.Unmarshal(body, &env), "the body is the operation's real JSON answer")
			assert.Equal(t, "SUCCESS", env.Status)
		}},
		{contracttest.FaultHugeBody, 200, func(t *testing.T, resp *http.Response, body []byte, n int64, err error) {
			require.NoError(t, err)
			assert.Equal(t, int64(contracttest.HugeBodyBytes), resp.ContentLength)
			assert.Equal(t, int64(contracttest.HugeBodyBytes), n, "every announced byte came")
			assert.True(t, strings.HasPrefix(string(body), `{"status":"SUCCESS","message":"xxx`))
		}},
	}
	for _, tc := range cases {
		for _, op := range []contracttest.Operation{contracttest.OpCreateCheckout, contracttest.OpGetTransaction} {
			t.Run(tc.fault.String()+" "+string(op), func(t *testing.T) {
				existing := createCheckout(t, srv, "R-"+tc.fault.String()+string(op), "")
				require.NoError(t, srv.InjectFault(op, tc.fault))
				method, u, body := http.MethodGet, srv.URL()+"/payment/transaction/"+existing.LakipayTransactionID, []byte(nil)
				if op == "createCheckout" {
					method, u, body = http.MethodPost, srv.URL()+"/payment/checkout", checkoutBody(t, "R-x-"+tc.fault.String(), "")
				}
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				before := srv.Requests(op)
				if tc.fault == contracttest.FaultTimeout {
					// The client gives up once the request has reached the fake (a fixed
					// deadline could expire first on a loaded machine).
					go func() {
						for srv.Requests(op) == before && ctx.Err() == nil {
							time.Sleep(time.Millisecond)
						}
						cancel()
					}()
				}
				req, err := http.NewRequestWithContext(ctx, method, u, bytesReader(body))
				require.NoError(t, err)
				req.Header.Set("X-API-Key", testKey)
				req.Header.Set("Content-Type", "application/json")
				hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
				resp, err := hc.Do(req)
				var got []byte
				var n int64
				if err == nil {
					assert.Equal(t, tc.status, resp.StatusCode)
					got, err = io.ReadAll(io.LimitReader(resp.Body, 64<<10))
					if err == nil {
						var rest int64
						rest, err = io.Copy(io.Discard, resp.Body)
						n = int64(len(got)) + rest
					}
					_ = resp.Body.Close()
				}
				tc.check(t, resp, got, n, err)
				assert.Equal(t, before+1, srv.Requests(op), "the request reached the fake once")
				// The fault was used up: the next call is normal again.
				assert.Equal(t, client.TransactionStatusINITIATED, transaction(t, srv, existing.LakipayTransactionID).Status)
			})
		}
	}
	t.Run("n faults in a row", func(t *testing.T) {
		require.NoError(t, srv.InjectFaultN("getTransaction", contracttest.FaultInternalError, 2))
		id := createCheckout(t, srv, "R-n", "").LakipayTransactionID
		for range 2 {
			status, _, _ := call(t, http.DefaultClient, http.MethodGet, srv.URL()+"/payment/transaction/"+id, testKey, nil)
			assert.Equal(t, http.StatusInternalServerError, status)
		}
		transaction(t, srv, id)
	})
}

func bytesReader(b []byte) io.Reader {
	if b == nil {
		return nil
	}
	return strings.NewReader(string(b))
}

func TestLatencyEndsWithTheCallersContext(t *testing.T) {
	srv := contracttest.NewServer(t)
	srv.SetLatency(time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL()+"/payment/transaction/TXN-1", nil)
	require.NoError(t, err)
	req.Header.Set("X-API-Key", testKey)
	resp, err := http.DefaultClient.Do(req)
	if resp != nil {
		_ = resp.Body.Close()
	}
	require.ErrorIs(t, err, context.DeadlineExceeded)
	srv.SetLatency(0)
	status, _, _ := call(t, http.DefaultClient, http.MethodGet, srv.URL()+"/payment/transaction/TXN-1", testKey, nil)
	assert.Equal(t, http.StatusNotFound, status)
}

func TestMockEndpoints(t *testing.T) {
	srv := contracttest.NewServer(t, contracttest.WithWebhookRetry(1, 0))
	hook := httptest.NewServer(&receiver{})
	defer hook.Close()
	mock := func(method, path, body string) (int, map[string]any) {
		t.Helper()
		var b []byte
		if body != "" {
			b = []byte(body)
		}
		status, _, resp := call(t, http.DefaultClient, method, srv.Origin()+"/_mock/"+path, "", b)
		var out map[string]any
		if json.Unmarshal(resp, &out) != nil {
			out = map[string]any{"raw": string(resp)}
		}
		return status, out
	}
	ids := map[string]string{}
	for _, ref := range []string{"pay", "fail", "cancel", "decline", "status"} {
		ids[ref] = createCheckout(t, srv, "R-mock-"+ref, hook.URL).LakipayTransactionID
	}
	cases := []struct {
		name, method, path, body string
		status                   int
		check                    func(t *testing.T, out map[string]any)
	}{
		{"pay", "POST", "transactions/" + ids["pay"] + "/pay", `{"medium":"MPESA"}`, 200, func(t *testing.T, out map[string]any) {
			assert.Equal(t, "SUCCESS", out["status"])
			assert.Equal(t, "MPESA", out["medium"])
		}},
		{"pay again", "POST", "transactions/" + ids["pay"] + "/pay", `{"medium":"MPESA"}`, 409, nil},
		{"pay unknown medium", "POST", "transactions/" + ids["fail"] + "/pay", `{"medium":"PAYPAL"}`, 400, nil},
		{"pay not offered", "POST", "transactions/" + ids["fail"] + "/pay", `{"medium":"ETHSWITCH"}`, 400, nil},
		{"fail", "POST", "transactions/" + ids["fail"] + "/fail", `{"medium":"CBE"}`, 200, func(t *testing.T, out map[string]any) {
			assert.Equal(t, "FAILED", out["status"])
		}},
		{"cancel", "POST", "transactions/" + ids["cancel"] + "/cancel", "", 200, func(t *testing.T, out map[string]any) {
			assert.Equal(t, "CANCELLED", out["status"])
		}},
		{"decline", "POST", "transactions/" + ids["decline"] + "/decline", "", 200, func(t *testing.T, out map[string]any) {
			assert.Equal(t, "INITIATED", out["status"], "decline only scripts the page's next payment")
		}},
		{"status LakiPay may add", "POST", "transactions/" + ids["status"] + "/status", `{"status":"REFUNDED","medium":"AWASH"}`, 200,
			func(t *testing.T, out map[string]any) {
				assert.Equal(t, "REFUNDED", out["status"])
				assert.Equal(t, "AWASH", out["medium"])
			}},
		{"status a known one after a final", "POST", "transactions/" + ids["pay"] + "/status", `{"status":"PENDING"}`, 409, nil},
		{"status lower case", "POST", "transactions/" + ids["status"] + "/status", `{"status":"refunded"}`, 400, func(t *testing.T, out map[string]any) {
			assert.Contains(t, out["error"], "upper-case word")
		}},
		{"status missing", "POST", "transactions/" + ids["status"] + "/status", `{"medium":"AWASH"}`, 400, nil},
		{"status unknown field", "POST", "transactions/" + ids["status"] + "/status", `{"status":"REFUNDED","reason":"x"}`, 400, nil},
		{"unknown transaction", "POST", "transactions/TXN-nope/cancel", "", 404, func(t *testing.T, out map[string]any) {
			assert.Contains(t, out["error"], "unknown transaction")
		}},
		{"unknown action", "POST", "transactions/" + ids["decline"] + "/refund", "", 400, nil},
		{"read transaction", "GET", "transactions/" + ids["pay"], "", 200, func(t *testing.T, out map[string]any) {
			assert.Equal(t, "SUCCESS", out["status"])
		}},
		{"fail next", "POST", "fail-next", `{"operation":"getTransaction","status":503,"error_code":"PROVIDER_ERROR"}`, 200, nil},
		{"fail next unknown operation", "POST", "fail-next", `{"operation":"refund","status":500}`, 400, nil},
		{"fail next bad status", "POST", "fail-next", `{"operation":"getTransaction","status":200}`, 400, nil},
		{"fault", "POST", "faults", `{"operation":"createCheckout","fault":"rate_limited","count":2}`, 200, func(t *testing.T, out map[string]any) {
			assert.Equal(t, "rate_limited", out["fault"])
			assert.Equal(t, 2.0, out["count"])
		}},
		{"fault unknown", "POST", "faults", `{"operation":"createCheckout","fault":"meteor"}`, 400, func(t *testing.T, out map[string]any) {
			assert.Contains(t, out["error"], "unknown fault")
		}},
		{"fault missing", "POST", "faults", `{"operation":"createCheckout"}`, 400, nil},
		{"fault bad count", "POST", "faults", `{"operation":"createCheckout","fault":"rate_limited","count":0}`, 400, nil},
		{"latency", "POST", "latency", `{"latency":"0s"}`, 200, nil},
		{"latency bad", "POST", "latency", `{"latency":"soon"}`, 400, nil},
		{"unknown field", "POST", "latency", `{"latency":"0s","extra":1}`, 400, nil},
		{"a second value after the body", "POST", "latency", `{"latency":"0s"} {"latency":"1ms"}`, 400, nil},
		{"a stray bracket after the body", "POST", "latency", `{"latency":"0s"}]`, 400, nil},
		{"a repeated key", "POST", "latency", `{"latency":"0s","latency":"1ms"}`, 400, func(t *testing.T, out map[string]any) {
			assert.Contains(t, out["error"], "duplicate key at /latency")
		}},
		{"invalid UTF-8", "POST", "fail-next", "{\"operation\":\"getTransaction\",\"status\":500,\"error_code\":\"X\xff\"}", 400, func(t *testing.T, out map[string]any) {
			assert.Contains(t, out["error"], "UTF-8")
		}},
		{"coverage", "GET", "coverage", "", 200, func(t *testing.T, out map[string]any) {
			assert.Contains(t, out, "operations")
			assert.Contains(t, out, "enums")
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, out := mock(tc.method, tc.path, tc.body)
			assert.Equal(t, tc.status, status, "%v", out)
			if tc.status >= 400 {
				assert.NotEmpty(t, out["error"])
			}
			if tc.check != nil {
				tc.check(t, out)
			}
		})
	}
	t.Run("scripts took effect", func(t *testing.T) {
		status, _, _ := call(t, http.DefaultClient, http.MethodGet, srv.URL()+"/payment/transaction/"+ids["pay"], testKey, nil)
		assert.Equal(t, http.StatusServiceUnavailable, status)
		for range 2 {
			status, _, _ = call(t, http.DefaultClient, http.MethodPost, srv.URL()+"/payment/checkout", testKey, checkoutBody(t, "R-limited", ""))
			assert.Equal(t, http.StatusTooManyRequests, status)
		}
	})
	t.Run("deliveries", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		require.NoError(t, srv.WaitIdle(ctx))
		status, _, body := call(t, http.DefaultClient, http.MethodGet, srv.Origin()+"/_mock/deliveries", "", nil)
		require.Equal(t, http.StatusOK, status)
		var list []contracttest.Delivery
		require.NoError(t, json.Unmarshal(body, &list))
		assert.Len(t, list, 4, "pay, fail, cancel and status each sent one webhook")
		for _, d := range list {
			assert.NoError(t, webhook.Verify(d.Body, srv.PublicKey()), "the listed body is the signed JSON")
		}
	})
	t.Run("coverage as text", func(t *testing.T) {
		_, _, body := call(t, http.DefaultClient, http.MethodGet, srv.Origin()+"/_mock/coverage?format=text", "", nil)
		assert.Contains(t, string(body), "contract coverage")
	})
	t.Run("reset", func(t *testing.T) {
		status, _ := mock("POST", "reset", "")
		require.Equal(t, http.StatusOK, status)
		status, _ = mock("GET", "transactions/"+ids["pay"], "")
		assert.Equal(t, http.StatusNotFound, status)
		assert.Empty(t, srv.Deliveries())
		createCheckout(t, srv, "R-mock-pay", "") // references are free again
	})
}

func TestCoverage(t *testing.T) {
	srv := contracttest.NewServer(t, contracttest.WithWebhookRetry(1, 0))
	hook := httptest.NewServer(&receiver{})
	defer hook.Close()
	s := createCheckout(t, srv, "R-cov", hook.URL, client.MediumMPESA, client.MediumCBE)
	require.NoError(t, srv.Pay(s.LakipayTransactionID, client.MediumCBE))
	transaction(t, srv, s.LakipayTransactionID)
	call(t, http.DefaultClient, http.MethodGet, srv.URL()+"/payment/transaction/TXN-none", testKey, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, srv.WaitIdle(ctx))

	c := srv.Coverage()
	assert.Equal(t, 1, c.Operations["createCheckout"]["200"])
	assert.Equal(t, 0, c.Operations["createCheckout"]["429"], "declared, not exercised")
	assert.Equal(t, 1, c.Operations["getTransaction"]["404"])
	assert.Equal(t, 1, c.Operations["receivePaymentWebhook"]["200"])
	assert.Equal(t, 2, c.Enums["Medium"]["CBE"], "offered once, paid with once")
	assert.Equal(t, 0, c.Enums["Medium"]["ETHSWITCH"])
	assert.Equal(t, 1, c.Enums["WebhookEvent.event"]["DEPOSIT"])
	assert.Contains(t, c.Missing(), "TransactionStatus PENDING")
	assert.Contains(t, c.Missing(), "WebhookEvent.event WITHDRAWAL")
	assert.NotContains(t, c.Missing(), "createCheckout 200")

	text := c.String()
	assert.Contains(t, text, "createCheckout")
	unexercised := slices.DeleteFunc(contract.Enum("Medium"), func(m string) bool { return m == "CBE" || m == "MPESA" })
	slices.Sort(unexercised)
	assert.Regexp(t, `Medium +CBE×2 MPESA×1 +not exercised: `+strings.Join(unexercised, " ")+"\n", text)

	c.Operations["createCheckout"]["200"] = 99
	assert.Equal(t, 1, srv.Coverage().Operations["createCheckout"]["200"], "Coverage returns a snapshot")
}

func TestNewFakeRefusesBadOptions(t *testing.T) {
	small, err := rsa.GenerateKey(rand.Reader, 1024) //nolint:gosec // deliberately too small
	require.NoError(t, err)
	cases := []struct {
		name string
		opt  contracttest.ServerOption
		want string
	}{
		{"api key without colon", contracttest.WithAPIKey("pk_only"), "WithAPIKey"},
		{"nil signing key", contracttest.WithSigningKey(nil), "nil key"},
		{"small signing key", contracttest.WithSigningKey(small), "1024-bit"},
		{"nil logger", contracttest.WithLogger(nil), "nil logger"},
		{"zero attempts", contracttest.WithWebhookRetry(0, time.Second), "WithWebhookRetry: attempts 0 not in 1..20"},
		{"negative base", contracttest.WithWebhookRetry(3, -time.Second), "negative base"},
		{"no sessions", contracttest.WithMaxSessions(0), "WithMaxSessions: 0 not in 1..10000000"},
		{"too many sessions", contracttest.WithMaxSessions(10_000_001), "WithMaxSessions: 10000001 not in 1..10000000"},
		{"no deliveries", contracttest.WithMaxDeliveries(0), "WithMaxDeliveries: 0 not in 1..1000000"},
		{"no workers", contracttest.WithWebhookWorkers(0), "WithWebhookWorkers: 0 not in 1..1024"},
		{"too many workers", contracttest.WithWebhookWorkers(1025), "WithWebhookWorkers: 1025 not in 1..1024"},
		{"no queue", contracttest.WithWebhookQueue(0), "WithWebhookQueue: 0 not in 1..1000000"},
		{"zero timeout", contracttest.WithWebhookTimeout(0), "WithWebhookTimeout: 0s not in (0s, 2m0s]"},
		{"long timeout", contracttest.WithWebhookTimeout(time.Hour), "WithWebhookTimeout: 1h0m0s not in (0s, 2m0s]"},
		{"negative read timeout", contracttest.WithServerLimits(contracttest.ServerLimits{ReadTimeout: -1}), "WithServerLimits: negative ReadTimeout -1ns"},
		{"negative header bytes", contracttest.WithServerLimits(contracttest.ServerLimits{MaxHeaderBytes: -1}), "WithServerLimits: negative MaxHeaderBytes -1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := contracttest.NewFake(tc.opt)
			assert.Nil(t, f)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.True(t, strings.HasPrefix(err.Error(), "contracttest: With"), err.Error())
			var oe *contracttest.OptionError
			require.ErrorAs(t, err, &oe)
			assert.Equal(t, "contracttest: "+oe.Option+": "+oe.Err.Error(), err.Error(), "the error names the option")
			assert.NotContains(t, err.Error(), "pk_only")
		})
	}
	t.Run("limits at their bounds", func(t *testing.T) {
		f, err := contracttest.NewFake(contracttest.WithMaxSessions(1), contracttest.WithMaxDeliveries(1_000_000),
			contracttest.WithWebhookWorkers(1024), contracttest.WithWebhookQueue(1), contracttest.WithWebhookTimeout(2*time.Minute),
			contracttest.WithServerLimits(contracttest.ServerLimits{}))
		require.NoError(t, err)
		assert.NoError(t, f.Close())
	})
}

func TestFakeLogsWithoutTheKey(t *testing.T) {
	var mu sync.Mutex
	var logs strings.Builder
	logger := slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return logs.Write(p)
	}), &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv := contracttest.NewServer(t, contracttest.WithLogger(logger), contracttest.WithAPIKey(testKey))
	s := createCheckout(t, srv, "R-log", "")
	call(t, http.DefaultClient, http.MethodGet, srv.URL()+"/payment/transaction/"+s.LakipayTransactionID, "pk_test_abc:sk_test_wrong", nil)
	mu.Lock()
	defer mu.Unlock()
	assert.Contains(t, logs.String(), "checkout created")
	assert.NotContains(t, logs.String(), secret)
	assert.NotContains(t, logs.String(), "sk_test_wrong")
}

type writerFunc func([]byte) (int, error)

func (w writerFunc) Write(p []byte) (int, error) { return w(p) }

func TestFaultNames(t *testing.T) {
	for _, f := range contracttest.Faults() {
		t.Run(f.String(), func(t *testing.T) {
			text, err := f.MarshalText()
			require.NoError(t, err)
			var back contracttest.Fault
			require.NoError(t, back.UnmarshalText(text))
			assert.Equal(t, f, back)
			upper, err := contracttest.ParseFault(strings.ToUpper(string(text)))
			require.NoError(t, err)
			assert.Equal(t, f, upper)
		})
	}
	_, err := contracttest.ParseFault("meteor")
	assert.Error(t, err)
	_, err = contracttest.Fault(99).MarshalText()
	assert.Error(t, err)
	assert.Equal(t, "fault(99)", contracttest.Fault(99).String())
}

func TestCloseStopsPendingWebhooks(t *testing.T) {
	f, err := contracttest.NewFake(contracttest.WithWebhookRetry(20, time.Hour))
	require.NoError(t, err)
	api := httptest.NewServer(f)
	defer api.Close()
	var hits atomic.Int32
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer hook.Close()
	status, _, body := call(t, validated(t), http.MethodPost, api.URL+"/api/v2/payment/checkout", testKey, checkoutBody(t, "R-close", hook.URL))
	require.Equal(t, http.StatusOK, status)
	var created client.CheckoutResponse
	require.NoError(t, json.Unmarshal(body, &created))
	require.NoError(t, f.Pay(created.Data.LakipayTransactionID, client.MediumMPESA))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err = f.WaitForDeliveries(ctx, 1)
	require.NoError(t, err)
	require.NoError(t, f.Close(), "Close returns although the next attempt is an hour away")
	assert.Equal(t, int32(1), hits.Load())
	assert.NoError(t, f.WaitIdle(ctx), "nothing is pending after Close")
}

func TestNothingPrintsThePinnedKey(t *testing.T) {
	srv := contracttest.NewServer(t, contracttest.WithAPIKey(testKey))
	f, err := contracttest.NewFake(contracttest.WithAPIKey(testKey))
	require.NoError(t, err)
	// Printing right away also proves it does not race with the signing key being generated
	// (run under -race).
	for _, v := range []any{srv, srv.Fake, f} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			text := fmt.Sprintf(verb, v)
			secrettest.Absent(t, text, secret, verb)
			assert.NotContains(t, text, "PrivateKey", "%s shows no signing key", verb)
			assert.Contains(t, text, "contracttest.Fake{", verb)
		}
	}
}

func TestCoverageIsLoggedWhenAsked(t *testing.T) {
	t.Setenv(contracttest.CoverageEnv, "1")
	var rec *loggingTB
	t.Run("a test using the fake", func(t *testing.T) {
		rec = &loggingTB{TB: t}
		srv := contracttest.NewServer(rec)
		createCheckout(t, srv, "R-logged", "")
	})
	require.NotNil(t, rec)
	require.Len(t, rec.logs, 1)
	assert.Contains(t, rec.logs[0], "contract coverage of the fake LakiPay")
	assert.Regexp(t, `createCheckout +200×1`, rec.logs[0])
}

// loggingTB is a testing.TB that records Log calls.
type loggingTB struct {
	testing.TB
	logs []string
}

func (l *loggingTB) Helper() {}

func (l *loggingTB) Log(args ...any) { l.logs = append(l.logs, fmt.Sprint(args...)) }

func TestFakeChecksItsOwnResponses(t *testing.T) {
	// A Host header no real server lets through makes the fake build a checkout_url that is
	// not a URL: its own response breaks the contract, and the hook hears of it.
	var got []contracttest.Violation
	f, err := contracttest.NewFake(contracttest.WithViolationHook(func(v contracttest.Violation) { got = append(got, v) }))
	require.NoError(t, err)
	defer func() { _ = f.Close() }()
	req := httptest.NewRequestWithContext(context.Background(), http.MethodPost, "/api/v2/payment/checkout", strings.NewReader(string(checkoutBody(t, "R-host", ""))))
	req.Host = "exa mple"
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-API-Key", testKey)
	rec := httptest.NewRecorder()
	f.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusOK, rec.Code)
	require.NotEmpty(t, got)
	assert.Equal(t, "/data/checkout_url", got[0].Pointer)
	assert.Equal(t, "format", got[0].Rule)
}

// TestRequestsAreCounted checks Fake.Requests and GET /_mock/requests: every request to a
// declared route counts, whatever it was answered, and Reset starts again from zero.
func TestRequestsAreCounted(t *testing.T) {
	srv := contracttest.NewServer(t)
	id := createCheckout(t, srv, "R-count-1", "").LakipayTransactionID
	call(t, http.DefaultClient, http.MethodPost, srv.URL()+"/payment/checkout", testKey, checkoutBody(t, "R-count-1", "")) // duplicate: 400
	call(t, http.DefaultClient, http.MethodPost, srv.URL()+"/payment/checkout", "", checkoutBody(t, "R-count-2", ""))      // no key: 401
	require.NoError(t, srv.InjectFault("getTransaction", contracttest.FaultInternalError))
	call(t, http.DefaultClient, http.MethodGet, srv.URL()+"/payment/transaction/"+id, testKey, nil) // scripted 500
	transaction(t, srv, id)
	call(t, http.DefaultClient, http.MethodGet, srv.URL()+"/payment/nowhere", testKey, nil) // undeclared: not an operation

	assert.Equal(t, 3, srv.Requests("createCheckout"))
	assert.Equal(t, 2, srv.Requests("getTransaction"))
	assert.Equal(t, 0, srv.Requests("noSuchOperation"))
	assert.ErrorIs(t, srv.InjectFault("CreateCheckout", contracttest.FaultInternalError), contracttest.ErrScript,
		"a wrong-case operation is refused, not silently ignored")
	assert.ErrorIs(t, srv.FailNext(contracttest.OpCreateCheckout, 200, ""), contracttest.ErrScript, "200 is no error status")
	assert.ErrorIs(t, srv.InjectFaultN(contracttest.OpGetTransaction, contracttest.Fault(99), 1), contracttest.ErrScript)
	assert.ErrorIs(t, srv.InjectFaultN(contracttest.OpGetTransaction, contracttest.FaultTimeout, 0), contracttest.ErrScript)
	status, _, body := call(t, http.DefaultClient, http.MethodGet, srv.Origin()+"/_mock/requests", "", nil)
	require.Equal(t, http.StatusOK, status)
	assert.JSONEq(t, `{"createCheckout":3,"getTransaction":2}`, string(body))

	srv.Reset()
	assert.Equal(t, 0, srv.Requests("createCheckout"))
	_, _, body = call(t, http.DefaultClient, http.MethodGet, srv.Origin()+"/_mock/requests", "", nil)
	assert.JSONEq(t, `{}`, string(body))
}

// TestHugeBodyIsStreamed checks that FaultHugeBody sends 20 MiB without the fake ever
// holding them: the whole process allocates far less than the body while it is read.
func TestHugeBodyIsStreamed(t *testing.T) {
	srv := contracttest.NewServer(t)
	require.NoError(t, srv.InjectFault("getTransaction", contracttest.FaultHugeBody))
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, srv.URL()+"/payment/transaction/TXN-1", nil)
	require.NoError(t, err)
	req.Header.Set("X-API-Key", testKey)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	n, err := io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	runtime.ReadMemStats(&after)
	require.NoError(t, err)
	assert.Equal(t, int64(contracttest.HugeBodyBytes), n)
	allocated := after.TotalAlloc - before.TotalAlloc
	assert.Less(t, allocated, uint64(contracttest.HugeBodyBytes/4),
		"allocated %d bytes to stream a %d-byte body", allocated, contracttest.HugeBodyBytes)
}

// TestHugeBodyStopsWhenTheClientDoes checks that the fake stops writing as soon as the
// client stops reading (the server shuts down cleanly right after).
func TestHugeBodyStopsWhenTheClientDoes(t *testing.T) {
	srv := contracttest.NewServer(t)
	require.NoError(t, srv.InjectFault("getTransaction", contracttest.FaultHugeBody))
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, srv.URL()+"/payment/transaction/TXN-1", nil)
	require.NoError(t, err)
	req.Header.Set("X-API-Key", testKey)
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := hc.Do(req)
	require.NoError(t, err)
	head := make([]byte, 1<<10)
	_, err = io.ReadFull(resp.Body, head)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close(), "closing after 1 KiB drops the connection")
	assert.Equal(t, client.TransactionStatusINITIATED, transaction(t, srv, createCheckout(t, srv, "R-after-huge", "").LakipayTransactionID).Status,
		"the fake goes on answering")
}

// BenchmarkStartToFirstAnswer measures what `lakipay mock` start-up costs until the first
// API answer: NewFake plus one request. "lazy" is the fake as it is (the signing key is
// generated in the background); "eager" generates the key first, as the fake used to. Compare
// the two ns/op of one run.
func BenchmarkStartToFirstAnswer(b *testing.B) {
	for _, mode := range []string{"lazy", "eager"} {
		b.Run(mode, func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				var opts []contracttest.ServerOption
				if mode == "eager" {
					k, err := rsa.GenerateKey(rand.Reader, 2048)
					require.NoError(b, err)
					opts = append(opts, contracttest.WithSigningKey(k))
				}
				f, err := contracttest.NewFake(opts...)
				require.NoError(b, err)
				req := httptest.NewRequestWithContext(context.Background(), http.MethodGet, "/api/v2/payment/transaction/TXN-1", nil)
				req.Header.Set("X-API-Key", testKey)
				rec := httptest.NewRecorder()
				f.ServeHTTP(rec, req)
				if rec.Code != http.StatusNotFound {
					b.Fatalf("status %d", rec.Code)
				}
				b.StopTimer()
				_ = f.Close() // waits for the background key: not part of start-up
				b.StartTimer()
			}
		})
	}
}
