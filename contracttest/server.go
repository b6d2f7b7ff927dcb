package contracttest

import (
	"net/http/httptest"
	"testing"
)

// Server is a [Fake] served on loopback for one test.
type Server struct {
	*Fake
	srv *httptest.Server
}

// NewServer starts a fake LakiPay on loopback; t's cleanup closes it. A response of the fake
// that violates the spec fails t.
func NewServer(t testing.TB, opts ...ServerOption) *Server {
	t.Helper()
	f, err := NewFake(append([]ServerOption{WithViolationHook(func(v Violation) { t.Errorf("fake LakiPay broke the contract: %s", v) })}, opts...)...)
	if err != nil {
		t.Fatalf("contracttest: %v", err)
	}
	s := &Server{Fake: f, srv: httptest.NewServer(f)}
	t.Cleanup(func() { s.srv.Close(); _ = f.Close() })
	return s
}

// URL returns the API base URL, ending in /api/v2 (what client.WithBaseURL takes).
func (s *Server) URL() string { return s.srv.URL + "/api/v2" }

// Origin returns the scheme and host the server listens on.
func (s *Server) Origin() string { return s.srv.URL }
