package contracttest_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/contracttest"
)

// flakyReceiver answers its first webhook 500 with a body, as a receiver whose database is
// down would, and every later one 200 "ok".
type flakyReceiver struct {
	mu    sync.Mutex
	calls int
}

const flakyAnswer = `{"error":"database is down: order 42 locked"}`

func (r *flakyReceiver) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	r.mu.Lock()
	r.calls++
	first := r.calls == 1
	r.mu.Unlock()
	if first {
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(flakyAnswer))
		return
	}
	_, _ = w.Write([]byte("ok"))
}

// getJSON GETs a /_mock/ path of srv and decodes its answer into v; it returns the status
// and header.
func getJSON(t *testing.T, srv *contracttest.Server, path string, v any) (int, http.Header) {
	t.Helper()
	status, header, body := call(t, http.DefaultClient, http.MethodGet, srv.Origin()+path, "", nil)
	if v != nil && status == http.StatusOK {
		require.NoError(t, json.Unmarshal(body, v), string(body))
	}
	return status, header
}

// timeline is GET /_mock/transactions/{id}/timeline as the dashboard reads it.
type timeline struct {
	Session struct {
		TransactionID string   `json:"transaction_id"`
		Reference     string   `json:"reference"`
		Amount        string   `json:"amount"`
		Currency      string   `json:"currency"`
		Status        string   `json:"status"`
		Medium        string   `json:"medium"`
		Description   string   `json:"description"`
		Mediums       []string `json:"supported_mediums"`
		CallbackURL   string   `json:"callback_url"`
		Redirects     struct {
			Success string `json:"success"`
			Failed  string `json:"failed"`
		} `json:"redirects"`
		Webhooks struct {
			Accepted int `json:"accepted"`
			Failed   int `json:"failed"`
			Dropped  int `json:"dropped"`
		} `json:"webhooks"`
	} `json:"session"`
	Events []struct {
		Seq        uint64                 `json:"seq"`
		Version    uint64                 `json:"version"`
		Kind       string                 `json:"kind"`
		Count      int                    `json:"count"`
		Status     string                 `json:"status"`
		Medium     string                 `json:"medium"`
		HTTPStatus int                    `json:"http_status"`
		Scripted   string                 `json:"scripted"`
		Delivery   *contracttest.Delivery `json:"delivery"`
	} `json:"events"`
	NotKept   int `json:"not_kept"`
	PushedOut int `json:"pushed_out"`
}

func (tl timeline) kinds() []string {
	out := make([]string, len(tl.Events))
	for i, e := range tl.Events {
		out[i] = e.Kind
		if e.Count > 1 {
			out[i] += fmt.Sprintf("×%d", e.Count)
		}
	}
	return out
}

