package contracttest_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/contracttest"
	"github.com/lakipay/checkout-go/internal/webhook"
	"github.com/lakipay/checkout-go/internal/webhook/forge"
)

// event is what a test receiver reads of a webhook.
type event struct {
	ID        string                   `json:"transaction_id"`
	Reference string                   `json:"reference"`
	Status    client.TransactionStatus `json:"status"`
	Amount    client.Amount            `json:"amount"`
	Currency  string                   `json:"currency"`
	Signature string                   `json:"signature"`
}

// verifier checks a body and decodes what the receiver acts on.
type verifier func(body []byte, key *rsa.PublicKey) (event, error)

// trustBody decodes a body without verifying anything.
func trustBody(body []byte, _ *rsa.PublicKey) (event, error) {
	var ev event
	err := json.Unmarshal(body, &ev)
	return ev, err
}

// sdkVerify is the SDK's ParseWebhook.
func sdkVerify(body []byte, key *rsa.PublicKey) (event, error) {
	ev, err := client.ParseWebhook(body, key)
	if err != nil {
		return event{}, err
	}
	return event{ID: ev.TransactionID, Reference: ev.Reference, Status: ev.Status, Amount: ev.Amount, Currency: ev.Currency}, nil
}

// rsaOnlyVerify verifies the signature (ambiguity included) without any size limit.
func rsaOnlyVerify(body []byte, key *rsa.PublicKey) (event, error) {
	if err := webhook.Verify(body, key); err != nil {
		return event{}, err
	}
	return trustBody(body, nil)
}

// naiveVerify verifies the signature over the canonical string without the ambiguity check,
// as LakiPay's own SDKs do.
func naiveVerify(body []byte, key *rsa.PublicKey) (event, error) {
	canonical, err := forge.NaiveCanonical(string(body))
	if err != nil {
		return event{}, err
	}
	ev, err := trustBody(body, nil)
	if err != nil || ev.Signature == "" {
		return event{}, errors.New("no signature")
	}
	raw, err := base64.StdEncoding.DecodeString(ev.Signature)
	if err != nil {
		return event{}, err
	}
	digest := sha256.Sum256([]byte(canonical))
	if err := rsa.VerifyPKCS1v15(key, crypto.SHA256, digest[:], raw); err != nil {
		return event{}, err
	}
	return ev, nil
}

// firstKeyVerify verifies the first of each repeated key but reads the body as
// encoding/json does, keeping the last: the parser differential a repeated key exploits.
func firstKeyVerify(body []byte, key *rsa.PublicKey) (event, error) {
	first, err := firstKeys(body)
	if err != nil {
		return event{}, err
	}
	if err := webhook.Verify(first, key); err != nil {
		return event{}, err
	}
	return trustBody(body, nil)
}

// firstKeys rewrites a JSON object keeping the first of each repeated key.
func firstKeys(body []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errors.New("not an object")
	}
	seen := map[string]bool{}
	out := []byte{'{'}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil, err
		}
		key, _ := tok.(string)
		if seen[key] {
			continue
		}
		seen[key] = true
		if len(out) > 1 {
			out = append(out, ',')
		}
		quoted, _ := json.Marshal(key)
		out = append(append(append(out, quoted...), ':'), value...)
	}
	return append(out, '}'), nil
}

// dedupKind is how a test receiver de-duplicates.
type dedupKind int

const (
	pairDedup   dedupKind = iota // transaction_id + status, nothing the spec knows after a final status: correct
	noDedup                      // none
	txOnlyDedup                  // transaction_id alone: drops the final webhook after a PENDING
	pairOnly                     // transaction_id + status, unaware of final statuses
	bodyDedup                    // the body's bytes: acts again on the same status sent anew
)

// refusal is how a test receiver refuses a body over client.MaxWebhookBytes.
type refusal int

const (
	refuseAfterReading  refusal = iota // 413 once it has read past the limit
	refuseBeforeReading                // 413 at once, by Content-Length
	refuseByClosing                    // closes the connection without an answer
	refuseByResetting                  // resets the connection
	readAnySize                        // no limit: the bug of one receiver
)

