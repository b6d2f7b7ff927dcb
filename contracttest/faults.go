package contracttest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/internal/contract"
	"github.com/lakipay/checkout-go/internal/fake/faults"
)

// Fault is a failure the fake can inject into an operation's next answer (see
// [Fake.InjectFault]), to test how a client copes with a misbehaving LakiPay.
type Fault int

// The faults [Fake.InjectFault] can inject. Their names (for /_mock/faults and the CLI) are
// the lower-case words after "Fault", separated by underscores: "internal_error", ...
const (
	// FaultInternalError answers 500 with the error envelope (error_code PROVIDER_ERROR).
	FaultInternalError Fault = iota + 1
	// FaultRateLimited answers 429 with Retry-After: 1 (error_code RATE_LIMITED).
	FaultRateLimited
	// FaultMalformedJSON answers 200 with a body that is not valid JSON.
	FaultMalformedJSON
	// FaultTruncatedBody answers 200 and drops the connection halfway through the body.
	FaultTruncatedBody
	// FaultConnectionReset resets the connection (TCP RST) without answering.
	FaultConnectionReset
	// FaultFlatShape runs the operation but answers in the older flat shape LakiPay's live
	// API is reported to send ({"success": true, "payment_url": ...}), a deviation the
	// validating transport reports.
	FaultFlatShape
	// FaultTimeout answers nothing: the request hangs until the client gives up (its
	// context ends), the fake is reset or closed, or [MaxHang] passes; then the connection
	// is dropped without an answer.
	FaultTimeout
	// FaultBadGateway answers 502 with an HTML page, as a proxy in front of LakiPay would.
	FaultBadGateway
	// FaultUnavailable answers 503 with the error envelope (error_code PROVIDER_ERROR) and
	// no Retry-After.
	FaultUnavailable
	// FaultRateLimitedNoRetryAfter answers 429 (error_code RATE_LIMITED) without a
	// Retry-After header, so the client picks its own wait.
	FaultRateLimitedNoRetryAfter
	// FaultWrongContentType runs the operation and answers its JSON labelled text/html.
	FaultWrongContentType
	// FaultHugeBody answers 200 with a 20 MiB JSON body ([HugeBodyBytes]), streamed in small
	// chunks so that the fake never holds it in memory.
	FaultHugeBody
	// FaultLostAnswer runs the operation in full and then resets the connection (TCP RST)
	// instead of answering: for createCheckout the session exists and its reference is used,
	// but the client never learns its checkout_url. It is the case a checkout's caller cannot
	// tell from [FaultConnectionReset], where nothing happened (see Retries in package
	// client's documentation for the recovery).
	FaultLostAnswer
)

// MaxHang bounds how long a [FaultTimeout] request hangs when the client never gives up.
const MaxHang = 2 * time.Minute

// HugeBodyBytes is the size of the body [FaultHugeBody] sends (20 MiB).
const HugeBodyBytes = 20 << 20

var faultNames = map[Fault]string{
	FaultInternalError:   "internal_error",
	FaultRateLimited:     "rate_limited",
	FaultMalformedJSON:   "malformed_json",
	FaultTruncatedBody:   "truncated_body",
	FaultConnectionReset: "connection_reset",
	FaultFlatShape:       "flat_shape",
	FaultTimeout:         "timeout",
	FaultBadGateway:      "bad_gateway",
	FaultUnavailable:     "unavailable",

	FaultRateLimitedNoRetryAfter: "rate_limited_no_retry_after",
	FaultWrongContentType:        "wrong_content_type",
	FaultHugeBody:                "huge_body",
	FaultLostAnswer:              "lost_answer",
}

// Faults lists every fault, in declaration order.
func Faults() []Fault {
	return []Fault{FaultInternalError, FaultRateLimited, FaultMalformedJSON, FaultTruncatedBody, FaultConnectionReset,
		FaultFlatShape, FaultTimeout, FaultBadGateway, FaultUnavailable, FaultRateLimitedNoRetryAfter,
		FaultWrongContentType, FaultHugeBody, FaultLostAnswer}
}

// String returns the fault's name ("rate_limited").
func (f Fault) String() string {
	if name, ok := faultNames[f]; ok {
		return name
	}
	if f == 0 {
		return "none"
	}
	return fmt.Sprintf("fault(%d)", int(f))
}

// ParseFault returns the fault with the given name ("rate_limited"), case-insensitively.
func ParseFault(name string) (Fault, error) {
	for f, n := range faultNames {
		if strings.EqualFold(n, strings.TrimSpace(name)) {
			return f, nil
		}
	}
	names := make([]string, 0, len(faultNames))
	for _, f := range Faults() {
		names = append(names, f.String())
	}
	return 0, fmt.Errorf("contracttest: unknown fault %q (want one of %s)", name, strings.Join(names, ", "))
}

// MarshalText writes the fault's name.
func (f Fault) MarshalText() ([]byte, error) {
	if _, ok := faultNames[f]; !ok {
		return nil, fmt.Errorf("contracttest: unknown fault %d", int(f))
	}
	return []byte(f.String()), nil
}

