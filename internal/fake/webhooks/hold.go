package webhooks

import (
	"container/heap"
	"slices"
	"time"
)

// HoldLocked holds back the webhooks about key from now on, until [Queue.ReleaseLocked]: new
// ones, the retries of one sent already and those waiting for their next attempt are kept,
// unsent but still pending; an attempt in flight ends as it would, and a webhook with a Done
// channel is never held. Holding a key held already changes nothing.
func (q *Queue[T]) HoldLocked(key string) {
	if _, ok := q.held[key]; ok {
		return
	}
	q.held[key] = []*Job[T]{}
	// The retries that wait for their turn are held at once, earliest first.
	var waiting []*Job[T]
	q.retries = slices.DeleteFunc(q.retries, func(j *Job[T]) bool {
		if j.Key == key && j.Done == nil {
			waiting = append(waiting, j)
			return true
		}
		return false
	})
	heap.Init(&q.retries)
	slices.SortFunc(waiting, func(a, b *Job[T]) int { return a.due.Compare(b.due) })
	for _, j := range waiting {
		q.holdLocked(j)
	}
	q.hooks.Changed()
}

// HoldingLocked reports whether the webhooks about key are held back.
func (q *Queue[T]) HoldingLocked(key string) bool {
	_, ok := q.held[key]
	return ok
}

// HeldLocked returns the webhooks about key held back, in the order they were held (the
// webhooks chained after them not included).
func (q *Queue[T]) HeldLocked(key string) []*Job[T] { return q.held[key] }

// HeldCountLocked is how many pending webhooks are held back, those chained after a held one
// included.
func (q *Queue[T]) HeldCountLocked() int { return q.heldCount }

// ReleaseLocked ends the hold on key and sends what was held, in the order it was held, each
// once the one before it was attempted, retried as any webhook. It returns the webhooks
// released, and false when key was not held.
func (q *Queue[T]) ReleaseLocked(key string) ([]*Job[T], bool) {
	jobs, held := q.held[key]
	if !held {
		return nil, false
	}
	delete(q.held, key)
	for i, j := range jobs {
		q.heldCount -= 1 + j.chained()
		j.Offset = 0
		if i+1 < len(jobs) {
			j.Then = append(j.Then, jobs[i+1])
		}
	}
	if len(jobs) > 0 {
		q.scheduleLocked(jobs[:1], time.Now())
	}
	q.hooks.Changed()
	return jobs, true
}

// holdLocked keeps j back when its key is held, and reports whether it did.
func (q *Queue[T]) holdLocked(j *Job[T]) bool {
	list, held := q.held[j.Key]
	if !held || j.Done != nil {
		return false
	}
	q.held[j.Key] = append(list, j)
	q.heldCount += 1 + j.chained()
	q.hooks.Changed()
	return true
}

// chained counts the webhooks that start after j's first attempt, and after theirs.
func (j *Job[T]) chained() int {
	n := 0
	for _, next := range j.Then {
		n += 1 + next.chained()
	}
	return n
}
