package contracttest_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/contracttest"
)

// rawCall sends one request and returns status, header and body, following no redirect.
func rawCall(t *testing.T, method, url string, body []byte) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, bytesReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-API-Key", testKey)
	resp, err := noRedirect.Do(req)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	out, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header, out
}

// TestWebhookRedirectsAreNotFollowed points the callback_url at a receiver that redirects
// to another one: every attempt is recorded with the redirect's own status and retried, and
// the target never hears of the webhook (a 302 must not turn into a GET counted as 200, a
// 307 must not post the webhook elsewhere).
func TestWebhookRedirectsAreNotFollowed(t *testing.T) {
	for _, code := range []int{http.StatusFound, http.StatusTemporaryRedirect} {
		t.Run(strconv.Itoa(code), func(t *testing.T) {
			var targetHits, redirects atomic.Int32
			target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				targetHits.Add(1)
				w.WriteHeader(http.StatusOK)
			}))
			defer target.Close()
			redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				redirects.Add(1)
				http.Redirect(w, r, target.URL+"/hook", code)
			}))
			defer redirector.Close()
			srv := contracttest.NewServer(t, contracttest.WithWebhookRetry(3, time.Millisecond))
			s := createCheckout(t, srv, "R-redirect", redirector.URL)
			require.NoError(t, srv.Pay(s.LakipayTransactionID, client.MediumMPESA))
			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()
			require.NoError(t, srv.WaitIdle(ctx))

			deliveries := srv.Deliveries()
			require.Len(t, deliveries, 3, "a redirect is a failed attempt, retried like any other")
			for i, d := range deliveries {
				assert.Equal(t, i+1, d.Attempt)
				assert.Equal(t, code, d.HTTPStatus, "the receiver's real status is recorded")
				assert.False(t, d.OK())
			}
			assert.Equal(t, int32(3), redirects.Load())
			assert.Equal(t, int32(0), targetHits.Load(), "the redirect target never got a request")
			assert.Equal(t, 3, srv.Coverage().Operations["receivePaymentWebhook"][strconv.Itoa(code)],
				"coverage counts the receivers' real answers")
		})
	}
}

// silentReceiver is a webhook receiver that accepts connections, reads what comes and never
// answers. It returns its URL and how many connections it holds open.
func silentReceiver(t *testing.T) (string, *atomic.Int32) {
	t.Helper()
	var lc net.ListenConfig
	ln, err := lc.Listen(t.Context(), "tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var open atomic.Int32
	var wg sync.WaitGroup
	conns := make(chan net.Conn, 1024)
	wg.Go(func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			open.Add(1)
			select {
			case conns <- conn:
			default:
			}
			wg.Go(func() {
				defer open.Add(-1)
				defer func() { _ = conn.Close() }()
				_, _ = io.Copy(io.Discard, conn) // until the fake gives up on it
			})
		}
	})
	t.Cleanup(func() {
		_ = ln.Close()
		for {
			select {
			case c := <-conns:
				_ = c.Close()
				continue
			default:
			}
			break
		}
		wg.Wait()
	})
	return "http://" + ln.Addr().String() + "/hook", &open
}

// deafReceiver is a listener that never accepts: connections complete in the kernel's
// backlog and are never served. It returns its URL.
func deafReceiver(t *testing.T) string {
	t.Helper()
	var lc net.ListenConfig
	ln, err := lc.Listen(t.Context(), "tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = ln.Close() })
	return "http://" + ln.Addr().String() + "/hook"
}

// openFDs counts the process's open file descriptors.
func openFDs(t *testing.T) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	require.NoError(t, err)
	return len(entries)
}

// soakWebhooks is how many webhooks TestSoakWebhooksToDeadReceivers sends to each receiver;
// LAKIPAY_SOAK_WEBHOOKS raises it for a run by hand.
func soakWebhooks(t *testing.T) int {
	n := 1500
	if v := os.Getenv("LAKIPAY_SOAK_WEBHOOKS"); v != "" {
		var err error
		n, err = strconv.Atoi(v)
		require.NoError(t, err, "LAKIPAY_SOAK_WEBHOOKS")
	}
	return n
}

