package main

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/contracttest"
)

// createArgs is a valid `checkout create` command line with reference ref, followed by extra.
func createArgs(ref string, extra ...string) []string {
	return append([]string{"checkout", "create",
		"--amount", "1000.50", "--currency", "ETB", "--phone", "251911111111", "--reference", ref,
		"--success", "https://shop.example/success", "--failed", "https://shop.example/failed",
		"--medium", "MPESA", "--medium", "CBE", "--description", "Order #1"}, extra...)
}

// createSession creates a session through the CLI and returns its transaction id.
func createSession(t *testing.T, env map[string]string, ref string) string {
	t.Helper()
	r := runCLI(t, env, "", createArgs(ref, "--json")...)
	require.Equal(t, exitOK, r.code, r.stderr)
	var s client.CheckoutSession
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &s), r.stdout)
	require.NotEmpty(t, s.LakipayTransactionID)
	return s.LakipayTransactionID
}

func TestCheckoutCreate(t *testing.T) {
	srv := contracttest.NewServer(t, contracttest.WithAPIKey(testKey))
	env := keyEnv(testKey, srv.URL())

	t.Run("prints checkout URL and transaction id", func(t *testing.T) {
		r := runCLI(t, env, "", createArgs("ORDER-HUMAN")...)
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Empty(t, r.stderr)
		assert.Contains(t, r.stdout, "checkout_url    "+srv.Origin()+"/checkout/")
		assert.Regexp(t, `transaction_id  TXN-\S+`, r.stdout)
		assert.Contains(t, r.stdout, "amount          1000.50 ETB")
		assert.Contains(t, r.stdout, "status          INITIATED")
	})
	t.Run("json is the session", func(t *testing.T) {
		r := runCLI(t, env, "", createArgs("ORDER-JSON", "--json")...)
		require.Equal(t, exitOK, r.code, r.stderr)
		var s map[string]any
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &s))
		assert.Equal(t, "ORDER-JSON", s["reference"])
		assert.Equal(t, "INITIATED", s["status"])
		assert.Equal(t, "1000.5", jsonNumberText(t, r.stdout, "amount"), "the shortest exact form, as LakiPay writes it")
		assert.NotEmpty(t, s["checkout_url"])
	})
	t.Run("comma-separated mediums and a callback", func(t *testing.T) {
		r := runCLI(t, env, "", "checkout", "create", "--amount", "8.1", "--currency", "USD",
			"--phone", "12025550123", "--reference", "ORDER-COMMA", "--success", "https://s.example/",
			"--failed", "https://s.example/f", "--medium", "CYBERSOURCE,LAKIPAY", "--callback", "https://s.example/hook")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Contains(t, r.stdout, "8.10 USD")
	})
	t.Run("reused reference is LakiPay's refusal", func(t *testing.T) {
		r := runCLI(t, env, "", createArgs("ORDER-HUMAN")...)
		assert.Equal(t, exitFailed, r.code)
		assert.Empty(t, r.stdout)
		assert.Contains(t, r.stderr, "lakipay: create checkout: LakiPay answered HTTP 400 DUPLICATE_REFERENCE")
		assert.Contains(t, r.stderr, "\n  reference: ")
	})
	t.Run("unknown key is LakiPay's refusal", func(t *testing.T) {
		r := runCLI(t, keyEnv("pk_test_other:sk_test_other", srv.URL()), "", createArgs("ORDER-401")...)
		assert.Equal(t, exitFailed, r.code)
		assert.Contains(t, r.stderr, "LakiPay answered HTTP 401 INVALID_API_KEY")
	})
	t.Run("server error", func(t *testing.T) {
		require.NoError(t, srv.FailNext("createCheckout", http.StatusInternalServerError, "PROVIDER_ERROR"))
		r := runCLI(t, env, "", createArgs("ORDER-500")...)
		assert.Equal(t, exitFailed, r.code)
		assert.Contains(t, r.stderr, "LakiPay answered HTTP 500 PROVIDER_ERROR")
	})
	t.Run("unreachable server", func(t *testing.T) {
		r := runCLI(t, keyEnv(testKey, closedURL(t)), "", createArgs("ORDER-DOWN")...)
		assert.Equal(t, exitFailed, r.code)
		assert.Contains(t, r.stderr, "connection refused")
	})
}

// jsonNumberText returns the raw JSON text of a top-level number field.
func jsonNumberText(t *testing.T, doc, field string) string {
	t.Helper()
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(doc), &m))
	return string(m[field])
}

