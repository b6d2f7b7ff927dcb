package contract

import (
	"bytes"
	"encoding/json"
)

// IsFinal reports whether a transaction status is final: SUCCESS, FAILED and CANCELLED never
// change again (openapi.yaml, TransactionStatus). It is the one place the SDK and the fake
// learn it.
func IsFinal(status string) bool {
	switch status {
	case "SUCCESS", "FAILED", "CANCELLED":
		return true
	default:
		return false
	}
}

// Legacy is the older flat body that integrations report from LakiPay's live API, instead of
// the documented {status, message, data} envelope: {"success": true, "status": "INITIATED",
// "message": ..., "payment_url": ..., "reference_id": ..., "lakipay_transaction_id": ...}
// for a created checkout, {"success": false, "message": ...} for an error. openapi.yaml does
// not describe it: the SDK reads it as a fallback, the contract harness reports it as a
// deviation and the fake writes it only when a test injects it.
type Legacy struct {
	// Success is the shape's marker: true for a success, false for an error.
	Success bool `json:"success"`
	// Status is the transaction status of a success ("INITIATED").
	Status string `json:"status,omitempty"`
	// Message is the human-readable summary.
	Message string `json:"message,omitempty"`
	// PaymentURL is the hosted page: the envelope's data.checkout_url.
	PaymentURL string `json:"payment_url,omitempty"`
	// ReferenceID is the merchant's reference: the envelope's data.reference.
	ReferenceID string `json:"reference_id,omitempty"`
	// LakipayTransactionID is the envelope's data.lakipay_transaction_id.
	LakipayTransactionID string `json:"lakipay_transaction_id,omitempty"`
}

// ParseLegacy reads body as the flat shape: it reports false unless body is a JSON object
// with a boolean "success" at the top level and no "data" (the envelope's marker).
func ParseLegacy(body []byte) (Legacy, bool) {
	if !bytes.Contains(body, []byte(`"success"`)) {
		return Legacy{}, false // the common case, without decoding the body
	}
	// One decoding: the outer Success, nearer the top, takes "success" from Legacy's and says
	// whether it was there at all.
	var top struct {
		Legacy
		Success *bool           `json:"success"`
		Data    json.RawMessage `json:"data"`
	}
	if json.Unmarshal(body, &top) != nil || top.Success == nil || top.Data != nil {
		return Legacy{}, false
	}
	top.Legacy.Success = *top.Success
	return top.Legacy, true
}

// Operation is one operation of the API as routers and coverage reports read it.
type Operation struct {
	// ID is the operationId ("createCheckout").
	ID string
	// Method is the HTTP method ("POST").
	Method string
	// Path is the path template under the API's base URL ("/payment/transaction/{id}").
	Path string
	// Statuses are the declared response statuses ("200", "404", ..., "default").
	Statuses []string
}

// Operations lists the API's operations, in the order openapi.yaml declares them.
func Operations() []Operation {
	out := make([]Operation, len(generated.operations))
	for i, o := range generated.operations {
		statuses := make([]string, len(o.responses))
		for j, r := range o.responses {
			statuses[j] = r.status
		}
		out[i] = Operation{ID: o.id, Method: o.method, Path: o.path, Statuses: statuses}
	}
	return out
}

// WebhookStatuses lists the receiver's answers openapi.yaml declares for the webhook callback
// ([WebhookOperation]).
func WebhookStatuses() []string { return append([]string(nil), generated.webhook.statuses...) }

// Enum returns the values of the enum schema openapi.yaml names components/schemas/name, or
// of one of its properties ("WebhookEvent", "event"); a property written as allOf of an enum
// schema (the "$ref plus description" idiom) has that schema's values. It is nil when there is
// no such enum.
func Enum(name string, property ...string) []string {
	at := "#/components/schemas/" + name
	for i := range generated.schemas {
		s := &generated.schemas[i]
		if s.location != at {
			continue
		}
		for _, p := range property {
			next := noSchema
			for _, prop := range s.properties {
				if prop.name == p {
					next = prop.schema
				}
			}
			if next == noSchema {
				return nil
			}
			s = &generated.schemas[next]
		}
		for len(s.Enum) == 0 && len(s.allOf) == 1 {
			s = &generated.schemas[s.allOf[0]]
		}
		return append([]string(nil), s.Enum...)
	}
	return nil
}
