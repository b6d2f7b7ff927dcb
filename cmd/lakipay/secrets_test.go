package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/contracttest"
	"github.com/lakipay/checkout-go/internal/secrettest"
)

// The canary: if its secret half shows up anywhere in the CLI's output, the key leaked.
const (
	canarySecret = "sk_live_CANARY_5f1e2d"
	canaryKey    = "pk_live_canary:" + canarySecret
)

// echoServer answers every request with an error envelope that repeats the X-API-Key it got,
// as a badly behaved gateway might.
func echoServer(t *testing.T, status int) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get("X-API-Key")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]any{
			"status": "ERROR", "message": "bad key " + key, "error_code": "INVALID_API_KEY",
			"errors": map[string][]string{"api_key": {"key " + key + " is not known"}},
		})
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/api/v2"
}

// escapedEchoServer is echoServer writing the key the way escape does (PHP's \/, \uXXXX).
func escapedEchoServer(t *testing.T, status int, escape func(string) string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := escape(r.Header.Get("X-API-Key"))
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, `{"status":"ERROR","error_code":"INVALID_API_KEY","message":"bad key `+key+
			`","errors":{"key":["`+key+`"]}}`)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/api/v2"
}

// The escapings of escapedEchoServer.
func phpEscape(s string) string { return strings.ReplaceAll(s, "/", `\/`) }

func unicodeEscape(upper bool) func(string) string {
	format := "\\u%04x"
	if upper {
		format = "\\u%04X"
	}
	return func(s string) string {
		var b strings.Builder
		for i, c := range s {
			if i%3 == 2 { // a mix of escaped and plain characters
				b.WriteRune(c)
				continue
			}
			fmt.Fprintf(&b, format, c)
		}
		return b.String()
	}
}

