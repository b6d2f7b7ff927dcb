package contracttest

import (
	"bytes"
	"context"
	_ "embed" // the dashboard's page, script and style sheet
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/internal/fake/route"
	"github.com/lakipay/checkout-go/internal/fake/webhooks"
	"github.com/lakipay/checkout-go/internal/jsonscan"
	"github.com/lakipay/checkout-go/internal/specfile"
)

// The limits of GET /_mock/deliveries: how many records it answers without ?limit=, and at
// most.
const (
	defaultDeliveriesLimit = 1000
	maxDeliveriesLimit     = 10_000
)

// mockRoutes registers the /_mock/ scripting endpoints (documented in doc.go), each guarded
// by control.
func (f *Fake) mockRoutes(router *route.Router) {
	rt := &controlRouter{router, f}
	rt.handle("GET /_mock/openapi.yaml", serveContract(specfile.OpenAPI))
	rt.handle("GET /_mock/openapi-3.1.yaml", serveContract(specfile.OpenAPI31))
	rt.handle("GET /_mock/public-key", func(w http.ResponseWriter, _ *http.Request) {
		pem := f.PublicKeyPEM()
		if pem == nil {
			http.Error(w, "contracttest: no signing key", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/x-pem-file")
		_, _ = w.Write(pem)
	})
	rt.handle("GET /_mock/requests", func(w http.ResponseWriter, _ *http.Request) {
		f.mu.Lock()
		counts := maps.Clone(f.requests)
		f.mu.Unlock()
		mockJSON(w, http.StatusOK, counts)
	})
	rt.handle("GET /_mock/transactions/{id}", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		s, ok := f.sessions.byID[r.PathValue("id")]
		var tx client.Transaction
		if ok {
			tx = transactionOf(s)
		}
		f.mu.Unlock()
		if !ok {
			mockError(w, fmt.Errorf("%w %q", ErrUnknownTransaction, r.PathValue("id")))
			return
		}
		mockJSON(w, http.StatusOK, tx)
	})
	rt.handle("POST /_mock/transactions/{id}/{action}", f.mockTransition)
	rt.handle("GET /_mock/transactions/{id}/held", func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		holding, known := f.holding(id)
		if !holding && !known {
			mockError(w, fmt.Errorf("%w %q", ErrUnknownTransaction, id))
			return
		}
		mockJSON(w, http.StatusOK, holdAnswer{TransactionID: id, Holding: holding, Webhooks: f.HeldWebhooks(id)})
	})
	rt.handle("GET /_mock/transactions/{id}/delivery", f.mockWaitForDelivery)
	rt.handle("POST /_mock/fail-next", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Operation Operation        `json:"operation"`
			Status    int              `json:"status"`
			ErrorCode client.ErrorCode `json:"error_code"`
		}
		if !decodeMock(w, r, &in) {
			return
		}
		if err := f.FailNext(in.Operation, in.Status, in.ErrorCode); err != nil {
			mockError(w, err)
			return
		}
		mockJSON(w, http.StatusOK, in)
	})
	rt.handle("POST /_mock/latency", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Latency string `json:"latency"`
		}
		if !decodeMock(w, r, &in) {
			return
		}
		d, err := time.ParseDuration(in.Latency)
		if err != nil || d < 0 {
			mockError(w, fmt.Errorf("%w: latency %q is not a non-negative duration such as \"250ms\"", errMockInput, in.Latency))
			return
		}
		f.SetLatency(d)
		mockJSON(w, http.StatusOK, map[string]string{"latency": d.String()})
	})
	rt.handle("POST /_mock/faults", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Operation Operation `json:"operation"`
			Fault     Fault     `json:"fault"`
			Count     *int      `json:"count,omitempty"`
		}
		if !decodeMock(w, r, &in) {
			return
		}
		if in.Fault == 0 {
			mockError(w, fmt.Errorf("%w: fault is required", ErrScript))
			return
		}
		n := 1
		if in.Count != nil {
			n = *in.Count
		}
		if err := f.InjectFaultN(in.Operation, in.Fault, n); err != nil {
			mockError(w, err)
			return
		}
		in.Count = &n
		mockJSON(w, http.StatusOK, in)
	})
	rt.handle("GET /_mock/deliveries", f.mockDeliveries)
	rt.handle("POST /_mock/deliver", f.mockDeliver)
	rt.handle("GET /_mock/webhook-behaviour", func(w http.ResponseWriter, _ *http.Request) {
		mockJSON(w, http.StatusOK, behaviourToJSON(f.DeliveryBehaviour()))
	})
	rt.handle("POST /_mock/webhook-behaviour", f.mockSetBehaviour)
	rt.handle("POST /_mock/reset", func(w http.ResponseWriter, r *http.Request) {
		if !noInput(w, r) {
			return
		}
		f.Reset()
		mockJSON(w, http.StatusOK, map[string]bool{"reset": true})
	})
	rt.handle("GET /_mock/coverage", func(w http.ResponseWriter, r *http.Request) {
		c := f.Coverage()
		if r.URL.Query().Get("format") == "text" {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			_, _ = w.Write([]byte(c.String()))
			return
		}
		mockJSON(w, http.StatusOK, c)
	})
}

