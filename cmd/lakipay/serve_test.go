package main

import (
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/contracttest"
)

// A connection a client opened but never used (net/http's transport does that when a dial
// races an idle connection) kept Shutdown waiting past the grace, and the demo failed with
// "context deadline exceeded" after printing Done. Regression test for both ways to stop.
func TestServerStopsDespiteAnUnusedConnection(t *testing.T) {
	for _, tc := range []struct {
		name   string
		stop   func(*server) error
		warned bool
	}{
		{"stop closes after the grace", (*server).stop, true},
		{"close at once", (*server).close, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs syncBuffer
			accepted := make(chan struct{}, 1)
			s, err := serve(t.Context(), "127.0.0.1:0", http.NotFoundHandler(), slog.New(slog.NewTextHandler(&logs, nil)),
				func(srv *http.Server) {
					srv.ConnState = func(_ net.Conn, state http.ConnState) {
						if state == http.StateNew {
							accepted <- struct{}{}
						}
					}
				})
			require.NoError(t, err)
			s.grace = 50 * time.Millisecond
			var d net.Dialer
			conn, err := d.DialContext(t.Context(), "tcp", s.url[len("http://"):])
			require.NoError(t, err)
			t.Cleanup(func() { _ = conn.Close() })
			<-accepted // the server holds the connection now: stopping must deal with it

			assert.NoError(t, tc.stop(s))
			assert.Equal(t, tc.warned, strings.Contains(logs.String(), "closing connections still open after the shutdown grace"), logs.String())
			_, err = conn.Read(make([]byte, 1))
			assert.Error(t, err, "the server closed the unused connection")
		})
	}
}

// TestServeAppliesTheFakesLimits checks that every server the CLI starts (the mock's, the
// demo's) has the fake's timeouts and header limit, so that trickling clients are cut off.
func TestServeAppliesTheFakesLimits(t *testing.T) {
	s, err := serve(t.Context(), "127.0.0.1:0", http.NotFoundHandler(), slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, s.close()) })
	var want http.Server
	contracttest.DefaultServerLimits().Apply(&want)
	assert.Equal(t, want.ReadHeaderTimeout, s.srv.ReadHeaderTimeout)
	assert.Equal(t, want.ReadTimeout, s.srv.ReadTimeout)
	assert.Equal(t, want.WriteTimeout, s.srv.WriteTimeout)
	assert.Equal(t, want.IdleTimeout, s.srv.IdleTimeout)
	assert.Equal(t, want.MaxHeaderBytes, s.srv.MaxHeaderBytes)
	assert.True(t, s.srv.DisableGeneralOptionsHandler)
	assert.NotZero(t, s.srv.ReadTimeout)
}
