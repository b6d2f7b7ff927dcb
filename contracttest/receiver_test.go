package contracttest_test

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/contracttest"
	"github.com/lakipay/checkout-go/internal/secrettest"
	"github.com/lakipay/checkout-go/internal/webhook"
	"github.com/lakipay/checkout-go/internal/webhook/forge"
)

// dedupKind is how a test receiver de-duplicates.
type dedupKind int

const (
	noDedup     dedupKind = iota
	pairDedup             // transaction_id + status, and nothing after a final status: correct
	txOnlyDedup           // transaction_id alone: drops the final webhook after a PENDING
	pairOnly              // transaction_id + status, unaware of final statuses
)

// verifier checks a body and decodes what the receiver acts on.
type verifier func(body []byte, key *rsa.PublicKey) (id, status string, err error)

// bugs is how a test receiver is written: correct, or with deliberate bugs.
type bugs struct {
	verify     verifier
	limit      bool // refuse bodies over client.MaxWebhookBytes
	dedup      dedupKind
	dedupFirst bool // remember a webhook before verifying it
	actOnAll   bool // act on every status, not only final ones
}

// mutant is a webhook receiver with one deliberate bug (or none): the suite must fail it on
// exactly the cases that expose that bug.
type mutant struct {
	bugs
	key *rsa.PublicKey

	mu      sync.Mutex
	seen    map[string]bool // dedup keys
	final   map[string]bool // transactions whose final status was acted on
	effects map[string]int  // transaction id → times acted
}

func newMutant(b bugs, key *rsa.PublicKey) *mutant {
	return &mutant{bugs: b, key: key, seen: map[string]bool{}, final: map[string]bool{}, effects: map[string]int{}}
}

func (m *mutant) count(id string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.effects[id]
}

func (m *mutant) dedupKey(id, status string) string {
	if m.dedup == txOnlyDedup {
		return id
	}
	return id + "/" + status
}

// isRepeat reports (and with remember, records) whether the webhook was seen; the caller
// holds m.mu.
func (m *mutant) isRepeatLocked(id, status string) bool {
	if m.dedup == noDedup {
		return false
	}
	if m.dedup == pairDedup && m.final[id] {
		return true
	}
	return m.seen[m.dedupKey(id, status)]
}

func (m *mutant) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, client.MaxWebhookBytes+1))
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	if m.limit && len(body) > client.MaxWebhookBytes {
		// Refused, then drained (up to 2 MiB) so that the connection closes at once: a
		// handler that answers without reading, as http.MaxBytesReader does, makes net/http
		// linger half a second on the connection, which each test's Close would wait for.
		_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 2<<20))
		w.WriteHeader(http.StatusRequestEntityTooLarge)
		return
	}
	if rest, _ := io.ReadAll(r.Body); len(rest) > 0 {
		body = append(body, rest...) // no limit: the bug of one mutant
	}
	m.mu.Lock() // one webhook at a time: no race between the check and the act
	defer m.mu.Unlock()
	if m.dedupFirst {
		id, status, err := trustBody(body, nil)
		if err == nil {
			if m.isRepeatLocked(id, status) {
				w.WriteHeader(http.StatusOK)
				return
			}
			m.seen[m.dedupKey(id, status)] = true
		}
	}
	id, status, err := m.verify(body, m.key)
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	if !m.dedupFirst && m.isRepeatLocked(id, status) {
		w.WriteHeader(http.StatusOK)
		return
	}
	final := client.TransactionStatus(status).IsFinal()
	if final || m.actOnAll {
		m.effects[id]++
	}
	if final {
		m.final[id] = true
	}
	m.seen[m.dedupKey(id, status)] = true
	w.WriteHeader(http.StatusOK)
}

// serveReceiver serves a test receiver until the test ends.
func serveReceiver(t *testing.T, h http.Handler) string {
	t.Helper()
	hook := httptest.NewServer(h)
	t.Cleanup(hook.Close)
	return hook.URL
}

