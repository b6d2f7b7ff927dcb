package contracttest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
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

// maxScripts bounds the answers scripted for one operation and not used yet.
const maxScripts = 1000

// script is one forced answer for an operation: a fault, or a status with an error code.
type script struct {
	fault  Fault
	status int
	code   client.ErrorCode
}

// FailNext makes the next call of op answer status (400 to 599) with the error envelope and
// code, before any check or state change; 429 carries Retry-After: 1. An unknown operation, a
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

func (f *Fake) createCheckout(r *http.Request, body []byte) answer {
	var req client.CheckoutRequest
	if err := json.Unmarshal(body, &req); err != nil {
		// The validator accepted the body: only a gap between spec and model gets here.
		return errorAnswer(http.StatusBadRequest, client.ErrorCodeValidation, "Validation failed", map[string][]string{"body": {"body is not a checkout request"}})
	}
	f.mu.Lock()
	if f.sessions.used(req.Reference) {
		f.mu.Unlock()
		return errorAnswer(http.StatusBadRequest, client.ErrorCodeDuplicateReference, "Reference already used",
			map[string][]string{"reference": {"reference was already used for another checkout"}})
	}
	now := f.now().UTC()
	s := &session{
		id:      f.newIDLocked("TXN-", 8),
		token:   f.newIDLocked("", 16),
		req:     req,
		status:  client.TransactionStatusINITIATED,
		created: now,
		updated: now,
		expires: time.Now().Add(f.cfg.sessionTTL),
	}
	if forgot := f.sessions.add(s); forgot != nil {
		f.log.Info("lakipay fake: session cap reached, forgot a session", "transaction_id", forgot.id,
			"status", forgot.status, "max_sessions", f.cfg.maxSessions)
		f.noteForgottenLocked(forgot)
	}
	f.noteCreatedLocked(s)
	f.armExpiryLocked(s.expires)
	for _, m := range req.SupportedMediums {
		f.cov.enum("Medium", string(m))
	}
	f.cov.enum("TransactionStatus", string(s.status))
	f.mu.Unlock()
	f.log.Info("lakipay fake: checkout created", "transaction_id", s.id, "reference", req.Reference)
	return answer{status: http.StatusOK, body: client.CheckoutResponse{
		Status:  "SUCCESS",
		Message: "Checkout session created successfully",
		Data: client.CheckoutSession{
			CheckoutURL:          origin(r) + "/checkout/" + s.token,
			LakipayTransactionID: s.id,
			Reference:            req.Reference,
			Amount:               req.Amount,
			Currency:             req.Currency,
			Status:               s.status,
		},
	}}
}

func (f *Fake) getTransaction(r *http.Request) answer {
	f.mu.Lock()
	s, ok := f.sessions.byID[r.PathValue("id")]
	var (
		tx client.Transaction
		sc scripted
	)
	if ok {
		tx, sc = transactionOf(s), s.scripted
		f.cov.enum("TransactionStatus", string(tx.Status))
		f.cov.enum("TransactionType", string(tx.Type))
		f.noteLocked(s, event{Kind: eventDetail, HTTPStatus: http.StatusOK, Status: string(tx.Status)})
	}
	f.mu.Unlock()
	if !ok {
		return errorAnswer(http.StatusNotFound, client.ErrorCodeNotFound, "Transaction not found", nil)
	}
	return answer{status: http.StatusOK, scripted: sc, body: client.TransactionResponse{
		Status: "SUCCESS", Message: "Transaction retrieved successfully", Data: tx,
	}}
}

// transactionOf renders a session as transaction detail; the caller holds f.mu.
func transactionOf(s *session) client.Transaction {
	amount := s.req.Amount
	tx := client.Transaction{
		TransactionID: s.id,
		TotalAmount:   &amount,
		Status:        s.status,
		Medium:        s.medium,
		Type:          client.TransactionTypeDEPOSIT,
		CreatedAt:     s.created,
		UpdatedAt:     s.updated,
	}
	echo(&tx, &s.req)
	return tx
}

