package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/lakipay/checkout-go/internal/apikey"
	"github.com/lakipay/checkout-go/internal/contract"
	"github.com/lakipay/checkout-go/internal/webhook"
)

// Sentinel errors; check them with errors.Is.
var (
	// ErrInvalidAPIKey reports an API key that is not PUBLICKEY:SECRETKEY as [New] wants it.
	ErrInvalidAPIKey = apikey.ErrInvalid
	// ErrInvalidRequest is matched by every [*ValidationError]: the request broke the
	// contract and was not sent.
	ErrInvalidRequest = errors.New("invalid request")
	// ErrUnexpectedResponse reports a 2xx response whose body is neither LakiPay's envelope nor
	// the older flat shape, or lacks what the call needs.
	ErrUnexpectedResponse = errors.New("unexpected response body")
	// ErrResponseTooLarge reports a response body over [MaxResponseBytes].
	ErrResponseTooLarge = errors.New("response body too large")

	// ErrInvalidSignature reports a webhook whose signature does not verify.
	ErrInvalidSignature = webhook.ErrInvalidSignature
	// ErrNoSignature reports a webhook without a signature.
	ErrNoSignature = webhook.ErrNoSignature
	// ErrMalformedWebhook reports a webhook body that is not a valid, signed WebhookEvent
	// object (bad JSON, duplicate keys, or fields breaking the spec).
	ErrMalformedWebhook = webhook.ErrMalformed
	// ErrNoWebhookKey reports that no LakiPay public key was configured, so no webhook can be
	// trusted.
	ErrNoWebhookKey = webhook.ErrNoKey
	// ErrInvalidWebhookKey reports a public key that is not a PEM RSA key of at least 2048
	// bits.
	ErrInvalidWebhookKey = webhook.ErrInvalidKey
)

// errNilContext refuses a nil context, which net/http would panic on.
var errNilContext = errors.New("lakipay: nil context (use context.Background())")

// MaxResponseBytes is the largest response body the client reads (1 MiB).
const MaxResponseBytes = 1 << 20

// maxResponseHeaderBytes bounds an answer's headers (and status line) when the client makes
// its own HTTP client: LakiPay's are a few hundred bytes. Beyond it the attempt fails with
// net/http's "server response headers exceeded" error, like a network error.
const maxResponseHeaderBytes = 64 << 10

// maxErrorBody is how much of an error response [APIError.Body] keeps.
const maxErrorBody = 4 << 10

// redactWindow is how far past a cut the client reads server text before redacting it, so
// that a secret escaped across the cut is still recognized whole. What lies further is never
// shown and is not searched either: redaction costs time in proportion to the text, up to
// 17 times over for a text nested in escapes 16 levels deep.
const redactWindow = 1 << 10

// ErrorCode is LakiPay's machine-readable error_code. The list is open: LakiPay adds codes
// without notice, so compare with the constants and treat any other value as "failed".
type ErrorCode string

// The error codes LakiPay documents (its "Core Concepts" page).
const (
	// ErrorCodeInvalidAPIKey: the X-API-Key header is missing, malformed or not a valid key
	// (HTTP 401).
	ErrorCodeInvalidAPIKey ErrorCode = "INVALID_API_KEY" //nolint:gosec // an error code, not a credential
	// ErrorCodeInvalidAmount: the amount is not a decimal with at most two places.
	ErrorCodeInvalidAmount ErrorCode = "INVALID_AMOUNT"
	// ErrorCodeInvalidPhone: the phone number is not the country code and number, digits only.
	ErrorCodeInvalidPhone ErrorCode = "INVALID_PHONE"
	// ErrorCodeInsufficientBalance: the account cannot cover the operation.
	ErrorCodeInsufficientBalance ErrorCode = "INSUFFICIENT_BALANCE"
	// ErrorCodeProviderError: a downstream provider (M-PESA, telebirr, ...) failed; it may be
	// transient.
	ErrorCodeProviderError ErrorCode = "PROVIDER_ERROR"
)

