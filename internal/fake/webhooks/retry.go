package webhooks

import (
	"container/heap"
	"time"
)

// maxRetryWait caps the wait between two attempts of a webhook: the wait doubles from the
// queue's RetryBase (200ms, 400ms, 800ms, 1.6s with the fake's defaults) up to it.
const maxRetryWait = 30 * time.Second

// retryLocked schedules j's next attempt after its wait, and doubles the wait for the one
// after.
func (q *Queue[T]) retryLocked(j *Job[T]) {
	j.Offset = j.wait
	j.wait = min(j.wait*2, maxRetryWait)
	q.scheduleLocked([]*Job[T]{j}, time.Now())
}

// pushLocked makes j due at due, in the timer heap.
func (q *Queue[T]) pushLocked(j *Job[T], due time.Time) {
	j.due = due
	heap.Push(&q.retries, j)
	if q.retries[0] == j {
		q.armTimerLocked(j.due)
	}
}

// armTimerLocked makes fireRetries run at due.
func (q *Queue[T]) armTimerLocked(due time.Time) {
	if q.timer == nil {
		q.timer = time.AfterFunc(time.Until(due), q.fireRetries)
		return
	}
	q.timer.Reset(time.Until(due))
}

// fireRetries hands every webhook that is due to the workers and re-arms the timer for the
// next one.
func (q *Queue[T]) fireRetries() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return
	}
	now := time.Now()
	for len(q.retries) > 0 && !q.retries[0].due.After(now) {
		q.ready <- heap.Pop(&q.retries).(*Job[T])
	}
	if len(q.retries) > 0 {
		q.armTimerLocked(q.retries[0].due)
	}
}

// jobHeap orders webhooks waiting for an attempt by when it is due (container/heap).
type jobHeap[T any] []*Job[T]

func (h jobHeap[T]) Len() int { return len(h) }

func (h jobHeap[T]) Less(i, j int) bool { return h[i].due.Before(h[j].due) }

func (h jobHeap[T]) Swap(i, j int) { h[i], h[j] = h[j], h[i] }

// Push adds x, a *Job[T].
func (h *jobHeap[T]) Push(x any) { *h = append(*h, x.(*Job[T])) }

// Pop removes and returns the last job.
func (h *jobHeap[T]) Pop() any {
	old := *h
	j := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return j
}
