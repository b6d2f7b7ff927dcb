package contracttest_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/contracttest"
)

// rawExchange sends one raw HTTP/1.1 request on a fresh connection and returns the answer's
// status, header and body.
func rawExchange(t *testing.T, addr, request string) (int, http.Header, []byte) {
	t.Helper()
	var d net.Dialer
	conn, err := d.DialContext(t.Context(), "tcp", addr)
	require.NoError(t, err)
	defer func() { _ = conn.Close() }()
	require.NoError(t, conn.SetDeadline(time.Now().Add(30*time.Second))) // a guard against a hang, not an assertion
	_, err = io.WriteString(conn, request)
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header, body
}

// envelopeCode returns the error_code of an error envelope, failing t when body is not one.
func envelopeCode(t *testing.T, body []byte) string {
	t.Helper()
	var env struct {
		Status    string `json:"status"`
		Message   string `json:"message"`
		ErrorCode string `json:"error_code"`
	}
	require.NoError(t, json.Unmarshal(body, &env), "%s", body)
	assert.Equal(t, "ERROR", env.Status)
	assert.NotEmpty(t, env.Message)
	return env.ErrorCode
}

// Headers beyond the limit used to get net/http's own text/plain 431, which the project's
// validating transport reports as a contract violation. Whatever the size (just over the
// limit or far beyond it), the answer is the spec's error envelope, judged by Transport.
func TestOversizedHeadersGetTheErrorEnvelope(t *testing.T) {
	srv := contracttest.NewServer(t)
	hc := &http.Client{Transport: contracttest.Transport(t, &http.Transport{})}
	for _, size := range []int{72 << 10, 128 << 10, 512 << 10} {
		t.Run(strconv.Itoa(size>>10)+" KiB", func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL()+"/payment/transaction/TXN-1", nil)
			require.NoError(t, err)
			req.Header.Set("X-API-Key", testKey)
			req.Header.Set("X-Padding", strings.Repeat("a", size))
			resp, err := hc.Do(req)
			require.NoError(t, err)
			body, err := io.ReadAll(resp.Body)
			require.NoError(t, resp.Body.Close())
			require.NoError(t, err)
			assert.Equal(t, http.StatusRequestHeaderFieldsTooLarge, resp.StatusCode)
			assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
			assert.Equal(t, "HEADERS_TOO_LARGE", envelopeCode(t, body))
			assert.Contains(t, string(body), "65536 bytes")
		})
	}
	t.Run("the fake still serves", func(t *testing.T) {
		status, _, body := rawExchange(t, strings.TrimPrefix(srv.Origin(), "http://"),
			"GET /api/v2/payment/transaction/TXN-1 HTTP/1.1\r\nHost: x\r\nX-API-Key: "+testKey+"\r\n\r\n")
		assert.Equal(t, http.StatusNotFound, status)
		assert.Equal(t, "NOT_FOUND", envelopeCode(t, body))
	})
}

// `OPTIONS *` used to answer 200 from net/http's general options handler; the fake answers
// it like any path it does not serve.
func TestOptionsStarIsAnUnknownRoute(t *testing.T) {
	srv := contracttest.NewServer(t)
	status, header, body := rawExchange(t, strings.TrimPrefix(srv.Origin(), "http://"), "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n")
	assert.Equal(t, http.StatusNotFound, status)
	assert.Equal(t, "application/json", header.Get("Content-Type"))
	assert.Empty(t, header.Get("Allow"), "net/http's options handler lists no methods either")
	assert.Equal(t, "NOT_FOUND", envelopeCode(t, body))
}

func TestDefaultServerLimitsCapConnections(t *testing.T) {
	assert.Equal(t, 1024, contracttest.DefaultServerLimits().MaxConnections)
	var s http.Server
	contracttest.DefaultServerLimits().Apply(&s)
	assert.True(t, s.DisableGeneralOptionsHandler)
}

// A fake held at most MaxConnections connections open: connection N+1 waits, unaccepted,
// until one of them closes, then is served. The open connections are idle keep-alive ones,
// so a cap on requests in flight instead of connections would serve it at once.
func TestMaxConnections(t *testing.T) {
	const limit = 2
	srv := contracttest.NewServer(t, contracttest.WithServerLimits(contracttest.ServerLimits{MaxConnections: limit}))
	addr := strings.TrimPrefix(srv.Origin(), "http://")
	request := "GET /api/v2/payment/transaction/TXN-1 HTTP/1.1\r\nHost: x\r\nX-API-Key: " + testKey + "\r\n\r\n"
	var d net.Dialer
	open := func() (net.Conn, *bufio.Reader) {
		conn, err := d.DialContext(t.Context(), "tcp", addr)
		require.NoError(t, err)
		t.Cleanup(func() { _ = conn.Close() })
		_, err = io.WriteString(conn, request)
		require.NoError(t, err)
		return conn, bufio.NewReader(conn)
	}
	answered := func(conn net.Conn, r *bufio.Reader, within time.Duration) bool {
		require.NoError(t, conn.SetReadDeadline(time.Now().Add(within)))
		resp, err := http.ReadResponse(r, nil)
		if err != nil {
			var ne net.Error
			require.ErrorAs(t, err, &ne)
			require.True(t, ne.Timeout(), "no answer yet, not a closed connection: %v", err)
			return false
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		return resp.StatusCode == http.StatusNotFound
	}
	var held []net.Conn
	for range limit {
		conn, r := open()
		require.True(t, answered(conn, r, 30*time.Second), "a connection within the cap is served")
		held = append(held, conn) // now idle, kept alive
	}
	extra, r := open()
	// Waiting does not fail the test by itself: a slow machine can only make this pass
	// wrongly, never fail wrongly.
	assert.False(t, answered(extra, r, 300*time.Millisecond), "connection %d waits while %d are open", limit+1, limit)
	require.NoError(t, held[0].Close())
	assert.True(t, answered(extra, r, 30*time.Second), "it is served once one of them closed")
}

func TestServerLimitsRefuseNegativeMaxConnections(t *testing.T) {
	_, err := contracttest.NewFake(contracttest.WithServerLimits(contracttest.ServerLimits{MaxConnections: -1}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "WithServerLimits: negative MaxConnections -1")
}

// The connection_reset fault resets the connection (RST) through the limited listener too:
// a listener whose connections hide SetLinger would close it with a plain FIN (io.EOF).
// With a cap of one connection, the next request is served afterwards: the hijacked
// connection freed its slot when the fault closed it.
func TestConnectionResetThroughTheListener(t *testing.T) {
	srv := contracttest.NewServer(t, contracttest.WithServerLimits(contracttest.ServerLimits{MaxConnections: 1}))
	require.NoError(t, srv.InjectFault(contracttest.OpGetTransaction, contracttest.FaultConnectionReset))
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 30 * time.Second}
	get := func() (*http.Response, error) {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL()+"/payment/transaction/TXN-1", nil)
		require.NoError(t, err)
		req.Header.Set("X-API-Key", testKey)
		return hc.Do(req)
	}
	resp, err := get()
	if err == nil {
		_ = resp.Body.Close()
	}
	assert.ErrorIs(t, err, syscall.ECONNRESET)
	resp, err = get()
	require.NoError(t, err, "the reset connection's slot is free again")
	require.NoError(t, resp.Body.Close())
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}
