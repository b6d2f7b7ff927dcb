package secrettest

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"testing"
	"time"
)

// Serve listens on a loopback port until the test ends and hands each connection to handle
// (closing it after), so that a test can answer with bytes no HTTP server would write. It
// returns the listener's address.
func Serve(t testing.TB, handle func(conn net.Conn)) string {
	t.Helper()
	l, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	t.Cleanup(func() { _ = l.Close() })
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer func() { _ = conn.Close() }()
				_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
				handle(conn)
			}()
		}
	}()
	return l.Addr().String()
}

// RawServer answers every HTTP request with the bytes answer returns, whatever they are (a
// status line or a header line that plants text where net/http quotes it in its errors).
// It returns the server's base URL, "http://127.0.0.1:port".
func RawServer(t testing.TB, answer func() string) string {
	t.Helper()
	return "http://" + Serve(t, func(conn net.Conn) {
		if _, err := http.ReadRequest(bufio.NewReader(conn)); err == nil {
			_, _ = conn.Write([]byte(answer()))
		}
	})
}
