package contracttest

import (
	"net/http/httptest"
	"os"
	"testing"
)

// Server is a [Fake] served over HTTP on loopback for one test; it has every method of Fake.
type Server struct {
	*Fake
	srv *httptest.Server
}

// CoverageEnv is the environment variable that, set to 1, makes every [Server] log its
// [Coverage] report (t.Log, so run `go test -v` to see it) when its test ends.
const CoverageEnv = "LAKIPAY_COVERAGE"

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

// Shopper returns a shopper whose browser talks to this server.
func (s *Server) Shopper() *Shopper { return NewShopper(s.srv.Client()) }
