package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"

	"github.com/lakipay/checkout-go/internal/contract"
)

// The API's operations, as openapi.yaml names them in violations.
const (
	opCreateCheckout = "createCheckout"
	opGetTransaction = "getTransaction"
)

// CreateCheckout creates a hosted-checkout session: redirect the shopper to the session's
// CheckoutURL and keep its LakipayTransactionID.
//
// The request is first checked against the contract; a request that breaks it is not sent
// and the error is a [*ValidationError] naming every broken field. A non-2xx answer is an
// [*APIError]. The call is never retried once it may have reached LakiPay: after a timeout or
// a 5xx, see Retries in the package documentation before repeating it.
func (c *Client) CreateCheckout(ctx context.Context, req CheckoutRequest) (*CheckoutSession, error) {
	if ctx == nil {
		return nil, errNilContext
	}
	body, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("lakipay: encode checkout request: %w", err)
	}
	// encoding/json writes bytes that are not UTF-8 as \ufffd: only then is the request
	// searched for the fields that hold them.
	if bytes.Contains(body, replacementEscape) {
		if violations := invalidText(opCreateCheckout, req); violations != nil {
			return nil, c.invalidRequest(violations)
		}
	}
	httpReq, err := http.NewRequestWithContext(ctx, http.MethodPost, c.checkoutURL, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("lakipay: build checkout request: %w", err)
	}
	c.authorize(httpReq)
	httpReq.Header.Set("Content-Type", "application/json")
	if _, violations := contract.ValidateRequest(http.MethodPost, checkoutPath, httpReq.Header, body, contract.Options{}); violations != nil {
		return nil, c.invalidRequest(violations)
	}
	resp, err := c.doer.Do(httpReq)
	if err != nil {
		return nil, err
	}
	env, err := decodeSuccess[CheckoutSession](c, resp)
	if err != nil {
		return nil, err
	}
	if env.Data != nil {
		s := env.Data
		if s.CheckoutURL == "" || s.LakipayTransactionID == "" {
			return nil, c.unexpected(resp, "checkout data lacks checkout_url or lakipay_transaction_id")
		}
		return s, nil
	}
	return c.legacySession(resp, req)
}

// checkoutPath is createCheckout's path, which the contract routes the request by.
const checkoutPath = "/payment/checkout"

// legacySession reads the older flat success shape some integrations report from the live
// API (contract.Legacy). It lacks amount and currency, which are taken from the request.
func (c *Client) legacySession(resp *response, req CheckoutRequest) (*CheckoutSession, error) {
	l, ok := contract.ParseLegacy(resp.body)
	if !ok || !l.Success || l.PaymentURL == "" || l.LakipayTransactionID == "" {
		return nil, c.unexpected(resp, "neither the {status, message, data} envelope nor the flat shape")
	}
	s := &CheckoutSession{
		CheckoutURL:          l.PaymentURL,
		LakipayTransactionID: l.LakipayTransactionID,
		Reference:            l.ReferenceID,
		Amount:               req.Amount,
		Currency:             req.Currency,
		Status:               TransactionStatusINITIATED,
	}
	if s.Reference == "" {
		s.Reference = req.Reference
	}
	if st := TransactionStatus(l.Status); st.Valid() {
		s.Status = st
	}
	return s, nil
}

// GetTransaction returns the current, authoritative state of a transaction, looked up by the
// LakipayTransactionID of a checkout (or the TransactionID of a webhook). The id must be 1 to
// 100 characters; it is path-escaped. An unknown id is an [*APIError] with status 404. A
// status, medium or type the SDK does not know is returned as LakiPay sent it (Valid false);
// an answer without transaction_id or status is [ErrUnexpectedResponse].
func (c *Client) GetTransaction(ctx context.Context, id string) (*Transaction, error) {
	if ctx == nil {
		return nil, errNilContext
	}
	if violations := checkTransactionID(id); violations != nil {
		return nil, c.invalidRequest(violations)
	}
	httpReq, err := http.NewRequestWithContext(ctx, http.MethodGet, c.transactionURL+url.PathEscape(id), http.NoBody)
	if err != nil {
		return nil, fmt.Errorf("lakipay: build transaction request: %w", err)
	}
	c.authorize(httpReq)
	resp, err := c.doer.Do(httpReq)
	if err != nil {
		return nil, err
	}
	env, err := decodeSuccess[Transaction](c, resp)
	if err != nil {
		return nil, err
	}
	if env.Data == nil || env.Data.TransactionID == "" || env.Data.Status == "" {
		return nil, c.unexpected(resp, "transaction data lacks transaction_id or status")
	}
	return env.Data, nil
}

// invalidRequest is the error for a request that breaks the contract, with the secret
// redacted from what the violations show (the caller's own values, which could hold it).
func (c *Client) invalidRequest(violations []contract.Violation) *ValidationError {
	e := newValidationError(violations)
	for i := range e.Violations {
		v := &e.Violations[i]
		v.Pointer, v.Reason, v.Value = c.cfg.key.Redact(v.Pointer), c.cfg.key.Redact(v.Reason), c.cfg.key.Redact(v.Value)
	}
	return e
}

// checkTransactionID checks the id path parameter against the contract before the request is
// built, so that an empty or overlong id is refused with the parameter's own rule (in the
// path, it would just not match the route), and refuses the dot segments "." and "..", which
// URL resolution would turn into another path.
func checkTransactionID(id string) []contract.Violation {
	if id == "." || id == ".." {
		return []contract.Violation{{Operation: opGetTransaction, In: "path parameter id", Rule: "path segment",
			Reason: `must not be "." or "..", which a URL resolves to another path`, Value: fmt.Sprintf("%q", id)}}
	}
	return contract.ValidateParameter(opGetTransaction, "id", id)
}

// envelope is LakiPay's documented success body, {status, message, data}, or an error body
// some gateways send with 200.
type envelope[T any] struct {
	Status  string `json:"status"`
	Message string `json:"message"`
	Data    *T     `json:"data"`
}

// decodeSuccess decodes a 2xx body. A 2xx that carries an error ({"status": "ERROR"} or the
// flat {"success": false}) is an *APIError, decoded like any other error answer.
func decodeSuccess[T any](c *Client, resp *response) (*envelope[T], error) {
	var env envelope[T]
	if err := json.Unmarshal(resp.body, &env); err != nil {
		if isErrorBody(resp.body) {
			return nil, newAPIError(c.cfg.key, resp.StatusCode, resp.Header, resp.body, false, c.cfg.now())
		}
		return nil, c.unexpected(resp, "not JSON of the documented shape: "+cleanText(err.Error(), 200))
	}
	if env.Status == "ERROR" || (env.Data == nil && isErrorBody(resp.body)) {
		return nil, newAPIError(c.cfg.key, resp.StatusCode, resp.Header, resp.body, false, c.cfg.now())
	}
	return &env, nil
}

// unexpected reports a 2xx answer the call cannot use. why may quote the body (a decoding
// error names the value it choked on), so the text is redacted.
func (c *Client) unexpected(resp *response, why string) error {
	return c.cfg.redactError(fmt.Errorf("lakipay: %s %s: HTTP %d: %w: %s", resp.method, resp.path,
		resp.StatusCode, ErrUnexpectedResponse, why))
}
