package main

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/internal/secrettest"
)

// startMock runs `lakipay mock` in-process with args until the test ends (or stop is called)
// and returns its API base URL, its stderr and a function that stops it and returns the exit
// code.
func startMock(t *testing.T, args ...string) (baseURL string, stderr *syncBuffer, stop func() int) {
	t.Helper()
	base, stderr, stop := startMockBanner(t, args...)
	return base.url, stderr, stop
}

func TestMockServesTheFake(t *testing.T) {
	keyFile := filepath.Join(t.TempDir(), "lakipay-mock.pem")
	base, stderr, stop := startMock(t, "--seed", "7", "--api-key", testKey, "--key-out", keyFile)
	origin := strings.TrimSuffix(base, "/api/v2")

	c, err := client.New(testKey, client.WithBaseURL(base))
	require.NoError(t, err)
	amount, err := client.ParseAmount("1000.50")
	require.NoError(t, err)
	session, err := c.CreateCheckout(t.Context(), client.CheckoutRequest{
		Amount: amount, Currency: "ETB", PhoneNumber: "251911111111", Reference: "MOCK-1",
		Redirects:        client.Redirects{Success: "https://s.example/ok", Failed: "https://s.example/ko"},
		SupportedMediums: []client.Medium{client.MediumMPESA},
	})
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(session.CheckoutURL, origin+"/checkout/"), session.CheckoutURL)

	t.Run("only the pinned key", func(t *testing.T) {
		other, err := client.New("pk_test_x:sk_test_y", client.WithBaseURL(base))
		require.NoError(t, err)
		_, err = other.GetTransaction(t.Context(), session.LakipayTransactionID)
		var ae *client.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, http.StatusUnauthorized, ae.StatusCode)
	})
	t.Run("key file is the served public key", func(t *testing.T) {
		written, err := os.ReadFile(keyFile)
		require.NoError(t, err)
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, origin+"/_mock/public-key", nil)
		require.NoError(t, err)
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		served, err := io.ReadAll(res.Body)
		require.NoError(t, res.Body.Close())
		require.NoError(t, err)
		assert.Equal(t, http.StatusOK, res.StatusCode)
		assert.Equal(t, string(served), string(written))
		_, err = client.ParsePublicKey(written)
		assert.NoError(t, err)
	})
	t.Run("deterministic ids from the seed", func(t *testing.T) {
		again, _, _ := startMock(t, "--seed", "7")
		c2, err := client.New(testKey, client.WithBaseURL(again))
		require.NoError(t, err)
		s2, err := c2.CreateCheckout(t.Context(), client.CheckoutRequest{
			Amount: amount, Currency: "ETB", PhoneNumber: "251911111111", Reference: "MOCK-1",
			Redirects:        client.Redirects{Success: "https://s.example/ok", Failed: "https://s.example/ko"},
			SupportedMediums: []client.Medium{client.MediumMPESA},
		})
		require.NoError(t, err)
		assert.Equal(t, session.LakipayTransactionID, s2.LakipayTransactionID)
	})

	assert.Equal(t, exitOK, stop(), stderr.String())
	logs := stderr.String()
	assert.Regexp(t, `msg=request method=POST path=/api/v2/payment/checkout status=200 duration=\S+`, logs)
	assert.Regexp(t, `msg=request method=GET path=/api/v2/payment/transaction/\S+ status=401`, logs)
	assert.Regexp(t, `msg=request method=GET path=/_mock/public-key status=200`, logs)
	assert.Contains(t, logs, "shutting down")
	assert.NotContains(t, logs, "lakipay fake:", "one line per request: the fake's own events need --verbose")
	secrettest.Absent(t, logs, "sk_test_cli_secret", "mock log")
	secrettest.Absent(t, logs, "sk_test_y", "mock log")

	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, origin+"/_mock/public-key", nil)
	require.NoError(t, err)
	res, err := http.DefaultClient.Do(req)
	if err == nil {
		_ = res.Body.Close()
	}
	var opErr *net.OpError
	assert.ErrorAs(t, err, &opErr, "the server is closed after shutdown")
}

func TestMockFailsOnBusyAddress(t *testing.T) {
	addr := busyAddr(t)
	r := runCLI(t, nil, "", "mock", "--addr", addr)
	assert.Equal(t, exitFailed, r.code)
	assert.Contains(t, r.stderr, "listen on "+addr)
}

func TestMockKeyOutUnwritable(t *testing.T) {
	r := runCLI(t, nil, "", "mock", "--addr", "127.0.0.1:0", "--key-out", filepath.Join(t.TempDir(), "no", "such", "dir", "k.pem"))
	assert.Equal(t, exitFailed, r.code)
	assert.Contains(t, r.stderr, "--key-out")
}

// getBody GETs url and returns the body of a 200.
func getBody(t *testing.T, url string) string {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	require.NoError(t, err)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	require.NoError(t, res.Body.Close())
	require.Equal(t, http.StatusOK, res.StatusCode)
	return string(b)
}

