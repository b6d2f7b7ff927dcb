package client

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/lakipay/checkout-go/internal/contract"
	"github.com/lakipay/checkout-go/internal/webhook"
)

// ErrAmbiguousWebhook reports a webhook whose canonical string does not determine its
// fields: a top-level key holding "&" or "=", or a value holding "&", would let a genuine
// signature be re-split into other fields (a forgery). It also matches [ErrMalformedWebhook]
// with errors.Is, so a handler that refuses malformed webhooks refuses it too.
var ErrAmbiguousWebhook = webhook.ErrAmbiguous

// MaxWebhookBytes is the largest webhook body [ParseWebhook] accepts and a [WebhookHandler]
// reads (64 KiB), white space included; besides white space, a body holds at most 16 KiB (see
// Webhooks in the package documentation). LakiPay's webhooks are a few hundred bytes.
const MaxWebhookBytes = 64 << 10

// ParseWebhook verifies a webhook body with LakiPay's public key and only then checks it
// against the contract (openapi.yaml's WebhookEvent) and decodes it, reading the body once.
// A body over [MaxWebhookBytes] is refused unread, one over a limit of WebhookEvent's (see
// Webhooks in the package documentation) once the limit is reached, before any other work.
// Errors wrap [ErrNoWebhookKey], [ErrInvalidWebhookKey], [ErrNoSignature],
// [ErrInvalidSignature], [ErrAmbiguousWebhook] or [ErrMalformedWebhook].
// Pass the raw body as received: the signature covers its text (numbers may have been signed
// in another exact form, see Webhooks in the package documentation). An amount written as a
// decimal string ("1000.50") is read as that number.
//
// What LakiPay added after this version of openapi.yaml is carried through, never an error: a
// status, medium or event the SDK does not know is the event's value as sent (its Valid method
// says false), and a field it does not know is ignored (it was verified with the rest).
func ParseWebhook(body []byte, key *rsa.PublicKey) (*WebhookEvent, error) {
	if len(body) > MaxWebhookBytes {
		return nil, fmt.Errorf("lakipay: webhook: %w: body larger than %d bytes", ErrMalformedWebhook, MaxWebhookBytes)
	}
	var fieldsBuf [16]webhook.Field // a webhook has about nine
	fields, err := webhook.VerifyFields(fieldsBuf[:0], body, key)
	if err != nil {
		return nil, fmt.Errorf("lakipay: webhook: %w", err)
	}
	if violations := contract.ValidateWebhookMembers(fields, readOptions); violations != nil {
		parts := make([]string, len(violations))
		for i, v := range violations {
			parts[i] = contract.Field(v) + ": " + v.Rule + ": " + v.Reason
		}
		return nil, fmt.Errorf("lakipay: webhook: %w: %s", ErrMalformedWebhook, strings.Join(parts, "; "))
	}
	event, err := decodeEvent(fields)
	if err != nil {
		return nil, fmt.Errorf("lakipay: webhook: %w: %w", ErrMalformedWebhook, err)
	}
	return event, nil
}

// readOptions are the contract's judgement of what LakiPay sends: an amount may be a string
// holding a decimal number, and a string outside an enum is a value the SDK does not know yet.
var readOptions = contract.Options{Lenient: true, OpenEnums: true}

// decodeEvent decodes the fields of a webhook body that the contract accepted: each field of
// [WebhookEvent] from the member with exactly its JSON name (the one the contract judged),
// other members ignored. Event, Medium and Status share the text of the values openapi.yaml
// lists, or hold their own copy of a value it does not; the other strings share one
// allocation.
func decodeEvent(fields []webhook.Field) (*WebhookEvent, error) {
	event := new(WebhookEvent)
	var (
		set        [4]*string // where each string goes, in the order its text was appended
		ends       [4]int     // where each one's text ends in text
		n          int
		text       strings.Builder
		textLength int
	)
	for _, f := range fields {
		if textField(f.Key) {
			textLength += len(f.Value)
		}
	}
	text.Grow(textLength)
	for _, f := range fields {
		var dst *string
		switch string(f.Key) {
		case "amount":
			if err := event.Amount.UnmarshalJSON(f.Value); err != nil {
				return nil, err
			}
			continue
		case "timestamp":
			if err := event.Timestamp.UnmarshalJSON(f.Value); err != nil {
				return nil, err
			}
			continue
		case "event":
			v, err := enumValue(f)
			event.Event = TransactionType(v)
			if err != nil {
				return nil, err
			}
			continue
		case "medium":
			v, err := enumValue(f)
			event.Medium = Medium(v)
			if err != nil {
				return nil, err
			}
			continue
		case "status":
			v, err := enumValue(f)
			event.Status = TransactionStatus(v)
			if err != nil {
				return nil, err
			}
			continue
		case "currency":
			dst = &event.Currency
		case "reference":
			dst = &event.Reference
		case "transaction_id":
			dst = &event.TransactionID
		case "signature":
			dst = &event.Signature
		default:
			continue
		}
		s, err := unquote(f)
		if err != nil {
			return nil, err
		}
		text.Write(s)
		set[n], ends[n] = dst, text.Len()
		n++
	}
	all, start := text.String(), 0
	for i, dst := range set[:n] {
		*dst, start = all[start:ends[i]], ends[i]
	}
	return event, nil
}

