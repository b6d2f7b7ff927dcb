package client

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/internal/webhook"
	"github.com/lakipay/checkout-go/internal/webhook/forge"
)

// signatureField matches the signature member of a signed body.
var signatureField = regexp.MustCompile(`,?"signature":"[^"]*"`)

// forgery is a webhook body an attacker (or a broken sender) could POST, and how both
// ParseWebhook and WebhookHandler must refuse it.
type forgery struct {
	name   string
	body   func(t *testing.T) string
	want   error  // ParseWebhook's sentinel
	status int    // WebhookHandler's status
	text   string // WebhookHandler's plain-text reason
}

// forgeries is every attack on webhook authenticity this package refuses. Each one runs
// through ParseWebhook and through WebhookHandler (TestForgeriesAreRefused).
func forgeries() []forgery {
	// SignWebhook writes the amount 100.00 of webhookPayload as 100.
	good := func(t *testing.T) string { return sign(t, webhookPayload, lakipayKey()) }
	shift := func(pick func(forge.Shift) string) func(t *testing.T) string {
		return func(t *testing.T) string {
			s, err := forge.NewShift(lakipayKey(), forge.ReportedShift)
			require.NoError(t, err)
			return pick(s)
		}
	}
	const (
		badSig    = "webhook refused: invalid webhook signature"
		noSig     = "webhook refused: webhook has no signature"
		malformed = "webhook refused: malformed webhook body"
		ambiguous = "webhook refused: ambiguous webhook body"
	)
	return []forgery{
		{name: "tampered amount", want: ErrInvalidSignature, status: 400, text: badSig,
			body: func(t *testing.T) string { return strings.Replace(good(t), `"amount":100,`, `"amount":1000,`, 1) }},
		{name: "tampered status", want: ErrInvalidSignature, status: 400, text: badSig,
			body: func(t *testing.T) string {
				failed := sign(t, strings.Replace(webhookPayload, `"SUCCESS"`, `"FAILED"`, 1), lakipayKey())
				return strings.Replace(failed, `"FAILED"`, `"SUCCESS"`, 1)
			}},
		{name: "tampered transaction_id", want: ErrInvalidSignature, status: 400, text: badSig,
			body: func(t *testing.T) string { return strings.Replace(good(t), "TXN-123456789", "TXN-987654321", 1) }},
		{name: "removed signature", want: ErrNoSignature, status: 400, text: noSig,
			body: func(t *testing.T) string { return signatureField.ReplaceAllString(good(t), "") }},
		{name: "empty signature", want: ErrNoSignature, status: 400, text: noSig,
			body: func(t *testing.T) string { return signatureField.ReplaceAllString(good(t), `,"signature":""`) }},
		{name: "another key's signature", want: ErrInvalidSignature, status: 400, text: badSig,
			body: func(t *testing.T) string { return sign(t, webhookPayload, forgerKey()) }},
		{name: "signature of another webhook", want: ErrInvalidSignature, status: 400, text: badSig,
			body: func(t *testing.T) string {
				other := sign(t, strings.Replace(webhookPayload, "ORDER-12345", "ORDER-99999", 1), lakipayKey())
				sig := signatureField.FindString(other)
				return signatureField.ReplaceAllString(good(t), sig)
			}},
		{name: "garbage base64", want: ErrInvalidSignature, status: 400, text: badSig,
			body: func(t *testing.T) string {
				return signatureField.ReplaceAllString(good(t), `,"signature":"%%not*base64!!"`)
			}},
		{name: "base64 of garbage", want: ErrInvalidSignature, status: 400, text: badSig,
			body: func(t *testing.T) string {
				return signatureField.ReplaceAllString(good(t), `,"signature":"AAAAAAAAAAAAAAAA"`)
			}},
		{name: "signature not a string", want: ErrMalformedWebhook, status: 400, text: malformed,
			body: func(t *testing.T) string { return signatureField.ReplaceAllString(good(t), `,"signature":12345`) }},
		// A signature over the same values in another exact form verifies
		// (TestNumberFormsVerify); one over other values never does.
		{name: "value-changing form: 100.004 for a signed 100", want: ErrInvalidSignature, status: 400, text: badSig,
			body: func(t *testing.T) string { return strings.Replace(good(t), `"amount":100,`, `"amount":100.004,`, 1) }},
		{name: "value-changing form: 1000.05 for a signed 1000.5", want: ErrInvalidSignature, status: 400, text: badSig,
			body: func(t *testing.T) string {
				return strings.Replace(sign(t, withAmount("1000.50"), lakipayKey()), `"amount":1000.5,`, `"amount":1000.05,`, 1)
			}},
		// Issue 10: a genuine signature over a CANCELLED webhook whose reference holds "&",
		// re-split into a SUCCESS webhook for another transaction.
		{name: "shifted through an extra key", want: ErrAmbiguousWebhook, status: 400, text: ambiguous,
			body: shift(func(s forge.Shift) string { return s.ThroughKey })},
		{name: "shifted through a value", want: ErrAmbiguousWebhook, status: 400, text: ambiguous,
			body: shift(func(s forge.Shift) string { return s.ThroughValue })},
		{name: "the genuine ambiguous original", want: ErrAmbiguousWebhook, status: 400, text: ambiguous,
			body: shift(func(s forge.Shift) string { return s.Original })},
		{name: "oversize body, authentic signature", want: ErrMalformedWebhook, status: 413, text: "webhook body is too large",
			// Whitespace between tokens is outside the canonical string: the signature verifies.
			body: func(t *testing.T) string {
				return strings.Replace(good(t), `{"event"`, "{"+strings.Repeat(" ", MaxWebhookBytes)+`"event"`, 1)
			}},
		{name: "not JSON", want: ErrMalformedWebhook, status: 400, text: malformed,
			body: func(*testing.T) string { return "amount=100.00&currency=ETB&signature=c2ln" }},
		{name: "JSON array", want: ErrMalformedWebhook, status: 400, text: malformed,
			body: func(t *testing.T) string { return "[" + good(t) + "]" }},
		{name: "duplicate key smuggled in", want: ErrMalformedWebhook, status: 400, text: malformed,
			body: func(t *testing.T) string { return strings.Replace(good(t), "{", `{"amount":1.00,`, 1) }},
		{name: "duplicate key after the signed one", want: ErrMalformedWebhook, status: 400, text: malformed,
			body: func(t *testing.T) string { return strings.TrimSuffix(good(t), "}") + `,"status":"FAILED"}` }},
		{name: "trailing JSON", want: ErrMalformedWebhook, status: 400, text: malformed,
			body: func(t *testing.T) string { return good(t) + `{"status":"FAILED"}` }},
		{name: "trailing garbage", want: ErrMalformedWebhook, status: 400, text: malformed,
			body: func(t *testing.T) string { return good(t) + "\n--" }},
		{name: "invalid UTF-8", want: ErrMalformedWebhook, status: 400, text: malformed,
			body: func(t *testing.T) string { return strings.Replace(good(t), "ORDER-12345", "ORDER-\xff", 1) }},
	}
}