// TestTimelineShowsWhatHappened follows one session through every step the timeline
// records: created, the hosted page opened twice, paid, a webhook refused with a body and
// retried, transaction detail polled three times (one event) and once answered by a script.
func TestTimelineShowsWhatHappened(t *testing.T) {
	srv := contracttest.NewServer(t, contracttest.WithWebhookRetry(3, 10*time.Millisecond))
	hook := httptest.NewServer(&flakyReceiver{})
	defer hook.Close()
	session := createCheckout(t, srv, "ORDER-42-1", hook.URL+"/lakipay")
	id := session.LakipayTransactionID

	for range 2 {
		status, _ := page(t, session.CheckoutURL)
		require.Equal(t, http.StatusOK, status)
	}
	require.NoError(t, srv.Pay(id, "TELEBIRR"))
	_, err := srv.WaitForSuccessfulDeliveries(t.Context(), 1)
	require.NoError(t, err)
	for range 3 {
		transaction(t, srv, id)
	}
	require.NoError(t, srv.InjectFault(contracttest.OpGetTransaction, contracttest.FaultRateLimited))
	status, _, _ := call(t, http.DefaultClient, http.MethodGet, srv.URL()+"/payment/transaction/"+id, testKey, nil)
	require.Equal(t, http.StatusTooManyRequests, status)

	var tl timeline
	status, _ = getJSON(t, srv, "/_mock/transactions/"+id+"/timeline", &tl)
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, []string{"created", "page_opened×2", "status", "delivery", "delivery", "detail×3", "detail"}, tl.kinds())

	s := tl.Session
	assert.Equal(t, "ORDER-42-1", s.Reference)
	assert.Equal(t, "1000.50", s.Amount)
	assert.Equal(t, "ETB", s.Currency)
	assert.Equal(t, "SUCCESS", s.Status)
	assert.Equal(t, "TELEBIRR", s.Medium)
	assert.Equal(t, "Payment for order #123", s.Description)
	assert.Equal(t, []string{"MPESA", "TELEBIRR", "CBE"}, s.Mediums)
	assert.Equal(t, hook.URL+"/lakipay", s.CallbackURL)
	assert.Equal(t, "https://example.com/success", s.Redirects.Success)
	assert.Equal(t, "https://example.com/failed", s.Redirects.Failed)
	assert.Equal(t, 1, s.Webhooks.Accepted)
	assert.Equal(t, 1, s.Webhooks.Failed)

	paid := tl.Events[2]
	assert.Equal(t, "SUCCESS", paid.Status)
	assert.Equal(t, "TELEBIRR", paid.Medium)

	refused, retried := tl.Events[3].Delivery, tl.Events[4].Delivery
	require.NotNil(t, refused)
	require.NotNil(t, retried)
	assert.Equal(t, 1, refused.Attempt)
	assert.Equal(t, http.StatusInternalServerError, refused.HTTPStatus)
	assert.Equal(t, flakyAnswer, refused.Answer, "the receiver's answer is kept, as it came")
	assert.Equal(t, len(flakyAnswer), refused.AnswerSize)
	assert.Positive(t, refused.Latency)
	assert.Equal(t, contracttest.CaseGenuine, refused.Case)
	assert.Contains(t, string(refused.Body), `"reference":"ORDER-42-1"`)
	assert.Equal(t, 2, retried.Attempt)
	assert.Equal(t, http.StatusOK, retried.HTTPStatus)
	assert.Equal(t, "ok", retried.Answer)

	polled, scripted := tl.Events[5], tl.Events[6]
	assert.Equal(t, "SUCCESS", polled.Status)
	assert.Equal(t, http.StatusOK, polled.HTTPStatus)
	assert.Equal(t, "rate_limited", scripted.Scripted)
	assert.Equal(t, http.StatusTooManyRequests, scripted.HTTPStatus)

	// The deliveries endpoint carries the same answers.
	var deliveries []map[string]any
	getJSON(t, srv, "/_mock/deliveries?transaction_id="+id, &deliveries)
	require.Len(t, deliveries, 2)
	assert.Equal(t, flakyAnswer, deliveries[0]["answer"])
	assert.InDelta(t, len(flakyAnswer), deliveries[0]["answer_size"], 0)
	assert.Positive(t, deliveries[0]["latency_ns"])
}

// TestDeliveryAnswerIsPerAttempt: an attempt that gets no answer never shows the answer of
// the attempt before it (the record is reused from attempt to attempt).
func TestDeliveryAnswerIsPerAttempt(t *testing.T) {
	var calls sync.Mutex
	n := 0
	release := make(chan struct{})
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		calls.Lock()
		n++
		first := n == 1
		calls.Unlock()
		if first {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("try later"))
			return
		}
		<-release // no answer: the attempt times out
	}))
	defer hook.Close()
	defer close(release)
	srv := contracttest.NewServer(t, contracttest.WithWebhookRetry(2, time.Millisecond),
		contracttest.WithWebhookTimeout(200*time.Millisecond))
	id := createCheckout(t, srv, "R-answer-reset", hook.URL).LakipayTransactionID
	require.NoError(t, srv.Cancel(id))
	got, err := srv.WaitForDeliveries(t.Context(), 2)
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, "try later", got[0].Answer)
	assert.Equal(t, 0, got[1].HTTPStatus)
	assert.NotEmpty(t, got[1].Err)
	assert.Empty(t, got[1].Answer, "attempt 2 got no answer, yet shows attempt 1's")
	assert.Zero(t, got[1].AnswerSize)
	assert.GreaterOrEqual(t, got[1].Latency, 200*time.Millisecond, "the timed-out attempt's latency is its wait")
}