// echoed are the fields of a checkout request that transaction detail echoes: each pair is a
// field of client.Transaction and the field of client.CheckoutRequest with the same JSON name
// and Go type (reference, amount, currency, description, and any field openapi.yaml adds to
// both), so that a field added to the spec is echoed without an edit here.
var echoed = sync.OnceValue(func() [][2]int {
	names := func(t reflect.Type) map[string]int {
		out := map[string]int{}
		for i := range t.NumField() {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			out[name] = i
		}
		return out
	}
	tx, req := reflect.TypeFor[client.Transaction](), reflect.TypeFor[client.CheckoutRequest]()
	from := names(req)
	var pairs [][2]int
	for name, i := range names(tx) {
		if j, ok := from[name]; ok && req.Field(j).Type == tx.Field(i).Type {
			pairs = append(pairs, [2]int{i, j})
		}
	}
	return pairs
})

// echo copies into tx the fields of req that transaction detail echoes.
func echo(tx *client.Transaction, req *client.CheckoutRequest) {
	to, from := reflect.ValueOf(tx).Elem(), reflect.ValueOf(req).Elem()
	for _, p := range echoed() {
		to.Field(p[0]).Set(from.Field(p[1]))
	}
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
		truncate(w, []byte(`{"status":"SUCCESS","message":"this body is cut short by an injected fault","data":{}}`))
	case FaultConnectionReset:
		resetConnection(w)
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
			resetConnection(w) // the client is still there: leave it without an answer
		}
	case FaultBadGateway:
		f.record(op, answer{status: http.StatusBadGateway})
		writeBytes(w, http.StatusBadGateway, http.Header{"Content-Type": []string{"text/html"}}, []byte(badGatewayPage))
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
		streamHugeBody(w, f.cfg.server.WriteTimeout)
	case FaultLostAnswer:
		// The operation commits (a session is created, its reference used); its answer is
		// never sent, so it counts in no status's coverage.
		a := f.handle(r, body, op, violations)
		f.log.Info("lakipay fake: answer lost on purpose", "operation", op, "status", a.status)
		resetConnection(w)
	}
}

// scriptedError returns the error envelope that a forced status or an error fault answers
// with, and false for the faults that break the exchange in other ways. An unknown fault
// answers 500.
func scriptedError(sc script) (answer, bool) {
	retryAfter := http.Header{"Retry-After": []string{"1"}}
	var a answer
	switch sc.fault {
	case 0:
		a = errorAnswer(sc.status, sc.code, http.StatusText(sc.status)+" (forced by the test)", nil)
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

// badGatewayPage is what a proxy in front of an unreachable LakiPay answers with.
const badGatewayPage = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"

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

// streamHugeBody answers 200 with a JSON envelope of HugeBodyBytes whose message is filler,
// written chunk by chunk; each chunk gets writeTimeout (the server's deadline would cut a
// slow but reading client), so it stops as soon as the client stops reading or closes.
func streamHugeBody(w http.ResponseWriter, writeTimeout time.Duration) {
	rc := http.NewResponseController(w)
	const prefix, suffix = `{"status":"SUCCESS","message":"`, `","data":{}}`
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(HugeBodyBytes))
	w.WriteHeader(http.StatusOK)
	if _, err := io.WriteString(w, prefix); err != nil {
		return
	}
	chunk := bytes.Repeat([]byte{'x'}, 32<<10)
	for left := HugeBodyBytes - len(prefix) - len(suffix); left > 0; {
		_ = rc.SetWriteDeadline(time.Now().Add(writeTimeout)) // unsupported by a recorder: no deadline to move
		n, err := w.Write(chunk[:min(left, len(chunk))])
		if err != nil {
			return // the client gave up reading
		}
		left -= n
	}
	_, _ = io.WriteString(w, suffix)
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

// truncate announces body in full (Content-Length) but sends only its first half and then
// drops the connection, so the client reads an unexpected EOF.
func truncate(w http.ResponseWriter, body []byte) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil { // HTTP/2: abort the stream instead
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body[:len(body)/2])
		_ = http.NewResponseController(w).Flush()
		panic(http.ErrAbortHandler)
	}
	defer func() { _ = conn.Close() }()
	var b bytes.Buffer
	fmt.Fprintf(&b, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", len(body))
	b.Write(body[:len(body)/2])
	_, _ = buf.Write(b.Bytes())
	_ = buf.Flush()
}

// resetConnection closes the connection with a TCP reset and no answer at all.
func resetConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tcp, ok := conn.(interface{ SetLinger(int) error }); ok { // *net.TCPConn, or ServerLimits.Listener's
		_ = tcp.SetLinger(0) // close sends RST instead of FIN
	}
	_ = conn.Close()
}
