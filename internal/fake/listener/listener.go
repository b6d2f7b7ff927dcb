// Package listener bounds the connections a fake LakiPay serves: at most so many open at once
// (one beyond waits, not accepted, until another closes, so its file descriptors stay
// bounded), and a request whose headers are too large answered with the API's error envelope
// instead of net/http's plain text.
//
// The oversized headers are refused where net/http refuses them (it has read at most
// http.Server.MaxHeaderBytes and its 4 KiB read-ahead, so the memory a client can pin does not
// grow), and the connection rewrites net/http's fixed answer, the only write net/http makes
// there, into the envelope. Enforcing the limit in a handler instead would answer the envelope
// only to headers that net/http lets through, and so need a higher net/http limit.
package listener

import (
	"bytes"
	"net"
	"sync"
)

// netHTTP431 is what net/http writes, on the connection itself and before any handler runs,
// when a request's headers exceed http.Server.MaxHeaderBytes: a text/plain answer that the
// spec does not declare (its error answers are the JSON envelope).
const netHTTP431 = "HTTP/1.1 431 Request Header Fields Too Large\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n" +
	"431 Request Header Fields Too Large"

// Limit returns ln with at most maxConns connections open at once, whose connections answer
// a request with oversized headers tooLarge (a whole HTTP answer) instead of net/http's 431.
func Limit(ln net.Listener, maxConns int, tooLarge []byte) net.Listener {
	return &limitListener{Listener: ln, slots: make(chan struct{}, maxConns), done: make(chan struct{}), tooLarge: tooLarge}
}

// limitListener is what [Limit] returns: each accepted connection holds one of its slots
// until it is closed.
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