// TestWaitQuotesTheReceiversAnswer: when the webhooks a test waits for were refused, the
// error quotes what the receiver answered (its start, for a long answer).
func TestWaitQuotesTheReceiversAnswer(t *testing.T) {
	for _, tc := range []struct{ answer, want string }{
		{flakyAnswer, `attempt 1: HTTP 500, answered "{\"error\":\"database is down: order 42 locked\"}"`},
		{strings.Repeat("é", 150), `answered "` + strings.Repeat("é", 100) + `..."`},
	} {
		srv := contracttest.NewServer(t, contracttest.WithWebhookRetry(1, 0))
		hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte(tc.answer))
		}))
		id := createCheckout(t, srv, "R-wait-answer", hook.URL).LakipayTransactionID
		require.NoError(t, srv.Pay(id, "MPESA"))
		_, err := srv.WaitForSuccessfulDeliveries(t.Context(), 1)
		hook.Close()
		require.ErrorIs(t, err, contracttest.ErrWebhookNotAccepted)
		assert.Contains(t, err.Error(), tc.want)
	}
}

// sessionsPage is GET /_mock/sessions.
type sessionsPage struct {
	Sessions []struct {
		TransactionID string `json:"transaction_id"`
		Reference     string `json:"reference"`
	} `json:"sessions"`
	NextBefore uint64 `json:"next_before"`
	Stored     int    `json:"stored"`
	Version    uint64 `json:"version"`
}

func (p sessionsPage) references() []string {
	out := make([]string, len(p.Sessions))
	for i, s := range p.Sessions {
		out[i] = s.Reference
	}
	return out
}

// TestSessionsNewestFirstPagedAndFiltered: the list the dashboard shows, newest first, a
// page at a time, filtered by transaction id or reference in any case.
func TestSessionsNewestFirstPagedAndFiltered(t *testing.T) {
	srv := contracttest.NewServer(t)
	var ids []string
	for _, ref := range []string{"ORDER-1", "order-2", "REFUND-3", "ORDER-4", "ORDER-5"} {
		ids = append(ids, createCheckout(t, srv, ref, "").LakipayTransactionID)
	}

	var first, second, third sessionsPage
	getJSON(t, srv, "/_mock/sessions?limit=2", &first)
	assert.Equal(t, []string{"ORDER-5", "ORDER-4"}, first.references())
	assert.Equal(t, 5, first.Stored)
	require.NotZero(t, first.NextBefore)
	getJSON(t, srv, fmt.Sprintf("/_mock/sessions?limit=2&before=%d", first.NextBefore), &second)
	assert.Equal(t, []string{"REFUND-3", "order-2"}, second.references())
	getJSON(t, srv, fmt.Sprintf("/_mock/sessions?limit=2&before=%d", second.NextBefore), &third)
	assert.Equal(t, []string{"ORDER-1"}, third.references())
	assert.Zero(t, third.NextBefore, "the last page says so")

	// A session created while paging does not shift the pages after it.
	createCheckout(t, srv, "ORDER-6", "")
	var again sessionsPage
	getJSON(t, srv, fmt.Sprintf("/_mock/sessions?limit=2&before=%d", first.NextBefore), &again)
	assert.Equal(t, second.references(), again.references())

	for _, tc := range []struct{ q, want string }{
		{"order", "ORDER-6 ORDER-5 ORDER-4 order-2 ORDER-1"},
		{"OrDeR-2", "order-2"},
		{"  refund ", "REFUND-3"},
		{ids[2], "REFUND-3"},
		{strings.ToLower(ids[0][4:]), "ORDER-1"},
		{"no such thing", ""},
	} {
		var got sessionsPage
		getJSON(t, srv, "/_mock/sessions?q="+url.QueryEscape(tc.q), &got)
		assert.Equal(t, tc.want, strings.Join(got.references(), " "), "q=%q", tc.q)
		assert.NotNil(t, got.Sessions, "q=%q: [] when none", tc.q)
	}
}

