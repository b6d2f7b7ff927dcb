package contracttest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/lakipay/checkout-go/internal/apikey"
)

// Effects is what a receiver did about one transaction: how many times it settled it as paid
// (shipped the order, whatever the merchant does once per payment) and how many times it
// released it as not paid (recorded a cancelled or failed payment: freed the stock, reopened
// the order for another attempt). A correct receiver pays a transaction once for its genuine
// SUCCESS webhook, releases it once for its genuine CANCELLED or FAILED one, and does
// nothing else: nothing for a PENDING, a status it does not know, a forgery, a repeat or
// another merchant's payment.
//
// In JSON (the effects URL of `lakipay webhook test`, [EffectsFromURL]) it is
// {"paid": 1, "released": 0}: both keys are required, other keys are ignored.
type Effects struct {
	// Paid counts the times the receiver settled the transaction as paid.
	Paid int `json:"paid"`
	// Released counts the times it released the transaction as not paid.
	Released int `json:"released"`
}

// String says what the effects are: "nothing", "paid 1", "released 1" or
// "paid 2 and released 1".
func (e Effects) String() string {
	var parts []string
	if e.Paid != 0 {
		parts = append(parts, "paid "+strconv.Itoa(e.Paid))
	}
	if e.Released != 0 {
		parts = append(parts, "released "+strconv.Itoa(e.Released))
	}
	if len(parts) == 0 {
		return "nothing"
	}
	return strings.Join(parts, " and ")
}

// effectsForm is how the effects must be written, for the errors of UnmarshalJSON.
const effectsForm = `{"paid": N, "released": N}: how many times the receiver settled the transaction as paid, and released it as not paid`

// UnmarshalJSON reads {"paid": N, "released": N}: both keys are required and hold a count
// (an integer, 0 or more); other keys are ignored. A bare number, the form an earlier
// version of the suite read, is refused with a message that shows the new one.
func (e *Effects) UnmarshalJSON(data []byte) error {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) > 0 && (trimmed[0] == '-' || trimmed[0] >= '0' && trimmed[0] <= '9') {
		return fmt.Errorf("a bare number (%s) is the suite's former form of the effects: answer %s", excerpt(trimmed), effectsForm)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil || fields == nil {
		return fmt.Errorf("%s is not a JSON object: answer %s", excerpt(trimmed), effectsForm)
	}
	var counts [2]int
	for i, key := range [...]string{"paid", "released"} {
		raw, ok := fields[key]
		if !ok {
			return fmt.Errorf("%q is missing: answer %s", key, effectsForm)
		}
		if err := json.Unmarshal(raw, &counts[i]); err != nil || counts[i] < 0 {
			return fmt.Errorf("%q is %s, want a count (0, 1, ...)", key, excerpt(raw))
		}
	}
	e.Paid, e.Released = counts[0], counts[1]
	return nil
}