func TestMockSigningKeySurvivesRestarts(t *testing.T) {
	keyFile := filepath.Join(t.TempDir(), "signing.pem")
	publicKeys := make([]string, 2)
	for i := range publicKeys {
		base, stderr, stop := startMock(t, "--signing-key", keyFile)
		publicKeys[i] = getBody(t, strings.TrimSuffix(base, "/api/v2")+"/_mock/public-key")
		require.Equal(t, exitOK, stop())
		if i == 0 {
			assert.Contains(t, stderr.String(), "created the webhook signing key")
		} else {
			assert.NotContains(t, stderr.String(), "created the webhook signing key")
		}
	}
	assert.Equal(t, publicKeys[0], publicKeys[1], "the same key file gives the same public key")
	info, err := os.Stat(keyFile)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "a private key is readable by its owner only")
	pemBytes, err := os.ReadFile(keyFile)
	require.NoError(t, err)
	_, err = parseSigningKey(pemBytes)
	assert.NoError(t, err)
	entries, err := os.ReadDir(filepath.Dir(keyFile))
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary file left behind")
}

func TestMockRefusesBadSigningKeys(t *testing.T) {
	small, err := rsa.GenerateKey(rand.Reader, 1024) //nolint:gosec // deliberately too small: must be refused
	require.NoError(t, err)
	dir := t.TempDir()
	tests := map[string][]byte{
		"not PEM":       []byte("hello"),
		"a public key":  pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: []byte{1, 2, 3}}),
		"1024-bit key":  pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(small)}),
		"garbled PKCS8": pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte("garbage")}),
	}
	for name, content := range tests {
		t.Run(name, func(t *testing.T) {
			file := writeFile(t, dir, strings.ReplaceAll(name, " ", "-")+".pem", content)
			r := runCLI(t, nil, "", "mock", "--addr", "127.0.0.1:0", "--signing-key", file)
			assert.Equal(t, exitFailed, r.code)
			assert.Contains(t, r.stderr, "--signing-key "+file+": not a PEM RSA private key")
			assert.Empty(t, r.stdout, "nothing served")
		})
	}
}

func TestMockVerboseLogsTheFakesEvents(t *testing.T) {
	base, stderr, stop := startMock(t, "--verbose")
	c, err := client.New(testKey, client.WithBaseURL(base))
	require.NoError(t, err)
	amount, err := client.ParseAmount("5")
	require.NoError(t, err)
	_, err = c.CreateCheckout(t.Context(), client.CheckoutRequest{
		Amount: amount, Currency: "ETB", PhoneNumber: "251911111111", Reference: "VERBOSE-1",
		Redirects:        client.Redirects{Success: "https://s.example/ok", Failed: "https://s.example/ko"},
		SupportedMediums: []client.Medium{client.MediumCBE},
	})
	require.NoError(t, err)
	require.Equal(t, exitOK, stop())
	assert.Contains(t, stderr.String(), "msg=request method=POST path=/api/v2/payment/checkout status=200")
	assert.Contains(t, stderr.String(), "lakipay fake: checkout created")
}

func TestMockRefusesBadLimits(t *testing.T) {
	for _, tc := range []struct{ flag, value, want string }{
		{"--max-sessions", "0", "--max-sessions: 0 not in 1..10000000"},
		{"--max-deliveries", "-1", "--max-deliveries: -1 not in 1..1000000"},
		{"--webhook-workers", "2000", "--webhook-workers: 2000 not in 1..1024"},
		{"--webhook-queue", "0", "--webhook-queue: 0 not in 1..1000000"},
		{"--webhook-timeout", "0s", "--webhook-timeout: 0s not in (0s, 2m0s]"},
		{"--webhook-timeout", "soon", `invalid argument "soon" for "--webhook-timeout"`},
		{"--session-ttl", "0s", "--session-ttl: 0s not in (0s, 720h0m0s]"},
	} {
		t.Run(tc.flag+"="+tc.value, func(t *testing.T) {
			r := runCLI(t, nil, "", "mock", "--addr", "127.0.0.1:0", tc.flag, tc.value)
			assert.Equal(t, exitUsage, r.code)
			assert.Contains(t, r.stderr, tc.want)
			assert.Empty(t, r.stdout, "nothing served")
		})
	}
}