// bugs is how a test receiver is written: its zero value is a correct receiver.
type bugs struct {
	verify      verifier // nil: the SDK's
	oversized   refusal
	dedup       dedupKind
	dedupFirst  bool // remembers a webhook before verifying it
	settleFirst bool // acts on a webhook before verifying it
	trustSeen   bool // trusts any body whose signature it has verified before
	// payOn and releaseOn say which statuses it settles as paid and releases as not paid
	// (nil: SUCCESS, and CANCELLED or FAILED).
	payOn, releaseOn    func(client.TransactionStatus) bool
	noTransactionCheck  bool // pays an order whatever session the payment was made to
	noAmountCheck       bool // pays an order for any amount
	noCurrencyCheck     bool // pays an order in any currency
	refuseAll, ackAllDo bool // answers 400 to everything; answers 200 to everything and does nothing
}

// order is an order of a test receiver's order book, with what it did about it.
type order struct {
	amount   client.Amount
	currency string
	txID     string // the transaction its checkout got back
	effects  contracttest.Effects
}

// mutant is a webhook receiver with one deliberate bug (or none): the suite must fail it on
// exactly the cases that expose that bug. With a session opener it keeps an order book and
// acts on an order by the webhook's reference, as examples/shop does; without one it acts on
// any transaction.
type mutant struct {
	bugs
	key *rsa.PublicKey
	url string // where it receives webhooks

	mu      sync.Mutex
	seen    map[string]bool // dedup keys
	final   map[string]bool // transactions whose final status was acted on
	sigs    map[string]bool // signatures verified (trustSeen)
	book    map[string]*order
	effects map[string]contracttest.Effects // without an order book: per transaction id
}

// serveMutant serves a test receiver with bugs b until the test ends.
func serveMutant(t *testing.T, b bugs, key *rsa.PublicKey) *mutant {
	t.Helper()
	m := &mutant{bugs: b, key: key, seen: map[string]bool{}, final: map[string]bool{}, sigs: map[string]bool{},
		effects: map[string]contracttest.Effects{}}
	hook := httptest.NewServer(m)
	t.Cleanup(hook.Close)
	m.url = hook.URL
	return m
}

// opener is the receiver's application opening a checkout against srv, as for a shopper:
// an order of its own (each a little dearer than the one before) whose reference and
// callback_url are the receiver's.
func (m *mutant) opener(t *testing.T, srv *contracttest.Server) contracttest.SessionOpener {
	c, err := client.New(testKey, client.WithBaseURL(srv.URL()))
	require.NoError(t, err)
	m.book = map[string]*order{}
	return func(ctx context.Context) (string, error) {
		m.mu.Lock()
		n := len(m.book) + 1
		m.mu.Unlock()
		amount, err := client.AmountFromMinor(int64(25_075 + n))
		if err != nil {
			return "", err
		}
		ref := fmt.Sprintf("ORDER-%s-%d", strings.TrimPrefix(m.url, "http://127.0.0.1:"), n) // unique per receiver
		session, err := c.CreateCheckout(ctx, client.CheckoutRequest{Amount: amount, Currency: "ETB", PhoneNumber: "251911111111",
			Reference: ref, CallbackURL: m.url, SupportedMediums: []client.Medium{client.MediumTELEBIRR},
			Redirects: client.Redirects{Success: "https://shop.example/ok", Failed: "https://shop.example/ko"}})
		if err != nil {
			return "", err
		}
		m.mu.Lock()
		defer m.mu.Unlock()
		m.book[ref] = &order{amount: amount, currency: "ETB", txID: session.LakipayTransactionID}
		return session.LakipayTransactionID, nil
	}
}

// report returns the receiver's effects on a transaction: those of the order whose checkout
// got it, with an order book.
func (m *mutant) report(_ context.Context, id string) (contracttest.Effects, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, o := range m.book {
		if o.txID == id {
			return o.effects, nil
		}
	}
	return m.effects[id], nil
}

