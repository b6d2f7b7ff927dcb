package contracttest

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/internal/fake/webhooks"
)

// DeliveryCase says what a webhook delivery carries: a genuine webhook, a repeat of one, an
// earlier status, or one of the hostile bodies an attacker could post to a callback_url. It
// is recorded in every [Delivery], and [Fake.Deliver] sends any of them on demand.
type DeliveryCase string

// The delivery cases. The first four are webhooks LakiPay really sends (signed with the
// fake's key, valid against the contract): a receiver must acknowledge them (2xx) and act on
// a transaction's final status once. [CaseForeignAmount], [CaseForeignCurrency] and
// [CaseForeignSession] are genuinely signed too, but about a session the merchant never created: any answer goes, no
// action does. The others are hostile: a receiver must refuse them (non-2xx) and never act on
// them, except [CaseReplayed], a genuine body it cannot tell from a duplicate, on which it
// must not act a second time.
const (
	// CaseGenuine is the webhook of the transaction's current (final) status.
	CaseGenuine DeliveryCase = "genuine"
	// CaseDuplicate is the genuine webhook again, byte for byte.
	CaseDuplicate DeliveryCase = "duplicate"
	// CaseResent is the genuine webhook of the same status sent anew, as LakiPay re-sends a
	// notification: its own timestamp (now, at least a second after the genuine one's) and
	// its own signature, so its bytes differ from the genuine webhook's.
	CaseResent DeliveryCase = "resent"
	// CaseEarlier is a genuinely signed webhook of an earlier status, PENDING, timestamped a
	// second before the final change: stale when it arrives after the final webhook.
	CaseEarlier DeliveryCase = "earlier"
	// CaseForgedSignature claims SUCCESS for the transaction, signed by another RSA-2048 key.
	CaseForgedSignature DeliveryCase = "forged_signature"
	// CaseTamperedStatus is the genuine webhook with its status changed under its genuine
	// signature: to SUCCESS, or from SUCCESS to CANCELLED.
	CaseTamperedStatus DeliveryCase = "tampered_status"
	// CaseTamperedAmount is the genuine webhook with its amount raised by 1.00 (lowered at
	// the largest amount) under its genuine signature.
	CaseTamperedAmount DeliveryCase = "tampered_amount"
	// CaseTamperedTransaction is another transaction's genuine webhook ([DeliverRequest]
	// ReplayOf names it) with only its transaction_id changed to this transaction's, under
	// its genuine signature: a receiver that trusts a signature it has verified before ships
	// this transaction's order for the other one's payment.
	CaseTamperedTransaction DeliveryCase = "tampered_transaction"
	// CaseReplayed is another transaction's genuine webhook, posted to this transaction's
	// callback_url ([DeliverRequest] ReplayOf names it).
	CaseReplayed DeliveryCase = "replayed"
	// CaseUnsigned claims SUCCESS for the transaction without a signature.
	CaseUnsigned DeliveryCase = "unsigned"
	// CaseShiftedKey claims SUCCESS for the transaction with a genuine signature of the
	// fake's key over an ambiguous CANCELLED webhook of another transaction, re-split so
	// that its tail hides in an extra key (the boundary-shift forgery; see package client's
	// ErrAmbiguousWebhook). A verifier without the ambiguity check accepts it.
	CaseShiftedKey DeliveryCase = "shifted_key"
	// CaseShiftedValue is [CaseShiftedKey] with the tail hidden in transaction_id's value.
	CaseShiftedValue DeliveryCase = "shifted_value"
	// CaseDuplicateKey is the genuine webhook with its status given a second time after its
	// last member: SUCCESS (CANCELLED for a SUCCESS), its signature left as it was. A reader
	// that verifies the first of a repeated key but acts on the last (most JSON decoders keep
	// the last) accepts it; package client refuses any repeated key.
	CaseDuplicateKey DeliveryCase = "duplicate_key"
	// CaseOversized is the genuine webhook padded with spaces after its opening brace to
	// [OversizedBytes]: still valid JSON under a valid signature, so only a size limit
	// refuses it.
	CaseOversized DeliveryCase = "oversized"
	// CaseForeignAmount is a genuinely signed SUCCESS webhook of a session the merchant
	// never created, with a transaction id of its own (one the fake never hands out), that
	// names this session's reference, currency and medium for amount 1.00 (2.00 when the
	// session's amount is 1.00). LakiPay does not say whether its webhook key is each
	// merchant's own or shared by all of them; if shared, any LakiPay account can make such a
	// webhook (a checkout of its own with the victim's reference) and post it to the victim's
	// callback_url. A receiver must act only on a transaction id its own checkout got back
	// (and only for its order's amount and currency).
	CaseForeignAmount DeliveryCase = "foreign_amount"
	// CaseForeignCurrency is [CaseForeignAmount] for the session's own amount in another
	// currency (USD, or ETB for a USD session).
	CaseForeignCurrency DeliveryCase = "foreign_currency"
	// CaseForeignSession is [CaseForeignAmount] for the session's own amount and currency:
	// only its transaction id tells it apart. It is what such an attack costs nothing but
	// fees: the attacker pays the order's price into an account of its own, and a receiver
	// that checks the amount and currency but not the transaction id ships the order.
	CaseForeignSession DeliveryCase = "foreign_session"
)

