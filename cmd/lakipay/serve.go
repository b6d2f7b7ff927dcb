package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/lakipay/checkout-go/contracttest"
)

// server is an http.Server running on its own listener, used by `mock` (the fake LakiPay) and
// `demo` (the fake and the merchant's webhook receiver).
type server struct {
	srv  *http.Server
	ln   net.Listener
	url  string
	log  *slog.Logger
	done chan error
	// grace is how long stop waits for open connections (shutdownGrace; shorter in tests).
	grace time.Duration
}

// shutdownGrace bounds how long a server waits for requests in flight when it stops.
const shutdownGrace = 5 * time.Second

// serve starts h on addr ("127.0.0.1:0" for any free loopback port) with the fake's default
// limits and returns once the listener is open, so that the server's URL is ready to use.
func serve(ctx context.Context, addr string, h http.Handler, log *slog.Logger, configure ...func(*http.Server)) (*server, error) {
	s, err := listen(ctx, addr, contracttest.DefaultServerLimits(), h, log, configure...)
	if err != nil {
		return nil, err
	}
	s.start()
	return s, nil
}

// listen binds addr for h and returns the server, not yet serving (start). The server has
// the fake's limits (contracttest.ServerLimits: header, read, write and idle timeouts,
// header size, connections at once), so that a client trickling or stalling connections
// cannot hold it for long, nor make it run out of file descriptors. The server's own errors
// (a broken connection, a bad TLS hello) go to log. configure, if any, adjusts the server.
func listen(ctx context.Context, addr string, limits contracttest.ServerLimits, h http.Handler, log *slog.Logger, configure ...func(*http.Server)) (*server, error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	srv := &http.Server{ //nolint:gosec // G112: Apply below sets ReadHeaderTimeout and the other limits
		Handler:  h,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	limits.Apply(srv)
	for _, c := range configure {
		c(srv)
	}
	return &server{
		srv:   srv,
		ln:    limits.Listener(ln),
		url:   "http://" + ln.Addr().String(),
		log:   log,
		done:  make(chan error, 1),
		grace: shutdownGrace,
	}, nil
}

// start serves on the listener that listen opened.
func (s *server) start() {
	go func() {
		err := s.srv.Serve(s.ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		s.done <- err
	}()
}

// unbind closes the listener of a server that never started.
func (s *server) unbind() error { return s.ln.Close() }

// stop shuts the server down gracefully: new connections are refused and requests in flight
// get shutdownGrace to end; connections still open after that (a slow request, or a
// connection a client opened but never used, which net/http waits 5 s for) are closed. It
// returns the first error of serving or closing.
func (s *server) stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), s.grace)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		s.log.Warn("closing connections still open after the shutdown grace", "grace", s.grace)
		err = s.srv.Close()
	}
	return errors.Join(err, <-s.done)
}

// close stops the server at once, closing every connection: for the demo, whose exchanges
// have all ended when it stops.
func (s *server) close() error {
	return errors.Join(s.srv.Close(), <-s.done)
}

// logRequests logs one line per request: method, path, status and duration; the dashboard's
// reads, which it repeats about once a second while a page is open, at debug level. It never
// logs headers (the X-API-Key) or bodies.
func logRequests(log *slog.Logger, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		h.ServeHTTP(rec, r)
		status := rec.status
		switch {
		case rec.hijacked:
			status = 0
		case status == 0:
			status = http.StatusOK
		}
		level := slog.LevelInfo
		if status == http.StatusOK && dashboardRead(r) {
			level = slog.LevelDebug
		}
		log.LogAttrs(r.Context(), level, "request",
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", status),
			slog.Duration("duration", time.Since(start)),
		)
	})
}

// dashboardRead reports whether r is one of the reads of the fake's dashboard: the page, its
// files, and the JSON it polls and shows.
func dashboardRead(r *http.Request) bool {
	p := r.URL.Path
	return r.Method == http.MethodGet && (p == "/_mock/" || p == "/_mock/dashboard" || strings.HasPrefix(p, "/_mock/dashboard/") ||
		p == "/_mock/events" || p == "/_mock/sessions" || p == "/_mock/coverage" ||
		strings.HasPrefix(p, "/_mock/transactions/") && strings.HasSuffix(p, "/timeline"))
}

// statusRecorder remembers the status a handler wrote. It passes Flush and Hijack through,
// so the fake's streamed and connection-reset faults still work behind it.
type statusRecorder struct {
	http.ResponseWriter
	status   int
	hijacked bool
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// Flush passes a flush through.
func (r *statusRecorder) Flush() {
	_ = http.NewResponseController(r.ResponseWriter).Flush() // nothing to do when unsupported
}

// Hijack passes a hijack through.
func (r *statusRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, rw, err := http.NewResponseController(r.ResponseWriter).Hijack()
	if err == nil {
		r.hijacked = true
	}
	return conn, rw, err
}