// trustBody decodes a body without verifying anything.
func trustBody(body []byte, _ *rsa.PublicKey) (string, string, error) {
	var ev struct {
		TransactionID string `json:"transaction_id"`
		Status        string `json:"status"`
	}
	err := json.Unmarshal(body, &ev)
	return ev.TransactionID, ev.Status, err
}

// sdkVerify is the SDK's ParseWebhook.
func sdkVerify(body []byte, key *rsa.PublicKey) (string, string, error) {
	ev, err := client.ParseWebhook(body, key)
	if err != nil {
		return "", "", err
	}
	return ev.TransactionID, string(ev.Status), nil
}

// rsaOnlyVerify verifies the signature (ambiguity included) without any size limit.
func rsaOnlyVerify(body []byte, key *rsa.PublicKey) (string, string, error) {
	if err := webhook.Verify(body, key); err != nil {
		return "", "", err
	}
	return trustBody(body, nil)
}

// naiveVerify verifies the signature over the canonical string without the ambiguity check,
// as LakiPay's own SDKs do.
func naiveVerify(body []byte, key *rsa.PublicKey) (string, string, error) {
	canonical, err := forge.NaiveCanonical(string(body))
	if err != nil {
		return "", "", err
	}
	var sig struct {
		Signature string `json:"signature"`
	}
	if err := json.Unmarshal(body, &sig); err != nil || sig.Signature == "" {
		return "", "", errors.New("no signature")
	}
	raw, err := base64.StdEncoding.DecodeString(sig.Signature)
	if err != nil {
		return "", "", err
	}
	digest := sha256.Sum256([]byte(canonical))
	if err := rsa.VerifyPKCS1v15(key, crypto.SHA256, digest[:], raw); err != nil {
		return "", "", err
	}
	return trustBody(body, nil)
}

// suiteTB is a testing.TB that records failures, fatal ones included, and logs instead of
// failing or printing.
type suiteTB struct {
	testing.TB
	mu     sync.Mutex
	errors []string
	fatal  string
	logs   []string
}

func (r *suiteTB) Helper() {}

func (r *suiteTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *suiteTB) Fatalf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fatal = fmt.Sprintf(format, args...)
}

func (r *suiteTB) Fatal(args ...any) { r.Fatalf("%s", fmt.Sprint(args...)) }

func (r *suiteTB) Log(args ...any) { r.Logf("%s", fmt.Sprint(args...)) }

func (r *suiteTB) Logf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.logs = append(r.logs, fmt.Sprintf(format, args...))
}

func failedCases(report *contracttest.ReceiverReport) []string {
	var out []string
	for _, res := range report.Failures() {
		out = append(out, res.Case)
	}
	return out
}

var allButGenuine = []string{"duplicate", "duplicate_concurrent", "stale", "final_late", "replayed", "forged_signature",
	"tampered_status", "tampered_amount", "unsigned", "shifted_key", "shifted_value", "oversized"}

