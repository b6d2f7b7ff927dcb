package contracttest

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/internal/contract"
)

// Operation is an operation of LakiPay's API that the fake serves, by its operationId.
type Operation string

// The operations of openapi.yaml.
const (
	OpCreateCheckout Operation = "createCheckout"
	OpGetTransaction Operation = "getTransaction"
)

// check refuses an operation openapi.yaml does not declare.
func (op Operation) check() error {
	for _, o := range contract.Operations() {
		if o.ID == string(op) {
			return nil
		}
	}
	return fmt.Errorf("%w: unknown operation %q (want %s or %s)", ErrScript, op, OpCreateCheckout, OpGetTransaction)
}

// countRequest counts a request of operation op that reached the fake.
func (f *Fake) countRequest(op string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests[op]++
}

// Requests returns how many requests of op reached the fake since it started or was last
// reset: every request to a declared route counts, whatever it was answered (refused,
// scripted, faulted or abandoned by the client). A request whose connection was refused never
// reaches it.
func (f *Fake) Requests(op Operation) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests[string(op)]
}

// answer is a response the fake is about to send.
type answer struct {
	status int
	header http.Header
	body   any
	// scripted are the values of [Fake.SetStatus] the body carries on purpose, which the
	// fake's self-check lets pass.
	scripted scripted
}

func errorAnswer(status int, code client.ErrorCode, message string, fields map[string][]string) answer {
	return answer{status: status, body: client.ErrorEnvelope{Status: client.ErrorEnvelopeStatusERROR, Message: message,
		ErrorCode: string(code), Errors: fields}}
}

// serveAPI serves operation op, whose route the router matched exactly.
func (f *Fake) serveAPI(op string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f.countRequest(op)
		r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
		body, err := io.ReadAll(r.Body)
		if err != nil {
			f.write(w, errorAnswer(http.StatusBadRequest, client.ErrorCodeValidation, "Validation failed",
				map[string][]string{"body": {fmt.Sprintf("body unreadable or larger than %d bytes", maxBodyBytes)}}))
			return
		}
		matched, violations := contract.ValidateRequest(r.Method, r.URL.EscapedPath(), r.Header, body, contract.Options{BasePath: apiBase})
		if matched != op { // only a bug: the router and the contract disagree
			f.log.Error("lakipay fake: the contract routes the request elsewhere", "operation", op, "path", r.URL.Path)
			http.Error(w, "contracttest: routing", http.StatusInternalServerError)
			return
		}
		if err := f.delay(w, r); err != nil {
			return // the client gave up; nobody reads an answer
		}
		if sc, ok := f.popScript(op); ok {
			f.noteScriptedDetail(op, r, sc)
			f.serveScript(w, r, body, op, sc, violations)
			return
		}
		a := f.handle(r, body, op, violations)
		f.record(op, a)
		out, err := json.Marshal(a.body)
		if err != nil { // only a bug in the fake: gen types always marshal
			http.Error(w, "contracttest: encode response", http.StatusInternalServerError)
			return
		}
		header := f.header(a)
		f.markScripted(header, a.scripted)
		f.selfCheck(op, a, header, out)
		writeBytes(w, a.status, header, out)
		f.log.Info("lakipay fake: answered", "operation", op, "status", a.status)
	}
}

// handle runs an operation after its request was validated and returns the answer.
func (f *Fake) handle(r *http.Request, body []byte, op string, violations []contract.Violation) answer {
	if a, refused := f.authorize(r, violations); refused {
		return a
	}
	if len(violations) > 0 {
		fields := fieldErrors(violations)
		return errorAnswer(http.StatusBadRequest, validationCode(fields), "Validation failed", fields)
	}
	switch Operation(op) {
	case OpCreateCheckout:
		return f.createCheckout(r, body)
	case OpGetTransaction:
		return f.getTransaction(r)
	}
	return errorAnswer(http.StatusNotFound, client.ErrorCodeNotFound, "operation not served by the fake: "+op, nil)
}

// authorize refuses a request without a well-formed X-API-Key, or without the pinned one.
func (f *Fake) authorize(r *http.Request, violations []contract.Violation) (answer, bool) {
	for _, v := range violations {
		if v.Rule == contract.RuleSecurity {
			msg := "API key is required"
			if r.Header.Get("X-API-Key") != "" {
				msg = "API key must be PUBLICKEY:SECRETKEY"
			}
			return errorAnswer(http.StatusUnauthorized, client.ErrorCodeInvalidAPIKey, "Invalid API key", map[string][]string{"api_key": {msg}}), true
		}
	}
	if sum := sha256.Sum256([]byte(r.Header.Get("X-API-Key"))); f.cfg.apiKey != nil && subtle.ConstantTimeCompare(sum[:], f.cfg.apiKey) != 1 {
		return errorAnswer(http.StatusUnauthorized, client.ErrorCodeInvalidAPIKey, "Invalid API key", map[string][]string{"api_key": {"API key is not valid"}}), true
	}
	return answer{}, false
}