var errMockInput = errors.New("contracttest: bad /_mock/ request")

// controlRouter registers routes guarded by control (and no other way: it does not expose
// the router's own Handle).
type controlRouter struct {
	router *route.Router
	f      *Fake
}

func (rt *controlRouter) handle(pattern string, h http.HandlerFunc) {
	rt.router.Handle(pattern, rt.f.control(h))
}

// control refuses, with 403, a request to a /_mock/ endpoint that carries the marker of the
// fake's own webhooks: a callback_url that names a control path of the fake, under whatever
// host name reaches it, must not script the fake (reset a shared mock, cancel another
// session) when its webhook is sent.
func (f *Fake) control(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if _, marked := r.Header[webhooks.MarkerHeader]; marked {
			f.log.Warn("lakipay fake: a webhook of the fake reached its own control path", "path", r.URL.Path)
			mockJSON(w, http.StatusForbidden, map[string]string{"error": fmt.Sprintf(
				"contracttest: %s %s is a control path of the fake, and this is one of its own webhooks (%s): a callback_url must not name it",
				r.Method, r.URL.Path, webhooks.MarkerHeader)})
			return
		}
		h(w, r)
	}
}

// mockTransition pays, fails, cancels, declines or expires a session, mutes its webhooks, or
// sets its status (any upper-case word, with a medium) as [Fake.SetStatus] does; or holds or
// releases its webhooks.
func (f *Fake) mockTransition(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	var in struct {
		Medium client.Medium `json:"medium"`
	}
	action := r.PathValue("action")
	if action == "hold" || action == "release" {
		f.mockHold(w, r, id, action == "hold")
		return
	}
	needsMedium := action == "pay" || action == "fail"
	// status reads its own body below; the others take a medium or nothing.
	if action != "status" && (needsMedium && !decodeMock(w, r, &in) || !needsMedium && !noInput(w, r)) {
		return
	}
	if needsMedium && !in.Medium.Valid() {
		mockError(w, fmt.Errorf("%w: medium %q is not one of the spec's mediums", errMockInput, in.Medium))
		return
	}
	var (
		tx  client.Transaction
		err error
	)
	switch action {
	case "pay":
		tx, err = f.complete(id, in.Medium, client.TransactionStatusSUCCESS)
	case "fail":
		tx, err = f.complete(id, in.Medium, client.TransactionStatusFAILED)
	case "cancel":
		tx, err = f.complete(id, "", client.TransactionStatusCANCELLED)
	case "decline":
		tx, err = f.decline(id)
	case "mute":
		tx, err = f.muteWebhooks(id)
	case "expire":
		tx, err = f.expire(id)
	case "status":
		var set struct {
			Status client.TransactionStatus `json:"status"`
			Medium client.Medium            `json:"medium,omitempty"`
		}
		if !decodeMock(w, r, &set) {
			return
		}
		tx, err = f.setStatus(id, set.Status, set.Medium)
	default:
		mockError(w, fmt.Errorf("%w: unknown action %q (pay, fail, cancel, decline, expire, status, mute, hold, release)", errMockInput, action))
		return
	}
	if err != nil {
		mockError(w, err)
		return
	}
	mockJSON(w, http.StatusOK, tx)
}

