package contracttest

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/internal/fake/listener"
)

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

// codeHeadersTooLarge is the error_code of the fake's 431 (openapi.yaml's ErrorEnvelope
// lists it with the fake's other codes).
const codeHeadersTooLarge client.ErrorCode = "HEADERS_TOO_LARGE"

// Listener returns ln limited for a fake: at most MaxConnections connections are open at
// once (a connection beyond waits, not accepted, until one closes, so the fake's file
// descriptors stay bounded), and a request whose headers exceed MaxHeaderBytes is answered
// 431 with the API's error envelope (error_code HEADERS_TOO_LARGE) rather than net/http's
// plain text. A zero field takes its default ([DefaultServerLimits]). [NewServer] and
// `lakipay mock` serve on it; serve a [NewFake] of your own on it too, with [ServerLimits.Apply]
// on the server.
func (l ServerLimits) Listener(ln net.Listener) net.Listener {
	l = l.withDefaults()
	body, err := json.Marshal(errorAnswer(http.StatusRequestHeaderFieldsTooLarge, codeHeadersTooLarge,
		fmt.Sprintf("request header fields too large: the request line and headers are limited to %d bytes", l.MaxHeaderBytes), nil).body)
	if err != nil { // an envelope of strings always encodes
		panic(err)
	}
	answer := fmt.Appendf(nil, "HTTP/1.1 431 %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
		http.StatusText(http.StatusRequestHeaderFieldsTooLarge), len(body), body)
	return listener.Limit(ln, l.MaxConnections, answer)
}
