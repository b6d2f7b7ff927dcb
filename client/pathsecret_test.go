package client

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/internal/secrettest"
)

// TestSecretInTheTransactionIDIsNeverShown puts the secret where the caller, not the server,
// puts it: in the transaction id (an id taken from a URL parameter or a message an attacker
// wrote). The id goes into the request path, which errors and the debug log name; neither
// may show the secret, on any error path.
func TestSecretInTheTransactionIDIsNeverShown(t *testing.T) {
	huge := func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"SUCCESS","message":"` + strings.Repeat("x", MaxResponseBytes) + `"}`))
	}
	hang := func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() }
	tests := []struct {
		name    string
		handler http.HandlerFunc
		cancel  bool
	}{
		{"body too large", huge, false},
		{"caller gives up", hang, true},
		{"unusable answer", reply(http.StatusOK, `{"status":"SUCCESS","data":{"transaction_id":""}}`), false},
		{"not found", reply(http.StatusNotFound, `{"status":"ERROR","message":"Transaction not found"}`), false},
		{"connection cut", hangUp, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			srv := newServer(t, tt.handler)
			c, _ := testClient(t, srv.baseURL(), WithRetry(RetryPolicy{MaxAttempts: 1}),
				WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.cancel {
				go func() {
					for len(srv.seen()) == 0 {
						select {
						case <-ctx.Done():
							return
						default:
						}
					}
					cancel()
				}()
			}
			for _, id := range []string{"TXN-" + testSecret, testSecret + "/x y"} {
				_, err := c.GetTransaction(ctx, id)
				require.Error(t, err)
				for _, text := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err), logs.String()} {
					secrettest.Absent(t, text, testSecret, tt.name)
				}
			}
		})
	}
}