// holdAnswer is what the hold endpoints answer: whether the transaction's webhooks are held
// back, and the webhooks held (or, for release, released).
type holdAnswer struct {
	TransactionID string     `json:"transaction_id"`
	Holding       bool       `json:"holding"`
	Webhooks      []Delivery `json:"webhooks"`
}

// holding reports whether [Fake.HoldWebhooks] holds back transaction id's webhooks, and
// whether the fake knows the transaction.
func (f *Fake) holding(id string) (holding, known bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	holding = f.queue.HoldingLocked(id)
	_, known = f.sessions.byID[id]
	return holding, known
}

// mockHold answers POST /_mock/transactions/{id}/hold and /release.
func (f *Fake) mockHold(w http.ResponseWriter, r *http.Request, id string, hold bool) {
	if !noInput(w, r) {
		return
	}
	var (
		list []Delivery
		err  error
	)
	if hold {
		if err = f.HoldWebhooks(id); err == nil {
			list = f.HeldWebhooks(id)
		}
	} else {
		list, err = f.ReleaseWebhooks(id)
	}
	if err != nil {
		mockError(w, err)
		return
	}
	mockJSON(w, http.StatusOK, holdAnswer{TransactionID: id, Holding: hold, Webhooks: list})
}

// The bounds of GET /_mock/transactions/{id}/delivery's wait.
const (
	defaultDeliveryWait = 30 * time.Second
	maxDeliveryWait     = 5 * time.Minute
)

// mockWaitForDelivery answers GET /_mock/transactions/{id}/delivery?status=S[&timeout=D]:
// [Fake.WaitForDelivery], waiting at most timeout (default 30s, at most 5m); 504 when it
// ran out, 409 when the webhook can no longer be accepted.
func (f *Fake) mockWaitForDelivery(w http.ResponseWriter, r *http.Request) {
	query, err := checkQuery(r, "status", "timeout")
	if err != nil {
		mockError(w, err)
		return
	}
	wait := defaultDeliveryWait
	if query.Has("timeout") {
		d, err := time.ParseDuration(query.Get("timeout"))
		if err != nil || d <= 0 || d > maxDeliveryWait {
			mockError(w, fmt.Errorf("%w: timeout %q is not a duration in (0s, %s] such as \"10s\"", errMockInput, query.Get("timeout"), maxDeliveryWait))
			return
		}
		wait = d
	}
	f.answerWithin(w, r, wait, func(ctx context.Context) (any, error) {
		return f.WaitForDelivery(ctx, r.PathValue("id"), client.TransactionStatus(query.Get("status")))
	})
}

// answerWithin answers what fn returns, given up to wait (the connection's deadlines
// extended to match): 504 when wait ran out first, the status mockError gives an error.
func (f *Fake) answerWithin(w http.ResponseWriter, r *http.Request, wait time.Duration, fn func(context.Context) (any, error)) {
	f.extendDeadlines(w, wait)
	ctx, cancel := context.WithTimeout(r.Context(), wait)
	defer cancel()
	out, err := fn(ctx)
	switch {
	case err != nil && ctx.Err() != nil:
		mockJSON(w, http.StatusGatewayTimeout, map[string]string{"error": err.Error()})
	case err != nil:
		mockError(w, err)
	default:
		mockJSON(w, http.StatusOK, out)
	}
}

