package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDemo(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		first []string // what session 1 must show, in order
	}{
		{"pays with MPESA by default", nil, []string{
			"the shopper pays with MPESA",
			"1. Merchant backend creates the session", "status          INITIATED",
			"2. Shopper's browser opens the checkout URL", "200 OK: the hosted page offers MPESA, TELEBIRR, CBE",
			"3. Shopper picks MPESA and pays", "303 See Other -> http://127.0.0.1:", "/orders/success",
			"4. Browser follows the redirect", "200 OK: order page (success)",
			"5. Merchant's webhook receiver gets LakiPay's POST", "signature verified", "event           DEPOSIT", "status          SUCCESS",
			"6. Merchant confirms through transaction detail", "=> confirmed SUCCESS",
		}},
		{"another medium", []string{"--medium", "ETHSWITCH"}, []string{
			"offers MPESA, TELEBIRR, CBE, ETHSWITCH", "Shopper picks ETHSWITCH and pays", "medium          ETHSWITCH", "=> confirmed SUCCESS",
		}},
		{"the provider declines", []string{"--outcome", "failed", "--medium", "TELEBIRR"}, []string{
			"tries to pay with TELEBIRR and the provider declines", "/orders/failed", "status          FAILED", "=> confirmed FAILED",
		}},
		{"the shopper cancels", []string{"--outcome", "cancelled"}, []string{
			"cancels on the hosted page", "Shopper presses Cancel", "/orders/failed", "=> confirmed CANCELLED",
		}},
		{"amount flag", []string{"--amount", "0.07"}, []string{"amount          0.07 ETB", "=> confirmed SUCCESS"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, map[string]string{envAPIKey: testKey}, "", append([]string{"demo"}, tt.args...)...)
			require.Equal(t, exitOK, r.code, r.output())
			assert.Empty(t, r.stderr)
			first, second, found := strings.Cut(r.stdout, "== Session 2")
			require.True(t, found, r.stdout)
			assertInOrder(t, first, tt.first)
			assertInOrder(t, second, []string{"cancels on the hosted page", "303 See Other", "/orders/failed",
				"status          CANCELLED", "=> confirmed CANCELLED"})
			assert.Contains(t, r.stdout, "Done: every step behaved as the contract says.")
		})
	}
}

func TestDemoFailures(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"medium LakiPay does not list", []string{"--medium", "PAYPAL"}, "--medium (supported_mediums.3): enum"},
		{"amount with three decimals", []string{"--amount", "1.005"}, "--amount"},
		{"phone with a plus", []string{"--phone", "+251911111111"}, "--phone (phone_number)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, nil, "", append([]string{"demo"}, tt.args...)...)
			assert.Equal(t, exitFailed, r.code, r.output())
			assert.Contains(t, r.stderr, tt.want)
			assert.NotContains(t, r.stdout, "Done")
		})
	}
}

// assertInOrder checks that every string of want appears in s, each after the previous one.
func assertInOrder(t *testing.T, s string, want []string) {
	t.Helper()
	rest := s
	for _, w := range want {
		i := strings.Index(rest, w)
		if !assert.GreaterOrEqual(t, i, 0, "missing (in order) %q in:\n%s", w, s) {
			return
		}
		rest = rest[i+len(w):]
	}
}
