package contracttest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/lakipay/checkout-go/client"
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

// netHTTP431 is what net/http writes, on the connection itself and before any handler runs,
// when a request's headers exceed http.Server.MaxHeaderBytes: a text/plain answer that the
// spec does not declare (its error answers are the JSON envelope).
const netHTTP431 = "HTTP/1.1 431 Request Header Fields Too Large\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n" +
	"431 Request Header Fields Too Large"

// Listener returns ln limited for a fake: at most MaxConnections connections are open at
// once (a connection beyond waits, not accepted, until one closes, so the fake's file
// descriptors stay bounded), and a request whose headers exceed MaxHeaderBytes is answered
// 431 with the API's error envelope (error_code HEADERS_TOO_LARGE) rather than net/http's
// plain text. A zero field takes its default ([DefaultServerLimits]). [NewServer] and
// `lakipay mock` serve on it; serve a [NewFake] of your own on it too, with [ServerLimits.Apply]
// on the server.
//
// **Decision:** the oversized headers are refused where net/http refuses them (it has read at
// most MaxHeaderBytes and its 4 KiB read-ahead, so the memory a client can pin does not grow)
// and the connection rewrites net/http's fixed answer, the only write net/http makes there,
// into the envelope. Enforcing the limit in the handler instead would answer the envelope
// only to headers that net/http lets through, and so need a higher net/http limit.
func (l ServerLimits) Listener(ln net.Listener) net.Listener {
	l = l.withDefaults()
	body, err := json.Marshal(errorAnswer(http.StatusRequestHeaderFieldsTooLarge, codeHeadersTooLarge,
		fmt.Sprintf("request header fields too large: the request line and headers are limited to %d bytes", l.MaxHeaderBytes), nil).body)
	if err != nil { // an envelope of strings always encodes
		panic(err)
	}
	answer := fmt.Appendf(nil, "HTTP/1.1 431 %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
		http.StatusText(http.StatusRequestHeaderFieldsTooLarge), len(body), body)
	return &limitListener{Listener: ln, slots: make(chan struct{}, l.MaxConnections), done: make(chan struct{}), tooLarge: answer}
}

// limitListener is what [ServerLimits.Listener] returns: each accepted connection holds one
// of its slots until it is closed.
type limitListener struct {
	net.Listener
	slots     chan struct{}
	done      chan struct{} // closed by Close: Accept stops waiting for a slot
	closeOnce sync.Once
	tooLarge  []byte // the whole 431 answer
}

// Accept waits for a free slot, then for a connection.
func (l *limitListener) Accept() (net.Conn, error) {
	select {
	case l.slots <- struct{}{}:
	case <-l.done:
		return nil, net.ErrClosed
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.slots
		return nil, err
	}
	return &limitConn{Conn: c, l: l}, nil
}

// Close closes the listener and ends any Accept waiting for a slot.
func (l *limitListener) Close() error {
	l.closeOnce.Do(func() { close(l.done) })
	return l.Listener.Close()
}

// limitConn is a connection of a limitListener.
type limitConn struct {
	net.Conn
	l       *limitListener
	release sync.Once
}

// Write passes p through, except net/http's own 431, which becomes the envelope.
func (c *limitConn) Write(p []byte) (int, error) {
	if len(p) == len(netHTTP431) && bytes.Equal(p, []byte(netHTTP431)) {
		if _, err := c.Conn.Write(c.l.tooLarge); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	return c.Conn.Write(p)
}

// Close closes the connection and frees its slot.
func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.release.Do(func() { <-c.l.slots })
	return err
}

// CloseWrite passes a half-close through: net/http half-closes before it hangs up on a
// request it refused, so that the client reads the answer.
func (c *limitConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// SetLinger passes through, for the faults that reset the connection.
func (c *limitConn) SetLinger(sec int) error {
	if tcp, ok := c.Conn.(interface{ SetLinger(int) error }); ok {
		return tcp.SetLinger(sec)
	}
	return nil
}
