// Package contracttest makes tests against LakiPay's hosted checkout trustworthy without a
// network: a transport that judges every exchange against openapi.yaml, and a stateful fake
// LakiPay that keeps to it (API, hosted payment page, signed webhooks, faults), with tools to
// drive a shopper, a merchant's pages and a merchant's webhook receiver through it. It is
// test machinery: merchants' servers import package client alone.
//
// # Validating transport
//
// [Transport] wraps an [http.RoundTripper] and fails the test for every [Violation] of a
// request or an answer: the operation, the field (a JSON pointer), the rule, what came and
// where openapi.yaml states the rule. The exchange still happens and bodies reach the caller
// intact. An undeclared path, status or content type, LakiPay's older flat answer shape, a
// repeated key, invalid UTF-8 and a value of an enum the spec does not list are violations;
// [Strict] adds properties the spec does not declare. No violation shows the secret half of
// the X-API-Key. [NewTransport] hands violations to a function instead (the live contract
// suite, go test -run Live with LAKIPAY_API_KEY set, reports LakiPay's deviations with it).
//
// A fault or a value a test scripts on a fake of this process breaks the contract on purpose:
// the transport logs those violations as expected instead of failing the test, and judges
// every other answer as usual. A violation a test causes itself is declared with
// [ExpectViolation] (operation, rule, field); the test fails if it never comes.
//
// # Fake LakiPay
//
// [NewServer] starts a [Fake] on loopback for one test: [Server.URL] is the base URL for
// client.WithBaseURL. It serves LakiPay's API under /api/v2 exactly (a wrong base path gets a
// 404, as from LakiPay), the hosted page at each session's checkout_url, and scripting under
// /_mock/ (README's "Command line" section documents it over HTTP). Every answer and webhook
// of its own making is checked against the spec, and a violation fails the test. State is in
// memory; ids are deterministic ([WithSeed]) and never handed out twice. [NewFake] is the same
// fake as an [http.Handler] for a server of your own ([ServerLimits]); `lakipay mock` serves
// it to any language.
//
// After each status change the fake POSTs the signed webhook to the session's callback_url in
// the background, retried on failure ([WithWebhookRetry]); [Fake.PublicKeyPEM] is the key to
// verify it with. Wait for it with [Fake.WaitForSuccessfulDeliveries] (n accepted) or
// [Fake.WaitForDelivery] (one transaction's status accepted), never with a sleep.
//
// # Driving a shopper and a merchant's pages
//
// A [Shopper] pays or cancels on the hosted page as a browser does and returns where the page
// redirected it; a [Browser] opens a merchant's pages and posts its forms, keeping cookies and
// never following a redirect; a [MerchantServer] listens before the merchant's handler exists,
// so its URL can go into callback_url and the redirects (ExampleNewMerchantServer shows the
// three together).
//
//	session, _ := c.CreateCheckout(ctx, req)
//	back, err := srv.Shopper().Pay(ctx, session.CheckoutURL, client.MediumMPESA)
//	// back is req.Redirects.Success; GET it from the merchant's server
//
// # Scripting a test
//
// [Fake.Pay], [Fake.Fail], [Fake.Cancel], [Fake.Expire] and [Fake.Decline] change a session
// without a browser; [Fake.SetStatus] gives it a status or medium the spec does not know yet.
// [Fake.FailNext] and [Fake.InjectFault] break an operation's next answers ([Fault]: a 5xx, a
// 429, an HTML 502, a reset connection, a lost answer, ...); [Fake.SetLatency] slows them.
// [Fake.HoldWebhooks] keeps a transaction's webhooks back until [Fake.ReleaseWebhooks], to
// test a return page that comes before the webhook.
//
// [WithDeliveryBehaviour] delivers every webhook the way LakiPay warns it may (copies, out of
// order, next to forgeries); [Fake.Deliver] sends one [DeliveryCase] now, genuine or hostile.
// [Fake.Reset] forgets everything but the signing key and the configuration. A script the fake
// cannot carry out is an error wrapping [ErrScript], never a silent no-op.
//
// # Testing a webhook receiver
//
// [CheckReceiver] puts a webhook receiver through every case of [ReceiverCases]: duplicates,
// re-sends, disorder, unknown statuses, forgeries, replays and other merchants' payments.
// It fails the test naming each case the receiver got wrong. A correct receiver acknowledges
// every genuine webhook, refuses every forgery and does what each genuine webhook asks
// exactly once; what it did is the merchant's [EffectsFunc] to report, without which only its
// answers are judged. [WithSessionOpener] has the merchant's application open the sessions,
// for a receiver that acts only on its own orders. [RunReceiverSuite] runs the suite against a
// fake served elsewhere, for a receiver in any language (`lakipay webhook test`).
//
// # When a test fails
//
// A test that used [NewServer] and failed leaves a report, one HTML file whose address its
// log gives (in [ReportDirEnv]'s directory or the temporary one): the sessions, each webhook
// attempt with the receiver's answer, each transaction detail call. [Server.DashboardURL]
// shows the same live, and [CoverageEnv] prints which operations, statuses and values the
// tests exercised.
//
// DESIGN.md, beside this file, says which package and file own each step of a checkout's life
// in the fake, and why the fake is built as it is.
package contracttest