func TestCheckoutCreateRefusesInvalidInputBeforeSending(t *testing.T) {
	srv, requests := countingServer(t, http.StatusOK, `{}`)
	env := keyEnv(testKey, srv.URL+"/api/v2")
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"three decimals", []string{"--amount", "9.555"}, []string{"--amount (amount)", "two decimal"}},
		{"negative", []string{"--amount", "-1"}, []string{"--amount (amount)"}},
		{"not a number", []string{"--amount", "ten"}, []string{"--amount (amount)"}},
		{"zero", []string{"--amount", "0"}, []string{"--amount (amount)"}},
		{"lower-case currency", []string{"--currency", "etb"}, []string{"--currency (currency): pattern", `(got "etb")`}},
		{"phone with plus", []string{"--phone", "+251911111111"}, []string{"--phone (phone_number): pattern"}},
		{"unknown medium", []string{"--medium", "VISA"}, []string{"--medium (supported_mediums.2): enum", `"VISA"`}},
		{"duplicate medium", []string{"--medium", "MPESA"}, []string{"--medium (supported_mediums): uniqueItems"}},
		{"relative success URL", []string{"--success", "/paid"}, []string{"--success (redirects.success)"}},
		{"callback not http", []string{"--callback", "ftp://x.example/hook"}, []string{"--callback (callback_url)"}},
		{"every broken field at once", []string{"--currency", "birr", "--phone", "0911", "--reference", "", "--failed", "nope"},
			[]string{"--currency (currency)", "--phone (phone_number)", "--reference (reference)", "--failed (redirects.failed)"}},
		{"an amount that does not parse and every other broken field", []string{"--amount", "1.234", "--currency", "birr", "--medium", "CASH"},
			[]string{"--amount (amount): amount \"1.234\": more than two decimal places", "--currency (currency)", "--medium (supported_mediums.2)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, env, "", createArgs("ORDER-REFUSED", tt.args...)...)
			assert.Equal(t, exitFailed, r.code, r.output())
			assert.Empty(t, r.stdout)
			assert.Contains(t, r.stderr, "the request breaks the LakiPay contract; nothing was sent:")
			for _, w := range tt.want {
				assert.Contains(t, r.stderr, w)
			}
		})
	}
	assert.Zero(t, requests.Load(), "a refused command must send nothing")
}

func TestTransactionGetAndWait(t *testing.T) {
	srv := contracttest.NewServer(t, contracttest.WithAPIKey(testKey))
	env := keyEnv(testKey, srv.URL())
	paid := createSession(t, env, "ORDER-PAID")
	require.NoError(t, srv.Pay(paid, client.MediumMPESA))
	cancelled := createSession(t, env, "ORDER-CANCELLED")
	require.NoError(t, srv.Cancel(cancelled))
	open := createSession(t, env, "ORDER-OPEN")
	refunded := createSession(t, env, "ORDER-REFUNDED")
	require.NoError(t, srv.Pay(refunded, client.MediumMPESA))
	require.NoError(t, srv.SetStatus(refunded, "REFUNDED", "AWASH"))

	tests := []struct {
		name     string
		args     []string
		wantCode int
		stdout   []string
		stderr   string
	}{
		{"get a paid transaction", []string{"transaction", "get", paid}, exitOK,
			[]string{"transaction_id  " + paid, "status          SUCCESS", "medium          MPESA", "reference       ORDER-PAID", "description     Order #1"}, ""},
		{"get as json", []string{"transaction", "get", open, "--json"}, exitOK, []string{`"status": "INITIATED"`, `"amount": 1000.5,`}, ""},
		{"wait for a paid transaction", []string{"transaction", "wait", paid}, exitOK, []string{"status          SUCCESS"}, ""},
		{"wait for a cancelled transaction", []string{"transaction", "wait", cancelled}, exitFailed,
			[]string{"status          CANCELLED"}, "transaction " + cancelled + " ended CANCELLED"},
		{"wait times out on an open session", []string{"transaction", "wait", open, "--timeout", "50ms"}, exitFailed,
			[]string{"status          INITIATED"}, "was not final after 50ms (last status INITIATED)"},
		{"get a status and medium the CLI does not know", []string{"transaction", "get", refunded}, exitOK,
			[]string{"status          REFUNDED", "medium          AWASH"}, ""},
		// A status it does not know may be final or not: wait stops at once, names it and
		// fails, rather than poll on until the timeout.
		{"wait stops at a status it does not know", []string{"transaction", "wait", refunded, "--timeout", "30s"}, exitFailed,
			[]string{"status          REFUNDED"}, "transaction " + refunded + " is REFUNDED, a status this version of lakipay does not know"},
		{"unknown transaction", []string{"transaction", "get", "TXN-NOPE"}, exitFailed, nil, "LakiPay answered HTTP 404 NOT_FOUND"},
		{"unknown transaction while waiting", []string{"transaction", "wait", "TXN-NOPE"}, exitFailed, nil, "LakiPay answered HTTP 404 NOT_FOUND"},
		{"id too long", []string{"transaction", "get", string(make101())}, exitFailed, nil, "nothing was sent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, env, "", tt.args...)
			assert.Equal(t, tt.wantCode, r.code, r.output())
			for _, w := range tt.stdout {
				assert.Contains(t, r.stdout, w)
			}
			if tt.stderr == "" {
				assert.Empty(t, r.stderr)
			} else {
				assert.Contains(t, r.stderr, tt.stderr)
			}
		})
	}
}

func make101() []byte {
	b := make([]byte, 101)
	for i := range b {
		b[i] = 'X'
	}
	return b
}