// TestDashboardJSONRefusesBadQueries names the parameter and the rule, as every /_mock/
// endpoint does.
func TestDashboardJSONRefusesBadQueries(t *testing.T) {
	srv := contracttest.NewServer(t)
	for _, tc := range []struct{ path, want string }{
		{"/_mock/sessions?limit=0", `limit "0" is not an integer in 1..200`},
		{"/_mock/sessions?limit=201", `limit "201" is not an integer in 1..200`},
		{"/_mock/sessions?before=-1", `before "-1" is not a non-negative integer`},
		{"/_mock/sessions?q=" + strings.Repeat("x", 201), "q is 201 bytes long, at most 200"},
		{"/_mock/sessions?page=2", `unknown query parameter "page" (q, before, limit)`},
		{"/_mock/sessions?limit=1&limit=2", "limit given 2 times, want it once"},
		{"/_mock/events?since=x", `since "x" is not a non-negative integer`},
		{"/_mock/events?limit=1001", `limit "1001" is not an integer in 1..1000`},
		{"/_mock/transactions/TXN-1/timeline?x=1", `unknown query parameter "x" (none taken)`},
	} {
		status, message := mockFailure(t, srv, tc.path)
		assert.Equal(t, http.StatusBadRequest, status, tc.path)
		assert.Equal(t, "contracttest: bad /_mock/ request: "+tc.want, message, tc.path)
	}
	status, message := mockFailure(t, srv, "/_mock/transactions/TXN-nope/timeline")
	assert.Equal(t, http.StatusNotFound, status)
	assert.Equal(t, `contracttest: unknown transaction "TXN-nope"`, message)
}

// mockFailure GETs a /_mock/ path and returns the status and the {"error"} message.
func mockFailure(t *testing.T, srv *contracttest.Server, path string) (int, string) {
	t.Helper()
	status, _, body := call(t, http.DefaultClient, http.MethodGet, srv.Origin()+path, "", nil)
	var answer struct {
		Error string `json:"error"`
	}
	require.NoError(t, json.Unmarshal(body, &answer), string(body))
	return status, answer.Error
}

// eventsPage is GET /_mock/events.
type eventsPage struct {
	Events []struct {
		Version       uint64 `json:"version"`
		Kind          string `json:"kind"`
		TransactionID string `json:"transaction_id"`
		Count         int    `json:"count"`
	} `json:"events"`
	Next    uint64 `json:"next"`
	More    bool   `json:"more"`
	Version uint64 `json:"version"`
}

// TestEventsFollowChanges: the cursor the dashboard polls gives what changed since, in
// order, a page at a time; a folded repeat comes again with its new count.
func TestEventsFollowChanges(t *testing.T) {
	srv := contracttest.NewServer(t)
	var start eventsPage
	getJSON(t, srv, "/_mock/events", &start)
	assert.Empty(t, start.Events)

	id := createCheckout(t, srv, "R-events", "").LakipayTransactionID
	transaction(t, srv, id)
	require.NoError(t, srv.Cancel(id))
	transaction(t, srv, id)
	transaction(t, srv, id) // folds into the one before

	var all eventsPage
	getJSON(t, srv, fmt.Sprintf("/_mock/events?since=%d", start.Version), &all)
	var kinds []string
	for _, e := range all.Events {
		kinds = append(kinds, fmt.Sprintf("%s×%d", e.Kind, e.Count))
		assert.Equal(t, id, e.TransactionID)
	}
	assert.Equal(t, []string{"created×1", "detail×1", "status×1", "detail×2"}, kinds)
	assert.False(t, all.More)
	assert.Equal(t, all.Version, all.Next)

	var first, rest eventsPage
	getJSON(t, srv, fmt.Sprintf("/_mock/events?since=%d&limit=3", start.Version), &first)
	require.Len(t, first.Events, 3)
	assert.True(t, first.More)
	getJSON(t, srv, fmt.Sprintf("/_mock/events?since=%d", first.Next), &rest)
	require.Len(t, rest.Events, 1)
	assert.Equal(t, "detail", rest.Events[0].Kind)

	var quiet eventsPage
	getJSON(t, srv, fmt.Sprintf("/_mock/events?since=%d", all.Version), &quiet)
	assert.Empty(t, quiet.Events)
	assert.Equal(t, all.Version, quiet.Version, "nothing changed")

	transaction(t, srv, id) // a third poll: the same event, counted again
	var folded eventsPage
	getJSON(t, srv, fmt.Sprintf("/_mock/events?since=%d", all.Version), &folded)
	require.Len(t, folded.Events, 1)
	assert.Equal(t, 3, folded.Events[0].Count)

	_, _, _ = call(t, http.DefaultClient, http.MethodPost, srv.Origin()+"/_mock/reset", "", nil)
	var reset eventsPage
	getJSON(t, srv, fmt.Sprintf("/_mock/events?since=%d", folded.Version), &reset)
	require.Len(t, reset.Events, 1)
	assert.Equal(t, "reset", reset.Events[0].Kind)
	assert.Greater(t, reset.Version, folded.Version, "a reset never moves the cursor back")
}

