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
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/internal/contract"
	"github.com/lakipay/checkout-go/internal/webhook"
)

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

// readAnswer reads a receiver's answer body, at most maxReceiverBody bytes, and returns its
// start as text (at most answerLimit bytes, cut at a character boundary, invalid UTF-8
// replaced) and how many bytes it read.
func readAnswer(body io.Reader) (string, int) {
	head := make([]byte, answerLimit+utf8.UTFMax) // whole the character the limit may cut
	n, _ := io.ReadFull(body, head)
	rest, _ := io.Copy(io.Discard, io.LimitReader(body, maxReceiverBody-int64(n)))
	return strings.ToValidUTF8(prefix(string(head[:n]), answerLimit), "\uFFFD"), n + int(rest)
}

// prefix returns the longest start of text of at most n bytes that cuts no character.
func prefix(text string, n int) string {
	if len(text) <= n {
		return text
	}
	for n > 0 && !utf8.RuneStart(text[n]) {
		n--
	}
	return text[:n]
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

// jobHeap orders webhooks waiting for an attempt by when it is due (container/heap).
type jobHeap []*job

func (h jobHeap) Len() int { return len(h) }

func (h jobHeap) Less(i, j int) bool { return h[i].due.Before(h[j].due) }

func (h jobHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }

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