func TestSecretNeverPrinted(t *testing.T) {
	fake := contracttest.NewServer(t, contracttest.WithAPIKey(testKey)) // refuses the canary: 401
	pinned := contracttest.NewServer(t, contracttest.WithAPIKey(canaryKey))
	down := closedURL(t)
	echo400 := echoServer(t, http.StatusBadRequest)
	echo200 := echoServer(t, http.StatusOK)
	get := []string{"transaction", "get", "TXN-1"}
	open := createSession(t, keyEnv(canaryKey, pinned.URL()), "R-OPEN")
	wait := []string{"transaction", "wait", "TXN-1", "--timeout", "2s"}

	tests := []struct {
		name string
		env  map[string]string
		args []string
		code int
	}{
		{"create: unreachable server", keyEnv(canaryKey, down), createArgs("R-1"), exitFailed},
		{"get: unreachable server", keyEnv(canaryKey, down), get, exitFailed},
		{"create: refused input", keyEnv(canaryKey, down), createArgs("R-1", "--amount", "1.234", "--currency", "x"), exitFailed},
		{"get: refused id", keyEnv(canaryKey, down), []string{"transaction", "get", string(make101())}, exitFailed},
		{"create: 401 from the fake", keyEnv(canaryKey, fake.URL()), createArgs("R-1"), exitFailed},
		{"get: 401 from the fake", keyEnv(canaryKey, fake.URL()), get, exitFailed},
		{"get: unknown transaction", keyEnv(canaryKey, pinned.URL()), get, exitFailed},
		{"wait: unknown transaction", keyEnv(canaryKey, pinned.URL()), wait, exitFailed},
		{"create: server echoes the key in an error", keyEnv(canaryKey, echo400), createArgs("R-1"), exitFailed},
		{"get: server echoes the key in an error", keyEnv(canaryKey, echo400), get, exitFailed},
		{"get: server echoes the key in a 200", keyEnv(canaryKey, echo200), get, exitFailed},
		{"get: server echoes the key PHP-escaped", keyEnv(slashKey, escapedEchoServer(t, http.StatusUnauthorized, phpEscape)), get, exitFailed},
		{"create: server echoes the key \\u-escaped, lower case", keyEnv(slashKey, escapedEchoServer(t, http.StatusUnauthorized, unicodeEscape(false))), createArgs("R-1"), exitFailed},
		{"get: server echoes the key \\u-escaped, upper case", keyEnv(slashKey, escapedEchoServer(t, http.StatusOK, unicodeEscape(true))), get, exitFailed},
		{"malformed key: control character", keyEnv(canaryKey+"\x01", fake.URL()), get, exitUsage},
		{"malformed key: DEL", keyEnv(canaryKey+"\x7f", fake.URL()), createArgs("R-1"), exitUsage},
		{"mock: key with a control character on the command line", nil, []string{"mock", "--api-key", canaryKey + "\x01"}, exitUsage},
		{"malformed key: no colon", keyEnv(canarySecret, fake.URL()), get, exitUsage},
		{"malformed key: empty public half", keyEnv(":"+canarySecret, fake.URL()), createArgs("R-1"), exitUsage},
		{"malformed key: whitespace", keyEnv("pk x:"+canarySecret, fake.URL()), get, exitUsage},
		{"secret in the base URL's credentials", keyEnv(canaryKey, "http://u:"+canarySecret+"@x.example/"), get, exitUsage},
		{"live demo: unreachable", keyEnv(canaryKey, down), []string{"demo", "--live", "--timeout", "1s"}, exitFailed},
		{"live demo: 401", keyEnv(canaryKey, fake.URL()), []string{"demo", "--live", "--timeout", "1s"}, exitFailed},
		{"offline demo with the key set", keyEnv(canaryKey, down), []string{"demo"}, exitOK},
		{"mock: key on the command line, bad address", nil, []string{"mock", "--api-key", canaryKey, "--addr", "256.0.0.1:1"}, exitFailed},
		{"mock: malformed key on the command line", nil, []string{"mock", "--api-key", canarySecret}, exitUsage},
		{"help with the key set", keyEnv(canaryKey, down), []string{"checkout", "create", "--help"}, exitOK},
		{"wait: not final in time", keyEnv(canaryKey, pinned.URL()), []string{"transaction", "wait", open, "--timeout", "20ms"}, exitFailed},
		{"webhook verify: missing key file, key set", keyEnv(canaryKey, down), []string{"webhook", "verify", "--public-key", "/nonexistent/key.pem"}, exitFailed},
		{"usage error with the key set", keyEnv(canaryKey, down), []string{"checkout", "create", "--amount", "1"}, exitUsage},
		{"mock: --api-key after a flag left without its value", nil, []string{"mock", "--addr", "--api-key", canaryKey}, exitUsage},
		{"mock: --api-key, then its key again as a bad flag value", nil, []string{"mock", "--api-key=" + canaryKey, "--seed", canaryKey}, exitUsage},
		{"mock: --api-key, then a flag value of the wrong type", nil, []string{"mock", "--api-key", canaryKey, "--seed=" + canaryKey}, exitUsage},
		{"mock: --api-key, its secret in an unreadable file's name", nil, []string{"mock", "--api-key", canaryKey, "--signing-key", "/nonexistent/" + canarySecret + "/key.pem"}, exitFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, tt.env, "", tt.args...)
			out := r.output()
			assert.Equal(t, tt.code, r.code, secrettest.Mask(secrettest.Mask(out, canarySecret), slashSecret))
			secrettest.Absent(t, out, canarySecret, "output")
			secrettest.Absent(t, out, slashSecret, "output")
		})
	}
}

// The key of issue 11's report: its secret has a '/' that PHP writes as "\/".
const (
	slashSecret = "sk_CANARY/123"
	slashKey    = "pk_test_a:" + slashSecret
)

// TestEscapedEchoIsRedacted is issue 11's report through the CLI: the error LakiPay (or a
// proxy) sends with the key echoed, escaped, reaches the terminal with the public half and
// [REDACTED], the rest of the message intact.
func TestEscapedEchoIsRedacted(t *testing.T) {
	for name, escape := range map[string]func(string) string{
		"PHP's \\/": phpEscape, "\\u lower case, mixed": unicodeEscape(false), "\\u upper case, mixed": unicodeEscape(true),
	} {
		t.Run(name, func(t *testing.T) {
			r := runCLI(t, keyEnv(slashKey, escapedEchoServer(t, http.StatusUnauthorized, escape)), "", "transaction", "get", "TXN-1")
			assert.Equal(t, exitFailed, r.code)
			secrettest.Absent(t, r.output(), slashSecret, "output")
			assert.Contains(t, r.stderr, "lakipay: get transaction: LakiPay answered HTTP 401 INVALID_API_KEY: bad key pk_test_a:[REDACTED]")
			assert.Contains(t, r.stderr, "\n  key: pk_test_a:[REDACTED]")
		})
	}
}

