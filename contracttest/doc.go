// Package contracttest makes tests against LakiPay's hosted checkout trustworthy. It judges
// every exchange against openapi.yaml, compiled into Go by make generate (the same contract
// package client checks its requests with, proven equal to kin-openapi's verdicts by this
// module's tests), and provides a stateful fake LakiPay that keeps to that contract. It is
// test machinery: merchants' servers import package client alone.
//
// # Validating transport
//
// [Transport] wraps an [http.RoundTripper] for tests: it validates each request before it is
// sent and each response after it arrives, and fails the test with [testing.TB.Errorf] for
// every [Violation]. The exchange still happens (a violating request is still sent), so the
// server's answer stays visible. [NewTransport] does the same outside tests and hands
// violations to a callback, which is how the live contract suite reports LakiPay's deviations.
//
// A violation names the operation, the part of the exchange and the JSON pointer of the field,
// the rule, the value that came and where in openapi.yaml the rule lives, for example:
//
//	getTransaction: response body /data/status: enum: must be one of INITIATED, PENDING, SUCCESS, FAILED, CANCELLED (got "DONE"; rule at openapi.yaml#/components/schemas/TransactionStatus/enum)
//
// The secret half of the X-API-Key never appears in a violation, even when a body echoes it.
// An undeclared path, method, status or content type is a violation, and so is the older flat
// success shape ({"success": true, "payment_url": ...}) that LakiPay's live API is reported
// to send: it is reported with the rule "envelope", never silently accepted. So are what
// readers would disagree on: a key repeated at any depth, invalid UTF-8, a number more
// precise or larger than a 64-bit float shows (rules "duplicate key", "utf-8", "multipleOf",
// "maximum"). [Strict] also flags properties the spec neither declares nor rules on. A value
// of an enum the spec does not list (a medium or status LakiPay added) is a violation here,
// though package client carries it through: the transport is where a deviation is noticed.
// Request and response bodies reach the caller intact; a transport error or a body cut short
// reaches it unchanged.
//
// # Expected violations
//
// Some violations are the point of a test. A fake marks each answer it breaks on purpose (a
// scripted fault such as [FaultBadGateway]'s HTML 502, a status forced by [Fake.FailNext],
// the values scripted with [Fake.SetStatus]) with a header carrying its secret token, and a
// [Transport] in front of it logs the violations the mark covers as expected (t.Logf)
// instead of failing the test: every violation of a faulted or forced answer, and of a
// SetStatus answer exactly the scripted status or medium in its own field (another violation
// of the same answer still fails). **Decision:** a mark is honoured only with the token of a
// fake of this process that is not closed (128 random bits per fake, which LakiPay, a proxy or
// a stub cannot produce), so the same transport in front of live LakiPay judges every answer,
// header or not. A test's own purpose goes through [ExpectViolation] (operation, rule and
// field, for the transports given it, until the test ends; the test fails if it never came,
// so it cannot hide a real violation forever). [OnExpected] receives the expected ones:
// [NewTransport] drops them without it.
//
// # Fake LakiPay
//
// [NewServer] starts a [Fake] on loopback for one test (closed by t.Cleanup); [NewFake] returns
// the same fake as an [http.Handler] for `lakipay mock`, which serves it on its own listener.
// The fake serves, under /api/v2 exactly:
//
//   - POST /payment/checkout: creates an INITIATED session with checkout_url = the fake's own
//     origin + /checkout/{token}. 401 INVALID_API_KEY without a well-formed X-API-Key (or
//     without the one pinned by [WithAPIKey]); 400 naming every broken field in errors
//     ("redirects.success": ["... (pattern)"]), with LakiPay's INVALID_AMOUNT when the amount
//     alone is broken, INVALID_PHONE when the phone number alone is, VALIDATION_ERROR
//     otherwise; 400 DUPLICATE_REFERENCE for a reference already used. The keys of errors are
//     those openapi.yaml's ErrorEnvelope decides: a field's name, "redirects.success" for a
//     nested one, never an array index ("supported_mediums", whose message names the item),
//     "id" for the path parameter.
//   - GET /payment/transaction/{id}: transaction detail; 404 NOT_FOUND for an unknown id. It
//     echoes every field of the checkout request that Transaction declares under the same JSON
//     name and type (reference, amount, currency, description, and any field openapi.yaml adds
//     to both), so that a new field needs no edit of the fake.
//
// Routing is exact, so that a misconfigured base URL fails against the fake as it would
// against LakiPay: the API only at /api/v2 followed by one of the spec's paths, the hosted page
// only at /checkout/{token}, scripting only at the /_mock/ paths below. Any other path (a typo
// in the base path, /api/v2 twice, an extra or missing segment, a trailing slash, "//" or
// "..") answers 404 with the API's error envelope (error_code NOT_FOUND), never a redirect; a
// known path asked with another method answers 405 with an Allow header and the envelope.
// **Decision:** the 405's error_code is METHOD_NOT_ALLOWED (LakiPay documents none). Such
// requests count as no operation's. ([Transport], which judges exchanges with LakiPay behind
// any base path, still matches operations by the end of the path.)
//
// Every response the fake makes itself, and every webhook body, is validated against the spec:
// a violation is a bug in the fake and fails the test ([NewServer]) or goes to
// [WithViolationHook] and the logger ([NewFake]). Requests the fake refuses and scripted
// faults do not fail the test: they are the point of some tests (a [Transport] in front of
// the fake logs a scripted fault's violations as expected, see Expected violations). State lives in memory and
// is safe for concurrent use; transaction ids ("TXN-" + 16 hex digits) and checkout tokens are
// deterministic from [WithSeed], and never handed out twice by one fake, resets included.
//
// # Hosted page
//
// GET checkout_url shows the amount, currency, description and one radio button per medium
// of the session, with Pay and Cancel buttons (html/template, so everything is escaped). The
// form POSTs to the same URL with medium=MPESA&action=pay or action=cancel, and the fake
// answers 303 See Other to redirects.success (paid) or redirects.failed (cancelled or
// failed). A medium the session does not offer gets a 400 page; a session that is already
// final gets a 409 page that says so, and is never paid twice.
//
// The form, for a test in any language that would rather not read HTML (checkout_url is
// {origin}/checkout/{token}):
//
//	POST /checkout/{token}
//	Content-Type: application/x-www-form-urlencoded
//
//	action=pay&medium=MPESA    pay with one of the session's supported_mediums
//	action=cancel              cancel (medium, if sent, is ignored)
//
//	303 See Other, Location: redirects.success   paid
//	303 See Other, Location: redirects.failed    cancelled, or declined ([Fake.Decline])
//	400 page   action missing or not pay/cancel, a medium the session does not offer, a form
//	           that cannot be read; nothing changes
//	404 page   no session has this token
//	409 page   the session is already final (paid, failed, cancelled or expired); nothing changes
//
// Every page is text/html with Cache-Control: no-store; its words are in elements with ids
// (amount, currency, description, reference, and message or status for what went wrong).
// The 303 is the whole answer a browser follows: the fake never redirects otherwise.
//
// # Testing a merchant's pages
//
// A merchant's flow runs through its own server too: the pay button that creates the
// checkout and redirects to checkout_url, the return page, the webhook. [NewMerchantServer]
// starts the merchant's server before its handler exists, so its URL can go into the
// checkout's callback_url and redirects ([MerchantServer.Handle] then serves the shop); a
// [Browser] opens the shop's pages and submits its forms as a shopper does, keeping cookies
// and reporting a redirect's Location instead of following it; the [Shopper] does the part on
// LakiPay's page. ExampleNewMerchantServer puts them together.
//
// # Session lifecycle
//
// LakiPay's sources do not say how long a session stays payable; openapi.yaml decides it
// (createCheckout's description) and the fake keeps to it: a session stays INITIATED and
// payable for [WithSessionTTL] after its checkout (default [DefaultSessionTTL], 30 minutes;
// `lakipay mock --session-ttl`), counted from its creation, then expires: its status becomes
// CANCELLED (no medium), its webhook is sent, and its page answers that it can no longer be
// paid (409 on a payment). A PENDING session, a payment under way, does not expire.
// [Fake.Expire] (POST /_mock/transactions/{id}/expire) expires an INITIATED session now, so a
// test checks that a shop releases the seats or stock it held for an unpaid session without
// waiting for the TTL.
//
// A test scripts a provider failure with [Fake.Decline] (or POST /_mock/transactions/{id}/decline):
// the shopper's next payment on the page fails, the status becomes FAILED and the shopper goes
// to redirects.failed. [Fake.Pay], [Fake.Fail] and [Fake.Cancel] change a session without a
// browser.
//
// A [Shopper] ([Server.Shopper], or [NewShopper] for a fake on your own listener) is the
// shopper's browser for tests of a merchant's whole flow: [Shopper.Pay] opens checkout_url,
// picks a medium the page offers and presses Pay; [Shopper.Cancel] presses Cancel; both
// return the URL the page redirected to, which the test then opens on the merchant's server
// (the return page). [Shopper.Open] reads what the page shows (amount, currency,
// description, reference, mediums). A medium the page does not offer, a final session and an
// unknown checkout are errors wrapping [ErrMediumNotOffered], [ErrFinal] and
// [ErrUnknownTransaction]:
//
//	session, _ := c.CreateCheckout(ctx, req)
//	back, err := srv.Shopper().Pay(ctx, session.CheckoutURL, client.MediumMPESA)
//	// back is req.Redirects.Success; GET it from the merchant's server
//
// # Webhooks
//
// After each status change the fake POSTs the signed JSON (event DEPOSIT, transaction_id,
// reference, amount, currency, status, medium when one was chosen, timestamp in RFC 3339 and
// signature, made with [WithSigningKey] or a fresh RSA-2048 key) to the session's
// callback_url, in the background. A non-2xx answer or no answer is retried with exponential
// backoff, at most [WithWebhookRetry] attempts (default 5 from 200ms). A redirect is never
// followed: a 3xx is a failed attempt, recorded with the receiver's own status and retried
// like any other. Every attempt is a [Delivery] in [Fake.Deliveries]. To wait for them:
//
//   - [Fake.WaitForSuccessfulDeliveries] waits until receivers accepted (2xx) n webhooks,
//     what a merchant's test waits for before checking that the order was settled. It fails
//     fast with [ErrWebhookNotAccepted], describing the last refused attempt, once no webhook
//     is pending and fewer than n were accepted.
//   - [Fake.WaitForDelivery] waits until a receiver accepted one transaction's genuine
//     webhook of one status, and returns that delivery: what a test of one order waits for,
//     whatever else the fake sends meanwhile. It fails fast the same way once none of that
//     transaction's webhooks is pending.
//   - [Fake.WaitForDeliveries] waits until n attempts ended, accepted or not (and dropped
//     webhooks), for tests of retries and refusals.
//   - [Fake.WaitIdle] waits until no webhook is pending but those held back.
//
// To make a webhook late without racing the retry budget, hold it: after [Fake.HoldWebhooks]
// (POST /_mock/transactions/{id}/hold) a transaction's webhooks, new ones, retries and those
// waiting for their next attempt alike, are kept unsent and listed by [Fake.HeldWebhooks],
// until [Fake.ReleaseWebhooks] sends them in the order they were held, each once the one
// before it was attempted:
//
//	require.NoError(t, srv.HoldWebhooks(id))
//	back, err := srv.Shopper().Pay(ctx, session.CheckoutURL, client.MediumMPESA)
//	require.NoError(t, err)
//	// the shopper is back on the return page (back) and no webhook came: the order must wait
//	_, err = srv.ReleaseWebhooks(id)
//	require.NoError(t, err)
//	_, err = srv.WaitForDelivery(ctx, id, client.TransactionStatusSUCCESS) // the merchant took it
//	require.NoError(t, err)
//
// Held webhooks stay pending: they count against [WithWebhookQueue], and a reset drops them.
//
// Every request the fake sends to a callback_url (genuine, retried, copied or hostile)
// carries the header X-Lakipay-Mock-Webhook: 1, which LakiPay does not send (never rely on
// it), and every /_mock/ endpoint refuses a request carrying it with 403. **Decision:** a
// checkout whose callback_url or redirects name the fake's own control paths is accepted, as
// LakiPay would accept it (and no host name can be told reliably to be the fake's own:
// localhost, 127.0.0.1, [::1], the machine's name, a proxy), but it cannot script the fake:
// its webhooks are refused by the marker, and the hosted page sends the browser to a
// redirect with 303, so as a GET, which no /_mock/ endpoint that changes state answers (and
// the endpoints without input refuse the page's form as a body). Paying it never resets a
// shared mock nor cancels another session.
//
// [Fake.PublicKey] and [Fake.PublicKeyPEM] (also GET /_mock/public-key) give the key to
// verify with.
// The default key is generated in the background: only signing and the public key wait for it.
//
// Webhooks go through a bounded queue to a fixed pool of workers, so that receivers that are
// down, slow or black holes never slow the API or pile up goroutines and sockets: a status
// change only queues its webhook. Up to [WithWebhookWorkers] attempts (default 32) run at once,
// each bounded as a whole (dial, request, the answer's headers and up to 64 KiB of its body,
// of which the first 1 KiB is kept in the [Delivery] as text, with the attempt's latency) by
// [WithWebhookTimeout] (default 5s). An answer's headers beyond 8 KiB make the attempt fail
// ("server response headers exceeded 8192 bytes"), so that a receiver streaming headers
// costs each worker 8 KiB, not net/http's 10 MiB (32 such receivers: a peak heap of about
// 4 MB instead of 250-320 MB, BenchmarkEndlessHeadersReceivers). A webhook waiting for its
// next attempt waits in a heap served by one timer, not in a goroutine. Connections to
// receivers are reused and bounded by the workers (at most one in flight and one idle per
// worker). At most
// [WithWebhookQueue] webhooks (default 10,000) are pending at once, queued, in flight or
// waiting to be retried; a webhook beyond that is not sent but recorded as a [Delivery] with
// Dropped set, Attempt 0 and the reason in Err. [Fake.Reset] drops every pending webhook and
// [Fake.Close] also stops the workers.
//
// # Duplicates, disorder and forgeries
//
// LakiPay's documentation warns that a webhook can arrive more than once and out of order,
// and a callback_url is public: anyone can post to it. By default the fake delivers each
// webhook once, in order, genuine; [WithDeliveryBehaviour] (or [Fake.SetDeliveryBehaviour],
// POST /_mock/webhook-behaviour, `lakipay mock --webhook-...`) makes every status change
// meet what hurts receivers: each webhook delivered [DeliveryBehaviour] Copies times (Spacing
// apart, or at once), an earlier status after the final one ([OrderStaleAfterFinal]) or the
// final one late, after an earlier status ([OrderFinalLate]), and hostile bodies ahead of the
// genuine webhook (Hostile). [Fake.Deliver] (POST /_mock/deliver) sends any one of them on
// demand, to a session's callback_url or any URL, once, and returns the receiver's answer.
// Each [DeliveryCase] is what it claims, as the tests prove from the attacker's side:
//
//   - genuine, duplicate, resent, earlier: signed with the fake's key and valid against the
//     contract; a duplicate is the genuine body byte for byte; resent is the same status
//     sent anew, with a later timestamp and its own signature; earlier is a PENDING
//     timestamped a second before the final change.
//   - forged_signature: a SUCCESS signed by another RSA-2048 key (made once per process).
//   - tampered_status, tampered_amount: the genuine body with its status (to SUCCESS, or a
//     SUCCESS to CANCELLED) or its amount (raised by 1.00) changed under the genuine
//     signature.
//   - tampered_transaction: another transaction's genuine webhook with only its
//     transaction_id changed to this one's, under its genuine signature.
//   - replayed: another transaction's genuine webhook.
//   - unsigned: a SUCCESS without a signature field.
//   - shifted_key, shifted_value: a SUCCESS re-split from the canonical string of an
//     ambiguous CANCELLED webhook of another transaction (reference "REF&status=SUCCESS&..."),
//     carrying the fake's genuine signature of it: a verifier without the ambiguity check
//     (LakiPay's own SDKs) accepts it; package client refuses it (ErrAmbiguousWebhook).
//   - duplicate_key: the genuine webhook with its status given again (SUCCESS, or CANCELLED
//     for a SUCCESS) after its last member: a reader that verifies the first of a repeated
//     key but acts on the last accepts it; package client refuses any repeated key.
//   - oversized: the genuine webhook padded with spaces to [OversizedBytes] (1 MiB + 1),
//     streamed: valid JSON under a valid signature, so only a size limit refuses it.
//   - foreign_amount, foreign_currency, foreign_session: a genuinely signed SUCCESS of a
//     session the merchant never created (a transaction id the fake never hands out), naming
//     this session's reference, for another amount, in another currency, or for the order's
//     own amount and currency: what another LakiPay account can post if LakiPay's webhook key
//     is shared by its merchants, paying the order's price into its own account (see
//     [CaseForeignAmount]). Act only on a transaction id your own checkout got back.
//
// A receiver that refuses a body by closing or resetting the connection without an answer
// is recorded with Closed set ("closed"): many servers and proxies refuse a body too large
// that way. [Fake.HoldWebhooks] (POST /_mock/transactions/{id}/hold) stops a session's
// status changes from sending webhooks of their own, so that only [Fake.Deliver] reaches its
// callback_url.
//
// Every delivery, genuine or hostile, goes through the same bounded queue and workers and is
// recorded in [Fake.Deliveries] and GET /_mock/deliveries with its case and the receiver's
// answer. Hostile bodies and [Fake.Deliver]'s are tried once, never retried.
//
// # Testing a webhook receiver
//
// [CheckReceiver] puts a merchant's webhook receiver through every case of the receiver
// suite in one call from a Go test, logs its table and fails the test naming each case the
// receiver got wrong, with what was expected and what came; [RunReceiverSuite] does the same
// against a fake served elsewhere (`lakipay mock`) and returns the results, which is what
// `lakipay webhook test` prints for a receiver in any language. The receiver is configured
// with the fake's public key.
//
// A correct receiver acknowledges (2xx) every genuine webhook, refuses every hostile body
// (non-2xx, or the connection closed), and does what each genuine webhook asks exactly once.
// The merchant reports what it did about a transaction as [Effects]: how many times it
// settled it as paid (shipped the order) and released it as not paid (reopened the order
// after a CANCELLED or FAILED). So a SUCCESS is paid once, a CANCELLED or FAILED released
// once and never paid; a PENDING, a status the receiver does not know, a forgery and another
// merchant's payment have no effect; a duplicate, a status sent anew, a stale status or a
// replay no second one; and a refused forgery must not stop the genuine webhook that follows
// it from being acted on (a receiver that notes a webhook as seen before verifying it fails
// there), nor may a signature the receiver accepted make another body acceptable. Without an
// [EffectsFunc] only the answers are judged: the effects show as "not checked", never as
// passed, and [ReceiverReport.Complete] is false.
//
// A receiver that acts only on the orders of its own book (the right thing: examples/shop
// does) ignores sessions it did not open. [WithSessionOpener] lets the merchant's application
// open every session a case needs, as it would for a shopper; the suite holds each one's
// webhooks ([Fake.MuteWebhooks]) and reads its amount and mediums back from the fake, so any
// amounts do. Without an opener the suite opens its own sessions (without a callback_url,
// references no merchant issued) and the cases that test a receiver against its order book
// (foreign_amount, foreign_currency, foreign_session) are not run; the report's Unproven
// says so. Over HTTP,
// [SessionOpenerFromURL] and [EffectsFromURL] speak the suite's language-neutral protocol:
//
//   - open: POST {open-url} with the body {}: the application opens a checkout against the
//     fake and answers 2xx with {"transaction_id": "TXN-..."} (other keys ignored).
//   - effects: GET {effects-url}?transaction_id=TXN-... answers 200 with {"paid": 1,
//     "released": 0} (both required, other keys ignored; a bare number is refused).
//
// Every delivery is the suite's, sent once to the receiver, and its answer is judged as it
// comes, never after a retry. A case's sessions are in the order of their amounts, smallest
// first (A, B). The effects are read right after the answers (waiting up to
// [WithEffectTimeout] for an expected one, for a receiver that acts in the background) and
// once more after the last case. Each delivery is bounded by [WithReceiverTimeout] (5s): a
// case stops at a delivery without an answer (a closed connection is an answer), so a
// receiver that hangs costs at most that per case. The cases, in order, with what a correct
// receiver answers to each delivery (and its effects right after it), then the effects at the
// end (per transaction):
//
//	genuine               2xx; paid 1
//	duplicate             2xx (paid 1), 2xx; paid 1
//	duplicate_concurrent  2xx, 2xx, 2xx; paid 1
//	resent                2xx (paid 1), 2xx; paid 1
//	stale                 2xx (paid 1), 2xx; paid 1
//	final_late            2xx (nothing), 2xx; paid 1
//	not_paid              2xx (A released 1, B nothing), 2xx; A released 1, B released 1
//	unknown_status        2xx; nothing
//	replayed              2xx (A paid 1, B nothing), any; A paid 1, B nothing
//	forged_signature      non-2xx (nothing), 2xx; paid 1
//	tampered_status       non-2xx (nothing), 2xx; released 1
//	tampered_amount       non-2xx (nothing), 2xx; paid 1
//	unsigned              non-2xx (nothing), 2xx; paid 1
//	shifted_key           non-2xx (nothing), 2xx; paid 1
//	shifted_value         non-2xx (nothing), 2xx; paid 1
//	duplicate_key         non-2xx (nothing), 2xx; released 1
//	oversized             non-2xx (nothing), 2xx; paid 1
//	reused_transaction    2xx (A paid 1, B nothing), non-2xx (A paid 1, B nothing), 2xx; A paid 1, B paid 1
//	reused_status         2xx (released 1), non-2xx; released 1
//	reused_amount         2xx (paid 1), non-2xx; paid 1
//	foreign_amount        any (A nothing, B nothing), 2xx; A paid 1, B nothing
//	foreign_currency      any (A nothing, B nothing), 2xx; A paid 1, B nothing
//	foreign_session       any (A nothing, B nothing), 2xx; A paid 1, B nothing
//
// [ReceiverCases] says what each sends. duplicate_concurrent sends its three copies at once:
// a receiver that checks and then acts without a lock may pass it by luck, but one that
// fails it has that race. resent fails a receiver that de-duplicates on the body's bytes.
// replayed posts transaction A's genuine webhook again while B is open: a receiver cannot
// tell it from a duplicate, so any answer goes, but A must not be acted on twice nor B at
// all. Each hostile case first sends its forgery, for an unpaid transaction where it can (so
// that acting on it would deliver unpaid goods), then the transaction's genuine webhook. The
// reused cases send their forgery after the genuine body was accepted: a receiver that
// trusts a signature it has verified before accepts it. In the foreign cases B is the other
// session, whose webhook names A's reference; any answer goes, no effect does.
//
// # Limits
//
// A fake is meant to be left running for a whole CI day (`lakipay mock`) and to be hard to
// starve. Besides the webhook limits above:
//
//   - Sessions: at most [WithMaxSessions] (default 100,000; a stored session costs about
//     900 bytes, its history's share included, see BenchmarkSessionMemory). A checkout beyond
//     the cap makes the fake forget the session that became final longest ago or, when no
//     stored session is final, the oldest open one, so a checkout never fails because of the
//     cap. A forgotten session is unknown everywhere (404 from transaction detail, the page,
//     /_mock/ and the dashboard), but its reference stays refused (DUPLICATE_REFERENCE): the
//     fake keeps a 64-bit keyed digest of it, for the last four forgotten references per
//     storable session (400,000 by default, about 13 MB when full); only a reference
//     forgotten longer ago is accepted again.
//   - Deliveries: the last [WithMaxDeliveries] records (default 10,000) are kept; older ones
//     are forgotten, though [Fake.WaitForDeliveries] counts every one since the last reset.
//     GET /_mock/deliveries answers at most 1,000 of them unless asked for up to 10,000.
//   - Connections: [NewServer] and `lakipay mock` serve the fake with [DefaultServerLimits]
//     (see [ServerLimits]; [WithServerLimits] changes them for NewServer): 10s to send a
//     request's headers, 30s for a whole request, 30s to take its answer, 2m idle between
//     keep-alive requests, 64 KiB of headers, 1,024 connections open at once (one beyond
//     waits, not accepted, until another closes, so file descriptors stay bounded). A
//     connection that trickles its request is closed within 30s. Headers beyond the limit
//     answer 431 with the error envelope (error_code HEADERS_TOO_LARGE), and `OPTIONS *` 404
//     NOT_FOUND like any path the fake does not serve, never net/http's own plain-text or
//     empty answers, which the spec does not declare. The requests the fake holds on
//     purpose get their deadlines extended by the delay: a [Fake.SetLatency] answer still
//     comes, [FaultTimeout] still hangs until the client gives up (or [MaxHang]), and
//     [FaultHugeBody] gives each 32 KiB chunk the write timeout anew, so a client reading
//     slowly still gets all 20 MiB.
//   - Request bodies: 1 MiB at most (API, page and /_mock/).
//   - History (the dashboard's timelines): the newest 10,000 events in all, at most 200 per
//     transaction (its later events are counted, not kept), forgotten with their session;
//     repeated transaction detail calls and page openings with the same outcome fold into
//     one counted event. A delivery event shares the [Delivery]'s bytes (its body and at most
//     1 KiB of the receiver's answer): at most about 20 MB, when every event is a webhook
//     attempt answered with 1 KiB or more. The dashboard's JSON answers are
//     bounded too: at most 200 sessions, 1,000 events, or one transaction's 200 events.
//
// # Scripting from Go
//
// [Fake.FailNext] forces the next answer of an operation (status and error_code);
// [Fake.InjectFault] and [Fake.InjectFaultN] inject a [Fault] (see [Faults]:
// [FaultInternalError], [FaultRateLimited] with Retry-After, [FaultRateLimitedNoRetryAfter],
// [FaultUnavailable], [FaultBadGateway], [FaultMalformedJSON], [FaultTruncatedBody],
// [FaultConnectionReset], [FaultTimeout], [FaultWrongContentType], [FaultHugeBody],
// [FaultFlatShape], [FaultLostAnswer]); [Fake.Requests] counts the requests of each
// operation that reached the fake; [Fake.SetLatency] delays every API answer;
// [Fake.Deliver] sends a [DeliveryCase] on demand and [Fake.SetDeliveryBehaviour] changes how
// webhooks are delivered; [Fake.HoldWebhooks] and [Fake.ReleaseWebhooks] make a transaction's
// webhooks late; [Fake.Expire] expires an unpaid session; [Fake.Reset] forgets everything but
// the signing key and the configuration. An operation is named by its operationId ([OpCreateCheckout],
// [OpGetTransaction]); any other name, in any case, is an error wrapping [ErrScript], never a
// script that silently does nothing.
//
// [FaultConnectionReset] and [FaultLostAnswer] look the same to the client (the connection
// is reset, no answer), but only the lost answer runs the operation first: a checkout is
// created and its reference spent. Inject it to test the recovery package client's
// documentation describes under Retries: the same reference again answers
// DUPLICATE_REFERENCE, so the next attempt needs the next reference.
//
// # Values LakiPay adds
//
// [Fake.SetStatus] (POST /_mock/transactions/{id}/status) scripts what LakiPay may send before
// openapi.yaml knows it: a status and, optionally, a medium, any upper-case words (REFUNDED,
// AWASH). Transaction detail shows them and a signed webhook is sent, so that a test can check
// that its code carries a value it does not know through (package client does: Valid is
// false, and its webhook handler answers 200). The fake's own self-check lets exactly the
// scripted values pass, in the fields they were scripted for; [Transport] still reports them,
// as it would LakiPay's. The fake cannot tell what a status the spec does not know means: such
// a session takes no other change but another SetStatus, and a final session takes only such a
// status.
//
// # Scripting over HTTP (/_mock/)
//
// Black-box users (other languages, `lakipay mock`) script the fake with JSON over HTTP.
// Errors answer {"error": "..."} with 400 (bad input), 404 (unknown transaction) or 409
// (already final, or a webhook that can no longer be accepted). A body is read strictly: unknown fields, a repeated key or anything after
// the JSON value are refused, and the endpoints that take no input (cancel, decline, reset)
// refuse any body but none or {}.
//
//   - GET /_mock/public-key: the webhook public key as PEM.
//   - GET /_mock/transactions/{id}: the transaction, as transaction detail's data.
//   - POST /_mock/transactions/{id}/pay with {"medium": "MPESA"}: pay; answers the transaction.
//   - POST /_mock/transactions/{id}/fail with {"medium": "MPESA"}: fail at the provider.
//   - POST /_mock/transactions/{id}/cancel: cancel.
//   - POST /_mock/transactions/{id}/decline: make the next payment on the hosted page fail.
//   - POST /_mock/transactions/{id}/mute: send no webhook of the session's own from now on
//     ([Fake.MuteWebhooks]); deliver still sends.
//   - POST /_mock/transactions/{id}/expire: expire an INITIATED session now ([Fake.Expire]):
//     CANCELLED, with its webhook; answers the transaction.
//   - POST /_mock/transactions/{id}/status with {"status": "REFUNDED", "medium": "AWASH"}: set
//     a status and optionally a medium the spec may not know ([Fake.SetStatus]); answers the
//     transaction.
//   - POST /_mock/transactions/{id}/hold, POST /_mock/transactions/{id}/release, GET
//     /_mock/transactions/{id}/held: hold the transaction's webhooks back, send what was held
//     ([Fake.HoldWebhooks], [Fake.ReleaseWebhooks]), or list it; each answers
//     {"transaction_id": "TXN-...", "holding": true, "webhooks": [...]}, the webhooks held (or
//     released) as GET /_mock/deliveries writes them, with "held": true. Releasing a
//     transaction that is not held is refused with 400.
//   - GET /_mock/transactions/{id}/delivery?status=SUCCESS[&timeout=10s]: wait (up to timeout,
//     default 30s, at most 5m) until a receiver accepted the transaction's genuine webhook of
//     that status and answer that delivery ([Fake.WaitForDelivery]); 409 when none can come
//     any more (none pending, none accepted), 504 when timeout ran out first.
//   - POST /_mock/fail-next with {"operation": "createCheckout", "status": 503,
//     "error_code": "PROVIDER_ERROR"}: force the next answer (status 400..599).
//   - POST /_mock/faults with {"operation": "getTransaction", "fault": "rate_limited",
//     "count": 2}: inject a fault into the next count calls (default 1): internal_error (500),
//     rate_limited (429, Retry-After: 1), rate_limited_no_retry_after (429), unavailable
//     (503), bad_gateway (502 with an HTML page), malformed_json, truncated_body,
//     connection_reset (TCP reset after the request was read), timeout (no answer until the
//     client gives up), wrong_content_type (the real answer labelled text/html), huge_body
//     (a streamed 20 MiB body), flat_shape or lost_answer (the operation runs, then the
//     connection is reset without an answer).
//   - GET /_mock/requests: how many requests of each operation reached the fake
//     ({"createCheckout": 2, "getTransaction": 5}), whatever they were answered.
//   - POST /_mock/latency with {"latency": "250ms"}: delay every API answer ("0s" turns it off).
//   - GET /_mock/deliveries: the recorded webhook deliveries, newest last: transaction_id,
//     status, case, url, body (the JSON sent), size, attempt, http_status, answer (the
//     first 1 KiB of the receiver's answer body, as text), answer_size (the bytes of it
//     read, up to 64 KiB), latency_ns, error, dropped (only when true), time.
//     ?transaction_id=TXN-... keeps one transaction's; ?limit=N answers the newest N (1 to
//     10,000; default 1,000). Any other query parameter is refused. [] when there are none.
//   - POST /_mock/deliver with {"transaction_id": "TXN-...", "case": "forged_signature"} and
//     optionally "replay_of" (for "replayed" and "tampered_transaction"), "url" (default: the session's callback_url),
//     "copies" (1 to 10, sent at once) and "timeout" ("2s"): send one [DeliveryCase] now
//     ([Fake.Deliver]); answers, once the receiver answered, the deliveries as recorded.
//   - GET /_mock/webhook-behaviour, POST /_mock/webhook-behaviour with {"copies": 3,
//     "spacing": "50ms", "order": "stale_after_final", "order_delay": "100ms", "hostile":
//     ["forged_signature", "unsigned"]}: read or replace the [DeliveryBehaviour] (an absent
//     field takes its default; reset restores the configured one).
//   - POST /_mock/reset: forget sessions, references, scripts, latency, deliveries, request
//     counts, holds, coverage, and drop pending webhooks, held ones included (ids go on: none
//     is handed out twice).
//   - GET /_mock/coverage: the [Coverage] as JSON; ?format=text for the printable report.
//   - GET /_mock/dashboard (also GET /_mock/): the dashboard (see below), with the JSON it
//     reads: GET /_mock/sessions, GET /_mock/transactions/{id}/timeline and GET
//     /_mock/events.
//
// # Dashboard
//
// GET /_mock/dashboard ([Server.DashboardURL]; `lakipay mock` prints it at start-up) is a page
// of what the fake did: the sessions, newest first (reference, transaction id, amount,
// currency, status, medium, the webhooks accepted, failed and dropped, created and updated),
// filtered by transaction id or reference; a click on one shows its timeline: the checkout
// as created (amount, mediums offered, description, callback_url and redirects), the hosted
// page opened, paid, failed or cancelled (with the medium), each webhook attempt (case,
// attempt, the receiver's status code, latency, error or dropped, the first 1 KiB of its
// answer body, the body sent, and when a refused attempt was retried), and each transaction
// detail call (the status answered, or the script that answered instead); and the coverage,
// exercised and not. It follows new events as they happen: it polls GET /_mock/events about
// once a second. It is plain HTML, CSS and JavaScript, embedded in the package: no build
// step, no framework.
//
// Everything a merchant, shopper or receiver typed (a reference, a description, a URL, an
// answer body) is shown as text: the script builds the page from elements and text nodes
// only, and the page, its files and its JSON are served with a Content-Security-Policy that
// lets no inline script or style run (script-src 'self', object-src 'none', frame-ancestors
// 'none') and X-Content-Type-Options: nosniff. It shows no API key: the fake never records
// one.
//
// The JSON it reads is there for any tool (each refuses an unknown or repeated parameter,
// answering 400 with {"error": "..."}):
//
//   - GET /_mock/sessions[?q=TEXT][&before=SEQ][&limit=N]: {"sessions": [...], "next_before":
//     SEQ, "stored": N, "version": V}, newest first, at most limit (1 to 200; default 50);
//     q keeps those whose transaction id or reference holds TEXT in any case (at most 200
//     bytes); before=next_before gives the next page, stable while sessions come.
//   - GET /_mock/transactions/{id}/timeline: {"session": {...}, "events": [...], "not_kept":
//     N, "pushed_out": N, "version": V}, the events oldest first: each has seq, version, kind
//     (created, page_opened, status, delivery, detail), time, count (and last, when repeats
//     folded into it), and status, medium, http_status, scripted or delivery (a [Delivery]).
//     404 for an unknown (or forgotten) transaction.
//   - GET /_mock/events[?since=V][&limit=N]: {"events": [...], "next": V, "more": bool,
//     "version": V}: the events recorded or folded into after version since, in that order,
//     at most limit (1 to 1,000; default 100), and a reset event (kind reset) for each reset.
//     Pass next as since to follow; a version that differs from the one you hold (higher, or
//     lower after a restart) means something changed.
//
// When a test that uses [NewServer] fails, its cleanup writes the same page as one
// self-contained file, with the data inlined (escaped, in a non-executable JSON block) and
// a policy that lets only its own inlined script and style sheet run, and logs its file://
// address: the sessions, their timelines with the receivers' answers, and the coverage, as
// the test left them. It goes to the directory named by LAKIPAY_REPORT_DIR ([ReportDirEnv],
// made if missing), or the system's temporary directory; a passing test writes nothing.
// [Fake.WriteSnapshot] writes the same file on demand (a CI artifact of a passing run).
//
// # Coverage
//
// [Fake.Coverage] reports which operations and HTTP statuses (and which receiver answers to
// webhooks), and which values of the TransactionStatus, Medium, TransactionType and
// WebhookEvent.event enums were exercised, listing what never was. An answer with a status the
// operation does not declare counts under that status and, when the operation declares a
// default answer, as that default too (a forced 503 to getTransaction exercises
// getTransaction's default). Set LAKIPAY_COVERAGE=1
// ([CoverageEnv]) and every [NewServer] logs the report when its test ends (with t.Log: run
// go test -v to see it).
//
// # Live contract suite and browser tests
//
// The package's tests include a contract suite that runs against the real LakiPay when
// LAKIPAY_API_KEY (and optionally LAKIPAY_BASE_URL) is set, reporting each deviation, and
// headless-Chromium tests of the hosted page and the dashboard (skipped when no browser is
// found; set LAKIPAY_CHROMIUM to a browser's path).
package contracttest
