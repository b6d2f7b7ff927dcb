// Command lakipay is the command-line face of this module: it creates LakiPay hosted-checkout
// sessions, reads transaction detail, verifies webhooks, puts a merchant's webhook receiver
// through duplicates, disorder and forgeries, and runs the fake LakiPay of [contracttest] as
// a standalone mock server or as a no-network demo of the whole flow.
//
// Every command has --help.
//
// # Commands
//
//	lakipay demo [--medium M] [--outcome success|failed|cancelled] [--amount A] [--phone P] [--live]
//	lakipay mock [--addr 127.0.0.1:12111] [--seed N] [--api-key KEY] [--key-out FILE]
//	        [--signing-key FILE] [--verbose] [--max-sessions N] [--max-deliveries N]
//	        [--webhook-workers N] [--webhook-queue N] [--webhook-timeout D]
//	        [--max-connections N] [--session-ttl D] [--webhook-copies N] [--webhook-spacing D]
//	        [--webhook-order in_order|stale_after_final|final_late] [--webhook-order-delay D]
//	        [--webhook-hostile CASE,...]
//	lakipay mock pay|fail ID --medium M [--mock URL] [--json]
//	lakipay mock cancel|decline|expire|hold|release ID [--mock URL] [--json]
//	lakipay mock set-status ID STATUS [--medium M] [--mock URL] [--json]
//	lakipay mock wait ID STATUS [--timeout D] [--mock URL] [--json]
//	lakipay mock deliver ID CASE [--url URL] [--copies N] [--replay-of ID] [--timeout D] [--mock URL] [--json]
//	lakipay mock fault OPERATION FAULT [--count N] [--mock URL] [--json]
//	lakipay mock fail-next OPERATION STATUS [--code CODE] [--mock URL] [--json]
//	lakipay mock latency DURATION [--mock URL] [--json]
//	lakipay mock reset [--mock URL] [--json]
//	lakipay checkout create --amount A --currency C --phone P --reference R \
//	        --success URL --failed URL --medium M [--medium M ...] [--callback URL] [--description S] [--json]
//	lakipay transaction get ID [--json]
//	lakipay transaction wait ID [--timeout D] [--json]
//	lakipay webhook verify --public-key FILE [PAYLOAD_FILE] [--json]
//	lakipay webhook test --url URL (--effects-url URL | --answers-only) [--open-url URL] [--mock URL] [--case NAME,...]
//	        [--timeout D] [--effect-timeout D] [--json]
//
// demo plays, as a merchant backend would, every step of hosted checkout against a fake
// LakiPay served in-process on loopback: [client.Client.CreateCheckout], the shopper's
// browser on the hosted page (GET, then the form POST and its 303 redirect), the signed webhook
// received by [client.WebhookHandler], and the confirmation by
// [client.Client.WaitForTransaction]; then a cancelled session. With --live it creates a real
// session instead, prints the checkout URL and waits for the final status.
//
// mock binds --addr (host:port; an address that does not parse is wrong usage, one that
// cannot be bound a failure), writes --key-out only once bound, then serves
// [contracttest.NewFake] on a listener with [contracttest.ServerLimits] (at most
// --max-connections open at once), prints the address of its dashboard (GET
// /_mock/dashboard: the sessions, each one's timeline with the receivers' answers, the
// coverage), logs one line per request to standard error (--verbose adds the fake's events:
// webhook attempts, status changes, and the dashboard's reads) and shuts down cleanly on
// SIGINT or SIGTERM. --key-out writes the webhook public key (PEM);
// --signing-key keeps the signing key in a file (created when missing, never overwritten), so
// that the public key survives restarts and start-up skips generating an RSA-2048 key.
// The --webhook-... flags set [contracttest.DeliveryBehaviour]: every webhook delivered in
// copies, out of order, or behind hostile bodies.
//
// The subcommands of mock script a mock already running (--mock, default
// http://127.0.0.1:12111, its origin or its API base URL) through its /_mock/ endpoints, as
// `stripe trigger` scripts Stripe's test mode, so that a test in any language scripts the
// fake from a shell: pay, fail, cancel or expire a session, decline its next payment on the
// hosted page, give it a status LakiPay may add (set-status), hold its webhooks back and
// release them, wait until the receiver accepted its webhook of a status, send a delivery
// case now (deliver), make the next calls of an operation fail (fault, fail-next), delay
// the API (latency), forget everything (reset). Each prints what the mock answered (the
// transaction, the deliveries), or, with --json, the mock's JSON answer as it is.
//
// webhook test runs [contracttest.RunReceiverSuite] against a merchant's receiver in any
// language, driving a running mock (--mock, default http://127.0.0.1:12111, whose public key
// the receiver was configured with). Decision: it drives a running mock rather than a fake
// of its own, so that the key is the one the receiver already has, whichever way the mock
// got it, and a receiver that confirms through transaction detail finds the suite's sessions
// at the API it is pointed at. What the receiver did is read from --effects-url (GET
// ?transaction_id=ID answering {"paid": N, "released": N}, [contracttest.EffectsFromURL]);
// its application opens the sessions through --open-url (POST {} answering
// {"transaction_id": "TXN-..."}, [contracttest.SessionOpenerFromURL]). Decision: without
// --effects-url the command refuses to run unless --answers-only says that only the answers
// are to be judged, and a run that did not make every check (--answers-only, or the cases
// that need --open-url) never exits 0: a receiver that ships twice must never go green in CI.
// It prints the case table, the problems and what was not proven.
//
// # Configuration
//
// The API key comes from LAKIPAY_API_KEY only (never a flag, so it stays out of shell history
// and process lists). The base URL of the commands that call LakiPay (checkout, transaction,
// demo --live) comes from --base-url, else LAKIPAY_BASE_URL, else [client.DefaultBaseURL],
// LakiPay's production API (https://api.lakipay.co/api/v2). Decision: a --base-url or a
// LAKIPAY_BASE_URL that is given but empty or blank (`--base-url "$MOCK_URL"` with MOCK_URL
// unset) is wrong usage, refused before anything is sent: it never falls back to production
// with a real key. Leave the flag out and unset the variable to mean LakiPay's API. The same
// holds for every flag whose empty value would otherwise quietly mean its default:
// checkout create --callback (no webhooks), mock --key-out (no key file) and --signing-key (a
// fresh key), webhook test --effects-url and --open-url; mock --addr must be host:port.
//
// # Exit codes
//
//   - 0: the command did what it was asked (transaction wait: the transaction ended SUCCESS).
//   - 1: the operation failed: payment data the LakiPay contract refuses (checked before
//     anything is sent; every broken field is listed with its flag and rule, from
//     [client.ValidationError]), an API error ([client.APIError]), a network error, a webhook
//     whose signature does not verify, a transaction that ended FAILED or CANCELLED or was not
//     final in time, a demo step that did not go as the contract says, a receiver that failed
//     a case of webhook test (or a mock or an opener it could not drive), a file that cannot
//     be read or written (--public-key, --key-out, --signing-key), a mock that refused a
//     scripting command (an unknown transaction, one already final, a value it does not take:
//     its reason is printed) or could not be reached, a webhook that mock wait saw refused or
//     not accepted in time.
//   - 2: wrong usage, nothing attempted: an unknown command or flag, a missing required flag,
//     a wrong number of arguments, a flag value of the wrong type (--timeout abc) or outside
//     the CLI's own choices (--outcome), a missing or malformed LAKIPAY_API_KEY, a bad
//     --base-url or LAKIPAY_BASE_URL, or one of the flags above given empty, a --addr that
//     is not host:port, a --mock that is not the mock's origin or base URL (or is empty), an
//     argument the CLI itself reads that does not parse (fail-next's STATUS, latency's
//     DURATION), webhook test without either of --effects-url and --answers-only, or with
//     both. What a scripting command sends the mock (a medium, a fault's name, an operation)
//     is the mock's to judge: its refusal is 1.
//   - 3 (webhook test only): no case failed, but not every check was made (--answers-only,
//     or the cases that need --open-url were not run): not a pass.
//
// The line between 1 and 2: a value that goes into a LakiPay request is judged by the contract
// (exit 1, like any refused operation); a value that configures the CLI itself is usage. An
// empty --callback is usage too: the contract would take it as no callback_url at all.
//
// # Secrets
//
// The secret half of the key (after the colon) never appears on standard output or standard
// error: the SDK keeps it out of its errors, and the CLI also replaces it with [REDACTED] in
// everything it writes, as a second line of defence against a server that echoes it. The
// same holds for the key given to mock --api-key.
package main