// TestSoakWebhooksToDeadReceivers sends thousands of webhooks (with the default limits) to a
// receiver that never accepts and to one that accepts and never answers, while the API is
// used: every API request must succeed and the process's open descriptors must stay bounded
// by the worker pool, whatever the number of pending webhooks. It logs the descriptors and
// the API latency percentiles (go test -v); set LAKIPAY_SOAK_WEBHOOKS to send more.
func TestSoakWebhooksToDeadReceivers(t *testing.T) {
	if testing.Short() {
		t.Skip("soak test skipped in -short mode")
	}
	if runtime.GOOS != "linux" {
		t.Skip("counts descriptors in /proc/self/fd")
	}
	n := soakWebhooks(t)
	for _, tc := range []struct {
		name     string
		receiver func(t *testing.T) string
	}{
		{"never accepts", deafReceiver},
		{"accepts and never answers", func(t *testing.T) string { u, _ := silentReceiver(t); return u }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hook := tc.receiver(t)
			srv := contracttest.NewServer(t)
			api := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
			defer api.CloseIdleConnections()
			baseline := openFDs(t)
			peak := baseline
			latencies := make([]time.Duration, 0, 2*n)
			for i := range n {
				start := time.Now()
				status, _, body := call(t, api, http.MethodPost, srv.URL()+"/payment/checkout", testKey,
					checkoutBody(t, fmt.Sprintf("SOAK-%d", i), hook))
				latencies = append(latencies, time.Since(start))
				require.Equal(t, http.StatusOK, status, "checkout %d: %s", i, body)
				var created client.CheckoutResponse
				require.NoError(t, json.Unmarshal(body, &created))
				start = time.Now()
				status, _, body = call(t, api, http.MethodPost, srv.Origin()+"/_mock/transactions/"+created.Data.LakipayTransactionID+"/pay", "", []byte(`{"medium":"MPESA"}`))
				latencies = append(latencies, time.Since(start))
				require.Equal(t, http.StatusOK, status, "pay %d: %s", i, body)
				if i%50 == 0 {
					peak = max(peak, openFDs(t))
				}
			}
			peak = max(peak, openFDs(t))
			for _, d := range srv.Deliveries() {
				assert.False(t, d.Dropped, "the default queue holds them all")
				assert.Zero(t, d.HTTPStatus)
				assert.NotEmpty(t, d.Err)
			}
			// The fake holds at most one connection per worker in flight and as many idle; the
			// in-process receiver holds the other end of each.
			bound := 4*contracttest.DefaultWebhookWorkers + 50
			assert.Less(t, peak-baseline, bound, "descriptors opened while %d webhooks were pending", n)
			slices.Sort(latencies)
			t.Logf("%d webhooks pending to a receiver that %s: %d descriptors at peak (%d before, %d more); API p50 %s, p99 %s, max %s over %d requests",
				n, tc.name, peak, baseline, peak-baseline, latencies[len(latencies)/2], latencies[len(latencies)*99/100],
				latencies[len(latencies)-1], len(latencies))
		})
	}
}

// TestWebhookAttemptTimesOut checks that an attempt to a receiver that never answers ends
// after the webhook timeout, is recorded with why, and is retried.
func TestWebhookAttemptTimesOut(t *testing.T) {
	hook, open := silentReceiver(t)
	srv := contracttest.NewServer(t, contracttest.WithWebhookTimeout(100*time.Millisecond), contracttest.WithWebhookRetry(2, time.Millisecond))
	s := createCheckout(t, srv, "R-timeout", hook)
	require.NoError(t, srv.Pay(s.LakipayTransactionID, client.MediumMPESA))
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	require.NoError(t, srv.WaitIdle(ctx))
	deliveries := srv.Deliveries()
	require.Len(t, deliveries, 2)
	for _, d := range deliveries {
		assert.Zero(t, d.HTTPStatus)
		assert.Equal(t, "no answer within 100ms (the webhook timeout)", d.Err)
	}
	assert.Eventually(t, func() bool { return open.Load() == 0 }, 10*time.Second, 10*time.Millisecond,
		"the fake closed the connections of the attempts that timed out")
}

// blockingReceiver answers 200 once release is closed.
func blockingReceiver(t *testing.T) (url string, release func()) {
	t.Helper()
	gate := make(chan struct{})
	var once sync.Once
	release = func() { once.Do(func() { close(gate) }) }
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-gate:
		case <-r.Context().Done():
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(func() { release(); hook.Close() })
	return hook.URL, release
}

