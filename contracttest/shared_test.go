package contracttest_test

const testKey = "pk_test_abc:sk_test_canary"

// seedRequest is the example request of LakiPay's hosted-checkout page, verbatim.
const seedRequest = `{
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

// seedResponse is the example success body of LakiPay's hosted-checkout page.
const seedResponse = `{
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
