package contracttest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/internal/fake/webhooks"
	"github.com/lakipay/checkout-go/internal/lakipaydocs"
)

// newTestSession creates a session through the fake's own checkout, as the API would,
// without a callback_url (no webhook leaves the process).
func newTestSession(t *testing.T, f *Fake, reference string) *session {
	t.Helper()
	body := strings.Replace(lakipaydocs.Request, "ORDER123456", reference, 1)
	body = strings.Replace(body, `"callback_url": "https://example.com/callback",`, "", 1)
	require.NotContains(t, body, "callback_url")
	req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/api/v2/payment/checkout", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-API-Key", "pk_test_a:sk_test_history")
	rec := httptest.NewRecorder()
	f.ServeHTTP(rec, req)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.sessions.byRef[reference]
}

func newTestFake(t *testing.T, opts ...ServerOption) *Fake {
	t.Helper()
	f, err := NewFake(opts...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = f.Close() })
	return f
}

// timelineOf returns the events held about s, oldest first.
func timelineOf(f *Fake, s *session) []event {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.timelinesLocked(s)[s.id].Events
}

// openPage records that the hosted page of every stored session was opened, times times.
func openPage(f *Fake, times int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for range times {
		for _, s := range f.sessions.byID {
			f.noteLocked(s, event{Kind: eventPageOpened})
		}
	}
}

// TestHistoryDefaultBounds holds the documented numbers: 10,000 events in all, 200 per
// transaction, 1 KiB of a receiver's answer.
func TestHistoryDefaultBounds(t *testing.T) {
	h := newHistory()
	assert.Equal(t, 10_000, h.maxEvents)
	assert.Equal(t, 200, h.maxPerTx)
	assert.Equal(t, 1024, webhooks.AnswerLimit)

	// The global cap, at its real size: the ring never grows past it.
	f := newTestFake(t)
	s := newTestSession(t, f, "BOUND-1")
	f.mu.Lock()
	f.history.maxPerTx = 1 << 30 // only the global cap is under test
	for i := range maxEvents + 50 {
		f.noteLocked(s, event{Kind: eventDetail, Status: fmt.Sprint(i)}) // distinct: never folded
	}
	held, recorded := s.history.held, s.history.recorded
	bufLen := len(f.history.buf)
	f.mu.Unlock()
	assert.Equal(t, maxEvents, bufLen)
	assert.Equal(t, maxEvents, held)
	assert.Equal(t, maxEvents+51, recorded, "the created event and every detail event were recorded")
}

// TestHistoryGlobalCapPushesOutTheOldest: beyond the global cap the oldest events go first,
// whichever transaction they belong to, and each session knows how many of its own went.
func TestHistoryGlobalCapPushesOutTheOldest(t *testing.T) {
	f := newTestFake(t)
	f.history.maxEvents = 6
	a := newTestSession(t, f, "CAP-A")
	require.NoError(t, f.Cancel(a.id))
	b := newTestSession(t, f, "CAP-B")
	require.NoError(t, f.Cancel(b.id))
	// held: created A, status A, created B, status B
	f.mu.Lock()
	for i := range 4 {
		f.noteLocked(b, event{Kind: eventDetail, Status: fmt.Sprint(i)})
	}
	f.mu.Unlock()

	assert.Empty(t, timelineOf(f, a), "A's two events were the oldest: pushed out")
	f.mu.Lock()
	view := f.timelinesLocked(a)[a.id]
	f.mu.Unlock()
	assert.Equal(t, 2, view.PushedOut)
	kinds := []eventKind{}
	for _, e := range timelineOf(f, b) {
		kinds = append(kinds, e.Kind)
	}
	assert.Equal(t, []eventKind{eventCreated, eventStatus, eventDetail, eventDetail, eventDetail, eventDetail}, kinds,
		"B's events stay, in order")
}

// TestHistoryPerTransactionCap: one chatty transaction keeps at most maxPerTx events and
// counts the rest, so it cannot push every other transaction's history out.
func TestHistoryPerTransactionCap(t *testing.T) {
	f := newTestFake(t)
	f.history.maxPerTx = 3
	quiet := newTestSession(t, f, "QUIET")
	chatty := newTestSession(t, f, "CHATTY")
	f.mu.Lock()
	for i := range 10 {
		f.noteLocked(chatty, event{Kind: eventDetail, Status: fmt.Sprint(i)})
	}
	view := f.timelinesLocked(chatty)[chatty.id]
	f.mu.Unlock()
	assert.Len(t, view.Events, 3)
	assert.Equal(t, 8, view.NotKept, "10 detail events and the created one, 3 kept")
	assert.Len(t, timelineOf(f, quiet), 1, "the quiet session keeps its created event")
}

