package contracttest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/contracttest"
)

// TestEffectsJSON holds the effects to their one JSON form: both counts, by name, other
// keys ignored; a bare number (the suite's former form), a missing count, a negative or
// fractional one, or anything but an object, refused with what to answer instead.
func TestEffectsJSON(t *testing.T) {
	out, err := json.Marshal(contracttest.Effects{Paid: 1})
	require.NoError(t, err)
	assert.JSONEq(t, `{"paid": 1, "released": 0}`, string(out))
	for _, tt := range []struct {
		in   string
		want contracttest.Effects
	}{
		{`{"paid": 1, "released": 0}`, contracttest.Effects{Paid: 1}},
		{`{"released": 2, "paid": 0, "orders": [1, 2], "note": "x"}`, contracttest.Effects{Released: 2}},
		{` {"paid":0,"released":0} `, contracttest.Effects{}},
	} {
		var got contracttest.Effects
		require.NoError(t, json.Unmarshal([]byte(tt.in), &got), tt.in)
		assert.Equal(t, tt.want, got, tt.in)
	}
	for _, tt := range []struct{ in, says string }{
		{`1`, `a bare number (1) is the suite's former form of the effects: answer {"paid": N, "released": N}`},
		{` -1`, `a bare number (-1)`},
		{`{"paid": 1}`, `"released" is missing: answer {"paid": N, "released": N}`},
		{`{"released": 0}`, `"paid" is missing`},
		{`{"paid": -1, "released": 0}`, `"paid" is -1, want a count (0, 1, ...)`},
		{`{"paid": 1.5, "released": 0}`, `"paid" is 1.5, want a count`},
		{`{"paid": "1", "released": 0}`, `"paid" is "1", want a count`},
		{`null`, `null is not a JSON object`},
		{`[1, 0]`, `[1, 0] is not a JSON object`},
		{`"paid"`, `"paid" is not a JSON object`},
	} {
		got := contracttest.Effects{Paid: 7, Released: 7}
		err := json.Unmarshal([]byte(tt.in), &got)
		require.Error(t, err, tt.in)
		assert.Contains(t, err.Error(), tt.says, tt.in)
		assert.Equal(t, contracttest.Effects{Paid: 7, Released: 7}, got, "nothing is half read: %s", tt.in)
	}
	assert.Equal(t, "nothing", contracttest.Effects{}.String())
	assert.Equal(t, "paid 2 and released 1", contracttest.Effects{Paid: 2, Released: 1}.String())
}

// fixedAnswer serves one fixed answer and keeps the last request's method, URL and body.
func fixedAnswer(t *testing.T, status int, body string) (url string, last func() (string, string, string)) {
	t.Helper()
	var method, target, sent string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		method, target, sent = r.Method, r.URL.String(), string(b)
		if status == http.StatusFound {
			w.Header().Set("Location", "/elsewhere")
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, func() (string, string, string) { return method, target, sent }
}

func TestEffectsFromURL(t *testing.T) {
	u, last := fixedAnswer(t, http.StatusOK, `{"paid": 1, "released": 0, "order": "42"}`)
	effects, err := contracttest.EffectsFromURL(u + "/test/effects?shop=a&transaction_id=stale")
	require.NoError(t, err)
	got, err := effects(context.Background(), "TXN-1&x=y")
	require.NoError(t, err)
	assert.Equal(t, contracttest.Effects{Paid: 1}, got)
	method, target, _ := last()
	assert.Equal(t, http.MethodGet, method)
	assert.Equal(t, "/test/effects?shop=a&transaction_id=TXN-1%26x%3Dy", target, "the URL's own query kept, the id set and escaped")

	for _, tt := range []struct {
		status int
		body   string
		says   string
	}{
		{http.StatusOK, `1`, `answered 1: a bare number (1) is the suite's former form of the effects: answer {"paid": N, "released": N}`},
		{http.StatusOK, `{"count": 1}`, `answered {"count": 1}: "paid" is missing`},
		{http.StatusNotFound, `no such route`, `answered HTTP 404: no such route`},
		{http.StatusFound, ``, `answered HTTP 302`},
		{http.StatusNoContent, ``, `answered HTTP 204 with no body, want JSON`},
		{http.StatusOK, `{"paid": "` + strings.Repeat("é", 40) + `"}`, `"paid" is "` + strings.Repeat("é", 29) + `...`},
	} {
		u, _ := fixedAnswer(t, tt.status, tt.body)
		effects, err := contracttest.EffectsFromURL(u)
		require.NoError(t, err)
		_, err = effects(context.Background(), "TXN-1")
		require.Error(t, err)
		assert.Contains(t, err.Error(), tt.says)
	}
	_, err = contracttest.EffectsFromURL("127.0.0.1:8080/effects")
	var oe *contracttest.OptionError
	require.ErrorAs(t, err, &oe)
	assert.Equal(t, `contracttest: effectsURL: "127.0.0.1:8080/effects" is not an absolute http or https URL`, err.Error())
}

func TestSessionOpenerFromURL(t *testing.T) {
	u, last := fixedAnswer(t, http.StatusCreated, `{"transaction_id": "TXN-42", "checkout_url": "https://pay.example/x"}`)
	open, err := contracttest.SessionOpenerFromURL(u + "/orders")
	require.NoError(t, err)
	id, err := open(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "TXN-42", id)
	method, target, sent := last()
	assert.Equal(t, []string{http.MethodPost, "/orders", "{}"}, []string{method, target, sent})

	for _, tt := range []struct {
		status int
		body   string
		says   string
	}{
		{http.StatusOK, `{"id": "TXN-42"}`, `answered no transaction_id: want {"transaction_id": "TXN-..."}`},
		{http.StatusOK, `TXN-42`, `answered TXN-42: invalid character`},
		{http.StatusInternalServerError, `checkout failed`, `answered HTTP 500: checkout failed`},
	} {
		u, _ := fixedAnswer(t, tt.status, tt.body)
		open, err := contracttest.SessionOpenerFromURL(u)
		require.NoError(t, err)
		_, err = open(context.Background())
		require.Error(t, err)
		assert.Contains(t, err.Error(), tt.says)
	}
	_, err = contracttest.SessionOpenerFromURL("/orders")
	var oe *contracttest.OptionError
	require.ErrorAs(t, err, &oe)
	assert.Equal(t, "openURL", oe.Option)
}
