package contracttest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/internal/apikey"
)

// suiteCheckout is the checkout request of a session of the suite's own, without a
// callback_url (the suite sends every delivery itself).
func suiteCheckout(reference string, amount client.Amount) ([]byte, error) {
	return json.Marshal(client.CheckoutRequest{
		Amount: amount, Currency: "ETB", PhoneNumber: "251911111111", Reference: reference,
		Description:      "lakipay webhook receiver suite",
		Redirects:        client.Redirects{Success: "https://example.com/success", Failed: "https://example.com/failed"},
		SupportedMediums: []client.Medium{client.MediumMPESA, client.MediumTELEBIRR},
	})
}

// fakeDriver drives a fake in this process.
type fakeDriver struct {
	f      *Fake
	origin string
}

func (d *fakeDriver) open(ctx context.Context, reference string, amount client.Amount) (string, error) {
	body, err := suiteCheckout(reference, amount)
	if err != nil {
		return "", err
	}
	// Never sent: the request only gives the fake the origin of its checkout URL.
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, d.origin+apiBase+"/payment/checkout", nil)
	if err != nil {
		return "", err
	}
	a := d.f.createCheckout(r, body)
	resp, ok := a.body.(client.CheckoutResponse)
	if a.status != http.StatusOK || !ok {
		return "", fmt.Errorf("the fake refused the checkout (HTTP %d)", a.status)
	}
	return resp.Data.LakipayTransactionID, nil
}

func (d *fakeDriver) session(_ context.Context, id string) (suiteSession, error) {
	d.f.mu.Lock()
	defer d.f.mu.Unlock()
	s, ok := d.f.sessions.byID[id]
	if !ok {
		return suiteSession{}, fmt.Errorf("%w %q", ErrUnknownTransaction, id)
	}
	return suiteSession{id: id, amount: s.req.Amount, status: s.status, mediums: slices.Clone(s.req.SupportedMediums)}, nil
}

func (d *fakeDriver) mute(_ context.Context, id string) error { return d.f.MuteWebhooks(id) }

func (d *fakeDriver) change(_ context.Context, id string, to client.TransactionStatus, medium client.Medium) error {
	switch to {
	case client.TransactionStatusSUCCESS:
		return d.f.Pay(id, medium)
	case client.TransactionStatusFAILED:
		return d.f.Fail(id, medium)
	case client.TransactionStatusCANCELLED:
		return d.f.Cancel(id)
	}
	return d.f.SetStatus(id, to, "")
}

func (d *fakeDriver) deliver(ctx context.Context, req DeliverRequest) ([]Delivery, error) {
	return d.f.Deliver(ctx, req)
}

// httpDriver drives a fake served elsewhere (`lakipay mock`): sessions through its API,
// status changes and deliveries through its /_mock/ endpoints.
type httpDriver struct {
	origin string
	apiKey apikey.Key
	client *http.Client
}

// mockCallTimeout bounds one call to the mock other than a delivery.
const mockCallTimeout = 30 * time.Second

func (d *httpDriver) open(ctx context.Context, reference string, amount client.Amount) (string, error) {
	body, err := suiteCheckout(reference, amount)
	if err != nil {
		return "", err
	}
	var resp client.CheckoutResponse
	status, raw, err := d.call(ctx, http.MethodPost, mockCallTimeout, apiBase+"/payment/checkout", body, &resp)
	if err != nil {
		return "", err
	}
	if status != http.StatusOK {
		hint := ""
		if status == http.StatusUnauthorized {
			hint = " (a mock started with --api-key wants that key: WithMockAPIKey, or LAKIPAY_API_KEY for `lakipay webhook test`)"
		}
		return "", fmt.Errorf("the mock refused the checkout: HTTP %d%s: %s", status, hint, d.excerpt(raw))
	}
	if resp.Data.LakipayTransactionID == "" {
		return "", fmt.Errorf("the mock's checkout answer has no lakipay_transaction_id: %s", d.excerpt(raw))
	}
	return resp.Data.LakipayTransactionID, nil
}

