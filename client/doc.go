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
// LakiPay authenticates every call with the header X-API-Key: PUBLICKEY:SECRETKEY. [New]
// takes the key and refuses, with an error wrapping [ErrInvalidAPIKey] that names the broken
// rule and never repeats the key: a missing colon, an empty half, whitespace, control
// characters or anything else outside printable ASCII, and a secret half (everything after
// the first colon) shorter than 8 characters. [NewFromEnv] reads the key from LAKIPAY_API_KEY
// (and the base URL from LAKIPAY_BASE_URL). Test and live keys are told apart by the key
// itself; there is no sandbox host, so point [WithBaseURL] at a fake for tests. Call LakiPay
// only from a backend: never ship the key to a browser.
//
// Decision: secrets shorter than 8 characters are refused. Real LakiPay secrets are long
// random strings, and the client redacts its secret wherever it shows text: a secret such as
// "ETB" would turn ordinary words of every error message into [REDACTED].
//
// Nothing the client shows holds more than 4 of the secret's letters and digits in a row: not
// an error it returns nor any error down its chain (through Unwrap, and what errors.As finds),
// in any fmt verb or log/slog, nor any field of those errors, exported (what encoding/json
// writes) or not; not the debug log; not a [Client] printed or logged, which shows the public
// half and [REDACTED]. A run is counted after the secret's sk_live_ or sk_test_ prefix (a
// secret with fewer than 5 letters and digits after it has none, and only its whole
// occurrences are found), in any case, with the secret's own punctuation between its
// characters and line breaks skipped, in the text as written and in every decoding of it:
// backslash escapes (\/, \uXXXX, \u{…}, \xHH, octal), percent-encoding and quoted-printable,
// HTML references (numeric with or without ';', named), nested up to 16 levels, and base64
// (either alphabet, any alignment) or hex at each level. Where LakiPay or a proxy echoes the
// key in a form the client recognizes, the secret is replaced by [REDACTED] and the rest shown
// (bad key pk_live_xxx:[REDACTED]); a text that still shows a run is replaced whole by
// "[withheld: it held the API key]". This holds for [APIError]'s Code, Message, Fields and
// Body, for the text of transport and decoding errors that quote the server (a malformed
// status line, a header line without a colon), and for the caller's own values a
// [ValidationError] or a request path shows.
//
// An error that shows nothing of the secret comes back exactly as the transport returned
// it. One that does is rebuilt, error by error: the standard types callers reach with
// errors.As (*url.Error, *net.OpError, *net.DNSError, *os.SyscallError, *fs.PathError,
// textproto.ProtocolError, tls.RecordHeaderError, *tls.CertificateVerificationError, ...)
// are copied with their text redacted, the connection and the server's certificates they
// held dropped; sentinels and errno values are kept as they are, so errors.Is(err,
// context.DeadlineExceeded) or errors.Is(err, syscall.ECONNREFUSED) and Timeout() answer as
// before; an error of another type is replaced by one that shows its redacted text, unwraps
// to its rebuilt chain, answers Timeout and Temporary when it was a net.Error, and errors.Is
// for the context, io, os, net and syscall errors (and this package's) it matched. An error
// too large to search (more than 4,096 values or 1 MiB of text reachable from it) is
// rebuilt the same way.
//
// Not covered: other encodings of a whole text (base32, compression) and a server that hides
// the secret on purpose, with other characters between its letters: it was sent the key.
// Redaction applies to what is shown, never to data: answers are decoded from the bytes as
// received, so a secret that happens to occur in a reference or a URL changes nothing.
//
// # Creating a checkout
//
// [Client.CreateCheckout] checks the [CheckoutRequest] against the contract (openapi.yaml)
// before sending it: amounts are exact [Amount] values with at most two decimals
// ([ParseAmount], [AmountFromMinor]), the currency is three upper-case letters, the phone is
// digits with country code, redirects are absolute URLs, mediums are unique. The answer's
// CheckoutURL is where the shopper pays; LakipayTransactionID identifies the payment in
// [Client.GetTransaction] and in webhooks. Do not trust the redirect back to your site alone:
// [Client.GetTransaction] (or [Client.WaitForTransaction], which polls until
// [TransactionStatus.IsFinal]) and webhooks are the authoritative status.
//
// The types you fill in and read ([CheckoutRequest], [CheckoutSession], [Transaction],
// [WebhookEvent], the enums [Medium], [TransactionStatus] and [TransactionType] and their
// constants) are generated from openapi.yaml (models.gen.go), each field documented by the
// spec's own description; amounts are the exact [Amount]. Optional fields are plain values
// ("" when absent, left out of the JSON): CallbackURL and Description are strings, and ""
// sends none; only FeeAmount and TotalAmount are pointers, nil when LakiPay reports none
// (a fee of 0 is not no fee). Every request's JSON is checked against the contract compiled
// from openapi.yaml (no spec is parsed at run time).
//
// # References
//
// One reference per payment attempt. LakiPay refuses a reference it has seen
// (DUPLICATE_REFERENCE, see Errors) and documents no lookup by reference, so a reference, once
// sent, is spent whatever became of its session. Do not use the order id as the reference: a
// cancelled or failed order could never be paid again. Give each payment attempt its own:
// [AttemptReference] makes ORDER-42-1, then ORDER-42-2 after the shopper cancelled, the
// payment failed or an answer was lost (see Retries), from an order of your own naming
// ("ORDER-42": your prefix tells your references from another system's), and refuses what
// the contract refuses (over 100 characters, "&"). [ParseAttemptReference] maps a webhook's
// or a transaction's Reference back to the order and attempt, and refuses any reference
// AttemptReference does not make. Keep each attempt's LakipayTransactionID with the order,
// and settle the order once, for a SUCCESS of one of those transactions (whatever the
// attempt), of the order's amount and currency. Never settle by the reference alone: if
// LakiPay signs every merchant's webhooks with one key, another LakiPay account can open a
// checkout with your reference, pay your price into its own account and post you the
// genuine SUCCESS; only its transaction id, which no checkout of yours got back, tells it
// apart (package contracttest's receiver suite tries exactly that).
//
// [Client.CreateCheckoutAttempt] opens one attempt: it records the attempt through your
// function before the request is sent, sends the checkout with the attempt's reference, and
// opens the next attempt, once, when LakiPay refuses the reference as spent. While an
// attempt's session is INITIATED or PENDING, send a returning shopper back to its
// CheckoutURL rather than opening another attempt: two open sessions could both be paid.
// What you stored of its status may be late (the webhook not in yet), so when the shopper
// presses Pay again, ask [Client.GetTransaction] first, settle what it says through the same
// store as the webhook ([SettleOnce]), and open the next attempt only when that session is
// final and not paid. Opening an order's checkout must be one at a time across all your
// instances (a row lock, or a lease column on the order): two instances handling two clicks
// at once would otherwise open two attempts, both payable. The
// shop in examples/shop (github.com/lakipay/checkout-go/examples/shop) does all of this, with
// its tests against package contracttest's fake.
//
// Where LakiPay should send webhooks is CallbackURL, usually under the same public URL as
// the redirects, so the service that serves the webhook handler needs its own URL before it
// exists. In a test, an unstarted httptest server has its address before it serves
// (contracttest.NewMerchantServer does the same, and answers 503 until your handler is set):
//
//	srv := httptest.NewUnstartedServer(nil)
//	publicURL := "http://" + srv.Listener.Addr().String() // for CallbackURL and Redirects
//	srv.Config.Handler = newShop(publicURL)               // your service, webhook handler included
//	srv.Start()
//	defer srv.Close()
//
// Responses are read in LakiPay's documented envelope {"status", "message", "data"}. Some
// integrations report an older flat shape from the live API ({"success": true, "payment_url",
// "reference_id", "lakipay_transaction_id"}, errors as {"success": false, "message"}); the
// client reads it as a fallback, taking amount and currency from the request since the flat
// shape lacks them. A 2xx body of neither shape is [ErrUnexpectedResponse], never a zero
// session.
//
// # Values LakiPay adds
//
// LakiPay adds payment methods, statuses and fields before openapi.yaml lists them. The SDK is
// strict in what it sends (a request offers only the mediums the spec lists) and tolerant in
// what it reads: a webhook once its signature checks ([ParseWebhook], [WebhookHandler]),
// transaction detail ([Client.GetTransaction]) and the checkout answer carry a medium, status
// or event the SDK does not know as the value LakiPay sent, and a field it does not know is
// ignored; neither is an error, since refusing a signed webhook over a new medium would lose a
// payment notification. The enums' Valid methods say whether the SDK knows a value: handle
// what you know, ignore the rest, and let the webhook handler answer 200. A status the SDK does
// not know is never taken for final (IsFinal is false) nor for stale, and
// [Client.WaitForTransaction] stops at it with [ErrUnknownStatus] rather than guess. Package
// contracttest's validating transport and live suite still report such values as deviations
// from the spec, and its fake sends them on request (Fake.SetStatus), so that your tests can
// check your handling of them.
//
// # Errors
//
//   - [*ValidationError] (errors.Is [ErrInvalidRequest]): the request broke the contract and
//     was not sent; Violations names every broken field with its rule (for code) and a reason
//     in words a person can read ("must be 7 to 15 digits: country code and number, no +,
//     spaces or leading 0").
//   - [*APIError]: LakiPay answered with a non-2xx status (or a 200 carrying an error body).
//     It carries the status, LakiPay's error_code as an [ErrorCode], its message, per-field
//     messages, Retry-After and the start of the raw body; a non-JSON body (an HTML 502, an
//     empty 500) still yields one. Redirects are never followed (net/http would resend
//     X-API-Key to the new host), so a 3xx is an *APIError too. [APIError.Retryable] says
//     whether the same request may succeed later.
//   - Anything else is a transport error (wrapping net and context errors) or
//     [ErrUnexpectedResponse] / [ErrResponseTooLarge] (bodies are read up to 1 MiB; with the
//     client's own HTTP client, headers up to 64 KiB, beyond which the attempt fails as a
//     transport error).
//
// Both error types offer Fields(): the messages per request field ("phone_number": [...]), in
// the same map shape. [FieldMessages] merges them into what a shop can show: the fields of a
// refused checkout with reasons fit for a person, LakiPay's documented codes placed on their
// field whether or not LakiPay sent a field map (INVALID_PHONE on phone_number,
// INVALID_AMOUNT on amount), and never a message that held the secret key.
//
// Error codes: decide on [APIError].StatusCode and [APIError.Retryable] first, and use Code
// for what it adds; the list is open, so treat a code you do not know as a failure of its
// status. LakiPay documents five codes (its Core Concepts page): INVALID_API_KEY,
// INVALID_AMOUNT, INVALID_PHONE, INSUFFICIENT_BALANCE and PROVIDER_ERROR ([ErrorCodeInvalidAPIKey],
// [ErrorCodeInvalidAmount], [ErrorCodeInvalidPhone], [ErrorCodeInsufficientBalance],
// [ErrorCodeProviderError]). The others are this project's choice, where LakiPay documents no
// code: DUPLICATE_REFERENCE, VALIDATION_ERROR, NOT_FOUND, METHOD_NOT_ALLOWED and RATE_LIMITED
// ([ErrorCodeDuplicateReference], [ErrorCodeValidation], [ErrorCodeNotFound],
// [ErrorCodeMethodNotAllowed], [ErrorCodeRateLimited]). openapi.yaml and package
// contracttest's fake use them; the live API may send another code for the same case, and
// the live contract suite (go test -run Live with LAKIPAY_API_KEY set) reports what it sends.
// **Decision:** a reused reference is DUPLICATE_REFERENCE with HTTP 400, the status
// integrations report from the live API. Since LakiPay documents no code for it, and lists
// 409 Conflict for duplicates among its statuses, [IsDuplicateReference] also takes a 409, or
// a 400 or 422 whose errors name only "reference" (the client has already checked the
// reference's form), as the same answer.
//
// # Retries
//
// [Client.GetTransaction] is retried on network errors, 429 and 5xx, with jittered
// exponential backoff ([RetryPolicy], default [DefaultRetryPolicy]). A Retry-After header is
// honoured as the wait; when it asks for longer than MaxDelay the client stops retrying and
// returns the *APIError, whose RetryAfter says when to come back. Every wait ends early when
// the context ends.
//
// [Client.CreateCheckout] is never retried once any byte may have reached LakiPay:
// LakiPay accepts no idempotency key, so a repeated POST could create a second session for
// the same order. It is retried only when the connection was refused (a dial error), which
// proves the request never left.
//
// So after a timeout, a connection cut once the request was sent, or a 429 or 5xx answer,
// the outcome is unknown ([OutcomeUnknown]: anything but a [*ValidationError] or a 4xx
// [*APIError] other than 408 and 429): LakiPay may have created the session and lost the
// answer. Nothing can have been charged, since nobody saw its CheckoutURL. Recover like this
// ([Client.CreateCheckoutAttempt] does steps 2 and 3):
//
//  1. Tell the shopper to try again in a moment, and repeat the call with the same
//     reference when they do (never in a tight loop).
//  2. If it succeeds, the first try created nothing: use this session. Repeating the
//     reference first is what keeps the order at one session in that case.
//  3. If it fails with DUPLICATE_REFERENCE ([IsDuplicateReference]), the first try did
//     create a session, but LakiPay offers no way back to it (no lookup by reference) and
//     nobody can pay it: open the next attempt with the next reference (ORDER-42-2) and send
//     the shopper there. Should LakiPay send webhooks about the lost session (an expiry, say),
//     they carry its reference (ORDER-42-1) under a transaction id no checkout of yours got
//     back: ignore them (answer 2xx) like any other session you did not open; nobody can
//     have paid it.
//
// Package contracttest's FaultLostAnswer produces exactly this case (the session is created,
// the answer dropped); the lostAnswer example of [Client.CreateCheckoutAttempt] and
// examples/shop show the recovery.
//
// [WithTimeout] bounds each attempt, including reading the body; the caller's context bounds
// the whole call, retries and waits included.
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
// LakiPay POSTs a signed JSON [WebhookEvent] to the callback_url of a checkout whenever the
// transaction's status changes. [ParseWebhook] verifies the RSA signature with LakiPay's
// public key ([ParsePublicKey] reads the PEM from the dashboard) before decoding anything,
// then checks the event against the contract. [NewWebhookHandler] wraps it in an
// http.Handler that limits the body, refuses unsigned or forged webhooks with 400 and answers
// 200 only after your function succeeded; a missing or short key, a nil function or a bad
// option is an error when the handler is built. LakiPay signs with RSA-2048; public keys
// shorter than 2048 bits are refused ([ErrInvalidWebhookKey]).
//
// Webhooks can arrive more than once and out of order, and the shopper's return page learns
// the same status through [Client.GetTransaction]: settle each (TransactionID, Status) once.
// [WithDedupStore] makes the handler do it through a [DedupStore], and [SettleOnce] makes the
// return page do it through the same store, so that a webhook and the return page never both
// settle one payment. A repeated status is answered 200 without calling your function; once
// a final status (SUCCESS, FAILED, CANCELLED) was settled, any other status the spec knows of
// that transaction is stale (a PENDING that arrives after the SUCCESS) and answered 200
// without calling it; a status the SDK does not know (a REFUNDED LakiPay added later) still
// reaches your function once. A status whose function failed is not recorded, so LakiPay's
// retry reaches it again, and two deliveries of one transaction, on any instances sharing the
// store, never run your function at once: one waits for the other's outcome.
//
// [WithDeduplication] is [WithDedupStore] with a [MemoryDedupStore]: per process, bounded and
// forgotten on restart. With several instances behind a load balancer, or to survive a
// restart, give the handler and the return page one store in a database they share;
// package sqldedup (github.com/lakipay/checkout-go/sqldedup) is one on database/sql (one table, one atomic statement per operation),
// tested against SQLite, and package client/dedupstoretest holds any store to the contract.
// A claim lapses after [DedupLease], so an instance that died while settling holds its
// transaction only that long; your function then runs again for it, so keep its effects
// idempotent (an order that is paid stays paid).
//
//	store, _ := client.NewMemoryDedupStore(10_000) // or a durable one, shared by every instance
//	h, err := client.NewWebhookHandler(key, process, client.WithDedupStore(store))
//	http.Handle("POST /lakipay/webhook", h)
//	// the return page, after tx, err := c.GetTransaction(ctx, id):
//	result, err := client.SettleOnce(ctx, store, tx.TransactionID, tx.Status, processTx)
//
// A signature proves who sent a body, not that it was sent once: a replayed webhook verifies,
// which is another reason to de-duplicate. Anything else is refused before your function
// runs: a changed amount or status, a missing signature or one made by another key, a
// signature that is not base64, a body that is not one JSON object, has duplicate keys or
// trailing data ([ErrMalformedWebhook]), or is larger than [MaxWebhookBytes].
//
// Your endpoint is public, so no body costs it much: whatever anyone posts, verifying it
// costs a few times what a genuine webhook costs (README's Performance section has the
// figures). The body is read once, and refused with [ErrMalformedWebhook], naming the limit,
// as soon as it holds more than 16 KiB besides white space, an object with more than 64
// members (the body's fields included), more than 1,024 values, nesting deeper than 32 levels
// or a number longer than 64 characters: limits far above LakiPay's nine flat fields (new
// fields and nested objects of a reasonable size pass), written down in openapi.yaml's
// WebhookEvent. A forged signature costs at most two RSA operations, whatever the numbers of
// the body (see below).
//
// LakiPay's canonical string escapes nothing, so a body whose top-level key holds "&" or "="
// or whose value holds "&" could be re-split into other fields under the same genuine
// signature: a CANCELLED webhook whose reference is "X&status=SUCCESS&..." would also verify
// as a SUCCESS webhook for another transaction. Such bodies are refused with
// [ErrAmbiguousWebhook] (which matches [ErrMalformedWebhook] too); this is also why a
// checkout reference may not contain "&". Every body that verifies splits back into exactly
// its own fields.
//
// Verification does not depend on how LakiPay writes numbers. The body's own text is tried
// first (one RSA verification for a normal webhook); if it fails, every top-level number is
// written in one other exact form at a time: shortest (100, as LakiPay's JavaScript SDK
// writes it), two decimals (100.00, as LakiPay's documentation does) or Python's float text
// (100.0, as its Python SDK does). So a signature made over amount=100 verifies a body that
// says 100.00: the same value. A form that changes a value (100.004 as 100.00, 1000.05 for
// 1000.5) is never tried, nor is any for a body whose canonical string is longer than 4 KiB
// (a webhook's is a few hundred bytes); the other forms together cost one more RSA operation
// (the signature is raised to LakiPay's public exponent once, and what it signed compared
// with each form's). An amount sent as a decimal string ("1000.50") is verified as its
// text and read as the number; the contract (openapi.yaml) still calls it a deviation.
// [SignWebhook] and package contracttest's fake write every number in shortest form (1000.5,
// 100), the one form on which LakiPay's JavaScript and Python SDKs and the raw text agree, so
// their webhooks verify under every one of those rules.
//
// # Testing
//
// Point the client at a fake LakiPay with [WithBaseURL] (package contracttest provides one
// that validates every exchange against the contract). [SignWebhook] signs webhook bodies with
// your own test key pair so that your [WebhookHandler] can be tested end to end. Tests that
// talk to the real LakiPay are opt-in: set LAKIPAY_API_KEY (and optionally LAKIPAY_BASE_URL).
package client