// TestHistoryFoldsRepeats: a client polling transaction detail, or a shopper reloading the
// page, adds one event with a count, not one per call; a different answer is a new event.
func TestHistoryFoldsRepeats(t *testing.T) {
	f := newTestFake(t)
	s := newTestSession(t, f, "FOLD")
	openPage(f, 3)
	f.mu.Lock()
	for range 50 {
		f.noteLocked(s, event{Kind: eventDetail, HTTPStatus: 200, Status: "INITIATED"})
	}
	f.noteLocked(s, event{Kind: eventDetail, HTTPStatus: 429, Scripted: "rate_limited"})
	f.noteLocked(s, event{Kind: eventDetail, HTTPStatus: 200, Status: "INITIATED"})
	f.mu.Unlock()
	events := timelineOf(f, s)
	require.Len(t, events, 5)
	assert.Equal(t, eventPageOpened, events[1].Kind)
	assert.Equal(t, 3, events[1].Count)
	assert.Equal(t, 50, events[2].Count)
	assert.False(t, events[2].Last.IsZero())
	assert.Equal(t, "rate_limited", events[3].Scripted)
	assert.Equal(t, 1, events[4].Count, "after another answer, the same answer again is a new event")
	assert.Greater(t, events[2].Version, events[1].Version, "a fold bumps the event's version, so the page sees it")
}

// TestHistoryOfAForgottenSessionGoesWithIt: when the session cap forgets a session, its
// events are dropped (their deliveries released) and no endpoint shows them again; the
// sessions' order stays bounded however many sessions come and go.
func TestHistoryOfAForgottenSessionGoesWithIt(t *testing.T) {
	f := newTestFake(t, WithMaxSessions(2))
	first := newTestSession(t, f, "FORGET-1")
	f.mu.Lock()
	f.recordLocked(Delivery{TransactionID: first.id, Case: CaseGenuine, Attempt: 1, HTTPStatus: 500, Answer: "down"})
	f.mu.Unlock()
	newTestSession(t, f, "FORGET-2")
	newTestSession(t, f, "FORGET-3") // forgets FORGET-1

	f.mu.Lock()
	for _, e := range f.history.buf {
		if e.TransactionID == first.id {
			assert.True(t, e.dead, "%s event of a forgotten session still shown", e.Kind)
			assert.Nil(t, e.Delivery, "a forgotten session's delivery is still held")
		}
	}
	feed := f.eventsSinceLocked(0, maxEventsLimit)
	page := f.sessionsLocked("", 0, maxSessionsLimit)
	f.mu.Unlock()
	for _, e := range feed.Events {
		assert.NotEqual(t, first.id, e.TransactionID)
	}
	require.Len(t, page.Sessions, 2)
	assert.Equal(t, "FORGET-3", page.Sessions[0].Reference)

	for i := range 500 {
		newTestSession(t, f, fmt.Sprintf("CHURN-%d", i))
	}
	f.mu.Lock()
	orderLen := len(f.history.order)
	f.mu.Unlock()
	assert.LessOrEqual(t, orderLen, 2*2+64+1, "the creation order keeps forgotten sessions without bound")
}

// TestHistoryResetKeepsCursorsMoving: a reset forgets every event but the history's seq and
// version go on, so a page that polls with a cursor from before the reset sees a change.
func TestHistoryResetKeepsCursorsMoving(t *testing.T) {
	f := newTestFake(t)
	newTestSession(t, f, "RESET-1")
	f.mu.Lock()
	before := f.history.version
	seq := f.history.seq
	f.mu.Unlock()
	f.Reset()
	s := newTestSession(t, f, "RESET-1") // the reference is free again
	f.mu.Lock()
	defer f.mu.Unlock()
	assert.Greater(t, f.history.version, before)
	assert.Greater(t, s.history.seq, seq, "seqs are never reused")
	feed := f.eventsSinceLocked(before, maxEventsLimit)
	require.Len(t, feed.Events, 2)
	assert.Equal(t, eventReset, feed.Events[0].Kind)
	assert.Equal(t, eventCreated, feed.Events[1].Kind)
}

// TestNoteStatusRecordsTheMedium: the status event of a payment says which medium paid.
func TestNoteStatusRecordsTheMedium(t *testing.T) {
	f := newTestFake(t)
	s := newTestSession(t, f, "MEDIUM")
	require.NoError(t, f.Pay(s.id, "MPESA"))
	events := timelineOf(f, s)
	require.Len(t, events, 2)
	assert.Equal(t, eventStatus, events[1].Kind)
	assert.Equal(t, "SUCCESS", events[1].Status)
	assert.Equal(t, "MPESA", events[1].Medium)
}
