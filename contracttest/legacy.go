package contracttest

import (
	"github.com/lakipay/checkout-go/internal/contract"
)

// legacyShape reports the older flat body that LakiPay's live API is reported to send
// (contract.Legacy: success, message, payment_url, ... at the top level, no data envelope) as
// a deviation of its own, so that it reads as what it is beside the schema's violations.
func legacyShape(operationID string, status int, body []byte) []contract.Violation {
	if _, ok := contract.ParseLegacy(body); !ok {
		return nil
	}
	return []contract.Violation{{
		Operation: operationID, In: "response body", Rule: "envelope",
		Reason:   `must be the documented {status, message, data} envelope, not the older flat LakiPay shape ("success" at the top level, no "data")`,
		Location: "openapi.yaml#/components/schemas/" + envelopeSchema(operationID, status),
	}}
}

func envelopeSchema(operationID string, status int) string {
	if status < 200 || status > 299 {
		return "ErrorEnvelope"
	}
	if operationID == "getTransaction" {
		return "TransactionResponse"
	}
	return "CheckoutResponse"
}