// mockDeliveries answers GET /_mock/deliveries[?transaction_id=ID][&limit=N]: the newest
// limit recorded deliveries (of that transaction), newest last; [] when there are none.
func (f *Fake) mockDeliveries(w http.ResponseWriter, r *http.Request) {
	limit := 0
	query, err := checkQuery(r, "transaction_id", "limit")
	if err == nil {
		limit, err = intParam(query, "limit", defaultDeliveriesLimit, 1, maxDeliveriesLimit)
	}
	if err != nil {
		mockError(w, err)
		return
	}
	id := query.Get("transaction_id")
	if query.Has("transaction_id") && id == "" {
		mockError(w, fmt.Errorf("%w: transaction_id is empty", errMockInput))
		return
	}
	f.mu.Lock()
	list := f.deliveries.list(id, limit)
	f.mu.Unlock()
	mockJSON(w, http.StatusOK, list)
}

// decodeMock reads the whole body (at most maxBodyBytes) before decoding it, so that a
// handler that then holds the request (extendDeadlines) never gives a client still sending
// its body more time. It refuses what the API refuses in a body (anything after the JSON
// value, a repeated key, invalid UTF-8: readers would disagree on them) and a field it does
// not know.
func decodeMock(w http.ResponseWriter, r *http.Request, v any) bool {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err == nil {
		err = jsonscan.Valid(body, jsonscan.Options{Strict: true})
	}
	if err == nil {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		err = dec.Decode(v)
	}
	if err != nil {
		mockError(w, fmt.Errorf("%w: %w", errMockInput, err))
		return false
	}
	return true
}

// noInput reads the body of an endpoint that takes no input and refuses any but none or
// {} (JSON white space aside), as decodeMock refuses what it cannot read: a body meant for
// something else (a webhook posted to /_mock/reset, the hosted page's form) never runs it.
func noInput(w http.ResponseWriter, r *http.Request) bool {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err == nil {
		if rest := strings.Map(dropJSONSpace, string(body)); rest != "" && rest != "{}" {
			err = fmt.Errorf("%s %s takes no body, or {}", r.Method, r.URL.Path)
		}
	}
	if err != nil {
		mockError(w, fmt.Errorf("%w: %w", errMockInput, err))
		return false
	}
	return true
}

// dropJSONSpace drops JSON's white space (strings.Map).
func dropJSONSpace(r rune) rune {
	switch r {
	case ' ', '\t', '\n', '\r':
		return -1
	}
	return r
}

// mockError answers {"error": "..."} with a status that fits the error.
func mockError(w http.ResponseWriter, err error) {
	status := http.StatusBadRequest
	switch {
	case errors.Is(err, ErrUnknownTransaction):
		status = http.StatusNotFound
	case errors.Is(err, ErrFinal), errors.Is(err, ErrWebhookNotAccepted):
		status = http.StatusConflict
	}
	mockJSON(w, status, map[string]string{"error": err.Error()})
}

func mockJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "contracttest: encode", http.StatusInternalServerError)
		return
	}
	writeBytes(w, status, http.Header{"Content-Type": []string{"application/json"}}, body)
}

// checkQuery returns r's query parameters, refusing one not in allowed or given twice.
func checkQuery(r *http.Request, allowed ...string) (url.Values, error) {
	query := r.URL.Query()
	for name, values := range query {
		if !slices.Contains(allowed, name) {
			if len(allowed) == 0 {
				return nil, fmt.Errorf("%w: unknown query parameter %q (none taken)", errMockInput, name)
			}
			return nil, fmt.Errorf("%w: unknown query parameter %q (%s)", errMockInput, name, strings.Join(allowed, ", "))
		}
		if len(values) > 1 {
			return nil, fmt.Errorf("%w: %s given %d times, want it once", errMockInput, name, len(values))
		}
	}
	return query, nil
}