// TestFullWebhookQueueDrops checks that a webhook beyond the queue's limit is recorded as
// dropped, with the reason, and that the API and the queued webhooks are unaffected.
func TestFullWebhookQueueDrops(t *testing.T) {
	hook, release := blockingReceiver(t)
	srv := contracttest.NewServer(t, contracttest.WithWebhookWorkers(1), contracttest.WithWebhookQueue(2))
	var ids []string
	for i := range 3 {
		s := createCheckout(t, srv, fmt.Sprintf("R-queue-%d", i), hook)
		require.NoError(t, srv.Pay(s.LakipayTransactionID, client.MediumMPESA), "paying never waits for the queue")
		ids = append(ids, s.LakipayTransactionID)
	}
	deliveries := srv.Deliveries()
	require.Len(t, deliveries, 1, "only the dropped webhook is recorded while the others are pending")
	d := deliveries[0]
	assert.True(t, d.Dropped)
	assert.Equal(t, ids[2], d.TransactionID)
	assert.Zero(t, d.Attempt)
	assert.Equal(t, "dropped: 2 webhooks already pending (the webhook queue's limit)", d.Err)
	assert.NotEmpty(t, d.Body, "the webhook that would have been sent")

	release()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	require.NoError(t, srv.WaitIdle(ctx))
	var ok []string
	for _, d := range srv.Deliveries() {
		if d.OK() {
			ok = append(ok, d.TransactionID)
		}
	}
	assert.ElementsMatch(t, ids[:2], ok, "the queued webhooks were delivered")
}

// TestResetStopsPendingWebhooks checks that Reset drops pending webhooks at once and leaves
// an empty delivery list ([] over HTTP, never null).
func TestResetStopsPendingWebhooks(t *testing.T) {
	var hits atomic.Int32
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer hook.Close()
	srv := contracttest.NewServer(t, contracttest.WithWebhookRetry(20, time.Hour))
	s := createCheckout(t, srv, "R-reset", hook.URL)
	require.NoError(t, srv.Pay(s.LakipayTransactionID, client.MediumMPESA))
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	_, err := srv.WaitForDeliveries(ctx, 1)
	require.NoError(t, err)

	status, _, _ := rawCall(t, http.MethodPost, srv.Origin()+"/_mock/reset", nil)
	require.Equal(t, http.StatusOK, status)
	require.NoError(t, srv.WaitIdle(ctx), "nothing is pending after Reset")
	assert.NotNil(t, srv.Deliveries())
	assert.Empty(t, srv.Deliveries())
	status, _, body := rawCall(t, http.MethodGet, srv.Origin()+"/_mock/deliveries", nil)
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "[]", string(body))
	assert.Equal(t, int32(1), hits.Load())
}