// excerpt cuts what a receiver answered to a length that reads in one error line, at a
// character boundary.
func excerpt(b []byte) string {
	limit := 60
	if len(b) <= limit {
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	for limit > 0 && !utf8.RuneStart(b[limit]) {
		limit--
	}
	return strings.ToValidUTF8(string(b[:limit]), "\uFFFD") + "..."
}

// EffectsFunc reports the [Effects] of the receiver under test on transactionID so far. An
// error fails the case that asked (it is never read as nothing).
type EffectsFunc func(ctx context.Context, transactionID string) (Effects, error)

// SessionOpener makes the merchant's application open a checkout session as it would for a
// shopper, against the fake the suite drives (an order of its own, with its own reference,
// amount, currency, mediums and callback_url), and returns the lakipay_transaction_id it got
// back. The suite calls it for every session a case needs ([WithSessionOpener]).
type SessionOpener func(ctx context.Context) (transactionID string, err error)

// Outcome is the verdict on one kind of check of a receiver suite case.
type Outcome string

// The outcomes of a check.
const (
	// Passed: the receiver did what the case expects.
	Passed Outcome = "passed"
	// Failed: it did not; the result's Problems say how.
	Failed Outcome = "failed"
	// NotChecked: nothing could be checked (no [EffectsFunc] was given, the case needs a
	// [SessionOpener] and none was given, or the case stopped before the check).
	NotChecked Outcome = "not checked"
)

// ReceiverResult is the verdict of the receiver suite on one case.
type ReceiverResult struct {
	// Case is the case's name, such as "duplicate" (see [ReceiverCases]).
	Case string `json:"case"`
	// Sends says what the case sends, in words.
	Sends string `json:"sends"`
	// Expected is what a correct receiver answers and does, such as "2xx (paid 1), 2xx;
	// paid 1": the HTTP answer to each delivery in turn (non-2xx for a refusal, which may
	// also be a connection the receiver closed; "any" where any answer goes), with in
	// parentheses the [Effects] read right after it, then the effects at the end; "A paid 1,
	// B nothing" for a case of several transactions, in the order of TransactionIDs.
	Expected string `json:"expected"`
	// Got is what this receiver answered and did, in the same form ("closed" for a
	// connection it closed without an answer, "no answer" for none in time).
	Got string `json:"got"`
	// Answers is the verdict on the HTTP answers.
	Answers Outcome `json:"answers"`
	// Effects is the verdict on the effects: [NotChecked] without an [EffectsFunc].
	Effects Outcome `json:"effects"`
	// Problems says, for each check that failed, what the receiver did wrong and why it
	// matters.
	Problems []string `json:"problems,omitempty"`
	// TransactionIDs are the case's transactions: its sessions of the fake, smallest
	// amount first, then the transactions of other sessions its deliveries named.
	TransactionIDs []string `json:"transaction_ids"`
	// Deliveries are the case's deliveries, as the fake recorded them.
	Deliveries []Delivery `json:"deliveries"`
}

// Failed reports whether a check of the case failed (a check not made does not fail it).
func (r ReceiverResult) Failed() bool { return r.Answers == Failed || r.Effects == Failed }

// ReceiverReport is the verdict of the receiver suite: one result per case, in the order of
// [ReceiverCases].
type ReceiverReport struct {
	// Results are the verdicts, one per case run.
	Results []ReceiverResult `json:"results"`
	// Unproven says, in words, what the run did not check and why (no [EffectsFunc], no
	// [SessionOpener]); empty when every check was made.
	Unproven []string `json:"unproven,omitempty"`
}

// Passed reports whether no check of any case failed. Checks that were not made do not
// count as passed: see [ReceiverReport.Complete].
func (r *ReceiverReport) Passed() bool { return len(r.Failures()) == 0 }

// Complete reports whether every check of every case was made: no [NotChecked] verdict.
// Only a report that Passed and is Complete proves what the suite tests.
func (r *ReceiverReport) Complete() bool {
	for _, res := range r.Results {
		if res.Answers == NotChecked || res.Effects == NotChecked {
			return false
		}
	}
	return true
}

// Failures returns the results of the cases the receiver got wrong.
func (r *ReceiverReport) Failures() []ReceiverResult {
	var out []ReceiverResult
	for _, res := range r.Results {
		if res.Failed() {
			out = append(out, res)
		}
	}
	return out
}

// String renders the report as a table, case → expected → got → answers → effects, with
// the problems of each failed case under it, then what was not proven.
func (r *ReceiverReport) String() string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	_, _ = fmt.Fprintln(tw, "CASE\tEXPECTED\tGOT\tANSWERS\tEFFECTS")
	for _, res := range r.Results {
		_, _ = fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", res.Case, res.Expected, res.Got, res.Answers, res.Effects)
	}
	_ = tw.Flush()
	for _, res := range r.Failures() {
		b.WriteString(res.Case + ":\n")
		for _, p := range res.Problems {
			b.WriteString("  - " + p + "\n")
		}
	}
	if len(r.Unproven) > 0 {
		b.WriteString("not proven:\n")
		for _, u := range r.Unproven {
			b.WriteString("  - " + u + "\n")
		}
	}
	return b.String()
}

// ReceiverCase describes one case of the receiver suite.
type ReceiverCase struct {
	// Name names the case in results, tables and [WithCases].
	Name string
	// Sends says what the case sends, in words.
	Sends string
	// Expected is what a correct receiver answers and does (see [ReceiverResult] Expected).
	Expected string
	// NeedsOpener is set for the cases that run only with a [SessionOpener]: they test a
	// receiver against its own order book.
	NeedsOpener bool
}