// The error codes LakiPay documents none for, as this project decided them (openapi.yaml's
// ErrorEnvelope lists them): what package contracttest's fake answers, and what to expect
// where LakiPay's own code is not documented.
const (
	// ErrorCodeDuplicateReference: the reference was already used (HTTP 400). The first
	// attempt created a session; see Retries in the package documentation.
	ErrorCodeDuplicateReference ErrorCode = "DUPLICATE_REFERENCE"
	// ErrorCodeValidation: the request broke the contract; [APIError.Fields] names each field
	// (HTTP 400).
	ErrorCodeValidation ErrorCode = "VALIDATION_ERROR"
	// ErrorCodeNotFound: no such transaction, or no such endpoint (HTTP 404).
	ErrorCodeNotFound ErrorCode = "NOT_FOUND"
	// ErrorCodeMethodNotAllowed: the endpoint exists but not for this method (HTTP 405).
	ErrorCodeMethodNotAllowed ErrorCode = "METHOD_NOT_ALLOWED"
	// ErrorCodeRateLimited: too many requests; wait as Retry-After says (HTTP 429).
	ErrorCodeRateLimited ErrorCode = "RATE_LIMITED"
)

// APIError is an error answer from LakiPay: any non-2xx status, or a 200 carrying an error
// body. Reach it with errors.As.
//
// Its text fields are for showing, and each goes through the rule of Authentication in the
// package documentation: Code, Message, Errors (names and messages) and Body, and so Error()
// and every fmt or log/slog rendering of the error, show no run of 5 of the secret's letters
// and digits, however the server wrote it. Where the server echoed the secret in a form the
// client recognizes, the secret is replaced by [REDACTED] and the rest shown; a field that
// still shows a run is replaced whole by "[withheld: it held the API key]".
type APIError struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Code is LakiPay's error_code (for example [ErrorCodeInvalidAmount]); "" when the body
	// had none.
	Code ErrorCode
	// Message is LakiPay's human-readable message, or the HTTP status text when the body had
	// none.
	Message string
	// Errors maps a request field to LakiPay's messages about it (the envelope's errors);
	// [APIError.Fields] returns it.
	Errors map[string][]string
	// RetryAfter is how long the server asked to wait (Retry-After), or 0.
	RetryAfter time.Duration
	// Body is the start of the response body (at most 4 KiB), for diagnostics: the bytes as
	// received, except that every span spelling the secret is replaced by [REDACTED]
	// (redacted over the body up to 1 KiB past the cut, so no piece of the secret is left at
	// the cut either), or "[withheld: it held the API key]" instead of the whole excerpt when
	// that still shows a run of the secret, as every text the client shows (error reporters
	// and dumpers show an exported field); an answer is decoded from the bytes as received,
	// never from Body.
	Body []byte
}