// TestReceiverSuiteCatchesEachBug runs the suite against receivers with one deliberate bug
// each: the suite fails each on exactly the cases that expose its bug, names them in the
// test's failures, and passes the correct receiver.
func TestReceiverSuiteCatchesEachBug(t *testing.T) {
	srv := contracttest.NewServer(t)
	tests := []struct {
		name  string
		m     bugs
		fails []string
	}{
		{"correct", bugs{verify: sdkVerify, limit: true, dedup: pairDedup}, nil},
		{"naive: verifies nothing, settles every delivery", bugs{verify: trustBody, actOnAll: true}, allButGenuine},
		{"no de-duplication", bugs{verify: sdkVerify, limit: true}, []string{"duplicate", "duplicate_concurrent", "replayed"}},
		{"de-duplicates on transaction_id alone", bugs{verify: sdkVerify, limit: true, dedup: txOnlyDedup}, []string{"final_late"}},
		{"acts on every status", bugs{verify: sdkVerify, limit: true, dedup: pairOnly, actOnAll: true}, []string{"stale", "final_late"}},
		{"remembers a webhook before verifying it", bugs{verify: sdkVerify, limit: true, dedup: pairDedup, dedupFirst: true},
			[]string{"forged_signature", "tampered_amount", "unsigned", "shifted_key"}},
		{"verifies without the ambiguity check", bugs{verify: naiveVerify, limit: true, dedup: pairDedup}, []string{"shifted_key", "shifted_value"}},
		{"reads any size", bugs{verify: rsaOnlyVerify, dedup: pairDedup}, []string{"oversized"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMutant(tt.m, srv.PublicKey())
			hook := serveReceiver(t, m)
			rec := &suiteTB{TB: t}
			report := contracttest.CheckReceiver(rec, srv, hook, m.count, contracttest.WithEffectTimeout(0))
			require.Empty(t, rec.fatal)
			assert.Equal(t, tt.fails, failedCases(report))
			assert.Equal(t, len(tt.fails) == 0, report.Passed())
			require.Len(t, rec.errors, len(tt.fails), "one failure per case the receiver got wrong")
			for i, name := range tt.fails {
				assert.Contains(t, rec.errors[i], "webhook receiver suite: case "+name+" failed\n")
			}
			for _, res := range report.Results {
				if !slices.Contains(tt.fails, res.Case) {
					assert.Equal(t, contracttest.Passed, res.Answers, res.Case)
					assert.Equal(t, contracttest.Passed, res.Effects, res.Case)
					assert.Empty(t, res.Problems, res.Case)
				}
			}
		})
	}
}

// TestReceiverSuiteSaysWhy checks the failures of a naive receiver read as what it did wrong:
// the expected and actual answers and effects, and why it matters.
func TestReceiverSuiteSaysWhy(t *testing.T) {
	srv := contracttest.NewServer(t)
	m := newMutant(bugs{verify: trustBody, actOnAll: true}, srv.PublicKey())
	hook := serveReceiver(t, m)
	rec := &suiteTB{TB: t}
	report := contracttest.CheckReceiver(rec, srv, hook, m.count, contracttest.WithEffectTimeout(0),
		contracttest.WithCases("duplicate", "final_late", "forged_signature", "oversized"))
	require.Len(t, rec.errors, 4)
	byCase := map[string]contracttest.ReceiverResult{}
	for _, res := range report.Results {
		byCase[res.Case] = res
	}
	dup := byCase["duplicate"]
	id := dup.TransactionIDs[0]
	assert.Equal(t, "webhook receiver suite: case duplicate failed\n"+
		"  sends:    the genuine SUCCESS webhook, then the same bytes again once it was answered\n"+
		"  expected: 2xx (effects 1), 2xx; effects 1\n"+
		"  got:      200 (effects 1), 200; effects 2\n"+
		"  - after delivery 2, the same webhook again: effects 2 on "+id+", want 1: the receiver acted more than once on one payment (it must de-duplicate on transaction_id and status)",
		rec.errors[0])
	assert.Equal(t, []string{"after delivery 1, the PENDING webhook: effects 1 on " + byCase["final_late"].TransactionIDs[0] +
		", want 0: the receiver took a PENDING for a final status",
		"after delivery 2, the SUCCESS webhook after a PENDING: effects 2 on " + byCase["final_late"].TransactionIDs[0] +
			", want 1: the receiver acted more than once on one payment (it must de-duplicate on transaction_id and status)"},
		byCase["final_late"].Problems)
	forged := byCase["forged_signature"]
	assert.Equal(t, "non-2xx (effects 0), 2xx; effects 1", forged.Expected)
	assert.Equal(t, "200 (effects 1), 200; effects 2", forged.Got)
	assert.Equal(t, contracttest.Failed, forged.Answers)
	assert.Contains(t, forged.Problems, "delivery 1, a SUCCESS signed with another key: answered 200, want non-2xx: the body is signed by another key and must be refused")
	assert.Contains(t, byCase["oversized"].Problems, "delivery 1, a 1 MiB body: answered 200, want non-2xx: the body is larger than any webhook (limit what you read) and must be refused")
	assert.Contains(t, rec.logs[0], "CASE  ", "the whole table is logged under the failures")
	assert.Contains(t, report.String(), "forged_signature:\n  - delivery 1, a SUCCESS signed with another key: answered 200")
}

