package contracttest

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/internal/contract"
)

// Pay completes session id as paid with medium, as a shopper would on the hosted page: the
// status becomes SUCCESS and a webhook goes to the callback_url.
func (f *Fake) Pay(id string, medium client.Medium) error {
	_, err := f.complete(id, medium, client.TransactionStatusSUCCESS)
	return err
}

// Fail completes session id as failed at the provider for medium: the status becomes FAILED
// and a webhook goes to the callback_url.
func (f *Fake) Fail(id string, medium client.Medium) error {
	_, err := f.complete(id, medium, client.TransactionStatusFAILED)
	return err
}

// Cancel cancels session id, as a shopper would on the hosted page: the status becomes
// CANCELLED and a webhook goes to the callback_url.
func (f *Fake) Cancel(id string) error {
	_, err := f.complete(id, "", client.TransactionStatusCANCELLED)
	return err
}

// Decline scripts a provider failure on the hosted page: the next payment the shopper makes
// there for session id fails (FAILED, redirect to redirects.failed) instead of succeeding.
func (f *Fake) Decline(id string) error {
	_, err := f.decline(id)
	return err
}

// decline is Decline, returning the transaction as it is afterwards.
func (f *Fake) decline(id string) (client.Transaction, error) {
	return f.change(id, func(s *session) error {
		if s.final() {
			return fmt.Errorf("%w (%s)", ErrFinal, s.status)
		}
		s.decline = true
		return nil
	})
}

// SetStatus scripts what LakiPay may send before openapi.yaml knows it: transaction id takes
// status (any upper-case word, such as REFUNDED) and, unless medium is "", medium (any
// upper-case word, such as AWASH, offered by the session or not), and a webhook goes to the
// callback_url, signed. Transaction detail shows both from then on. It is how a test checks
// that its code carries a status or a medium it does not know (Valid false) through, as
// package client does.
//
// A value openapi.yaml does not know is sent on purpose, so the fake's self-check lets exactly
// that value pass, while a [Transport] (and live mode) still reports it as a deviation from
// the spec. A status the spec does not know leaves the fake unable to tell whether the
// transaction is final: it takes no other change but another SetStatus. A session that is
// final takes only a status the spec does not know (LakiPay's known statuses never leave a
// final one): anything else is [ErrFinal]. A status or medium that is not an upper-case word
// is [ErrScript].
func (f *Fake) SetStatus(id string, status client.TransactionStatus, medium client.Medium) error {
	_, err := f.setStatus(id, status, medium)
	return err
}

// upperWord is what SetStatus takes as a status or medium: an upper-case word.
var upperWord = regexp.MustCompile(`^[A-Z][A-Z0-9_]{0,63}$`)

// setStatus is SetStatus, returning the transaction as it is afterwards.
func (f *Fake) setStatus(id string, status client.TransactionStatus, medium client.Medium) (client.Transaction, error) {
	if !upperWord.MatchString(string(status)) {
		return client.Transaction{}, fmt.Errorf("%w: status %q is not an upper-case word such as REFUNDED", ErrScript, status)
	}
	if medium != "" && !upperWord.MatchString(string(medium)) {
		return client.Transaction{}, fmt.Errorf("%w: medium %q is not an upper-case word such as AWASH", ErrScript, medium)
	}
	return f.change(id, func(s *session) error {
		wasFinal := s.final()
		if wasFinal && status.Valid() {
			return fmt.Errorf("%w (%s): only a status openapi.yaml does not know may follow", ErrFinal, s.status)
		}
		f.setStatusLocked(s, status, medium)
		if !wasFinal && s.final() {
			f.sessions.finished(s)
		}
		f.startWebhookLocked(s)
		return nil
	})
}

// setStatusLocked gives s status and, unless it is "", medium, noting the values openapi.yaml
// does not know as scripted; the caller holds f.mu.
func (f *Fake) setStatusLocked(s *session, status client.TransactionStatus, medium client.Medium) {
	s.status, s.scripted.status = status, ""
	if !status.Valid() {
		s.scripted.status = string(status)
	}
	if medium != "" {
		s.medium, s.scripted.medium = medium, ""
		if !medium.Valid() {
			s.scripted.medium = string(medium)
		}
		f.cov.enum("Medium", string(medium))
	}
	s.updated = f.now().UTC()
	f.cov.enum("TransactionStatus", string(status))
	f.log.Info("lakipay fake: transaction status scripted", "transaction_id", s.id, "status", status, "medium", medium)
}

