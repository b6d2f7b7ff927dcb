package contracttest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/internal/apikey"
)

// suiteDriver is how the suite reaches the fake: in this process or over HTTP.
type suiteDriver interface {
	// open creates a session of the suite's own, without a callback_url.
	open(ctx context.Context, reference string, amount client.Amount) (string, error)
	// session reads what the suite needs of a session.
	session(ctx context.Context, id string) (suiteSession, error)
	// mute makes the session's status changes send no webhook of their own.
	mute(ctx context.Context, id string) error
	// change pays, fails or cancels the session, or gives it a status the spec does not know.
	change(ctx context.Context, id string, to client.TransactionStatus, medium client.Medium) error
	deliver(ctx context.Context, req DeliverRequest) ([]Delivery, error)
}

// suiteSession is what the suite reads of a session.
type suiteSession struct {
	id      string
	amount  client.Amount
	status  client.TransactionStatus
	mediums []client.Medium
}

// suiteAmounts are the amounts of the sessions the suite opens itself, by their place in a
// case: a small one, then a large one (a signature of the small one is carried onto it).
var suiteAmounts = [...]int64{100, 9_999_900}

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
	var run [8]byte
	_, _ = rand.Read(run[:]) // never fails
	r := &suiteRun{cfg: cfg, d: newDriver(cfg), receiver: receiverURL, effects: effects,
		prefix: "RCV-" + hex.EncodeToString(run[:]), opened: map[string]bool{}}
	report := &ReceiverReport{Unproven: r.unproven()}
	var bounds []map[string]Effects // per result: the effects each transaction may have at the end
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

// unproven says what a run with this configuration cannot check.
func (r *suiteRun) unproven() []string {
	var out []string
	if r.effects == nil {
		out = append(out, "effects: no effects function (--effects-url) was given, so nothing shows that the receiver "+
			"settled each payment once, released each cancelled or failed one, and did nothing for a forgery, a repeat, "+
			"a PENDING, an unknown status or another merchant's payment: only its answers were judged")
	}
	if r.cfg.opener == nil {
		var skipped []string
		for _, c := range suiteCases {
			if c.needsOpener && (r.cfg.cases == nil || slices.Contains(r.cfg.cases, c.name)) {
				skipped = append(skipped, c.name)
			}
		}
		text := "sessions: the suite opened its own, with references no merchant issued; a receiver that checks its own " +
			"order book needs a session opener (WithSessionOpener, --open-url)"
		if len(skipped) > 0 {
			text += ", and without one these cases were not run: " + strings.Join(skipped, ", ")
		}
		out = append(out, text)
	}
	return out
}

// suiteRun is one run of the suite.
type suiteRun struct {
	cfg      suiteConfig
	d        suiteDriver
	receiver string
	effects  EffectsFunc
	prefix   string          // of the references of the suite's own sessions, unique per run
	opened   map[string]bool // every session the opener gave, to refuse one given twice
}

// caseState is what a case found so far.
type caseState struct {
	res      *ReceiverResult
	sessions []suiteSession // the case's sessions, smallest amount first
	ids      []string       // their ids, then the other sessions' its deliveries named
	got      []string
	last     []Effects // the effects read last, per transaction
}

func (st *caseState) problem(format string, args ...any) {
	st.res.Problems = append(st.res.Problems, fmt.Sprintf(format, args...))
}

