package contracttest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/internal/apikey"
)

// EffectsFunc reports how many times the receiver under test acted on a webhook of
// transactionID as final: settled, shipped or cancelled the order, whatever the merchant
// does once per payment. A correct receiver acts exactly once for a transaction whose final
// webhook it acknowledged, never for a PENDING, a forgery or a repeat. An error fails the
// case that asked (it is never read as 0).
type EffectsFunc func(ctx context.Context, transactionID string) (int, error)

// Outcome is the verdict on one kind of check of a receiver suite case.
type Outcome string

// The outcomes of a check.
const (
	// Passed: the receiver did what the case expects.
	Passed Outcome = "passed"
	// Failed: it did not; the result's Problems say how.
	Failed Outcome = "failed"
	// NotChecked: nothing could be checked (no [EffectsFunc] was given, or the case stopped
	// before it).
	NotChecked Outcome = "not checked"
)

// ReceiverResult is the verdict of the receiver suite on one case.
type ReceiverResult struct {
	// Case is the case's name, such as "duplicate" (see [ReceiverCases]).
	Case string `json:"case"`
	// Sends says what the case sends, in words.
	Sends string `json:"sends"`
	// Expected is what a correct receiver answers and does, such as "2xx, 2xx; effects 1":
	// the HTTP answer to each delivery in turn (non-2xx for a refusal; "(effects 0)" after an
	// answer when the effects are checked right after it), then the effects at the end (for
	// each transaction of the case, in order).
	Expected string `json:"expected"`
	// Got is what this receiver answered and did, in the same form.
	Got string `json:"got"`
	// Answers is the verdict on the HTTP answers.
	Answers Outcome `json:"answers"`
	// Effects is the verdict on the effects: [NotChecked] without an [EffectsFunc].
	Effects Outcome `json:"effects"`
	// Problems says, for each check that failed, what the receiver did wrong and why it
	// matters.
	Problems []string `json:"problems,omitempty"`
	// TransactionIDs are the case's transactions, fresh sessions of the fake.
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
}

// Passed reports whether no check of any case failed. Checks that were not made (effects
// without an [EffectsFunc]) do not count as passed: see each result's Effects.
func (r *ReceiverReport) Passed() bool { return len(r.Failures()) == 0 }

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
// the problems of each failed case under it.
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
}

