package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/lakipay/checkout-go/gen"
	"github.com/lakipay/checkout-go/internal/spec"
)

// CreateCheckout creates a hosted-checkout session: redirect the shopper to the session's
// CheckoutURL and keep its LakipayTransactionID.
//
// The request is first checked against the contract; a request that breaks it is not sent
// and the error is a [*ValidationError] naming every broken field. A non-2xx answer is an
// [*APIError]. The call is never retried once it may have reached LakiPay: after a timeout or
// a 5xx, repeat it only with the same reference (see Retries in the package documentation).
func (c *Client) CreateCheckout(ctx context.Context, req CheckoutRequest) (*CheckoutSession, error) {
	if ctx == nil {
		return nil, errNilContext
	}
	body, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("lakipay: encode checkout request: %w", err)
	}
	// The request is built here rather than by the generated client, which would parse and
	// resolve the URL again on every call: checkoutURL is the generated client's URL, once.
	httpReq, err := http.NewRequestWithContext(ctx, http.MethodPost, c.checkoutURL, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("lakipay: build checkout request: %w", err)
	}
	httpReq.Header.Set("Content-Type", "application/json")
	if err := c.authorize(ctx, httpReq); err != nil {
		return nil, err
	}
	if err := c.check(ctx, httpReq, body); err != nil {
		return nil, err
	}
	resp, err := c.doer.Do(httpReq)
	if err != nil {
		return nil, err
	}
	defer func() { _ = resp.Body.Close() }()

	env, err := decodeSuccess[CheckoutSession](c, resp)
	if err != nil {
		return nil, err
	}
	if env.Data != nil {
		s := env.Data
		if s.CheckoutURL == "" || s.LakipayTransactionID == "" || !s.Status.Valid() {
			return nil, c.unexpected(resp, "checkout data lacks checkout_url, lakipay_transaction_id or a valid status")
		}
		return s, nil
	}
	return c.flatSession(resp, env, req)
}

// flatSession reads the older flat success shape some integrations report from the live API:
// {"success": true, "payment_url", "reference_id", "lakipay_transaction_id", ...}. It lacks
// amount and currency, which are taken from the request.
func (c *Client) flatSession(resp *http.Response, env *successBody[CheckoutSession], req CheckoutRequest) (*CheckoutSession, error) {
	if env.Success == nil || !*env.Success || env.PaymentURL == "" || env.LakipayTransactionID == "" {
		return nil, c.unexpected(resp, "neither the {status, message, data} envelope nor the flat shape")
	}
	s := &CheckoutSession{
		CheckoutURL:          env.PaymentURL,
		LakipayTransactionID: env.LakipayTransactionID,
		Reference:            env.ReferenceID,
		Amount:               req.Amount,
		Currency:             req.Currency,
		Status:               StatusInitiated,
	}
	if s.Reference == "" {
		s.Reference = req.Reference
	}
	if st := TransactionStatus(env.Status); st.Valid() {
		s.Status = st
	}
	return s, nil
}