// TestSecretInDataChangesNothing is the other half of issue 11: with key x:y the SDK
// redacted the answer's bytes, so `checkout create` exited 1 ("HTTP 200: unexpected
// response body") after LakiPay had created the session, and a retry met
// DUPLICATE_REFERENCE. Now a secret that occurs in the data changes nothing but what is
// printed: the session is created once, read back, and shown with the secret redacted.
func TestSecretInDataChangesNothing(t *testing.T) {
	srv := contracttest.NewServer(t, contracttest.WithAPIKey(canaryKey))
	env := keyEnv(canaryKey, srv.URL())
	ref := "R-" + canarySecret

	r := runCLI(t, env, "", createArgs(ref, "--json")...)
	require.Equal(t, exitOK, r.code, secrettest.Mask(r.output(), canarySecret))
	secrettest.Absent(t, r.output(), canarySecret, "output")
	assert.Contains(t, r.stdout, `"reference": "R-[REDACTED]"`, "what is printed is redacted")
	assert.Equal(t, 1, srv.Requests("createCheckout"), "one request, one session")

	var s client.CheckoutSession
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &s))
	c, err := client.New(canaryKey, client.WithBaseURL(srv.URL()))
	require.NoError(t, err)
	tx, err := c.GetTransaction(t.Context(), s.LakipayTransactionID)
	require.NoError(t, err)
	assert.True(t, tx.Reference == ref, "LakiPay holds the reference as sent")

	r = runCLI(t, env, "", "transaction", "get", s.LakipayTransactionID)
	require.Equal(t, exitOK, r.code, secrettest.Mask(r.output(), canarySecret))
	assert.Contains(t, r.stdout, "reference       R-[REDACTED]")
	secrettest.Absent(t, r.output(), canarySecret, "output")
}

// plantingServer answers every request with LakiPay's error envelope, its message and a
// field message holding planted (JSON-escaped as encoding/json writes it).
func plantingServer(t *testing.T, planted string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_ = json.NewEncoder(w).Encode(map[string]any{
			"status": "ERROR", "error_code": "INVALID_API_KEY", "message": "bad key " + planted,
			"errors": map[string][]string{"api_key": {planted}},
		})
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/api/v2"
}

// TestEncodedEchoesAreHiddenByTheCLI is issue 20's list of echoes through the CLI: a server
// writes the key in a form the redactor did not know (base64 of the key or its halves, HTML
// named references, octal, ..., the secret in another case, its tail) in an error answer or
// in a status line. No line the CLI prints shows a run of 5 of the secret's characters.
func TestEncodedEchoesAreHiddenByTheCLI(t *testing.T) {
	for _, a := range secrettest.Attacks {
		t.Run(a.Name, func(t *testing.T) {
			planted := a.Plant(canaryKey, canarySecret)
			statusLine := secrettest.RawServer(t, func() string { return "HTTP/1.1 " + strings.ReplaceAll(planted, " ", "") + " OK\r\n\r\n" })
			answer := plantingServer(t, planted)
			for _, run := range []struct {
				where, base string
				args        []string
			}{
				{"error answer to get", answer, []string{"transaction", "get", "TXN-1"}},
				{"error answer to create", answer, createArgs("R-1")},
				{"status line", statusLine + "/api/v2", createArgs("R-1")}, // a POST, so not retried: no waiting
			} {
				r := runCLI(t, keyEnv(canaryKey, run.base), "", run.args...)
				assert.Equal(t, exitFailed, r.code, run.where)
				secrettest.Absent(t, r.output(), canarySecret, run.where)
				secrettest.Hidden(t, r.output(), canarySecret, run.where)
			}
		})
	}
}