// OversizedBytes is the size of a [CaseOversized] body: 1 MiB and one byte, 16 times
// client.MaxWebhookBytes. LakiPay's webhooks are a few hundred bytes; any limit up to 1 MiB
// refuses it (client.WebhookHandler's 64 KiB, Express's default 100 KB). It is streamed, never
// held in memory.
const OversizedBytes = 1<<20 + 1

// deliveryCases lists every case, in the order the documentation gives them.
var deliveryCases = []DeliveryCase{
	CaseGenuine, CaseDuplicate, CaseResent, CaseEarlier, CaseForgedSignature, CaseTamperedStatus,
	CaseTamperedAmount, CaseTamperedTransaction, CaseReplayed, CaseUnsigned, CaseShiftedKey,
	CaseShiftedValue, CaseDuplicateKey, CaseOversized, CaseForeignAmount, CaseForeignCurrency,
	CaseForeignSession,
}

// DeliveryCases returns every delivery case.
func DeliveryCases() []DeliveryCase { return append([]DeliveryCase(nil), deliveryCases...) }

// Hostile reports whether c is a body a receiver must refuse: every case but genuine,
// duplicate, resent, earlier, replayed and the foreign ones.
func (c DeliveryCase) Hostile() bool {
	switch c {
	case CaseGenuine, CaseDuplicate, CaseResent, CaseEarlier, CaseReplayed, CaseForeignAmount, CaseForeignCurrency, CaseForeignSession:
		return false
	}
	return c.valid()
}

// foreign reports whether c is about a session the merchant never created, whose transaction
// id the body carries.
func (c DeliveryCase) foreign() bool {
	return c == CaseForeignAmount || c == CaseForeignCurrency || c == CaseForeignSession
}

// usesOther reports whether c is made of another transaction's genuine webhook
// ([DeliverRequest] ReplayOf).
func (c DeliveryCase) usesOther() bool { return c == CaseReplayed || c == CaseTamperedTransaction }

func (c DeliveryCase) valid() bool { return slices.Contains(deliveryCases, c) }

func caseList() string { return joinNames(deliveryCases) }

// caseDeliveryLocked returns the delivery of case c about s (URL not set) and the padding
// of an oversized body; other is the transaction a replay replays. The signing keys are
// ready; the caller holds f.mu.
func (f *Fake) caseDeliveryLocked(s *session, c DeliveryCase, other *session) (Delivery, int, error) {
	d := Delivery{TransactionID: s.id, Status: client.TransactionStatus(s.status), Case: c}
	needsFinal := c != CaseForgedSignature && c != CaseUnsigned && c != CaseShiftedKey && c != CaseShiftedValue && !c.foreign()
	if c.usesOther() {
		if !other.final() {
			return d, 0, fmt.Errorf("%w: transaction %s (replay_of) is %s: it has no genuine webhook to replay until it is final", ErrScript, other.id, other.status)
		}
	} else if needsFinal && !s.final() {
		return d, 0, fmt.Errorf("%w: transaction %s is %s: case %q needs its genuine webhook, which exists once it is final (pay, fail or cancel it first)", ErrScript, s.id, s.status, c)
	}
	var (
		body []byte
		pad  int
		err  error
	)
	switch c {
	case CaseGenuine, CaseDuplicate:
		body, err = f.webhookBody(s)
	case CaseResent:
		event := eventOf(s)
		event.Timestamp = later(f.now().UTC().Truncate(time.Second), event.Timestamp.Add(time.Second))
		body, err = f.signGenuine(event, s.scripted)
	case CaseEarlier:
		d.Status = client.TransactionStatusPENDING
		event := eventOf(s)
		event.Status = client.TransactionStatusPENDING
		event.Timestamp = event.Timestamp.Add(-time.Second)
		body, err = f.signGenuine(event, s.scripted)
	case CaseTamperedStatus:
		to := otherFinal(s.status)
		d.Status = to
		body, err = f.tamper(s, "status", `"`+string(to)+`"`)
	case CaseTamperedAmount:
		body, err = f.tamper(s, "amount", tamperedAmount(s.req.Amount))
	case CaseDuplicateKey:
		d.Status = otherFinal(s.status)
		if body, err = f.webhookBody(s); err == nil {
			body = webhooks.RepeatField(body, "status", `"`+string(d.Status)+`"`)
		}
	case CaseTamperedTransaction:
		d.Status = client.TransactionStatus(other.status)
		body, err = f.tamper(other, "transaction_id", strconv.Quote(s.id))
	case CaseReplayed:
		d.Status = client.TransactionStatus(other.status)
		body, err = f.webhookBody(other)
	case CaseForeignAmount, CaseForeignCurrency, CaseForeignSession:
		d.Status = client.TransactionStatusSUCCESS
		body, err = f.foreignSuccess(s, c)
	case CaseForgedSignature:
		d.Status = client.TransactionStatusSUCCESS
		body, err = webhooks.Forged(f.claimEvent(s))
	case CaseUnsigned:
		d.Status = client.TransactionStatusSUCCESS
		body, err = webhooks.Unsigned(f.claimEvent(s))
	case CaseShiftedKey, CaseShiftedValue:
		d.Status = client.TransactionStatusSUCCESS
		body, err = f.shifted(s, c)
	case CaseOversized:
		if body, err = f.webhookBody(s); err == nil {
			pad = OversizedBytes - len(body)
		}
	}
	if err != nil {
		return d, 0, fmt.Errorf("contracttest: build a %s delivery: %w", c, err)
	}
	d.Body, d.Size = body, len(body)+pad
	return d, pad, nil
}

