package client

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/internal/apikey"
)

func TestCreateCheckout(t *testing.T) {
	srv := newServer(t, reply(http.StatusOK, docsResponse))
	c, _ := testClient(t, srv.baseURL())
	session, err := c.CreateCheckout(context.Background(), docsRequest(t))
	require.NoError(t, err)
	assert.Equal(t, "https://checkout.lakipay.co/pay/abc123", session.CheckoutURL)
	assert.Equal(t, "TXN-123456789", session.LakipayTransactionID)
	assert.Equal(t, "ORDER123456", session.Reference)
	assert.Equal(t, "1000.50", session.Amount.String())
	assert.Equal(t, TransactionStatusINITIATED, session.Status)

	got := srv.seen()
	require.Len(t, got, 1)
	assert.Equal(t, http.MethodPost, got[0].Method)
	assert.Equal(t, "/api/v2/payment/checkout", got[0].EscapedPath)
	assert.JSONEq(t, `{"amount":1000.5,"currency":"ETB","phone_number":"251911111111","reference":"ORDER123456",
		"description":"Payment for order #123","callback_url":"https://example.com/callback",
		"redirects":{"success":"https://example.com/success","failed":"https://example.com/failed"},
		"supported_mediums":["MPESA","TELEBIRR","CBE"]}`, string(got[0].Body))
	assert.Contains(t, string(got[0].Body), `"amount":1000.5,`, "the amount goes out in shortest exact form, as LakiPay's page writes it")
}

func TestCreateCheckoutExactAmounts(t *testing.T) {
	wire := map[string]string{"0.07": "0.07", "8.1": "8.1", "8.10": "8.1", "100.00": "100", "323.39": "323.39",
		"999999999.99": "999999999.99", "999999999999.99": "999999999999.99", "1234567.89": "1234567.89"}
	for text, want := range wire {
		t.Run(text, func(t *testing.T) {
			srv := newServer(t, reply(http.StatusOK, docsResponse))
			c, _ := testClient(t, srv.baseURL())
			req := docsRequest(t)
			amount, err := ParseAmount(text)
			require.NoError(t, err)
			req.Amount = amount
			_, err = c.CreateCheckout(context.Background(), req)
			require.NoError(t, err)
			var sent struct {
				Amount json.Number `json:"amount"`
			}
			require.NoError(t, json.Unmarshal(srv.seen()[0].Body, &sent))
			assert.Equal(t, want, sent.Amount.String())
		})
	}
}

