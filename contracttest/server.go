package contracttest

import (
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"
)

// Server is a [Fake] served over HTTP on loopback for one test; it has every method of Fake.
type Server struct {
	*Fake
	srv *httptest.Server
}

// CoverageEnv is the environment variable that, set to 1, makes every [Server] log its
// [Coverage] report (t.Log, so run `go test -v` to see it) when its test ends.
const CoverageEnv = "LAKIPAY_COVERAGE"

// ServerLimits are the timeouts and sizes of the HTTP server a fake runs on ([NewServer],
// `lakipay mock`). They close connections that trickle, stall or idle, so that a fake left
// running cannot be starved of connections: a client that sends its request slowly is cut
// off after ReadTimeout at most. The requests the fake holds on purpose ([Fake.SetLatency],
// [FaultTimeout]) and [FaultHugeBody]'s stream get their deadlines extended by the fake, so
// every fault keeps working within these limits.
type ServerLimits struct {
	// ReadHeaderTimeout bounds reading a request's headers, from its first byte (10s); a new
	// connection that sends nothing is closed after it too.
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading a whole request, body included (30s).
	ReadTimeout time.Duration
	// WriteTimeout bounds the time from the end of a request's headers to the end of its
	// answer (30s), so that a client that stops reading its answer is cut off.
	WriteTimeout time.Duration
	// IdleTimeout closes a keep-alive connection that waits that long for its next request
	// (2m: longer than the 90s after which Go's default transport drops an idle connection,
	// so that a client never sends a request on a connection the server is closing).
	IdleTimeout time.Duration
	// MaxHeaderBytes bounds the size of a request's line and headers (64 KiB; net/http
	// reads up to 4 KiB ahead before it refuses): beyond it the answer is 431 with the
	// error envelope (HEADERS_TOO_LARGE) when served on [ServerLimits.Listener].
	MaxHeaderBytes int
	// MaxConnections bounds the connections open at once (1024): a connection beyond it
	// waits, not accepted, until one closes. Enforced by [ServerLimits.Listener].
	MaxConnections int
}

// DefaultServerLimits returns the limits [NewServer] and `lakipay mock` serve a fake with.
func DefaultServerLimits() ServerLimits {
	return ServerLimits{
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		MaxConnections:    1024,
	}
}

// Apply sets the limits on srv (before it starts serving), and has srv pass `OPTIONS *` to
// its handler, which answers it like any path it does not serve (net/http's own answer is a
// 200 that the spec does not declare). MaxConnections and the answer to oversized headers
// are the listener's: serve on [ServerLimits.Listener].
func (l ServerLimits) Apply(srv *http.Server) {
	srv.ReadHeaderTimeout = l.ReadHeaderTimeout
	srv.ReadTimeout = l.ReadTimeout
	srv.WriteTimeout = l.WriteTimeout
	srv.IdleTimeout = l.IdleTimeout
	srv.MaxHeaderBytes = l.MaxHeaderBytes
	srv.DisableGeneralOptionsHandler = true
}

// check refuses a negative field.
func (l ServerLimits) check() error {
	for _, d := range []struct {
		name  string
		value time.Duration
	}{
		{"ReadHeaderTimeout", l.ReadHeaderTimeout},
		{"ReadTimeout", l.ReadTimeout},
		{"WriteTimeout", l.WriteTimeout},
		{"IdleTimeout", l.IdleTimeout},
	} {
		if d.value < 0 {
			return optionError("WithServerLimits", "negative %s %s", d.name, d.value)
		}
	}
	for _, n := range []struct {
		name  string
		value int
	}{{"MaxHeaderBytes", l.MaxHeaderBytes}, {"MaxConnections", l.MaxConnections}} {
		if n.value < 0 {
			return optionError("WithServerLimits", "negative %s %d", n.name, n.value)
		}
	}
	return nil
}

// withDefaults returns l with every zero (or negative) field set to its default.
func (l ServerLimits) withDefaults() ServerLimits {
	def := DefaultServerLimits()
	for _, d := range []struct{ value, def *time.Duration }{
		{&l.ReadHeaderTimeout, &def.ReadHeaderTimeout},
		{&l.ReadTimeout, &def.ReadTimeout},
		{&l.WriteTimeout, &def.WriteTimeout},
		{&l.IdleTimeout, &def.IdleTimeout},
	} {
		if *d.value <= 0 {
			*d.value = *d.def
		}
	}
	for _, n := range []struct{ value, def *int }{
		{&l.MaxHeaderBytes, &def.MaxHeaderBytes},
		{&l.MaxConnections, &def.MaxConnections},
	} {
		if *n.value <= 0 {
			*n.value = *n.def
		}
	}
	return l
}

// WithServerLimits sets the limits [NewServer] serves the fake with; a zero field keeps its
// default ([DefaultServerLimits]), a negative one is refused. The fake also extends its own
// deliberate delays by them. A fake from [NewFake] runs on whatever server serves it: apply
// the same limits to that server ([ServerLimits.Apply]) and its listener
// ([ServerLimits.Listener]).
func WithServerLimits(l ServerLimits) ServerOption {
	return func(c *fakeConfig) error {
		if err := l.check(); err != nil {
			return err
		}
		c.server = l.withDefaults()
		return nil
	}
}

// NewServer starts a fake LakiPay on loopback, with its [ServerLimits]; t's cleanup stops it
// and its pending webhooks. A response or webhook of the fake's own making that violates the
// spec fails t; requests the fake refuses as invalid and scripted faults do not (they are the
// point of some tests).
func NewServer(t testing.TB, opts ...ServerOption) *Server {
	t.Helper()
	hook := WithViolationHook(func(v Violation) { t.Errorf("fake LakiPay broke the contract: %s", v) })
	f, err := NewFake(append([]ServerOption{hook}, opts...)...)
	if err != nil {
		t.Fatalf("contracttest: start fake LakiPay: %v", err)
	}
	srv := httptest.NewUnstartedServer(f)
	f.cfg.server.Apply(srv.Config)
	srv.Listener = f.cfg.server.Listener(srv.Listener)
	srv.Start()
	s := &Server{Fake: f, srv: srv}
	t.Cleanup(func() {
		// The fake first: that ends hung requests (FaultTimeout) and webhooks, which the
		// server's Close would otherwise wait for.
		_ = f.Close()
		s.srv.Close()
		if os.Getenv(CoverageEnv) == "1" {
			t.Log(f.Coverage().String())
		}
		s.reportIfFailed(t)
	})
	return s
}

// URL returns the API base URL, ending in /api/v2 (what client.WithBaseURL takes).
func (s *Server) URL() string { return s.srv.URL + apiBase }

// Origin returns the scheme and host the server listens on (where /checkout/ and /_mock/
// live).
func (s *Server) Origin() string { return s.srv.URL }