// Error describes the error on one line: status, code, message and field messages.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "lakipay: HTTP %d", e.StatusCode)
	if e.Code != "" {
		b.WriteString(" ")
		b.WriteString(string(e.Code))
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if len(e.Errors) > 0 {
		keys := make([]string, 0, len(e.Errors))
		for k := range e.Errors {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		parts := make([]string, 0, len(keys))
		for _, k := range keys {
			parts = append(parts, k+": "+strings.Join(e.Errors[k], ", "))
		}
		b.WriteString(" (")
		b.WriteString(strings.Join(parts, "; "))
		b.WriteString(")")
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	return b.String()
}

// Fields returns LakiPay's messages per request field ("amount": ["amount must be a decimal
// with 2 places"]), nil when the answer named none: the same shape and keys as
// [ValidationError.Fields], so one piece of code can show either.
func (e *APIError) Fields() map[string][]string { return e.Errors }

// Retryable reports whether the same request may succeed later (429 and 5xx). For a checkout
// it says nothing about whether the first attempt created a session: see Retries in the
// package documentation before repeating a CreateCheckout.
func (e *APIError) Retryable() bool {
	return e.StatusCode == http.StatusTooManyRequests || e.StatusCode >= 500
}

// errorBody is LakiPay's documented error envelope.
type errorBody struct {
	Status    string              `json:"status"`
	Message   string              `json:"message"`
	ErrorCode string              `json:"error_code"`
	Errors    map[string][]string `json:"errors"`
}

// isErrorBody reports whether body is an error answer: the documented envelope with status
// ERROR, or the older flat {"success": false, ...} (contract.Legacy).
func isErrorBody(body []byte) bool {
	var e errorBody
	if json.Unmarshal(body, &e) == nil && e.Status == "ERROR" {
		return true
	}
	l, ok := contract.ParseLegacy(body)
	return ok && !l.Success
}

// newAPIError is the one place HTTP error answers are decoded. body is the answer as
// received, up to [MaxResponseBytes] (tooLarge says it was cut there): it is decoded as it
// is, and what the error shows has key's secret redacted.
func newAPIError(key apikey.Key, status int, header http.Header, body []byte, tooLarge bool, now time.Time) *APIError {
	e := &APIError{StatusCode: status, RetryAfter: parseRetryAfter(header.Get("Retry-After"), now)}
	shown := key.Redact(string(body[:min(len(body), maxErrorBody+redactWindow)]))
	e.Body = []byte(shown[:min(len(shown), maxErrorBody)])
	var decoded errorBody
	switch {
	case tooLarge:
		e.Message = fmt.Sprintf("%s (body larger than %d bytes)", statusText(status), MaxResponseBytes)
	case json.Unmarshal(body, &decoded) == nil && (decoded.Message != "" || decoded.ErrorCode != ""):
		e.Code = ErrorCode(showText(key, decoded.ErrorCode, 100))
		e.Message = showText(key, decoded.Message, 500)
		if strings.TrimSpace(e.Message) == "" { // an error_code alone still gets a message
			e.Message = statusText(status)
		}
		if len(decoded.Errors) > 0 {
			e.Errors = redactFields(key, decoded.Errors)
		}
	case len(bytes.TrimSpace(body)) == 0:
		e.Message = statusText(status) + " (empty body)"
	default:
		// shown is redacted already: showText's second pass is all that is left to do.
		e.Message = statusText(status) + " (non-JSON body " + strconv.QuoteToASCII(key.Redact(cleanText(shown, 80))) + ")"
	}
	return e
}

// redactFields returns the envelope's errors made safe to show: key's secret redacted from
// field names and messages, each cut to one clean line.
func redactFields(key apikey.Key, fields map[string][]string) map[string][]string {
	out := make(map[string][]string, len(fields))
	for name, messages := range fields {
		name = showText(key, name, 100)
		shown := out[name] // two names that differ only in the secret share one entry
		for _, m := range messages {
			shown = append(shown, showText(key, m, 500))
		}
		out[name] = shown
	}
	return out
}

// parseRetryAfter reads Retry-After as seconds or an HTTP date; 0 when absent or invalid.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		return time.Duration(min(secs, int64(24*time.Hour/time.Second))) * time.Second
	}
	if at, err := http.ParseTime(v); err == nil {
		if d := at.Sub(now); d > 0 {
			return min(d, 24*time.Hour)
		}
	}
	return 0
}

func statusText(status int) string {
	if t := http.StatusText(status); t != "" {
		return t
	}
	return "unknown status"
}

// showText makes server text fit to show: key's secret redacted before the cut (reading
// redactWindow past it), so that no piece of it is left there, then cleaned and cut by
// cleanText, then redacted again, because cleaning can spell the secret anew (an invalid
// byte becomes "?", the cut adds "...").
func showText(key apikey.Key, s string, limit int) string {
	return key.Redact(cleanText(key.Redact(s[:min(len(s), limit+redactWindow)]), limit))
}