// TestReceiverSuiteOverHTTP runs the suite through a fake's HTTP endpoints, as `lakipay
// webhook test` does, and gets the verdicts CheckReceiver gets in process.
func TestReceiverSuiteOverHTTP(t *testing.T) {
	srv := contracttest.NewServer(t)
	for _, tt := range []struct {
		name string
		m    bugs
	}{
		{"correct", bugs{verify: sdkVerify, limit: true, dedup: pairDedup}},
		{"naive", bugs{verify: trustBody, actOnAll: true}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := newMutant(tt.m, srv.PublicKey())
			hook := serveReceiver(t, m)
			effects := func(_ context.Context, id string) (int, error) { return m.count(id), nil }
			inProcess := contracttest.CheckReceiver(&suiteTB{TB: t}, srv, hook, m.count, contracttest.WithEffectTimeout(0))
			for _, mock := range []string{srv.Origin(), srv.URL(), srv.Origin() + "/"} {
				report, err := contracttest.RunReceiverSuite(t.Context(), mock, hook, effects, contracttest.WithEffectTimeout(0))
				require.NoError(t, err, mock)
				require.Len(t, report.Results, len(inProcess.Results))
				for i, res := range report.Results {
					want := inProcess.Results[i]
					assert.Equal(t, []string{want.Case, want.Expected, want.Got, string(want.Answers), string(want.Effects)},
						[]string{res.Case, res.Expected, res.Got, string(res.Answers), string(res.Effects)}, mock)
				}
			}
		})
	}
	t.Run("a pinned key", func(t *testing.T) {
		pinned := contracttest.NewServer(t, contracttest.WithAPIKey(testKey))
		m := newMutant(bugs{verify: sdkVerify, limit: true, dedup: pairDedup}, pinned.PublicKey())
		hook := serveReceiver(t, m)
		_, err := contracttest.RunReceiverSuite(t.Context(), pinned.Origin(), hook, nil, contracttest.WithCases("genuine"))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "case genuine: create a session: the mock refused the checkout: HTTP 401 (a mock started with --api-key wants that key")
		report, err := contracttest.RunReceiverSuite(t.Context(), pinned.Origin(), hook, nil, contracttest.WithCases("genuine"), contracttest.WithMockAPIKey(testKey))
		require.NoError(t, err)
		assert.True(t, report.Passed())
		assert.True(t, contracttest.CheckReceiver(t, pinned, hook, m.count, contracttest.WithCases("genuine")).Passed(), "in process, no key is needed")
	})
	t.Run("a mock that echoes the key", func(t *testing.T) {
		echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			key := r.Header.Get("X-API-Key")
			escaped, _ := json.Marshal(key)
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = fmt.Fprintf(w, `{"message":"invalid key %s","escaped":%s,"unicode":"%s"}`, key, escaped,
				strings.ReplaceAll(key, "s", `\u0073`))
		}))
		defer echo.Close()
		_, err := contracttest.RunReceiverSuite(t.Context(), echo.URL, "http://127.0.0.1:1/hook", nil, contracttest.WithMockAPIKey(testKey))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "HTTP 401")
		secrettest.Absent(t, err.Error(), secret, "the suite's error")
		_, err = contracttest.RunReceiverSuite(t.Context(), echo.URL, "http://127.0.0.1:1/hook", nil, contracttest.WithMockAPIKey("pk_only"))
		var oe *contracttest.OptionError
		require.ErrorAs(t, err, &oe)
		assert.Equal(t, "WithMockAPIKey", oe.Option)
	})
	t.Run("no mock", func(t *testing.T) {
		dead := httptest.NewServer(http.NotFoundHandler())
		dead.Close()
		report, err := contracttest.RunReceiverSuite(t.Context(), dead.URL, "http://127.0.0.1:1/hook", nil)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "case genuine: create a session: reach the mock at "+dead.URL)
		require.Len(t, report.Results, 1)
		assert.Equal(t, contracttest.NotChecked, report.Results[0].Answers, "never passed when it did not run")
		assert.False(t, report.Results[0].Failed())
	})
}