// ReceiverCases returns the cases of the receiver suite, in the order they run.
func ReceiverCases() []ReceiverCase {
	out := make([]ReceiverCase, len(suiteCases))
	for i, c := range suiteCases {
		out[i] = ReceiverCase{Name: c.name, Sends: c.sends, Expected: c.expected()}
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

func caseNames() string {
	names := make([]string, len(suiteCases))
	for i, c := range suiteCases {
		names[i] = c.name
	}
	return strings.Join(names, ", ")
}

// CheckReceiver runs the receiver suite against the webhook receiver at receiverURL,
// configured with srv's public key ([Fake.PublicKeyPEM]), and fails t naming each case the
// receiver got wrong, with what was expected and what came. effects reports how many times
// the receiver acted on a transaction as final (see [EffectsFunc]); with nil effects only
// the answers are checked, and t's log says so.
//
// Each case runs on fresh sessions of srv. They carry no callback_url, so the fake sends
// nothing on its own: every delivery is the suite's, sent once through srv's webhook queue to
// receiverURL (never retried) and judged as it comes; each is recorded in srv.Deliveries()
// with its [DeliveryCase]. The cases run one after the other, each delivery bounded by
// [WithReceiverTimeout]. See [ReceiverCases] and the package documentation for the cases and
// what they expect.
func CheckReceiver(t testing.TB, srv *Server, receiverURL string, effects func(transactionID string) int, opts ...ReceiverOption) *ReceiverReport {
	t.Helper()
	if srv == nil {
		t.Fatal("contracttest: CheckReceiver: nil server")
		return nil
	}
	var fn EffectsFunc
	if effects != nil {
		fn = func(_ context.Context, id string) (int, error) { return effects(id), nil }
	} else {
		t.Log("contracttest: CheckReceiver: no effects function: duplicates, stale statuses and replays are not checked for a second effect")
	}
	inProcess := func(suiteConfig) suiteDriver { return &fakeDriver{f: srv.Fake, origin: srv.Origin()} }
	report, err := runSuite(t.Context(), inProcess, receiverURL, fn, opts)
	if err != nil {
		t.Fatalf("contracttest: CheckReceiver: %v", err)
		return report
	}
	for _, res := range report.Failures() {
		t.Errorf("webhook receiver suite: case %s failed\n  sends:    %s\n  expected: %s\n  got:      %s\n  - %s",
			res.Case, res.Sends, res.Expected, res.Got, strings.Join(res.Problems, "\n  - "))
	}
	if !report.Passed() {
		t.Logf("webhook receiver suite:\n%s", report)
	}
	return report
}

// RunReceiverSuite runs the receiver suite against the webhook receiver at receiverURL,
// driving a fake LakiPay served elsewhere (`lakipay mock`) through its API and /_mock/
// endpoints: mockURL is its origin (http://127.0.0.1:12111) or its API base URL (ending in
// /api/v2). The receiver must be configured with that fake's public key (GET
// /_mock/public-key, `lakipay mock --key-out`). It returns the verdict of every case; an
// error means the suite itself could not run (the mock unreachable or refusing), with the
// results so far. An argument it refuses (an option's, or a URL that is not absolute http
// or https) is an [*OptionError] naming it (mockURL, receiverURL), returned before anything
// is sent. See [CheckReceiver] for the rest.
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

// answerRule is what a step expects of the receiver's answer.
type answerRule int

const (
	wantAck     answerRule = iota // 2xx: a genuine webhook
	wantRefusal                   // non-2xx: a hostile body
	wantAny                       // anything: a replay it cannot tell from a duplicate
)

func (w answerRule) String() string {
	switch w {
	case wantAck:
		return "2xx"
	case wantRefusal:
		return "non-2xx"
	}
	return "any"
}

// suiteStep is one step of a case: a status change of one of its transactions, or a
// delivery about one and what the receiver must answer.
type suiteStep struct {
	change  client.TransactionStatus // SUCCESS (pay) or CANCELLED; "" for a delivery
	tx      int                      // which of the case's transactions
	deliver DeliveryCase
	of      int // CaseReplayed: the transaction replayed
	copies  int
	answer  answerRule
	what    string // the delivery in words, for problems
	effects []int  // each transaction's effects right after the step; nil: not checked here
}

// suiteCase is one case of the receiver suite.
type suiteCase struct {
	name, sends string
	txs         int
	steps       []suiteStep
}

func (c suiteCase) deliveries() []suiteStep {
	var out []suiteStep
	for _, s := range c.steps {
		if s.change == "" {
			out = append(out, s)
		}
	}
	return out
}

// expected renders what a correct receiver answers and does.
func (c suiteCase) expected() string {
	steps := c.deliveries()
	parts := make([]string, len(steps))
	for i, s := range steps {
		parts[i] = strings.Join(slices.Repeat([]string{s.answer.String()}, s.copies), ", ")
		if i < len(steps)-1 && s.effects != nil {
			parts[i] += " (" + effectsText(s.effects) + ")"
		}
	}
	return strings.Join(parts, ", ") + "; " + effectsText(steps[len(steps)-1].effects)
}

// effectsText renders the effect counts of a case's transactions: "effects 1", or
// "effects 1, 0" for two.
func effectsText(counts []int) string {
	texts := make([]string, len(counts))
	for i, n := range counts {
		texts[i] = strconv.Itoa(n)
	}
	return "effects " + strings.Join(texts, ", ")
}

func payStep(tx int) suiteStep { return suiteStep{change: client.TransactionStatusSUCCESS, tx: tx} }
func cancelStep(tx int) suiteStep {
	return suiteStep{change: client.TransactionStatusCANCELLED, tx: tx}
}

func ackStep(c DeliveryCase, what string, effects ...int) suiteStep {
	return suiteStep{deliver: c, answer: wantAck, what: what, effects: effects, copies: 1}
}

func refuseStep(c DeliveryCase, what string, effects ...int) suiteStep {
	return suiteStep{deliver: c, answer: wantRefusal, what: what, effects: effects, copies: 1}
}

// suiteCases are the cases, in the order they run. Each hostile case ends with the genuine
// webhook: a receiver must refuse the forgery and still act on the real one (a forgery must
// not be remembered as seen).
var suiteCases = []suiteCase{
	{name: "genuine", sends: "the genuine SUCCESS webhook of a paid transaction", txs: 1, steps: []suiteStep{
		payStep(0), ackStep(CaseGenuine, "the genuine SUCCESS webhook", 1)}},
	{name: "duplicate", sends: "the genuine SUCCESS webhook, then the same bytes again once it was answered", txs: 1, steps: []suiteStep{
		payStep(0), ackStep(CaseGenuine, "the genuine SUCCESS webhook", 1), ackStep(CaseDuplicate, "the same webhook again", 1)}},
	{name: "duplicate_concurrent", sends: "the genuine SUCCESS webhook three times at once", txs: 1, steps: []suiteStep{
		payStep(0), func() suiteStep {
			s := ackStep(CaseGenuine, "the genuine SUCCESS webhook, three times at once", 1)
			s.copies = 3
			return s
		}()}},
	{name: "stale", sends: "the genuine SUCCESS webhook, then a genuinely signed PENDING of the same transaction, timestamped before it", txs: 1, steps: []suiteStep{
		payStep(0), ackStep(CaseGenuine, "the genuine SUCCESS webhook", 1), ackStep(CaseEarlier, "a PENDING that arrived after the SUCCESS", 1)}},
	{name: "final_late", sends: "a genuinely signed PENDING webhook, then the SUCCESS one: an earlier status first, the final one late", txs: 1, steps: []suiteStep{
		payStep(0), ackStep(CaseEarlier, "the PENDING webhook", 0), ackStep(CaseGenuine, "the SUCCESS webhook after a PENDING", 1)}},
	{name: "replayed", sends: "transaction A's genuine SUCCESS webhook, then the same body posted again for transaction B, still unpaid", txs: 2, steps: []suiteStep{
		payStep(0), ackStep(CaseGenuine, "A's genuine SUCCESS webhook", 1, 0),
		{deliver: CaseReplayed, tx: 1, of: 0, copies: 1, answer: wantAny, what: "A's webhook replayed for B", effects: []int{1, 0}}}},
	{name: "forged_signature", sends: "a SUCCESS webhook for an unpaid transaction, signed with another RSA-2048 key; then, once it is paid, its genuine webhook", txs: 1, steps: []suiteStep{
		refuseStep(CaseForgedSignature, "a SUCCESS signed with another key", 0), payStep(0), ackStep(CaseGenuine, "the genuine SUCCESS webhook after a forgery", 1)}},
	{name: "tampered_status", sends: "a cancelled transaction's webhook with its status changed to SUCCESS under its genuine signature; then the genuine CANCELLED webhook", txs: 1, steps: []suiteStep{
		cancelStep(0), refuseStep(CaseTamperedStatus, "a CANCELLED webhook tampered to SUCCESS", 0), ackStep(CaseGenuine, "the genuine CANCELLED webhook after a forgery", 1)}},
	{name: "tampered_amount", sends: "a paid transaction's webhook with its amount raised by 1.00 under its genuine signature; then the genuine webhook", txs: 1, steps: []suiteStep{
		payStep(0), refuseStep(CaseTamperedAmount, "a webhook with a tampered amount", 0), ackStep(CaseGenuine, "the genuine SUCCESS webhook after a forgery", 1)}},
	{name: "unsigned", sends: "a SUCCESS webhook without a signature for an unpaid transaction; then, once it is paid, its genuine webhook", txs: 1, steps: []suiteStep{
		refuseStep(CaseUnsigned, "an unsigned SUCCESS", 0), payStep(0), ackStep(CaseGenuine, "the genuine SUCCESS webhook after a forgery", 1)}},
	{name: "shifted_key", sends: "a SUCCESS webhook for an unpaid transaction carrying the mock's genuine signature of an ambiguous CANCELLED webhook of another transaction, re-split through an extra key; then, once it is paid, its genuine webhook", txs: 1, steps: []suiteStep{
		refuseStep(CaseShiftedKey, "a boundary-shifted SUCCESS (tail in an extra key)", 0), payStep(0), ackStep(CaseGenuine, "the genuine SUCCESS webhook after a forgery", 1)}},
	{name: "shifted_value", sends: "the same forgery with the tail hidden in transaction_id's value; then, once it is paid, the genuine webhook", txs: 1, steps: []suiteStep{
		refuseStep(CaseShiftedValue, "a boundary-shifted SUCCESS (tail in transaction_id)", 0), payStep(0), ackStep(CaseGenuine, "the genuine SUCCESS webhook after a forgery", 1)}},
	{name: "oversized", sends: "a paid transaction's genuine webhook padded with spaces to 1 MiB and one byte; then the genuine webhook", txs: 1, steps: []suiteStep{
		payStep(0), refuseStep(CaseOversized, "a 1 MiB body", 0), ackStep(CaseGenuine, "the genuine SUCCESS webhook after an oversized body", 1)}},
}

// suiteDriver is how the suite reaches the fake: in this process or over HTTP.
type suiteDriver interface {
	open(ctx context.Context, reference string) (string, error)
	change(ctx context.Context, id string, to client.TransactionStatus) error
	deliver(ctx context.Context, req DeliverRequest) ([]Delivery, error)
}

// runSuite runs the configured cases against receiverURL through the driver newDriver
// makes for the configuration.
func runSuite(ctx context.Context, newDriver func(suiteConfig) suiteDriver, receiverURL string, effects EffectsFunc, opts []ReceiverOption) (*ReceiverReport, error) {
	defaultKey, err := apikey.Parse(suiteAPIKey)
	if err != nil {
		return nil, err // only a bug: the constant is well formed
	}
	cfg := suiteConfig{receiverTimeout: DefaultWebhookTimeout, effectTimeout: DefaultEffectTimeout, apiKey: defaultKey}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	if _, err := absoluteURL("receiverURL", receiverURL); err != nil {
		return nil, err
	}
	d := newDriver(cfg)
	var run [8]byte
	_, _ = rand.Read(run[:]) // never fails
	r := &suiteRun{cfg: cfg, d: d, receiver: receiverURL, effects: effects, prefix: "RCV-" + hex.EncodeToString(run[:])}
	report := &ReceiverReport{}
	var bounds []map[string]int // per result: the effects each transaction may have at the end
	for _, c := range suiteCases {
		if cfg.cases != nil && !slices.Contains(cfg.cases, c.name) {
			continue
		}
		res, bound, err := r.runCase(ctx, c)
		report.Results = append(report.Results, res)
		bounds = append(bounds, bound)
		if err != nil {
			return report, err
		}
	}
	r.sweep(ctx, report, bounds)
	return report, nil
}

// suiteRun is one run of the suite.
type suiteRun struct {
	cfg      suiteConfig
	d        suiteDriver
	receiver string
	effects  EffectsFunc
	prefix   string // of the run's references, unique per run
}

// caseState is what a case found so far.
type caseState struct {
	res  *ReceiverResult
	ids  []string
	got  []string
	last []int // the effects read last, per transaction
}

func (st *caseState) problem(format string, args ...any) {
	st.res.Problems = append(st.res.Problems, fmt.Sprintf(format, args...))
}

// runCase runs one case; it returns, for each transaction, the effects it may have when
// every case has run (what the case expects, or more if that is what it last read: a case
// reports its own excess), and an error only when the suite itself could not go on.
func (r *suiteRun) runCase(ctx context.Context, c suiteCase) (ReceiverResult, map[string]int, error) {
	res := ReceiverResult{Case: c.name, Sends: c.sends, Expected: c.expected(), Answers: Passed, Effects: Passed}
	if r.effects == nil {
		res.Effects = NotChecked
	}
	st := &caseState{res: &res}
	for i := range c.txs {
		id, err := r.d.open(ctx, fmt.Sprintf("%s-%s-%d", r.prefix, c.name, i))
		if err != nil {
			return r.abandon(st), nil, fmt.Errorf("case %s: create a session: %w", c.name, err)
		}
		st.ids = append(st.ids, id)
	}
	res.TransactionIDs = st.ids
	deliveries := c.deliveries()
	final := map[string]int{}
	for i, id := range st.ids {
		final[id] = deliveries[len(deliveries)-1].effects[i]
	}
	n := 0
	for _, step := range c.steps {
		if step.change != "" {
			if err := r.d.change(ctx, st.ids[step.tx], step.change); err != nil {
				return r.abandon(st), final, fmt.Errorf("case %s: set %s to %s: %w", c.name, st.ids[step.tx], step.change, err)
			}
			continue
		}
		n++
		answered, err := r.deliverStep(ctx, st, step, n)
		if err != nil {
			return r.abandon(st), final, fmt.Errorf("case %s: %w", c.name, err)
		}
		if step.effects != nil && r.effects != nil {
			got := r.checkEffects(ctx, st, step, n)
			if n < len(deliveries) {
				st.got[len(st.got)-1] += " (" + effectsText(got) + ")"
			}
		}
		if !answered { // the rest would cost a timeout each: the case stops here
			for range deliveries[n:] {
				st.got = append(st.got, "not run")
			}
			if n < len(deliveries) && res.Effects == Passed {
				res.Effects = NotChecked // the checks that ran passed; the later ones did not run
			}
			break
		}
	}
	for i, id := range st.ids {
		if st.last != nil {
			final[id] = max(final[id], st.last[i])
		}
	}
	res.Got = strings.Join(st.got, ", ")
	switch {
	case r.effects == nil:
		res.Got += "; effects not checked"
	case st.last != nil:
		res.Got += "; " + effectsText(st.last)
	}
	return res, final, nil
}

// abandon closes a case the suite could not finish: what was judged stays, nothing passes
// unchecked.
func (r *suiteRun) abandon(st *caseState) ReceiverResult {
	st.res.Got = strings.Join(append(st.got, "suite stopped"), ", ")
	if st.res.Answers == Passed {
		st.res.Answers = NotChecked
	}
	if st.res.Effects == Passed {
		st.res.Effects = NotChecked
	}
	return *st.res
}

// deliverStep sends one step's delivery and judges the answers; it reports whether every
// copy got an answer.
func (r *suiteRun) deliverStep(ctx context.Context, st *caseState, step suiteStep, n int) (bool, error) {
	req := DeliverRequest{TransactionID: st.ids[step.tx], Case: step.deliver, URL: r.receiver,
		Copies: step.copies, Timeout: r.cfg.receiverTimeout}
	if step.deliver == CaseReplayed {
		req.ReplayOf = st.ids[step.of]
	}
	got, err := r.d.deliver(ctx, req)
	if err != nil {
		return false, fmt.Errorf("deliver %s: %w", step.deliver, err)
	}
	st.res.Deliveries = append(st.res.Deliveries, got...)
	answered := true
	texts := make([]string, len(got))
	for i, d := range got {
		if d.Dropped {
			return false, fmt.Errorf("deliver %s: the fake's webhook queue is full: %s", step.deliver, d.Err)
		}
		texts[i] = answerText(d)
		if d.HTTPStatus == 0 {
			answered = false
		}
		if ok, why := judge(step, d); !ok {
			st.res.Answers = Failed
			st.problem("delivery %d, %s: %s", n, step.what, why)
		}
	}
	st.got = append(st.got, strings.Join(texts, ", "))
	return answered, nil
}

func answerText(d Delivery) string {
	if d.HTTPStatus == 0 {
		return "no answer"
	}
	return strconv.Itoa(d.HTTPStatus)
}

// judge says whether the receiver's answer to d is what step wants, and if not why that
// matters.
func judge(step suiteStep, d Delivery) (bool, string) {
	switch {
	case d.HTTPStatus == 0:
		return false, fmt.Sprintf("no answer (%s): a receiver must answer every delivery, quickly", d.Err)
	case step.answer == wantAck && !d.OK():
		return false, fmt.Sprintf("answered %d, want 2xx: a genuine webhook must be acknowledged, or LakiPay retries it (and an order waiting for it stays unsettled)", d.HTTPStatus)
	case step.answer == wantRefusal && d.OK():
		return false, fmt.Sprintf("answered %d, want non-2xx: the body is %s and must be refused", d.HTTPStatus, hostileWhy(step.deliver))
	}
	return true, ""
}

// hostileWhy says what is wrong with a hostile case's body.
func hostileWhy(c DeliveryCase) string {
	switch c {
	case CaseForgedSignature:
		return "signed by another key"
	case CaseTamperedStatus, CaseTamperedAmount:
		return "altered after it was signed"
	case CaseUnsigned:
		return "not signed"
	case CaseShiftedKey, CaseShiftedValue:
		return "ambiguous: its genuine signature was made for another webhook whose canonical string it re-splits (check that no key holds & or = and no value holds &)"
	case CaseOversized:
		return "larger than any webhook (limit what you read)"
	}
	return string(c)
}

// checkEffects reads each transaction's effects after step and compares them with what
// step expects, waiting up to the effect timeout for one that is still missing; it returns
// what it read.
func (r *suiteRun) checkEffects(ctx context.Context, st *caseState, step suiteStep, n int) []int {
	st.last = make([]int, len(st.ids))
	for i, id := range st.ids {
		want := step.effects[i]
		got, err := r.awaitEffects(ctx, id, want)
		st.last[i] = got
		switch {
		case err != nil:
			st.res.Effects = Failed
			st.problem("after delivery %d: could not read the effects of %s: %v", n, id, err)
		case got > want:
			st.res.Effects = Failed
			st.problem("after delivery %d, %s: effects %d on %s, want %d: %s", n, step.what, got, id, want, tooMany(step, want))
		case got < want:
			st.res.Effects = Failed
			st.problem("after delivery %d, %s: effects %d on %s, want %d (waited %s): the receiver did not act on a genuine final webhook", n, step.what, got, id, want, r.cfg.effectTimeout)
		}
	}
	return st.last
}

// tooMany says why acting more often than want after step is wrong.
func tooMany(step suiteStep, want int) string {
	switch {
	case step.deliver.Hostile():
		return "the receiver acted on a body it must refuse"
	case step.deliver == CaseEarlier && want == 0:
		return "the receiver took a PENDING for a final status"
	case step.deliver == CaseEarlier:
		return "the receiver acted on a status older than the final one it had"
	}
	return "the receiver acted more than once on one payment (it must de-duplicate on transaction_id and status)"
}

// awaitEffects reads id's effects until they reach want or the effect timeout passes; more
// than want is returned at once.
func (r *suiteRun) awaitEffects(ctx context.Context, id string, want int) (int, error) {
	deadline := time.Now().Add(r.cfg.effectTimeout)
	wait := 5 * time.Millisecond
	for {
		got, err := r.readEffects(ctx, id)
		if err != nil || got >= want || !time.Now().Before(deadline) {
			return got, err
		}
		timer := time.NewTimer(min(wait, time.Until(deadline)))
		select {
		case <-ctx.Done():
			timer.Stop()
			return got, ctx.Err()
		case <-timer.C:
		}
		wait = min(wait*2, 100*time.Millisecond)
	}
}

func (r *suiteRun) readEffects(ctx context.Context, id string) (int, error) {
	n, err := r.effects(ctx, id)
	if err == nil && n < 0 {
		err = fmt.Errorf("effects %d is negative", n)
	}
	return n, err
}

// sweep reads every transaction's effects once more after the last case, catching an
// effect that came after its case's last check.
func (r *suiteRun) sweep(ctx context.Context, report *ReceiverReport, bounds []map[string]int) {
	if r.effects == nil {
		return
	}
	for i := range report.Results {
		res := &report.Results[i]
		for _, id := range res.TransactionIDs {
			bound, ok := bounds[i][id]
			if !ok {
				continue
			}
			got, err := r.readEffects(ctx, id)
			if err == nil && got > bound {
				res.Effects = Failed
				res.Problems = append(res.Problems, fmt.Sprintf("after the last case: effects %d on %s, %d when its case ended: the receiver acted again, late", got, id, bound))
			}
		}
	}
}

// fakeDriver drives a fake in this process.
type fakeDriver struct {
	f      *Fake
	origin string
}

func (d *fakeDriver) open(ctx context.Context, reference string) (string, error) {
	body, err := suiteCheckout(reference)
	if err != nil {
		return "", err
	}
	// Never sent: the request only gives the fake the origin of its checkout URL.
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, d.origin+apiBase+"/payment/checkout", nil)
	if err != nil {
		return "", err
	}
	a := d.f.createCheckout(r, body)
	resp, ok := a.body.(client.CheckoutResponse)
	if a.status != http.StatusOK || !ok {
		return "", fmt.Errorf("the fake refused the checkout (HTTP %d)", a.status)
	}
	return resp.Data.LakipayTransactionID, nil
}

func (d *fakeDriver) change(_ context.Context, id string, to client.TransactionStatus) error {
	if to == client.TransactionStatusCANCELLED {
		return d.f.Cancel(id)
	}
	return d.f.Pay(id, suiteMedium)
}

func (d *fakeDriver) deliver(ctx context.Context, req DeliverRequest) ([]Delivery, error) {
	return d.f.Deliver(ctx, req)
}