func (m *mutant) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.ContentLength > client.MaxWebhookBytes && m.oversized != readAnySize {
		m.refuseOversized(w, r)
		return
	}
	body, err := io.ReadAll(r.Body)
	switch {
	case err != nil || m.refuseAll:
		w.WriteHeader(http.StatusBadRequest)
		return
	case m.ackAllDo:
		return
	}
	m.mu.Lock() // one webhook at a time: no race between the check and the act
	defer m.mu.Unlock()
	fresh := false // the webhook was new when it was looked at before verifying
	if m.dedupFirst || m.settleFirst {
		ev, err := trustBody(body, nil)
		switch {
		case err != nil:
		case m.repeatLocked(ev, body):
			if m.dedupFirst {
				return // a repeat, answered 200 unverified
			}
		default:
			if m.settleFirst {
				m.actLocked(ev)
			}
			m.rememberLocked(ev, body)
			fresh = true
		}
	}
	ev, err := m.verifyLocked(body)
	switch {
	case err != nil:
		w.WriteHeader(http.StatusBadRequest)
	case m.settleFirst: // acted on already
	case m.dedupFirst:
		if fresh {
			m.actLocked(ev)
		}
	case !m.repeatLocked(ev, body):
		m.actLocked(ev)
		m.rememberLocked(ev, body)
	}
}

// refuseOversized refuses a body over the limit the receiver's way.
func (m *mutant) refuseOversized(w http.ResponseWriter, r *http.Request) {
	switch m.oversized {
	case refuseBeforeReading:
		w.Header().Set("Connection", "close")
		w.WriteHeader(http.StatusRequestEntityTooLarge)
	case refuseByClosing, refuseByResetting:
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			panic(err)
		}
		if tcp, ok := conn.(*net.TCPConn); ok && m.oversized == refuseByResetting {
			_ = tcp.SetLinger(0) // close sends a reset
		}
		_ = conn.Close()
	default:
		// Read past the limit, then refused and drained (up to 2 MiB) so that the connection
		// closes at once: a handler that answers without reading makes net/http linger half
		// a second on the connection, which each test's Close would wait for.
		_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 2<<20))
		w.WriteHeader(http.StatusRequestEntityTooLarge)
	}
}

// verifyLocked checks the body: with trustSeen, a signature verified before is enough.
func (m *mutant) verifyLocked(body []byte) (event, error) {
	verify := m.verify
	if verify == nil {
		verify = sdkVerify
	}
	if m.trustSeen {
		if ev, err := trustBody(body, nil); err == nil && m.sigs[ev.Signature] {
			return ev, nil
		}
	}
	ev, err := verify(body, m.key)
	if err == nil && m.trustSeen {
		var signed event
		_ = json.Unmarshal(body, &signed)
		m.sigs[signed.Signature] = true
	}
	return ev, err
}

func (m *mutant) dedupKey(ev event, body []byte) string {
	switch m.dedup {
	case txOnlyDedup:
		return ev.ID
	case bodyDedup:
		sum := sha256.Sum256(body)
		return string(sum[:])
	}
	return ev.ID + "/" + string(ev.Status)
}

// repeatLocked reports whether the webhook was handled before.
func (m *mutant) repeatLocked(ev event, body []byte) bool {
	switch {
	case m.dedup == noDedup:
		return false
	case m.dedup == pairDedup && m.final[ev.ID] && ev.Status.Valid():
		return true
	}
	return m.seen[m.dedupKey(ev, body)]
}

func (m *mutant) rememberLocked(ev event, body []byte) { m.seen[m.dedupKey(ev, body)] = true }

// actLocked does what the receiver does about a webhook: settle its order as paid, or
// release it, by its reference and only for the order's own transaction, amount and currency
// when it keeps an order book.
func (m *mutant) actLocked(ev event) {
	payOn, releaseOn := m.payOn, m.releaseOn
	if payOn == nil {
		payOn = func(s client.TransactionStatus) bool { return s == client.TransactionStatusSUCCESS }
	}
	if releaseOn == nil {
		releaseOn = func(s client.TransactionStatus) bool {
			return s == client.TransactionStatusCANCELLED || s == client.TransactionStatusFAILED
		}
	}
	effects := m.effects[ev.ID]
	target := &effects
	if m.book != nil {
		o := m.book[ev.Reference]
		if o == nil {
			return // not an order of this shop
		}
		if payOn(ev.Status) && (!m.noTransactionCheck && ev.ID != o.txID ||
			!m.noAmountCheck && ev.Amount.Cmp(o.amount) != 0 || !m.noCurrencyCheck && ev.Currency != o.currency) {
			return // not this order's payment: a person looks at it
		}
		target = &o.effects
	}
	if payOn(ev.Status) {
		target.Paid++
	}
	if releaseOn(ev.Status) {
		target.Released++
	}
	if ev.Status.IsFinal() {
		m.final[ev.ID] = true
	}
	if m.book == nil {
		m.effects[ev.ID] = effects
	}
}