// ReceiverCases returns the cases of the receiver suite, in the order they run.
//
// A correct receiver acknowledges (2xx) every genuine webhook, refuses every hostile body
// (non-2xx, or the connection closed), and does what each genuine webhook asks exactly once:
// a SUCCESS is paid once, a CANCELLED or FAILED released once and never paid; a PENDING, a
// status it does not know, a forgery and another merchant's payment have no effect; a
// duplicate, a status sent anew, a stale status or a replay no second one. Every delivery is
// sent once (never retried) and its answer judged as it comes; a case's sessions are A and
// B, in the order of their amounts; the [Effects] are read right after the answers (waiting
// up to [WithEffectTimeout] for an expected one) and once more after the last case. The
// cases, with what a correct receiver answers to each delivery (its effects right after it in
// parentheses), then its effects at the end:
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
// Each hostile case first sends its forgery, for an unpaid transaction where it can, then the
// genuine webhook: a receiver that notes a webhook as seen before verifying it drops the real
// one. The reused cases send their forgery after the genuine body was accepted: a receiver
// that trusts a signature it verified before accepts it. duplicate_concurrent sends its
// copies at once: a receiver that checks and then acts without a lock may pass it by luck,
// but one that fails it has that race. resent fails a receiver that de-duplicates on the
// body's bytes; replayed (A's webhook again while B is open) takes any answer, but no second
// effect on A and none on B. In the foreign cases B is a session the merchant never opened,
// whose webhook names A's reference.
func ReceiverCases() []ReceiverCase {
	out := make([]ReceiverCase, len(suiteCases))
	for i, c := range suiteCases {
		out[i] = ReceiverCase{Name: c.name, Sends: c.sends, Expected: c.expected(), NeedsOpener: c.needsOpener}
	}
	return out
}

// ReceiverOption configures [CheckReceiver] and [RunReceiverSuite]. An option with a bad
// argument is an [*OptionError].
type ReceiverOption func(*suiteConfig) error

type suiteConfig struct {
	receiverTimeout time.Duration
	effectTimeout   time.Duration
	cases           []string // nil: every case
	apiKey          apikey.Key
	opener          SessionOpener // nil: the suite opens its own sessions
}

// DefaultEffectTimeout is how long the suite waits for an effect it expects to show
// ([WithEffectTimeout]).
const DefaultEffectTimeout = time.Second

// suiteAPIKey is the X-API-Key the suite creates its sessions with over HTTP unless
// [WithMockAPIKey] gives one: any well-formed key passes a fake that pins none.
const suiteAPIKey = "pk_test_receiver_suite:sk_test_receiver_suite"

// WithReceiverTimeout bounds each delivery of the suite, from dialling the receiver to
// reading its answer (more than 0, at most 2m; default [DefaultWebhookTimeout]). A delivery
// without an answer in time fails its case, and the case's later steps are not run, so a
// receiver that hangs costs at most this per case.
func WithReceiverTimeout(d time.Duration) ReceiverOption {
	return func(c *suiteConfig) error {
		if err := checkWebhookTimeout("WithReceiverTimeout", d); err != nil {
			return err
		}
		c.receiverTimeout = d
		return nil
	}
}

// WithEffectTimeout sets how long the suite waits for an effect it expects to appear, for a
// receiver that acts after it answered (0 to 1m; default [DefaultEffectTimeout]). An effect
// that should not happen is read once, right after the answer, and again when every case has
// run: a late second effect is caught if it came by then.
func WithEffectTimeout(d time.Duration) ReceiverOption {
	return func(c *suiteConfig) error {
		if d < 0 || d > time.Minute {
			return optionError("WithEffectTimeout", "%s not in [0s, 1m0s]", d)
		}
		c.effectTimeout = d
		return nil
	}
}

// WithCases runs only the named cases (see [ReceiverCases]), in the suite's order.
func WithCases(names ...string) ReceiverOption {
	return func(c *suiteConfig) error {
		for _, n := range names {
			if !slices.ContainsFunc(suiteCases, func(sc suiteCase) bool { return sc.name == n }) {
				return optionError("WithCases", "no case %q (cases: %s)", n, caseNames())
			}
		}
		c.cases = append(c.cases, names...)
		return nil
	}
}

// WithMockAPIKey is the X-API-Key (PUBLICKEY:SECRETKEY) [RunReceiverSuite] creates its
// sessions with, for a mock that pins one (`lakipay mock --api-key`); the default is a
// well-formed test key. Its secret half never appears in an error of the suite, even when
// the mock echoes it.
func WithMockAPIKey(key string) ReceiverOption {
	return func(c *suiteConfig) error {
		k, err := apikey.Parse(key)
		if err != nil {
			return &OptionError{Option: "WithMockAPIKey", Err: err}
		}
		c.apiKey = k
		return nil
	}
}