// TestReceiverSuiteIsBounded runs the suite against a receiver that never answers: each case
// stops at its first delivery, which fails after the receiver timeout.
func TestReceiverSuiteIsBounded(t *testing.T) {
	srv := contracttest.NewServer(t)
	hang, release := blockingReceiver(t)
	defer release()
	report := contracttest.CheckReceiver(&suiteTB{TB: t}, srv, hang, func(string) int { return 0 },
		contracttest.WithReceiverTimeout(50*time.Millisecond), contracttest.WithEffectTimeout(0),
		contracttest.WithCases("duplicate", "forged_signature"))
	require.Len(t, report.Results, 2)
	dup, forged := report.Results[0], report.Results[1]
	assert.Equal(t, "no answer (effects 0), not run; effects 0", dup.Got)
	assert.Equal(t, "no answer (effects 0), not run; effects 0", forged.Got)
	assert.Equal(t, contracttest.Failed, dup.Answers)
	assert.Equal(t, contracttest.Failed, dup.Effects, "the genuine webhook was not acted on")
	assert.Contains(t, dup.Problems[0], "no answer (no answer within 50ms (the webhook timeout)): a receiver must answer every delivery, quickly")
	assert.Len(t, dup.Deliveries, 1, "the later steps were not run")
	assert.Equal(t, contracttest.Failed, forged.Answers)
	assert.Equal(t, contracttest.NotChecked, forged.Effects, "its effect check after the forgery passed; the last one never ran")
}

func TestReceiverSuiteEffects(t *testing.T) {
	srv := contracttest.NewServer(t)
	correct := func(t *testing.T) (*mutant, string) {
		m := newMutant(bugs{verify: sdkVerify, limit: true, dedup: pairDedup}, srv.PublicKey())
		return m, serveReceiver(t, m)
	}
	t.Run("not checked without a function", func(t *testing.T) {
		_, hook := correct(t)
		rec := &suiteTB{TB: t}
		report := contracttest.CheckReceiver(rec, srv, hook, nil)
		assert.True(t, report.Passed(), "nothing checked failed")
		assert.Empty(t, rec.errors)
		assert.Contains(t, rec.logs, "contracttest: CheckReceiver: no effects function: duplicates, stale statuses and replays are not checked for a second effect")
		for _, res := range report.Results {
			assert.Equal(t, contracttest.NotChecked, res.Effects, res.Case)
			assert.True(t, strings.HasSuffix(res.Got, "; effects not checked"), res.Got)
			assert.NotContains(t, res.Got, "(effects")
		}
	})
	t.Run("an error fails the case", func(t *testing.T) {
		_, hook := correct(t)
		report, err := contracttest.RunReceiverSuite(t.Context(), srv.Origin(), hook, func(context.Context, string) (int, error) {
			return 0, errors.New("effects endpoint down")
		}, contracttest.WithCases("genuine"))
		require.NoError(t, err)
		res := report.Results[0]
		assert.Equal(t, contracttest.Failed, res.Effects)
		assert.Equal(t, contracttest.Passed, res.Answers)
		assert.Equal(t, []string{"after delivery 1: could not read the effects of " + res.TransactionIDs[0] + ": effects endpoint down"}, res.Problems)
	})
	t.Run("a negative count is an error", func(t *testing.T) {
		_, hook := correct(t)
		report := contracttest.CheckReceiver(&suiteTB{TB: t}, srv, hook, func(string) int { return -1 }, contracttest.WithCases("genuine"))
		assert.Contains(t, report.Results[0].Problems[0], "effects -1 is negative")
	})
	t.Run("an effect that comes after the answer is waited for", func(t *testing.T) {
		m, hook := correct(t)
		reads := map[string]int{}
		var mu sync.Mutex
		report := contracttest.CheckReceiver(t, srv, hook, func(id string) int {
			mu.Lock()
			defer mu.Unlock()
			reads[id]++
			if reads[id] <= 2 {
				return 0 // the receiver acts in the background: not yet
			}
			return m.count(id)
		}, contracttest.WithCases("genuine"))
		assert.True(t, report.Passed())
	})
	t.Run("a second effect that comes late is caught at the end", func(t *testing.T) {
		m, hook := correct(t)
		var mu sync.Mutex
		reads := map[string]int{}
		rec := &suiteTB{TB: t}
		report := contracttest.CheckReceiver(rec, srv, hook, func(id string) int {
			mu.Lock()
			defer mu.Unlock()
			reads[id]++
			n := m.count(id)
			if reads[id] > 2 {
				n++ // the receiver settled it again, after the case's checks
			}
			return n
		}, contracttest.WithCases("duplicate"), contracttest.WithEffectTimeout(0))
		res := report.Results[0]
		assert.Equal(t, contracttest.Failed, res.Effects)
		assert.Equal(t, []string{"after the last case: effects 2 on " + res.TransactionIDs[0] + ", 1 when its case ended: the receiver acted again, late"}, res.Problems)
		assert.Len(t, rec.errors, 1)
	})
}