// otherFinal is the status a forgery claims instead of status: SUCCESS, or CANCELLED for a
// SUCCESS.
func otherFinal(status client.TransactionStatus) client.TransactionStatus {
	if status == client.TransactionStatusSUCCESS {
		return client.TransactionStatusCANCELLED
	}
	return client.TransactionStatusSUCCESS
}

// tamper returns s's genuine webhook with the value of one top-level field replaced by
// value, the signature left as it was.
func (f *Fake) tamper(s *session, field, value string) ([]byte, error) {
	body, err := f.webhookBody(s)
	if err != nil {
		return nil, err
	}
	return webhooks.Tamper(body, field, value)
}

// tamperedAmount is amount raised by 1.00, or lowered by 1.00 when that is out of range, in
// shortest form.
func tamperedAmount(amount client.Amount) string {
	changed, err := client.AmountFromMinor(amount.Minor() + 100)
	if err != nil {
		changed, _ = client.AmountFromMinor(amount.Minor() - 100) // the largest amount is far above 1.00
	}
	text, _ := changed.MarshalJSON() // never fails
	return string(text)
}

// later returns the later of a and b.
func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// foreignSuccess returns the genuinely signed SUCCESS of a session the merchant never made,
// naming s's reference: another amount, another currency, or s's own (CaseForeignSession);
// the caller holds f.mu.
func (f *Fake) foreignSuccess(s *session, c DeliveryCase) ([]byte, error) {
	event := f.claimEvent(s)
	event.TransactionID = f.newIDLocked("TXN-", 8) // never a session's: the fake hands it out once
	switch c {
	case CaseForeignSession:
		return f.signGenuine(event, s.scripted)
	case CaseForeignCurrency:
		event.Currency = "USD"
		if s.req.Currency == "USD" {
			event.Currency = "ETB"
		}
		return f.signGenuine(event, s.scripted)
	}
	one, err := client.AmountFromMinor(100)
	if err != nil {
		return nil, err
	}
	if s.req.Amount.Cmp(one) == 0 {
		if one, err = client.AmountFromMinor(200); err != nil {
			return nil, err
		}
	}
	event.Amount = one
	return f.signGenuine(event, s.scripted)
}

// claimEvent is the webhook of a SUCCESS that s never had (or had): what an attacker claims.
// Its medium is s's, else the first one s offers; its timestamp now.
func (f *Fake) claimEvent(s *session) client.WebhookEvent {
	event := eventOf(s)
	event.Status = client.TransactionStatusSUCCESS
	if event.Medium == "" && len(s.req.SupportedMediums) > 0 {
		event.Medium = s.req.SupportedMediums[0]
	}
	event.Timestamp = f.now().UTC().Truncate(time.Second)
	return event
}

// shifted returns the boundary-shift forgery claiming SUCCESS for s, through a key or a value,
// carrying the fake's genuine signature over the shared canonical string.
func (f *Fake) shifted(s *session, c DeliveryCase) ([]byte, error) {
	key, err := f.signingKey()
	if err != nil {
		return nil, err
	}
	return webhooks.Shifted(key, f.claimEvent(s), c == CaseShiftedKey)
}
