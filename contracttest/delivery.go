package contracttest

import (
	"bytes"
	"container/heap"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/internal/contract"
	"github.com/lakipay/checkout-go/internal/webhook"
)

// Delivery is one webhook delivery attempt of the fake, or a webhook the fake dropped.
type Delivery struct {
	// TransactionID is the transaction the webhook is about; for [CaseReplayed], the session
	// whose callback received another transaction's webhook (Body says which).
	TransactionID string `json:"transaction_id"`
	// Status is the transaction status the webhook announces (for a tampered body, the
	// status it was tampered to).
	Status client.TransactionStatus `json:"status"`
	// Case says what was sent: [CaseGenuine] for the webhook of a status change, or one of
	// the other [DeliveryCase] values.
	Case DeliveryCase `json:"case"`
	// URL is the callback_url posted to.
	URL string `json:"url"`
	// Body is the JSON sent, byte for byte; for [CaseOversized], the webhook before its
	// padding (Size counts the bytes sent).
	Body json.RawMessage `json:"body"`
	// Size is how many bytes of body were sent.
	Size int `json:"size"`
	// Attempt counts from 1 for each webhook; 0 for a dropped webhook.
	Attempt int `json:"attempt"`
	// HTTPStatus is the receiver's answer (a redirect is not followed: its 3xx is the
	// answer), 0 when there was none.
	HTTPStatus int `json:"http_status"`
	// Closed is set when there was no answer because the receiver closed or reset the
	// connection it had accepted (never for a timeout, nor for a connection refused): how
	// many servers and proxies refuse a body too large.
	Closed bool `json:"closed,omitempty"`
	// Err says why an attempt got no answer, or why a webhook was dropped ("" when it got
	// one).
	Err string `json:"error,omitempty"`
	// Dropped is set for a webhook the fake never sent because [WithWebhookQueue] webhooks
	// were already pending.
	Dropped bool `json:"dropped,omitempty"`
	// Held is set for a webhook the fake holds back ([Fake.HoldWebhooks]): listed by
	// [Fake.HeldWebhooks], never recorded as a delivery until it is sent. Attempt counts the
	// attempts made before it was held.
	Held bool `json:"held,omitempty"`
	// Answer is the start of the receiver's answer body, as text: at most its first 1 KiB,
	// cut at a character boundary, invalid UTF-8 replaced by U+FFFD ("" without an answer).
	Answer string `json:"answer,omitempty"`
	// AnswerSize is how many bytes of the answer body the fake read: more than len(Answer)
	// when it was cut; the fake reads at most 64 KiB of it.
	AnswerSize int `json:"answer_size,omitempty"`
	// Latency is how long the attempt took, from dialling to reading the answer (0 for a
	// dropped webhook); in JSON, in nanoseconds.
	Latency time.Duration `json:"latency_ns,omitempty"`
	// Time is when the attempt started (when the webhook was dropped).
	Time time.Time `json:"time"`
}

// OK reports whether the receiver accepted the delivery (a 2xx answer).
func (d Delivery) OK() bool { return d.HTTPStatus >= 200 && d.HTTPStatus < 300 }

// maxReceiverBody is how much of a receiver's answer an attempt reads (keeping the start of
// it, see readAnswer).
const maxReceiverBody = 64 << 10

// maxReceiverHeaderBytes bounds a receiver's answer headers (net/http's default is 10 MiB
// per attempt, so a receiver streaming headers without end held 10 MiB per worker); beyond
// it the attempt fails, with net/http's "server response headers exceeded 8192 bytes".
const maxReceiverHeaderBytes = 8 << 10

// dispatcher delivers a fake's webhooks: a bounded queue of webhooks due now (ready), a
// fixed pool of workers that make the attempts, and a heap of webhooks waiting for their next
// attempt or their turn, served by one timer. No goroutine waits per pending webhook, and the
// number of pending webhooks (queued, in flight, waiting to be retried or waiting for the
// webhook before them) never exceeds the queue's capacity: ready's buffer holds that many,
// so a send to it never blocks. Every field is guarded by the Fake's mu.
type dispatcher struct {
	client  *http.Client
	ready   chan *job
	quit    chan struct{}
	retries jobHeap
	timer   *time.Timer // runs fireRetries when the earliest retry is due
	pending int
	// pendingOf counts the pending webhooks per transaction (absent: none).
	pendingOf map[string]int
	// held are the webhooks held back per transaction a test holds ([Fake.HoldWebhooks]);
	// heldCount counts them with the webhooks chained after them.
	held      map[string][]*job
	heldCount int
	started   bool
	// behaviour is what [Fake.SetDeliveryBehaviour] set; nil: the configured one.
	behaviour *DeliveryBehaviour
	// last is the latest genuine webhook queued, which a fake-wide [CaseReplayed] replays to
	// the next transaction's receiver.
	last struct {
		id   string
		body []byte
	}
}