// TestDashboardIsServedUnderAStrictPolicy: the page, its script and style sheet and the
// JSON it reads are served with a Content-Security-Policy that lets no inline script or
// style run and nothing else load, and with nosniff; the page carries no inline script,
// style or event handler that such a policy would have to allow.
func TestDashboardIsServedUnderAStrictPolicy(t *testing.T) {
	srv := contracttest.NewServer(t)
	id := createCheckout(t, srv, "R-policy", "").LakipayTransactionID
	assert.Equal(t, srv.Origin()+"/_mock/dashboard", srv.DashboardURL())
	for _, tc := range []struct{ path, contentType string }{
		{"/_mock/dashboard", "text/html; charset=utf-8"},
		{"/_mock/", "text/html; charset=utf-8"},
		{"/_mock/dashboard/app.js", "text/javascript; charset=utf-8"},
		{"/_mock/dashboard/style.css", "text/css; charset=utf-8"},
		{"/_mock/sessions", "application/json"},
		{"/_mock/events", "application/json"},
		{"/_mock/transactions/" + id + "/timeline", "application/json"},
	} {
		status, header, body := call(t, http.DefaultClient, http.MethodGet, srv.Origin()+tc.path, "", nil)
		require.Equal(t, http.StatusOK, status, tc.path)
		assert.Equal(t, tc.contentType, header.Get("Content-Type"), tc.path)
		assert.Equal(t, "nosniff", header.Get("X-Content-Type-Options"), tc.path)
		assert.Equal(t, "DENY", header.Get("X-Frame-Options"), tc.path)
		assert.Equal(t, "no-store", header.Get("Cache-Control"), tc.path)
		csp := directives(header.Get("Content-Security-Policy"))
		assert.Equal(t, "'none'", csp["default-src"], tc.path)
		assert.Equal(t, "'self'", csp["script-src"], tc.path)
		assert.Equal(t, "'self'", csp["style-src"], tc.path)
		assert.Equal(t, "'none'", csp["object-src"], tc.path)
		assert.Equal(t, "'none'", csp["frame-ancestors"], tc.path)
		assert.Equal(t, "'none'", csp["base-uri"], tc.path)
		assert.NotContains(t, header.Get("Content-Security-Policy"), "unsafe", tc.path)
		assert.NotEmpty(t, body, tc.path)
	}

	_, _, html := call(t, http.DefaultClient, http.MethodGet, srv.DashboardURL(), "", nil)
	scripts := regexp.MustCompile(`(?is)<script\b[^>]*>`).FindAllString(string(html), -1)
	require.Len(t, scripts, 1)
	assert.Contains(t, scripts[0], `src="dashboard/app.js"`, "the page's only script is the file")
	assert.NotRegexp(t, `(?i)<style\b`, string(html), "no inline style sheet")
	assert.NotRegexp(t, `(?i)\sstyle\s*=`, string(html), "no inline style attribute")
	assert.NotRegexp(t, `(?i)\son[a-z]+\s*=`, string(html), "no inline event handler")

	status, _, _ := call(t, http.DefaultClient, http.MethodGet, srv.Origin()+"/_mock/dashboard/index.html", "", nil)
	assert.Equal(t, http.StatusNotFound, status, "only the script and the style sheet are files")
}