// TestMockLimitsAndExactRoutes runs the mock with small limits: the banner shows them, the
// session cap forgets the oldest session (its reference stays refused), and a client whose
// base URL is wrong gets 404 instead of a checkout.
func TestMockLimitsAndExactRoutes(t *testing.T) {
	base, _, stop := startMockBanner(t, "--max-sessions", "1", "--max-deliveries", "5", "--webhook-workers", "2",
		"--webhook-queue", "3", "--webhook-timeout", "1s", "--session-ttl", "1h")
	amount, err := client.ParseAmount("10")
	require.NoError(t, err)
	request := func(reference string) client.CheckoutRequest {
		return client.CheckoutRequest{
			Amount: amount, Currency: "ETB", PhoneNumber: "251911111111", Reference: reference,
			Redirects:        client.Redirects{Success: "https://s.example/ok", Failed: "https://s.example/ko"},
			SupportedMediums: []client.Medium{client.MediumMPESA},
		}
	}
	t.Run("banner", func(t *testing.T) {
		assert.Regexp(t, `limits\s+1 sessions \(each payable for 1h0m0s\), 5 deliveries, 2 webhook workers, 3 pending webhooks, 1s per attempt, 1024 connections\n`, base.banner)
	})
	t.Run("session cap", func(t *testing.T) {
		c, err := client.New(testKey, client.WithBaseURL(base.url))
		require.NoError(t, err)
		first, err := c.CreateCheckout(t.Context(), request("LIMIT-1"))
		require.NoError(t, err)
		_, err = c.CreateCheckout(t.Context(), request("LIMIT-2"))
		require.NoError(t, err)
		_, err = c.GetTransaction(t.Context(), first.LakipayTransactionID)
		var ae *client.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, http.StatusNotFound, ae.StatusCode, "the first session was forgotten")
		_, err = c.CreateCheckout(t.Context(), request("LIMIT-1"))
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, client.ErrorCodeDuplicateReference, ae.Code, "its reference stays refused")
	})
	for _, wrong := range []string{base.url + "/typo", base.url + "/api/v2", strings.TrimSuffix(base.url, "/api/v2")} {
		t.Run("base URL "+strings.TrimPrefix(wrong, base.url), func(t *testing.T) {
			c, err := client.New(testKey, client.WithBaseURL(wrong))
			require.NoError(t, err)
			_, err = c.CreateCheckout(t.Context(), request("WRONG-BASE"))
			var ae *client.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, http.StatusNotFound, ae.StatusCode)
			assert.Equal(t, client.ErrorCodeNotFound, ae.Code)
		})
	}
	assert.Equal(t, exitOK, stop())
}

// mockBase is the API base URL of a running mock and its start-up banner.
type mockBase struct{ url, banner string }

// startMockBanner is startMock that also returns the start-up banner.
func startMockBanner(t *testing.T, args ...string) (mockBase, *syncBuffer, func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	stderr := &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		code := runContext(ctx, append([]string{"mock", "--addr", "127.0.0.1:0"}, args...), strings.NewReader(""), pw, stderr, mapEnv(nil))
		_ = pw.Close()
		done <- code
	}()
	banner := readUntil(t, pr, "scripting")
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	m := regexp.MustCompile(`base URL\s+(http://127\.0\.0\.1:\d+/api/v2)`).FindStringSubmatch(banner)
	require.Len(t, m, 2, banner)
	var stopped bool
	var code int
	stop := func() int {
		if !stopped {
			cancel()
			code, stopped = <-done, true
		}
		return code
	}
	t.Cleanup(func() { stop() })
	return mockBase{url: m[1], banner: banner}, stderr, stop
}

// TestMockPrintsItsDashboard: the start-up banner gives the dashboard's address, which
// serves the page; the page's polling does not flood the request log unless --verbose asks.
func TestMockPrintsItsDashboard(t *testing.T) {
	for _, verbose := range []bool{false, true} {
		t.Run(fmt.Sprintf("verbose=%t", verbose), func(t *testing.T) {
			var args []string
			if verbose {
				args = append(args, "--verbose")
			}
			base, stderr, stop := startMockBanner(t, args...)
			m := regexp.MustCompile(`dashboard\s+(http://127\.0\.0\.1:\d+/_mock/dashboard)\n`).FindStringSubmatch(base.banner)
			require.Len(t, m, 2, base.banner)
			assert.Equal(t, strings.TrimSuffix(base.url, "/api/v2")+"/_mock/dashboard", m[1])
			get := func(path string) (int, http.Header) {
				req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, path, nil)
				require.NoError(t, err)
				res, err := http.DefaultClient.Do(req)
				require.NoError(t, err)
				_ = res.Body.Close()
				return res.StatusCode, res.Header
			}
			status, header := get(m[1])
			assert.Equal(t, http.StatusOK, status)
			assert.Equal(t, "text/html; charset=utf-8", header.Get("Content-Type"))
			assert.Contains(t, header.Get("Content-Security-Policy"), "script-src 'self'")
			for range 3 {
				get(strings.TrimSuffix(m[1], "/dashboard") + "/events?since=0&limit=1")
			}
			get(strings.TrimSuffix(m[1], "/dashboard") + "/requests")
			require.Equal(t, exitOK, stop(), stderr.String())
			logs := stderr.String()
			assert.Contains(t, logs, "msg=request method=GET path=/_mock/requests status=200", "other reads are logged as before")
			if verbose {
				assert.Equal(t, 3, strings.Count(logs, "level=DEBUG msg=request method=GET path=/_mock/events status=200"), logs)
			} else {
				assert.NotContains(t, logs, "path=/_mock/events", "each poll of the dashboard is a log line")
				assert.NotContains(t, logs, "path=/_mock/dashboard")
			}
		})
	}
}
