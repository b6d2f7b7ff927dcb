// Package contracttest makes tests against LakiPay's hosted checkout trustworthy: a
// validating [http.RoundTripper] that judges every exchange against openapi.yaml, and a
// stateful fake LakiPay that serves the API, the hosted payment page and signed webhooks.
//
// # Validating transport
//
// Skeleton: documented in full once implemented.
//
// # Fake LakiPay
//
// Skeleton: documented in full once implemented.
package contracttest
