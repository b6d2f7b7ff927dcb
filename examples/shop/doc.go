// Package shop is a small shop service that takes payments with LakiPay's hosted checkout
// through package client: the example to copy for a first integration. Its tests
// (shop_test.go) run the whole flow against package contracttest's fake LakiPay, without a
// network or a key, and are the example of how to test one.
//
// # Routes
//
//   - GET /orders/{id}: the order, and while it is unpaid a form asking for the shopper's
//     phone number.
//   - POST /orders/{id}/pay: opens a LakiPay checkout for the order and answers 303 to its
//     checkout_url. A phone number LakiPay's rules refuse comes back as the order page with
//     the reasons (400); LakiPay unavailable, or an answer that never came, as a "try again
//     in a minute" page (503 with Retry-After).
//   - GET /orders/{id}/return: where LakiPay's page sends the shopper back, after a payment
//     or not. It confirms through transaction detail and never trusts the redirect alone.
//   - POST /lakipay/webhook ([WebhookPath]): LakiPay's signed webhooks, verified, de-duplicated
//     and settled once by [client.NewWebhookHandler] with [client.WithDedupStore].
//
// # One reference per payment attempt
//
// LakiPay refuses a reference it has seen and has no lookup by reference, so an order does
// not use its id as reference: each payment attempt gets its own, ORDER-<id>-<attempt>
// ([Reference], from [client.AttemptReference]), and webhooks map back through
// [ParseReference]. A cancelled or failed attempt is followed by the next one (ORDER-42-2).
// An attempt whose answer never came ([client.OutcomeUnknown]) is repeated with the same
// reference: a success means the first try created nothing; a refusal of the reference as
// spent ([client.IsDuplicateReference]) means it created a session nobody can reach or pay,
// and [client.Client.CreateCheckoutAttempt] opens the next attempt. While an attempt's
// session may still be paid, the shop sends the shopper back to it instead of opening a
// second one, and a double click waits for the first: never two payable sessions for one
// order. What the shopper can fix comes from [client.FieldMessages].
//
// # Settling exactly once
//
// Webhooks and the return page both settle an order from what LakiPay reports (never from
// the redirect), through one [client.DedupStore] ([Config.Dedup]): the handler with
// [client.WithDedupStore], the return page with [client.SettleOnce], so that each status of a
// transaction is settled once whichever comes first. The settlement itself stays idempotent
// and order-proof (a store in memory forgets on restart): an order becomes Paid once, only for
// a SUCCESS of its own amount and currency, and [Config.OnPaid] runs once for it. A payment
// that does not match its order, or a second payment of a paid order, is logged for a person
// and not applied.
//
// # Not shown
//
// A real shop keeps its orders in a database (each change one transaction, the checkout
// step serialised per order by a row lock) beside a durable [client.DedupStore]
// (package sqldedup), protects its forms against cross-site requests and knows who its
// shoppers are. The orders here live in memory.
package shop
