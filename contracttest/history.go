package contracttest

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

// The bounds of a fake's recorded history (see "Dashboard" in the package documentation).
const (
	// maxEvents is how many events a fake keeps across every transaction; beyond it the
	// oldest one is forgotten.
	maxEvents = 10_000
	// maxEventsPerTransaction is how many events one transaction keeps; its later events are
	// counted, not kept, so that one chatty transaction cannot push the others out.
	maxEventsPerTransaction = 200
)

// eventKind says what an event of a transaction's timeline is.
type eventKind string

// The kinds of events.
const (
	// eventCreated: the checkout session was created (the session holds what was asked).
	eventCreated eventKind = "created"
	// eventPageOpened: the hosted page was shown for the session.
	eventPageOpened eventKind = "page_opened"
	// eventStatus: the transaction changed status (paid, failed, cancelled or any status to come).
	eventStatus eventKind = "status"
	// eventDelivery: a webhook delivery attempt ended, or a webhook was dropped.
	eventDelivery eventKind = "delivery"
	// eventDetail: transaction detail (GET /payment/transaction/{id}) was answered.
	eventDetail eventKind = "detail"
	// eventReset: the fake was reset (no transaction): every session before it is gone.
	eventReset eventKind = "reset"
)

// event is one entry of a transaction's timeline. Repeated detail calls and page openings
// with the same outcome fold into one event with a Count, so that a client polling every
// 100ms keeps one event, not thousands.
type event struct {
	// Seq orders the events as they were first recorded, across every transaction.
	Seq uint64 `json:"seq"`
	// Version is the history's version when the event last changed (recorded or folded
	// into): the cursor of GET /_mock/events.
	Version       uint64    `json:"version"`
	Kind          eventKind `json:"kind"`
	TransactionID string    `json:"transaction_id,omitempty"`
	Time          time.Time `json:"time"`
	// Count is how many times it happened (more than 1 for a folded event), Last when it
	// last did.
	Count int       `json:"count"`
	Last  time.Time `json:"last,omitzero"`
	// Status is, for eventStatus, the new status; for eventDetail, the status answered.
	Status string `json:"status,omitempty"`
	// Medium is, for eventStatus, the medium chosen (none for a cancellation).
	Medium string `json:"medium,omitempty"`
	// HTTPStatus is, for eventDetail, the answer's HTTP status (0 for a fault without one).
	HTTPStatus int `json:"http_status,omitempty"`
	// Scripted is, for eventDetail, the script that answered instead of the transaction: a
	// fault's name or "forced <status> <error_code>".
	Scripted string `json:"scripted,omitempty"`
	// Delivery is, for eventDelivery, the attempt as recorded.
	Delivery *Delivery `json:"delivery,omitempty"`

	// dead marks an event of a forgotten session: it is never shown again.
	dead bool
}

// folds reports whether e is a repeat of last that folds into it.
func (e *event) folds(last *event) bool {
	return (e.Kind == eventDetail || e.Kind == eventPageOpened) && e.Kind == last.Kind &&
		e.Status == last.Status && e.HTTPStatus == last.HTTPStatus && e.Scripted == last.Scripted
}

// txHistory is what the history keeps about one session, inside the session, so that it is
// forgotten with it.
type txHistory struct {
	// seq is the seq of the session's created event: the sessions' order, newest first.
	seq uint64
	// last is the seq of its newest event, which a repeat may fold into.
	last uint64
	// recorded counts its events ever kept (held now or pushed out since by newer events of
	// any transaction); notKept those refused by the per-transaction cap.
	recorded, held, notKept int
	// webhooks counts its delivery records by outcome.
	webhooks webhookCounts
}

// webhookCounts counts a transaction's delivery records by outcome.
type webhookCounts struct {
	// Accepted are attempts answered 2xx.
	Accepted int `json:"accepted"`
	// Failed are attempts answered otherwise, or not at all.
	Failed int `json:"failed"`
	// Dropped are webhooks never sent (the webhook queue was full).
	Dropped int `json:"dropped"`
}

// history records what happened to a fake's sessions, bounded: a ring of the newest
// maxEvents events, at most maxPerTx of them per transaction, and the sessions in the order
// they were created. Every field is guarded by the Fake's mu.
type history struct {
	buf   []event // a ring once full: the oldest event at start
	start int
	seq   uint64 // the newest event's seq; never reset, so that seqs stay unique
	// version counts every change (an event recorded or folded into, a session forgotten, a
	// reset); never reset, so that a page's cursor from before a reset still sees a change.
	version uint64
	// order lists the sessions by creation (forgotten ones too, until compacted).
	order     []createdSession
	maxEvents int
	maxPerTx  int
}

// createdSession is an entry of history.order.
type createdSession struct {
	seq uint64
	id  string
}

func newHistory() *history {
	return &history{maxEvents: maxEvents, maxPerTx: maxEventsPerTransaction}
}