// textField reports whether key is a string field of [WebhookEvent] outside its enums.
func textField(key []byte) bool {
	switch string(key) {
	case "currency", "reference", "signature", "transaction_id":
		return true
	}
	return false
}

// enumValues are the values openapi.yaml lists for the enum fields decodeEvent decodes, from
// the compiled contract: decoding one costs no allocation.
var enumValues = slices.Concat(contract.Enum("WebhookEvent", "event"), contract.Enum("WebhookEvent", "status"),
	contract.Enum("WebhookEvent", "medium"))

// enumValue returns the text of an enum field: openapi.yaml's value when it is one, a copy of
// its text otherwise.
func enumValue(f webhook.Field) (string, error) {
	s, err := unquote(f)
	if err != nil {
		return "", err
	}
	for _, v := range enumValues {
		if v == string(s) {
			return v, nil
		}
	}
	return string(s), nil
}

// unquote returns the text of a string field, decoded when the body was read.
func unquote(f webhook.Field) ([]byte, error) {
	if f.Text == nil {
		return nil, fmt.Errorf("field %q is not a string", f.Key)
	}
	return f.Text, nil
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

// WebhookOption configures [NewWebhookHandler].
type WebhookOption func(*webhookConfig) error

type webhookConfig struct {
	store DedupStore // nil: no de-duplication
}

// WithDeduplication makes the handler de-duplicate in memory, remembering the last capacity
// settled statuses: it is [WithDedupStore] with a [NewMemoryDedupStore] of that capacity.
// Its memory is per handler and per process: with several instances behind a load balancer,
// across restarts, or to share it with the return page ([SettleOnce]), give the handler a
// store of your own with [WithDedupStore]. capacity must be at least 1.
func WithDeduplication(capacity int) WebhookOption {
	return func(c *webhookConfig) error {
		store, err := NewMemoryDedupStore(capacity)
		if err != nil {
			return err
		}
		c.store = store
		return nil
	}
}

// WithDedupStore makes the handler settle each webhook through [SettleOnce] on store, keyed
// by its TransactionID and Status, and answer 200 without calling fn for:
//
//   - a duplicate: a status of the transaction settled before, by this handler, another
//     instance sharing the store, or the return page calling [SettleOnce] on it;
//   - a stale webhook: another status openapi.yaml knows, of a transaction whose final status
//     (SUCCESS, FAILED, CANCELLED, which never change) was settled, such as a PENDING that
//     arrives after the SUCCESS.
//
// A status the SDK does not know (LakiPay added it later, such as a REFUNDED after the
// SUCCESS) is never taken for stale, since the SDK cannot tell what it means: it reaches fn
// once per transaction, de-duplicated like any status, and makes no transaction final.
//
// While fn runs for a transaction, another delivery of it (on any instance sharing the store)
// waits for its outcome instead of calling fn concurrently; one whose request ends first is
// answered 503. fn runs under a context that ends with the claim's [DedupLease]. A status
// whose fn failed or panicked is not recorded, so LakiPay's retry reaches fn again; when the
// store fails, fn is not called and the answer is 503, so LakiPay delivers again.
func WithDedupStore(store DedupStore) WebhookOption {
	return func(c *webhookConfig) error {
		if store == nil {
			return errors.New("lakipay: webhook handler: the de-duplication store is nil")
		}
		c.store = store
		return nil
	}
}

// WebhookHandler is the http.Handler to mount at your callback_url; [NewWebhookHandler]
// builds it.
type WebhookHandler struct {
	key   *rsa.PublicKey
	fn    func(context.Context, *WebhookEvent) error
	store DedupStore // nil: no de-duplication
}

// NewWebhookHandler returns the handler for LakiPay's webhooks, verified with LakiPay's
// public key (see [ParsePublicKey]). fn is called with each verified event; the handler
// answers 200 only after fn returned nil. A nil or short key, a nil fn or an invalid option is
// an error here, when the handler is built, never a surprise on the first webhook.
//
// fn also receives what LakiPay added after this version of the SDK: a status, medium or
// event it does not know (Valid false). Ignore what you do not know and return nil, so that
// the handler answers 200: an error makes LakiPay deliver the same webhook again, and again.
//
// For each request it answers:
//
//   - Not a POST: 405. Body larger than [MaxWebhookBytes]: 413.
//   - Unsigned, forged, ambiguous or malformed: 400 with a plain-text reason (never the
//     payload), and fn is not called.
//   - fn failed: 500, so that LakiPay delivers the webhook again.
//   - otherwise 200.
//
// Without [WithDedupStore] (or [WithDeduplication], its store in memory) the handler does not
// de-duplicate: LakiPay may deliver a webhook more than once and out of order, so fn must be
// idempotent on TransactionID plus Status and ignore a status older than one it has applied.
func NewWebhookHandler(key *rsa.PublicKey, fn func(context.Context, *WebhookEvent) error, opts ...WebhookOption) (*WebhookHandler, error) {
	if err := webhook.CheckKey(key); err != nil {
		return nil, fmt.Errorf("lakipay: webhook handler: %w", err)
	}
	if fn == nil {
		return nil, errors.New("lakipay: webhook handler: the function to call is nil")
	}
	var cfg webhookConfig
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	return &WebhookHandler{key: key, fn: fn, store: cfg.store}, nil
}

// ServeHTTP verifies one webhook and hands it to the handler's function.
func (h *WebhookHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		textReply(w, http.StatusMethodNotAllowed, "webhooks must be POSTed")
		return
	}
	buf := bodyBuffers.Get().(*[MaxWebhookBytes + 1]byte)
	n, err := io.ReadFull(http.MaxBytesReader(w, r.Body, MaxWebhookBytes), buf[:])
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		bodyBuffers.Put(buf)
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			textReply(w, http.StatusRequestEntityTooLarge, "webhook body is too large")
			return
		}
		textReply(w, http.StatusBadRequest, "webhook body could not be read")
		return
	}
	event, err := ParseWebhook(buf[:n], h.key) // the event holds copies: buf can be reused
	bodyBuffers.Put(buf)
	if err != nil {
		textReply(w, http.StatusBadRequest, "webhook refused: "+webhookReason(err))
		return
	}
	if h.store == nil {
		if h.fn(r.Context(), event) != nil {
			textReply(w, http.StatusInternalServerError, "webhook processing failed")
			return
		}
		textReply(w, http.StatusOK, "ok")
		return
	}
	result, err := SettleOnce(r.Context(), h.store, event.TransactionID, event.Status,
		func(ctx context.Context) error { return h.fn(ctx, event) })
	switch {
	case errors.Is(err, ErrClaimHeld):
		textReply(w, http.StatusServiceUnavailable, "the same webhook is being processed")
	case errors.Is(err, ErrDedupStore):
		textReply(w, http.StatusServiceUnavailable, "webhook de-duplication is unavailable")
	case err != nil:
		textReply(w, http.StatusInternalServerError, "webhook processing failed")
	case result == SettledBefore:
		textReply(w, http.StatusOK, "ok (duplicate)")
	case result == Stale:
		textReply(w, http.StatusOK, "ok (stale: the transaction is already final)")
	default:
		textReply(w, http.StatusOK, "ok")
	}
}

// bodyBuffers holds the buffers a WebhookHandler reads bodies into: one read of at most
// MaxWebhookBytes (one byte more tells a body that is too large), with no garbage to collect.
var bodyBuffers = sync.Pool{New: func() any { return new([MaxWebhookBytes + 1]byte) }}

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
