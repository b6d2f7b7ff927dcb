package benchpair

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// fakeClock advances by the cost of the call that last ran: each contender "costs" a fixed
// number of nanoseconds a call, so the metrics have exact values to check.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

// TestRatiosAndTurns runs three contenders that cost 10, 30 and 25 ns a call on a fake clock:
// each contender's ns/op and its ratio to the first must come out exactly (a harness that
// divides the wrong way, charges one contender's calls to another, or forgets the batch gets
// other numbers), and every iteration runs each contender batch times, the first of an
// iteration changing every time (a harness that always starts with the same one fails).
func TestRatiosAndTurns(t *testing.T) {
	clock := &fakeClock{t: time.Unix(0, 0)}
	orig := now
	now = clock.now
	t.Cleanup(func() { now = orig })

	// Each iteration's calls are checked as soon as it is complete (a benchmark runs millions).
	const batch = 4
	var (
		iteration  []string // the calls of the iteration under way
		iterations int
		lastFirst  string
		firsts     = map[string]int{}
		problems   []string
	)
	contender := func(name string, cost time.Duration) Contender {
		return Contender{Name: name, Run: func() error {
			iteration = append(iteration, name)
			clock.t = clock.t.Add(cost)
			if len(iteration) < 3*batch {
				return nil
			}
			for _, n := range []string{"a", "b", "c"} {
				if got := count(iteration, n); got != batch && len(problems) < 5 {
					problems = append(problems, fmt.Sprintf("iteration %d runs %s %d times, want %d", iterations, n, got, batch))
				}
			}
			if iteration[0] == lastFirst && len(problems) < 5 {
				problems = append(problems, fmt.Sprintf("iteration %d starts with %s, as the one before", iterations, lastFirst))
			}
			lastFirst = iteration[0]
			firsts[lastFirst]++
			iterations++
			iteration = iteration[:0]
			return nil
		}}
	}
	var n int
	r := testing.Benchmark(func(b *testing.B) {
		iteration, iterations, lastFirst, problems = iteration[:0], 0, "", nil
		clear(firsts)
		RunBatched(b, batch, contender("a", 10), contender("b", 30), contender("c", 25))
		n = b.N
	})
	assert.InDelta(t, 10, r.Extra["a-ns/op"], 1e-9)
	assert.InDelta(t, 30, r.Extra["b-ns/op"], 1e-9)
	assert.InDelta(t, 25, r.Extra["c-ns/op"], 1e-9)
	assert.InDelta(t, 3, r.Extra["b/a"], 1e-9)
	assert.InDelta(t, 2.5, r.Extra["c/a"], 1e-9)
	assert.NotContains(t, r.Extra, "a/a")
	assert.Empty(t, problems)
	assert.Equal(t, n, iterations, "every iteration runs every contender")
	assert.Empty(t, iteration, "no call outside an iteration")
	if n >= 3 {
		assert.Len(t, firsts, 3, "every contender goes first in turn: %v", firsts)
	}
}

func count(calls []string, name string) int {
	n := 0
	for c := range slices.Values(calls) {
		if c == name {
			n++
		}
	}
	return n
}
