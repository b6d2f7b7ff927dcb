package contracttest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/internal/fake/webhooks"
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

// attempted records in d what attempt a got.
func (d *Delivery) attempted(a webhooks.Attempt) {
	d.Attempt, d.Time, d.Latency = a.N, a.Time, a.Latency
	d.HTTPStatus, d.Err, d.Closed, d.Answer, d.AnswerSize = a.Status, a.Err, a.Closed, a.Answer, a.AnswerSize
}

// recordLocked keeps d in the delivery log and its session's history, and wakes the
// waiters; the caller holds f.mu.
func (f *Fake) recordLocked(d Delivery) {
	f.deliveries.add(d)
	f.noteDeliveryLocked(d)
	f.notifyLocked()
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

// Deliveries returns the recorded webhook deliveries, oldest first: every attempt and every
// dropped webhook, at most the last [WithMaxDeliveries] of them. It is never nil.
func (f *Fake) Deliveries() []Delivery {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.deliveries.list("", f.cfg.maxDeliveries)
}

// WaitForDeliveries waits until at least n webhook deliveries (attempts that ended, and
// dropped webhooks) have been recorded since the fake started or was last reset, and returns
// the recorded ones as [Fake.Deliveries] does; it returns ctx's error (and the deliveries so
// far) when ctx ends first.
func (f *Fake) WaitForDeliveries(ctx context.Context, n int) ([]Delivery, error) {
	for {
		f.mu.Lock()
		if f.deliveries.total >= n {
			out := f.deliveries.list("", f.cfg.maxDeliveries)
			f.mu.Unlock()
			return out, nil
		}
		changed := f.changed
		f.mu.Unlock()
		select {
		case <-ctx.Done():
			return f.Deliveries(), fmt.Errorf("contracttest: waiting for %d webhook deliveries: %w", n, ctx.Err())
		case <-changed:
		}
	}
}

// WaitIdle waits until no webhook delivery is pending (every one succeeded, used up its
// attempts or was dropped) but those [Fake.HoldWebhooks] holds back, or ctx ends.
func (f *Fake) WaitIdle(ctx context.Context) error {
	for {
		f.mu.Lock()
		if f.queue.PendingLocked() == f.queue.HeldCountLocked() {
			f.mu.Unlock()
			return nil
		}
		changed := f.changed
		f.mu.Unlock()
		select {
		case <-ctx.Done():
			return fmt.Errorf("contracttest: waiting for pending webhooks: %w", ctx.Err())
		case <-changed:
		}
	}
}

// ErrWebhookNotAccepted reports that fewer webhooks than awaited were accepted and none is
// pending any more: the rest can no longer arrive (their receiver refused every attempt, was
// unreachable, or they were dropped).
var ErrWebhookNotAccepted = errors.New("contracttest: webhooks not accepted")

// WaitForSuccessfulDeliveries waits until receivers have accepted (answered 2xx) at least n
// webhooks since the fake started or was last reset, and returns those accepted deliveries,
// oldest first. Unlike [Fake.WaitForDeliveries], which counts attempts, a refused attempt
// and its retries do not count here: this is what a test waits for before it checks that
// the merchant settled the order.
//
// Call it after the status changes whose webhooks you await (a payment on the page, or
// [Fake.Pay]): it fails fast, with an error wrapping [ErrWebhookNotAccepted] that describes
// the last refused attempt ("HTTP 400", "connection refused"), as soon as fewer than n were
// accepted and no webhook is pending. It returns ctx's error when ctx ends first. Only the
// deliveries the fake keeps ([WithMaxDeliveries]) are counted.
func (f *Fake) WaitForSuccessfulDeliveries(ctx context.Context, n int) ([]Delivery, error) {
	for {
		f.mu.Lock()
		all := f.deliveries.list("", f.cfg.maxDeliveries)
		pending, changed := f.queue.PendingLocked(), f.changed
		f.mu.Unlock()
		accepted := make([]Delivery, 0, len(all))
		var refused *Delivery
		for i, d := range all {
			if d.OK() {
				accepted = append(accepted, d)
			} else {
				refused = &all[i]
			}
		}
		switch {
		case len(accepted) >= n:
			return accepted, nil
		case pending == 0:
			why := "no webhook was sent (does the checkout have a callback_url?)"
			if refused != nil {
				why = "the last refused: " + describeDelivery(*refused)
			}
			return accepted, fmt.Errorf("%w: %d of %d accepted and none pending; %s", ErrWebhookNotAccepted, len(accepted), n, why)
		}
		select {
		case <-ctx.Done():
			return accepted, fmt.Errorf("contracttest: waiting for %d accepted webhooks (%d so far): %w", n, len(accepted), ctx.Err())
		case <-changed:
		}
	}
}

// describeDelivery says in a few words what became of a delivery that was not accepted.
func describeDelivery(d Delivery) string {
	what := fmt.Sprintf("%s %s to %s", d.TransactionID, d.Status, d.URL)
	switch {
	case d.Dropped:
		return what + " was dropped: " + d.Err
	case d.HTTPStatus != 0 && d.Answer != "":
		answer := webhooks.Excerpt(d.Answer, maxAnswerShown)
		if answer != d.Answer {
			answer += "..."
		}
		return fmt.Sprintf("%s, attempt %d: HTTP %d, answered %q", what, d.Attempt, d.HTTPStatus, answer)
	case d.HTTPStatus != 0:
		return fmt.Sprintf("%s, attempt %d: HTTP %d", what, d.Attempt, d.HTTPStatus)
	default:
		return fmt.Sprintf("%s, attempt %d: %s", what, d.Attempt, d.Err)
	}
}

// maxAnswerShown bounds how much of a receiver's answer an error message quotes.
const maxAnswerShown = 200

// WaitForDelivery waits until a receiver accepted (answered 2xx) a genuinely signed webhook
// of transaction id announcing status (the genuine webhook of a status change, a copy of it,
// or an earlier status of [OrderStaleAfterFinal]; never a hostile body, nor another
// transaction's webhook replayed to it), and returns the first such delivery. Refused
// attempts before it do not count, nor do the webhooks of other transactions or statuses:
// this is what a test waits for before checking that the merchant settled one order.
//
// It may be called before the status change (a shopper paying in another goroutine, a session
// left to expire): it waits while the session is INITIATED with a callback_url, since a
// webhook is still to come (a payment, a cancel, or its expiry). Otherwise it fails fast,
// with an error wrapping [ErrWebhookNotAccepted] that describes the transaction's last
// refused attempt, once none of its webhooks is pending; a webhook held back
// ([Fake.HoldWebhooks]) is pending until released. An id the fake does not know and never
// delivered for is an error wrapping [ErrUnknownTransaction]; status "" one wrapping
// [ErrScript]. It returns ctx's error when ctx ends first. Only the deliveries the fake keeps
// ([WithMaxDeliveries]) are searched.
func (f *Fake) WaitForDelivery(ctx context.Context, id string, status client.TransactionStatus) (Delivery, error) {
	if status == "" {
		return Delivery{}, fmt.Errorf("%w: a status to wait for is required", ErrScript)
	}
	for {
		f.mu.Lock()
		list := f.deliveries.list(id, f.cfg.maxDeliveries)
		pending, held := f.queue.PendingOfLocked(id), len(f.queue.HeldLocked(id))
		s, known := f.sessions.byID[id]
		toCome := known && s.status == client.TransactionStatusINITIATED && s.req.CallbackURL != ""
		changed := f.changed
		f.mu.Unlock()
		var refused *Delivery
		for i, d := range list {
			switch {
			case d.Status != status || d.Case.Hostile() || d.Case == CaseReplayed:
			case d.OK():
				return d, nil
			default:
				refused = &list[i]
			}
		}
		if pending == 0 && !toCome {
			if !known && len(list) == 0 {
				return Delivery{}, fmt.Errorf("%w %q", ErrUnknownTransaction, id)
			}
			why := fmt.Sprintf("no webhook of %s announced %s (does its checkout have a callback_url? did its status change?)", id, status)
			if refused != nil {
				why = "the last refused: " + describeDelivery(*refused)
			}
			return Delivery{}, fmt.Errorf("%w: none of %s's %s webhooks was accepted and none is pending; %s", ErrWebhookNotAccepted, id, status, why)
		}
		select {
		case <-ctx.Done():
			still := ""
			if toCome {
				still = "; the session is still INITIATED"
			}
			return Delivery{}, fmt.Errorf("contracttest: waiting for %s's %s webhook to be accepted (%d pending, %d of them held back%s): %w",
				id, status, pending, held, still, ctx.Err())
		case <-changed:
		}
	}
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
		if _, err := webhooks.ForgerKey(); err != nil {
			return nil, err
		}
	}
	f.mu.Lock()
	jobs, err := f.deliveryJobsLocked(req)
	if err != nil {
		f.mu.Unlock()
		return nil, err
	}
	if f.queue.FullLocked(len(jobs)) {
		out := make([]Delivery, len(jobs))
		for i, j := range jobs {
			j.Record.Dropped, j.Record.Time = true, f.now().UTC()
			j.Record.Err = fmt.Sprintf("dropped: %d webhooks already pending (the webhook queue's limit)", f.queue.PendingLocked())
			f.recordLocked(j.Record)
			out[i] = j.Record
		}
		f.mu.Unlock()
		return out, nil
	}
	f.queue.QueueLocked(jobs, len(jobs))
	fakeCtx := f.ctx
	f.mu.Unlock()

	out := make([]Delivery, 0, len(jobs))
	for _, j := range jobs {
		select {
		case d := <-j.Done:
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
func (f *Fake) deliveryJobsLocked(req DeliverRequest) ([]*webhooks.Job[Delivery], error) {
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
	jobs := make([]*webhooks.Job[Delivery], req.Copies)
	for i := range jobs {
		copied := d
		if i > 0 && d.Case == CaseGenuine {
			copied.Case = CaseDuplicate
		}
		j := f.jobLocked(copied, pad, 1)
		j.Timeout, j.Done = req.Timeout, make(chan Delivery, 1)
		jobs[i] = j
	}
	return jobs, nil
}
