package contracttest

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/lakipay/checkout-go/internal/contract"
)

// Expected violations: the answers a fake breaks on purpose carry a mark, which a [Transport]
// honours only with the secret token of a fake of this process, and a test may expect a
// violation of its own ([ExpectViolation]).

// markHeader is the header by which a fake marks an answer it broke on purpose (a scripted
// fault or forced status, values scripted with [Fake.SetStatus]). Its value is URL-encoded:
// token (the fake's secret), and either answer (the script that broke the whole answer) or
// the status and medium scripted.
const markHeader = "X-Lakipay-Mock-Expected"

// markTokens holds the token of every fake of this process that is not closed: a mark is
// honoured only with one of them. A token is 128 random bits that only the fake's own
// answers carry, so LakiPay, a proxy or a stub in front of the transport cannot make an
// answer pass for the fake's.
var markTokens sync.Map // token → struct{}

// newMarkToken makes a fake's token and registers it; [Fake.Close] forgets it.
func newMarkToken() string {
	token := rand.Text()
	markTokens.Store(token, struct{}{})
	return token
}

// markAnswer marks h's answer as broken as a whole on purpose, by the script named what
// ("fault bad_gateway", "fail-next 503").
func (f *Fake) markAnswer(h http.Header, what string) {
	h.Set(markHeader, url.Values{"token": {f.token}, "answer": {what}}.Encode())
}

// markScripted marks h's answer as carrying the values of sc on purpose (nothing when it
// carries none).
func (f *Fake) markScripted(h http.Header, sc scripted) {
	if sc == (scripted{}) {
		return
	}
	h.Set(markHeader, url.Values{"token": {f.token}, "status": {sc.status}, "medium": {sc.medium}}.Encode())
}

// mark is what an answer's markHeader says the fake broke on purpose.
type mark struct {
	answer string   // the script that broke the whole answer, or ""
	values scripted // the values scripted on purpose
}

// markOf reads the mark of an answer; false when it has none, or one without the token of a
// fake of this process (judged as any answer is).
func markOf(h http.Header) (mark, bool) {
	raw := h.Get(markHeader)
	if raw == "" {
		return mark{}, false
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return mark{}, false
	}
	if _, ok := markTokens.Load(q.Get("token")); !ok {
		return mark{}, false
	}
	m := mark{answer: q.Get("answer"), values: scripted{status: q.Get("status"), medium: q.Get("medium")}}
	return m, m.answer != "" || m.values != (scripted{})
}

// covers says why the mark makes v, a violation of the marked answer, expected.
func (m mark) covers(v contract.Violation) (string, bool) {
	switch {
	case m.answer != "":
		return "the fake's scripted " + m.answer, true
	case m.values.deliberate(v):
		return "a value scripted with SetStatus", true
	}
	return "", false
}

// OnExpected hands the violations that are expected to fn, with why, instead of to the
// transport's callback: those of an answer a fake of this process broke on purpose (a
// scripted fault or forced status: every violation of the answer; values scripted with
// [Fake.SetStatus]: exactly those values) and those a test expects ([ExpectViolation]).
// [Transport] logs them with t.Logf; [NewTransport] drops them unless given OnExpected.
func OnExpected(fn func(v Violation, why string)) TransportOption {
	return func(c *transportConfig) { c.onExpected = fn }
}

// expectation is a violation a test said would come ([ExpectViolation]).
type expectation struct {
	op          Operation
	rule, field string
	came        atomic.Bool
}

func (e *expectation) String() string {
	return fmt.Sprintf("%s %s %s", e.op, e.field, e.rule)
}

// matches reports whether v is the expected violation.
func (e *expectation) matches(v contract.Violation) bool {
	return v.Operation == string(e.op) && v.Rule == e.rule && contract.Field(v) == e.field
}

// ExpectViolation says that the exchanges of the transport given this option will break rule
// at field in operation op, on purpose: the test sends a request the spec forbids, say, to
// see LakiPay refuse it. Such a violation is expected (see [OnExpected]: [Transport] logs it
// instead of failing t); any other still fails t, the same rule at another field or in another
// operation included. rule is a Rule of the violation ("pattern", "enum", "undeclared
// status", ...) and field its Field ("phone_number", "supported_mediums.1", "data.status",
// "header Content-Type", "status"). The expectation lasts as long as the test and holds for
// the transports given the option only; when t ends and it never came, t fails, so an
// expectation cannot hide a violation it no longer stands for. An unknown operation or an
// empty rule or field fails t at once.
func ExpectViolation(t testing.TB, op Operation, rule, field string) TransportOption {
	t.Helper()
	if err := op.check(); err != nil {
		t.Fatalf("contracttest: ExpectViolation: %v", err)
	}
	if rule == "" || field == "" {
		t.Fatalf("contracttest: ExpectViolation: rule and field are required (a violation's Rule and Field)")
	}
	e := &expectation{op: op, rule: rule, field: field}
	t.Cleanup(func() {
		if !e.came.Load() {
			t.Errorf("contracttest: the expected violation %s never came", e)
		}
	})
	return func(c *transportConfig) { c.expected = append(c.expected, e) }
}
