package client_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/contracttest"
)

// apiError is an *APIError as the client builds it, for the helpers' tables.
func apiError(status int, code client.ErrorCode, fields map[string][]string) *client.APIError {
	return &client.APIError{StatusCode: status, Code: code, Message: "LakiPay's message", Errors: fields}
}

var validationError = &client.ValidationError{Violations: []client.Violation{{
	Operation: "createCheckout", In: "request body", Pointer: "/phone_number", Rule: "pattern",
	Reason: "must be 7 to 15 digits: country code and number, no +, spaces or leading 0",
}}}

func TestIsDuplicateReference(t *testing.T) {
	only := func(field string) map[string][]string { return map[string][]string{field: {"has already been taken"}} }
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"a transport error", io.ErrUnexpectedEOF, false},
		{"a nil *APIError", (*client.APIError)(nil), false},
		{"DUPLICATE_REFERENCE", apiError(400, client.ErrorCodeDuplicateReference, nil), true},
		{"DUPLICATE_REFERENCE, wrapped", fmt.Errorf("opening order 42: %w", apiError(400, client.ErrorCodeDuplicateReference, nil)), true},
		{"DUPLICATE_REFERENCE in a 200 error body", apiError(200, client.ErrorCodeDuplicateReference, nil), true},
		{"409 without a code", apiError(409, "", nil), true},
		{"409 with a code the SDK does not know", apiError(409, "REFERENCE_TAKEN", nil), true},
		{"400 naming only reference", apiError(400, "", only("reference")), true},
		{"400 VALIDATION_ERROR naming only reference", apiError(400, client.ErrorCodeValidation, only("reference")), true},
		{"422 naming only reference", apiError(422, "", only("reference")), true},
		{"400 naming reference and amount", apiError(400, client.ErrorCodeValidation, map[string][]string{
			"reference": {"taken"}, "amount": {"must be a decimal with 2 places"}}), false},
		{"400 naming reference without a message", apiError(400, "", map[string][]string{"reference": {}}), false},
		{"400 naming Reference (another field)", apiError(400, "", only("Reference")), false},
		{"400 naming only amount", apiError(400, client.ErrorCodeInvalidAmount, only("amount")), false},
		{"400 without fields", apiError(400, "", nil), false},
		{"422 naming only phone_number", apiError(422, "", only("phone_number")), false},
		{"404", apiError(404, client.ErrorCodeNotFound, nil), false},
		{"429", apiError(429, client.ErrorCodeRateLimited, nil), false},
		{"500 naming only reference", apiError(500, "", only("reference")), false},
		{"refused before sending", validationError, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, client.IsDuplicateReference(tt.err))
		})
	}
}

// errRefusedDial is the error of a connection refused, as net/http returns it.
var errRefusedDial = fmt.Errorf("lakipay: POST /payment/checkout: %w", &netOpError{})

type netOpError struct{}

func (*netOpError) Error() string { return "dial tcp 127.0.0.1:1: connect: connection refused" }
func (*netOpError) Unwrap() error { return syscall.ECONNREFUSED }

func TestOutcomeUnknown(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil: it succeeded", nil, false},
		{"refused before sending", validationError, false},
		{"refused before sending, wrapped", fmt.Errorf("order 42: %w", validationError), false},
		{"a nil *ValidationError", (*client.ValidationError)(nil), true},
		{"a nil *APIError", (*client.APIError)(nil), true},
		{"timeout", fmt.Errorf("lakipay: POST /payment/checkout: %w", context.DeadlineExceeded), true},
		{"the caller gave up", context.Canceled, true},
		{"connection cut after sending", io.ErrUnexpectedEOF, true},
		{"connection refused", errRefusedDial, true},
		{"2xx that could not be read", client.ErrUnexpectedResponse, true},
		{"2xx too large", client.ErrResponseTooLarge, true},
		{"an error the SDK does not know", errors.New("proxy said no"), true},
		{"200 carrying an error body", apiError(200, client.ErrorCodeInvalidAmount, nil), true},
		{"302", apiError(302, "", nil), true},
		{"400", apiError(400, client.ErrorCodeInvalidPhone, nil), false},
		{"400 with a code the SDK does not know", apiError(400, "SOMETHING_NEW", nil), false},
		{"401", apiError(401, client.ErrorCodeInvalidAPIKey, nil), false},
		{"403", apiError(403, "", nil), false},
		{"404", apiError(404, client.ErrorCodeNotFound, nil), false},
		{"408", apiError(408, "", nil), true},
		{"409", apiError(409, client.ErrorCodeDuplicateReference, nil), false},
		{"422", apiError(422, "", nil), false},
		{"429", apiError(429, client.ErrorCodeRateLimited, nil), true},
		{"499", apiError(499, "", nil), false},
		{"500", apiError(500, client.ErrorCodeProviderError, nil), true},
		{"502", apiError(502, "", nil), true},
		{"503", apiError(503, "", nil), true},
		{"599", apiError(599, "", nil), true},
		{"600", apiError(600, "", nil), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, client.OutcomeUnknown(tt.err))
		})
	}
}