// UnmarshalText reads a fault's name.
func (f *Fault) UnmarshalText(b []byte) error {
	parsed, err := ParseFault(string(b))
	if err != nil {
		return err
	}
	*f = parsed
	return nil
}

// maxScripts bounds the answers scripted for one operation and not used yet.
const maxScripts = 1000

// script is one forced answer for an operation: a fault, or a status with an error code.
type script struct {
	fault  Fault
	status int
	code   client.ErrorCode
}

// FailNext makes the next call of op answer status (400 to 599) with the error envelope and
// code, before any check or state change; 429 carries Retry-After: 1. A code LakiPay
// documents comes with LakiPay-like text and the field it is about (INVALID_PHONE:
// errors {"phone_number": [...]}), so a test sees what a shopper would be shown; any other
// code, with the status's text. An unknown operation, a
// status out of range or more than 1000 waiting scripts is an error wrapping [ErrScript], and
// nothing is scripted.
func (f *Fake) FailNext(op Operation, status int, code client.ErrorCode) error {
	if err := op.check(); err != nil {
		return err
	}
	if status < 400 || status > 599 {
		return fmt.Errorf("%w: status %d is not an error status (400 to 599)", ErrScript, status)
	}
	return f.script(op, script{status: status, code: code}, 1)
}

// InjectFault makes the next call of op fail with fault.
func (f *Fake) InjectFault(op Operation, fault Fault) error { return f.InjectFaultN(op, fault, 1) }

// InjectFaultN makes the next n calls of op fail with fault. Scripts of one operation are used
// in the order they were added. An unknown operation or fault, n below 1, or more than 1000
// waiting scripts is an error wrapping [ErrScript], and nothing is scripted.
func (f *Fake) InjectFaultN(op Operation, fault Fault, n int) error {
	if err := op.check(); err != nil {
		return err
	}
	if _, ok := faultNames[fault]; !ok {
		return fmt.Errorf("%w: unknown fault %d (see Faults)", ErrScript, int(fault))
	}
	if n < 1 {
		return fmt.Errorf("%w: count %d is less than 1", ErrScript, n)
	}
	return f.script(op, script{fault: fault}, n)
}

// script queues n copies of sc for op.
func (f *Fake) script(op Operation, sc script, n int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.scripts[string(op)])+n > maxScripts {
		return fmt.Errorf("%w: more than %d scripted answers waiting for %s", ErrScript, maxScripts, op)
	}
	for range n {
		f.scripts[string(op)] = append(f.scripts[string(op)], sc)
	}
	return nil
}

func (f *Fake) popScript(op string) (script, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	queue := f.scripts[op]
	if len(queue) == 0 {
		return script{}, false
	}
	f.scripts[op] = queue[1:]
	return queue[0], true
}

// serveScript answers a call with a forced status or an injected fault. Scripted answers
// are deliberate and not checked against the spec.
func (f *Fake) serveScript(w http.ResponseWriter, r *http.Request, body []byte, op string, sc script, violations []contract.Violation) {
	f.log.Info("lakipay fake: scripted answer", "operation", op, "fault", sc.fault.String(), "status", sc.status)
	// Every answer below is broken on purpose: marked so, for a Transport in front of the fake.
	what := "fault " + sc.fault.String()
	if sc.fault == 0 {
		what = "fail-next " + strconv.Itoa(sc.status)
	}
	f.markAnswer(w.Header(), what)
	if a, ok := scriptedError(sc); ok {
		f.record(op, a)
		f.write(w, a)
		return
	}
	switch sc.fault {
	case FaultMalformedJSON:
		f.record(op, answer{status: http.StatusOK})
		writeBytes(w, http.StatusOK, http.Header{"Content-Type": []string{"application/json"}}, []byte(`{"status":"SUCCESS","data":{"amount":`))
	case FaultTruncatedBody:
		f.record(op, answer{status: http.StatusOK})
		faults.Truncate(w, []byte(`{"status":"SUCCESS","message":"this body is cut short by an injected fault","data":{}}`))
	case FaultConnectionReset:
		faults.Reset(w)
	case FaultFlatShape:
		a := f.handle(r, body, op, violations)
		f.record(op, a)
		out, err := flatten(a)
		if err != nil {
			http.Error(w, "contracttest: encode response", http.StatusInternalServerError)
			return
		}
		writeBytes(w, a.status, http.Header{"Content-Type": []string{"application/json"}}, out)
	case FaultTimeout:
		f.extendDeadlines(w, MaxHang)
		if !f.hang(r.Context()) {
			faults.Reset(w) // the client is still there: leave it without an answer
		}
	case FaultBadGateway:
		f.record(op, answer{status: http.StatusBadGateway})
		writeBytes(w, http.StatusBadGateway, http.Header{"Content-Type": []string{"text/html"}}, []byte(faults.BadGatewayPage))
	case FaultWrongContentType:
		a := f.handle(r, body, op, violations)
		f.record(op, a)
		out, err := json.Marshal(a.body)
		if err != nil {
			http.Error(w, "contracttest: encode response", http.StatusInternalServerError)
			return
		}
		writeBytes(w, a.status, http.Header{"Content-Type": []string{"text/html; charset=utf-8"}}, out)
	case FaultHugeBody:
		f.record(op, answer{status: http.StatusOK})
		faults.StreamHugeBody(w, HugeBodyBytes, f.cfg.server.WriteTimeout)
	case FaultLostAnswer:
		// The operation commits (a session is created, its reference used); its answer is
		// never sent, so it counts in no status's coverage.
		a := f.handle(r, body, op, violations)
		f.log.Info("lakipay fake: answer lost on purpose", "operation", op, "status", a.status)
		faults.Reset(w)
	}
}