// TestDeliveryLogIsBoundedAndFiltered checks WithMaxDeliveries and GET /_mock/deliveries:
// the oldest records go first, the list filters by transaction and is limited, newest last,
// and bad query parameters are refused with a message naming them.
func TestDeliveryLogIsBoundedAndFiltered(t *testing.T) {
	hook := httptest.NewServer(&receiver{})
	defer hook.Close()
	srv := contracttest.NewServer(t, contracttest.WithMaxDeliveries(5), contracttest.WithWebhookWorkers(1), contracttest.WithWebhookRetry(1, 0))
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	ids := make([]string, 7)
	for i := range ids {
		ids[i] = createCheckout(t, srv, fmt.Sprintf("R-log-%d", i), hook.URL).LakipayTransactionID
		require.NoError(t, srv.Pay(ids[i], client.MediumCBE))
		_, err := srv.WaitForDeliveries(ctx, i+1) // one at a time: a known order
		require.NoError(t, err)
	}
	all, err := srv.WaitForDeliveries(ctx, 7)
	require.NoError(t, err, "the count goes on past the cap")
	require.Len(t, all, 5, "at most WithMaxDeliveries are kept")
	for i, d := range all {
		assert.Equal(t, ids[i+2], d.TransactionID, "the oldest two are gone, newest last")
	}

	list := func(t *testing.T, query string) []contracttest.Delivery {
		t.Helper()
		status, _, body := rawCall(t, http.MethodGet, srv.Origin()+"/_mock/deliveries"+query, nil)
		require.Equal(t, http.StatusOK, status, string(body))
		var out []contracttest.Delivery
		require.NoError(t, json.Unmarshal(body, &out))
		require.NotNil(t, out, "[] rather than null: %s", body)
		return out
	}
	t.Run("filtered by transaction", func(t *testing.T) {
		got := list(t, "?transaction_id="+ids[4])
		require.Len(t, got, 1)
		assert.Equal(t, ids[4], got[0].TransactionID)
		assert.Empty(t, list(t, "?transaction_id="+ids[0]), "forgotten")
		assert.Empty(t, list(t, "?transaction_id=TXN-nope"))
	})
	t.Run("limited, newest last", func(t *testing.T) {
		got := list(t, "?limit=2")
		require.Len(t, got, 2)
		assert.Equal(t, ids[5], got[0].TransactionID)
		assert.Equal(t, ids[6], got[1].TransactionID)
		assert.Len(t, list(t, "?limit=10000&transaction_id="+ids[6]), 1)
		assert.Len(t, list(t, ""), 5)
	})
	for _, tc := range []struct{ query, want string }{
		{"?limit=0", `limit "0" is not an integer in 1..10000`},
		{"?limit=10001", `limit "10001" is not an integer in 1..10000`},
		{"?limit=ten", `limit "ten" is not an integer in 1..10000`},
		{"?limit=1&limit=2", "limit given 2 times, want it once"},
		{"?transactionId=" + ids[6], `unknown query parameter "transactionId" (transaction_id, limit)`},
		{"?transaction_id=", "transaction_id is empty"},
	} {
		t.Run("refuses "+tc.query, func(t *testing.T) {
			status, _, body := rawCall(t, http.MethodGet, srv.Origin()+"/_mock/deliveries"+tc.query, nil)
			assert.Equal(t, http.StatusBadRequest, status)
			var out map[string]string
			require.NoError(t, json.Unmarshal(body, &out))
			assert.Contains(t, out["error"], tc.want)
		})
	}
}

// TestSessionCap checks WithMaxSessions: beyond the cap the session that became final
// longest ago is forgotten, then (when none is final) the oldest open one; a forgotten
// session is unknown everywhere, and its reference stays refused.
func TestSessionCap(t *testing.T) {
	srv := contracttest.NewServer(t, contracttest.WithMaxSessions(3))
	a := createCheckout(t, srv, "CAP-A", "")
	b := createCheckout(t, srv, "CAP-B", "")
	c := createCheckout(t, srv, "CAP-C", "")
	require.NoError(t, srv.Cancel(b.LakipayTransactionID))
	d := createCheckout(t, srv, "CAP-D", "")

	gone := func(t *testing.T, s client.CheckoutSession) {
		t.Helper()
		status, _, body := call(t, validated(t), http.MethodGet, srv.URL()+"/payment/transaction/"+s.LakipayTransactionID, testKey, nil)
		assert.Equal(t, http.StatusNotFound, status)
		assert.Equal(t, "NOT_FOUND", errorEnvelope(t, body).ErrorCode)
		status, _ = page(t, s.CheckoutURL)
		assert.Equal(t, http.StatusNotFound, status)
		assert.ErrorIs(t, srv.Pay(s.LakipayTransactionID, client.MediumMPESA), contracttest.ErrUnknownTransaction)
		status, _, body = call(t, http.DefaultClient, http.MethodPost, srv.URL()+"/payment/checkout", testKey, checkoutBody(t, s.Reference, ""))
		assert.Equal(t, http.StatusBadRequest, status)
		assert.Equal(t, "DUPLICATE_REFERENCE", errorEnvelope(t, body).ErrorCode, "a forgotten session's reference stays refused")
	}
	t.Run("the final session goes first", func(t *testing.T) {
		gone(t, b)
		assert.Equal(t, client.TransactionStatusINITIATED, transaction(t, srv, a.LakipayTransactionID).Status, "older, but still open")
	})
	t.Run("then the oldest open one", func(t *testing.T) {
		createCheckout(t, srv, "CAP-E", "")
		gone(t, a)
		for _, s := range []client.CheckoutSession{c, d} {
			assert.Equal(t, client.TransactionStatusINITIATED, transaction(t, srv, s.LakipayTransactionID).Status)
		}
	})
}