// TestOutcomeUnknownNeverMissesACreatedSession checks OutcomeUnknown against what the fake
// did: for each fault and refusal of a checkout, the same reference is sent again, and when
// LakiPay refuses it as a duplicate (the first call did create a session) OutcomeUnknown
// must have said so. Saying "certainly failed" there would let the shop open a second session
// beside a payable one.
func TestOutcomeUnknownNeverMissesACreatedSession(t *testing.T) {
	type script func(t *testing.T, fake *contracttest.Server)
	fault := func(f contracttest.Fault) script {
		return func(t *testing.T, fake *contracttest.Server) {
			require.NoError(t, fake.InjectFault(contracttest.OpCreateCheckout, f))
		}
	}
	refuse := func(status int, code client.ErrorCode) script {
		return func(t *testing.T, fake *contracttest.Server) {
			require.NoError(t, fake.FailNext(contracttest.OpCreateCheckout, status, code))
		}
	}
	cases := map[string]script{
		"400 INVALID_PHONE": refuse(400, client.ErrorCodeInvalidPhone),
		"401":               refuse(401, client.ErrorCodeInvalidAPIKey),
		"409":               refuse(409, ""),
		"422":               refuse(422, ""),
		"429":               refuse(429, client.ErrorCodeRateLimited),
		"500":               refuse(500, client.ErrorCodeProviderError),
	}
	for _, f := range contracttest.Faults() {
		cases[f.String()] = fault(f)
	}
	for name, prepare := range cases {
		t.Run(name, func(t *testing.T) {
			// No validating transport: some faults break the contract on purpose.
			fake := contracttest.NewServer(t)
			c, err := client.New(fakeKey, client.WithBaseURL(fake.URL()), client.WithTimeout(300*time.Millisecond))
			require.NoError(t, err)
			prepare(t, fake)
			req := checkoutRequest(t, "ORDER-42-1", "")
			_, err = c.CreateCheckout(t.Context(), req)
			if err == nil {
				return // the fault still gave an answer (wrong content type, flat shape)
			}
			_, again := c.CreateCheckout(t.Context(), req)
			created := client.IsDuplicateReference(again)
			require.True(t, again == nil || created, "the repeat either creates the session or finds it: %v", again)
			if created {
				assert.True(t, client.OutcomeUnknown(err), "the first call created a session, but OutcomeUnknown(%v) is false", err)
			}
		})
	}
}