// intParam reads the integer parameter name of query, def when absent, refusing one outside
// lo..hi.
func intParam(query url.Values, name string, def, lo, hi int) (int, error) {
	if !query.Has(name) {
		return def, nil
	}
	n, err := strconv.Atoi(query.Get(name))
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("%w: %s %q is not an integer in %d..%d", errMockInput, name, query.Get(name), lo, hi)
	}
	return n, nil
}

// cursorParam reads the cursor parameter name of query (a seq or a version), 0 when absent.
func cursorParam(query url.Values, name string) (uint64, error) {
	if !query.Has(name) {
		return 0, nil
	}
	n, err := strconv.ParseUint(query.Get(name), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: %s %q is not a non-negative integer", errMockInput, name, query.Get(name))
	}
	return n, nil
}

// deliverQueueWait bounds how long POST /_mock/deliver waits for a webhook worker, beyond
// the attempts themselves.
const deliverQueueWait = 30 * time.Second

// mockDeliver answers POST /_mock/deliver: it sends a delivery case ([Fake.Deliver]) and
// answers the records of its copies once the receiver answered them.
func (f *Fake) mockDeliver(w http.ResponseWriter, r *http.Request) {
	var in struct {
		DeliverRequest
		Timeout string `json:"timeout,omitempty"`
	}
	if !decodeMock(w, r, &in) {
		return
	}
	req := in.DeliverRequest
	if in.Timeout != "" {
		d, err := time.ParseDuration(in.Timeout)
		if err != nil || d <= 0 {
			mockError(w, fmt.Errorf("%w: timeout %q is not a positive duration such as \"2s\"", errMockInput, in.Timeout))
			return
		}
		req.Timeout = d
	}
	wait := max(req.Timeout, f.cfg.webhookTimeout) + deliverQueueWait
	f.answerWithin(w, r, wait, func(ctx context.Context) (any, error) { return f.Deliver(ctx, req) })
}

// behaviourJSON is a [DeliveryBehaviour] as /_mock/webhook-behaviour reads and writes it:
// durations as Go duration text ("50ms").
type behaviourJSON struct {
	Copies     int            `json:"copies"`
	Spacing    string         `json:"spacing"`
	Order      WebhookOrder   `json:"order"`
	OrderDelay string         `json:"order_delay"`
	Hostile    []DeliveryCase `json:"hostile"`
}

func behaviourToJSON(b DeliveryBehaviour) behaviourJSON {
	return behaviourJSON{Copies: b.Copies, Spacing: b.Spacing.String(), Order: b.Order,
		OrderDelay: b.OrderDelay.String(), Hostile: b.Hostile}
}

// mockSetBehaviour answers POST /_mock/webhook-behaviour: it replaces the delivery behaviour
// (an absent field takes its default) and answers the one now in force.
func (f *Fake) mockSetBehaviour(w http.ResponseWriter, r *http.Request) {
	var in behaviourJSON
	if !decodeMock(w, r, &in) {
		return
	}
	b := DeliveryBehaviour{Copies: in.Copies, Order: in.Order, Hostile: in.Hostile}
	for _, d := range []struct {
		name string
		text string
		to   *time.Duration
	}{{"spacing", in.Spacing, &b.Spacing}, {"order_delay", in.OrderDelay, &b.OrderDelay}} {
		if d.text == "" {
			continue
		}
		v, err := time.ParseDuration(d.text)
		if err != nil {
			mockError(w, fmt.Errorf("%w: %s %q is not a duration such as \"50ms\"", errMockInput, d.name, d.text))
			return
		}
		*d.to = v
	}
	if err := f.SetDeliveryBehaviour(b); err != nil {
		mockError(w, err)
		return
	}
	mockJSON(w, http.StatusOK, behaviourToJSON(f.DeliveryBehaviour()))
}