// directives splits a Content-Security-Policy into its directives' values.
func directives(policy string) map[string]string {
	out := map[string]string{}
	for _, d := range strings.Split(policy, ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(d), " ")
		out[name] = value
	}
	return out
}

// TestDashboardScriptNeverParsesHTML: the script builds the page from elements and text
// nodes only. Each of these would turn a reference such as "<img src=x onerror=...>" into
// markup; the Content-Security-Policy would stop the handler from running, but not the
// markup from replacing what the page should show.
func TestDashboardScriptNeverParsesHTML(t *testing.T) {
	srv := contracttest.NewServer(t)
	_, _, js := call(t, http.DefaultClient, http.MethodGet, srv.Origin()+"/_mock/dashboard/app.js", "", nil)
	require.NotEmpty(t, js)
	for _, sink := range []string{
		"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "createContextualFragment",
		"DOMParser", "srcdoc", "eval(", "new Function", "javascript:", "setHTML", "parseHTMLUnsafe",
		".href", ".src", "setAttribute(\"on", "setAttribute('on",
	} {
		assert.NotContains(t, string(js), sink, "the dashboard's script uses %s", sink)
	}
	assert.NotRegexp(t, `setTimeout\(\s*["'\x60]`, string(js), "a string handed to setTimeout is evaluated")
	// el() sets only the attributes its allow-list names: never an event handler, a URL or
	// a style.
	allow := regexp.MustCompile(`const ATTRIBUTES = /(.*)/;`).FindSubmatch(js)
	require.Len(t, allow, 2, "the script's attribute allow-list")
	re := regexp.MustCompile(string(allow[1]))
	for _, name := range []string{"onclick", "onerror", "href", "src", "style", "srcdoc", "formaction"} {
		assert.False(t, re.MatchString(name), "el() would set %s", name)
	}
	for _, name := range []string{"title", "data-id", "aria-selected", "tabindex"} {
		assert.True(t, re.MatchString(name), "el() refuses %s, which the page sets", name)
	}
}

// TestDashboardNeverShowsTheAPIKey: nothing the dashboard serves, live or as a snapshot,
// holds the API key, its secret, or a digest of it (the fake keeps only a SHA-256 of a
// pinned key, and never in what it shows).
func TestDashboardNeverShowsTheAPIKey(t *testing.T) {
	const key = "pk_test_dash:sk_test_dashboard_secret_42"
	srv := contracttest.NewServer(t, contracttest.WithAPIKey(key), contracttest.WithWebhookRetry(2, time.Millisecond))
	hook := httptest.NewServer(&flakyReceiver{})
	defer hook.Close()
	status, _, body := call(t, validated(t), http.MethodPost, srv.URL()+"/payment/checkout", key, checkoutBody(t, "R-key", hook.URL))
	require.Equal(t, http.StatusOK, status, string(body))
	var created struct {
		Data struct {
			ID string `json:"lakipay_transaction_id"`
		} `json:"data"`
	}
	require.NoError(t, json.Unmarshal(body, &created))
	id := created.Data.ID
	call(t, validated(t), http.MethodGet, srv.URL()+"/payment/transaction/"+id, key, nil)
	call(t, http.DefaultClient, http.MethodGet, srv.URL()+"/payment/transaction/"+id, "pk_test_dash:sk_test_wrong_secret", nil) // 401
	require.NoError(t, srv.Pay(id, "MPESA"))
	_, err := srv.WaitForSuccessfulDeliveries(t.Context(), 1)
	require.NoError(t, err)

	sum := sha256.Sum256([]byte(key))
	forbidden := []string{key, "sk_test_dashboard_secret_42", "sk_test_wrong_secret", hex.EncodeToString(sum[:]),
		base64.StdEncoding.EncodeToString(sum[:]), base64.StdEncoding.EncodeToString([]byte(key))}
	var shown []string
	for _, path := range []string{"/_mock/dashboard", "/_mock/sessions", "/_mock/events", "/_mock/transactions/" + id + "/timeline", "/_mock/deliveries"} {
		_, _, body := call(t, http.DefaultClient, http.MethodGet, srv.Origin()+path, "", nil)
		shown = append(shown, string(body))
	}
	var snap strings.Builder
	require.NoError(t, srv.WriteSnapshot(&snap))
	shown = append(shown, snap.String())
	require.Contains(t, shown[3], `"reference":"R-key"`, "the timeline holds the session")
	for _, text := range shown {
		for _, secret := range forbidden {
			assert.NotContains(t, text, secret)
		}
	}
}