// resetLocked forgets every event and session; seq and version go on.
func (h *history) resetLocked() {
	hadEvents := h.seq > 0
	h.buf, h.start, h.order = nil, 0, nil
	h.version++
	if hadEvents {
		h.push(event{Kind: eventReset, Time: time.Now().UTC(), Count: 1, Version: h.version}, nil)
	}
}

// at returns the event held with seq, or nil when it is no longer (or not yet) held.
func (h *history) at(seq uint64) *event {
	if len(h.buf) == 0 || seq == 0 {
		return nil
	}
	first := h.buf[h.start].Seq
	if seq < first || seq > h.seq {
		return nil
	}
	return &h.buf[(h.start+int(seq-first))%len(h.buf)] //nolint:gosec // G115: seq-first < len(h.buf), as the ring's seqs run without gaps
}

// push appends e with the next seq, pushing out the oldest event when the ring is full (and
// telling that event's session, found in sessions, that it no longer holds it).
func (h *history) push(e event, sessions *sessionStore) uint64 {
	h.seq++
	e.Seq = h.seq
	if len(h.buf) < h.maxEvents {
		h.buf = append(h.buf, e)
		return e.Seq
	}
	old := &h.buf[h.start]
	if !old.dead && old.TransactionID != "" && sessions != nil {
		if s := sessions.byID[old.TransactionID]; s != nil {
			s.history.held--
		}
	}
	h.buf[h.start] = e
	h.start = (h.start + 1) % len(h.buf)
	return e.Seq
}

// noteLocked records e about s: folded into s's newest event when it repeats it, counted
// but not kept beyond the per-transaction cap. The caller holds f.mu.
func (f *Fake) noteLocked(s *session, e event) {
	h := f.history
	h.version++
	e.Version, e.TransactionID, e.Count = h.version, s.id, 1
	if e.Time.IsZero() {
		e.Time = f.now().UTC()
	}
	tx := &s.history
	if last := h.at(tx.last); last != nil && e.folds(last) {
		last.Count++
		last.Last, last.Version = e.Time, e.Version
		return
	}
	if tx.held >= h.maxPerTx {
		tx.notKept++
		return
	}
	tx.last = h.push(e, f.sessions)
	tx.recorded++
	tx.held++
}

// noteCreatedLocked records a new session; the caller holds f.mu.
func (f *Fake) noteCreatedLocked(s *session) {
	f.noteLocked(s, event{Kind: eventCreated, Time: s.created})
	h := f.history
	s.history.seq = s.history.last
	h.order = append(h.order, createdSession{seq: s.history.seq, id: s.id})
	// Forgotten sessions stay in order until they are as many as the stored ones: dropping
	// them then costs O(1) per session created.
	if len(h.order) > 2*len(f.sessions.byID)+64 {
		h.order = slices.DeleteFunc(h.order, func(c createdSession) bool { return f.storedLocked(c) == nil })
	}
}

// storedLocked returns the stored session c names, or nil when it was forgotten.
func (f *Fake) storedLocked(c createdSession) *session {
	if s := f.sessions.byID[c.id]; s != nil && s.history.seq == c.seq {
		return s
	}
	return nil
}

// noteForgottenLocked drops the events of a session the store just forgot; the caller holds
// f.mu.
func (f *Fake) noteForgottenLocked(s *session) {
	h := f.history
	h.version++
	if s.history.held == 0 {
		return
	}
	for i := range h.buf {
		if e := &h.buf[i]; e.TransactionID == s.id && !e.dead {
			e.dead, e.Delivery = true, nil
		}
	}
}

// noteStatusLocked records s's change to its current status; the caller holds f.mu.
func (f *Fake) noteStatusLocked(s *session) {
	f.noteLocked(s, event{Kind: eventStatus, Time: s.updated, Status: string(s.status), Medium: mediumOf(s)})
}

// noteDeliveryLocked records a delivery record of the session it is about, if that session
// is still stored; the caller holds f.mu.
func (f *Fake) noteDeliveryLocked(d Delivery) {
	s := f.sessions.byID[d.TransactionID]
	if s == nil {
		return
	}
	switch {
	case d.Dropped:
		s.history.webhooks.Dropped++
	case d.OK():
		s.history.webhooks.Accepted++
	default:
		s.history.webhooks.Failed++
	}
	f.noteLocked(s, event{Kind: eventDelivery, Time: d.Time, Delivery: &d})
}

// noteScriptedDetail records that a script answered a transaction detail call about a stored
// session.
func (f *Fake) noteScriptedDetail(op string, r *http.Request, sc script) {
	if Operation(op) != OpGetTransaction {
		return
	}
	e := event{Kind: eventDetail, HTTPStatus: sc.status, Scripted: sc.fault.String()}
	if sc.fault == 0 {
		e.Scripted = strings.TrimSpace("forced " + string(sc.code))
	} else if a, ok := scriptedError(sc); ok {
		e.HTTPStatus = a.status
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if s := f.sessions.byID[r.PathValue("id")]; s != nil {
		f.noteLocked(s, e)
	}
}

// mediumOf is the medium s was paid or failed with ("" when none was chosen).
func mediumOf(s *session) string { return string(s.medium) }
