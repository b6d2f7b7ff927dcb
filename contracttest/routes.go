package contracttest

import (
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/internal/contract"
	"github.com/lakipay/checkout-go/internal/fake/route"
)

// apiBase is the path the fake serves LakiPay's API under, as LakiPay does
// (https://api.lakipay.co/api/v2).
const apiBase = "/api/v2"

// routes builds the fake's router: every operation of the spec under apiBase exactly, the
// hosted page and the /_mock/ endpoints.
func (f *Fake) routes() *route.Router {
	rt := &route.Router{NotFound: f.notFound, MethodNotAllowed: f.methodNotAllowed}
	for _, op := range contract.Operations() {
		rt.Handle(op.Method+" "+apiBase+op.Path, f.serveAPI(op.ID))
	}
	rt.Handle("GET /checkout/{token}", f.servePage)
	rt.Handle("POST /checkout/{token}", f.submitPage)
	f.mockRoutes(rt)
	f.dashboardRoutes(rt)
	return rt
}

// serveContract answers the contract the fake keeps to, so that a team in any language can
// generate from exactly the version it tests against.
func serveContract(spec string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/yaml")
		w.Header().Set("Content-Length", strconv.Itoa(len(spec)))
		_, _ = io.WriteString(w, spec)
	}
}

// notFound answers a path the fake does not serve: 404 with the API's error envelope.
func (f *Fake) notFound(w http.ResponseWriter, r *http.Request) {
	f.log.Info("lakipay fake: no such endpoint", "method", r.Method, "path", r.URL.Path)
	f.write(w, errorAnswer(http.StatusNotFound, client.ErrorCodeNotFound, "no such endpoint: "+r.Method+" "+r.URL.Path, nil))
}

// methodNotAllowed answers a path the fake serves, asked with another method: 405 with the
// API's error envelope and the methods the path has in Allow.
func (f *Fake) methodNotAllowed(w http.ResponseWriter, r *http.Request, allow string) {
	f.log.Info("lakipay fake: method not allowed", "method", r.Method, "path", r.URL.Path, "allow", allow)
	a := errorAnswer(http.StatusMethodNotAllowed, client.ErrorCodeMethodNotAllowed,
		fmt.Sprintf("method %s not allowed on %s (allowed: %s)", r.Method, r.URL.Path, allow), nil)
	a.header = http.Header{"Allow": []string{allow}}
	f.write(w, a)
}
