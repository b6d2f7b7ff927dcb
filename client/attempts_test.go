package client_test

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/contracttest"
)

func TestAttemptReference(t *testing.T) {
	for _, tt := range []struct {
		order   string
		attempt int
		want    string
	}{
		{"ORDER-42", 1, "ORDER-42-1"},
		{"ORDER-42", 2, "ORDER-42-2"},
		{"A-7", 12, "A-7-12"},
		{"-", 1, "--1"},
		{"ORDER=1;2?#", 3, "ORDER=1;2?#-3"},
		{strings.Repeat("x", 98), 1, strings.Repeat("x", 98) + "-1"},           // 100 characters
		{strings.Repeat("\u00e9", 98), 1, strings.Repeat("\u00e9", 98) + "-1"}, // 100 characters, 198 bytes
		{"O", math.MaxInt, "O-" + strconv.Itoa(math.MaxInt)},
	} {
		got, err := client.AttemptReference(tt.order, tt.attempt)
		require.NoError(t, err, "%q %d", tt.order, tt.attempt)
		assert.Equal(t, tt.want, got)
	}
	for _, tt := range []struct {
		name    string
		order   string
		attempt int
		rule    string // the contract's rule, "" for a plain error
	}{
		{"empty order", "", 1, ""},
		{"attempt 0", "ORDER-42", 0, ""},
		{"negative attempt", "ORDER-42", -1, ""},
		{"&, which makes webhooks ambiguous", "ORDER-4&2", 1, "pattern"},
		{"101 characters", strings.Repeat("x", 99), 1, "maxLength"},
		{"101 characters by attempt", strings.Repeat("x", 97), 100, "maxLength"},
		{"invalid UTF-8, which JSON would send as another text", "ORDER-\xff", 1, "utf-8"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := client.AttemptReference(tt.order, tt.attempt)
			require.Error(t, err)
			assert.Empty(t, got)
			var verr *client.ValidationError
			if tt.rule == "" {
				assert.False(t, errors.As(err, &verr), "a plain error: %v", err)
				return
			}
			require.ErrorAs(t, err, &verr)
			require.Len(t, verr.Violations, 1)
			assert.Equal(t, "reference", verr.Violations[0].Field())
			assert.Equal(t, tt.rule, verr.Violations[0].Rule)
		})
	}
}

func TestParseAttemptReference(t *testing.T) {
	for ref, want := range map[string]struct {
		order   string
		attempt int
	}{
		"ORDER-42-1":                            {"ORDER-42", 1},
		"ORDER-A-7-12":                          {"ORDER-A-7", 12},
		"ORDER-42":                              {"ORDER", 42},
		"--1":                                   {"-", 1},
		"ORDER-42-" + strconv.Itoa(math.MaxInt): {"ORDER-42", math.MaxInt},
	} {
		order, attempt, err := client.ParseAttemptReference(ref)
		require.NoError(t, err, ref)
		assert.Equal(t, want.order, order, ref)
		assert.Equal(t, want.attempt, attempt, ref)
	}
	for _, ref := range []string{"", "ORDER42", "-1", "ORDER-42-", "ORDER-42-0", "ORDER-42-01", "ORDER-42-+1",
		"ORDER-42-1x", "ORDER-42-1 ", "ORDER-42-\u0661", "ORDER-42-99999999999999999999", "ORDER-4&2-1",
		strings.Repeat("x", 99) + "-1", "ORDER-\xff-1"} {
		order, attempt, err := client.ParseAttemptReference(ref)
		require.ErrorIs(t, err, client.ErrNotAttemptReference, "%q", ref)
		assert.Empty(t, order)
		assert.Zero(t, attempt)
	}
}

