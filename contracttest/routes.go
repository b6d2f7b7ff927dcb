package contracttest

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/internal/contract"
)

// apiBase is the path the fake serves LakiPay's API under, as LakiPay does
// (https://api.lakipay.co/api/v2).
const apiBase = "/api/v2"

// routes builds the fake's router: every operation of the spec under apiBase exactly, the
// hosted page and the /_mock/ endpoints.
func (f *Fake) routes() *router {
	rt := &router{notFound: f.notFound, methodNotAllowed: f.methodNotAllowed}
	for _, op := range contract.Operations() {
		rt.handle(op.Method+" "+apiBase+op.Path, f.serveAPI(op.ID))
	}
	rt.handle("GET /checkout/{token}", f.servePage)
	rt.handle("POST /checkout/{token}", f.submitPage)
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

// router matches a request's path exactly, segment by segment, against its routes: no
// prefix, suffix, trailing slash, empty segment or path cleaning ("..", "//") is tolerated,
// and nothing is redirected. A path no route has answers notFound; a path a route has but
// not for the request's method answers methodNotAllowed with the methods it has.
type router struct {
	routes           []*route
	notFound         func(http.ResponseWriter, *http.Request)
	methodNotAllowed func(w http.ResponseWriter, r *http.Request, allow string)
}

// route is one path with a handler per method. A segment "{name}" matches one non-empty
// path segment, which the handler reads, unescaped, with r.PathValue(name).
type route struct {
	segments []string
	handlers map[string]http.HandlerFunc
	allow    string // the methods, sorted, as the Allow header lists them
}

// handle registers h for a pattern "METHOD /path/{wildcard}".
func (rt *router) handle(pattern string, h http.HandlerFunc) {
	method, path, _ := strings.Cut(pattern, " ")
	segments := strings.Split(strings.TrimPrefix(path, "/"), "/")
	i := slices.IndexFunc(rt.routes, func(r *route) bool { return slices.Equal(r.segments, segments) })
	if i < 0 {
		rt.routes = append(rt.routes, &route{segments: segments, handlers: map[string]http.HandlerFunc{}})
		i = len(rt.routes) - 1
	}
	r := rt.routes[i]
	r.handlers[method] = h
	methods := make([]string, 0, len(r.handlers))
	for m := range r.handlers {
		methods = append(methods, m)
	}
	slices.Sort(methods)
	r.allow = strings.Join(methods, ", ")
}

func (rt *router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Body == nil { // a client-side request handed to the fake directly: a server never sends nil
		r.Body = http.NoBody
	}
	path := r.URL.EscapedPath()
	if !strings.HasPrefix(path, "/") {
		rt.notFound(w, r)
		return
	}
	parts := strings.Split(path[1:], "/")
	var allow []string
	for _, rte := range rt.routes {
		values, ok := rte.match(parts)
		if !ok {
			continue
		}
		h, ok := rte.handlers[r.Method]
		if !ok {
			allow = append(allow, rte.allow)
			continue
		}
		for i, seg := range rte.segments {
			if name, ok := wildcard(seg); ok {
				r.SetPathValue(name, values[i])
			}
		}
		h(w, r)
		return
	}
	if allow != nil {
		rt.methodNotAllowed(w, r, strings.Join(allow, ", "))
		return
	}
	rt.notFound(w, r)
}

// match reports whether the escaped path segments parts are the route's, and returns them
// unescaped.
func (rte *route) match(parts []string) ([]string, bool) {
	if len(parts) != len(rte.segments) {
		return nil, false
	}
	var values []string
	for i, seg := range rte.segments {
		if _, ok := wildcard(seg); !ok {
			if parts[i] != seg {
				return nil, false
			}
			continue
		}
		value, err := url.PathUnescape(parts[i])
		if err != nil || value == "" {
			return nil, false
		}
		if values == nil {
			values = make([]string, len(parts))
		}
		values[i] = value
	}
	return values, true
}

// wildcard returns the name of a "{name}" segment.
func wildcard(seg string) (string, bool) {
	if len(seg) > 2 && seg[0] == '{' && seg[len(seg)-1] == '}' {
		return seg[1 : len(seg)-1], true
	}
	return "", false
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
