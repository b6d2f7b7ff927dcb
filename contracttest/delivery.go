package contracttest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"time"

	"github.com/lakipay/checkout-go/gen"
	"github.com/lakipay/checkout-go/internal/webhook"
)

// Delivery is one webhook delivery attempt of the fake.
type Delivery struct {
	// TransactionID is the transaction the webhook is about.
	TransactionID string `json:"transaction_id"`
	// Status is the transaction status the webhook announces.
	Status gen.TransactionStatus `json:"status"`
	// URL is the callback_url posted to.
	URL string `json:"url"`
	// Body is the signed JSON sent, byte for byte.
	Body json.RawMessage `json:"body"`
	// Attempt counts from 1 for each webhook.
	Attempt int `json:"attempt"`
	// HTTPStatus is the receiver's answer, 0 when there was none.
	HTTPStatus int `json:"http_status"`
	// Err says why an attempt got no answer ("" when it got one).
	Err string `json:"error,omitempty"`
	// Time is when the attempt started.
	Time time.Time `json:"time"`
}

// OK reports whether the receiver accepted the delivery (a 2xx answer).
func (d Delivery) OK() bool { return d.HTTPStatus >= 200 && d.HTTPStatus < 300 }

// startWebhookLocked signs the webhook for s's current status and delivers it in the
// background; the caller holds f.mu.
func (f *Fake) startWebhookLocked(s *session) {
	if s.req.CallbackURL == nil || f.closed {
		return
	}
	body, err := f.webhookBody(s)
	if err != nil {
		f.log.Error("lakipay fake: webhook not sent", "transaction_id", s.id, "error", err)
		return
	}
	f.cov.enum("WebhookEvent.event", string(gen.WebhookEventEventDEPOSIT))
	f.pending++
	f.wg.Add(1)
	go f.deliver(f.ctx, f.generation, Delivery{
		TransactionID: s.id, Status: s.status, URL: *s.req.CallbackURL, Body: body,
	})
}

// webhookBody returns the signed webhook JSON for s and checks it against the spec.
func (f *Fake) webhookBody(s *session) ([]byte, error) {
	event := gen.WebhookEvent{
		Event:         gen.WebhookEventEventDEPOSIT,
		TransactionID: s.id,
		Reference:     s.req.Reference,
		Amount:        s.req.Amount,
		Currency:      s.req.Currency,
		Status:        s.status,
		Medium:        s.medium,
		Timestamp:     s.updated.Truncate(time.Second),
	}
	raw, err := json.Marshal(event)
	if err != nil {
		return nil, err
	}
	key, err := f.signingKey()
	if err != nil {
		return nil, err
	}
	signed, err := webhook.Sign(raw, key)
	if err != nil {
		return nil, err
	}
	schema := f.spec.Doc.Components.Schemas["WebhookEvent"].Value
	for _, v := range f.spec.ValidateJSON(schema, signed, "receivePaymentWebhook", "webhook body") {
		f.log.Error("lakipay fake: webhook breaks the contract", "violation", v.String())
		f.cfg.onViolation(v)
	}
	return signed, nil
}

// deliver posts one webhook until the receiver answers 2xx or the attempts are used up,
// waiting base, 2*base, ... between attempts; ctx ends it early (Reset, Close).
func (f *Fake) deliver(ctx context.Context, generation int, d Delivery) {
	defer f.wg.Done()
	defer func() {
		f.mu.Lock()
		if f.generation == generation {
			f.pending--
			f.notifyLocked()
		}
		f.mu.Unlock()
	}()
	wait := f.cfg.retryBase
	for attempt := 1; attempt <= f.cfg.attempts; attempt++ {
		d.Attempt, d.Time, d.HTTPStatus, d.Err = attempt, f.now().UTC(), 0, ""
		d.HTTPStatus, d.Err = f.post(ctx, d.URL, d.Body)
		if ctx.Err() != nil {
			return // reset or closed: the attempt was cut, not made
		}
		f.mu.Lock()
		if f.generation != generation {
			f.mu.Unlock()
			return
		}
		f.deliveries = append(f.deliveries, d)
		f.cov.status("receivePaymentWebhook", d.HTTPStatus)
		f.notifyLocked()
		f.mu.Unlock()
		f.log.Info("lakipay fake: webhook attempt", "transaction_id", d.TransactionID, "attempt", attempt,
			"http_status", d.HTTPStatus, "error", d.Err)
		if d.OK() || attempt == f.cfg.attempts {
			return
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		}
		wait = min(wait*2, maxRetryWait)
	}
}

// post sends one attempt and returns the receiver's status, or why there was none.
func (f *Fake) post(ctx context.Context, url string, body []byte) (int, string) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err.Error()
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "lakipay-fake (contracttest)")
	resp, err := f.client.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer func() { _ = resp.Body.Close() }()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, ""
}