// FuzzAttemptReference checks that a reference and its order and attempt map one to one:
// whatever AttemptReference makes parses back to its order and attempt, and whatever
// ParseAttemptReference accepts is exactly what AttemptReference makes of its answer (so no
// two references map to one attempt, and another system's maps to none). Every reference
// either makes is one the contract accepts.
func FuzzAttemptReference(f *testing.F) {
	for _, seed := range []struct {
		text    string
		attempt int
	}{
		{"ORDER-42", 1}, {"ORDER-42-1", 12}, {"ORDER-42-01", 0}, {"ORDER--1", -3}, {"INVOICE-42-1", 7}, {"ORDER-4&2-1", 1},
		{strings.Repeat("\u00e9", 98), 1}, {"A-\xff-1", 2}, {"ORDER-42-99999999999999999999", math.MaxInt},
	} {
		f.Add(seed.text, seed.attempt)
	}
	f.Fuzz(func(t *testing.T, text string, attempt int) {
		if ref, err := client.AttemptReference(text, attempt); err == nil {
			order, n, err := client.ParseAttemptReference(ref)
			require.NoError(t, err, "AttemptReference(%q, %d) = %q, which does not parse", text, attempt, ref)
			require.Equal(t, text, order)
			require.Equal(t, attempt, n)
			requireContractReference(t, ref)
		}
		if order, n, err := client.ParseAttemptReference(text); err == nil {
			back, err := client.AttemptReference(order, n)
			require.NoError(t, err, "ParseAttemptReference(%q) = %q, %d, which AttemptReference refuses", text, order, n)
			require.Equal(t, text, back, "ParseAttemptReference(%q) = %q, %d", text, order, n)
			requireContractReference(t, text)
		}
	})
}

// requireContractReference requires ref to be a reference openapi.yaml accepts.
func requireContractReference(t *testing.T, ref string) {
	t.Helper()
	require.True(t, utf8.ValidString(ref), "%q", ref)
	require.NotContains(t, ref, "&")
	n := utf8.RuneCountInString(ref)
	require.True(t, n >= 1 && n <= 100, "%q has %d characters", ref, n)
}