// TestForgottenReferencesAreBounded checks the documented bound of the forgotten references:
// four per storable session, oldest out first.
func TestForgottenReferencesAreBounded(t *testing.T) {
	srv := contracttest.NewServer(t, contracttest.WithMaxSessions(1))
	for i := range 6 { // R-0 .. R-4 are forgotten: one more than the 4 remembered
		createCheckout(t, srv, fmt.Sprintf("R-%d", i), "")
	}
	status, _, body := call(t, http.DefaultClient, http.MethodPost, srv.URL()+"/payment/checkout", testKey, checkoutBody(t, "R-1", ""))
	assert.Equal(t, http.StatusBadRequest, status, "R-1 is still remembered")
	assert.Equal(t, "DUPLICATE_REFERENCE", errorEnvelope(t, body).ErrorCode)
	createCheckout(t, srv, "R-0", "") // the oldest forgotten reference is free again
}

// TestCoverageCountsDefault checks that an answer with a status the operation does not
// declare counts as its default answer (and as itself).
func TestCoverageCountsDefault(t *testing.T) {
	srv := contracttest.NewServer(t)
	require.NoError(t, srv.FailNext("getTransaction", http.StatusServiceUnavailable, "PROVIDER_ERROR"))
	status, _, _ := call(t, http.DefaultClient, http.MethodGet, srv.URL()+"/payment/transaction/TXN-1", testKey, nil)
	require.Equal(t, http.StatusServiceUnavailable, status)
	require.NoError(t, srv.FailNext("getTransaction", http.StatusTooManyRequests, "RATE_LIMITED"))
	call(t, http.DefaultClient, http.MethodGet, srv.URL()+"/payment/transaction/TXN-1", testKey, nil)

	c := srv.Coverage()
	assert.Equal(t, 1, c.Operations["getTransaction"]["default"], "the undeclared 503 exercised the default answer")
	assert.Equal(t, 1, c.Operations["getTransaction"]["503"], "and the report says which status it was")
	assert.Equal(t, 1, c.Operations["getTransaction"]["429"], "a declared status counts as itself only")
	assert.NotContains(t, c.Missing(), "getTransaction default")
	assert.Contains(t, c.Missing(), "createCheckout default")
	assert.Regexp(t, `getTransaction +429×1 503×1 default×1`, c.String())
}

// trickle opens a connection to addr, writes head at once and then one byte of rest at a
// time every 20ms, and returns how reading from the connection ended (the server's answer,
// if any, is read and thrown away). failSafe bounds the whole test.
func trickle(t *testing.T, addr, head, rest string, failSafe time.Duration) error {
	t.Helper()
	var d net.Dialer
	conn, err := d.DialContext(t.Context(), "tcp", addr)
	require.NoError(t, err)
	defer func() { _ = conn.Close() }()
	require.NoError(t, conn.SetDeadline(time.Now().Add(failSafe)))
	_, err = io.WriteString(conn, head)
	require.NoError(t, err)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	defer func() { close(stop); wg.Wait() }()
	wg.Go(func() {
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for i := 0; ; i = (i + 1) % max(len(rest), 1) {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			if len(rest) == 0 {
				continue
			}
			if _, err := conn.Write([]byte{rest[i]}); err != nil {
				return
			}
		}
	})
	_, err = io.Copy(io.Discard, bufio.NewReader(conn))
	if err == nil {
		return io.EOF
	}
	return err
}