// job is one webhook on its way: the record of its latest attempt and when the next is due.
type job struct {
	d        Delivery
	attempts int           // the most tries: the fake's retry setting, or 1 (hostile and Deliver's)
	timeout  time.Duration // bounds each attempt
	pad      int           // CaseOversized: spaces sent after the body's opening brace
	wait     time.Duration // before the attempt after the next one
	// offset is how long after its step starts the first attempt is due: a copy's spacing,
	// a late step's delay.
	offset     time.Duration
	due        time.Time
	generation int
	// then are the webhooks of the next step, started when this one's first attempt ended,
	// so that they reach the receiver after it.
	then []*job
	// done receives the record of the attempt, for [Fake.Deliver] (buffered; nil otherwise).
	done chan Delivery
}

// resetLocked drops every pending webhook; attempts in flight are cancelled by the caller
// (the fake's context) and record nothing. A behaviour set by SetDeliveryBehaviour is
// forgotten.
func (h *dispatcher) resetLocked() {
	h.pending = 0
	h.pendingOf = map[string]int{}
	h.held, h.heldCount = map[string][]*job{}, 0
	h.retries = nil
	h.behaviour = nil
	h.last.id, h.last.body = "", nil
	if h.timer != nil {
		h.timer.Stop()
	}
	for len(h.ready) > 0 { // nil before the first webhook: empty
		<-h.ready
	}
}

// closeLocked stops the timer and the workers (their attempts are cancelled by the caller).
func (h *dispatcher) closeLocked() {
	h.resetLocked()
	if h.started {
		close(h.quit)
	}
}

// startWebhookLocked signs the webhook for s's current status and queues it for delivery,
// with the copies, earlier status and hostile deliveries of the [DeliveryBehaviour]; the
// caller holds f.mu.
func (f *Fake) startWebhookLocked(s *session) {
	if s.req.CallbackURL == "" || s.muted || f.closed {
		return
	}
	body, err := f.webhookBody(s)
	if err != nil {
		f.log.Error("lakipay fake: webhook not sent", "transaction_id", s.id, "error", err)
		return
	}
	f.cov.enum("WebhookEvent.event", string(client.TransactionTypeDEPOSIT))
	genuine := Delivery{TransactionID: s.id, Status: client.TransactionStatus(s.status), Case: CaseGenuine,
		URL: s.req.CallbackURL, Body: body, Size: len(body)}
	steps := f.stepsLocked(s, genuine)
	n := 0
	for _, step := range steps {
		n += len(step)
	}
	if f.hooks.pending+n > f.cfg.webhookQueue {
		genuine.Dropped, genuine.Time = true, f.now().UTC()
		genuine.Err = fmt.Sprintf("dropped: %d webhooks already pending (the webhook queue's limit)", f.hooks.pending)
		f.log.Warn("lakipay fake: webhook dropped", "transaction_id", s.id, "reason", genuine.Err)
		f.recordLocked(genuine)
		return
	}
	f.hooks.last.id, f.hooks.last.body = s.id, body
	for i := 0; i+1 < len(steps); i++ {
		steps[i][0].then = steps[i+1]
	}
	f.queueLocked(steps[0], n)
}

// newJob returns a webhook to deliver d, tried up to attempts times.
func (f *Fake) newJob(d Delivery, attempts int) *job {
	return &job{d: d, attempts: attempts, timeout: f.cfg.webhookTimeout, wait: f.cfg.retryBase, generation: f.generation}
}

