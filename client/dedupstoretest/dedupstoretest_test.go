package dedupstoretest_test

import (
	"context"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/client/dedupstoretest"
)

// bug is one way to get a DedupStore wrong.
type bug string

// The wrong stores the suite must fail, each with the case that catches it.
var bugs = []struct {
	bug    bug
	caught string
}{
	{"claims never hold", "a claim holds off another token until it lapses"},
	{"claims never lapse", "a claim holds off another token until it lapses"},
	{"a claim lapses only after its until", "a claim holds off another token until it lapses"},
	{"the holder's own claim is held against it", "its own token renews a claim"},
	{"release ignores the token", "release ends the holder's claim, and only its own"},
	{"done keeps the claim", "done records the status and ends the claim"},
	{"done records nothing", "done records the status and ends the claim"},
	{"done ignores the token", "done by a token whose claim was taken over records nothing"},
	{"ids compared case-insensitively", "a claim of one transaction does not hold another"},
	{"ids trimmed", "a claim of one transaction does not hold another"},
	{"statuses upper-cased", "ids and statuses come back exactly as recorded"},
	{"statuses kept as one comma-separated text", "ids and statuses come back exactly as recorded"},
	{"claim hands out its own slice", "a claim's answer is the caller's to change"},
	{"done records a status twice", "recording a status again is no error and keeps one"},
	{"claim checks, then takes, in two steps", "concurrent claims: one wins"},
	{"the store reads its own clock", "a claim holds off another token until it lapses"},
}

// TestSuiteFailsWrongStores runs the suite in a child process against each wrong store and
// requires it to fail, first in the case named for it: a suite that passed them would pass stores
// that settle a payment twice.
func TestSuiteFailsWrongStores(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the suite in a child process per wrong store")
	}
	for _, b := range bugs {
		t.Run(string(b.bug), func(t *testing.T) {
			cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestWrongStore$", "-test.v", "-test.count=1", "-test.failfast")
			cmd.Env = append(os.Environ(), "DEDUPSTORETEST_BUG="+string(b.bug))
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("the suite passed a store where %s:\n%s", b.bug, out)
			}
			failed := "--- FAIL: TestWrongStore/" + strings.ReplaceAll(b.caught, " ", "_")
			if !strings.Contains(string(out), failed) {
				t.Errorf("the suite failed, but not in %q:\n%s", b.caught, out)
			}
		})
	}
}

// TestWrongStore is the child of TestSuiteFailsWrongStores; alone it runs the suite against
// the model store without a bug, which must pass.
func TestWrongStore(t *testing.T) {
	b := bug(os.Getenv("DEDUPSTORETEST_BUG"))
	dedupstoretest.Run(t, func(*testing.T) (client.DedupStore, client.DedupStore) {
		s := &model{bug: b, claims: map[string]modelClaim{}, settled: map[string][]client.TransactionStatus{}}
		return s, s
	})
}

// model is a plain store with one bug switched on by name.
type model struct {
	bug     bug
	mu      sync.Mutex
	claims  map[string]modelClaim
	settled map[string][]client.TransactionStatus
}

type modelClaim struct {
	token string
	until time.Time
}

func (m *model) key(id string) string {
	switch m.bug {
	case "ids compared case-insensitively":
		return strings.ToUpper(id)
	case "ids trimmed":
		return strings.TrimSpace(id)
	}
	return id
}

func (m *model) held(c modelClaim, ok bool, token string, now time.Time) bool {
	switch {
	case !ok || m.bug == "claims never hold":
		return false
	case m.bug == "the store reads its own clock":
		now = time.Now()
	}
	if c.token == token && m.bug != "the holder's own claim is held against it" {
		return false
	}
	switch m.bug {
	case "claims never lapse":
		return true
	case "a claim lapses only after its until":
		return !c.until.Before(now)
	}
	return c.until.After(now)
}

func (m *model) Claim(_ context.Context, id, token string, now, until time.Time) ([]client.TransactionStatus, error) {
	id = m.key(id)
	if m.bug == "claim checks, then takes, in two steps" {
		m.mu.Lock()
		c, ok := m.claims[id]
		m.mu.Unlock()
		if m.held(c, ok, token, now) {
			return nil, client.ErrClaimHeld
		}
		time.Sleep(time.Millisecond)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if c, ok := m.claims[id]; m.bug != "claim checks, then takes, in two steps" && m.held(c, ok, token, now) {
		return nil, client.ErrClaimHeld
	}
	m.claims[id] = modelClaim{token, until}
	settled := m.settled[id]
	switch m.bug {
	case "claim hands out its own slice":
		return settled, nil
	case "statuses kept as one comma-separated text":
		var text []string
		for _, s := range settled {
			text = append(text, string(s))
		}
		var out []client.TransactionStatus
		for s := range strings.SplitSeq(strings.Join(text, ","), ",") {
			if s != "" {
				out = append(out, client.TransactionStatus(s))
			}
		}
		return out, nil
	}
	return slices.Clone(settled), nil
}

func (m *model) Done(_ context.Context, id string, status client.TransactionStatus, token string) error {
	id = m.key(id)
	m.mu.Lock()
	defer m.mu.Unlock()
	if c, ok := m.claims[id]; (!ok || c.token != token) && m.bug != "done ignores the token" {
		return client.ErrClaimLost
	}
	if m.bug != "done keeps the claim" {
		delete(m.claims, id)
	}
	if m.bug == "statuses upper-cased" {
		status = client.TransactionStatus(strings.ToUpper(string(status)))
	}
	if m.bug == "done records nothing" {
		return nil
	}
	if !slices.Contains(m.settled[id], status) || m.bug == "done records a status twice" {
		m.settled[id] = append(m.settled[id], status)
	}
	return nil
}

func (m *model) Release(_ context.Context, id, token string) error {
	id = m.key(id)
	m.mu.Lock()
	defer m.mu.Unlock()
	if c, ok := m.claims[id]; ok && (c.token == token || m.bug == "release ignores the token") {
		delete(m.claims, id)
	}
	return nil
}