func TestCreateCheckoutAttempt(t *testing.T) {
	request := func(t *testing.T) client.CheckoutRequest { return checkoutRequest(t, "", "") }
	t.Run("the first attempt, recorded before it is sent", func(t *testing.T) {
		fake, c := newFakeClient(t)
		var begun []int
		session, attempt, err := c.CreateCheckoutAttempt(t.Context(), "ORDER-42", 1, request(t), func(_ context.Context, n int) error {
			assert.Zero(t, fake.Requests(contracttest.OpCreateCheckout), "begin runs before the request is sent")
			begun = append(begun, n)
			return nil
		})
		require.NoError(t, err)
		assert.Equal(t, 1, attempt)
		assert.Equal(t, "ORDER-42-1", session.Reference)
		assert.Equal(t, []int{1}, begun)
	})
	t.Run("a lost answer: the attempt repeated finds its reference spent and opens the next", func(t *testing.T) {
		fake, c := newFakeClient(t)
		require.NoError(t, fake.InjectFault(contracttest.OpCreateCheckout, contracttest.FaultLostAnswer))
		var begun []int
		begin := func(_ context.Context, n int) error { begun = append(begun, n); return nil }
		_, attempt, err := c.CreateCheckoutAttempt(t.Context(), "ORDER-42", 1, request(t), begin)
		require.Error(t, err)
		assert.True(t, client.OutcomeUnknown(err))
		assert.Equal(t, 1, attempt)

		session, attempt, err := c.CreateCheckoutAttempt(t.Context(), "ORDER-42", attempt, request(t), begin)
		require.NoError(t, err)
		assert.Equal(t, 2, attempt)
		assert.Equal(t, "ORDER-42-2", session.Reference)
		assert.Equal(t, []int{1, 1, 2}, begun, "each request's attempt recorded before it was sent")
		assert.Equal(t, 3, fake.Requests(contracttest.OpCreateCheckout))
	})
	t.Run("an unknown outcome repeated finds nothing created and keeps its reference", func(t *testing.T) {
		fake, c := newFakeClient(t)
		require.NoError(t, fake.InjectFault(contracttest.OpCreateCheckout, contracttest.FaultUnavailable))
		_, attempt, err := c.CreateCheckoutAttempt(t.Context(), "ORDER-42", 1, request(t), nil)
		require.True(t, client.OutcomeUnknown(err), "%v", err)
		session, attempt, err := c.CreateCheckoutAttempt(t.Context(), "ORDER-42", attempt, request(t), nil)
		require.NoError(t, err)
		assert.Equal(t, 1, attempt)
		assert.Equal(t, "ORDER-42-1", session.Reference)
	})
	t.Run("the next attempt is opened once per call, and repeated by the next", func(t *testing.T) {
		fake, c := newFakeClient(t)
		require.NoError(t, fake.FailNext(contracttest.OpCreateCheckout, http.StatusConflict, ""))
		require.NoError(t, fake.FailNext(contracttest.OpCreateCheckout, http.StatusConflict, ""))
		_, attempt, err := c.CreateCheckoutAttempt(t.Context(), "ORDER-42", 1, request(t), nil)
		assert.True(t, client.IsDuplicateReference(err), "%v", err)
		assert.Equal(t, 2, attempt)
		assert.Equal(t, 2, fake.Requests(contracttest.OpCreateCheckout))
		session, attempt, err := c.CreateCheckoutAttempt(t.Context(), "ORDER-42", attempt, request(t), nil)
		require.NoError(t, err)
		assert.Equal(t, "ORDER-42-2", session.Reference, "the refusal of ORDER-42-2 spent nothing")
		assert.Equal(t, 2, attempt)
	})
	t.Run("a refusal is returned as it is", func(t *testing.T) {
		fake, c := newFakeClient(t)
		require.NoError(t, fake.FailNext(contracttest.OpCreateCheckout, http.StatusBadRequest, client.ErrorCodeInvalidPhone))
		_, attempt, err := c.CreateCheckoutAttempt(t.Context(), "ORDER-42", 1, request(t), nil)
		assert.Equal(t, 1, attempt)
		assert.Equal(t, map[string][]string{"phone_number": {"phone number must be digits with the country code"}}, client.FieldMessages(err))
		assert.Equal(t, 1, fake.Requests(contracttest.OpCreateCheckout))
	})
	t.Run("nothing is sent", func(t *testing.T) {
		fake := contracttest.NewServer(t)
		c, _ := client.TestClient(t, fake.URL())
		broken := errors.New("the order book is down")
		withReference := request(t)
		withReference.Reference = "ORDER-42-1"
		for name, call := range map[string]func() error{
			"begin failed": func() error {
				_, _, err := c.CreateCheckoutAttempt(t.Context(), "ORDER-42", 1, request(t), func(context.Context, int) error { return broken })
				require.ErrorIs(t, err, broken)
				return err
			},
			"a reference in the request": func() error {
				_, _, err := c.CreateCheckoutAttempt(t.Context(), "ORDER-42", 1, withReference, nil)
				return err
			},
			"a nil context": func() error {
				_, _, err := c.CreateCheckoutAttempt(nil, "ORDER-42", 1, request(t), //nolint:staticcheck // the nil context is the test
					func(context.Context, int) error { t.Error("begin ran with a nil context"); return nil })
				return err
			},
			"attempt 0": func() error {
				_, _, err := c.CreateCheckoutAttempt(t.Context(), "ORDER-42", 0, request(t), nil)
				return err
			},
			"a reference the contract refuses, holding the secret": func() error {
				_, _, err := c.CreateCheckoutAttempt(t.Context(), "ORDER-"+client.TestSecret+"&", 1, request(t),
					func(context.Context, int) error { t.Error("begin ran for a reference that cannot be sent"); return nil })
				var verr *client.ValidationError
				require.ErrorAs(t, err, &verr)
				assert.Equal(t, map[string][]string{"reference": {"must not contain &"}}, client.FieldMessages(err))
				client.AssertNoSecret(t, err.Error(), "the refused reference")
				assert.False(t, client.OutcomeUnknown(err), "refused before sending")
				return err
			},
		} {
			require.Error(t, call(), name)
		}
		assert.Zero(t, fake.Requests(contracttest.OpCreateCheckout))
	})
}