// The references a hostile merchant (or shopper) could make the dashboard show.
var hostileReferences = []string{
	`<script>alert(1)</script>`,
	`"><img src=x onerror=alert(1)>`,
	`</script><script>alert(2)</script>`,
	`<!--<script>`,
	"\u2028</ScRiPt >",
}

// TestSnapshotIsSelfContainedAndEscaped: the snapshot a failed test leaves is one file that
// loads nothing, whose data block no reference, description or receiver's answer can close,
// and whose policy lets exactly its own inlined script and style sheet run.
func TestSnapshotIsSelfContainedAndEscaped(t *testing.T) {
	srv := contracttest.NewServer(t, contracttest.WithWebhookRetry(1, time.Millisecond))
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`</script><script>alert("answer")</script>`))
	}))
	defer hook.Close()
	for i, ref := range hostileReferences {
		id := createCheckout(t, srv, ref, hook.URL).LakipayTransactionID
		if i == 0 {
			require.NoError(t, srv.Pay(id, "MPESA"))
		}
	}
	_, err := srv.WaitForDeliveries(t.Context(), 1)
	require.NoError(t, err)

	var out strings.Builder
	require.NoError(t, srv.WriteSnapshot(&out))
	html := out.String()

	openers := regexp.MustCompile(`(?i)<script\b[^>]*>`).FindAllStringIndex(html, -1)
	closers := regexp.MustCompile(`(?i)</script`).FindAllStringIndex(html, -1)
	require.Len(t, openers, 2, "one data block and one script, nothing a reference opened")
	require.Len(t, closers, 2, "nothing in the data closes a script element")
	assert.Equal(t, `<script id="snapshot" type="application/json">`, html[openers[0][0]:openers[0][1]])
	assert.Equal(t, `<script>`, html[openers[1][0]:openers[1][1]])
	dataText := html[openers[0][1]:closers[0][0]]
	assert.False(t, strings.Contains(dataText, "<"), "the data holds a <, which could open a comment or a tag")
	markup := html[:openers[0][1]] + html[closers[0][0]:]
	assert.False(t, regexp.MustCompile(`(?i)\s(src|href)\s*=`).MatchString(markup), "the snapshot loads a file")

	var data struct {
		Sessions []struct {
			Reference string `json:"reference"`
		} `json:"sessions"`
		Timelines map[string]json.RawMessage `json:"timelines"`
	}
	require.NoError(t, json.Unmarshal([]byte(dataText), &data))
	var refs []string
	for _, s := range data.Sessions {
		refs = append(refs, s.Reference)
	}
	assert.ElementsMatch(t, hostileReferences, refs, "the data holds each reference exactly")
	assert.Len(t, data.Timelines, len(hostileReferences))
	assert.True(t, strings.Contains(dataText, `"answer":"\u003c/script\u003e\u003cscript\u003ealert(\"answer\")\u003c/script\u003e"`),
		"the receiver's answer is in the data, escaped")

	script := html[openers[1][1]:closers[1][0]]
	styleAt := regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindStringSubmatch(html)
	require.Len(t, styleAt, 2)
	policy := regexp.MustCompile(`<meta http-equiv="Content-Security-Policy" content="([^"]+)">`).FindStringSubmatch(html)
	require.Len(t, policy, 2)
	csp := directives(policy[1])
	assert.Equal(t, "'"+hashSource(script)+"'", csp["script-src"], "the policy lets exactly the inlined script run")
	assert.Equal(t, "'"+hashSource(styleAt[1])+"'", csp["style-src"], "the policy lets exactly the inlined style sheet apply")
	assert.Equal(t, "'none'", csp["default-src"])
	assert.Equal(t, "'none'", csp["object-src"])
	assert.Less(t, strings.Index(html, policy[0]), strings.Index(html, "<style>"), "the policy comes before what it rules")
}