// queueLocked starts the webhooks of a first step, reserving n pending webhooks for the step
// and those chained after it; the caller checked the queue's limit and holds f.mu.
func (f *Fake) queueLocked(first []*job, n int) {
	f.startWorkersLocked()
	f.hooks.pending += n
	f.hooks.pendingOf[first[0].d.TransactionID] += n
	f.scheduleLocked(first, time.Now())
}

// endLocked ends a pending webhook of transaction id: accepted, attempts used up.
func (f *Fake) endLocked(id string) {
	f.hooks.pending--
	if f.hooks.pendingOf[id]--; f.hooks.pendingOf[id] <= 0 {
		delete(f.hooks.pendingOf, id)
	}
}

// scheduleLocked makes each of jobs due its offset after now: at once through ready, later
// through the timer heap; a webhook of a transaction held back is held instead.
func (f *Fake) scheduleLocked(jobs []*job, now time.Time) {
	for _, j := range jobs {
		if f.holdLocked(j) {
			continue
		}
		if j.offset <= 0 {
			f.hooks.ready <- j
			continue
		}
		j.due = now.Add(j.offset)
		heap.Push(&f.hooks.retries, j)
		if f.hooks.retries[0] == j {
			f.armTimerLocked(j.due)
		}
	}
}

// startWorkersLocked starts the worker pool and its HTTP client with the first webhook, so a
// fake that sends none costs neither.
func (f *Fake) startWorkersLocked() {
	h := &f.hooks
	if h.started {
		return
	}
	h.started = true
	h.ready = make(chan *job, f.cfg.webhookQueue)
	h.quit = make(chan struct{})
	workers := f.cfg.webhookWorkers
	h.client = &http.Client{
		Transport: &http.Transport{
			Proxy:               http.ProxyFromEnvironment,
			DialContext:         (&net.Dialer{KeepAlive: 30 * time.Second}).DialContext,
			ForceAttemptHTTP2:   true,
			MaxIdleConns:        workers,
			MaxIdleConnsPerHost: workers,
			MaxConnsPerHost:     workers,
			IdleConnTimeout:     30 * time.Second,
			// A few KiB is plenty for an answer to a webhook.
			MaxResponseHeaderBytes: maxReceiverHeaderBytes,
		},
		// A redirect is the receiver's answer, never followed: following it would record the
		// target's status (a GET without the body after a 302) or post the webhook elsewhere.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	for range workers {
		f.wg.Add(1)
		go f.worker(h.ready, h.quit)
	}
}

// worker makes attempts until the fake is closed.
func (f *Fake) worker(ready <-chan *job, quit <-chan struct{}) {
	defer f.wg.Done()
	for {
		select {
		case <-quit:
			return
		case j := <-ready:
			f.attempt(j)
		}
	}
}

// attempt posts j's webhook once, records the attempt, starts the next step after a first
// attempt, and schedules j's next attempt, or ends the webhook when the receiver accepted it
// or its attempts are used up.
func (f *Fake) attempt(j *job) {
	f.mu.Lock()
	if j.generation != f.generation || f.closed || f.holdLocked(j) {
		f.mu.Unlock()
		return
	}
	ctx := f.ctx
	f.mu.Unlock()

	j.d.Attempt++
	j.d.Time = f.now().UTC()
	j.d.Answer, j.d.AnswerSize, j.d.Closed = "", 0, false // post sets them for this attempt
	start := time.Now()
	j.d.HTTPStatus, j.d.Err = f.post(ctx, j)
	j.d.Latency = time.Since(start)
	if ctx.Err() != nil {
		return // reset or closed: the attempt was cut, not made
	}
	f.log.Info("lakipay fake: webhook attempt", "transaction_id", j.d.TransactionID, "case", j.d.Case,
		"attempt", j.d.Attempt, "http_status", j.d.HTTPStatus, "error", j.d.Err)

	f.mu.Lock()
	defer f.mu.Unlock()
	if j.generation != f.generation || f.closed {
		return
	}
	f.recordLocked(j.d)
	f.cov.status("receivePaymentWebhook", j.d.HTTPStatus)
	if j.done != nil {
		j.done <- j.d
	}
	if j.then != nil {
		f.scheduleLocked(j.then, time.Now())
		j.then = nil
	}
	if j.d.OK() || j.d.Attempt >= j.attempts {
		f.endLocked(j.d.TransactionID)
		return
	}
	j.offset = j.wait
	j.wait = min(j.wait*2, maxRetryWait)
	f.scheduleLocked([]*job{j}, time.Now())
}

