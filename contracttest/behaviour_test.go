package contracttest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/contracttest"
)

// arrivals is a receiver built on client.WebhookHandler (with de-duplication) that notes,
// in arrival order, the case of every delivery: the status of the ones it accepted, or
// "refused" with its answer.
type arrivals struct {
	mu   sync.Mutex
	seen []string
	h    http.Handler
}

func newArrivals(t *testing.T, srv *contracttest.Server) *arrivals {
	t.Helper()
	a := &arrivals{}
	h, err := client.NewWebhookHandler(srv.PublicKey(), func(_ context.Context, ev *client.WebhookEvent) error {
		a.note(string(ev.Status))
		return nil
	}, client.WithDeduplication(100))
	require.NoError(t, err)
	a.h = h
	return a
}

func (a *arrivals) note(s string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.seen = append(a.seen, s)
}

func (a *arrivals) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := httptest.NewRecorder()
	a.h.ServeHTTP(rec, r)
	if rec.Code != http.StatusOK {
		a.note("refused")
	} else if rec.Body.String() != "ok\n" {
		a.note("repeat") // a duplicate or a stale status, acknowledged without the function
	}
	w.WriteHeader(rec.Code)
}

func (a *arrivals) list() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.seen...)
}

// cases returns the cases of the recorded deliveries, in the order they were recorded.
func cases(ds []contracttest.Delivery) []contracttest.DeliveryCase {
	out := make([]contracttest.DeliveryCase, len(ds))
	for i, d := range ds {
		out[i] = d.Case
	}
	return out
}

// payAndSettle creates a session whose callback is hook, pays it and waits until no
// webhook is pending.
func payAndSettle(t *testing.T, srv *contracttest.Server, reference, hook string) string {
	t.Helper()
	id := createCheckout(t, srv, reference, hook).LakipayTransactionID
	require.NoError(t, srv.Pay(id, client.MediumMPESA))
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	require.NoError(t, srv.WaitIdle(ctx))
	return id
}