// TestCreateCheckoutValidation checks that a request breaking the contract is refused
// locally, with every broken field and rule named, and that nothing is sent.
func TestCreateCheckoutValidation(t *testing.T) {
	type broken struct{ field, rule string }
	tests := []struct {
		name   string
		change func(r *CheckoutRequest)
		want   []broken
	}{
		{"zero amount", func(r *CheckoutRequest) { r.Amount = Amount{} }, []broken{{"amount", "minimum"}}},
		{"lower-case currency", func(r *CheckoutRequest) { r.Currency = "etb" }, []broken{{"currency", "pattern"}}},
		{"empty currency", func(r *CheckoutRequest) { r.Currency = "" }, []broken{{"currency", "pattern"}}},
		{"phone with plus", func(r *CheckoutRequest) { r.PhoneNumber = "+251911111111" }, []broken{{"phone_number", "pattern"}}},
		{"phone with leading zero", func(r *CheckoutRequest) { r.PhoneNumber = "0911111111" }, []broken{{"phone_number", "pattern"}}},
		{"phone too long", func(r *CheckoutRequest) { r.PhoneNumber = "2519111111111111" }, []broken{{"phone_number", "pattern"}}},
		{"empty reference", func(r *CheckoutRequest) { r.Reference = "" }, []broken{{"reference", "minLength"}}},
		{"reference too long", func(r *CheckoutRequest) { r.Reference = strings.Repeat("R", 101) }, []broken{{"reference", "maxLength"}}},
		{"description too long", func(r *CheckoutRequest) { r.Description = strings.Repeat("d", 501) }, []broken{{"description", "maxLength"}}},
		{"relative callback", func(r *CheckoutRequest) { r.CallbackURL = "/callback" }, []broken{{"callback_url", "pattern"}, {"callback_url", "format"}}},
		{"javascript redirect", func(r *CheckoutRequest) { r.Redirects.Success = "javascript:alert(1)" }, []broken{{"redirects.success", "pattern"}, {"redirects.success", "format"}}},
		{"missing failed redirect", func(r *CheckoutRequest) { r.Redirects.Failed = "" }, []broken{{"redirects.failed", "pattern"}, {"redirects.failed", "format"}}},
		{"no mediums", func(r *CheckoutRequest) { r.SupportedMediums = []Medium{} }, []broken{{"supported_mediums", "minItems"}}},
		{"nil mediums", func(r *CheckoutRequest) { r.SupportedMediums = nil }, []broken{{"supported_mediums", "nullable"}}},
		{"duplicate medium", func(r *CheckoutRequest) { r.SupportedMediums = []Medium{MediumCBE, MediumCBE} }, []broken{{"supported_mediums", "uniqueItems"}}},
		{"unknown medium", func(r *CheckoutRequest) { r.SupportedMediums = []Medium{MediumCBE, "PAYPAL"} }, []broken{{"supported_mediums.1", "enum"}}},
		{"lower-case medium", func(r *CheckoutRequest) { r.SupportedMediums = []Medium{"mpesa"} }, []broken{{"supported_mediums.0", "enum"}}},
		{"every field at once", func(r *CheckoutRequest) {
			*r = CheckoutRequest{Currency: "birr", PhoneNumber: "+1", SupportedMediums: []Medium{"X"}}
		}, []broken{
			{"amount", "minimum"}, {"currency", "pattern"}, {"phone_number", "pattern"},
			{"reference", "minLength"}, {"redirects.success", "pattern"}, {"redirects.success", "format"},
			{"redirects.failed", "pattern"}, {"redirects.failed", "format"},
			{"supported_mediums.0", "enum"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, reply(http.StatusOK, docsResponse))
			c, _ := testClient(t, srv.baseURL())
			req := docsRequest(t)
			tt.change(&req)
			session, err := c.CreateCheckout(context.Background(), req)
			require.Error(t, err)
			assert.Nil(t, session)
			assert.Empty(t, srv.seen(), "nothing was sent")
			assert.ErrorIs(t, err, ErrInvalidRequest)
			var verr *ValidationError
			require.ErrorAs(t, err, &verr)
			var got []broken
			for _, v := range verr.Violations {
				got = append(got, broken{v.Field(), v.Rule})
				assert.Contains(t, err.Error(), v.Field()+": "+v.Rule)
			}
			assert.ElementsMatch(t, tt.want, got)
			assert.Contains(t, err.Error(), "nothing was sent")
		})
	}
}