// TestForgeriesAreRefused runs every forgery through ParseWebhook and WebhookHandler: each
// is refused with its sentinel and status, fn is never called and the payload is never
// echoed.
func TestForgeriesAreRefused(t *testing.T) {
	pub := &lakipayKey().PublicKey
	for _, f := range forgeries() {
		body := f.body(t)
		t.Run("ParseWebhook/"+f.name, func(t *testing.T) {
			event, err := ParseWebhook([]byte(body), pub)
			assert.Nil(t, event)
			assert.ErrorIs(t, err, f.want)
			if errors.Is(f.want, ErrAmbiguousWebhook) {
				assert.ErrorIs(t, err, ErrMalformedWebhook, "an ambiguous webhook is a malformed one")
				assert.NotContains(t, err.Error(), "TXN-", "the reason names keys, never values")
			}
		})
		t.Run("WebhookHandler/"+f.name, func(t *testing.T) {
			var calls atomic.Int32
			h := handler(t, pub, func(context.Context, *WebhookEvent) error { calls.Add(1); return nil }, WithDeduplication(16))
			status, text := postWebhook(t, h, body)
			assert.Equal(t, f.status, status)
			assert.Equal(t, f.text+"\n", text)
			assert.Zero(t, calls.Load(), "fn is not called for a refused webhook")
		})
	}
}

