// Package webhooks is how the fake LakiPay delivers a webhook: it signs the body (sign.go),
// makes the hostile bodies an attacker posts (cases.go), queues webhooks in a bounded queue
// served by a fixed pool of workers (queue.go), sends each attempt (send.go), retries a
// failed one after a backoff from a timer heap (retry.go), and holds a transaction's
// webhooks back on demand (hold.go). What a webhook announces and what the fake records of
// it are the fake's: a queue carries the fake's record of each webhook untouched and hands
// it back with what each attempt got.
package webhooks

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// Config bounds a [Queue].
type Config struct {
	// Workers is how many attempts run at once, and so how many connections to receivers
	// are open (at most one in flight and one idle per worker).
	Workers int
	// Capacity is how many webhooks may be pending at once: queued, in flight, waiting for a
	// retry or for the webhook before them, or held.
	Capacity int
	// Timeout bounds one attempt as a whole, unless its [Job] says otherwise.
	Timeout time.Duration
	// RetryBase is the wait before a webhook's second attempt, doubled before each next one
	// (at most 30s).
	RetryBase time.Duration
}

// Hooks are how a [Queue] tells its fake what happened.
type Hooks[T any] struct {
	// Now is the fake's clock, for an attempt's time.
	Now func() time.Time
	// Tried is called when an attempt ended, before the lock is taken again (the fake logs
	// it), unless the attempt was cut by a reset or close.
	Tried func(j *Job[T], a Attempt)
	// Record is called, with the lock held, for an attempt that counts: the fake records it
	// in j.Record, which [Job.Done] then receives.
	Record func(j *Job[T], a Attempt)
	// Changed is called, with the lock held, when webhooks were held or released, so that
	// the fake wakes whoever waits for them.
	Changed func()
}

// Job is one webhook on its way.
type Job[T any] struct {
	// Record is the fake's record of the webhook (what it announces, its case), kept with it
	// and handed back after each attempt; the queue never reads it.
	Record T
	// Key is the transaction the webhook is about: holds and pending counts go by it.
	Key string
	// URL is where it is posted; Body what is posted, after Pad spaces following its opening
	// brace (an oversized body, never held in memory).
	URL  string
	Body []byte
	Pad  int
	// Attempts is the most tries: the fake's retry setting, or 1 (hostile deliveries and
	// those sent on demand).
	Attempts int
	// Timeout bounds each attempt.
	Timeout time.Duration
	// Offset is how long after its step starts the first attempt is due: a copy's spacing,
	// a late step's delay.
	Offset time.Duration
	// Then are the webhooks of the next step, started when this one's first attempt ended,
	// so that they reach the receiver after it.
	Then []*Job[T]
	// Done, when not nil, receives the record after the attempt (buffered: a delivery sent on
	// demand, which waits for its answer). Such a webhook is never held.
	Done chan T

	tries      int           // attempts made
	wait       time.Duration // before the attempt after the next one
	due        time.Time
	generation int
}

// Queue delivers webhooks: a bounded channel of webhooks due now, a fixed pool of workers
// that make the attempts, and a heap of webhooks waiting for their next attempt or their
// turn, served by one timer. No goroutine waits per pending webhook, and the pending webhooks
// never exceed the capacity: the channel's buffer holds that many, so a send to it never
// blocks. A Queue's state is part of its fake's: every method whose name ends in Locked
// needs the fake's lock, given to [New], held; the workers and the timer take it themselves.
type Queue[T any] struct {
	mu    sync.Locker
	cfg   Config
	hooks Hooks[T]

	ctx        context.Context // the attempts': a reset or close cancels it
	generation int             // bumped by a reset: webhooks of an older one are dropped
	closed     bool

	started bool
	client  *http.Client
	ready   chan *Job[T]
	quit    chan struct{}
	wg      sync.WaitGroup

	retries jobHeap[T]
	timer   *time.Timer // runs fireRetries when the earliest retry is due
	pending int
	// pendingOf counts the pending webhooks per key (absent: none).
	pendingOf map[string]int
	// held are the webhooks held back per key ([Queue.HoldLocked]); heldCount counts them
	// with the webhooks chained after them.
	held      map[string][]*Job[T]
	heldCount int
}

// New returns a queue guarded by mu, the fake's lock. [Queue.ResetLocked] gives it the
// context of its attempts, before its first webhook. It starts its workers with its first
// webhook, so that a fake that sends none costs neither.
func New[T any](mu sync.Locker, cfg Config, hooks Hooks[T]) *Queue[T] {
	return &Queue[T]{mu: mu, cfg: cfg, hooks: hooks, pendingOf: map[string]int{}, held: map[string][]*Job[T]{}}
}

// NewJobLocked returns a webhook to post body to url about key, tried up to attempts times,
// each within the queue's timeout.
func (q *Queue[T]) NewJobLocked(record T, key, url string, body []byte, attempts int) *Job[T] {
	return &Job[T]{Record: record, Key: key, URL: url, Body: body, Attempts: attempts, Timeout: q.cfg.Timeout,
		wait: q.cfg.RetryBase, generation: q.generation}
}

