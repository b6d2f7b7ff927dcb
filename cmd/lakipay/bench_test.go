package main

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/contracttest"
)

// BenchmarkMockCheckout measures one checkout POST through `lakipay mock`'s handler on
// loopback, with the per-request log line (as the command runs) and without it, in one run:
// the ratio is the cost of the log.
func BenchmarkMockCheckout(b *testing.B) {
	for _, tc := range []struct {
		name   string
		logged bool
	}{{"logged", true}, {"unlogged", false}} {
		b.Run(tc.name, func(b *testing.B) {
			fake, err := contracttest.NewFake()
			require.NoError(b, err)
			b.Cleanup(func() { require.NoError(b, fake.Close()) })
			var h http.Handler = fake
			if tc.logged {
				h = logRequests(slog.New(slog.NewTextHandler(io.Discard, nil)), fake)
			}
			srv, err := serve(b.Context(), "127.0.0.1:0", h, slog.New(slog.DiscardHandler))
			require.NoError(b, err)
			b.Cleanup(func() { require.NoError(b, srv.stop()) })
			url := srv.url + "/api/v2/payment/checkout"
			var n atomic.Int64
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				hc := &http.Client{Transport: &http.Transport{}}
				defer hc.CloseIdleConnections()
				for pb.Next() {
					body := fmt.Sprintf(`{"amount":1000.5,"currency":"ETB","phone_number":"251911111111","reference":"B-%d","supported_mediums":["MPESA","CBE"],"redirects":{"success":"https://e.example/s","failed":"https://e.example/f"}}`, n.Add(1))
					req, err := http.NewRequestWithContext(b.Context(), http.MethodPost, url, bytes.NewReader([]byte(body)))
					if err != nil {
						b.Fatal(err)
					}
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("X-API-Key", testKey)
					res, err := hc.Do(req)
					if err != nil {
						b.Fatal(err)
					}
					_, _ = io.Copy(io.Discard, res.Body)
					_ = res.Body.Close()
					if res.StatusCode != http.StatusOK {
						b.Fatalf("status %d", res.StatusCode)
					}
				}
			})
		})
	}
}
