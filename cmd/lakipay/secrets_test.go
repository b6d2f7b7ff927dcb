package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"

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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, tt.env, "", tt.args...)
			out := r.output()
			assert.Equal(t, tt.code, r.code, secrettest.Mask(out, canarySecret))
			secrettest.Absent(t, out, canarySecret, "output")
		})
	}
}
