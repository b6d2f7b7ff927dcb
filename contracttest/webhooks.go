package contracttest

import (
	"fmt"
	"time"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/internal/contract"
	"github.com/lakipay/checkout-go/internal/fake/webhooks"
)

// startWebhookLocked signs the webhook for s's current status and queues it for delivery,
// with the copies, earlier status and hostile deliveries of the [DeliveryBehaviour]; the
// caller holds f.mu.
func (f *Fake) startWebhookLocked(s *session) {
	if s.req.CallbackURL == "" || s.muted || f.closed {
		return
	}
	body, err := f.webhookBody(s)
	if err != nil {
		f.log.Error("lakipay fake: webhook not sent", "transaction_id", s.id, "error", err)
		return
	}
	f.cov.enum("WebhookEvent.event", string(client.TransactionTypeDEPOSIT))
	genuine := Delivery{TransactionID: s.id, Status: client.TransactionStatus(s.status), Case: CaseGenuine,
		URL: s.req.CallbackURL, Body: body, Size: len(body)}
	steps := f.stepsLocked(s, genuine)
	n := 0
	for _, step := range steps {
		n += len(step)
	}
	if f.queue.FullLocked(n) {
		genuine.Dropped, genuine.Time = true, f.now().UTC()
		genuine.Err = fmt.Sprintf("dropped: %d webhooks already pending (the webhook queue's limit)", f.queue.PendingLocked())
		f.log.Warn("lakipay fake: webhook dropped", "transaction_id", s.id, "reason", genuine.Err)
		f.recordLocked(genuine)
		return
	}
	f.lastGenuine = s.id
	for i := 0; i+1 < len(steps); i++ {
		steps[i][0].Then = steps[i+1]
	}
	f.queue.QueueLocked(steps[0], n)
}

// eventOf is the webhook event for s's current status.
func eventOf(s *session) client.WebhookEvent {
	return client.WebhookEvent{
		Event:         client.TransactionTypeDEPOSIT,
		TransactionID: s.id,
		Reference:     s.req.Reference,
		Amount:        s.req.Amount,
		Currency:      s.req.Currency,
		Status:        s.status,
		Medium:        s.medium,
		Timestamp:     s.updated.Truncate(time.Second),
	}
}

// webhookBody returns the signed webhook JSON for s's current status.
func (f *Fake) webhookBody(s *session) ([]byte, error) { return f.signGenuine(eventOf(s), s.scripted) }

// signGenuine signs event with the fake's key and checks it against the spec: a webhook the
// fake sends as LakiPay would, which may carry the values of sc on purpose.
func (f *Fake) signGenuine(event client.WebhookEvent, sc scripted) ([]byte, error) {
	key, err := f.signingKey()
	if err != nil {
		return nil, err
	}
	signed, err := webhooks.Sign(event, key)
	if err != nil {
		return nil, err
	}
	for _, v := range contract.ValidateWebhook(signed, contract.Options{Strict: true}) {
		if sc.deliberate(v) {
			continue
		}
		f.log.Error("lakipay fake: webhook breaks the contract", "violation", contract.Format(v))
		f.cfg.onViolation(Violation(v))
	}
	return signed, nil
}

// newQueue returns the queue that delivers f's webhooks, guarded by f.mu, recording each
// attempt as a [Delivery].
func (f *Fake) newQueue() *webhooks.Queue[Delivery] {
	cfg := webhooks.Config{Workers: f.cfg.webhookWorkers, Capacity: f.cfg.webhookQueue,
		Timeout: f.cfg.webhookTimeout, RetryBase: f.cfg.retryBase}
	return webhooks.New(&f.mu, cfg, webhooks.Hooks[Delivery]{
		Now: f.now,
		Tried: func(j *webhooks.Job[Delivery], a webhooks.Attempt) {
			f.log.Info("lakipay fake: webhook attempt", "transaction_id", j.Record.TransactionID, "case", j.Record.Case,
				"attempt", a.N, "http_status", a.Status, "error", a.Err)
		},
		Record: func(j *webhooks.Job[Delivery], a webhooks.Attempt) {
			j.Record.attempted(a)
			f.recordLocked(j.Record)
			f.cov.status("receivePaymentWebhook", a.Status)
		},
		Changed: f.notifyLocked,
	})
}

// jobLocked returns the webhook that delivers d, padded with pad spaces, tried up to attempts
// times; the caller holds f.mu.
func (f *Fake) jobLocked(d Delivery, pad, attempts int) *webhooks.Job[Delivery] {
	j := f.queue.NewJobLocked(d, d.TransactionID, d.URL, d.Body, attempts)
	j.Pad = pad
	return j
}