// documentedErrors are the answers a forced status carries for the codes LakiPay documents,
// in LakiPay's words where its pages give them (the spec's examples), so that a merchant's
// test of what a shopper is shown meets text like LakiPay's, not the fake's.
var documentedErrors = map[client.ErrorCode]struct {
	message string
	fields  map[string][]string
}{
	client.ErrorCodeInvalidAPIKey:       {"Invalid API key", map[string][]string{"api_key": {"API key is required"}}},
	client.ErrorCodeInvalidAmount:       {"Validation failed", map[string][]string{"amount": {"amount must be a decimal with 2 places"}}},
	client.ErrorCodeInvalidPhone:        {"Validation failed", map[string][]string{"phone_number": {"phone number must be digits with the country code"}}},
	client.ErrorCodeInsufficientBalance: {"Insufficient balance", nil},
	client.ErrorCodeProviderError:       {"Payment provider error", nil},
}

// scriptedError returns the error envelope that a forced status or an error fault answers
// with, and false for the faults that break the exchange in other ways. An unknown fault
// answers 500.
func scriptedError(sc script) (answer, bool) {
	retryAfter := http.Header{"Retry-After": []string{"1"}}
	var a answer
	switch sc.fault {
	case 0:
		message, fields := http.StatusText(sc.status)+" (forced by the test)", map[string][]string(nil)
		if d, ok := documentedErrors[sc.code]; ok {
			message, fields = d.message, d.fields
		}
		a = errorAnswer(sc.status, sc.code, message, fields)
		if sc.status == http.StatusTooManyRequests {
			a.header = retryAfter
		}
	case FaultInternalError:
		a = errorAnswer(http.StatusInternalServerError, client.ErrorCodeProviderError, "Provider error (injected fault)", nil)
	case FaultRateLimited:
		a = errorAnswer(http.StatusTooManyRequests, client.ErrorCodeRateLimited, "Too many requests (injected fault)", nil)
		a.header = retryAfter
	case FaultUnavailable:
		a = errorAnswer(http.StatusServiceUnavailable, client.ErrorCodeProviderError, "Service unavailable (injected fault)", nil)
	case FaultRateLimitedNoRetryAfter:
		a = errorAnswer(http.StatusTooManyRequests, client.ErrorCodeRateLimited, "Too many requests (injected fault, no Retry-After)", nil)
	case FaultMalformedJSON, FaultTruncatedBody, FaultConnectionReset, FaultFlatShape, FaultTimeout,
		FaultBadGateway, FaultWrongContentType, FaultHugeBody, FaultLostAnswer:
		return answer{}, false
	default:
		a = errorAnswer(http.StatusInternalServerError, client.ErrorCodeProviderError, "unknown fault", nil)
	}
	return a, true
}

// hang waits until ctx (the client's request) ends, the fake is reset or closed, or MaxHang
// passes; it reports whether the client gave up.
func (f *Fake) hang(ctx context.Context) bool {
	f.mu.Lock()
	stop := f.ctx
	f.mu.Unlock()
	timer := time.NewTimer(MaxHang)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return true
	case <-stop.Done():
	case <-timer.C:
	}
	return false
}

// flatten renders an answer in the older flat shape LakiPay's live API is reported to send.
func flatten(a answer) ([]byte, error) {
	legacy := contract.Legacy{Success: a.status >= 200 && a.status < 300}
	switch b := a.body.(type) {
	case client.CheckoutResponse:
		legacy.Status, legacy.Message = string(b.Data.Status), b.Message
		legacy.PaymentURL, legacy.ReferenceID, legacy.LakipayTransactionID = b.Data.CheckoutURL, b.Data.Reference, b.Data.LakipayTransactionID
	case client.TransactionResponse:
		// Transaction detail in the flat shape: the data's fields at the top level.
		out := map[string]any{}
		data, err := json.Marshal(b.Data)
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(data, &out); err != nil {
			return nil, err
		}
		out["success"], out["message"] = legacy.Success, b.Message
		return json.Marshal(out)
	case client.ErrorEnvelope:
		legacy.Message = b.Message
	}
	return json.Marshal(legacy)
}