// WithSessionOpener has the merchant's application open every session a case needs, so that
// a receiver that acts only on the orders and checkouts of its own order book is tested
// unchanged (see [SessionOpener]). The suite reads each session's amount and mediums back
// from the fake, mutes its webhooks ([Fake.MuteWebhooks]: every delivery the receiver gets
// is then the suite's) and refuses a transaction id the fake does not know or one that is
// not a new checkout (INITIATED). Any amounts do, equal ones included: the suite uses each
// session as it comes. Without an opener the suite opens its own sessions, with
// references no merchant issued, and the cases that need an opener (foreign_amount,
// foreign_currency, foreign_session) are not run.
func WithSessionOpener(open SessionOpener) ReceiverOption {
	return func(c *suiteConfig) error {
		if open == nil {
			return optionError("WithSessionOpener", "the opener is nil")
		}
		c.opener = open
		return nil
	}
}

func caseNames() string {
	names := make([]string, len(suiteCases))
	for i, c := range suiteCases {
		names[i] = c.name
	}
	return strings.Join(names, ", ")
}

// CheckReceiver runs the receiver suite against the webhook receiver at receiverURL,
// configured with srv's public key ([Fake.PublicKeyPEM]), logs its table (t.Log, passed or
// not) and fails t naming each case the receiver got wrong, with what was expected and what
// came. effects reports what the receiver did about a transaction (see [EffectsFunc]); with
// nil effects only the answers are checked, and the logged table says so under "not
// proven" (as it says which cases need [WithSessionOpener]).
//
// Each delivery is the suite's, sent once through srv's webhook queue to receiverURL (never
// retried) and judged as it comes; each is recorded in srv.Deliveries() with its
// [DeliveryCase]. The cases run one after the other, each delivery bounded by
// [WithReceiverTimeout]. See [ReceiverCases] and the package documentation for the cases and
// what they expect.
func CheckReceiver(t testing.TB, srv *Server, receiverURL string, effects EffectsFunc, opts ...ReceiverOption) *ReceiverReport {
	t.Helper()
	if srv == nil {
		t.Fatal("contracttest: CheckReceiver: nil server")
		return nil
	}
	inProcess := func(suiteConfig) suiteDriver { return &fakeDriver{f: srv.Fake, origin: srv.Origin()} }
	report, err := runSuite(t.Context(), inProcess, receiverURL, effects, opts)
	if report != nil {
		t.Logf("webhook receiver suite:\n%s", report)
	}
	if err != nil {
		t.Fatalf("contracttest: CheckReceiver: %v", err)
		return report
	}
	for _, res := range report.Failures() {
		t.Errorf("webhook receiver suite: case %s failed\n  sends:    %s\n  expected: %s\n  got:      %s\n  - %s",
			res.Case, res.Sends, res.Expected, res.Got, strings.Join(res.Problems, "\n  - "))
	}
	return report
}

// RunReceiverSuite runs the receiver suite against the webhook receiver at receiverURL,
// driving a fake LakiPay served elsewhere (`lakipay mock`) through its API and /_mock/
// endpoints: mockURL is its origin (http://127.0.0.1:12111) or its API base URL (ending in
// /api/v2). The receiver must be configured with that fake's public key (GET
// /_mock/public-key, `lakipay mock --key-out`). For a receiver in another language,
// [EffectsFromURL] and [SessionOpenerFromURL] reach its effects and its checkouts over HTTP.
// It returns the verdict of every case; an error means the suite itself could not run (the
// mock unreachable or refusing, the opener failing), with the results so far. An argument
// it refuses (an option's, or a URL that is not absolute http or https) is an
// [*OptionError] naming it (mockURL, receiverURL), returned before anything is sent. See
// [CheckReceiver] for the rest.
func RunReceiverSuite(ctx context.Context, mockURL, receiverURL string, effects EffectsFunc, opts ...ReceiverOption) (*ReceiverReport, error) {
	origin, err := absoluteURL("mockURL", mockURL)
	if err != nil {
		return nil, err
	}
	origin = strings.TrimSuffix(strings.TrimSuffix(origin, "/"), apiBase)
	overHTTP := func(cfg suiteConfig) suiteDriver {
		return &httpDriver{origin: origin, apiKey: cfg.apiKey, client: &http.Client{
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}}
	}
	return runSuite(ctx, overHTTP, receiverURL, effects, opts)
}

// absoluteURL refuses a URL the suite cannot post or call to, as an [*OptionError] naming
// the argument.
func absoluteURL(argument, raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", optionError(argument, "%q is not an absolute http or https URL", raw)
	}
	return raw, nil
}

// errNegativeEffects reports an EffectsFunc that answered a count below zero.
var errNegativeEffects = errors.New("a count is negative")
