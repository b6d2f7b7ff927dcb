package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/client"
)

// TestLive runs checkout create and transaction get against the real LakiPay. It is opt-in:
// it needs LAKIPAY_API_KEY (and takes LAKIPAY_BASE_URL when set), and creates one unpaid
// checkout session.
func TestLive(t *testing.T) {
	key := os.Getenv(envAPIKey)
	if key == "" {
		t.Skip("set LAKIPAY_API_KEY (and optionally LAKIPAY_BASE_URL) to run the CLI against the real LakiPay; it creates one unpaid checkout session")
	}
	env := map[string]string{envAPIKey: key}
	if base, ok := os.LookupEnv(envBaseURL); ok {
		env[envBaseURL] = base
	}
	ref := fmt.Sprintf("cli-live-%d", time.Now().UnixNano())
	r := runCLI(t, env, "", createArgs(ref, "--json")...)
	require.Equal(t, exitOK, r.code, r.stderr)
	var s client.CheckoutSession
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &s))
	assert.Equal(t, ref, s.Reference)
	assert.NotEmpty(t, s.CheckoutURL)

	r = runCLI(t, env, "", "transaction", "get", s.LakipayTransactionID)
	assert.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, "reference       "+ref)
	_, secret, _ := strings.Cut(key, ":")
	require.NotEmpty(t, secret, "the create above succeeded, so the key has a secret half")
	assert.NotContains(t, r.output(), secret)
}
