package contracttest_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"runtime"
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

// endlessHeadersReceiver is a hostile webhook receiver: it reads each request's headers, then
// answers a status line followed by header lines that never end, until the fake hangs up.
// It returns its URL.
func endlessHeadersReceiver(t testing.TB) string {
	t.Helper()
	var lc net.ListenConfig
	ln, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
	require.NoError(t, err)
	line := []byte("X-Endless: " + strings.Repeat("a", 1000) + "\r\n")
	var wg sync.WaitGroup
	var mu sync.Mutex
	conns := map[net.Conn]bool{}
	wg.Go(func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns[conn] = true
			mu.Unlock()
			wg.Go(func() {
				defer func() { _ = conn.Close() }()
				if _, err := http.ReadRequest(bufio.NewReader(conn)); err != nil {
					return
				}
				if _, err := conn.Write([]byte("HTTP/1.1 200 OK\r\n")); err != nil {
					return
				}
				for {
					if _, err := conn.Write(line); err != nil {
						return // the fake hung up
					}
				}
			})
		}
	})
	t.Cleanup(func() {
		_ = ln.Close()
		mu.Lock()
		for c := range conns {
			_ = c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return "http://" + ln.Addr().String() + "/hook"
}

// A receiver that streams response headers without end used to have the fake read up to
// net/http's 10 MiB default per attempt (276-392 MB with the 32 workers busy); the fake reads
// at most 8 KiB of them, and records the attempt as failed, saying why.
func TestReceiverResponseHeadersAreCapped(t *testing.T) {
	srv := contracttest.NewServer(t, contracttest.WithWebhookRetry(2, time.Millisecond))
	s := createCheckout(t, srv, "R-endless-headers", endlessHeadersReceiver(t))
	require.NoError(t, srv.Pay(s.LakipayTransactionID, client.MediumMPESA))
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	require.NoError(t, srv.WaitIdle(ctx))
	deliveries := srv.Deliveries()
	require.Len(t, deliveries, 2, "a failed attempt, retried like any other")
	for _, d := range deliveries {
		assert.False(t, d.OK())
		assert.Zero(t, d.HTTPStatus)
		assert.Contains(t, d.Err, "response headers exceeded 8192 bytes")
	}
}

// BenchmarkEndlessHeadersReceivers measures the fake's peak heap while its 32 webhook
// workers all deliver to receivers streaming endless response headers (one attempt each);
// peak-heap-MB is the largest HeapInuse seen, sampled every millisecond. Run it with
// -benchtime=1x.
func BenchmarkEndlessHeadersReceivers(b *testing.B) {
	const receivers = contracttest.DefaultWebhookWorkers
	for b.Loop() {
		srv := contracttest.NewServer(b, contracttest.WithWebhookRetry(1, time.Millisecond))
		ids := make([]string, receivers)
		for i := range ids {
			ids[i] = createCheckout(b, srv, fmt.Sprintf("R-endless-%02d", i), endlessHeadersReceiver(b)).LakipayTransactionID
		}
		runtime.GC()
		var peak atomic.Uint64
		stop := make(chan struct{})
		var sampler sync.WaitGroup
		sampler.Go(func() {
			var m runtime.MemStats
			for {
				runtime.ReadMemStats(&m)
				if m.HeapInuse > peak.Load() {
					peak.Store(m.HeapInuse)
				}
				select {
				case <-stop:
					return
				case <-time.After(time.Millisecond):
				}
			}
		})
		for _, id := range ids {
			require.NoError(b, srv.Pay(id, client.MediumMPESA))
		}
		require.NoError(b, srv.WaitIdle(context.Background()))
		close(stop)
		sampler.Wait()
		b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MB")
	}
}
