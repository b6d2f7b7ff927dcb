package contracttest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/contracttest"
	"github.com/lakipay/checkout-go/internal/secrettest"
)

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

// cases returns the names of every case of the suite but those given.
func casesBut(but ...string) []string {
	var out []string
	for _, c := range contracttest.ReceiverCases() {
		if !slices.Contains(but, c.Name) {
			out = append(out, c.Name)
		}
	}
	return out
}

// isOneOf returns a status predicate.
func isOneOf(statuses ...client.TransactionStatus) func(client.TransactionStatus) bool {
	return func(s client.TransactionStatus) bool { return slices.Contains(statuses, s) }
}

func never(client.TransactionStatus) bool { return false }

// receiverBugs are the test receivers, each with one deliberate bug (or none), and the cases
// the suite must fail each on: exactly those that expose its bug.
var receiverBugs = []struct {
	name  string
	b     bugs
	fails []string
}{
	{"correct", bugs{}, nil},
	{"refuses the oversized body before reading it", bugs{oversized: refuseBeforeReading}, nil},
	{"refuses the oversized body by closing the connection", bugs{oversized: refuseByClosing}, nil},
	{"refuses the oversized body by resetting the connection", bugs{oversized: refuseByResetting}, nil},
	{"naive: verifies nothing, settles every delivery", bugs{verify: trustBody, oversized: readAnySize, dedup: noDedup,
		payOn: func(client.TransactionStatus) bool { return true }, noTransactionCheck: true, noAmountCheck: true, noCurrencyCheck: true}, casesBut("genuine")},
	{"no de-duplication", bugs{dedup: noDedup}, []string{"duplicate", "duplicate_concurrent", "resent", "replayed"}},
	{"de-duplicates on transaction_id alone", bugs{dedup: txOnlyDedup}, []string{"final_late"}},
	{"de-duplicates on the body's bytes", bugs{dedup: bodyDedup}, []string{"resent"}},
	{"acts on PENDING", bugs{payOn: isOneOf(client.TransactionStatusSUCCESS, client.TransactionStatusPENDING)}, []string{"final_late"}},
	{"acts on every status, unaware of final ones", bugs{dedup: pairOnly, payOn: func(s client.TransactionStatus) bool {
		return s != client.TransactionStatusCANCELLED && s != client.TransactionStatusFAILED
	}}, []string{"stale", "final_late", "unknown_status"}},
	{"ships on CANCELLED and FAILED", bugs{payOn: client.TransactionStatus.IsFinal, releaseOn: never},
		[]string{"not_paid", "tampered_status", "duplicate_key", "reused_status"}},
	{"takes a status it does not know for a payment", bugs{payOn: func(s client.TransactionStatus) bool {
		return s == client.TransactionStatusSUCCESS || !s.Valid()
	}}, []string{"unknown_status"}},
	{"remembers a webhook before verifying it", bugs{dedupFirst: true},
		[]string{"forged_signature", "tampered_amount", "unsigned", "shifted_key", "reused_transaction", "reused_status", "reused_amount"}},
	{"settles a webhook before verifying it", bugs{settleFirst: true},
		// shifted_value's forged transaction_id is no order's session: the transaction check
		// keeps even this receiver from settling it.
		[]string{"forged_signature", "tampered_status", "tampered_amount", "unsigned", "shifted_key", "duplicate_key", "reused_transaction"}},
	{"trusts a signature it has verified before", bugs{trustSeen: true}, []string{"reused_transaction", "reused_status", "reused_amount"}},
	{"verifies without the ambiguity check", bugs{verify: naiveVerify}, []string{"shifted_key", "shifted_value"}},
	{"verifies the first of a repeated key, reads the last", bugs{verify: firstKeyVerify}, []string{"duplicate_key"}},
	{"reads any size", bugs{verify: rsaOnlyVerify, oversized: readAnySize}, []string{"oversized"}},
	{"pays an order by its reference alone", bugs{noTransactionCheck: true, noAmountCheck: true, noCurrencyCheck: true},
		[]string{"foreign_amount", "foreign_currency", "foreign_session"}},
	{"checks the amount, not the transaction or currency", bugs{noTransactionCheck: true, noCurrencyCheck: true},
		[]string{"foreign_currency", "foreign_session"}},
	{"checks amount and currency, not the transaction", bugs{noTransactionCheck: true}, []string{"foreign_session"}},
	{"refuses everything", bugs{refuseAll: true}, casesBut()},
	{"accepts everything and does nothing", bugs{ackAllDo: true}, casesBut("unknown_status")},
}

