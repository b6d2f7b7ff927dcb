// Package client is the Go SDK for LakiPay's hosted checkout: create a checkout session, send
// the shopper to LakiPay's payment page, then learn the outcome from a signed webhook and from
// transaction detail.
//
//	c, err := client.New("pk_live_xxx:sk_live_xxx")
//	amount, _ := client.ParseAmount("1000.50")
//	session, err := c.CreateCheckout(ctx, client.CheckoutRequest{
//		Amount: amount, Currency: "ETB", PhoneNumber: "251911111111", Reference: "ORDER-1",
//		Redirects:        client.Redirects{Success: "https://shop.example/ok", Failed: "https://shop.example/ko"},
//		SupportedMediums: []client.Medium{client.MediumTELEBIRR, client.MediumMPESA},
//	})
//	// redirect the shopper to session.CheckoutURL; keep session.LakipayTransactionID
//
// # Authentication
//
// [New] takes the key LakiPay authenticates every call with, PUBLICKEY:SECRETKEY, and refuses
// a malformed one with an error wrapping [ErrInvalidAPIKey] that names the broken rule and
// never repeats the key (printable ASCII, a colon, a secret half of at least 8 characters).
// [NewFromEnv] reads it from LAKIPAY_API_KEY (and the base URL from LAKIPAY_BASE_URL). Test
// and live keys are told apart by the key itself: there is no sandbox host, so point
// [WithBaseURL] at a fake for tests. Call LakiPay only from a backend.
//
// Nothing the client shows holds more than 4 of the secret's letters and digits in a row:
// no error it returns nor any error down its chain (what errors.As and Unwrap reach), in
// any fmt verb or log/slog, nor any of their fields; not the debug log; not a printed
// [Client]. Where LakiPay or a proxy echoes the key, escaped, percent-encoded, as HTML
// references, base64 or hex, nested to 16 levels, in any case, the secret is replaced by
// [REDACTED] and the rest shown; a text that still holds a run is replaced whole. Errors keep
// what callers test: errors.Is(err, context.DeadlineExceeded) and errors.As(err, &urlErr)
// answer as before. Not covered: a server that hides the secret on purpose (it was sent the
// key). Answers are decoded from the bytes as received: redaction is for what is shown.
//
// # Creating a checkout
//
// [Client.CreateCheckout] checks the [CheckoutRequest] against the contract (openapi.yaml)
// before sending it, and refuses a request the spec forbids with a [*ValidationError]
// naming every broken field. Amounts are exact [Amount] values ([ParseAmount],
// [AmountFromMinor]). The answer's CheckoutURL is where the shopper pays; its
// LakipayTransactionID names the payment in [Client.GetTransaction] and in webhooks. Never
// trust the redirect back to your site alone: [Client.GetTransaction] (or
// [Client.WaitForTransaction], which polls until [TransactionStatus.IsFinal]) and webhooks
// are the authoritative status.
//
// The types you fill in and read ([CheckoutRequest], [CheckoutSession], [Transaction],
// [WebhookEvent], [Medium], [TransactionStatus], [TransactionType] and their constants) are
// generated from openapi.yaml, each field documented by the spec. Optional fields are plain
// values ("" sends none); only FeeAmount and TotalAmount are pointers, nil when LakiPay
// reports none (a fee of 0 is not no fee). Answers are read in LakiPay's documented envelope,
// and in the older flat shape integrations report from the live API; a 2xx body of neither
// shape is [ErrUnexpectedResponse], never a zero session.
//
// # References
//
// One reference per payment attempt. LakiPay refuses a reference it has seen and documents no
// lookup by reference, so a reference, once sent, is spent whatever became of its session:
// never use the order id itself. [AttemptReference] makes ORDER-42-1, then ORDER-42-2 for the
// next attempt; [ParseAttemptReference] maps a webhook's Reference back to the order and
// attempt. [Client.CreateCheckoutAttempt] records the attempt through your function before
// the request is sent, and opens the next attempt, once, when LakiPay refuses the reference
// as spent.
//
// Settle an order once, for a SUCCESS of a transaction one of its attempts got back, of the
// order's amount and currency: never by the reference alone (another LakiPay account could
// pay your price into its own account under your reference, see package contracttest's
// receiver suite). While an attempt's session is INITIATED or PENDING, send a returning
// shopper back to its CheckoutURL rather than opening another; when the shopper presses Pay
// again, ask [Client.GetTransaction] first and open the next attempt only when that session
// is final and not paid, one instance at a time (a row lock on the order): two open sessions
// could both be paid. After a refusal that is certain ([OutcomeUnknown] false: a
// [*ValidationError] or a 4xx), nothing was opened: fix the input and repeat the same attempt
// number. examples/shop does all of this, with its tests against package contracttest's fake.
//
// Holding stock or seats for a payment: hold from the checkout until a final status arrives
// (webhook or transaction detail); settle on SUCCESS, release on CANCELLED or FAILED (an
// unpaid session expires into CANCELLED, with its webhook: openapi.yaml's session lifecycle).
// Never release on a timer of your own without first reading transaction detail: LakiPay
// documents no session lifetime, and a payment may still complete. A hold whose checkout was
// never created (LakiPay down, the shopper gone) is yours to release.
//
// A webhook can reach you before you saved the LakipayTransactionID its checkout returned
// (an expiry with a short session lifetime, in the instant between the answer and your
// write). A webhook whose reference is an attempt of yours still in flight (begun, its
// transaction id not saved yet) is not another account's: return an error from your
// function (the handler answers 500), so that LakiPay delivers it again once you know the id;
// ignore only a transaction id that no saved attempt of yours got back. Act on DEPOSIT events
// (a checkout's); other events are not a checkout's to settle. Settle whatever status
// transaction detail gives: an INITIATED or PENDING settles nothing final, and a later final
// status still reaches your function.
//
// A service that serves its own webhook handler needs its public URL (for CallbackURL and the
// redirects) before it serves: in a test, an unstarted httptest server has its address first
// (contracttest.NewMerchantServer does the same, answering 503 until your handler is set):
//
//	srv := httptest.NewUnstartedServer(nil)
//	publicURL := "http://" + srv.Listener.Addr().String() // for CallbackURL and Redirects
//	srv.Config.Handler = newShop(publicURL)               // your service, webhook handler included
//	srv.Start()
//	defer srv.Close()
//
// # Values LakiPay adds
//
// LakiPay adds payment methods, statuses and fields before openapi.yaml lists them. The SDK is
// strict in what it sends and tolerant in what it reads: a verified webhook, transaction
// detail and the checkout answer carry a medium, status or event it does not know as sent
// (its Valid method is false), and ignore a field it does not know; never an error, since
// refusing a signed webhook over a new medium would lose a payment notification. Handle what
// you know, ignore the rest, and answer the webhook 200. A status the SDK does not know is
// never taken for final nor for stale; [Client.WaitForTransaction] stops at it with
// [ErrUnknownStatus]. Package contracttest reports such values as deviations, and its fake
// sends them on request.
//
// # Errors
//
//   - [*ValidationError] (errors.Is [ErrInvalidRequest]): the request broke the contract and
//     was not sent; Violations names every broken field with its rule (for code) and a reason
//     a person can read.
//   - [*APIError]: LakiPay answered a non-2xx status (or a 200 carrying an error body): the
//     status, LakiPay's error_code as an [ErrorCode], its message, per-field messages,
//     Retry-After and the start of the body, also for a body that is not JSON (an HTML 502).
//     Redirects are never followed (that would resend X-API-Key to another host): a 3xx is an
//     *APIError too. [APIError.Retryable] says whether the same request may succeed later.
//   - Anything else is a transport error (wrapping net and context errors), or
//     [ErrUnexpectedResponse] or [ErrResponseTooLarge] (answers are read up to 1 MiB).
//
// [FieldMessages] gives what a shop can show a shopper, per field, from either error type,
// never a message that held the key. Decide on the status and [APIError.Retryable] first;
// the list of codes is open, so treat a code you do not know as a failure of its status.
// LakiPay documents five codes (the [ErrorCode] constants say which); the others are this
// project's, where LakiPay documents none, and openapi.yaml's ErrorEnvelope says when each
// is sent. [IsDuplicateReference] recognizes a spent reference however it is refused.
//
// # Retries
//
// [Client.GetTransaction] is retried on network errors, 429 and 5xx, with jittered
// exponential backoff ([RetryPolicy], [DefaultRetryPolicy]), honouring Retry-After; every wait
// ends when the context ends. [Client.CreateCheckout] is never retried once a byte may have
// reached LakiPay (it takes no idempotency key, so a repeated POST could open a second
// session): only a refused connection, which proves the request never left, is retried.
// [WithTimeout] bounds each attempt, the context the whole call.
//
// So after a timeout, a cut connection, a 429 or a 5xx, a checkout's outcome is unknown
// ([OutcomeUnknown]): LakiPay may have created the session and lost the answer, though
// nothing can have been charged (nobody saw its CheckoutURL). Recover like this
// ([Client.CreateCheckoutAttempt] does steps 2 and 3):
//
//  1. Tell the shopper to try again in a moment, and repeat the call with the same
//     reference when they do (never in a tight loop).
//  2. If it succeeds, the first try created nothing: use this session.
//  3. If it fails with DUPLICATE_REFERENCE ([IsDuplicateReference]), the first try did
//     create a session that nobody can reach or pay: open the next attempt with the next
//     reference and send the shopper there. Webhooks about the lost session carry a
//     transaction id no checkout of yours got back: ignore them (answer 2xx).
//
// Package contracttest's FaultLostAnswer produces exactly this case; examples/shop shows the
// recovery.
//
// # Failure matrix
//
// How each call meets a misbehaving LakiPay, as TestFailureMatrix (client/faults_test.go)
// proves it against package contracttest's fake and the faults it injects. "attempts" counts
// the client's tries, "reached" the requests that reached LakiPay. The policy is
// RetryPolicy{MaxAttempts: 3, BaseDelay: 100ms, MaxDelay: 2s} with no jitter, and the timeout
// row runs with WithTimeout(50ms). A checkout POST reaches LakiPay at most once: only a
// refused connection, which proves nothing arrived, is retried. No row panics or leaves a
// goroutine behind, and no error or log record of any row contains the secret key. The test
// also fails when this table and its own table differ.
//
//	fault                     operation       attempts  reached  the caller gets
//	timeout                   createCheckout  1         1        error wrapping context.DeadlineExceeded; not retried
//	timeout                   getTransaction  2         2        retried after 50ms, then the transaction
//	connection refused        createCheckout  3         0        error wrapping syscall.ECONNREFUSED after 3 attempts
//	connection refused        getTransaction  3         0        error wrapping syscall.ECONNREFUSED after 3 attempts
//	connection reset          createCheckout  1         1        transport error (no *APIError); not retried
//	connection reset          getTransaction  2         2        retried after 50ms, then the transaction
//	500 (every attempt)       createCheckout  1         1        *APIError 500 PROVIDER_ERROR; not retried
//	500 (every attempt)       getTransaction  3         3        *APIError 500 PROVIDER_ERROR after 3 attempts
//	502 with an HTML body     createCheckout  1         1        *APIError 502, Code "", Message quotes the HTML; not retried
//	502 with an HTML body     getTransaction  2         2        retried after 50ms, then the transaction
//	503 then 200              createCheckout  1         1        *APIError 503 PROVIDER_ERROR; not retried
//	503 then 200              getTransaction  2         2        retried after 50ms, then the transaction
//	429 with Retry-After: 1   createCheckout  1         1        *APIError 429 RATE_LIMITED, RetryAfter 1s; not retried
//	429 with Retry-After: 1   getTransaction  2         2        waits the 1s Retry-After asks for, then the transaction
//	429 without Retry-After   createCheckout  1         1        *APIError 429 RATE_LIMITED, RetryAfter 0; not retried
//	429 without Retry-After   getTransaction  2         2        retried after 50ms, then the transaction
//	truncated JSON            createCheckout  1         1        error wrapping io.ErrUnexpectedEOF; not retried
//	truncated JSON            getTransaction  2         2        retried after 50ms, then the transaction
//	malformed JSON (200)      createCheckout  1         1        ErrUnexpectedResponse; not retried
//	malformed JSON (200)      getTransaction  1         1        ErrUnexpectedResponse; not retried
//	wrong content type        createCheckout  1         1        the session: valid JSON is read whatever its label
//	wrong content type        getTransaction  1         1        the transaction: valid JSON is read whatever its label
//	20 MiB body (200)         createCheckout  1         1        ErrResponseTooLarge after reading 1 MiB; not retried
//	20 MiB body (200)         getTransaction  1         1        ErrResponseTooLarge after reading 1 MiB; not retried
//	ctx cancelled in backoff  createCheckout  1         0        (connection refused) error wrapping context.Canceled and ECONNREFUSED
//	ctx cancelled in backoff  getTransaction  1         1        error wrapping context.Canceled and the last *APIError 503
//
// # Webhooks
//
// LakiPay POSTs a signed JSON [WebhookEvent] to the checkout's callback_url whenever the
// transaction's status changes. [ParseWebhook] verifies the RSA signature with LakiPay's
// public key ([ParsePublicKey] reads the PEM from the dashboard) before decoding anything,
// then checks the event against the contract. [NewWebhookHandler] wraps it in an
// http.Handler that limits the body ([MaxWebhookBytes]), refuses an unsigned or forged
// webhook with 400 and answers 200 only after your function succeeded; a missing key or one
// shorter than LakiPay's 2048 bits ([ErrInvalidWebhookKey]), a nil function or a bad option
// is an error when the handler is built.
//
// Webhooks can arrive more than once and out of order, and the shopper's return page learns
// the same status through [Client.GetTransaction]: settle each (TransactionID, Status) once.
// [WithDedupStore] makes the handler do it through a [DedupStore], and [SettleOnce] makes the
// return page do it through the same store, so that a webhook and the return page never both
// settle one payment. A repeated status, or once a final status was settled any other status
// the SDK knows (a PENDING after the SUCCESS), is answered 200 without calling your function;
// a status your function failed on is not recorded, so LakiPay's retry reaches it again; two
// deliveries of one transaction, on any instances sharing the store, never run it at once.
// A claim lapses after [DedupLease], so keep your function's effects idempotent (an order
// that is paid stays paid). [NewMemoryDedupStore] keeps one process's; with several
// instances or across restarts, share a durable one (package sqldedup, on database/sql;
// client/dedupstoretest holds any store to the contract).
//
//	store, _ := client.NewMemoryDedupStore(10_000) // or a durable one, shared by every instance
//	h, err := client.NewWebhookHandler(key, process, client.WithDedupStore(store))
//	http.Handle("POST /lakipay/webhook", h)
//	// the return page, after tx, err := c.GetTransaction(ctx, id):
//	result, err := client.SettleOnce(ctx, store, tx.TransactionID, tx.Status, processTx)
//
// A signature proves who sent a body, not that it was sent once: a replayed webhook verifies,
// which is another reason to de-duplicate. Anything else is refused before your function
// runs: a changed amount or status, a missing signature or another key's, a body that is not
// one JSON object, repeats a key or is ambiguous ([ErrAmbiguousWebhook]: LakiPay's signed
// string escapes nothing, so a body whose key holds "&" or "=", or whose value holds "&",
// could be re-split into other fields under a genuine signature). Verification does not
// depend on how LakiPay writes numbers: 100, 100.00 and 100.0 are the same amount, 100.004
// is not. Whatever anyone posts costs a bounded multiple of a genuine webhook to refuse
// (README's Performance section has the figures; openapi.yaml's WebhookEvent, the limits).
//
// # Testing
//
// Point the client at a fake LakiPay with [WithBaseURL] (package contracttest provides one
// that validates every exchange against the contract). [SignWebhook] signs webhook bodies with
// your own test key pair so that your [WebhookHandler] can be tested end to end. Tests that
// talk to the real LakiPay are opt-in: set LAKIPAY_API_KEY (and optionally LAKIPAY_BASE_URL).
package client
