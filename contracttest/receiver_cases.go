package contracttest

import (
	"slices"
	"strings"

	"github.com/lakipay/checkout-go/client"
)

// answerRule is what a step expects of the receiver's answer.
type answerRule int

const (
	wantAck     answerRule = iota // 2xx: a genuine webhook
	wantRefusal                   // non-2xx, or the connection closed: a hostile body
	wantAny                       // anything: a body it cannot tell from a genuine one, or may ignore
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
// delivery about one and what the receiver must answer and have done.
type suiteStep struct {
	change  client.TransactionStatus // SUCCESS, FAILED, CANCELLED or one the spec does not know; "" for a delivery
	tx      int                      // which of the case's transactions
	deliver DeliveryCase
	other   int // usesOther: the transaction whose genuine webhook is sent
	copies  int
	answer  answerRule
	what    string // the delivery in words, for problems
	// effects are each transaction's effects right after the step: the case's sessions,
	// then the other sessions its deliveries named so far; nil: not checked here.
	effects []Effects
	// excess says why acting more than effects is wrong, where the general reasons do not
	// (see tooMany).
	excess string
}

// on returns s about the case's transaction tx.
func (s suiteStep) on(tx int) suiteStep { s.tx = tx; return s }

// from returns s made of the genuine webhook of the case's transaction other.
func (s suiteStep) from(other int) suiteStep { s.other = other; return s }

// suiteCase is one case of the receiver suite.
type suiteCase struct {
	name, sends string
	txs         int // sessions opened
	steps       []suiteStep
	needsOpener bool
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

// effectsText renders the effects of a case's transactions: "paid 1", or "A paid 1,
// B nothing" for two.
func effectsText(effects []Effects) string {
	if len(effects) == 1 {
		return effects[0].String()
	}
	texts := make([]string, len(effects))
	for i, e := range effects {
		texts[i] = txLabel(i) + " " + e.String()
	}
	return strings.Join(texts, ", ")
}

// txLabel names the case's transaction i in texts: A, B, ... (a case has a few).
func txLabel(i int) string { return "ABCDEFGH"[i : i+1] }

// The effects a step expects of one transaction.
var (
	none     = Effects{}
	paid     = Effects{Paid: 1}
	released = Effects{Released: 1}
)

// unknownStatus is the status of the unknown_status case: one LakiPay may add, which a
// careless receiver could take for a payment.
const unknownStatus client.TransactionStatus = "COMPLETED"

func changeStep(tx int, to client.TransactionStatus) suiteStep { return suiteStep{change: to, tx: tx} }

func payStep(tx int) suiteStep { return changeStep(tx, client.TransactionStatusSUCCESS) }

func cancelStep(tx int) suiteStep { return changeStep(tx, client.TransactionStatusCANCELLED) }

func deliverStep(c DeliveryCase, answer answerRule, what string, effects ...Effects) suiteStep {
	return suiteStep{deliver: c, answer: answer, what: what, effects: effects, copies: 1}
}

func ackStep(c DeliveryCase, what string, effects ...Effects) suiteStep {
	return deliverStep(c, wantAck, what, effects...)
}

func refuseStep(c DeliveryCase, what string, effects ...Effects) suiteStep {
	return deliverStep(c, wantRefusal, what, effects...)
}

// foreignSteps is a case that posts a foreign delivery c for an unpaid session of the
// merchant's, then pays the session and sends its genuine webhook.
func foreignSteps(c DeliveryCase, what string) []suiteStep {
	foreign := deliverStep(c, wantAny, what, none, none)
	foreign.excess = "the receiver acted on a payment made to a session it never created (another LakiPay account's): act only on a transaction_id your own checkout got back, for the order's amount and currency"
	return []suiteStep{foreign, payStep(0), ackStep(CaseGenuine, "the genuine SUCCESS webhook after another session's", paid, none)}
}

// suiteCases are the cases, in the order they run. Each hostile case ends with the genuine
// webhook: a receiver must refuse the forgery and still act on the real one (a forgery must
// not be remembered as seen).
var suiteCases = []suiteCase{
	{name: "genuine", sends: "the genuine SUCCESS webhook of a paid transaction", txs: 1, steps: []suiteStep{
		payStep(0), ackStep(CaseGenuine, "the genuine SUCCESS webhook", paid)}},
	{name: "duplicate", sends: "the genuine SUCCESS webhook, then the same bytes again once it was answered", txs: 1, steps: []suiteStep{
		payStep(0), ackStep(CaseGenuine, "the genuine SUCCESS webhook", paid), ackStep(CaseDuplicate, "the same webhook again", paid)}},
	{name: "duplicate_concurrent", sends: "the genuine SUCCESS webhook three times at once", txs: 1, steps: []suiteStep{
		payStep(0), func() suiteStep {
			s := ackStep(CaseGenuine, "the genuine SUCCESS webhook, three times at once", paid)
			s.copies = 3
			return s
		}()}},
	{name: "resent", sends: "the genuine SUCCESS webhook, then, once it was answered, the same status sent anew: a later timestamp and its own signature, so other bytes", txs: 1, steps: []suiteStep{
		payStep(0), ackStep(CaseGenuine, "the genuine SUCCESS webhook", paid), ackStep(CaseResent, "the SUCCESS sent anew", paid)}},
	{name: "stale", sends: "the genuine SUCCESS webhook, then a genuinely signed PENDING of the same transaction, timestamped before it", txs: 1, steps: []suiteStep{
		payStep(0), ackStep(CaseGenuine, "the genuine SUCCESS webhook", paid), ackStep(CaseEarlier, "a PENDING that arrived after the SUCCESS", paid)}},
	{name: "final_late", sends: "a genuinely signed PENDING webhook, then the SUCCESS one: an earlier status first, the final one late", txs: 1, steps: []suiteStep{
		payStep(0), ackStep(CaseEarlier, "the PENDING webhook", none), ackStep(CaseGenuine, "the SUCCESS webhook after a PENDING", paid)}},
	{name: "not_paid", sends: "the genuine CANCELLED webhook of cancelled transaction A, then the genuine FAILED webhook of failed transaction B", txs: 2, steps: []suiteStep{
		cancelStep(0), changeStep(1, client.TransactionStatusFAILED),
		ackStep(CaseGenuine, "A's genuine CANCELLED webhook", released, none),
		ackStep(CaseGenuine, "B's genuine FAILED webhook", released, released).on(1)}},
	{name: "unknown_status", sends: "the genuine webhook of an unpaid transaction whose status is one the spec does not know (COMPLETED, as LakiPay may add)", txs: 1, steps: []suiteStep{
		changeStep(0, unknownStatus), func() suiteStep {
			s := ackStep(CaseGenuine, "a webhook whose status the receiver does not know", none)
			s.excess = "the receiver acted on a status it does not know (ignore it, and answer 2xx)"
			return s
		}()}},
	{name: "replayed", sends: "transaction A's genuine SUCCESS webhook, then the same body posted again for transaction B, still unpaid", txs: 2, steps: []suiteStep{
		payStep(0), ackStep(CaseGenuine, "A's genuine SUCCESS webhook", paid, none),
		deliverStep(CaseReplayed, wantAny, "A's webhook replayed for B", paid, none).on(1).from(0)}},
	{name: "forged_signature", sends: "a SUCCESS webhook for an unpaid transaction, signed with another RSA-2048 key; then, once it is paid, its genuine webhook", txs: 1, steps: []suiteStep{
		refuseStep(CaseForgedSignature, "a SUCCESS signed with another key", none), payStep(0), ackStep(CaseGenuine, "the genuine SUCCESS webhook after a forgery", paid)}},
	{name: "tampered_status", sends: "a cancelled transaction's webhook with its status changed to SUCCESS under its genuine signature; then the genuine CANCELLED webhook", txs: 1, steps: []suiteStep{
		cancelStep(0), refuseStep(CaseTamperedStatus, "a CANCELLED webhook tampered to SUCCESS", none), ackStep(CaseGenuine, "the genuine CANCELLED webhook after a forgery", released)}},
	{name: "tampered_amount", sends: "a paid transaction's webhook with its amount raised by 1.00 under its genuine signature; then the genuine webhook", txs: 1, steps: []suiteStep{
		payStep(0), refuseStep(CaseTamperedAmount, "a webhook with a tampered amount", none), ackStep(CaseGenuine, "the genuine SUCCESS webhook after a forgery", paid)}},
	{name: "unsigned", sends: "a SUCCESS webhook without a signature for an unpaid transaction; then, once it is paid, its genuine webhook", txs: 1, steps: []suiteStep{
		refuseStep(CaseUnsigned, "an unsigned SUCCESS", none), payStep(0), ackStep(CaseGenuine, "the genuine SUCCESS webhook after a forgery", paid)}},
	{name: "shifted_key", sends: "a SUCCESS webhook for an unpaid transaction carrying the mock's genuine signature of an ambiguous CANCELLED webhook of another transaction, re-split through an extra key; then, once it is paid, its genuine webhook", txs: 1, steps: []suiteStep{
		refuseStep(CaseShiftedKey, "a boundary-shifted SUCCESS (tail in an extra key)", none), payStep(0), ackStep(CaseGenuine, "the genuine SUCCESS webhook after a forgery", paid)}},
	{name: "shifted_value", sends: "the same forgery with the tail hidden in transaction_id's value; then, once it is paid, the genuine webhook", txs: 1, steps: []suiteStep{
		refuseStep(CaseShiftedValue, "a boundary-shifted SUCCESS (tail in transaction_id)", none), payStep(0), ackStep(CaseGenuine, "the genuine SUCCESS webhook after a forgery", paid)}},
	{name: "duplicate_key", sends: "a cancelled transaction's genuine webhook with a second status, SUCCESS, after its last member, its signature left as it was; then the genuine CANCELLED webhook", txs: 1, steps: []suiteStep{
		cancelStep(0), refuseStep(CaseDuplicateKey, "a CANCELLED webhook with a second status, SUCCESS", none), ackStep(CaseGenuine, "the genuine CANCELLED webhook after a forgery", released)}},
	{name: "oversized", sends: "a paid transaction's genuine webhook padded with spaces to 1 MiB and one byte; then the genuine webhook", txs: 1, steps: []suiteStep{
		payStep(0), refuseStep(CaseOversized, "a 1 MiB body", none), ackStep(CaseGenuine, "the genuine SUCCESS webhook after an oversized body", paid)}},
	{name: "reused_transaction", sends: "transaction A's genuine SUCCESS webhook, then, once it was answered, the same body with only transaction_id changed to B (unpaid, the larger amount) under A's genuine signature; then, once B is paid, B's genuine webhook", txs: 2, steps: []suiteStep{
		payStep(0), ackStep(CaseGenuine, "A's genuine SUCCESS webhook", paid, none),
		refuseStep(CaseTamperedTransaction, "A's accepted webhook with B's transaction_id", paid, none).on(1).from(0),
		payStep(1), ackStep(CaseGenuine, "B's genuine SUCCESS webhook after a forgery", paid, paid).on(1)}},
	{name: "reused_status", sends: "a cancelled transaction's genuine CANCELLED webhook, then, once it was answered, the same body turned SUCCESS under its genuine signature", txs: 1, steps: []suiteStep{
		cancelStep(0), ackStep(CaseGenuine, "the genuine CANCELLED webhook", released), refuseStep(CaseTamperedStatus, "the accepted CANCELLED webhook tampered to SUCCESS", released)}},
	{name: "reused_amount", sends: "a paid transaction's genuine SUCCESS webhook, then, once it was answered, the same body with its amount raised by 1.00 under its genuine signature", txs: 1, steps: []suiteStep{
		payStep(0), ackStep(CaseGenuine, "the genuine SUCCESS webhook", paid), refuseStep(CaseTamperedAmount, "the accepted webhook with a tampered amount", paid)}},
	{name: "foreign_amount", needsOpener: true, sends: "for the merchant's unpaid session A, a genuinely signed SUCCESS webhook of session B, which the merchant never created (another LakiPay account's), naming A's reference for amount 1.00; then, once A is paid, A's genuine webhook", txs: 1,
		steps: foreignSteps(CaseForeignAmount, "another session's SUCCESS for this order's reference, for another amount")},
	{name: "foreign_currency", needsOpener: true, sends: "the same with A's own amount in another currency", txs: 1,
		steps: foreignSteps(CaseForeignCurrency, "another session's SUCCESS for this order's reference, in another currency")},
	{name: "foreign_session", needsOpener: true, sends: "the same with A's own amount and currency: only its transaction_id is not A's", txs: 1,
		steps: foreignSteps(CaseForeignSession, "another session's SUCCESS for this order's reference, amount and currency")},
}