// fieldErrors groups violations under the keys of LakiPay's errors map (see
// [contract.ErrorKey]); a message says where below its key the rule broke
// ("supported_mediums.1: must be one of ...") when the key does not say it all.
func fieldErrors(violations []contract.Violation) map[string][]string {
	out := map[string][]string{}
	for _, v := range violations {
		msg := v.Rule
		if v.Reason != "" {
			msg = v.Reason + " (" + v.Rule + ")"
		}
		key := contract.ErrorKey(v)
		if field := contract.Field(v); field != key {
			msg = field + ": " + msg
		}
		out[key] = append(out[key], msg)
	}
	return out
}

// validationCode is the error_code of a 400 naming fields (openapi.yaml's BadRequest): LakiPay's
// documented INVALID_AMOUNT or INVALID_PHONE when the amount or the phone number alone is
// broken, VALIDATION_ERROR otherwise.
func validationCode(fields map[string][]string) client.ErrorCode {
	if len(fields) == 1 {
		switch {
		case fields["amount"] != nil:
			return client.ErrorCodeInvalidAmount
		case fields["phone_number"] != nil:
			return client.ErrorCodeInvalidPhone
		}
	}
	return client.ErrorCodeValidation
}

// origin is the scheme and host the request came to: the fake's own origin for checkout URLs.
func origin(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := r.Host
	if host == "" {
		host = "localhost"
	}
	return scheme + "://" + host
}

func (f *Fake) header(a answer) http.Header {
	h := http.Header{"Content-Type": []string{"application/json"}}
	for k, v := range a.header {
		h[k] = v
	}
	return h
}

// selfCheck validates a response of the fake's own making, strictly (no property the spec
// does not declare); a violation is a bug in the fake, unless it is a value a test scripted on
// purpose (a's scripted values).
func (f *Fake) selfCheck(op string, a answer, header http.Header, body []byte) {
	for _, v := range contract.ValidateResponse(op, a.status, header, body, contract.Options{Strict: true}) {
		if a.scripted.deliberate(v) {
			continue
		}
		f.log.Error("lakipay fake: response breaks the contract", "violation", contract.Format(v))
		f.cfg.onViolation(Violation(v))
	}
}

func (f *Fake) record(op string, a answer) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cov.status(op, a.status)
}

func (f *Fake) write(w http.ResponseWriter, a answer) {
	body, err := json.Marshal(a.body)
	if err != nil {
		http.Error(w, "contracttest: encode response", http.StatusInternalServerError)
		return
	}
	writeBytes(w, a.status, f.header(a), body)
}

func writeBytes(w http.ResponseWriter, status int, header http.Header, body []byte) {
	for k, v := range header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body) //nolint:gosec // G705: JSON the fake encoded, served as application/json
}

// SetLatency delays every API call by d (0 turns it off): the operation itself runs after the
// delay (a checkout is created only then), and a request whose context ends first gets no
// answer and changes nothing. The fake extends the server's read and write deadlines of a delayed
// request by d, so a latency longer than [ServerLimits] still gets its answer.
func (f *Fake) SetLatency(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.latency = max(d, 0)
}

// delay waits out the configured latency, or until the client gives up.
func (f *Fake) delay(w http.ResponseWriter, r *http.Request) error {
	f.mu.Lock()
	d := f.latency
	f.mu.Unlock()
	if d <= 0 {
		return nil
	}
	f.extendDeadlines(w, d)
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-r.Context().Done():
		return r.Context().Err()
	case <-timer.C:
		return nil
	}
}

// extendDeadlines gives a request that the fake holds on purpose for d (latency,
// FaultTimeout) d more time on the connection: the server's read deadline would otherwise
// end the request's context as if the client had gone, and its write deadline would cut the
// answer. The request has been read whole by then, so a trickling client gains nothing.
func (f *Fake) extendDeadlines(w http.ResponseWriter, d time.Duration) {
	rc := http.NewResponseController(w)
	now := time.Now()
	_ = rc.SetReadDeadline(now.Add(d + f.cfg.server.ReadTimeout))   // unsupported by a recorder: nothing to extend
	_ = rc.SetWriteDeadline(now.Add(d + f.cfg.server.WriteTimeout)) // idem
}