func TestFieldMessages(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want map[string][]string
	}{
		{"nil", nil, nil},
		{"outcome unknown: nothing to fix", apiError(500, "", map[string][]string{"phone_number": {"down"}}), nil},
		{"429: nothing to fix", apiError(429, client.ErrorCodeInvalidPhone, nil), nil},
		{"a transport error", io.ErrUnexpectedEOF, nil},
		{"refused before sending", fmt.Errorf("order 42: %w", validationError), map[string][]string{
			"phone_number": {"must be 7 to 15 digits: country code and number, no +, spaces or leading 0"}}},
		{"LakiPay's field map", apiError(400, client.ErrorCodeValidation, map[string][]string{
			"phone_number": {"phone is invalid"}, "redirects.success": {"must be a URL"}}),
			map[string][]string{"phone_number": {"phone is invalid"}, "redirects.success": {"must be a URL"}}},
		{"INVALID_PHONE without a map", apiError(400, client.ErrorCodeInvalidPhone, nil),
			map[string][]string{"phone_number": {"LakiPay's message"}}},
		{"INVALID_AMOUNT without a map", apiError(400, client.ErrorCodeInvalidAmount, nil),
			map[string][]string{"amount": {"LakiPay's message"}}},
		{"INVALID_PHONE with its field in the map: once", apiError(400, client.ErrorCodeInvalidPhone,
			map[string][]string{"phone_number": {"phone is invalid"}}), map[string][]string{"phone_number": {"phone is invalid"}}},
		{"INVALID_PHONE with another field in the map", apiError(400, client.ErrorCodeInvalidPhone,
			map[string][]string{"amount": {"too many decimals"}}),
			map[string][]string{"amount": {"too many decimals"}, "phone_number": {"LakiPay's message"}}},
		{"INVALID_PHONE whose message is only the status text", &client.APIError{StatusCode: 400, Code: client.ErrorCodeInvalidPhone, Message: "Bad Request"},
			map[string][]string{"phone_number": {"is not valid"}}},
		{"a code the SDK does not know: its map only", apiError(400, "PHONE_BLOCKED", nil), nil},
		{"names that are no request field are left out", apiError(401, client.ErrorCodeInvalidAPIKey, map[string][]string{
			"api_key": {"API key is required"}, "path parameter id": {"x"}, "": {"y"}, "supported_mediums.0": {"unknown medium"}}),
			map[string][]string{"supported_mediums.0": {"unknown medium"}}},
		{"a message that held the key", apiError(400, "", map[string][]string{
			"phone_number": {"key pk_test_merchant:[REDACTED] may not pay", "[withheld: it held the API key]", "", "fine"}}),
			map[string][]string{"phone_number": {"is not valid", "is not valid", "is not valid", "fine"}}},
		{"a field without a message", apiError(400, "", map[string][]string{"amount": nil}),
			map[string][]string{"amount": {"is not valid"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := client.FieldMessages(tt.err)
			assert.Equal(t, tt.want, got)
			client.AssertNoSecret(t, fmt.Sprint(got), "FieldMessages")
		})
	}
	t.Run("the map is the caller's", func(t *testing.T) {
		e := apiError(400, "", map[string][]string{"phone_number": {"phone is invalid"}})
		got := client.FieldMessages(e)
		got["phone_number"][0] = "changed"
		got["amount"] = []string{"added"}
		assert.Equal(t, map[string][]string{"phone_number": {"phone is invalid"}}, e.Errors)
	})
}

// TestFieldMessagesFromLakiPay: LakiPay's own answers, as the client decodes them, give the
// shopper what to fix, and never the secret a server echoed into them.
func TestFieldMessagesFromLakiPay(t *testing.T) {
	answer := func(body string) error {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, body)
		}))
		t.Cleanup(srv.Close)
		c, _ := client.TestClient(t, srv.URL+"/api/v2")
		_, err := c.CreateCheckout(t.Context(), client.DocsRequest(t))
		require.Error(t, err)
		return err
	}
	secret := client.TestSecret
	got := client.FieldMessages(answer(`{"status":"ERROR","message":"Invalid phone for key ` + secret + `","error_code":"INVALID_PHONE"}`))
	require.Len(t, got["phone_number"], 1)
	assert.Equal(t, "is not valid", got["phone_number"][0], "LakiPay's message held the key: not shown")
	client.AssertNoSecret(t, fmt.Sprint(got), "FieldMessages")

	got = client.FieldMessages(answer(`{"status":"ERROR","message":"Validation failed","error_code":"INVALID_AMOUNT","errors":{"amount":["amount must be a decimal with 2 places"]}}`))
	assert.Equal(t, map[string][]string{"amount": {"amount must be a decimal with 2 places"}}, got)

	got = client.FieldMessages(answer(`{"status":"ERROR","message":"` + strings.Repeat("x", 5000) + `","error_code":"INVALID_PHONE"}`))
	assert.LessOrEqual(t, len(got["phone_number"][0]), 503, "bounded as every shown text")
}