// runCase runs one case; it returns, for each transaction, the effects it may have when
// every case has run (what the case expects, or more if that is what it last read: a case
// reports its own excess), and an error only when the suite itself could not go on.
func (r *suiteRun) runCase(ctx context.Context, c suiteCase) (ReceiverResult, map[string]Effects, error) {
	res := ReceiverResult{Case: c.name, Sends: c.sends, Expected: c.expected(), Answers: Passed, Effects: Passed}
	if r.effects == nil {
		res.Effects = NotChecked
	}
	if c.needsOpener && r.cfg.opener == nil {
		res.Answers, res.Effects, res.Got = NotChecked, NotChecked, "not run: needs a session opener"
		return res, nil, nil
	}
	st := &caseState{res: &res}
	if err := r.openSessions(ctx, c, st); err != nil {
		return r.abandon(st), nil, fmt.Errorf("case %s: %w", c.name, err)
	}
	deliveries := c.deliveries()
	n := 0
	for _, step := range c.steps {
		if step.change != "" {
			s := st.sessions[step.tx]
			if err := r.d.change(ctx, s.id, step.change, s.mediums[0]); err != nil {
				return r.abandon(st), nil, fmt.Errorf("case %s: set %s to %s: %w", c.name, s.id, step.change, err)
			}
			continue
		}
		n++
		answered, err := r.deliverStep(ctx, st, step, n)
		if err != nil {
			return r.abandon(st), nil, fmt.Errorf("case %s: %w", c.name, err)
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
	res.TransactionIDs = st.ids
	final := map[string]Effects{}
	for i, id := range st.ids {
		if want := deliveries[len(deliveries)-1].effects; i < len(want) {
			final[id] = want[i]
		}
		if i < len(st.last) {
			final[id] = Effects{Paid: max(final[id].Paid, st.last[i].Paid), Released: max(final[id].Released, st.last[i].Released)}
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

// openSessions opens the case's sessions, through the merchant's opener when there is one,
// and keeps them smallest amount first.
func (r *suiteRun) openSessions(ctx context.Context, c suiteCase, st *caseState) error {
	for i := range c.txs {
		id, err := r.openOne(ctx, c, i)
		if err != nil {
			return err
		}
		s, err := r.d.session(ctx, id)
		if err != nil {
			return fmt.Errorf("read session %s: %w", id, err)
		}
		if s.status != client.TransactionStatusINITIATED {
			return fmt.Errorf("session %s is %s: the session opener must open a new checkout (INITIATED) each time", id, s.status)
		}
		if len(s.mediums) == 0 {
			return fmt.Errorf("session %s offers no medium to pay with", id)
		}
		st.sessions = append(st.sessions, s)
	}
	slices.SortStableFunc(st.sessions, func(a, b suiteSession) int { return a.amount.Cmp(b.amount) })
	for _, s := range st.sessions {
		st.ids = append(st.ids, s.id)
	}
	st.res.TransactionIDs = st.ids
	return nil
}

// openOne opens the case's i-th session: the opener's, held so that only the suite's
// deliveries reach the receiver, or the suite's own.
func (r *suiteRun) openOne(ctx context.Context, c suiteCase, i int) (string, error) {
	if r.cfg.opener == nil {
		amount, err := client.AmountFromMinor(suiteAmounts[i])
		if err != nil {
			return "", err
		}
		id, err := r.d.open(ctx, fmt.Sprintf("%s-%s-%d", r.prefix, c.name, i), amount)
		if err != nil {
			return "", fmt.Errorf("create a session: %w", err)
		}
		return id, nil
	}
	id, err := r.cfg.opener(ctx)
	switch {
	case err != nil:
		return "", fmt.Errorf("the session opener: %w", err)
	case id == "":
		return "", errors.New("the session opener returned no transaction id")
	case r.opened[id]:
		return "", fmt.Errorf("the session opener returned %s again: each call must open a new checkout", id)
	}
	r.opened[id] = true
	if err := r.d.mute(ctx, id); err != nil {
		return "", fmt.Errorf("the session opener returned %s, which this fake cannot mute (is it a session of this fake? "+
			"the application must create its checkouts against the fake's base URL): %w", id, err)
	}
	return id, nil
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
// copy got an answer (a connection the receiver closed is one).
func (r *suiteRun) deliverStep(ctx context.Context, st *caseState, step suiteStep, n int) (bool, error) {
	req := DeliverRequest{TransactionID: st.ids[step.tx], Case: step.deliver, URL: r.receiver,
		Copies: step.copies, Timeout: r.cfg.receiverTimeout}
	if step.deliver.usesOther() {
		req.ReplayOf = st.ids[step.other]
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
		if d.HTTPStatus == 0 && !d.Closed {
			answered = false
		}
		if ok, why := judge(step, d); !ok {
			st.res.Answers = Failed
			st.problem("delivery %d, %s: %s", n, step.what, why)
		}
	}
	st.got = append(st.got, strings.Join(texts, ", "))
	if step.deliver.foreign() {
		var body struct {
			TransactionID string `json:"transaction_id"`
		}
		if err := json.Unmarshal(got[0].Body, &body); err != nil || body.TransactionID == "" {
			return false, fmt.Errorf("deliver %s: the delivery names no other transaction: %s", step.deliver, got[0].Body)
		}
		st.ids = append(st.ids, body.TransactionID)
	}
	return answered, nil
}

func answerText(d Delivery) string {
	switch {
	case d.Closed:
		return "closed"
	case d.HTTPStatus == 0:
		return "no answer"
	}
	return strconv.Itoa(d.HTTPStatus)
}

// judge says whether the receiver's answer to d is what step wants, and if not why that
// matters.
func judge(step suiteStep, d Delivery) (bool, string) {
	switch {
	case d.Closed && step.answer == wantAck:
		return false, fmt.Sprintf("the receiver closed the connection without an answer (%s): a genuine webhook must be acknowledged, or LakiPay retries it (and an order waiting for it stays unsettled)", d.Err)
	case d.Closed:
		return true, "" // a refusal, as many servers refuse a body too large
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
	case CaseTamperedStatus, CaseTamperedAmount, CaseTamperedTransaction:
		return "altered after it was signed (a signature the receiver has verified before proves nothing about another body)"
	case CaseUnsigned:
		return "not signed"
	case CaseShiftedKey, CaseShiftedValue:
		return "ambiguous: its genuine signature was made for another webhook whose canonical string it re-splits (check that no key holds & or = and no value holds &)"
	case CaseDuplicateKey:
		return "a JSON object with a repeated key (status twice): readers disagree on which one counts, so the signature proves nothing (refuse any repeated key)"
	case CaseOversized:
		return "larger than any webhook (limit what you read)"
	}
	return string(c)
}

// checkEffects reads each transaction's effects after step and compares them with what
// step expects, waiting up to the effect timeout for one that is still missing; it returns
// what it read.
func (r *suiteRun) checkEffects(ctx context.Context, st *caseState, step suiteStep, n int) []Effects {
	st.last = make([]Effects, len(step.effects))
	for i, want := range step.effects {
		id := st.ids[i]
		got, err := r.awaitEffects(ctx, id, want)
		st.last[i] = got
		if err != nil {
			st.res.Effects = Failed
			st.problem("after delivery %d: could not read the effects of %s: %v", n, id, err)
			continue
		}
		for _, field := range [...]struct {
			name      string
			got, want int
		}{{"paid", got.Paid, want.Paid}, {"released", got.Released, want.Released}} {
			switch {
			case field.got > field.want:
				st.res.Effects = Failed
				st.problem("after delivery %d, %s: %s %d on %s, want %d: %s", n, step.what, field.name, field.got, id, field.want, tooMany(step, field.name, want))
			case field.got < field.want:
				st.res.Effects = Failed
				st.problem("after delivery %d, %s: %s %d on %s, want %d (waited %s): %s", n, step.what, field.name, field.got, id, field.want, r.cfg.effectTimeout, tooFew(field.name))
			}
		}
	}
	return st.last
}

// tooMany says why acting more than want after step is wrong, for the field paid or
// released.
func tooMany(step suiteStep, field string, want Effects) string {
	switch {
	case step.deliver.Hostile():
		return "the receiver acted on a body it must refuse"
	case step.excess != "":
		return step.excess
	case step.deliver == CaseEarlier && want == none:
		return "the receiver took a PENDING for a final status"
	case step.deliver == CaseEarlier:
		return "the receiver acted on a status older than the final one it had"
	case field == "paid" && want.Released > 0:
		return "the receiver settled as paid a transaction whose payment was cancelled or failed"
	}
	return "the receiver acted more than once on one payment (it must de-duplicate on transaction_id and status)"
}

// tooFew says why acting less than expected is wrong, for the field paid or released.
func tooFew(field string) string {
	if field == "paid" {
		return "the receiver did not settle a genuine SUCCESS webhook as paid"
	}
	return "the receiver did not release a genuine CANCELLED or FAILED webhook as not paid (reopen the order, free what it held)"
}

// awaitEffects reads id's effects until they are want or the effect timeout passes; effects
// beyond want in a count are returned at once.
func (r *suiteRun) awaitEffects(ctx context.Context, id string, want Effects) (Effects, error) {
	deadline := time.Now().Add(r.cfg.effectTimeout)
	wait := 5 * time.Millisecond
	for {
		got, err := r.readEffects(ctx, id)
		if err != nil || got == want || got.Paid > want.Paid || got.Released > want.Released || !time.Now().Before(deadline) {
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

func (r *suiteRun) readEffects(ctx context.Context, id string) (Effects, error) {
	e, err := r.effects(ctx, id)
	if err == nil && (e.Paid < 0 || e.Released < 0) {
		err = fmt.Errorf("%w: %+v", errNegativeEffects, e)
	}
	return e, err
}

// sweep reads every transaction's effects once more after the last case, catching an
// effect that came after its case's last check.
func (r *suiteRun) sweep(ctx context.Context, report *ReceiverReport, bounds []map[string]Effects) {
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
			if err == nil && (got.Paid > bound.Paid || got.Released > bound.Released) {
				res.Effects = Failed
				res.Problems = append(res.Problems, fmt.Sprintf("after the last case: %s on %s, %s when its case ended: the receiver acted again, late", got, id, bound))
			}
		}
	}
}
