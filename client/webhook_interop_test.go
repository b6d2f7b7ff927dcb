package client_test

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/internal/webhook"
)

// interopAmounts are the amounts of issue 10's interoperability check: before the fix,
// LakiPay's JavaScript and Python SDKs verified only the fake's 250.75 webhook.
var interopAmounts = []string{"1000.5", "100", "250.75", "0.5", "12.3", "7", "0.01", "999999999999.99", "323.39", "8.1"}

// TestWebhooksVerifyUnderLakiPaySDKRules has the fake pay one session per amount, collects the
// webhooks it POSTs to callback_url, and verifies each with two small scripts that follow the
// documented canonical rules of LakiPay's JavaScript SDK (`${value}` of JSON.parse, node's
// crypto) and Python SDK (f"{value}" of json.loads, RSA by hand with the standard library):
// every webhook verifies under both, with the canonical string our raw-text rule gives, and
// a tampered copy of each verifies under neither.
func TestWebhooksVerifyUnderLakiPaySDKRules(t *testing.T) {
	fake, c := newFakeClient(t)
	recorder := &webhookRecorder{key: fake.PublicKey()}
	receiver := httptest.NewServer(recorder)
	t.Cleanup(receiver.Close)
	ctx := context.Background()
	ids := make([]string, len(interopAmounts))
	for i, text := range interopAmounts {
		req := checkoutRequest(t, "ORDER-INTEROP-"+text, receiver.URL+"/lakipay")
		amount, err := client.ParseAmount(text)
		require.NoError(t, err)
		req.Amount = amount
		session, err := c.CreateCheckout(ctx, req)
		require.NoError(t, err)
		require.NoError(t, fake.Pay(session.LakipayTransactionID, client.MediumMPESA))
		ids[i] = session.LakipayTransactionID
	}
	waitCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	_, err := fake.WaitForDeliveries(waitCtx, len(interopAmounts))
	require.NoError(t, err)
	received := recorder.received()
	bodies := make([][]byte, len(ids))
	for i, id := range ids {
		bodies[i] = received[id]
		require.NotNil(t, bodies[i], "the webhook of %s arrived and verified with ParseWebhook", id)
	}

	var webhooks, want []string
	for i, body := range bodies {
		require.Contains(t, string(body), `"amount":`+interopAmounts[i]+`,`, "the fake writes the shortest form")
		canonical, _, err := webhook.Canonical(body)
		require.NoError(t, err)
		tampered := strings.Replace(string(body), `"status":"SUCCESS"`, `"status":"FAILED"`, 1)
		require.NotEqual(t, string(body), tampered)
		webhooks = append(webhooks, string(body), tampered)
		want = append(want, string(canonical), strings.Replace(string(canonical), "status=SUCCESS", "status=FAILED", 1))
	}
	input, err := json.Marshal(map[string]any{"public_key": string(fake.PublicKeyPEM()), "webhooks": webhooks})
	require.NoError(t, err)
	inputFile := filepath.Join(t.TempDir(), "webhooks.json")
	require.NoError(t, os.WriteFile(inputFile, input, 0o600))

	for _, sdk := range []struct{ name, interpreter, script, install string }{
		{name: "JavaScript SDK rule", interpreter: "node", script: "verify.js",
			install: "install Node.js (https://nodejs.org, or apt-get install nodejs)"},
		{name: "Python SDK rule", interpreter: "python3", script: "verify.py",
			install: "install Python 3 (https://www.python.org, or apt-get install python3)"},
	} {
		t.Run(sdk.name, func(t *testing.T) {
			t.Parallel()
			path, err := exec.LookPath(sdk.interpreter)
			if err != nil {
				t.Skipf("%s not found on PATH: %s to check the fake's webhooks under LakiPay's SDK rules", sdk.interpreter, sdk.install)
			}
			var stderr bytes.Buffer
			cmd := exec.CommandContext(ctx, path, filepath.Join("testdata", "interop", sdk.script), inputFile)
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			require.NoError(t, err, stderr.String())
			lines := strings.Split(strings.TrimSpace(string(out)), "\n")
			require.Len(t, lines, len(webhooks))
			for i, line := range lines {
				var got struct {
					Canonical string
					Verified  bool
				}
				require.NoError(t, json.Unmarshal([]byte(line), &got), line)
				amount := interopAmounts[i/2]
				assert.Equal(t, want[i], got.Canonical, "amount %s: the SDK rule and the raw-text rule write the same string", amount)
				if i%2 == 0 {
					assert.True(t, got.Verified, "amount %s: the fake's webhook verifies", amount)
				} else {
					assert.False(t, got.Verified, "amount %s: a tampered copy does not verify", amount)
				}
			}
		})
	}
}

// webhookRecorder is a callback_url that verifies each webhook with ParseWebhook, keeps its
// raw body by transaction id and answers 200.
type webhookRecorder struct {
	key    *rsa.PublicKey
	mu     sync.Mutex
	bodies map[string][]byte
}

func (r *webhookRecorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	event, err := client.ParseWebhook(body, r.key)
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.bodies == nil {
		r.bodies = map[string][]byte{}
	}
	r.bodies[event.TransactionID] = body
}

func (r *webhookRecorder) received() map[string][]byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return maps.Clone(r.bodies)
}
