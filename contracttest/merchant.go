package contracttest

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
)

// MerchantServer is the merchant's own server in a test, on loopback: its URL is known before
// its handler exists, because a shop needs its public URL (for callback_url and the
// redirects) to be built, and the server needs the shop to serve. Until [MerchantServer.Handle]
// gives it one, it answers every request 503, which the fake's webhooks take as a failed
// attempt and retry. Close it when done.
type MerchantServer struct {
	// URL is the server's origin ("http://127.0.0.1:PORT"), listening from the start.
	URL     string
	srv     *httptest.Server
	handler atomic.Pointer[http.Handler]
}

// NewMerchantServer starts a merchant server with no handler yet.
func NewMerchantServer() *MerchantServer {
	m := &MerchantServer{}
	m.srv = httptest.NewServer(http.HandlerFunc(m.serve))
	m.URL = m.srv.URL
	return m
}

// Handle makes h serve every request from now on, in place of the one before (nil: none, so
// that requests answer 503 again). It is safe to call while requests are served.
func (m *MerchantServer) Handle(h http.Handler) {
	if h == nil {
		m.handler.Store(nil)
		return
	}
	m.handler.Store(&h)
}

func (m *MerchantServer) serve(w http.ResponseWriter, r *http.Request) {
	h := m.handler.Load()
	if h == nil {
		http.Error(w, "contracttest: this merchant server has no handler yet (MerchantServer.Handle)", http.StatusServiceUnavailable)
		return
	}
	(*h).ServeHTTP(w, r)
}

// Close stops the server and waits for the requests it is serving.
func (m *MerchantServer) Close() { m.srv.Close() }