// withAmount is webhookPayload with its amount written as amount.
func withAmount(amount string) string {
	return strings.Replace(webhookPayload, `"amount":100.00`, `"amount":`+amount, 1)
}

// TestNumberFormsVerify checks that a webhook verifies whichever exact form LakiPay's server
// wrote its amount in when signing (shortest as the JavaScript SDK writes it, Python's float
// text, two decimals as LakiPay's docs do), whatever form the body uses, through ParseWebhook
// and WebhookHandler.
func TestNumberFormsVerify(t *testing.T) {
	pub := &lakipayKey().PublicKey
	tests := []struct{ signed, body string }{
		{signed: "100", body: "100.00"},
		{signed: "100.0", body: "100.00"},
		{signed: "100.00", body: "100"},
		{signed: "100.0", body: "100"},
		{signed: "1000.5", body: "1000.50"},
		{signed: "1000.50", body: "1000.5"},
	}
	for _, tt := range tests {
		t.Run("amount="+tt.signed+" for "+tt.body, func(t *testing.T) {
			canonical, _, err := webhook.Canonical([]byte(withAmount(tt.signed)))
			require.NoError(t, err)
			sig, err := forge.SignCanonical(lakipayKey(), string(canonical))
			require.NoError(t, err)
			body := forge.WithSignature(withAmount(tt.body), sig)
			want, err := ParseAmount(tt.body)
			require.NoError(t, err)

			event, err := ParseWebhook([]byte(body), pub)
			require.NoError(t, err)
			assert.Equal(t, want, event.Amount)

			var got *WebhookEvent
			h := handler(t, pub, func(_ context.Context, e *WebhookEvent) error { got = e; return nil })
			status, _ := postWebhook(t, h, body)
			assert.Equal(t, http.StatusOK, status)
			require.NotNil(t, got)
			assert.Equal(t, want, got.Amount)
		})
	}
}

// postWebhook serves one webhook POST and returns the status and the reply text.
func postWebhook(t *testing.T, h http.Handler, body string) (int, string) {
	t.Helper()
	return postWebhookContext(context.Background(), t, h, body)
}

func postWebhookContext(ctx context.Context, t *testing.T, h http.Handler, body string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequestWithContext(ctx, http.MethodPost, "/lakipay/webhook", strings.NewReader(body)))
	res := rec.Result()
	defer func() { _ = res.Body.Close() }()
	text, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	assert.NotContains(t, string(text), "TXN-123456789", "the payload is never echoed")
	return res.StatusCode, string(text)
}

// TestDuplicateDelivery replays one authentic webhook: ParseWebhook (stateless) accepts every
// copy, the handler calls fn for every copy unless WithDeduplication is on, and then only
// once.
func TestDuplicateDelivery(t *testing.T) {
	pub := &lakipayKey().PublicKey
	body := sign(t, webhookPayload, lakipayKey())
	for range 2 {
		event, err := ParseWebhook([]byte(body), pub)
		require.NoError(t, err)
		assert.Equal(t, "TXN-123456789", event.TransactionID)
	}
	tests := []struct {
		name  string
		opts  []WebhookOption
		calls int32
		texts []string
	}{
		{name: "without de-duplication fn sees every copy", calls: 3, texts: []string{"ok\n", "ok\n", "ok\n"}},
		{name: "with de-duplication fn sees the first", opts: []WebhookOption{WithDeduplication(8)}, calls: 1,
			texts: []string{"ok\n", "ok (duplicate)\n", "ok (duplicate)\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int32
			h := handler(t, pub, func(context.Context, *WebhookEvent) error { calls.Add(1); return nil }, tt.opts...)
			for i, want := range tt.texts {
				status, text := postWebhook(t, h, body)
				assert.Equal(t, http.StatusOK, status, "copy %d", i)
				assert.Equal(t, want, text, "copy %d", i)
			}
			assert.Equal(t, tt.calls, calls.Load())
		})
	}
}

// doneSpy is a context that reports when someone starts waiting on it: a duplicate delivery
// waiting for the first one's fn selects on its request's Done.
type doneSpy struct {
	context.Context
	once    sync.Once
	waiting chan struct{}
}

func newDoneSpy(ctx context.Context) *doneSpy {
	return &doneSpy{Context: ctx, waiting: make(chan struct{})}
}

