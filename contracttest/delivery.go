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
	"time"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/gen"
	"github.com/lakipay/checkout-go/internal/contract"
	"github.com/lakipay/checkout-go/internal/webhook"
)

// Delivery is one webhook delivery attempt of the fake, or a webhook the fake dropped.
type Delivery struct {
	// TransactionID is the transaction the webhook is about.
	TransactionID string `json:"transaction_id"`
	// Status is the transaction status the webhook announces.
	Status client.TransactionStatus `json:"status"`
	// URL is the callback_url posted to.
	URL string `json:"url"`
	// Body is the signed JSON sent, byte for byte.
	Body json.RawMessage `json:"body"`
	// Attempt counts from 1 for each webhook; 0 for a dropped webhook.
	Attempt int `json:"attempt"`
	// HTTPStatus is the receiver's answer (a redirect is not followed: its 3xx is the
	// answer), 0 when there was none.
	HTTPStatus int `json:"http_status"`
	// Err says why an attempt got no answer, or why a webhook was dropped ("" when it got
	// one).
	Err string `json:"error,omitempty"`
	// Dropped is set for a webhook the fake never sent because [WithWebhookQueue] webhooks
	// were already pending.
	Dropped bool `json:"dropped,omitempty"`
	// Time is when the attempt started (when the webhook was dropped).
	Time time.Time `json:"time"`
}

// OK reports whether the receiver accepted the delivery (a 2xx answer).
func (d Delivery) OK() bool { return d.HTTPStatus >= 200 && d.HTTPStatus < 300 }

// maxReceiverBody is how much of a receiver's answer an attempt reads (and throws away).
const maxReceiverBody = 64 << 10

// dispatcher delivers a fake's webhooks: a bounded queue of webhooks due now (ready), a
// fixed pool of workers that make the attempts, and a heap of webhooks waiting for their next
// attempt, served by one timer. No goroutine waits per pending webhook, and the number of
// pending webhooks (queued, in flight or waiting to be retried) never exceeds the queue's
// capacity: ready's buffer holds that many, so a send to it never blocks. Every field is
// guarded by the Fake's mu.
type dispatcher struct {
	client  *http.Client
	ready   chan *job
	quit    chan struct{}
	retries jobHeap
	timer   *time.Timer // runs fireRetries when the earliest retry is due
	pending int
	started bool
}

// job is one webhook on its way: the record of its latest attempt and when the next is due.
type job struct {
	d          Delivery
	wait       time.Duration // before the attempt after the next one
	due        time.Time
	generation int
}

// resetLocked drops every pending webhook; attempts in flight are cancelled by the caller
// (the fake's context) and record nothing.
func (h *dispatcher) resetLocked() {
	h.pending = 0
	h.retries = nil
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

// startWebhookLocked signs the webhook for s's current status and queues it for delivery;
// the caller holds f.mu.
func (f *Fake) startWebhookLocked(s *session) {
	if s.req.CallbackURL == nil || f.closed {
		return
	}
	body, err := f.webhookBody(s)
	if err != nil {
		f.log.Error("lakipay fake: webhook not sent", "transaction_id", s.id, "error", err)
		return
	}
	f.cov.enum("WebhookEvent.event", string(gen.WebhookEventEventDEPOSIT))
	d := Delivery{TransactionID: s.id, Status: client.TransactionStatus(s.status), URL: *s.req.CallbackURL, Body: body}
	if f.hooks.pending >= f.cfg.webhookQueue {
		d.Dropped, d.Time = true, f.now().UTC()
		d.Err = fmt.Sprintf("dropped: %d webhooks already pending (the webhook queue's limit)", f.hooks.pending)
		f.log.Warn("lakipay fake: webhook dropped", "transaction_id", s.id, "reason", d.Err)
		f.recordLocked(d)
		return
	}
	f.startWorkersLocked()
	f.hooks.pending++
	f.hooks.ready <- &job{d: d, wait: f.cfg.retryBase, generation: f.generation}
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

// attempt posts j's webhook once, records the attempt and schedules the next one, or ends
// the webhook when the receiver accepted it or the attempts are used up.
func (f *Fake) attempt(j *job) {
	f.mu.Lock()
	if j.generation != f.generation || f.closed {
		f.mu.Unlock()
		return
	}
	ctx := f.ctx
	f.mu.Unlock()

	j.d.Attempt++
	j.d.Time = f.now().UTC()
	j.d.HTTPStatus, j.d.Err = f.post(ctx, j.d.URL, j.d.Body)
	if ctx.Err() != nil {
		return // reset or closed: the attempt was cut, not made
	}
	f.log.Info("lakipay fake: webhook attempt", "transaction_id", j.d.TransactionID, "attempt", j.d.Attempt,
		"http_status", j.d.HTTPStatus, "error", j.d.Err)

	f.mu.Lock()
	defer f.mu.Unlock()
	if j.generation != f.generation || f.closed {
		return
	}
	f.recordLocked(j.d)
	f.cov.status("receivePaymentWebhook", j.d.HTTPStatus)
	if j.d.OK() || j.d.Attempt >= f.cfg.attempts {
		f.hooks.pending--
		return
	}
	j.due = time.Now().Add(j.wait)
	j.wait = min(j.wait*2, maxRetryWait)
	heap.Push(&f.hooks.retries, j)
	if f.hooks.retries[0] == j {
		f.armTimerLocked(j.due)
	}
}

// armTimerLocked makes fireRetries run at due.
func (f *Fake) armTimerLocked(due time.Time) {
	if f.hooks.timer == nil {
		f.hooks.timer = time.AfterFunc(time.Until(due), f.fireRetries)
		return
	}
	f.hooks.timer.Reset(time.Until(due))
}

// fireRetries hands every retry that is due to the workers and re-arms the timer for the
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

// recordLocked keeps d in the delivery log and wakes the waiters; the caller holds f.mu.
func (f *Fake) recordLocked(d Delivery) {
	f.deliveries.add(d)
	f.notifyLocked()
}

// webhookBody returns the signed webhook JSON for s and checks it against the spec.
func (f *Fake) webhookBody(s *session) ([]byte, error) {
	event := gen.WebhookEvent{
		Event:         gen.WebhookEventEventDEPOSIT,
		TransactionID: s.id,
		Reference:     s.req.Reference,
		Amount:        s.req.Amount,
		Currency:      s.req.Currency,
		Status:        s.status,
		Medium:        s.medium,
		Timestamp:     s.updated.Truncate(time.Second),
	}
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
		f.log.Error("lakipay fake: webhook breaks the contract", "violation", v.String())
		f.cfg.onViolation(Violation(v))
	}
	return signed, nil
}

// post sends one attempt, bounded as a whole (dial, request, answer's headers and up to
// 64 KiB of its body) by the webhook timeout, and returns the receiver's status, or why there
// was none.
func (f *Fake) post(parent context.Context, url string, body []byte) (int, string) {
	ctx, cancel := context.WithTimeout(parent, f.cfg.webhookTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err.Error()
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "lakipay-fake (contracttest)")
	resp, err := f.hooks.client.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) && parent.Err() == nil {
			return 0, fmt.Sprintf("no answer within %s (the webhook timeout)", f.cfg.webhookTimeout)
		}
		return 0, err.Error()
	}
	defer func() { _ = resp.Body.Close() }()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxReceiverBody))
	return resp.StatusCode, ""
}

// jobHeap orders pending retries by when they are due (container/heap).
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