func TestCreateCheckoutResponses(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    *CheckoutSession // nil when an error is expected
		wantErr error
		status  int // for an *APIError
	}{
		{name: "documented envelope", handler: reply(http.StatusOK, docsResponse),
			want: &CheckoutSession{CheckoutURL: "https://checkout.lakipay.co/pay/abc123", LakipayTransactionID: "TXN-123456789", Reference: "ORDER123456", Currency: "ETB", Status: TransactionStatusINITIATED}},
		{name: "201 envelope", handler: reply(http.StatusCreated, docsResponse),
			want: &CheckoutSession{CheckoutURL: "https://checkout.lakipay.co/pay/abc123", LakipayTransactionID: "TXN-123456789", Reference: "ORDER123456", Currency: "ETB", Status: TransactionStatusINITIATED}},
		{name: "older flat shape", handler: reply(http.StatusOK, `{"success":true,"status":"PENDING","message":"ok","payment_url":"https://checkout.lakipay.co/pay/flat","reference_id":"REF-FLAT","lakipay_transaction_id":"TXN-FLAT"}`),
			want: &CheckoutSession{CheckoutURL: "https://checkout.lakipay.co/pay/flat", LakipayTransactionID: "TXN-FLAT", Reference: "REF-FLAT", Currency: "ETB", Status: TransactionStatusPENDING}},
		{name: "flat shape without reference or status", handler: reply(http.StatusOK, `{"success":true,"status":"success","payment_url":"https://p.example/x","lakipay_transaction_id":"TXN-F2"}`),
			want: &CheckoutSession{CheckoutURL: "https://p.example/x", LakipayTransactionID: "TXN-F2", Reference: "ORDER123456", Currency: "ETB", Status: TransactionStatusINITIATED}},
		{name: "flat error with 200", handler: reply(http.StatusOK, `{"success":false,"message":"Invalid phone number"}`), status: http.StatusOK},
		{name: "envelope error with 200", handler: reply(http.StatusOK, `{"status":"ERROR","message":"Invalid amount","error_code":"INVALID_AMOUNT"}`), status: http.StatusOK},
		{name: "empty object", handler: reply(http.StatusOK, `{}`), wantErr: ErrUnexpectedResponse},
		{name: "empty body", handler: reply(http.StatusOK, ``), wantErr: ErrUnexpectedResponse},
		{name: "HTML", handler: reply(http.StatusOK, `<html>maintenance</html>`, "Content-Type", "text/html"), wantErr: ErrUnexpectedResponse},
		{name: "truncated JSON", handler: reply(http.StatusOK, docsResponse[:60]), wantErr: ErrUnexpectedResponse},
		{name: "data without checkout_url", handler: reply(http.StatusOK, `{"status":"SUCCESS","message":"ok","data":{"lakipay_transaction_id":"T","reference":"R","amount":1,"currency":"ETB","status":"INITIATED"}}`), wantErr: ErrUnexpectedResponse},
		{name: "data with a float amount", handler: reply(http.StatusOK, strings.Replace(docsResponse, "1000.5", "1000.555", 1)), wantErr: ErrUnexpectedResponse},
		{name: "flat shape without payment_url", handler: reply(http.StatusOK, `{"success":true,"lakipay_transaction_id":"T"}`), wantErr: ErrUnexpectedResponse},
		{name: "body over 1 MiB", handler: reply(http.StatusOK, `{"status":"SUCCESS","message":"`+strings.Repeat("x", MaxResponseBytes)+`"}`), wantErr: ErrResponseTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, tt.handler)
			c, _ := testClient(t, srv.baseURL())
			session, err := c.CreateCheckout(context.Background(), docsRequest(t))
			if tt.want != nil {
				require.NoError(t, err)
				tt.want.Amount = docsRequest(t).Amount
				assert.Equal(t, tt.want, session)
				return
			}
			require.Error(t, err)
			assert.Nil(t, session)
			if tt.status != 0 {
				var apiErr *APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, tt.status, apiErr.StatusCode)
				assert.NotEmpty(t, apiErr.Message)
				return
			}
			assert.ErrorIs(t, err, tt.wantErr)
		})
	}
}