// scripted are the values [Fake.SetStatus] gave a session that openapi.yaml does not know.
type scripted struct{ status, medium string }

// deliberate reports whether v is the fake's own answer or webhook carrying one of the values
// a test scripted on purpose: an enum violation of a status or medium field, with exactly the
// scripted value.
func (sc scripted) deliberate(v contract.Violation) bool {
	if v.Rule != contract.RuleEnum {
		return false
	}
	var want string
	switch v.Pointer[strings.LastIndexByte(v.Pointer, '/')+1:] {
	case "status":
		want = sc.status
	case "medium":
		want = sc.medium
	}
	return want != "" && v.Value == strconv.Quote(want)
}

// MuteWebhooks makes session id's status changes send no webhook of their own from now on
// (no genuine webhook, copy, earlier status or hostile delivery of the [DeliveryBehaviour]):
// only [Fake.Deliver] sends its webhooks; unlike [Fake.HoldWebhooks], nothing is kept to be
// released. The receiver suite mutes the sessions a merchant's
// [SessionOpener] made, whose callback_url is the receiver, so that every delivery the
// receiver gets is the one a case sends, when it sends it.
func (f *Fake) MuteWebhooks(id string) error {
	_, err := f.muteWebhooks(id)
	return err
}

// muteWebhooks is MuteWebhooks, returning the transaction.
func (f *Fake) muteWebhooks(id string) (client.Transaction, error) {
	return f.change(id, func(s *session) error {
		s.muted = true
		return nil
	})
}

// complete moves a session to a final status and starts its webhook; it returns the
// transaction as it is afterwards.
func (f *Fake) complete(id string, medium client.Medium, status client.TransactionStatus) (client.Transaction, error) {
	return f.change(id, func(s *session) error { return f.completeLocked(s, medium, status) })
}

// change applies fn to session id under f.mu and returns the transaction as it is afterwards
// (read under the same lock: the session may be forgotten right after). It waits for the
// signing key first, outside f.mu, since fn may start a webhook: other calls are not held up.
func (f *Fake) change(id string, fn func(*session) error) (client.Transaction, error) {
	_, _ = f.signingKey()
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.sessions.byID[id]
	if !ok {
		return client.Transaction{}, fmt.Errorf("%w %q", ErrUnknownTransaction, id)
	}
	if err := fn(s); err != nil {
		return client.Transaction{}, err
	}
	return transactionOf(s), nil
}

// completeLocked moves s to a final status, paid with medium ("" for none); the caller holds
// f.mu.
func (f *Fake) completeLocked(s *session, medium client.Medium, status client.TransactionStatus) error {
	if s.final() {
		return fmt.Errorf("%w (%s)", ErrFinal, s.status)
	}
	if medium != "" && !offers(s, medium) {
		return fmt.Errorf("%w: %q (offered: %s)", ErrMediumNotOffered, medium, mediumList(s))
	}
	s.status = status
	if medium != "" {
		s.medium = medium
		f.cov.enum("Medium", string(medium))
	}
	s.updated = f.now().UTC()
	f.sessions.finished(s)
	f.cov.enum("TransactionStatus", string(status))
	f.log.Info("lakipay fake: transaction changed", "transaction_id", s.id, "status", status)
	f.noteStatusLocked(s)
	f.startWebhookLocked(s)
	return nil
}

func offers(s *session, m client.Medium) bool {
	for _, o := range s.req.SupportedMediums {
		if o == m {
			return true
		}
	}
	return false
}

func mediumList(s *session) string { return joinNames(s.req.SupportedMediums) }

// joinNames lists enum values for a message: "MPESA, CBE".
func joinNames[T ~string](values []T) string {
	names := make([]string, len(values))
	for i, v := range values {
		names[i] = string(v)
	}
	return strings.Join(names, ", ")
}