// TestServerClosesTricklingConnections checks that the server a fake runs on closes a
// connection that sends nothing, trickles its headers or trickles its body (here with short
// limits, still long enough for a loaded machine's ordinary requests; the defaults are 10s and
// 30s). A trickle never completes before them: a byte every 20ms.
func TestServerClosesTricklingConnections(t *testing.T) {
	srv := contracttest.NewServer(t, contracttest.WithServerLimits(contracttest.ServerLimits{
		ReadHeaderTimeout: time.Second, ReadTimeout: 2 * time.Second,
	}))
	addr := strings.TrimPrefix(srv.Origin(), "http://")
	body := string(checkoutBody(t, "R-trickle", ""))
	deliver := `{"transaction_id": "TXN-0000000000000000", "case": "genuine", "url": "http://127.0.0.1:1/", "timeout": "2m"}`
	head := "POST /api/v2/payment/checkout HTTP/1.1\r\nHost: " + addr + "\r\nContent-Type: application/json\r\nX-API-Key: " + testKey + "\r\n"
	for _, tc := range []struct{ name, head, rest string }{
		{"sends nothing", "", ""},
		{"trickles its headers", head, "X-Padding: " + strings.Repeat("a", 1000) + "\r\n"},
		{"trickles its body", head + "Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n", body},
		// The JSON value comes at once and only its trailing spaces trickle: a /_mock/
		// endpoint that extends the deadlines must have read the whole body first.
		{"trickles the end of a long /_mock/deliver body", "POST /_mock/deliver HTTP/1.1\r\nHost: " + addr +
			"\r\nContent-Type: application/json\r\nContent-Length: 65536\r\n\r\n" + deliver, " "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := trickle(t, addr, tc.head, tc.rest, 20*time.Second)
			var ne net.Error
			assert.False(t, errors.As(err, &ne) && ne.Timeout(), "the server closed the connection, not the test's fail-safe: %v", err)
		})
	}
	assert.Equal(t, client.TransactionStatusINITIATED, transaction(t, srv, createCheckout(t, srv, "R-after-trickle", "").LakipayTransactionID).Status)
}

// TestDelaysOutliveServerTimeouts checks that the requests the fake holds on purpose keep
// working when they last longer than the server's read and write timeouts: a latency still
// gets its answer, FaultTimeout still hangs until the client gives up, and FaultHugeBody
// still reaches a client that reads it slower than the write timeout.
func TestDelaysOutliveServerTimeouts(t *testing.T) {
	// Short enough to keep the test quick, long enough that a loaded machine still gets a
	// request from its headers to the fake's handler within it.
	const limit = time.Second
	srv := contracttest.NewServer(t, contracttest.WithServerLimits(contracttest.ServerLimits{
		ReadHeaderTimeout: limit, ReadTimeout: limit, WriteTimeout: limit,
	}))
	get := func(ctx context.Context) (*http.Response, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL()+"/payment/transaction/TXN-1", nil)
		require.NoError(t, err)
		req.Header.Set("X-API-Key", testKey)
		return (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
	}
	t.Run("latency", func(t *testing.T) {
		srv.SetLatency(2 * limit)
		defer srv.SetLatency(0)
		resp, err := get(t.Context())
		require.NoError(t, err)
		_ = resp.Body.Close()
		assert.Equal(t, http.StatusNotFound, resp.StatusCode, "the delayed answer came")
	})
	t.Run("timeout fault", func(t *testing.T) {
		require.NoError(t, srv.InjectFault("getTransaction", contracttest.FaultTimeout))
		ctx, cancel := context.WithTimeout(t.Context(), 2*limit)
		defer cancel()
		resp, err := get(ctx)
		if err == nil {
			_ = resp.Body.Close()
		}
		assert.ErrorIs(t, err, context.DeadlineExceeded, "no answer until the client gave up")
	})
	t.Run("huge body read slowly", func(t *testing.T) {
		require.NoError(t, srv.InjectFault("getTransaction", contracttest.FaultHugeBody))
		resp, err := get(t.Context())
		require.NoError(t, err)
		defer func() { _ = resp.Body.Close() }()
		// 4 MiB at a time with a pause: the whole read takes several write timeouts, and the
		// stream must survive it.
		var n int64
		for {
			got, err := io.CopyN(io.Discard, resp.Body, 4<<20)
			n += got
			if errors.Is(err, io.EOF) {
				break
			}
			require.NoError(t, err)
			time.Sleep(limit / 2)
		}
		assert.Equal(t, int64(contracttest.HugeBodyBytes), n)
	})
}

func TestDefaultServerLimits(t *testing.T) {
	l := contracttest.DefaultServerLimits()
	var s http.Server
	l.Apply(&s)
	assert.Equal(t, 10*time.Second, s.ReadHeaderTimeout)
	assert.Equal(t, 30*time.Second, s.ReadTimeout)
	assert.Equal(t, 30*time.Second, s.WriteTimeout)
	assert.Equal(t, 2*time.Minute, s.IdleTimeout)
	assert.Equal(t, 64<<10, s.MaxHeaderBytes)
}
