package contracttest

import (
	_ "embed" // the dashboard's page, script and style sheet
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lakipay/checkout-go/internal/fake/dashboard"
	"github.com/lakipay/checkout-go/internal/fake/route"
)

// The bounds of the dashboard's JSON answers.
const (
	defaultSessionsLimit = 50
	maxSessionsLimit     = 200
	defaultEventsLimit   = 100
	maxEventsLimit       = 1000
	maxFilterLen         = 200
	// maxSnapshotSessions is how many sessions, newest first, a snapshot shows.
	maxSnapshotSessions = 500
)

// ReportDirEnv names the directory where a [Server] whose test failed writes its report (a
// snapshot of the dashboard); the default is [os.TempDir].
const ReportDirEnv = "LAKIPAY_REPORT_DIR"

// DashboardURL returns the address of the fake's dashboard: its sessions, each one's
// timeline (webhook deliveries with the receiver's answers, transaction detail calls) and
// the coverage, following new events as they happen.
func (s *Server) DashboardURL() string { return s.srv.URL + dashboard.Path }

// dashboardRoutes registers the dashboard and the JSON it reads.
func (f *Fake) dashboardRoutes(router *route.Router) {
	rt := &controlRouter{router, f}
	rt.handle("GET /_mock/", dashboard.ServePage)
	rt.handle("GET "+dashboard.Path, dashboard.ServePage)
	rt.handle("GET "+dashboard.Path+"/{file}", func(w http.ResponseWriter, r *http.Request) {
		if !dashboard.ServeFile(w, r.PathValue("file")) {
			f.notFound(w, r)
		}
	})
	rt.handle("GET /_mock/sessions", f.mockSessions)
	rt.handle("GET /_mock/events", f.mockEvents)
	rt.handle("GET /_mock/transactions/{id}/timeline", f.mockTimeline)
}

// sessionView is a session as the dashboard shows it.
type sessionView struct {
	TransactionID string        `json:"transaction_id"`
	Reference     string        `json:"reference"`
	Amount        string        `json:"amount"`
	Currency      string        `json:"currency"`
	Status        string        `json:"status"`
	Medium        string        `json:"medium,omitempty"`
	Created       time.Time     `json:"created"`
	Updated       time.Time     `json:"updated"`
	Description   string        `json:"description,omitempty"`
	Mediums       []string      `json:"supported_mediums"`
	CallbackURL   string        `json:"callback_url,omitempty"`
	Redirects     redirectsView `json:"redirects"`
	Webhooks      webhookCounts `json:"webhooks"`
}

type redirectsView struct {
	Success string `json:"success"`
	Failed  string `json:"failed"`
}

// viewOf renders s for the dashboard; the caller holds f.mu.
func viewOf(s *session) sessionView {
	p := pageOf(s)
	v := sessionView{
		TransactionID: s.id, Reference: p.Reference, Amount: p.Amount, Currency: p.Currency,
		Status: string(p.Status), Medium: mediumOf(s), Created: s.created, Updated: s.updated,
		Description: p.Description, Mediums: make([]string, len(p.Mediums)),
		Redirects: redirectsView{Success: s.req.Redirects.Success, Failed: s.req.Redirects.Failed},
		Webhooks:  s.history.webhooks, CallbackURL: s.req.CallbackURL,
	}
	for i, m := range p.Mediums {
		v.Mediums[i] = string(m)
	}
	return v
}

// sessionsPage is the answer of GET /_mock/sessions.
type sessionsPage struct {
	Sessions []sessionView `json:"sessions"`
	// NextBefore is the before= of the next page; 0 on the last one.
	NextBefore uint64 `json:"next_before,omitempty"`
	// Stored is how many sessions the fake stores, matching or not.
	Stored  int    `json:"stored"`
	Version uint64 `json:"version"`
}

// sessionsLocked returns at most limit stored sessions created before the one whose
// created event is before (0: the newest), newest first, whose transaction id or reference
// holds filter (any case); the caller holds f.mu.
func (f *Fake) sessionsLocked(filter string, before uint64, limit int) sessionsPage {
	h := f.history
	page := sessionsPage{Sessions: []sessionView{}, Stored: len(f.sessions.byID), Version: h.version}
	end := len(h.order)
	if before > 0 {
		end, _ = slices.BinarySearchFunc(h.order, before, func(c createdSession, seq uint64) int {
			return compareUint(c.seq, seq)
		})
	}
	var last uint64
	for i := end - 1; i >= 0; i-- {
		s := f.storedLocked(h.order[i])
		if s == nil || (filter != "" && !containsFold(s.id, filter) && !containsFold(s.req.Reference, filter)) {
			continue
		}
		if len(page.Sessions) == limit {
			page.NextBefore = last
			break
		}
		page.Sessions = append(page.Sessions, viewOf(s))
		last = s.history.seq
	}
	return page
}

func compareUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// containsFold reports whether sub is within s, ignoring case.
func containsFold(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}

// timelineView is the answer of GET /_mock/transactions/{id}/timeline.
type timelineView struct {
	Session sessionView `json:"session"`
	// Events are the session's events held, oldest first.
	Events []event `json:"events"`
	// NotKept counts its events beyond the per-transaction cap; PushedOut those forgotten
	// since to make room for newer events of any transaction.
	NotKept   int    `json:"not_kept"`
	PushedOut int    `json:"pushed_out"`
	Version   uint64 `json:"version"`
}

// timelinesLocked returns the timelines of sessions, by transaction id, in one pass over the
// events; the caller holds f.mu.
func (f *Fake) timelinesLocked(sessions ...*session) map[string]*timelineView {
	h := f.history
	out := make(map[string]*timelineView, len(sessions))
	for _, s := range sessions {
		out[s.id] = &timelineView{Session: viewOf(s), Events: []event{}, NotKept: s.history.notKept,
			PushedOut: s.history.recorded - s.history.held, Version: h.version}
	}
	for i := range h.buf {
		e := h.buf[(h.start+i)%len(h.buf)]
		if v := out[e.TransactionID]; v != nil && !e.dead {
			v.Events = append(v.Events, e)
		}
	}
	return out
}

// eventsPage is the answer of GET /_mock/events.
type eventsPage struct {
	// Events changed since the cursor, in the order they changed.
	Events []event `json:"events"`
	// Next is the since= that continues after these events.
	Next uint64 `json:"next"`
	// More says that more events changed than the limit let through.
	More bool `json:"more"`
	// Version is the history's version now: a change of it (up or, after the fake restarted,
	// down) means something changed, though maybe nothing listed (a session forgotten).
	Version uint64 `json:"version"`
}

// eventsSinceLocked returns at most limit events recorded or folded into after version
// since, in that order; the caller holds f.mu.
func (f *Fake) eventsSinceLocked(since uint64, limit int) eventsPage {
	h := f.history
	page := eventsPage{Events: []event{}, Next: max(since, h.version), Version: h.version}
	for i := range h.buf {
		if e := h.buf[(h.start+i)%len(h.buf)]; e.Version > since && !e.dead {
			page.Events = append(page.Events, e)
		}
	}
	slices.SortFunc(page.Events, func(a, b event) int { return compareUint(a.Version, b.Version) })
	if len(page.Events) > limit {
		page.Events, page.More = page.Events[:limit], true
		page.Next = page.Events[limit-1].Version
	}
	return page
}

// mockSessions answers GET /_mock/sessions[?q=TEXT][&before=SEQ][&limit=N].
func (f *Fake) mockSessions(w http.ResponseWriter, r *http.Request) {
	dashboard.Headers(w)
	query, err := checkQuery(r, "q", "before", "limit")
	var (
		before uint64
		limit  int
	)
	if err == nil {
		before, err = cursorParam(query, "before")
	}
	if err == nil {
		limit, err = intParam(query, "limit", defaultSessionsLimit, 1, maxSessionsLimit)
	}
	filter := strings.TrimSpace(query.Get("q"))
	if err == nil && len(filter) > maxFilterLen {
		err = fmt.Errorf("%w: q is %d bytes long, at most %d", errMockInput, len(filter), maxFilterLen)
	}
	if err != nil {
		mockError(w, err)
		return
	}
	f.mu.Lock()
	page := f.sessionsLocked(filter, before, limit)
	f.mu.Unlock()
	mockJSON(w, http.StatusOK, page)
}

// mockEvents answers GET /_mock/events[?since=VERSION][&limit=N].
func (f *Fake) mockEvents(w http.ResponseWriter, r *http.Request) {
	dashboard.Headers(w)
	query, err := checkQuery(r, "since", "limit")
	var (
		since uint64
		limit int
	)
	if err == nil {
		since, err = cursorParam(query, "since")
	}
	if err == nil {
		limit, err = intParam(query, "limit", defaultEventsLimit, 1, maxEventsLimit)
	}
	if err != nil {
		mockError(w, err)
		return
	}
	f.mu.Lock()
	page := f.eventsSinceLocked(since, limit)
	f.mu.Unlock()
	mockJSON(w, http.StatusOK, page)
}