// armTimerLocked makes fireRetries run at due.
func (f *Fake) armTimerLocked(due time.Time) {
	if f.hooks.timer == nil {
		f.hooks.timer = time.AfterFunc(time.Until(due), f.fireRetries)
		return
	}
	f.hooks.timer.Reset(time.Until(due))
}

// fireRetries hands every webhook that is due to the workers and re-arms the timer for the
// next one.
func (f *Fake) fireRetries() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return
	}
	now := time.Now()
	h := &f.hooks
	for len(h.retries) > 0 && !h.retries[0].due.After(now) {
		h.ready <- heap.Pop(&h.retries).(*job)
	}
	if len(h.retries) > 0 {
		f.armTimerLocked(h.retries[0].due)
	}
}

// recordLocked keeps d in the delivery log and its session's history, and wakes the
// waiters; the caller holds f.mu.
func (f *Fake) recordLocked(d Delivery) {
	f.deliveries.add(d)
	f.noteDeliveryLocked(d)
	f.notifyLocked()
}

// eventOf is the webhook event for s's current status.
func eventOf(s *session) client.WebhookEvent {
	return client.WebhookEvent{
		Event:         client.TransactionTypeDEPOSIT,
		TransactionID: s.id,
		Reference:     s.req.Reference,
		Amount:        s.req.Amount,
		Currency:      s.req.Currency,
		Status:        s.status,
		Medium:        s.medium,
		Timestamp:     s.updated.Truncate(time.Second),
	}
}

// webhookBody returns the signed webhook JSON for s's current status.
func (f *Fake) webhookBody(s *session) ([]byte, error) { return f.signGenuine(eventOf(s), s.scripted) }

// signGenuine signs event with the fake's key and checks it against the spec: a webhook the
// fake sends as LakiPay would, which may carry the values of sc on purpose.
func (f *Fake) signGenuine(event client.WebhookEvent, sc scripted) ([]byte, error) {
	raw, err := json.Marshal(event)
	if err != nil {
		return nil, err
	}
	key, err := f.signingKey()
	if err != nil {
		return nil, err
	}
	signed, err := webhook.Sign(raw, key)
	if err != nil {
		return nil, err
	}
	for _, v := range contract.ValidateWebhook(signed, contract.Options{Strict: true}) {
		if sc.deliberate(v) {
			continue
		}
		f.log.Error("lakipay fake: webhook breaks the contract", "violation", contract.Format(v))
		f.cfg.onViolation(Violation(v))
	}
	return signed, nil
}

// post sends one attempt, bounded as a whole (dial, request, answer's headers, at most
// 8 KiB, and up to 64 KiB of its body) by the job's timeout, and returns the receiver's
// status, or why there was none; it keeps the start of the answer's body in j.d, and notes
// there an accepted connection that the receiver closed without an answer.
func (f *Fake) post(parent context.Context, j *job) (int, string) {
	ctx, cancel := context.WithTimeout(parent, j.timeout)
	defer cancel()
	var connected atomic.Bool
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{GotConn: func(httptrace.GotConnInfo) { connected.Store(true) }})
	var body io.Reader = bytes.NewReader(j.d.Body)
	if j.pad > 0 && len(j.d.Body) > 0 {
		body = io.MultiReader(bytes.NewReader(j.d.Body[:1]), io.LimitReader(spaces{}, int64(j.pad)), bytes.NewReader(j.d.Body[1:]))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, j.d.URL, body)
	if err != nil {
		return 0, err.Error()
	}
	req.ContentLength = int64(j.d.Size)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "lakipay-fake (contracttest)")
	req.Header.Set(webhookMarker, "1") // refused by the fake's own /_mock/ endpoints
	resp, err := f.hooks.client.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) && parent.Err() == nil {
			return 0, fmt.Sprintf("no answer within %s (the webhook timeout)", j.timeout)
		}
		j.d.Closed = connected.Load() && ctx.Err() == nil
		return 0, err.Error()
	}
	defer func() { _ = resp.Body.Close() }()
	j.d.Answer, j.d.AnswerSize = readAnswer(resp.Body)
	return resp.StatusCode, ""
}

