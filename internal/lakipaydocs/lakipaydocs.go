// Package lakipaydocs holds LakiPay's own examples from the hosted-checkout page (the project's
// primary source), its "Core Concepts" page and its "Webhooks & Callbacks" page, verbatim, so that the tests of every package
// start from the same text. openapi.yaml carries the same examples; a test in internal/spec
// keeps the two in step.
package lakipaydocs

// Request is the example request of LakiPay's hosted-checkout page.
const Request = `{
    "amount": 1000.5,
    "currency": "ETB",
    "phone_number": "251911111111",
    "reference": "ORDER123456",
    "description": "Payment for order #123",
    "callback_url": "https://example.com/callback",
    "redirects": {
      "success": "https://example.com/success",
      "failed": "https://example.com/failed"
    },
    "supported_mediums": ["MPESA", "TELEBIRR", "CBE"]
  }`

// Response is the example success body of LakiPay's hosted-checkout page. The page elides
// the URL as "abc123..."; a full URL stands in for it.
const Response = `{
    "status": "SUCCESS",
    "message": "Checkout session created successfully",
    "data": {
      "checkout_url": "https://checkout.lakipay.co/pay/abc123",
      "lakipay_transaction_id": "TXN-123456789",
      "reference": "ORDER123456",
      "amount": 1000.5,
      "currency": "ETB",
      "status": "INITIATED"
    }
  }`

// Error is the error example of LakiPay's "Core Concepts" page (an invalid API key).
const Error = `{"status": "ERROR", "message": "Invalid API key", "error_code": "INVALID_API_KEY",
  "errors": {"api_key": ["API key is required"]}}`

// Webhook is the webhook payload of LakiPay's "Webhooks & Callbacks" page, without its
// signature.
const Webhook = `{
  "event": "DEPOSIT",
  "transaction_id": "TXN-123456789",
  "reference": "ORDER-12345",
  "amount": 100.00,
  "currency": "ETB",
  "status": "SUCCESS",
  "timestamp": "2024-01-15T10:30:00Z"
}`

// WebhookCanonical is the canonical string the "Webhooks & Callbacks" page gives for
// [Webhook]: the string LakiPay signs.
const WebhookCanonical = "amount=100.00&currency=ETB&event=DEPOSIT&reference=ORDER-12345&status=SUCCESS&timestamp=2024-01-15T10:30:00Z&transaction_id=TXN-123456789"
