package client

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/lakipay/checkout-go/gen"
	"github.com/lakipay/checkout-go/internal/money"
	"github.com/lakipay/checkout-go/internal/spec"
	"github.com/lakipay/checkout-go/internal/webhook"
)

// ErrAmbiguousWebhook reports a webhook whose canonical string does not determine its
// fields: a top-level key holding "&" or "=", or a value holding "&", would let a genuine
// signature be re-split into other fields (a forgery). It also matches [ErrMalformedWebhook]
// with errors.Is, so a handler that refuses malformed webhooks refuses it too.
var ErrAmbiguousWebhook = webhook.ErrAmbiguous

// MaxWebhookBytes is the largest webhook body [ParseWebhook] accepts and [WebhookHandler]
// reads (64 KiB); LakiPay's webhooks are a few hundred bytes.
const MaxWebhookBytes = 64 << 10

// ParseWebhook verifies a webhook body with LakiPay's public key and only then decodes it and
// checks it against the spec's WebhookEvent schema. A body over [MaxWebhookBytes] is refused
// unread. Errors wrap [ErrNoWebhookKey], [ErrInvalidWebhookKey], [ErrNoSignature],
// [ErrInvalidSignature], [ErrAmbiguousWebhook] or [ErrMalformedWebhook]. Pass the raw body as
// received: the signature covers its text (numbers may have been signed in another exact
// form, see Webhooks in the package documentation). An amount written as a decimal string
// ("1000.50") is read as that number.
func ParseWebhook(body []byte, key *rsa.PublicKey) (*WebhookEvent, error) {
	if len(body) > MaxWebhookBytes {
		return nil, fmt.Errorf("lakipay: webhook: %w: body larger than %d bytes", ErrMalformedWebhook, MaxWebhookBytes)
	}
	var fieldsBuf [16]webhook.Field // a webhook has about nine
	fields, err := webhook.VerifyFields(fieldsBuf[:0], body, key)
	if err != nil {
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
	if violations := s.ValidateJSON(schema.Value, schemaView(body, fields), "receivePaymentWebhook", "webhook body"); violations != nil {
		parts := make([]string, len(violations))
		for i, v := range violations {
			parts[i] = v.Field() + ": " + v.Rule + ": " + v.Reason
		}
		return nil, fmt.Errorf("lakipay: webhook: %w: %s", ErrMalformedWebhook, strings.Join(parts, "; "))
	}
	event, err := decodeEvent(fields, body)
	if err != nil {
		return nil, fmt.Errorf("lakipay: webhook: %w: %w", ErrMalformedWebhook, err)
	}
	return event, nil
}

// signatureStandIn is a signature value the schema accepts, for schemaView.
var signatureStandIn = []byte(`"AAAA"`)

// schemaView returns what the schema check reads: body itself, or a copy of it in which
//   - an amount that is a string holding a JSON number ("1000.50") has its quotes dropped:
//     [Amount] reads such a string as the number (leniency for what LakiPay might send), so
//     the schema judges the number it holds;
//   - a signature without escapes is a short stand-in: VerifyFields just decoded it as
//     padded standard base64, which is exactly what the schema's pattern would check again,
//     at a third of the schema check's time.
func schemaView(body []byte, fields []webhook.Field) []byte {
	type edit struct {
		at, end int
		text    []byte
	}
	var edits [2]edit
	n := 0
	for _, f := range fields {
		switch string(f.Key) {
		case "amount":
			if f.Value[0] == '"' && !errors.Is(new(Amount).UnmarshalJSON(f.Value), money.ErrSyntax) {
				edits[n] = edit{f.Start, f.Start + len(f.Value), f.Value[1 : len(f.Value)-1]}
				n++
			}
		case webhook.SignatureField:
			if bytes.IndexByte(f.Value, '\\') < 0 {
				edits[n] = edit{f.Start, f.Start + len(f.Value), signatureStandIn}
				n++
			}
		}
	}
	if n == 0 {
		return body
	}
	if n == 2 && edits[1].at < edits[0].at {
		edits[0], edits[1] = edits[1], edits[0]
	}
	size := len(body)
	for _, e := range edits[:n] {
		size += len(e.text) - (e.end - e.at)
	}
	view := make([]byte, 0, size)
	at := 0
	for _, e := range edits[:n] {
		view = append(append(view, body[at:e.at]...), e.text...)
		at = e.end
	}
	return append(view, body[at:]...)
}

// decodeEvent decodes a webhook body, split into fields by package webhook, exactly as
// json.Unmarshal into a [WebhookEvent] does: from the fields when they are plain, with
// json.Unmarshal itself otherwise.
func decodeEvent(fields []webhook.Field, body []byte) (*WebhookEvent, error) {
	// The event and its medium in one allocation.
	decoded := new(struct {
		event  WebhookEvent
		medium Medium
	})
	event := &decoded.event
	if fastEventDecoding() && decodeFields(fields, event, &decoded.medium) {
		return event, nil
	}
	*event = WebhookEvent{}
	if err := json.Unmarshal(body, event); err != nil {
		return nil, err
	}
	return event, nil
}

// eventFields are the JSON names and Go types of the fields of [WebhookEvent] that
// decodeFields sets, in the order of the struct.
var eventFields = []struct {
	name string
	typ  reflect.Type
}{
	{"amount", reflect.TypeFor[Amount]()},
	{"currency", reflect.TypeFor[string]()},
	{"event", reflect.TypeFor[gen.WebhookEventEvent]()},
	{"medium", reflect.TypeFor[*Medium]()},
	{"reference", reflect.TypeFor[string]()},
	{"signature", reflect.TypeFor[string]()},
	{"status", reflect.TypeFor[TransactionStatus]()},
	{"timestamp", reflect.TypeFor[time.Time]()},
	{"transaction_id", reflect.TypeFor[string]()},
}

// fastEventDecoding reports whether [WebhookEvent] has exactly eventFields: when the spec
// gains a field, decodeEvent falls back to json.Unmarshal until decodeFields learns it.
var fastEventDecoding = sync.OnceValue(func() bool {
	fields := reflect.VisibleFields(reflect.TypeFor[WebhookEvent]())
	if len(fields) != len(eventFields) {
		return false
	}
	for i, f := range fields {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name != eventFields[i].name || f.Type != eventFields[i].typ || len(f.Index) != 1 {
			return false
		}
	}
	return true
})

// decodeFields sets event from fields and reports true when every field is one it decodes
// exactly as json.Unmarshal does: strings without escapes, an amount written as a number, a
// timestamp as a string, and other keys that json.Unmarshal ignores. Otherwise it reports
// false, having set part of event. A medium is stored in *medium.
func decodeFields(fields []webhook.Field, event *WebhookEvent, medium *Medium) bool {
	// The short strings become substrings of one string: one allocation instead of one
	// each. The signature, the longest, gets its own, so that a TransactionID or Status kept
	// for de-duplication does not keep it alive.
	var short [6]webhook.Field // currency, event, medium, reference, status, transaction_id
	n, size := 0, 0
	for _, f := range fields {
		raw := f.Value
		switch string(f.Key) {
		case "amount":
			if (raw[0] != '-' && (raw[0] < '0' || raw[0] > '9')) || event.Amount.UnmarshalJSON(raw) != nil {
				return false
			}
		case "timestamp":
			if raw[0] != '"' || event.Timestamp.UnmarshalJSON(raw) != nil {
				return false
			}
		case "signature":
			if !plainString(raw) {
				return false
			}
			event.Signature = string(raw[1 : len(raw)-1])
		case "currency", "event", "medium", "reference", "status", "transaction_id":
			if !plainString(raw) {
				return false
			}
			short[n] = f
			n++
			size += len(raw) - 2
		default:
			if foldsToEventField(f.Key) {
				return false // json.Unmarshal matches keys case-insensitively
			}
		}
	}
	var b strings.Builder
	b.Grow(size)
	for _, f := range short[:n] {
		b.Write(f.Value[1 : len(f.Value)-1])
	}
	texts := b.String()
	for _, f := range short[:n] {
		text := texts[:len(f.Value)-2]
		texts = texts[len(text):]
		switch string(f.Key) {
		case "currency":
			event.Currency = text
		case "event":
			event.Event = gen.WebhookEventEvent(text)
		case "medium":
			*medium = Medium(text)
			event.Medium = medium
		case "reference":
			event.Reference = text
		case "status":
			event.Status = TransactionStatus(text)
		case "transaction_id":
			event.TransactionID = text
		}
	}
	return true
}

// plainString reports whether raw is a JSON string without escapes.
func plainString(raw []byte) bool {
	return raw[0] == '"' && bytes.IndexByte(raw, '\\') < 0
}

// foldsToEventField reports whether json.Unmarshal might store the field named key, which is
// none of eventFields' names, in one of them: key equals one of them but for ASCII case, or
// holds a non-ASCII byte (which encoding/json folds by Unicode rules).
func foldsToEventField(key []byte) bool {
	for _, c := range key {
		if c >= utf8.RuneSelf {
			return true
		}
	}
	for _, f := range eventFields {
		if bytes.EqualFold(key, []byte(f.name)) {
			return true
		}
	}
	return false
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
// for tests: produce webhooks your handler must accept, with a key pair of your own. Every
// top-level number is first rewritten in its shortest exact form (100.00 becomes 100), the
// form LakiPay's own SDKs verify too; a number they would not write alike, and an ambiguous
// body ([ErrAmbiguousWebhook]), are refused.
func SignWebhook(body []byte, key *rsa.PrivateKey) ([]byte, error) {
	signed, err := webhook.Sign(body, key)
	if err != nil {
		return nil, fmt.Errorf("lakipay: sign webhook: %w", err)
	}
	return signed, nil
}

// WebhookOption configures [WebhookHandler].
type WebhookOption func(*webhookConfig)

type webhookConfig struct {
	dedupCapacity int // 0: no de-duplication
	badOption     bool
}

// WithDeduplication makes [WebhookHandler] remember the last capacity (TransactionID,
// Status) pairs whose fn returned nil and answer a repeat of one of them 200 without calling
// fn again. A pair whose fn failed is not remembered, so LakiPay's retry reaches fn again;
// while fn runs for a pair, a concurrent delivery of the same pair waits for its outcome
// instead of calling fn a second time. Memory is bounded by capacity (the oldest pair is
// forgotten first). The memory is per handler and per process: with several instances
// behind a load balancer, fn must still be idempotent. A capacity below 1 makes the handler
// fail closed (503), like a missing key.
func WithDeduplication(capacity int) WebhookOption {
	return func(c *webhookConfig) {
		if capacity < 1 {
			c.badOption = true
			return
		}
		c.dedupCapacity = capacity
	}
}

// WebhookHandler returns the http.Handler to mount at your callback_url. For each POST it
// reads at most [MaxWebhookBytes], verifies and parses the body with [ParseWebhook] and calls
// fn; it answers 200 only after fn returned nil.
//
//   - Not a POST: 405. Body too large: 413.
//   - Unsigned, forged, ambiguous or malformed: 400 with a plain-text reason (never the
//     payload).
//   - fn failed: 500, so that LakiPay delivers the webhook again.
//   - key or fn is nil, key is too short or an option is invalid: 503 for every request
//     (fails closed, nothing is trusted).
//
// Without [WithDeduplication] the handler does not de-duplicate: LakiPay may deliver a
// webhook more than once and out of order, so fn must be idempotent on TransactionID plus
// Status.
func WebhookHandler(key *rsa.PublicKey, fn func(context.Context, *WebhookEvent) error, opts ...WebhookOption) http.Handler {
	var cfg webhookConfig
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	var seen *deduplicator
	if cfg.dedupCapacity > 0 {
		seen = newDeduplicator(cfg.dedupCapacity)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if key == nil || fn == nil || cfg.badOption {
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
		if seen == nil {
			if err := fn(r.Context(), event); err != nil {
				textReply(w, http.StatusInternalServerError, "webhook processing failed")
				return
			}
			textReply(w, http.StatusOK, "ok")
			return
		}
		switch seen.do(r.Context(), webhookKey{event.TransactionID, event.Status}, func() error { return fn(r.Context(), event) }) {
		case dedupDone:
			textReply(w, http.StatusOK, "ok")
		case dedupDuplicate:
			textReply(w, http.StatusOK, "ok (duplicate)")
		case dedupFailed:
			textReply(w, http.StatusInternalServerError, "webhook processing failed")
		case dedupAbandoned:
			textReply(w, http.StatusServiceUnavailable, "the same webhook is being processed")
		}
	})
}

// webhookKey identifies a webhook for de-duplication: LakiPay's documented key.
type webhookKey struct {
	transactionID string
	status        TransactionStatus
}

// dedupResult is what happened to one delivery in a deduplicator.
type dedupResult int

const (
	dedupDone      dedupResult = iota // fn ran and returned nil
	dedupDuplicate                    // an earlier delivery's fn returned nil: fn not called
	dedupFailed                       // fn ran and failed: the pair is not remembered
	dedupAbandoned                    // the request ended while the same pair was processed
)

// deduplicator remembers the pairs whose fn succeeded, the oldest forgotten first, and runs
// fn at most once at a time per pair. It is safe for concurrent use.
type deduplicator struct {
	capacity int

	mu       sync.Mutex
	done     map[webhookKey]struct{}
	order    []webhookKey // ring of the remembered pairs, next is the oldest once full
	next     int
	inflight map[webhookKey]chan struct{} // closed when that pair's fn returns
}

func newDeduplicator(capacity int) *deduplicator {
	return &deduplicator{
		capacity: capacity,
		done:     map[webhookKey]struct{}{},
		inflight: map[webhookKey]chan struct{}{},
	}
}

// do runs fn for k unless k was already processed successfully; a concurrent call for the
// same k waits for the running one (or for ctx) and then decides again.
func (d *deduplicator) do(ctx context.Context, k webhookKey, fn func() error) dedupResult {
	for {
		d.mu.Lock()
		if _, ok := d.done[k]; ok {
			d.mu.Unlock()
			return dedupDuplicate
		}
		running, busy := d.inflight[k]
		if !busy {
			finished := make(chan struct{})
			d.inflight[k] = finished
			d.mu.Unlock()
			return d.run(k, finished, fn)
		}
		d.mu.Unlock()
		select {
		case <-running:
		case <-ctx.Done():
			return dedupAbandoned
		}
	}
}

// run calls fn for k and records its outcome, even if fn panics.
func (d *deduplicator) run(k webhookKey, finished chan struct{}, fn func() error) (result dedupResult) {
	result = dedupFailed
	defer func() {
		d.mu.Lock()
		delete(d.inflight, k)
		if result == dedupDone {
			d.rememberLocked(k)
		}
		d.mu.Unlock()
		close(finished)
	}()
	if fn() == nil {
		result = dedupDone
	}
	return result
}

// rememberLocked adds k, forgetting the oldest pair when full; the caller holds d.mu.
func (d *deduplicator) rememberLocked(k webhookKey) {
	if len(d.order) < d.capacity {
		d.order = append(d.order, k)
	} else {
		delete(d.done, d.order[d.next])
		d.order[d.next] = k
		d.next = (d.next + 1) % d.capacity
	}
	d.done[k] = struct{}{}
}

// webhookReason names why a webhook was refused without repeating anything from its body.
func webhookReason(err error) string {
	for _, sentinel := range []error{ErrNoSignature, ErrInvalidSignature, ErrAmbiguousWebhook, ErrMalformedWebhook} {
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
