package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/contracttest"
	"github.com/lakipay/checkout-go/internal/apikey"
)

// testKey is the key tests use against the fake; its secret half must never be printed.
const testKey = "pk_test_cli:sk_test_cli_secret"

// result is what one in-process run of the CLI produced.
type result struct {
	code           int
	stdout, stderr string
}

// output is stdout and stderr together, for "never printed" checks.
func (r result) output() string { return r.stdout + r.stderr }

// runCLI runs the CLI in-process with env as its whole environment and stdin as its input.
func runCLI(t *testing.T, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := runContext(t.Context(), args, strings.NewReader(stdin), &stdout, &stderr, mapEnv(env))
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// mapEnv is an environment holding exactly env: a name in it is set, even to "".
func mapEnv(env map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		v, ok := env[name]
		return v, ok
	}
}

// keyEnv is the environment of a command that talks to baseURL with key.
func keyEnv(key, baseURL string) map[string]string {
	return map[string]string{envAPIKey: key, envBaseURL: baseURL}
}

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a server's log.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// countingServer answers every request with status and body, counting requests: the proof
// that a refused command sent nothing.
func countingServer(t *testing.T, status int, body string) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// closedURL returns a base URL on which nothing listens.
func closedURL(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.NotFoundHandler())
	u := srv.URL + "/api/v2"
	srv.Close()
	return u
}

// lineReader reads a pipe line by line until a line contains want.
func readUntil(t *testing.T, r io.Reader, want string) string {
	t.Helper()
	var seen strings.Builder
	buf := make([]byte, 1)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			seen.WriteByte(buf[0])
			if buf[0] == '\n' && strings.Contains(seen.String(), want) {
				return seen.String()
			}
		}
		require.NoError(t, err, "output ended before %q; got:\n%s", want, seen.String())
	}
}

func TestRedactor(t *testing.T) {
	tests := []struct {
		name, key, write, want string
	}{
		{"secret half", "pk_a:sk_b_secret", "key pk_a:sk_b_secret and sk_b_secret", "key pk_a:[REDACTED] and [REDACTED]"},
		{"JSON-escaped", "pk_a:sk_b/secret", `{"m":"pk_a:sk_b\/secret"}`, `{"m":"pk_a:[REDACTED]"}`},
		{"unicode-escaped", "pk_a:sk_b_secret", `\u0073\u006B_b_secret`, "[REDACTED]"},
		{"cut short", "pk_a:sk_b_secret", `value "sk_b_s..."`, `value "[REDACTED]..."`},
		{"public half kept", "pk_a:sk_b_secret", "pk_a only", "pk_a only"},
		{"malformed key: nothing registered", "justasecret", "x justasecret y", "x justasecret y"},
		{"a key ':' registers nothing: colons stay", ":", "a: b: c", "a: b: c"},
		{"a short secret registers nothing", "x:y", "y y y", "y y y"},
		{"empty key redacts nothing", "", "nothing to hide", "nothing to hide"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			r := newRedactor()
			if k, err := apikey.Parse(tt.key); err == nil {
				r.add(k)
			}
			n, err := r.writer(&out).Write([]byte(tt.write))
			require.NoError(t, err)
			assert.Equal(t, len(tt.write), n, "Write reports the caller's byte count")
			assert.Equal(t, tt.want, out.String())
		})
	}
}

func TestExitCodeOfCanceledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	var stdout, stderr bytes.Buffer
	code := runContext(ctx, []string{"transaction", "wait", "TXN-1", "--timeout", "1m"}, strings.NewReader(""),
		&stdout, &stderr, mapEnv(keyEnv(testKey, closedURL(t))))
	assert.Equal(t, exitFailed, code, stderr.String())
	assert.Contains(t, stderr.String(), "canceled")
}

// brokenWriter fails every write, like a closed pipe.
type brokenWriter struct{}

func (brokenWriter) Write([]byte) (int, error) { return 0, io.ErrClosedPipe }

func TestBrokenStdoutFails(t *testing.T) {
	var stderr bytes.Buffer
	code := runContext(t.Context(), []string{"--help"}, strings.NewReader(""), brokenWriter{}, &stderr, mapEnv(nil))
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr.String(), "lakipay: write output: io: read/write on closed pipe")
}

// TestOnePrefixPerLine walks the failures the CLI reports, usage and operations, with SDK
// errors at every depth: no line names the program twice ("lakipay: lakipay: ...").
func TestOnePrefixPerLine(t *testing.T) {
	srv := contracttest.NewServer(t, contracttest.WithAPIKey(testKey))
	down := closedURL(t)
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "not.pem")
	require.NoError(t, os.WriteFile(notPEM, []byte("not a key"), 0o600))
	payload := filepath.Join(dir, "webhook.json")
	require.NoError(t, os.WriteFile(payload, []byte(`{"event":"DEPOSIT"}`), 0o600))
	pub := filepath.Join(dir, "pub.pem")
	require.NoError(t, os.WriteFile(pub, srv.PublicKeyPEM(), 0o600))
	tests := []struct {
		name string
		env  map[string]string
		args []string
	}{
		{"malformed key", map[string]string{envAPIKey: "x:y"}, []string{"transaction", "get", "TXN-1"}},
		{"bad base URL", keyEnv(testKey, "ftp://x"), []string{"transaction", "get", "TXN-1"}},
		{"refused input", keyEnv(testKey, down), createArgs("R-1", "--amount", "1.234", "--currency", "x")},
		{"refused id", keyEnv(testKey, down), []string{"transaction", "get", ".."}},
		{"unreachable", keyEnv(testKey, down), []string{"transaction", "get", "TXN-1"}},
		{"API error", keyEnv(testKey, srv.URL()), []string{"transaction", "get", "TXN-NOPE"}},
		{"unknown key", keyEnv("pk_test_other:sk_test_other", srv.URL()), createArgs("R-2")},
		{"wait: not final", keyEnv(testKey, srv.URL()), []string{"transaction", "wait", "TXN-NOPE", "--timeout", "20ms"}},
		{"public key that is no PEM", nil, []string{"webhook", "verify", "--public-key", notPEM, payload}},
		{"webhook not verified", nil, []string{"webhook", "verify", "--public-key", pub, payload}},
		{"demo: bad amount", nil, []string{"demo", "--amount", "1.234"}},
		{"live demo: bad amount", keyEnv(testKey, down), []string{"demo", "--live", "--amount", "x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, tt.env, "", tt.args...)
			require.NotEqual(t, exitOK, r.code, r.output())
			require.True(t, strings.HasPrefix(r.stderr, "lakipay: "), r.stderr)
			for _, line := range strings.Split(r.stderr, "\n") {
				assert.LessOrEqual(t, strings.Count(line, "lakipay:"), 1, line)
			}
		})
	}
}
