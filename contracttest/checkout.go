package contracttest

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/lakipay/checkout-go/client"
)

func (f *Fake) createCheckout(r *http.Request, body []byte) answer {
	var req client.CheckoutRequest
	if err := json.Unmarshal(body, &req); err != nil {
		// The validator accepted the body: only a gap between spec and model gets here.
		return errorAnswer(http.StatusBadRequest, client.ErrorCodeValidation, "Validation failed", map[string][]string{"body": {"body is not a checkout request"}})
	}
	f.mu.Lock()
	if f.sessions.used(req.Reference) {
		f.mu.Unlock()
		return errorAnswer(http.StatusBadRequest, client.ErrorCodeDuplicateReference, "Reference already used",
			map[string][]string{"reference": {"reference was already used for another checkout"}})
	}
	now := f.now().UTC()
	s := &session{
		id:      f.newIDLocked("TXN-", 8),
		token:   f.newIDLocked("", 16),
		req:     req,
		status:  client.TransactionStatusINITIATED,
		created: now,
		updated: now,
		expires: time.Now().Add(f.cfg.sessionTTL),
	}
	if forgot := f.sessions.add(s); forgot != nil {
		f.log.Info("lakipay fake: session cap reached, forgot a session", "transaction_id", forgot.id,
			"status", forgot.status, "max_sessions", f.cfg.maxSessions)
		f.noteForgottenLocked(forgot)
	}
	f.noteCreatedLocked(s)
	f.armExpiryLocked(s.expires)
	for _, m := range req.SupportedMediums {
		f.cov.enum("Medium", string(m))
	}
	f.cov.enum("TransactionStatus", string(s.status))
	f.mu.Unlock()
	f.log.Info("lakipay fake: checkout created", "transaction_id", s.id, "reference", req.Reference)
	return answer{status: http.StatusOK, body: client.CheckoutResponse{
		Status:  "SUCCESS",
		Message: "Checkout session created successfully",
		Data: client.CheckoutSession{
			CheckoutURL:          origin(r) + "/checkout/" + s.token,
			LakipayTransactionID: s.id,
			Reference:            req.Reference,
			Amount:               req.Amount,
			Currency:             req.Currency,
			Status:               s.status,
		},
	}}
}