// mockTimeline answers GET /_mock/transactions/{id}/timeline.
func (f *Fake) mockTimeline(w http.ResponseWriter, r *http.Request) {
	dashboard.Headers(w)
	if _, err := checkQuery(r); err != nil {
		mockError(w, err)
		return
	}
	f.mu.Lock()
	s, ok := f.sessions.byID[r.PathValue("id")]
	var v *timelineView
	if ok {
		v = f.timelinesLocked(s)[s.id]
	}
	f.mu.Unlock()
	if !ok {
		mockError(w, fmt.Errorf("%w %q", ErrUnknownTransaction, r.PathValue("id")))
		return
	}
	mockJSON(w, http.StatusOK, v)
}

// snapshot is the data a self-contained dashboard shows in place of the live fake's.
type snapshot struct {
	Title string    `json:"title"`
	Taken time.Time `json:"taken"`
	// Sessions are the newest stored ones (at most 500), newest first; Stored counts them all.
	Sessions  []sessionView            `json:"sessions"`
	Stored    int                      `json:"stored"`
	Timelines map[string]*timelineView `json:"timelines"`
	Coverage  *Coverage                `json:"coverage"`
}

// WriteSnapshot writes the dashboard as one self-contained HTML file: the newest 500
// sessions with their timelines (webhook deliveries with the receivers' answers) and the
// coverage, as they are now, for a browser to open from disk with no fake running. It is
// what a [Server] whose test failed writes (see [ReportDirEnv]).
func (f *Fake) WriteSnapshot(w io.Writer) error { return f.writeSnapshot(w, "LakiPay fake") }

func (f *Fake) writeSnapshot(w io.Writer, title string) error {
	f.mu.Lock()
	page := f.sessionsLocked("", 0, maxSnapshotSessions)
	shown := make([]*session, len(page.Sessions))
	for i, v := range page.Sessions {
		shown[i] = f.sessions.byID[v.TransactionID]
	}
	snap := snapshot{Title: title, Taken: f.now().UTC(), Sessions: page.Sessions, Stored: page.Stored,
		Timelines: f.timelinesLocked(shown...), Coverage: f.cov.clone()}
	f.mu.Unlock()
	data, err := json.Marshal(snap) // escapes <, > and &: the data cannot close its <script>
	if err != nil {
		return fmt.Errorf("contracttest: encode snapshot: %w", err)
	}
	out, err := dashboard.Snapshot(data)
	if err != nil {
		return err
	}
	_, err = w.Write(out)
	return err
}

// reportIfFailed writes the dashboard's snapshot when t failed, and logs where: the one
// file to open to see what the fake did and what the receivers answered.
func (s *Server) reportIfFailed(t testing.TB) {
	t.Helper()
	if !t.Failed() {
		return
	}
	path, err := s.writeReport(t.Name())
	if err != nil {
		t.Logf("contracttest: no report of the fake LakiPay: %v", err)
		return
	}
	t.Logf("contracttest: what the fake LakiPay saw (sessions, webhook deliveries and the receiver's answers): %s",
		(&url.URL{Scheme: "file", Path: filepath.ToSlash(path)}).String())
}

// writeReport writes the snapshot of a failed test to a new file in [ReportDirEnv]'s
// directory (made if missing) or the temporary one, and returns its absolute path.
func (s *Server) writeReport(test string) (path string, err error) {
	dir := os.Getenv(ReportDirEnv)
	if dir == "" {
		dir = os.TempDir()
	}
	if err := os.MkdirAll(dir, 0o750); err != nil { //nolint:gosec // G703: the directory is the user's choice (LAKIPAY_REPORT_DIR)
		return "", err
	}
	file, err := os.CreateTemp(dir, "lakipay-"+reportName(test)+"-*.html")
	if err != nil {
		return "", err
	}
	defer func() {
		if cerr := file.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			_ = os.Remove(file.Name()) //nolint:gosec // G703: the file just made; never leave half a report
		}
	}()
	if err := s.writeSnapshot(file, test+" failed"); err != nil {
		return "", err
	}
	return filepath.Abs(file.Name())
}

// reportName is a test's name as a file name: letters, digits, '-' and '_' only, at most 64
// bytes.
func reportName(test string) string {
	name := strings.Map(func(r rune) rune {
		if r == '-' || '0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' {
			return r
		}
		return '_'
	}, test)
	return name[:min(len(name), 64)]
}