// spaces reads as an endless run of spaces: the padding of an oversized body, never held in
// memory.
type spaces struct{}

func (spaces) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

// DeliverRequest says what [Fake.Deliver] sends, and where.
type DeliverRequest struct {
	// TransactionID is the session the delivery is about (required).
	TransactionID string `json:"transaction_id"`
	// Case is what to send (required; see [DeliveryCase]).
	Case DeliveryCase `json:"case"`
	// ReplayOf is, for [CaseReplayed] and [CaseTamperedTransaction] only, the transaction
	// whose genuine webhook is sent, as it is or tampered (required there; it must be final
	// and not TransactionID).
	ReplayOf string `json:"replay_of,omitempty"`
	// URL is where to POST: an absolute http or https URL; "" sends to the session's
	// callback_url (required when it has none).
	URL string `json:"url,omitempty"`
	// Copies is how many times to send it, all at once (0 means 1; at most 10).
	Copies int `json:"copies,omitempty"`
	// Timeout bounds each attempt (0: the fake's [WithWebhookTimeout]; at most 2m).
	Timeout time.Duration `json:"-"`
}

// maxCopies bounds the copies of one webhook, in a [DeliverRequest] and a [DeliveryBehaviour].
const maxCopies = 10

// Deliver sends one delivery of req.Case about session req.TransactionID to its
// callback_url (or req.URL), through the fake's webhook queue like any webhook, and waits
// until every copy was answered or gave up. Each copy is tried once, never retried, so the
// answer returned is the receiver's verdict on exactly that body. Every copy is recorded in
// [Fake.Deliveries] and returned in the same form, in the order sent; when the queue has no
// room the copies come back with Dropped set, unsent.
//
// It returns an error wrapping [ErrUnknownTransaction] for an unknown session (or
// ReplayOf), [ErrScript] for a request it cannot carry out (a case that needs a final
// transaction on one that is not, no URL to send to, a value out of range), and ctx's error
// when ctx ends first (the copies still go). It also ends when the fake is reset or closed.
func (f *Fake) Deliver(ctx context.Context, req DeliverRequest) ([]Delivery, error) {
	if err := req.check(f.cfg.webhookTimeout); err != nil {
		return nil, err
	}
	if req.Copies == 0 {
		req.Copies = 1
	}
	if req.Timeout == 0 {
		req.Timeout = f.cfg.webhookTimeout
	}
	// The keys are made before f.mu is taken, so that a delivery never holds the fake up for
	// an RSA key generation (seconds); signing each copy (about 1 ms) happens under it.
	if _, err := f.signingKey(); err != nil {
		return nil, err
	}
	if req.Case == CaseForgedSignature {
		if _, err := forgerKey(); err != nil {
			return nil, err
		}
	}
	f.mu.Lock()
	jobs, err := f.deliveryJobsLocked(req)
	if err != nil {
		f.mu.Unlock()
		return nil, err
	}
	if f.hooks.pending+len(jobs) > f.cfg.webhookQueue {
		out := make([]Delivery, len(jobs))
		for i, j := range jobs {
			j.d.Dropped, j.d.Time = true, f.now().UTC()
			j.d.Err = fmt.Sprintf("dropped: %d webhooks already pending (the webhook queue's limit)", f.hooks.pending)
			f.recordLocked(j.d)
			out[i] = j.d
		}
		f.mu.Unlock()
		return out, nil
	}
	f.queueLocked(jobs, len(jobs))
	fakeCtx := f.ctx
	f.mu.Unlock()

	out := make([]Delivery, 0, len(jobs))
	for _, j := range jobs {
		select {
		case d := <-j.done:
			out = append(out, d)
		case <-ctx.Done():
			return out, fmt.Errorf("contracttest: waiting for the receiver's answer: %w", ctx.Err())
		case <-fakeCtx.Done():
			return out, errors.New("contracttest: the fake was reset or closed before the receiver answered")
		}
	}
	return out, nil
}