func TestAPIErrors(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    APIError // Body is checked for its bound only
		text    string   // part of Error()
	}{
		{name: "400 with fields", handler: reply(http.StatusBadRequest, `{"status":"ERROR","message":"Validation failed","error_code":"INVALID_AMOUNT","errors":{"amount":["amount must be a decimal with 2 places"]}}`),
			want: APIError{StatusCode: 400, Code: "INVALID_AMOUNT", Message: "Validation failed", Errors: map[string][]string{"amount": {"amount must be a decimal with 2 places"}}},
			text: "lakipay: HTTP 400 INVALID_AMOUNT: Validation failed (amount: amount must be a decimal with 2 places)"},
		{name: "401 documented example", handler: reply(http.StatusUnauthorized, `{"status":"ERROR","message":"Invalid API key","error_code":"INVALID_API_KEY","errors":{"api_key":["API key is required"]}}`),
			want: APIError{StatusCode: 401, Code: "INVALID_API_KEY", Message: "Invalid API key", Errors: map[string][]string{"api_key": {"API key is required"}}},
			text: "HTTP 401 INVALID_API_KEY: Invalid API key"},
		{name: "400 duplicate reference", handler: reply(http.StatusBadRequest, `{"status":"ERROR","message":"Reference already used","error_code":"DUPLICATE_REFERENCE"}`),
			want: APIError{StatusCode: 400, Code: "DUPLICATE_REFERENCE", Message: "Reference already used"}, text: "DUPLICATE_REFERENCE"},
		{name: "409 without code", handler: reply(http.StatusConflict, `{"status":"ERROR","message":"Conflict"}`),
			want: APIError{StatusCode: 409, Message: "Conflict"}, text: "HTTP 409: Conflict"},
		{name: "422", handler: reply(http.StatusUnprocessableEntity, `{"status":"ERROR","message":"Insufficient balance","error_code":"INSUFFICIENT_BALANCE"}`),
			want: APIError{StatusCode: 422, Code: "INSUFFICIENT_BALANCE", Message: "Insufficient balance"}, text: "INSUFFICIENT_BALANCE"},
		{name: "flat error", handler: reply(http.StatusForbidden, `{"success":false,"message":"Merchant disabled"}`),
			want: APIError{StatusCode: 403, Message: "Merchant disabled"}, text: "HTTP 403: Merchant disabled"},
		{name: "HTML 502", handler: reply(http.StatusBadGateway, "<html><body>\n<h1>502 Bad Gateway</h1></body></html>", "Content-Type", "text/html"),
			want: APIError{StatusCode: 502, Message: `Bad Gateway (non-JSON body "<html><body> <h1>502 Bad Gateway</h1></body></html>")`}, text: "HTTP 502: Bad Gateway (non-JSON body"},
		{name: "empty 500", handler: reply(http.StatusInternalServerError, ""),
			want: APIError{StatusCode: 500, Message: "Internal Server Error (empty body)"}, text: "HTTP 500: Internal Server Error (empty body)"},
		{name: "truncated JSON 500", handler: reply(http.StatusInternalServerError, `{"status":"ERROR","mess`),
			want: APIError{StatusCode: 500, Message: `Internal Server Error (non-JSON body "{\"status\":\"ERROR\",\"mess")`}, text: "non-JSON body"},
		{name: "JSON without message", handler: reply(http.StatusNotFound, `{"detail":"nope"}`),
			want: APIError{StatusCode: 404, Message: `Not Found (non-JSON body "{\"detail\":\"nope\"}")`}, text: "HTTP 404"},
		{name: "unknown status", handler: reply(599, ""),
			want: APIError{StatusCode: 599, Message: "unknown status (empty body)"}, text: "HTTP 599"},
		{name: "redirect is not followed", handler: reply(http.StatusFound, "", "Location", "https://evil.example/steal"),
			want: APIError{StatusCode: 302, Message: "Found (empty body)"}, text: "HTTP 302"},
		{name: "control characters cleaned", handler: reply(http.StatusBadRequest, `{"status":"ERROR","message":"bad\u0000\r\ninput\u001b[31m","error_code":"X"}`),
			want: APIError{StatusCode: 400, Code: "X", Message: "bad   input [31m"}, text: "bad   input"},
		{name: "error body over 1 MiB", handler: reply(http.StatusInternalServerError, strings.Repeat("x", MaxResponseBytes+10)),
			want: APIError{StatusCode: 500, Message: "Internal Server Error (body larger than 1048576 bytes)"}, text: "body larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, tt.handler)
			c, sl := testClient(t, srv.baseURL())
			_, err := c.CreateCheckout(context.Background(), docsRequest(t))
			require.Error(t, err)
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.LessOrEqual(t, len(apiErr.Body), 4096)
			got := *apiErr
			got.Body = nil
			assert.Equal(t, tt.want, got)
			assert.Contains(t, err.Error(), tt.text)
			assert.Len(t, srv.seen(), 1, "a POST is never retried")
			assert.Empty(t, sl.recorded())
		})
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		header string
		want   time.Duration
	}{
		{"", 0},
		{"30", 30 * time.Second},
		{" 2 ", 2 * time.Second},
		{"0", 0},
		{"-5", 0},
		{"soon", 0},
		{"99999999999", 24 * time.Hour},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0},
		{now.Add(72 * time.Hour).Format(http.TimeFormat), 24 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			assert.Equal(t, tt.want, parseRetryAfter(tt.header, now))
		})
	}
}

func TestAPIErrorBodyBounded(t *testing.T) {
	body := []byte(`{"status":"ERROR","message":"x","pad":"` + strings.Repeat("p", 10000) + `"}`)
	e := newAPIError(apikey.Key{}, http.StatusBadRequest, http.Header{}, body, false, time.Now())
	assert.Len(t, e.Body, 4096)
	assert.Equal(t, "x", e.Message)
	e.Body = append(e.Body, 'z') // must not write into the caller's buffer
	assert.Equal(t, byte('p'), body[4096])
}

func TestGetTransaction(t *testing.T) {
	srv := newServer(t, reply(http.StatusOK, transactionBody(TransactionStatusSUCCESS)))
	c, _ := testClient(t, srv.baseURL())
	tx, err := c.GetTransaction(context.Background(), "TXN-123456789")
	require.NoError(t, err)
	assert.Equal(t, "TXN-123456789", tx.TransactionID)
	assert.Equal(t, TransactionStatusSUCCESS, tx.Status)
	assert.Equal(t, "1000.50", tx.Amount.String())
	assert.Equal(t, MediumMPESA, tx.Medium)
	assert.Equal(t, time.Date(2024, 1, 15, 10, 31, 12, 0, time.UTC), tx.UpdatedAt)
	got := srv.seen()
	require.Len(t, got, 1)
	assert.Equal(t, http.MethodGet, got[0].Method)
	assert.Equal(t, "/api/v2/payment/transaction/TXN-123456789", got[0].EscapedPath)
	assert.Empty(t, got[0].Body)
}