func TestDeliveryBehaviour(t *testing.T) {
	t.Run("copies", func(t *testing.T) {
		srv := contracttest.NewServer(t, contracttest.WithDeliveryBehaviour(contracttest.DeliveryBehaviour{Copies: 3}))
		a := newArrivals(t, srv)
		hook := httptest.NewServer(a)
		defer hook.Close()
		payAndSettle(t, srv, "R-copies", hook.URL)
		ds := srv.Deliveries()
		require.Len(t, ds, 3)
		assert.ElementsMatch(t, []contracttest.DeliveryCase{contracttest.CaseGenuine, contracttest.CaseDuplicate, contracttest.CaseDuplicate}, cases(ds))
		for _, d := range ds {
			assert.Equal(t, string(ds[0].Body), string(d.Body), "byte for byte")
			assert.True(t, d.OK())
		}
		assert.ElementsMatch(t, []string{"SUCCESS", "repeat", "repeat"}, a.list(), "the handler acted once")
	})
	t.Run("copies are retried like any webhook", func(t *testing.T) {
		srv := contracttest.NewServer(t, contracttest.WithWebhookRetry(2, time.Millisecond),
			contracttest.WithDeliveryBehaviour(contracttest.DeliveryBehaviour{Copies: 2, Spacing: time.Millisecond}))
		hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) }))
		defer hook.Close()
		payAndSettle(t, srv, "R-copies-retried", hook.URL)
		ds := srv.Deliveries()
		require.Len(t, ds, 4, "two copies, two attempts each")
		assert.ElementsMatch(t, []contracttest.DeliveryCase{contracttest.CaseGenuine, contracttest.CaseGenuine, contracttest.CaseDuplicate, contracttest.CaseDuplicate}, cases(ds))
	})
	t.Run("stale after final", func(t *testing.T) {
		srv := contracttest.NewServer(t, contracttest.WithDeliveryBehaviour(contracttest.DeliveryBehaviour{Order: contracttest.OrderStaleAfterFinal}))
		a := newArrivals(t, srv)
		hook := httptest.NewServer(a)
		defer hook.Close()
		payAndSettle(t, srv, "R-stale", hook.URL)
		assert.Equal(t, []contracttest.DeliveryCase{contracttest.CaseGenuine, contracttest.CaseEarlier}, cases(srv.Deliveries()))
		assert.Equal(t, []string{"SUCCESS", "repeat"}, a.list(), "the PENDING came after the SUCCESS, and was not acted on")
	})
	t.Run("final late", func(t *testing.T) {
		srv := contracttest.NewServer(t, contracttest.WithDeliveryBehaviour(contracttest.DeliveryBehaviour{Order: contracttest.OrderFinalLate, OrderDelay: time.Millisecond}))
		a := newArrivals(t, srv)
		hook := httptest.NewServer(a)
		defer hook.Close()
		payAndSettle(t, srv, "R-late", hook.URL)
		ds := srv.Deliveries()
		assert.Equal(t, []contracttest.DeliveryCase{contracttest.CaseEarlier, contracttest.CaseGenuine}, cases(ds))
		assert.Equal(t, []client.TransactionStatus{client.TransactionStatusPENDING, client.TransactionStatusSUCCESS}, []client.TransactionStatus{ds[0].Status, ds[1].Status})
		assert.Equal(t, []string{"PENDING", "SUCCESS"}, a.list())
	})
	t.Run("hostile ahead of the genuine webhook", func(t *testing.T) {
		hostile := []contracttest.DeliveryCase{contracttest.CaseForgedSignature, contracttest.CaseTamperedStatus,
			contracttest.CaseUnsigned, contracttest.CaseShiftedKey, contracttest.CaseOversized, contracttest.CaseReplayed}
		srv := contracttest.NewServer(t, contracttest.WithDeliveryBehaviour(contracttest.DeliveryBehaviour{Hostile: hostile}))
		a := newArrivals(t, srv)
		hook := httptest.NewServer(a)
		defer hook.Close()
		first := payAndSettle(t, srv, "R-hostile-1", hook.URL)
		assert.Equal(t, []contracttest.DeliveryCase{contracttest.CaseForgedSignature, contracttest.CaseTamperedStatus,
			contracttest.CaseUnsigned, contracttest.CaseShiftedKey, contracttest.CaseOversized, contracttest.CaseGenuine},
			cases(srv.Deliveries()), "the fake's first transaction has nothing to replay")
		second := payAndSettle(t, srv, "R-hostile-2", hook.URL)
		ds := srv.Deliveries()[6:]
		assert.Equal(t, []contracttest.DeliveryCase{contracttest.CaseForgedSignature, contracttest.CaseTamperedStatus,
			contracttest.CaseUnsigned, contracttest.CaseShiftedKey, contracttest.CaseOversized, contracttest.CaseReplayed,
			contracttest.CaseGenuine}, cases(ds))
		for _, d := range ds[:5] {
			assert.Equal(t, 1, d.Attempt, "a refused hostile body is never retried")
			assert.False(t, d.OK())
			assert.Equal(t, second, d.TransactionID)
		}
		assert.Equal(t, string(srv.Deliveries()[5].Body), string(ds[5].Body), "the transaction before's genuine webhook, replayed")
		assert.True(t, ds[6].OK())
		assert.Equal(t, []string{"refused", "refused", "refused", "refused", "refused", "SUCCESS",
			"refused", "refused", "refused", "refused", "refused", "repeat", "SUCCESS"}, a.list())
		assert.NotEqual(t, first, second)
	})
	t.Run("a full queue drops the whole change", func(t *testing.T) {
		srv := contracttest.NewServer(t, contracttest.WithWebhookQueue(2), contracttest.WithDeliveryBehaviour(contracttest.DeliveryBehaviour{Copies: 3}))
		payAndSettle(t, srv, "R-behaviour-full", "http://127.0.0.1:1/hook")
		ds := srv.Deliveries()
		require.Len(t, ds, 1)
		assert.True(t, ds[0].Dropped)
		assert.Equal(t, contracttest.CaseGenuine, ds[0].Case)
	})
	t.Run("set while running, restored by reset", func(t *testing.T) {
		srv := contracttest.NewServer(t, contracttest.WithDeliveryBehaviour(contracttest.DeliveryBehaviour{Copies: 2}))
		assert.Equal(t, contracttest.DeliveryBehaviour{Copies: 2, Order: contracttest.OrderInOrder, Hostile: []contracttest.DeliveryCase{}}, srv.DeliveryBehaviour())
		late := contracttest.DeliveryBehaviour{Order: contracttest.OrderFinalLate, OrderDelay: time.Second, Hostile: []contracttest.DeliveryCase{contracttest.CaseUnsigned}}
		require.NoError(t, srv.SetDeliveryBehaviour(late))
		late.Copies = 1
		assert.Equal(t, late, srv.DeliveryBehaviour())
		srv.Reset()
		assert.Equal(t, 2, srv.DeliveryBehaviour().Copies)
		assert.Equal(t, contracttest.OrderInOrder, srv.DeliveryBehaviour().Order)
	})
}