// check refuses a request Deliver cannot carry out, before anything is looked up.
func (req DeliverRequest) check(defaultTimeout time.Duration) error {
	if req.TransactionID == "" {
		return fmt.Errorf("%w: transaction_id is required", ErrScript)
	}
	if !req.Case.valid() {
		return fmt.Errorf("%w: case %q is not one of %s", ErrScript, req.Case, caseList())
	}
	if (req.ReplayOf != "") != req.Case.usesOther() {
		return fmt.Errorf("%w: replay_of names the transaction whose webhook is sent, for cases %q and %q only (and is required there)", ErrScript, CaseReplayed, CaseTamperedTransaction)
	}
	if req.ReplayOf != "" && req.ReplayOf == req.TransactionID {
		return fmt.Errorf("%w: replay_of must be another transaction than transaction_id", ErrScript)
	}
	if req.Copies < 0 || req.Copies > maxCopies {
		return fmt.Errorf("%w: copies %d not in 1..%d", ErrScript, req.Copies, maxCopies)
	}
	if req.Timeout < 0 || req.Timeout > maxWebhookTimeout {
		return fmt.Errorf("%w: timeout %s not in (0s, %s] (0 for the fake's %s)", ErrScript, req.Timeout, maxWebhookTimeout, defaultTimeout)
	}
	if req.URL != "" {
		u, err := url.Parse(req.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("%w: url %q is not an absolute http or https URL", ErrScript, req.URL)
		}
	}
	return nil
}

// deliveryJobsLocked builds the copies of req, each tried once and reporting to its done
// channel; the caller holds f.mu.
func (f *Fake) deliveryJobsLocked(req DeliverRequest) ([]*job, error) {
	if f.closed {
		return nil, errors.New("contracttest: the fake is closed")
	}
	s, ok := f.sessions.byID[req.TransactionID]
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownTransaction, req.TransactionID)
	}
	target := req.URL
	if target == "" {
		if s.req.CallbackURL == "" {
			return nil, fmt.Errorf("%w: transaction %s has no callback_url: give the url to send to", ErrScript, s.id)
		}
		target = s.req.CallbackURL
	}
	var other *session
	if req.Case.usesOther() {
		if other, ok = f.sessions.byID[req.ReplayOf]; !ok {
			return nil, fmt.Errorf("%w %q (replay_of)", ErrUnknownTransaction, req.ReplayOf)
		}
	}
	d, pad, err := f.caseDeliveryLocked(s, req.Case, other)
	if err != nil {
		return nil, err
	}
	d.URL = target
	jobs := make([]*job, req.Copies)
	for i := range jobs {
		copied := d
		if i > 0 && d.Case == CaseGenuine {
			copied.Case = CaseDuplicate
		}
		j := f.newJob(copied, 1)
		j.timeout, j.pad, j.done = req.Timeout, pad, make(chan Delivery, 1)
		jobs[i] = j
	}
	return jobs, nil
}

// jobHeap orders webhooks waiting for an attempt by when it is due (container/heap).
type jobHeap []*job

func (h jobHeap) Len() int           { return len(h) }
func (h jobHeap) Less(i, j int) bool { return h[i].due.Before(h[j].due) }
func (h jobHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }

// Push adds x, a *job.
func (h *jobHeap) Push(x any) { *h = append(*h, x.(*job)) }

// Pop removes and returns the last job.
func (h *jobHeap) Pop() any {
	old := *h
	j := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return j
}

// deliveryLog keeps the last max deliveries in a ring, and counts every one recorded.
type deliveryLog struct {
	buf   []Delivery
	start int // index of the oldest record once buf is full
	max   int
	total int
}

func newDeliveryLog(maxDeliveries int) *deliveryLog { return &deliveryLog{max: maxDeliveries} }

func (l *deliveryLog) add(d Delivery) {
	l.total++
	if len(l.buf) < l.max {
		l.buf = append(l.buf, d)
		return
	}
	l.buf[l.start] = d
	l.start = (l.start + 1) % l.max
}

// list returns the newest limit records about transactionID ("" for every transaction),
// oldest first; never nil.
func (l *deliveryLog) list(transactionID string, limit int) []Delivery {
	out := make([]Delivery, 0, min(limit, len(l.buf)))
	for i := len(l.buf) - 1; i >= 0 && len(out) < limit; i-- {
		d := l.buf[(l.start+i)%len(l.buf)]
		if transactionID == "" || d.TransactionID == transactionID {
			out = append(out, d)
		}
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}