// GetTransaction returns the current, authoritative state of a transaction, looked up by the
// LakipayTransactionID of a checkout (or the TransactionID of a webhook). The id must be 1 to
// 100 characters; it is path-escaped. An unknown id is an [*APIError] with status 404.
func (c *Client) GetTransaction(ctx context.Context, id string) (*Transaction, error) {
	if ctx == nil {
		return nil, errNilContext
	}
	if violations := c.checkTransactionID(id); violations != nil {
		return nil, c.invalidRequest(violations)
	}
	resp, err := c.api.GetTransaction(ctx, id, c.validate(nil))
	if err != nil {
		return nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	env, err := decodeSuccess[Transaction](c, resp)
	if err != nil {
		return nil, err
	}
	if env.Data == nil || env.Data.TransactionID == "" || !env.Data.Status.Valid() {
		return nil, c.unexpected(resp, "transaction data lacks transaction_id or a valid status")
	}
	return env.Data, nil
}

// validate returns the request editor that checks the finished request (route, X-API-Key,
// parameters and body, which is body) against the contract before it is sent: a request that
// breaks it is refused with a *ValidationError and never reaches the network. It runs after
// the editor that adds the headers.
func (c *Client) validate(body []byte) gen.RequestEditorFn {
	return func(ctx context.Context, req *http.Request) error { return c.check(ctx, req, body) }
}

// check is what validate's editor does: it refuses a request (whose body is body) that breaks
// the contract with a *ValidationError.
func (c *Client) check(ctx context.Context, req *http.Request, body []byte) error {
	if _, violations := c.spec.ValidateRequestBody(ctx, req, body); violations != nil {
		return c.invalidRequest(violations)
	}
	return nil
}

// invalidRequest is the error for a request that breaks the contract, with the secret
// redacted from what the violations show (the caller's own values, which could hold it).
func (c *Client) invalidRequest(violations []spec.Violation) *ValidationError {
	for i := range violations {
		violations[i] = violations[i].Redacted(c.cfg.key.Redact)
	}
	return &ValidationError{Violations: violations}
}

// checkTransactionID checks the id path parameter against the spec before the request is
// built, so that an empty or overlong id is refused with the parameter's own rule (in the
// path, it would just not match the route), and refuses the dot segments "." and "..", which
// URL resolution would turn into another path.
func (c *Client) checkTransactionID(id string) []spec.Violation {
	const op, in = "getTransaction", "path parameter id"
	if id == "." || id == ".." {
		return []spec.Violation{{Operation: op, In: in, Rule: "path segment",
			Reason: `"." and ".." are not transaction ids`, Value: fmt.Sprintf("%q", id)}}
	}
	route := c.spec.Operation(op)
	for _, p := range route.Operation.Parameters {
		if p.Value.Name == "id" && p.Value.In == "path" {
			return c.spec.ValidateValue(p.Value.Schema.Value, id, op, in)
		}
	}
	return nil
}

// successBody is every 2xx shape: LakiPay's envelope {status, message, data}, the older flat
// shape, and an error body some gateways send with 200.
type successBody[T any] struct {
	Status  string `json:"status"`
	Message string `json:"message"`
	Data    *T     `json:"data"`

	Success              *bool  `json:"success"`
	PaymentURL           string `json:"payment_url"`
	ReferenceID          string `json:"reference_id"`
	LakipayTransactionID string `json:"lakipay_transaction_id"`
}

// decodeSuccess decodes a 2xx body. A 2xx that carries an error ({"status": "ERROR"} or
// {"success": false}) is an *APIError, decoded like any other error answer.
func decodeSuccess[T any](c *Client, resp *http.Response) (*successBody[T], error) {
	body, err := bodyBytes(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("lakipay: read response: %w", err)
	}
	var env successBody[T]
	if err := json.Unmarshal(body, &env); err != nil {
		var e errorBody
		if json.Unmarshal(body, &e) == nil && e.isError() {
			return nil, newAPIError(c.cfg.key, resp.StatusCode, resp.Header, body, false, c.cfg.now())
		}
		return nil, c.unexpected(resp, "not JSON of the documented shape: "+cleanText(err.Error(), 200))
	}
	if env.Status == "ERROR" || (env.Success != nil && !*env.Success) {
		return nil, newAPIError(c.cfg.key, resp.StatusCode, resp.Header, body, false, c.cfg.now())
	}
	return &env, nil
}

// unexpected reports a 2xx answer the call cannot use. why may quote the body (a decoding
// error names the value it choked on), so the text is redacted.
func (c *Client) unexpected(resp *http.Response, why string) error {
	return c.cfg.redactError(fmt.Errorf("lakipay: %s %s: HTTP %d: %w: %s", resp.Request.Method, resp.Request.URL.Path,
		resp.StatusCode, ErrUnexpectedResponse, why))
}
