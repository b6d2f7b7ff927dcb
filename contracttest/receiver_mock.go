package contracttest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/internal/apikey"
)

// suiteMedium is the medium the suite's sessions are paid with.
const suiteMedium = client.MediumMPESA

// suiteCheckout is the checkout request of a suite session: LakiPay's documented example,
// without a callback_url (the suite sends every delivery itself).
func suiteCheckout(reference string) ([]byte, error) {
	amount, err := client.ParseAmount("1000.5")
	if err != nil {
		return nil, err
	}
	return json.Marshal(client.CheckoutRequest{
		Amount: amount, Currency: "ETB", PhoneNumber: "251911111111", Reference: reference,
		Description:      "lakipay webhook receiver suite",
		Redirects:        client.Redirects{Success: "https://example.com/success", Failed: "https://example.com/failed"},
		SupportedMediums: []client.Medium{client.Medium(suiteMedium), client.MediumTELEBIRR},
	})
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

func (d *httpDriver) open(ctx context.Context, reference string) (string, error) {
	body, err := suiteCheckout(reference)
	if err != nil {
		return "", err
	}
	var resp client.CheckoutResponse
	status, raw, err := d.call(ctx, mockCallTimeout, apiBase+"/payment/checkout", body, &resp)
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

func (d *httpDriver) change(ctx context.Context, id string, to client.TransactionStatus) error {
	path, body := "/_mock/transactions/"+url.PathEscape(id)+"/cancel", []byte(nil)
	if to != client.TransactionStatusCANCELLED {
		path, body = "/_mock/transactions/"+url.PathEscape(id)+"/pay", []byte(`{"medium":"`+string(suiteMedium)+`"}`)
	}
	status, raw, err := d.call(ctx, mockCallTimeout, path, body, nil)
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return fmt.Errorf("the mock answered HTTP %d: %s", status, d.excerpt(raw))
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
	status, raw, err := d.call(ctx, req.Timeout+deliverQueueWait+mockCallTimeout, "/_mock/deliver", body, &out)
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

// call POSTs body to the mock's path, bounded by timeout, and decodes a 200 answer into out
// (when not nil); it returns the status and the raw answer.
func (d *httpDriver) call(ctx context.Context, timeout time.Duration, path string, body []byte, out any) (int, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.origin+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
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
