// Package faults is how the fake LakiPay breaks an answer on purpose, at the HTTP level: a
// connection reset without an answer, a body cut short, a body of megabytes streamed, the
// HTML page of a proxy in front of an unreachable LakiPay. Which fault an operation meets is
// the fake's script; this package only breaks the answer.
package faults

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// BadGatewayPage is what a proxy in front of an unreachable LakiPay answers with.
const BadGatewayPage = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"

// StreamHugeBody answers 200 with a JSON envelope of size bytes whose message is filler,
// written chunk by chunk; each chunk gets writeTimeout (the server's deadline would cut a
// slow but reading client), so it stops as soon as the client stops reading or closes.
func StreamHugeBody(w http.ResponseWriter, size int, writeTimeout time.Duration) {
	rc := http.NewResponseController(w)
	const prefix, suffix = `{"status":"SUCCESS","message":"`, `","data":{}}`
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(size))
	w.WriteHeader(http.StatusOK)
	if _, err := io.WriteString(w, prefix); err != nil {
		return
	}
	chunk := bytes.Repeat([]byte{'x'}, 32<<10)
	for left := size - len(prefix) - len(suffix); left > 0; {
		_ = rc.SetWriteDeadline(time.Now().Add(writeTimeout)) // unsupported by a recorder: no deadline to move
		n, err := w.Write(chunk[:min(left, len(chunk))])
		if err != nil {
			return // the client gave up reading
		}
		left -= n
	}
	_, _ = io.WriteString(w, suffix)
}

// Truncate announces body in full (Content-Length) but sends only its first half and then
// drops the connection, so the client reads an unexpected EOF.
func Truncate(w http.ResponseWriter, body []byte) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil { // HTTP/2: abort the stream instead
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body[:len(body)/2])
		_ = http.NewResponseController(w).Flush()
		panic(http.ErrAbortHandler)
	}
	defer func() { _ = conn.Close() }()
	var b bytes.Buffer
	fmt.Fprintf(&b, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", len(body))
	b.Write(body[:len(body)/2])
	_, _ = buf.Write(b.Bytes())
	_ = buf.Flush()
}

// Reset closes the connection with a TCP reset and no answer at all.
func Reset(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tcp, ok := conn.(interface{ SetLinger(int) error }); ok { // *net.TCPConn, or a connection of package listener
		_ = tcp.SetLinger(0) // close sends RST instead of FIN
	}
	_ = conn.Close()
}