// TestReceiverSuiteCatchesEachBug runs the whole suite, sessions opened by the receiver's
// own application, against receivers with one deliberate bug each: the suite fails each on
// exactly the cases that expose its bug, names them in the test's failures, and passes the
// correct receivers, every check made.
func TestReceiverSuiteCatchesEachBug(t *testing.T) {
	srv := contracttest.NewServer(t)
	for _, tt := range receiverBugs {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := serveMutant(t, tt.b, srv.PublicKey())
			rec := &suiteTB{TB: t}
			report := contracttest.CheckReceiver(rec, srv, m.url, m.report, contracttest.WithEffectTimeout(0),
				contracttest.WithSessionOpener(m.opener(t, srv)))
			require.Empty(t, rec.fatal)
			assert.Equal(t, tt.fails, failedCases(report), "\n%s", report)
			assert.Equal(t, len(tt.fails) == 0, report.Passed())
			assert.True(t, report.Complete(), "every check was made")
			assert.Empty(t, report.Unproven)
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
			require.NotEmpty(t, rec.logs)
			assert.Contains(t, rec.logs[0], "CASE  ", "the table is logged, passed or not")
		})
	}
}

// TestReceiverSuiteSaysWhy checks the failures of a naive receiver read as what it did wrong:
// the expected and actual answers and effects, and why it matters.
func TestReceiverSuiteSaysWhy(t *testing.T) {
	srv := contracttest.NewServer(t)
	m := serveMutant(t, bugs{verify: trustBody, oversized: readAnySize, dedup: noDedup,
		payOn: func(client.TransactionStatus) bool { return true }, noTransactionCheck: true, noAmountCheck: true}, srv.PublicKey())
	rec := &suiteTB{TB: t}
	report := contracttest.CheckReceiver(rec, srv, m.url, m.report, contracttest.WithEffectTimeout(0),
		contracttest.WithSessionOpener(m.opener(t, srv)),
		contracttest.WithCases("duplicate", "final_late", "not_paid", "unknown_status", "forged_signature", "oversized", "reused_transaction", "foreign_amount"))
	require.Len(t, rec.errors, 8)
	byCase := map[string]contracttest.ReceiverResult{}
	for _, res := range report.Results {
		byCase[res.Case] = res
	}
	dup := byCase["duplicate"]
	id := dup.TransactionIDs[0]
	assert.Equal(t, "webhook receiver suite: case duplicate failed\n"+
		"  sends:    the genuine SUCCESS webhook, then the same bytes again once it was answered\n"+
		"  expected: 2xx (paid 1), 2xx; paid 1\n"+
		"  got:      200 (paid 1), 200; paid 2\n"+
		"  - after delivery 2, the same webhook again: paid 2 on "+id+", want 1: the receiver acted more than once on one payment (it must de-duplicate on transaction_id and status)",
		rec.errors[0])
	late := byCase["final_late"].TransactionIDs[0]
	assert.Equal(t, []string{"after delivery 1, the PENDING webhook: paid 1 on " + late + ", want 0: the receiver took a PENDING for a final status",
		"after delivery 2, the SUCCESS webhook after a PENDING: paid 2 on " + late +
			", want 1: the receiver acted more than once on one payment (it must de-duplicate on transaction_id and status)"},
		byCase["final_late"].Problems)
	notPaid := byCase["not_paid"]
	assert.Equal(t, "2xx (A released 1, B nothing), 2xx; A released 1, B released 1", notPaid.Expected)
	assert.Equal(t, "200 (A paid 1 and released 1, B nothing), 200; A paid 1 and released 1, B paid 1 and released 1", notPaid.Got)
	assert.Contains(t, notPaid.Problems, "after delivery 1, A's genuine CANCELLED webhook: paid 1 on "+notPaid.TransactionIDs[0]+
		", want 0: the receiver settled as paid a transaction whose payment was cancelled or failed")
	assert.Equal(t, []string{"after delivery 1, a webhook whose status the receiver does not know: paid 1 on " + byCase["unknown_status"].TransactionIDs[0] +
		", want 0: the receiver acted on a status it does not know (ignore it, and answer 2xx)"}, byCase["unknown_status"].Problems)
	forged := byCase["forged_signature"]
	assert.Equal(t, "non-2xx (nothing), 2xx; paid 1", forged.Expected)
	assert.Equal(t, "200 (paid 1), 200; paid 2", forged.Got)
	assert.Equal(t, contracttest.Failed, forged.Answers)
	assert.Contains(t, forged.Problems, "delivery 1, a SUCCESS signed with another key: answered 200, want non-2xx: the body is signed by another key and must be refused")
	assert.Contains(t, byCase["oversized"].Problems, "delivery 1, a 1 MiB body: answered 200, want non-2xx: the body is larger than any webhook (limit what you read) and must be refused")
	reused := byCase["reused_transaction"]
	assert.Equal(t, "2xx (A paid 1, B nothing), non-2xx (A paid 1, B nothing), 2xx; A paid 1, B paid 1", reused.Expected)
	assert.Contains(t, reused.Problems, "delivery 2, A's accepted webhook with B's transaction_id: answered 200, want non-2xx: the body is "+
		"altered after it was signed (a signature the receiver has verified before proves nothing about another body) and must be refused")
	foreign := byCase["foreign_amount"]
	require.Len(t, foreign.TransactionIDs, 2, "the merchant's session, then the other session")
	assert.Equal(t, "any (A nothing, B nothing), 2xx; A paid 1, B nothing", foreign.Expected)
	assert.Contains(t, foreign.Problems, "after delivery 1, another session's SUCCESS for this order's reference, for another amount: paid 1 on "+
		foreign.TransactionIDs[0]+", want 0: the receiver acted on a payment made to a session it never created (another LakiPay account's): "+
		"act only on a transaction_id your own checkout got back, for the order's amount and currency")
	assert.Contains(t, rec.logs[0], "CASE  ", "the whole table is logged")
	assert.Contains(t, report.String(), "forged_signature:\n  - delivery 1, a SUCCESS signed with another key: answered 200")
}