// PendingLocked is how many webhooks are pending, held ones included.
func (q *Queue[T]) PendingLocked() int { return q.pending }

// PendingOfLocked is how many webhooks about key are pending, held ones included.
func (q *Queue[T]) PendingOfLocked(key string) int { return q.pendingOf[key] }

// FullLocked reports whether n more webhooks would exceed the capacity.
func (q *Queue[T]) FullLocked(n int) bool { return q.pending+n > q.cfg.Capacity }

// QueueLocked starts the webhooks of a first step, reserving n pending webhooks for the step
// and those chained after it (its Then, and theirs); the caller checked [Queue.FullLocked].
func (q *Queue[T]) QueueLocked(first []*Job[T], n int) {
	q.startLocked()
	q.pending += n
	q.pendingOf[first[0].Key] += n
	q.scheduleLocked(first, time.Now())
}

// ResetLocked drops every pending webhook, held ones included; attempts in flight under the
// old context record nothing. Attempts run under ctx from now on.
func (q *Queue[T]) ResetLocked(ctx context.Context) {
	q.dropLocked()
	q.generation++
	q.ctx = ctx
}

// CloseLocked drops every pending webhook and stops the timer and the workers (the caller
// cancels the context of the attempts in flight); [Queue.Wait] waits for them.
func (q *Queue[T]) CloseLocked() {
	q.dropLocked()
	q.closed = true
	if q.started {
		close(q.quit)
	}
}

// Wait waits for the workers to end, after [Queue.CloseLocked], and closes the idle
// connections to receivers. The caller does not hold the lock.
func (q *Queue[T]) Wait() {
	q.wg.Wait()
	q.mu.Lock()
	client := q.client
	q.mu.Unlock()
	if client != nil {
		client.CloseIdleConnections()
	}
}

func (q *Queue[T]) dropLocked() {
	q.pending = 0
	q.pendingOf = map[string]int{}
	q.held, q.heldCount = map[string][]*Job[T]{}, 0
	q.retries = nil
	if q.timer != nil {
		q.timer.Stop()
	}
	for len(q.ready) > 0 { // nil before the first webhook: empty
		<-q.ready
	}
}

// endLocked ends a pending webhook about key: accepted, or its attempts used up.
func (q *Queue[T]) endLocked(key string) {
	q.pending--
	if q.pendingOf[key]--; q.pendingOf[key] <= 0 {
		delete(q.pendingOf, key)
	}
}

// scheduleLocked makes each of jobs due its offset after now: at once through ready, later
// through the timer heap; a webhook of a key held back is held instead.
func (q *Queue[T]) scheduleLocked(jobs []*Job[T], now time.Time) {
	for _, j := range jobs {
		if q.holdLocked(j) {
			continue
		}
		if j.Offset <= 0 {
			q.ready <- j
			continue
		}
		q.pushLocked(j, now.Add(j.Offset))
	}
}

// startLocked starts the workers and their HTTP client, once.
func (q *Queue[T]) startLocked() {
	if q.started {
		return
	}
	q.started = true
	q.ready = make(chan *Job[T], q.cfg.Capacity)
	q.quit = make(chan struct{})
	q.client = newClient(q.cfg.Workers)
	for range q.cfg.Workers {
		q.wg.Add(1)
		go q.worker(q.ready, q.quit)
	}
}

// worker makes attempts until the queue is closed.
func (q *Queue[T]) worker(ready <-chan *Job[T], quit <-chan struct{}) {
	defer q.wg.Done()
	for {
		select {
		case <-quit:
			return
		case j := <-ready:
			q.attempt(j)
		}
	}
}

// attempt posts j's webhook once, records the attempt, starts the next step after a first
// attempt, and schedules j's next attempt, or ends the webhook when the receiver accepted it
// or its attempts are used up.
func (q *Queue[T]) attempt(j *Job[T]) {
	q.mu.Lock()
	if j.generation != q.generation || q.closed || q.holdLocked(j) {
		q.mu.Unlock()
		return
	}
	ctx := q.ctx
	q.mu.Unlock()

	j.tries++
	a := Attempt{N: j.tries, Time: q.hooks.Now().UTC()}
	start := time.Now()
	q.post(ctx, j, &a)
	a.Latency = time.Since(start)
	if ctx.Err() != nil {
		return // reset or closed: the attempt was cut, not made
	}
	q.hooks.Tried(j, a)

	q.mu.Lock()
	defer q.mu.Unlock()
	if j.generation != q.generation || q.closed {
		return
	}
	q.hooks.Record(j, a)
	if j.Done != nil {
		j.Done <- j.Record
	}
	if j.Then != nil {
		q.scheduleLocked(j.Then, time.Now())
		j.Then = nil
	}
	if a.OK() || j.tries >= j.Attempts {
		q.endLocked(j.Key)
		return
	}
	q.retryLocked(j)
}
