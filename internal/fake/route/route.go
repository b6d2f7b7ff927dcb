// Package route is the fake LakiPay's router: every path it serves matched exactly, segment by
// segment, so that a misconfigured base URL fails against the fake as it would against
// LakiPay (net/http's ServeMux cleans paths and redirects, which LakiPay does not).
package route

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Router matches a request's path exactly, segment by segment, against its routes: no
// prefix, suffix, trailing slash, empty segment or path cleaning ("..", "//") is tolerated,
// and nothing is redirected. A path no route has answers NotFound; a path a route has but
// not for the request's method answers MethodNotAllowed with the methods it has.
type Router struct {
	routes []*route
	// NotFound answers a path no route has.
	NotFound func(http.ResponseWriter, *http.Request)
	// MethodNotAllowed answers a path a route has, asked with another method; allow lists
	// the methods the path has, as the Allow header lists them.
	MethodNotAllowed func(w http.ResponseWriter, r *http.Request, allow string)
}

// route is one path with a handler per method. A segment "{name}" matches one non-empty
// path segment, which the handler reads, unescaped, with r.PathValue(name).
type route struct {
	segments []string
	handlers map[string]http.HandlerFunc
	allow    string // the methods, sorted, as the Allow header lists them
}

// Handle registers h for a pattern "METHOD /path/{wildcard}".
func (rt *Router) Handle(pattern string, h http.HandlerFunc) {
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

// ServeHTTP hands the request to the handler of the route and method its path matches, with
// the wildcards' values set (r.PathValue), or answers NotFound or MethodNotAllowed.
func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Body == nil { // a client-side request handed to the fake directly: a server never sends nil
		r.Body = http.NoBody
	}
	path := r.URL.EscapedPath()
	if !strings.HasPrefix(path, "/") {
		rt.NotFound(w, r)
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
		rt.MethodNotAllowed(w, r, strings.Join(allow, ", "))
		return
	}
	rt.NotFound(w, r)
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