// TestReceiverSuiteOversizedRefusals: a receiver that refuses the 1 MiB body by closing or
// resetting the connection, or by answering 413 before reading it, has refused it, and the
// genuine webhook that follows is still sent; a receiver that closes the connection on a
// genuine webhook fails, and a connection refused is no answer, never a refusal.
func TestReceiverSuiteOversizedRefusals(t *testing.T) {
	srv := contracttest.NewServer(t)
	for _, tt := range []struct {
		how refusal
		got string
	}{
		{refuseByClosing, "closed (nothing), 200; paid 1"},
		{refuseByResetting, "closed (nothing), 200; paid 1"},
		{refuseBeforeReading, "413 (nothing), 200; paid 1"},
		{refuseAfterReading, "413 (nothing), 200; paid 1"},
	} {
		m := serveMutant(t, bugs{oversized: tt.how}, srv.PublicKey())
		report := contracttest.CheckReceiver(t, srv, m.url, m.report, contracttest.WithCases("oversized"))
		assert.Equal(t, tt.got, report.Results[0].Got, tt.how)
	}
	t.Run("a genuine webhook closed on fails", func(t *testing.T) {
		closing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				_ = conn.Close()
			}
		}))
		defer closing.Close()
		report := contracttest.CheckReceiver(&suiteTB{TB: t}, srv, closing.URL, nil, contracttest.WithCases("duplicate"))
		res := report.Results[0]
		assert.Equal(t, "closed, closed; effects not checked", res.Got, "the case goes on: a closed connection costs no timeout")
		assert.Equal(t, contracttest.Failed, res.Answers)
		assert.Contains(t, res.Problems[0], "the receiver closed the connection without an answer")
	})
	t.Run("no receiver is no answer", func(t *testing.T) {
		gone := httptest.NewServer(http.NotFoundHandler())
		gone.Close()
		report := contracttest.CheckReceiver(&suiteTB{TB: t}, srv, gone.URL, nil, contracttest.WithCases("oversized"))
		res := report.Results[0]
		assert.Equal(t, "no answer, not run; effects not checked", res.Got)
		assert.Equal(t, contracttest.Failed, res.Answers, "a connection refused never counts as a refusal")
	})
}

