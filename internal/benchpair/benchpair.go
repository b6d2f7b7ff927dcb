// Package benchpair times contenders against each other inside one benchmark, so that a
// shared, noisy machine still gives figures worth comparing: every iteration runs every
// contender, taking turns at going first, so that load from other processes (and a connection
// or a cache one of them just warmed) hits all of them alike. What to compare is the ratios it
// reports, within one run, never ns/op across runs.
package benchpair

import (
	"testing"
	"time"
)

// Contender is one side of a paired benchmark.
type Contender struct {
	// Name names the contender in the metrics: "Name-ns/op", and "Name/First" for its ratio
	// to the first contender.
	Name string
	// Run is one call; an error fails the benchmark.
	Run func() error
}

// now is the clock; the package's test replaces it.
var now = time.Now

// Run times the contenders in every iteration of b, one call each (see [RunBatched]).
func Run(b *testing.B, contenders ...Contender) { RunBatched(b, 1, contenders...) }

// RunBatched times the contenders in every iteration of b, batch calls each per timing (for
// calls so short that reading the clock would weigh), the first contender of an iteration
// being the next one each time. It reports each contender's time per call ("Name-ns/op")
// and, for every contender but the first, its time as a ratio to the first's ("Name/First").
func RunBatched(b *testing.B, batch int, contenders ...Contender) {
	b.Helper()
	if len(contenders) < 2 || batch < 1 {
		b.Fatalf("benchpair: %d contenders and a batch of %d: want two or more, and a batch of one or more", len(contenders), batch)
	}
	total := make([]time.Duration, len(contenders))
	first := 0
	for b.Loop() {
		for k := range contenders {
			i := (first + k) % len(contenders)
			start := now()
			for range batch {
				if err := contenders[i].Run(); err != nil {
					b.Fatalf("%s: %v", contenders[i].Name, err)
				}
			}
			total[i] += now().Sub(start)
		}
		first = (first + 1) % len(contenders)
	}
	calls := float64(b.N * batch)
	for i, c := range contenders {
		b.ReportMetric(float64(total[i].Nanoseconds())/calls, c.Name+"-ns/op")
		if i > 0 {
			b.ReportMetric(float64(total[i])/float64(total[0]), c.Name+"/"+contenders[0].Name)
		}
	}
}