func TestReceiverSuiteRefusesBadInput(t *testing.T) {
	srv := contracttest.NewServer(t)
	tests := []struct {
		name     string
		mock     string
		receiver string
		opts     []contracttest.ReceiverOption
		says     string
	}{
		{"unknown case", srv.Origin(), "http://127.0.0.1:1/hook", []contracttest.ReceiverOption{contracttest.WithCases("polite")}, `contracttest: WithCases: no case "polite" (cases: genuine, duplicate,`},
		{"receiver timeout", srv.Origin(), "http://127.0.0.1:1/hook", []contracttest.ReceiverOption{contracttest.WithReceiverTimeout(0)}, "contracttest: WithReceiverTimeout: 0s not in (0s, 2m0s]"},
		{"effect timeout", srv.Origin(), "http://127.0.0.1:1/hook", []contracttest.ReceiverOption{contracttest.WithEffectTimeout(-time.Second)}, "contracttest: WithEffectTimeout: -1s not in [0s, 1m0s]"},
		{"relative receiver", srv.Origin(), "/hook", nil, `contracttest: receiverURL: "/hook" is not an absolute http or https URL`},
		{"mock without a scheme", "127.0.0.1:12111", "http://127.0.0.1:1/hook", nil, `contracttest: mockURL: "127.0.0.1:12111" is not an absolute http or https URL`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			report, err := contracttest.RunReceiverSuite(t.Context(), tt.mock, tt.receiver, nil, tt.opts...)
			var oe *contracttest.OptionError
			require.ErrorAs(t, err, &oe)
			assert.Equal(t, tt.says, err.Error()[:min(len(err.Error()), len(tt.says))])
			assert.Nil(t, report)
		})
	}
	assert.Empty(t, srv.Deliveries(), "nothing was sent")
	rec := &suiteTB{TB: t}
	contracttest.CheckReceiver(rec, srv, "/hook", nil)
	assert.Contains(t, rec.fatal, `contracttest: CheckReceiver: contracttest: receiverURL: "/hook"`)
}

// TestReceiverCasesAreDocumented keeps the case table of doc.go equal to ReceiverCases.
func TestReceiverCasesAreDocumented(t *testing.T) {
	var want strings.Builder
	names := map[string]bool{}
	for _, c := range contracttest.ReceiverCases() {
		assert.False(t, names[c.Name], "case names are unique")
		names[c.Name] = true
		fmt.Fprintf(&want, "//\t%-21s %s\n", c.Name, c.Expected)
	}
	doc, err := os.ReadFile("doc.go")
	require.NoError(t, err)
	if !strings.Contains(string(doc), want.String()) {
		t.Errorf("contracttest/doc.go's # Testing a webhook receiver table differs from ReceiverCases; it should read:\n%s", want.String())
	}
}
