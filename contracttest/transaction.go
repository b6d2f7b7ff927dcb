package contracttest

import (
	"net/http"
	"reflect"
	"strings"
	"sync"

	"github.com/lakipay/checkout-go/client"
)

func (f *Fake) getTransaction(r *http.Request) answer {
	f.mu.Lock()
	s, ok := f.sessions.byID[r.PathValue("id")]
	var (
		tx client.Transaction
		sc scripted
	)
	if ok {
		tx, sc = transactionOf(s), s.scripted
		f.cov.enum("TransactionStatus", string(tx.Status))
		f.cov.enum("TransactionType", string(tx.Type))
		f.noteLocked(s, event{Kind: eventDetail, HTTPStatus: http.StatusOK, Status: string(tx.Status)})
	}
	f.mu.Unlock()
	if !ok {
		return errorAnswer(http.StatusNotFound, client.ErrorCodeNotFound, "Transaction not found", nil)
	}
	return answer{status: http.StatusOK, scripted: sc, body: client.TransactionResponse{
		Status: "SUCCESS", Message: "Transaction retrieved successfully", Data: tx,
	}}
}

// transactionOf renders a session as transaction detail; the caller holds f.mu.
func transactionOf(s *session) client.Transaction {
	amount := s.req.Amount
	tx := client.Transaction{
		TransactionID: s.id,
		TotalAmount:   &amount,
		Status:        s.status,
		Medium:        s.medium,
		Type:          client.TransactionTypeDEPOSIT,
		CreatedAt:     s.created,
		UpdatedAt:     s.updated,
	}
	echo(&tx, &s.req)
	return tx
}

// echoed are the fields of a checkout request that transaction detail echoes: each pair is a
// field of client.Transaction and the field of client.CheckoutRequest with the same JSON name
// and Go type (reference, amount, currency, description, and any field openapi.yaml adds to
// both), so that a field added to the spec is echoed without an edit here.
var echoed = sync.OnceValue(func() [][2]int {
	names := func(t reflect.Type) map[string]int {
		out := map[string]int{}
		for i := range t.NumField() {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			out[name] = i
		}
		return out
	}
	tx, req := reflect.TypeFor[client.Transaction](), reflect.TypeFor[client.CheckoutRequest]()
	from := names(req)
	var pairs [][2]int
	for name, i := range names(tx) {
		if j, ok := from[name]; ok && req.Field(j).Type == tx.Field(i).Type {
			pairs = append(pairs, [2]int{i, j})
		}
	}
	return pairs
})

// echo copies into tx the fields of req that transaction detail echoes.
func echo(tx *client.Transaction, req *client.CheckoutRequest) {
	to, from := reflect.ValueOf(tx).Elem(), reflect.ValueOf(req).Elem()
	for _, p := range echoed() {
		to.Field(p[0]).Set(from.Field(p[1]))
	}
}