func (d *httpDriver) session(ctx context.Context, id string) (suiteSession, error) {
	var timeline struct {
		Session struct {
			Amount  string                   `json:"amount"`
			Status  client.TransactionStatus `json:"status"`
			Mediums []client.Medium          `json:"supported_mediums"`
		} `json:"session"`
	}
	if err := d.mockCall(ctx, http.MethodGet, d.transactionPath(id, "timeline"), nil, &timeline); err != nil {
		return suiteSession{}, err
	}
	amount, err := client.ParseAmount(timeline.Session.Amount)
	if err != nil {
		return suiteSession{}, fmt.Errorf("the mock's timeline of %s: %w", id, err)
	}
	return suiteSession{id: id, amount: amount, status: timeline.Session.Status, mediums: timeline.Session.Mediums}, nil
}

func (d *httpDriver) mute(ctx context.Context, id string) error {
	return d.mockCall(ctx, http.MethodPost, d.transactionPath(id, "mute"), nil, nil)
}

func (d *httpDriver) change(ctx context.Context, id string, to client.TransactionStatus, medium client.Medium) error {
	var action string
	var in any
	switch to {
	case client.TransactionStatusSUCCESS:
		action, in = "pay", map[string]client.Medium{"medium": medium}
	case client.TransactionStatusFAILED:
		action, in = "fail", map[string]client.Medium{"medium": medium}
	case client.TransactionStatusCANCELLED:
		action = "cancel"
	default:
		action, in = "status", map[string]client.TransactionStatus{"status": to}
	}
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return err
		}
	}
	return d.mockCall(ctx, http.MethodPost, d.transactionPath(id, action), body, nil)
}

// transactionPath is the /_mock/ path of an action on transaction id.
func (d *httpDriver) transactionPath(id, action string) string {
	return "/_mock/transactions/" + url.PathEscape(id) + "/" + action
}

// mockCall calls one /_mock/ endpoint and decodes its 200 answer into out (when not nil);
// any other answer is an error quoting it.
func (d *httpDriver) mockCall(ctx context.Context, method, path string, body []byte, out any) error {
	status, raw, err := d.call(ctx, method, mockCallTimeout, path, body, out)
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return fmt.Errorf("the mock answered %s %s with HTTP %d: %s", method, path, status, d.excerpt(raw))
	}
	return nil
}

func (d *httpDriver) deliver(ctx context.Context, req DeliverRequest) ([]Delivery, error) {
	in := struct {
		DeliverRequest
		Timeout string `json:"timeout"`
	}{req, req.Timeout.String()}
	body, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	var out []Delivery
	status, raw, err := d.call(ctx, http.MethodPost, req.Timeout+deliverQueueWait+mockCallTimeout, "/_mock/deliver", body, &out)
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK {
		return nil, fmt.Errorf("the mock answered HTTP %d: %s", status, d.excerpt(raw))
	}
	if len(out) != max(req.Copies, 1) {
		return nil, fmt.Errorf("the mock answered %d deliveries for %d copies", len(out), max(req.Copies, 1))
	}
	return out, nil
}

// maxMockAnswer bounds what the suite reads of one answer of the mock.
const maxMockAnswer = 4 << 20

// call sends body (none when nil) to the mock's path, bounded by timeout, and decodes a
// 200 answer into out (when not nil); it returns the status and the raw answer.
func (d *httpDriver) call(ctx context.Context, method string, timeout time.Duration, path string, body []byte, out any) (int, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var reader io.Reader
	if body != nil {
		reader = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, d.origin+path, reader)
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if strings.HasPrefix(path, apiBase) {
		req.Header.Set("X-API-Key", d.apiKey.Header())
	}
	resp, err := d.client.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("reach the mock at %s: %w", d.origin, err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxMockAnswer))
	if err != nil {
		return 0, nil, fmt.Errorf("read the mock's answer: %w", err)
	}
	if resp.StatusCode == http.StatusOK && out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			return 0, raw, fmt.Errorf("the mock's answer to %s is not what a lakipay mock answers: %w", path, err)
		}
	}
	return resp.StatusCode, raw, nil
}

// excerpt is the start of an answer, for an error message, without the API key's secret
// (a mock may echo it).
func (d *httpDriver) excerpt(raw []byte) string {
	const limit = 300
	s := strings.TrimSpace(string(raw))
	if len(s) > limit {
		s = s[:limit] + "..."
	}
	return d.apiKey.Redact(s)
}