// TestReceiverSuiteOverHTTP runs the suite through a fake's HTTP endpoints, as `lakipay
// webhook test` does, with the receiver's effects and checkouts reached over HTTP too, and
// gets the verdicts CheckReceiver gets in process.
func TestReceiverSuiteOverHTTP(t *testing.T) {
	srv := contracttest.NewServer(t)
	for _, tt := range []struct {
		name string
		b    bugs
	}{
		{"correct", bugs{}},
		{"naive", bugs{verify: trustBody, oversized: readAnySize, dedup: noDedup, payOn: func(client.TransactionStatus) bool { return true }}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := serveMutant(t, tt.b, srv.PublicKey())
			open := m.opener(t, srv)
			inProcess := contracttest.CheckReceiver(&suiteTB{TB: t}, srv, m.url, m.report, contracttest.WithEffectTimeout(0),
				contracttest.WithSessionOpener(open))
			app := serveApp(t, open, m.report)
			effects, err := contracttest.EffectsFromURL(app + "/effects?shop=1")
			require.NoError(t, err)
			opener, err := contracttest.SessionOpenerFromURL(app + "/open")
			require.NoError(t, err)
			for _, mock := range []string{srv.Origin(), srv.URL(), srv.Origin() + "/"} {
				report, err := contracttest.RunReceiverSuite(t.Context(), mock, m.url, effects, contracttest.WithEffectTimeout(0),
					contracttest.WithSessionOpener(opener))
				require.NoError(t, err, mock)
				require.Len(t, report.Results, len(inProcess.Results))
				for i, res := range report.Results {
					want := inProcess.Results[i]
					assert.Equal(t, []string{want.Case, want.Expected, textShape(want.Got), string(want.Answers), string(want.Effects)},
						[]string{res.Case, res.Expected, textShape(res.Got), string(res.Answers), string(res.Effects)}, mock)
				}
			}
		})
	}
	t.Run("a pinned key", func(t *testing.T) {
		pinned := contracttest.NewServer(t, contracttest.WithAPIKey(testKey))
		m := serveMutant(t, bugs{}, pinned.PublicKey())
		_, err := contracttest.RunReceiverSuite(t.Context(), pinned.Origin(), m.url, nil, contracttest.WithCases("genuine"))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "case genuine: create a session: the mock refused the checkout: HTTP 401 (a mock started with --api-key wants that key")
		report, err := contracttest.RunReceiverSuite(t.Context(), pinned.Origin(), m.url, nil, contracttest.WithCases("genuine"), contracttest.WithMockAPIKey(testKey))
		require.NoError(t, err)
		assert.True(t, report.Passed())
		assert.True(t, contracttest.CheckReceiver(t, pinned, m.url, m.report, contracttest.WithCases("genuine")).Passed(), "in process, no key is needed")
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

// textShape is a verdict's text with its transaction ids left out: two runs open other
// sessions.
func textShape(s string) string {
	return regexp.MustCompile(`TXN-[0-9a-f]+`).ReplaceAllString(s, "TXN")
}

// serveApp serves a merchant's application for the HTTP protocol of the suite: POST /open
// opens a checkout with open and answers its transaction id among other keys, GET /effects
// answers the effects of ?transaction_id= (and an extra key), as a receiver in any language
// would.
func serveApp(t *testing.T, open contracttest.SessionOpener, effects contracttest.EffectsFunc) string {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /open", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if string(body) != "{}" || r.Header.Get("Content-Type") != "application/json" {
			http.Error(w, "want the body {} as JSON", http.StatusBadRequest)
			return
		}
		id, err := open(r.Context())
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]string{"transaction_id": id, "checkout_url": "https://pay.example/" + id})
	})
	mux.HandleFunc("GET /effects", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("shop") != "1" {
			http.Error(w, "the effects URL's own query was lost", http.StatusBadRequest)
			return
		}
		e, err := effects(r.Context(), r.URL.Query().Get("transaction_id"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		_, _ = fmt.Fprintf(w, `{"paid": %d, "released": %d, "orders": ["ignored"]}`, e.Paid, e.Released)
	})
	app := httptest.NewServer(mux)
	t.Cleanup(app.Close)
	return app.URL
}

