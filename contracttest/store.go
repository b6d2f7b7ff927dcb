package contracttest

import (
	"hash/maphash"
	"time"

	"github.com/lakipay/checkout-go/client"
)

// sessionStore holds a fake's checkout sessions, at most max of them, and remembers the
// references of the sessions it forgot so that they stay refused. The caller holds f.mu.
//
// Sessions are forgotten in this order: the one that became final longest ago first; when no
// stored session is final, the oldest open one (so that a checkout never fails because of
// the cap). Both orders are kept by two intrusive lists, so storing, finishing and forgetting
// a session are O(1) and cost no allocation beyond the session itself.
type sessionStore struct {
	max     int
	byID    map[string]*session
	byToken map[string]*session
	byRef   map[string]*session
	open    sessionList // INITIATED sessions, oldest first
	final   sessionList // final sessions, in the order they became final
	// forgotten holds the references of forgotten sessions (see digestSet).
	forgotten digestSet
}

// forgottenPerSession is how many forgotten references the store remembers per session it
// can hold: with the default 100,000 sessions, the references of the last 400,000 forgotten
// sessions stay refused, for about 13 MB (32 bytes a digest with the map's and the ring's
// overhead).
const forgottenPerSession = 4

func newSessionStore(maxSessions int) *sessionStore {
	return &sessionStore{
		max:       maxSessions,
		byID:      map[string]*session{},
		byToken:   map[string]*session{},
		byRef:     map[string]*session{},
		forgotten: newDigestSet(maxSessions * forgottenPerSession),
	}
}

// used reports whether reference belongs to a stored session or to a forgotten one.
func (st *sessionStore) used(reference string) bool {
	if _, ok := st.byRef[reference]; ok {
		return true
	}
	return st.forgotten.has(reference)
}

// add stores a new open session; when the store is full it first forgets one session and
// returns it (nil otherwise).
func (st *sessionStore) add(s *session) (forgot *session) {
	if len(st.byID) >= st.max {
		forgot = st.final.head
		if forgot == nil {
			forgot = st.open.head
		}
		st.forget(forgot)
	}
	st.byID[s.id] = s
	st.byToken[s.token] = s
	st.byRef[s.req.Reference] = s
	st.open.pushBack(s)
	return forgot
}

// finished moves s, which just became final, from the open sessions to the final ones.
func (st *sessionStore) finished(s *session) {
	st.open.remove(s)
	st.final.pushBack(s)
}

func (st *sessionStore) forget(s *session) {
	if s.final() {
		st.final.remove(s)
	} else {
		st.open.remove(s)
	}
	delete(st.byID, s.id)
	delete(st.byToken, s.token)
	delete(st.byRef, s.req.Reference)
	st.forgotten.add(s.req.Reference)
}

// sessionList is a doubly linked list of sessions through their prev and next fields.
type sessionList struct{ head, tail *session }

func (l *sessionList) pushBack(s *session) {
	s.prev, s.next = l.tail, nil
	if l.tail == nil {
		l.head = s
	} else {
		l.tail.next = s
	}
	l.tail = s
}

func (l *sessionList) remove(s *session) {
	if s.prev == nil {
		l.head = s.next
	} else {
		s.prev.next = s.next
	}
	if s.next == nil {
		l.tail = s.prev
	} else {
		s.next.prev = s.prev
	}
	s.prev, s.next = nil, nil
}

// digestSet is a bounded set of references, each kept as a 64-bit keyed hash (maphash with a
// random seed per set, so nobody can aim a reference at another one's digest): 8 bytes in a
// ring plus a map entry, whatever the reference's length. When it holds max digests, adding
// one forgets the oldest. Two references share a digest with a probability of about
// n/2^64 for n digests held (below 10^-12 at a million): the cost would be one reference
// refused as already used, never one accepted twice.
type digestSet struct {
	seed maphash.Seed
	set  map[uint64]struct{}
	ring []uint64 // the digests in the order they were added; once full, next is the oldest
	next int
	max  int
}

func newDigestSet(maxDigests int) digestSet {
	return digestSet{seed: maphash.MakeSeed(), set: map[uint64]struct{}{}, max: maxDigests}
}

func (d *digestSet) has(reference string) bool {
	_, ok := d.set[maphash.String(d.seed, reference)]
	return ok
}

// add adds the digest of reference, which the caller has checked is not in the set.
func (d *digestSet) add(reference string) {
	h := maphash.String(d.seed, reference)
	if len(d.ring) < d.max {
		d.ring = append(d.ring, h)
	} else {
		delete(d.set, d.ring[d.next])
		d.ring[d.next] = h
		d.next = (d.next + 1) % d.max
	}
	d.set[h] = struct{}{}
}

// session is one checkout session and its transaction.
type session struct {
	id, token string
	req       client.CheckoutRequest
	status    client.TransactionStatus
	medium    client.Medium // "" until the shopper chose one
	created   time.Time
	updated   time.Time
	expires   time.Time // when an INITIATED session expires (monotonic: immune to f.now)
	decline   bool
	muted     bool // its status changes send no webhook of their own (MuteWebhooks)
	history   txHistory
	scripted  scripted
	// prev and next link the session into its store's list of open or of final sessions.
	prev, next *session
}

// final reports whether s takes no other change from a shopper or a test: its status is final,
// or one openapi.yaml does not know (whose meaning the fake cannot tell).
func (s *session) final() bool { return !s.status.Valid() || s.status.IsFinal() }