func hashSource(text string) string {
	sum := sha256.Sum256([]byte(text))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

// failingTB is a test that failed: what a Server's cleanup sees after a failing test.
type failingTB struct {
	testing.TB
	failed bool
	logs   []string
}

func (f *failingTB) Helper()      {}
func (f *failingTB) Failed() bool { return f.failed }
func (f *failingTB) Logf(format string, args ...any) {
	f.logs = append(f.logs, fmt.Sprintf(format, args...))
}

// TestFailedTestLeavesAReport: when a test using NewServer fails, one file is written (to
// LAKIPAY_REPORT_DIR, made if missing) and its file:// address logged; it shows the
// receiver's 500, its answer and the retry. A passing test writes nothing.
func TestFailedTestLeavesAReport(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "reports", "lakipay")
	t.Setenv(contracttest.ReportDirEnv, dir)

	run := func(name string, failed bool) *failingTB {
		var tb *failingTB
		t.Run(name, func(t *testing.T) {
			hook := httptest.NewServer(&flakyReceiver{})
			defer hook.Close()
			tb = &failingTB{TB: t, failed: failed}
			srv := contracttest.NewServer(tb, contracttest.WithWebhookRetry(3, time.Millisecond))
			id := createCheckout(t, srv, "ORDER-"+name, hook.URL).LakipayTransactionID
			require.NoError(t, srv.Pay(id, "MPESA"))
			_, err := srv.WaitForSuccessfulDeliveries(t.Context(), 1)
			require.NoError(t, err)
		})
		return tb
	}

	passed := run("passes", false)
	assert.Empty(t, passed.logs)
	assert.NoDirExists(t, dir, "a passing test wrote a report")

	failed := run("fails/sub test", true)
	require.Len(t, failed.logs, 1)
	m := regexp.MustCompile(`: (file://\S+\.html)$`).FindStringSubmatch(failed.logs[0])
	require.Len(t, m, 2, failed.logs[0])
	u, err := url.Parse(m[1])
	require.NoError(t, err)
	assert.Equal(t, dir, filepath.Dir(u.Path))
	assert.Regexp(t, `^lakipay-TestFailedTestLeavesAReport_fails_sub_test-\d+\.html$`, filepath.Base(u.Path))
	report, err := os.ReadFile(u.Path)
	require.NoError(t, err)
	for _, want := range []string{
		`"reference":"ORDER-fails/sub test"`,
		`"http_status":500`,
		`"answer":"{\"error\":\"database is down: order 42 locked\"}"`,
		`"attempt":2`,
		`"title":"TestFailedTestLeavesAReport/fails/sub_test failed"`,
	} {
		assert.True(t, strings.Contains(string(report), want), "the report lacks %s", want)
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "one report per failed test")
}

// TestDashboardReadsTheLiveFake reads the dashboard's JSON while the API changes the
// fake (run with -race): what it reads is consistent, and reading never stops the API.
func TestDashboardReadsTheLiveFake(t *testing.T) {
	srv := contracttest.NewServer(t)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for _, path := range []string{"/_mock/sessions?limit=200&q=load", "/_mock/events?limit=1000", "/_mock/dashboard"} {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				resp, err := http.Get(srv.Origin() + path) //nolint:noctx // a loop that ends with the test
				if !assert.NoError(t, err) {
					return
				}
				_ = resp.Body.Close()
				assert.Equal(t, http.StatusOK, resp.StatusCode, path)
			}
		})
	}
	for i := range 40 {
		id := createCheckout(t, srv, fmt.Sprintf("LOAD-%d", i), "").LakipayTransactionID
		transaction(t, srv, id)
		require.NoError(t, srv.Cancel(id))
	}
	close(stop)
	wg.Wait()
	var p sessionsPage
	getJSON(t, srv, "/_mock/sessions?limit=200", &p)
	assert.Len(t, p.Sessions, 40)
	assert.Equal(t, "LOAD-39", p.Sessions[0].Reference)
}