// TestReceiverSuiteIsBounded runs the suite against a receiver that never answers: each case
// stops at its first delivery, which fails after the receiver timeout.
func TestReceiverSuiteIsBounded(t *testing.T) {
	srv := contracttest.NewServer(t)
	hang, release := blockingReceiver(t)
	defer release()
	nothing := func(context.Context, string) (contracttest.Effects, error) { return contracttest.Effects{}, nil }
	report := contracttest.CheckReceiver(&suiteTB{TB: t}, srv, hang, nothing,
		contracttest.WithReceiverTimeout(50*time.Millisecond), contracttest.WithEffectTimeout(0),
		contracttest.WithCases("duplicate", "forged_signature"))
	require.Len(t, report.Results, 2)
	dup, forged := report.Results[0], report.Results[1]
	assert.Equal(t, "no answer (nothing), not run; nothing", dup.Got)
	assert.Equal(t, "no answer (nothing), not run; nothing", forged.Got)
	assert.Equal(t, contracttest.Failed, dup.Answers)
	assert.Equal(t, contracttest.Failed, dup.Effects, "the genuine webhook was not acted on")
	assert.Contains(t, dup.Problems[0], "no answer (no answer within 50ms (the webhook timeout)): a receiver must answer every delivery, quickly")
	assert.Len(t, dup.Deliveries, 1, "the later steps were not run")
	assert.Equal(t, contracttest.Failed, forged.Answers)
	assert.Equal(t, contracttest.NotChecked, forged.Effects, "its effect check after the forgery passed; the last one never ran")
	assert.False(t, report.Complete())
}