// cleanText makes server text safe for one log line: valid UTF-8, no control characters,
// at most limit bytes.
func cleanText(s string, limit int) string {
	s = strings.ToValidUTF8(s, "?")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	if len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "..."
	}
	return s
}

// Violation is one broken rule of the contract (openapi.yaml): in a request the client
// refused to send (see [ValidationError]), or, reported by package contracttest, in a
// request, an answer or a webhook it judged.
type Violation struct {
	// Operation is the operationId of the exchange: "createCheckout", "getTransaction" or
	// "receivePaymentWebhook"; "" when no operation matched.
	Operation string
	// In is the part of the exchange that broke the rule: "request body", "response body",
	// "webhook body", "header X-API-Key", "header Content-Type", "path parameter id",
	// "status", "route".
	In string
	// Pointer is the JSON pointer of the field within In ("/redirects/success"); "" for the
	// part as a whole.
	Pointer string
	// Rule names the broken rule for code: the schema keyword ("pattern", "required",
	// "maximum", "multipleOf", "enum", "uniqueItems", "additionalProperties", ...) or the
	// contract's own ("duplicate key", "utf-8", "json", "undeclared status", ...).
	Rule string
	// Reason says in words what was expected, fit to show a person: "must be 7 to 15 digits:
	// country code and number, no +, spaces or leading 0".
	Reason string
	// Value is the offending value as short JSON text, "" when there is none to show. It is
	// never a secret: header values are not shown.
	Value string
	// Location is where the rule lives in openapi.yaml
	// ("openapi.yaml#/components/schemas/Currency/pattern"), "" for a contract rule the file
	// does not state (duplicate keys, UTF-8, well-formed JSON).
	Location string
}

// Field returns the field in the dotted form LakiPay's error envelope uses
// ("redirects.success", "supported_mediums.1"), or In when the violation is not about a body
// field.
func (v Violation) Field() string { return contract.Field(contract.Violation(v)) }

// String renders the violation on one line, with its value and where the rule lives.
func (v Violation) String() string { return contract.Format(contract.Violation(v)) }

// ValidationError reports a request that breaks the contract (openapi.yaml); nothing was
// sent. Violations lists every broken field and rule.
type ValidationError struct {
	// Violations is every broken rule, each naming its field.
	Violations []Violation
}

// newValidationError turns the contract's violations into the SDK's.
func newValidationError(violations []contract.Violation) *ValidationError {
	e := &ValidationError{Violations: make([]Violation, len(violations))}
	for i, v := range violations {
		e.Violations[i] = v
	}
	return e
}

// Fields returns the reasons per field ("phone_number": ["must be 7 to 15 digits: ..."]), in
// words fit to show a person: the same shape and the same keys as [APIError.Fields], the keys
// of LakiPay's errors map that openapi.yaml's ErrorEnvelope decides (a field's name,
// "redirects.success" for a nested one, never an array index, "id" for the path parameter).
func (e *ValidationError) Fields() map[string][]string {
	out := make(map[string][]string, len(e.Violations))
	for _, v := range e.Violations {
		key := contract.ErrorKey(contract.Violation(v))
		out[key] = append(out[key], v.Reason)
	}
	return out
}

// Error lists every broken field and rule on one line.
func (e *ValidationError) Error() string {
	var b strings.Builder
	op := "request"
	if len(e.Violations) > 0 && e.Violations[0].Operation != "" {
		op = e.Violations[0].Operation
	}
	b.WriteString("lakipay: invalid ")
	b.WriteString(op)
	b.WriteString(" request, nothing was sent: ")
	for i, v := range e.Violations {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(v.Field())
		b.WriteString(": ")
		b.WriteString(v.Rule)
		if v.Reason != "" {
			b.WriteString(": ")
			b.WriteString(v.Reason)
		}
		if v.Value != "" {
			b.WriteString(" (got ")
			b.WriteString(v.Value)
			b.WriteString(")")
		}
	}
	return b.String()
}

// Is makes errors.Is(err, ErrInvalidRequest) match.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalidRequest }
