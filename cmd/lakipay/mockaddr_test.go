package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An address that cannot be parsed is wrong usage (2); `mock --addr notaport` used to exit 1
// like a port in use. An empty one used to listen on every interface, on any port.
func TestMockAddrThatDoesNotParseIsUsage(t *testing.T) {
	for _, addr := range []string{"notaport", "", " ", "127.0.0.1", "127.0.0.1:99999", "127.0.0.1:-1", "[::1", "127.0.0.1:12a"} {
		t.Run(addr, func(t *testing.T) {
			// A guard, not an assertion: an address that binds must not serve until the test ends.
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			var stdout, stderr bytes.Buffer
			code := runContext(ctx, []string{"mock", "--addr", addr}, strings.NewReader(""), &stdout, &stderr, mapEnv(nil))
			assert.Equal(t, exitUsage, code, stdout.String()+stderr.String())
			assert.Contains(t, stderr.String(), "--addr")
			assert.Empty(t, stdout.String(), "nothing served")
		})
	}
}

// busyAddr returns an address something else listens on until the test ends.
func busyAddr(t *testing.T) string {
	t.Helper()
	var lc net.ListenConfig
	ln, err := lc.Listen(t.Context(), "tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = ln.Close() })
	return ln.Addr().String()
}

// The port is bound before --key-out is written: "address in use" used to leave a public
// key behind for a mock that never ran, or replace the key of one still running.
func TestMockKeyOutIsWrittenOnlyOnceBound(t *testing.T) {
	dir := t.TempDir()
	t.Run("new file", func(t *testing.T) {
		keyFile := filepath.Join(dir, "new.pem")
		r := runCLI(t, nil, "", "mock", "--addr", busyAddr(t), "--key-out", keyFile)
		assert.Equal(t, exitFailed, r.code, r.output())
		assert.NoFileExists(t, keyFile)
	})
	t.Run("existing file", func(t *testing.T) {
		keyFile := writeFile(t, dir, "running.pem", []byte("the key of the mock already running\n"))
		r := runCLI(t, nil, "", "mock", "--addr", busyAddr(t), "--key-out", keyFile)
		assert.Equal(t, exitFailed, r.code, r.output())
		got, err := os.ReadFile(keyFile)
		require.NoError(t, err)
		assert.Equal(t, "the key of the mock already running\n", string(got))
		entries, err := os.ReadDir(dir)
		require.NoError(t, err)
		assert.Len(t, entries, 1, "no temporary file left behind")
	})
	t.Run("unwritable key file frees the port", func(t *testing.T) {
		var lc net.ListenConfig
		// A port free again, which the mock binds, then fails to write the key.
		free, err := lc.Listen(t.Context(), "tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := free.Addr().String()
		require.NoError(t, free.Close())
		r := runCLI(t, nil, "", "mock", "--addr", addr, "--key-out", filepath.Join(dir, "no", "such", "dir", "k.pem"))
		assert.Equal(t, exitFailed, r.code, r.output())
		assert.Contains(t, r.stderr, "--key-out")
		assert.Empty(t, r.stdout, "nothing served")
		again, err := lc.Listen(t.Context(), "tcp", addr)
		require.NoError(t, err, "the mock released the port it bound")
		require.NoError(t, again.Close())
	})
}

func TestMockMaxConnections(t *testing.T) {
	t.Run("refused below 1", func(t *testing.T) {
		for _, v := range []string{"0", "-3"} {
			r := runCLI(t, nil, "", "mock", "--addr", "127.0.0.1:0", "--max-connections", v)
			assert.Equal(t, exitUsage, r.code, r.output())
			assert.Contains(t, r.stderr, "--max-connections: "+v+" is not at least 1")
		}
	})
	base, _, stop := startMockBanner(t, "--max-connections", "1")
	assert.Regexp(t, `limits\s+.*1 connections`, base.banner)
	addr := strings.TrimSuffix(strings.TrimPrefix(base.url, "http://"), "/api/v2")
	var d net.Dialer
	request := "GET /_mock/requests HTTP/1.1\r\nHost: x\r\n\r\n"
	held, err := d.DialContext(t.Context(), "tcp", addr)
	require.NoError(t, err)
	_, err = io.WriteString(held, request)
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(held), nil)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	extra, err := d.DialContext(t.Context(), "tcp", addr)
	require.NoError(t, err)
	defer func() { _ = extra.Close() }()
	_, err = io.WriteString(extra, request)
	require.NoError(t, err)
	r := bufio.NewReader(extra)
	require.NoError(t, extra.SetReadDeadline(time.Now().Add(300*time.Millisecond)))
	early, err := http.ReadResponse(r, nil)
	if err == nil {
		_ = early.Body.Close()
	}
	assert.Error(t, err, "the second connection waits while the first is open")
	require.NoError(t, held.Close())
	require.NoError(t, extra.SetReadDeadline(time.Now().Add(30*time.Second)))
	resp, err = http.ReadResponse(r, nil)
	require.NoError(t, err, "served once the first closed")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	require.NoError(t, resp.Body.Close())
	assert.Equal(t, exitOK, stop())
}

// The mock's own server answers OPTIONS * and oversized headers with the error envelope.
func TestMockAnswersProtocolEdgesWithTheEnvelope(t *testing.T) {
	base, _, stop := startMock(t)
	addr := strings.TrimSuffix(strings.TrimPrefix(base, "http://"), "/api/v2")
	for name, request := range map[string]string{
		"OPTIONS *":        "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n",
		"oversized header": "GET /api/v2/payment/transaction/TXN-1 HTTP/1.1\r\nHost: x\r\nX-Pad: " + strings.Repeat("a", 100<<10) + "\r\n\r\n",
	} {
		t.Run(name, func(t *testing.T) {
			var d net.Dialer
			conn, err := d.DialContext(t.Context(), "tcp", addr)
			require.NoError(t, err)
			defer func() { _ = conn.Close() }()
			_, err = io.WriteString(conn, request)
			require.NoError(t, err)
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			require.NoError(t, err)
			body, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			require.NoError(t, resp.Body.Close())
			assert.NotEqual(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
			assert.Contains(t, string(body), `"status":"ERROR"`)
		})
	}
	assert.Equal(t, exitOK, stop())
}