func TestReceiverSuiteEffects(t *testing.T) {
	srv := contracttest.NewServer(t)
	correct := func(t *testing.T) *mutant { return serveMutant(t, bugs{}, srv.PublicKey()) }
	t.Run("not checked without a function", func(t *testing.T) {
		m := correct(t)
		rec := &suiteTB{TB: t}
		report := contracttest.CheckReceiver(rec, srv, m.url, nil)
		assert.True(t, report.Passed(), "nothing checked failed")
		assert.False(t, report.Complete(), "but it proves nothing about effects")
		assert.Empty(t, rec.errors)
		require.Len(t, report.Unproven, 2)
		assert.Contains(t, report.Unproven[0], "effects: no effects function (--effects-url) was given")
		assert.Contains(t, report.Unproven[1], "without one these cases were not run: foreign_amount, foreign_currency")
		assert.Contains(t, rec.logs[0], "not proven:\n  - effects: no effects function")
		for _, res := range report.Results {
			assert.Equal(t, contracttest.NotChecked, res.Effects, res.Case)
			if strings.HasPrefix(res.Case, "foreign_") {
				assert.Equal(t, "not run: needs a session opener", res.Got)
				assert.Equal(t, contracttest.NotChecked, res.Answers)
				assert.Empty(t, res.Deliveries)
				continue
			}
			assert.True(t, strings.HasSuffix(res.Got, "; effects not checked"), res.Got)
			assert.NotContains(t, res.Got, "(")
		}
	})
	t.Run("an error fails the case", func(t *testing.T) {
		m := correct(t)
		report, err := contracttest.RunReceiverSuite(t.Context(), srv.Origin(), m.url, func(context.Context, string) (contracttest.Effects, error) {
			return contracttest.Effects{}, errors.New("effects endpoint down")
		}, contracttest.WithCases("genuine"))
		require.NoError(t, err)
		res := report.Results[0]
		assert.Equal(t, contracttest.Failed, res.Effects)
		assert.Equal(t, contracttest.Passed, res.Answers)
		assert.Equal(t, []string{"after delivery 1: could not read the effects of " + res.TransactionIDs[0] + ": effects endpoint down"}, res.Problems)
	})
	t.Run("a negative count is an error", func(t *testing.T) {
		m := correct(t)
		report := contracttest.CheckReceiver(&suiteTB{TB: t}, srv, m.url, func(context.Context, string) (contracttest.Effects, error) {
			return contracttest.Effects{Released: -1}, nil
		}, contracttest.WithCases("genuine"))
		assert.Contains(t, report.Results[0].Problems[0], "a count is negative")
	})
	t.Run("an effect that comes after the answer is waited for", func(t *testing.T) {
		m := correct(t)
		reads := map[string]int{}
		var mu sync.Mutex
		report := contracttest.CheckReceiver(t, srv, m.url, func(ctx context.Context, id string) (contracttest.Effects, error) {
			mu.Lock()
			reads[id]++
			n := reads[id]
			mu.Unlock()
			if n <= 2 {
				return contracttest.Effects{}, nil // the receiver acts in the background: not yet
			}
			return m.report(ctx, id)
		}, contracttest.WithCases("genuine", "not_paid"))
		assert.True(t, report.Passed())
	})
	t.Run("a second effect that comes late is caught at the end", func(t *testing.T) {
		m := correct(t)
		var mu sync.Mutex
		reads := map[string]int{}
		rec := &suiteTB{TB: t}
		report := contracttest.CheckReceiver(rec, srv, m.url, func(ctx context.Context, id string) (contracttest.Effects, error) {
			mu.Lock()
			reads[id]++
			n := reads[id]
			mu.Unlock()
			e, err := m.report(ctx, id)
			if n > 2 {
				e.Released++ // the receiver released it, after the case's checks
			}
			return e, err
		}, contracttest.WithCases("duplicate"), contracttest.WithEffectTimeout(0))
		res := report.Results[0]
		assert.Equal(t, contracttest.Failed, res.Effects)
		assert.Equal(t, []string{"after the last case: paid 1 and released 1 on " + res.TransactionIDs[0] + ", paid 1 when its case ended: the receiver acted again, late"}, res.Problems)
		assert.Len(t, rec.errors, 1)
	})
}