func TestGetTransactionEscapesID(t *testing.T) {
	tests := []struct{ id, path string }{
		{"TXN/../../admin", "/api/v2/payment/transaction/TXN%2F..%2F..%2Fadmin"},
		{"a b?c#d%e", "/api/v2/payment/transaction/a%20b%3Fc%23d%25e"},
		{"été", "/api/v2/payment/transaction/%C3%A9t%C3%A9"},
		{"...", "/api/v2/payment/transaction/..."},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			srv := newServer(t, reply(http.StatusOK, transactionBody(TransactionStatusPENDING)))
			c, _ := testClient(t, srv.baseURL())
			_, err := c.GetTransaction(context.Background(), tt.id)
			require.NoError(t, err)
			got := srv.seen()
			require.Len(t, got, 1)
			assert.Equal(t, tt.path, got[0].EscapedPath)
		})
	}
}

func TestGetTransactionRefusesBadIDs(t *testing.T) {
	tests := []struct{ name, id, rule string }{
		{"empty", "", "minLength"},
		{"too long", strings.Repeat("x", 101), "maxLength"},
		{"dot", ".", "path segment"},
		{"dot dot", "..", "path segment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, reply(http.StatusOK, transactionBody(TransactionStatusPENDING)))
			c, _ := testClient(t, srv.baseURL())
			tx, err := c.GetTransaction(context.Background(), tt.id)
			assert.Nil(t, tx)
			var verr *ValidationError
			require.ErrorAs(t, err, &verr)
			require.Len(t, verr.Violations, 1)
			assert.Equal(t, tt.rule, verr.Violations[0].Rule)
			assert.Contains(t, err.Error(), "path parameter id: "+tt.rule)
			assert.Empty(t, srv.seen(), "nothing was sent")
		})
	}
	t.Run("100 characters are fine", func(t *testing.T) {
		srv := newServer(t, reply(http.StatusOK, transactionBody(TransactionStatusPENDING)))
		c, _ := testClient(t, srv.baseURL())
		_, err := c.GetTransaction(context.Background(), strings.Repeat("x", 100))
		assert.NoError(t, err)
	})
}

func TestGetTransactionResponses(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		wantErr error
		status  int
	}{
		{name: "404", handler: reply(http.StatusNotFound, `{"status":"ERROR","message":"Transaction not found","error_code":"NOT_FOUND"}`), status: 404},
		{name: "no data", handler: reply(http.StatusOK, `{"status":"SUCCESS","message":"ok"}`), wantErr: ErrUnexpectedResponse},
		{name: "flat shape is checkout-only", handler: reply(http.StatusOK, `{"success":true,"payment_url":"https://x.example","lakipay_transaction_id":"T"}`), wantErr: ErrUnexpectedResponse},
		{name: "bad timestamp", handler: reply(http.StatusOK, strings.Replace(transactionBody(TransactionStatusPENDING), "2024-01-15T10:30:00Z", "yesterday", 1)), wantErr: ErrUnexpectedResponse},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, tt.handler)
			c, _ := testClient(t, srv.baseURL())
			tx, err := c.GetTransaction(context.Background(), "TXN-1")
			require.Error(t, err)
			assert.Nil(t, tx)
			if tt.status != 0 {
				var apiErr *APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, tt.status, apiErr.StatusCode)
				assert.Len(t, srv.seen(), 1, "a 4xx is not retried")
				return
			}
			assert.True(t, errors.Is(err, tt.wantErr), "got %v", err)
		})
	}
}

func TestIsFinal(t *testing.T) {
	for status, want := range map[TransactionStatus]bool{
		TransactionStatusINITIATED: false, TransactionStatusPENDING: false, TransactionStatusSUCCESS: true, TransactionStatusFAILED: true,
		TransactionStatusCANCELLED: true, "": false, "success": false,
	} {
		t.Run(string(status), func(t *testing.T) { assert.Equal(t, want, status.IsFinal()) })
	}
}