func (d *doneSpy) Done() <-chan struct{} {
	d.once.Do(func() { close(d.waiting) })
	return d.Context.Done()
}

// TestConcurrentDuplicatesCallFnOnce holds fn for the first delivery until every other copy
// is provably waiting for it; then all of them answer 200 and fn ran once.
func TestConcurrentDuplicatesCallFnOnce(t *testing.T) {
	pub := &lakipayKey().PublicKey
	body := sign(t, webhookPayload, lakipayKey())
	entered, release := make(chan struct{}), make(chan struct{})
	var calls atomic.Int32
	h := handler(t, pub, func(context.Context, *WebhookEvent) error {
		if calls.Add(1) == 1 {
			close(entered)
			<-release
		}
		return nil
	}, WithDeduplication(8))

	const copies = 8
	statuses := make([]int, copies)
	var wg sync.WaitGroup
	wg.Go(func() { statuses[0], _ = postWebhook(t, h, body) })
	<-entered
	spies := make([]*doneSpy, copies)
	finished := make([]chan struct{}, copies)
	for i := 1; i < copies; i++ {
		spies[i], finished[i] = newDoneSpy(context.Background()), make(chan struct{})
		wg.Go(func() {
			defer close(finished[i])
			statuses[i], _ = postWebhookContext(spies[i], t, h, body)
		})
	}
	for i := 1; i < copies; i++ {
		select {
		case <-spies[i].waiting: // copy i waits for the first delivery's fn
		case <-finished[i]: // copy i did not wait: fn's count below tells whether it ran fn
		}
	}
	close(release)
	wg.Wait()
	assert.Equal(t, int32(1), calls.Load(), "fn ran once for %d concurrent copies", copies)
	for i, s := range statuses {
		assert.Equal(t, http.StatusOK, s, "copy %d", i)
	}
}