// TestReceiverSuiteOpener: the sessions come from the merchant's opener, in the order of
// their amounts, with their webhooks held; an opener that fails, repeats itself, or names a
// transaction the fake does not know or one that is not new stops the suite with a message
// that says so.
func TestReceiverSuiteOpener(t *testing.T) {
	srv := contracttest.NewServer(t)
	t.Run("held sessions, smallest first", func(t *testing.T) {
		m := serveMutant(t, bugs{}, srv.PublicKey())
		var calls atomic.Int32
		inner := m.opener(t, srv)
		var opened []string
		report := contracttest.CheckReceiver(t, srv, m.url, m.report, contracttest.WithCases("reused_transaction", "genuine"),
			contracttest.WithSessionOpener(func(ctx context.Context) (string, error) {
				calls.Add(1)
				id, err := inner(ctx)
				opened = append(opened, id)
				return id, err
			}))
		require.True(t, report.Passed())
		assert.EqualValues(t, 3, calls.Load())
		assert.Equal(t, opened[:1], report.Results[0].TransactionIDs)
		assert.Equal(t, opened[1:], report.Results[1].TransactionIDs, "the opener's first is the smaller amount")
		for _, d := range srv.Deliveries() {
			assert.Equal(t, m.url, d.URL)
			assert.Equal(t, 1, d.Attempt, "every delivery was the suite's: the sessions' own webhooks were held")
		}
		assert.Len(t, srv.Deliveries(), 4)
	})
	for _, tt := range []struct {
		name   string
		opener func(t *testing.T) contracttest.SessionOpener
		says   string
	}{
		{"an error", func(*testing.T) contracttest.SessionOpener {
			return func(context.Context) (string, error) { return "", errors.New("out of stock") }
		}, "case genuine: the session opener: out of stock"},
		{"no id", func(*testing.T) contracttest.SessionOpener {
			return func(context.Context) (string, error) { return "", nil }
		}, "case genuine: the session opener returned no transaction id"},
		{"an id the fake does not know", func(*testing.T) contracttest.SessionOpener {
			return func(context.Context) (string, error) { return "TXN-elsewhere", nil }
		}, "case genuine: the session opener returned TXN-elsewhere, which this fake cannot mute (is it a session of this fake? the application must create its checkouts against the fake's base URL)"},
		{"a paid session", func(t *testing.T) contracttest.SessionOpener {
			return func(context.Context) (string, error) {
				id := createCheckout(t, srv, "R-opener-paid", "").LakipayTransactionID
				return id, srv.Pay(id, client.MediumMPESA)
			}
		}, "is SUCCESS: the session opener must open a new checkout (INITIATED) each time"},
		{"the same session twice", func(t *testing.T) contracttest.SessionOpener {
			id := createCheckout(t, srv, "R-opener-twice", "").LakipayTransactionID
			return func(context.Context) (string, error) { return id, nil }
		}, "case replayed: the session opener returned TXN-"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := &suiteTB{TB: t}
			contracttest.CheckReceiver(rec, srv, "http://127.0.0.1:1/hook", nil, contracttest.WithCases("genuine", "replayed"),
				contracttest.WithSessionOpener(tt.opener(t)))
			assert.Contains(t, rec.fatal, tt.says)
		})
	}
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
		{"nil opener", srv.Origin(), "http://127.0.0.1:1/hook", []contracttest.ReceiverOption{contracttest.WithSessionOpener(nil)}, "contracttest: WithSessionOpener: the opener is nil"},
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

// TestReceiverCasesAreDocumented keeps the case table of ReceiverCases' documentation equal
// to ReceiverCases.
func TestReceiverCasesAreDocumented(t *testing.T) {
	var want strings.Builder
	names := map[string]bool{}
	for _, c := range contracttest.ReceiverCases() {
		assert.False(t, names[c.Name], "case names are unique")
		names[c.Name] = true
		fmt.Fprintf(&want, "//\t%-21s %s\n", c.Name, c.Expected)
	}
	doc, err := os.ReadFile("receiver.go")
	require.NoError(t, err)
	if !strings.Contains(string(doc), want.String()) {
		t.Errorf("contracttest/receiver.go's table of ReceiverCases differs from ReceiverCases; it should read:\n%s", want.String())
	}
}