func TestDeliveryBehaviourIsChecked(t *testing.T) {
	tests := []struct {
		name string
		b    contracttest.DeliveryBehaviour
		says string
	}{
		{"copies", contracttest.DeliveryBehaviour{Copies: 11}, "copies 11 not in 1..10"},
		{"negative copies", contracttest.DeliveryBehaviour{Copies: -1}, "copies -1 not in 1..10"},
		{"spacing", contracttest.DeliveryBehaviour{Spacing: -time.Second}, "spacing -1s not in [0s, 30s]"},
		{"order", contracttest.DeliveryBehaviour{Order: "shuffled"}, `order "shuffled" is not one of in_order, stale_after_final, final_late`},
		{"order delay", contracttest.DeliveryBehaviour{Order: contracttest.OrderFinalLate, OrderDelay: time.Minute}, "order_delay 1m0s not in [0s, 30s]"},
		{"order delay without an order", contracttest.DeliveryBehaviour{OrderDelay: time.Second}, "order_delay 1s needs an order of stale_after_final or final_late"},
		{"genuine is not hostile", contracttest.DeliveryBehaviour{Hostile: []contracttest.DeliveryCase{contracttest.CaseGenuine}}, `hostile "genuine" is not a hostile case`},
		{"twice", contracttest.DeliveryBehaviour{Hostile: []contracttest.DeliveryCase{contracttest.CaseUnsigned, contracttest.CaseUnsigned}}, `hostile "unsigned" is given twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := contracttest.NewFake(contracttest.WithDeliveryBehaviour(tt.b))
			var oe *contracttest.OptionError
			require.ErrorAs(t, err, &oe)
			assert.Equal(t, "WithDeliveryBehaviour", oe.Option)
			assert.Contains(t, err.Error(), tt.says)

			f, err := contracttest.NewFake()
			require.NoError(t, err)
			defer func() { _ = f.Close() }()
			err = f.SetDeliveryBehaviour(tt.b)
			require.ErrorIs(t, err, contracttest.ErrScript)
			assert.Contains(t, err.Error(), tt.says)
			assert.Equal(t, 1, f.DeliveryBehaviour().Copies, "nothing changed")
		})
	}
}

func TestMockDeliveryEndpoints(t *testing.T) {
	srv := contracttest.NewServer(t)
	in := &inbox{status: http.StatusAccepted}
	hook := httptest.NewServer(in)
	defer hook.Close()
	paid := createCheckout(t, srv, "R-mock-deliver", hook.URL).LakipayTransactionID
	require.NoError(t, srv.Pay(paid, client.MediumMPESA))
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	require.NoError(t, srv.WaitIdle(ctx))

	post := func(path, body string) (int, []byte) {
		status, _, out := call(t, http.DefaultClient, http.MethodPost, srv.Origin()+path, "", []byte(body))
		return status, out
	}
	t.Run("deliver", func(t *testing.T) {
		status, body := post("/_mock/deliver", `{"transaction_id":"`+paid+`","case":"tampered_amount","copies":2,"timeout":"2s"}`)
		require.Equal(t, http.StatusOK, status, string(body))
		var got []contracttest.Delivery
		require.NoError(t, json.Unmarshal(body, &got))
		require.Len(t, got, 2)
		for _, d := range got {
			assert.Equal(t, contracttest.CaseTamperedAmount, d.Case, "a copy of a forgery is that forgery")
			assert.Equal(t, http.StatusAccepted, d.HTTPStatus)
			assert.Equal(t, hook.URL, d.URL, "to the session's callback_url")
		}
	})
	for _, tt := range []struct {
		name, path, body string
		status           int
		says             string
	}{
		{"unknown transaction", "/_mock/deliver", `{"transaction_id":"TXN-NONE","case":"genuine"}`, http.StatusNotFound, "unknown transaction"},
		{"unknown case", "/_mock/deliver", `{"transaction_id":"` + paid + `","case":"nice"}`, http.StatusBadRequest, `case \"nice\"`},
		{"bad timeout", "/_mock/deliver", `{"transaction_id":"` + paid + `","case":"genuine","timeout":"soon"}`, http.StatusBadRequest, `timeout \"soon\"`},
		{"unknown field", "/_mock/deliver", `{"transaction_id":"` + paid + `","case":"genuine","retries":3}`, http.StatusBadRequest, `unknown field \"retries\"`},
		{"bad behaviour", "/_mock/webhook-behaviour", `{"copies":99}`, http.StatusBadRequest, "copies 99 not in 1..10"},
		{"bad spacing", "/_mock/webhook-behaviour", `{"spacing":"often"}`, http.StatusBadRequest, `spacing \"often\"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, body := post(tt.path, tt.body)
			assert.Equal(t, tt.status, status)
			assert.Contains(t, string(body), tt.says)
		})
	}
	t.Run("webhook behaviour", func(t *testing.T) {
		status, body := post("/_mock/webhook-behaviour", `{"copies":2,"spacing":"5ms","order":"stale_after_final","order_delay":"10ms","hostile":["unsigned","replayed"]}`)
		require.Equal(t, http.StatusOK, status, string(body))
		assert.JSONEq(t, `{"copies":2,"spacing":"5ms","order":"stale_after_final","order_delay":"10ms","hostile":["unsigned","replayed"]}`, string(body))
		assert.Equal(t, contracttest.DeliveryBehaviour{Copies: 2, Spacing: 5 * time.Millisecond, Order: contracttest.OrderStaleAfterFinal,
			OrderDelay: 10 * time.Millisecond, Hostile: []contracttest.DeliveryCase{contracttest.CaseUnsigned, contracttest.CaseReplayed}}, srv.DeliveryBehaviour())
		status, _, got := call(t, http.DefaultClient, http.MethodGet, srv.Origin()+"/_mock/webhook-behaviour", "", nil)
		require.Equal(t, http.StatusOK, status)
		assert.JSONEq(t, string(body), string(got))
		status, body = post("/_mock/webhook-behaviour", `{}`)
		require.Equal(t, http.StatusOK, status)
		assert.JSONEq(t, `{"copies":1,"spacing":"0s","order":"in_order","order_delay":"0s","hostile":[]}`, string(body), "an absent field takes its default")
	})
}

// TestOversizedIsStreamed checks the padding of an oversized body never sits in the fake's
// memory or records: the record keeps the genuine body, and what the receiver reads is
// spaces after the opening brace.
func TestOversizedIsStreamed(t *testing.T) {
	srv := contracttest.NewServer(t)
	var head, tail []byte
	var n int64
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		n = int64(len(b))
		head, tail = b[:8], b[len(b)-8:]
		w.WriteHeader(http.StatusRequestEntityTooLarge)
	}))
	defer hook.Close()
	paid := createCheckout(t, srv, "R-oversized", "").LakipayTransactionID
	require.NoError(t, srv.Pay(paid, client.MediumMPESA))
	d := deliverOne(t, srv, contracttest.DeliverRequest{TransactionID: paid, Case: contracttest.CaseOversized, URL: hook.URL})
	assert.Equal(t, int64(contracttest.OversizedBytes), n)
	assert.Equal(t, "{       ", string(head))
	assert.Equal(t, string(d.Body[len(d.Body)-8:]), string(tail))
	assert.Less(t, len(d.Body), 1024)
	assert.Equal(t, http.StatusRequestEntityTooLarge, d.HTTPStatus)
}