// TestDeduplicationRemembersOnlySuccess checks the rest of WithDeduplication: failures are
// retried, another status of the same transaction is new, the oldest pair is forgotten
// first, a copy whose request ends while the first is processed gets 503, and an invalid
// capacity fails closed.
func TestDeduplicationRemembersOnlySuccess(t *testing.T) {
	pub := &lakipayKey().PublicKey
	webhookFor := func(id string, status TransactionStatus) string {
		body := strings.Replace(webhookPayload, "TXN-123456789", id, 1)
		return sign(t, strings.Replace(body, `"SUCCESS"`, `"`+string(status)+`"`, 1), lakipayKey())
	}
	t.Run("a failed fn is not remembered", func(t *testing.T) {
		var calls atomic.Int32
		h := handler(t, pub, func(context.Context, *WebhookEvent) error {
			if calls.Add(1) == 1 {
				return io.ErrUnexpectedEOF // the merchant's database was down
			}
			return nil
		}, WithDeduplication(8))
		body := webhookFor("TXN-A", TransactionStatusSUCCESS)
		for i, want := range []int{500, 200, 200} {
			status, _ := postWebhook(t, h, body)
			assert.Equal(t, want, status, "delivery %d", i)
		}
		assert.Equal(t, int32(2), calls.Load(), "the retry after the failure reached fn; the third copy did not")
	})
	t.Run("another status of the same transaction is new", func(t *testing.T) {
		var got []TransactionStatus
		h := handler(t, pub, func(_ context.Context, e *WebhookEvent) error { got = append(got, e.Status); return nil }, WithDeduplication(8))
		for _, s := range []TransactionStatus{TransactionStatusPENDING, TransactionStatusSUCCESS, TransactionStatusPENDING, TransactionStatusSUCCESS} {
			status, _ := postWebhook(t, h, webhookFor("TXN-B", s))
			assert.Equal(t, http.StatusOK, status)
		}
		assert.Equal(t, []TransactionStatus{TransactionStatusPENDING, TransactionStatusSUCCESS}, got)
	})
	t.Run("bounded: the oldest pair is forgotten first", func(t *testing.T) {
		var got []string
		h := handler(t, pub, func(_ context.Context, e *WebhookEvent) error { got = append(got, e.TransactionID); return nil }, WithDeduplication(2))
		for _, id := range []string{"TXN-1", "TXN-2", "TXN-3", "TXN-3", "TXN-2", "TXN-1"} {
			status, _ := postWebhook(t, h, webhookFor(id, TransactionStatusSUCCESS))
			assert.Equal(t, http.StatusOK, status)
		}
		assert.Equal(t, []string{"TXN-1", "TXN-2", "TXN-3", "TXN-1"}, got, "TXN-1 was forgotten when TXN-3 came")
	})
	t.Run("a copy that gives up while the first is processed gets 503", func(t *testing.T) {
		entered, release := make(chan struct{}), make(chan struct{})
		h := handler(t, pub, func(context.Context, *WebhookEvent) error {
			close(entered)
			<-release
			return nil
		}, WithDeduplication(8))
		body := webhookFor("TXN-C", TransactionStatusSUCCESS)
		var wg sync.WaitGroup
		wg.Go(func() {
			status, _ := postWebhook(t, h, body)
			assert.Equal(t, http.StatusOK, status)
		})
		<-entered
		ctx, cancel := context.WithCancel(context.Background())
		spy := newDoneSpy(ctx)
		var status int
		var text string
		finished := make(chan struct{})
		wg.Go(func() {
			defer close(finished)
			status, text = postWebhookContext(spy, t, h, body)
		})
		select {
		case <-spy.waiting:
		case <-finished:
		}
		// The copy may have asked for Done without blocking yet: had the first fn returned
		// too, its select could pick either case. So the first is released only once the
		// copy has answered.
		cancel()
		<-finished
		close(release)
		wg.Wait()
		assert.Equal(t, http.StatusServiceUnavailable, status)
		assert.Equal(t, "the same webhook is being processed\n", text)
	})
	t.Run("an invalid capacity is refused when the handler is built", func(t *testing.T) {
		for _, capacity := range []int{0, -1} {
			h, err := NewWebhookHandler(pub, func(context.Context, *WebhookEvent) error { return nil }, WithDeduplication(capacity))
			require.Error(t, err)
			assert.Nil(t, h)
			assert.Contains(t, err.Error(), "deduplication capacity must be at least 1")
		}
	})
	t.Run("a stale status after the final one does not reach fn", func(t *testing.T) {
		var got []TransactionStatus
		h := handler(t, pub, func(_ context.Context, e *WebhookEvent) error { got = append(got, e.Status); return nil }, WithDeduplication(8))
		for i, s := range []TransactionStatus{TransactionStatusSUCCESS, TransactionStatusPENDING, TransactionStatusINITIATED, TransactionStatusFAILED, TransactionStatusSUCCESS} {
			status, text := postWebhook(t, h, webhookFor("TXN-F", s))
			assert.Equal(t, http.StatusOK, status, "delivery %d is acknowledged, so LakiPay stops retrying", i)
			if i > 0 && s != TransactionStatusSUCCESS {
				assert.Equal(t, "ok (stale: the transaction is already final)\n", text)
			}
		}
		assert.Equal(t, []TransactionStatus{TransactionStatusSUCCESS}, got)
	})
	t.Run("a nil option is skipped", func(t *testing.T) {
		h := handler(t, pub, func(context.Context, *WebhookEvent) error { return nil }, nil)
		status, _ := postWebhook(t, h, webhookFor("TXN-E", TransactionStatusSUCCESS))
		assert.Equal(t, http.StatusOK, status)
	})
}

// TestRefusedWebhookErrorIsOneLine: anyone can POST to a webhook URL, and a merchant logs why a
// body was refused. The error of a malformed body is one printable line of bounded length
// whatever its keys hold (a line break and a forged log record, a terminal escape) or however
// deep it nests.
func TestRefusedWebhookErrorIsOneLine(t *testing.T) {
	for _, body := range []string{
		`{"a":{"x\nlevel=ERROR msg=\"order paid\"\u001b[2K":}}`,
		`{"status\n":"SUCCESS","status\n":"FAILED"}`,
		`{"a":` + strings.Repeat(`{"b":`, 5000) + `1,"signature":"AA=="}`,
	} {
		_, err := ParseWebhook([]byte(body), &lakipayKey().PublicKey)
		require.ErrorIs(t, err, ErrMalformedWebhook)
		msg := err.Error()
		assert.NotContains(t, msg, "\n")
		assert.NotContains(t, msg, "\x1b")
		assert.LessOrEqual(t, len(msg), 1024, "%.120q...", msg)
	}
}
