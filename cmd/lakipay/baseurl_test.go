package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/internal/secrettest"
)

// recordingTransport records every request the CLI would send, wherever to, and sends none:
// with it in place, a test proves that nothing left the process, production included (a
// loopback server that fails on any request cannot see a request to api.lakipay.co).
type recordingTransport struct {
	mu   sync.Mutex
	urls []string
}

func (rt *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	rt.urls = append(rt.urls, req.Method+" "+req.URL.String())
	return nil, errors.New("recording transport: sends nothing")
}

func (rt *recordingTransport) sent() []string {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return append([]string(nil), rt.urls...)
}

// runRecorded runs the CLI in-process like runCLI, with every request of its LakiPay client
// going to rt.
func runRecorded(t *testing.T, rt http.RoundTripper, env map[string]string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	a := newApp(args, strings.NewReader(""), &stdout, &stderr, mapEnv(env))
	a.transport = rt
	code := a.run(t.Context(), args)
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// callingCommands are the command lines that call LakiPay, by name.
var callingCommands = map[string][]string{
	"checkout create":  createArgs("R-EMPTY"),
	"transaction get":  {"transaction", "get", "TXN-1"},
	"transaction wait": {"transaction", "wait", "TXN-1", "--timeout", "1s"},
	"demo --live":      {"demo", "--live", "--timeout", "1s"},
}

// TestRecordingTransportSeesEveryCommand is the check behind TestExplicitlyEmptyBaseURL: with
// no base URL at all, each command's requests go to LakiPay's production host through the
// recording transport, so an empty record there means that nothing was sent, anywhere.
func TestRecordingTransportSeesEveryCommand(t *testing.T) {
	for name, args := range callingCommands {
		t.Run(name, func(t *testing.T) {
			rt := &recordingTransport{}
			r := runRecorded(t, rt, map[string]string{envAPIKey: canaryKey}, args...)
			assert.Equal(t, exitFailed, r.code, r.output())
			sent := rt.sent()
			require.NotEmpty(t, sent)
			for _, req := range sent { // a GET is retried after a network error: each try is recorded
				assert.Contains(t, req, " https://api.lakipay.co/api/v2/payment/")
			}
		})
	}
}

// An empty or blank base URL given explicitly (a flag value or a variable that is set) is
// wrong usage, refused before anything is sent: `--base-url "$UNSET_VAR"` used to send the
// request, with the key, to production.
func TestExplicitlyEmptyBaseURL(t *testing.T) {
	const good = "http://127.0.0.1:1/api/v2"
	ways := []struct {
		name string
		env  map[string]string
		flag []string
		want string
	}{
		{"empty flag", map[string]string{envAPIKey: canaryKey}, []string{"--base-url", ""}, "--base-url is empty"},
		{"empty flag with =", map[string]string{envAPIKey: canaryKey}, []string{"--base-url="}, "--base-url is empty"},
		{"blank flag", map[string]string{envAPIKey: canaryKey}, []string{"--base-url", " \t "}, "--base-url is empty"},
		{"empty flag over a good variable", keyEnv(canaryKey, good), []string{"--base-url", ""}, "--base-url is empty"},
		{"variable set but empty", keyEnv(canaryKey, ""), nil, envBaseURL + " is set but empty"},
		{"variable set but blank", keyEnv(canaryKey, "  "), nil, envBaseURL + " is set but empty"},
	}
	for name, args := range callingCommands {
		for _, way := range ways {
			t.Run(name+"/"+way.name, func(t *testing.T) {
				rt := &recordingTransport{}
				r := runRecorded(t, rt, way.env, append(append([]string{}, args...), way.flag...)...)
				assert.Equal(t, exitUsage, r.code, r.output())
				assert.Empty(t, rt.sent(), "nothing may be sent")
				assert.Empty(t, r.stdout)
				assert.Contains(t, r.stderr, way.want)
				assert.Contains(t, r.stderr, "https://api.lakipay.co/api/v2", "the message says which host leaving it out means")
				secrettest.Absent(t, r.output(), canaryKey, "output")
			})
		}
	}
	t.Run("offline demo with an empty flag", func(t *testing.T) {
		r := runCLI(t, nil, "", "demo", "--base-url", "")
		assert.Equal(t, exitUsage, r.code, r.output())
		assert.Contains(t, r.stderr, "--base-url is empty")
	})
	t.Run("a good flag wins over an empty variable", func(t *testing.T) {
		rt := &recordingTransport{}
		r := runRecorded(t, rt, keyEnv(canaryKey, ""), "transaction", "get", "TXN-1", "--base-url", good)
		assert.Equal(t, exitFailed, r.code, r.output())
		sent := rt.sent()
		require.NotEmpty(t, sent)
		assert.Equal(t, "GET "+good+"/payment/transaction/TXN-1", sent[0])
	})
}

// The webhook receiver suite's URLs given explicitly empty are wrong usage too, never a
// silent default.
func TestWebhookTestEmptyURLs(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"empty --mock", []string{"--url", "http://127.0.0.1:1/hook", "--answers-only", "--mock", ""}, "--mock"},
		{"blank --mock", []string{"--url", "http://127.0.0.1:1/hook", "--answers-only", "--mock", "  "}, "--mock"},
		{"empty --url", []string{"--url", "", "--answers-only"}, "--url"},
		{"empty --effects-url", []string{"--url", "http://127.0.0.1:1/hook", "--effects-url", ""}, "--effects-url is empty"},
		{"blank --effects-url", []string{"--url", "http://127.0.0.1:1/hook", "--effects-url", " "}, "--effects-url is empty"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, nil, "", append([]string{"webhook", "test"}, tt.args...)...)
			assert.Equal(t, exitUsage, r.code, r.output())
			assert.Contains(t, r.stderr, tt.want)
		})
	}
}

// Every flag whose empty value would silently mean its default refuses an explicit empty
// value: `--callback "$HOOK"` with HOOK unset used to create a session without webhooks,
// `mock --key-out "$FILE"` to write no key file.
func TestExplicitlyEmptyFlags(t *testing.T) {
	t.Chdir(t.TempDir()) // a regression writes its key file named " " there, not in the tree
	for _, tt := range []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"checkout create --callback", map[string]string{envAPIKey: canaryKey}, createArgs("R-1", "--callback", ""), "--callback is empty"},
		{"checkout create --callback blank", map[string]string{envAPIKey: canaryKey}, createArgs("R-1", "--callback", "  "), "--callback is empty"},
		{"mock --key-out", nil, []string{"mock", "--addr", "127.0.0.1:0", "--key-out", ""}, "--key-out is empty"},
		{"mock --signing-key", nil, []string{"mock", "--addr", "127.0.0.1:0", "--signing-key", " "}, "--signing-key is empty"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// A guard, not an assertion: a mock that starts must not serve until the test ends.
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			rt := &recordingTransport{}
			var stdout, stderr bytes.Buffer
			a := newApp(tt.args, strings.NewReader(""), &stdout, &stderr, mapEnv(tt.env))
			a.transport = rt
			code := a.run(ctx, tt.args)
			assert.Equal(t, exitUsage, code, stdout.String()+stderr.String())
			assert.Empty(t, rt.sent(), "nothing may be sent")
			assert.Empty(t, stdout.String(), "nothing served")
			assert.Contains(t, stderr.String(), tt.want)
			assert.Contains(t, stderr.String(), "leave the flag out")
		})
	}
}
