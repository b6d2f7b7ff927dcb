package contracttest_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/contracttest"
)

// markHeader is the header by which a fake marks the answers it broke on purpose.
const markHeader = "X-Lakipay-Mock-Expected"

// TestScriptedFaultsAreExpected: the package documentation promises that scripted faults do
// not fail the test; a Transport in front of the fake keeps it. Every fault that answers is
// injected into both operations: no violation fails the test, and the faults whose answers
// break the contract (an HTML 502 among them) have every violation logged as expected.
func TestScriptedFaultsAreExpected(t *testing.T) {
	srv := contracttest.NewServer(t)
	id := createCheckout(t, srv, "R-faults", "").LakipayTransactionID
	breaking := map[contracttest.Fault]bool{contracttest.FaultBadGateway: true, contracttest.FaultMalformedJSON: true,
		contracttest.FaultFlatShape: true, contracttest.FaultWrongContentType: true, contracttest.FaultHugeBody: true}
	answering := []contracttest.Fault{contracttest.FaultInternalError, contracttest.FaultRateLimited, contracttest.FaultUnavailable,
		contracttest.FaultRateLimitedNoRetryAfter, contracttest.FaultBadGateway, contracttest.FaultMalformedJSON,
		contracttest.FaultFlatShape, contracttest.FaultWrongContentType, contracttest.FaultHugeBody}
	for _, fault := range answering {
		for i, op := range []contracttest.Operation{contracttest.OpCreateCheckout, contracttest.OpGetTransaction} {
			t.Run(fault.String()+" "+string(op), func(t *testing.T) {
				rec := &recordingTB{TB: t}
				hc := &http.Client{Transport: contracttest.Transport(rec, nil), Timeout: time.Minute}
				require.NoError(t, srv.InjectFault(op, fault))
				if i == 0 {
					call(t, hc, http.MethodPost, srv.URL()+"/payment/checkout", testKey, checkoutBody(t, "R-"+fault.String(), ""))
				} else {
					call(t, hc, http.MethodGet, srv.URL()+"/payment/transaction/"+id, testKey, nil)
				}
				assert.Empty(t, rec.recorded(&rec.errors), "a scripted fault fails no test")
				logs := rec.recorded(&rec.logs)
				if breaking[fault] {
					require.NotEmpty(t, logs, "its violations are reported, as expected")
				}
				for _, l := range logs {
					assert.Contains(t, l, "contract violation, expected (the fake's scripted fault "+fault.String()+")")
				}
			})
		}
	}
	t.Run("fail-next", func(t *testing.T) {
		rec := &recordingTB{TB: t}
		require.NoError(t, srv.FailNext(contracttest.OpGetTransaction, http.StatusServiceUnavailable, "PROVIDER_ERROR"))
		status, header, _ := call(t, &http.Client{Transport: contracttest.Transport(rec, nil)}, http.MethodGet, srv.URL()+"/payment/transaction/"+id, testKey, nil)
		assert.Equal(t, http.StatusServiceUnavailable, status)
		assert.Contains(t, header.Get(markHeader), "answer=fail-next+503", "a forced answer is marked too")
		assert.Empty(t, rec.recorded(&rec.errors))
	})
}

// TestMarksAreHonouredOnlyFromAFake: the transport judges live LakiPay too, so a mark is
// honoured only with the secret token of a fake of this process that is still open. An
// answer that carries the header without it (LakiPay, a proxy, a stub: no token, a made-up
// one, a closed fake's) is judged as any other: its violations are not expected.
func TestMarksAreHonouredOnlyFromAFake(t *testing.T) {
	closed, err := contracttest.NewFake()
	require.NoError(t, err)
	closedSrv := httptest.NewServer(closed)
	defer closedSrv.Close()
	require.NoError(t, closed.InjectFault(contracttest.OpCreateCheckout, contracttest.FaultBadGateway))
	_, header, _ := call(t, http.DefaultClient, http.MethodPost, closedSrv.URL+"/api/v2/payment/checkout", testKey, checkoutBody(t, "R-closed", ""))
	genuine := header.Get(markHeader)
	require.Contains(t, genuine, "token=", "the fake marks its bad gateway")
	require.NoError(t, closed.Close())

	for name, value := range map[string]string{
		"no token":             "answer=fault+bad_gateway",
		"a made-up token":      "token=AAAAAAAAAAAAAAAAAAAAAAAAAA&answer=fault+bad_gateway",
		"an empty token":       "token=&answer=fault+bad_gateway",
		"a closed fake's":      genuine,
		"not a query":          "%zz",
		"the token, no answer": tokenOf(t, genuine),
	} {
		t.Run(name, func(t *testing.T) {
			live := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set(markHeader, value)
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(http.StatusBadGateway)
				_, _ = io.WriteString(w, "<html>502 Bad Gateway</html>")
			}))
			defer live.Close()
			var judged, expected collector
			hc := &http.Client{Transport: contracttest.NewTransport(nil, judged.add,
				contracttest.OnExpected(func(v contracttest.Violation, _ string) { expected.add(v) }))}
			call(t, hc, http.MethodPost, live.URL+"/api/v2/payment/checkout", testKey, checkoutBody(t, "R-live", ""))
			assert.NotEmpty(t, judged.all(), "the HTML 502 breaks the contract")
			assert.Empty(t, expected.all(), "and nothing is excused")
		})
	}
}

// tokenOf returns the token part of a mark.
func tokenOf(t *testing.T, mark string) string {
	t.Helper()
	for _, part := range strings.Split(mark, "&") {
		if strings.HasPrefix(part, "token=") {
			return part
		}
	}
	t.Fatalf("no token in %q", mark)
	return ""
}

// TestSetStatusMarksExcuseExactlyTheScriptedValues: a value scripted with SetStatus excuses
// that value in that field and nothing else of the same answer. An answer carrying a live
// fake's genuine mark (replayed by a stub, the strongest forgery a test can make) with another
// violation beside the scripted status, or another status than the scripted one, is still
// judged for them.
func TestSetStatusMarksExcuseExactlyTheScriptedValues(t *testing.T) {
	srv := contracttest.NewServer(t)
	id := createCheckout(t, srv, "R-marks", "").LakipayTransactionID
	require.NoError(t, srv.SetStatus(id, "REFUNDED", "AWASH"))
	_, header, _ := call(t, http.DefaultClient, http.MethodGet, srv.URL()+"/payment/transaction/"+id, testKey, nil)
	genuine := header.Get(markHeader)
	require.Contains(t, genuine, "status=REFUNDED")

	for _, tt := range []struct {
		name             string
		status, currency string
		expected, judged []string
	}{
		{"the scripted values only", "REFUNDED", "ETB", []string{"/data/status enum", "/data/medium enum"}, nil},
		{"another violation beside them", "REFUNDED", "etb", []string{"/data/status enum", "/data/medium enum"}, []string{"/data/currency pattern"}},
		{"another status than the scripted one", "DONE", "ETB", []string{"/data/medium enum"}, []string{"/data/status enum"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			body := `{"status":"SUCCESS","message":"ok","data":{"transaction_id":"` + id + `","reference":"R-marks","amount":1000.5,` +
				`"currency":"` + tt.currency + `","status":"` + tt.status + `","medium":"AWASH","created_at":"2024-01-15T10:30:00Z"}}`
			stub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set(markHeader, genuine)
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.WriteString(w, body)
			}))
			defer stub.Close()
			var judged, expected collector
			hc := &http.Client{Transport: contracttest.NewTransport(nil, judged.add,
				contracttest.OnExpected(func(v contracttest.Violation, _ string) { expected.add(v) }))}
			call(t, hc, http.MethodGet, stub.URL+"/api/v2/payment/transaction/"+id, testKey, nil)
			assert.ElementsMatch(t, tt.expected, expected.rules())
			assert.ElementsMatch(t, tt.judged, judged.rules())
		})
	}
}

// TestExpectViolation: a test says which violation it causes on purpose, by operation, rule
// and field. That one is logged as expected; the same rule at another field, the same field
// and rule in another operation, and a transport not given the expectation still fail the
// test; and an expectation that never came fails the test when it ends.
func TestExpectViolation(t *testing.T) {
	srv := contracttest.NewServer(t)
	body := bytes.Replace(checkoutBody(t, "R-expect", ""), []byte(`"251911111111"`), []byte(`"+251911111111"`), 1)
	body = bytes.Replace(body, []byte(`"ETB"`), []byte(`"etb"`), 1) // the same rule, pattern, at another field
	post := func(rec *recordingTB, opts ...contracttest.TransportOption) {
		call(t, &http.Client{Transport: contracttest.Transport(rec, nil, opts...)}, http.MethodPost, srv.URL()+"/payment/checkout", testKey, body)
	}

	t.Run("expected", func(t *testing.T) {
		rec := &recordingTB{TB: t}
		post(rec, contracttest.ExpectViolation(rec, contracttest.OpCreateCheckout, "pattern", "phone_number"))
		errs := rec.recorded(&rec.errors)
		require.Len(t, errs, 1, "only the phone number is expected: %q", errs)
		assert.Contains(t, errs[0], "request body /currency: pattern")
		logs := rec.recorded(&rec.logs)
		require.Len(t, logs, 1)
		assert.Contains(t, logs[0], "expected (expected by the test: createCheckout phone_number pattern)")
		assert.Contains(t, logs[0], "/phone_number: pattern")
	})
	t.Run("another operation", func(t *testing.T) {
		rec := &recordingTB{TB: t}
		post(rec, contracttest.ExpectViolation(rec, contracttest.OpGetTransaction, "pattern", "phone_number"))
		assert.Len(t, rec.recorded(&rec.errors), 2, "both violations fail (and, when the test ends, the expectation that never came)")
	})
	t.Run("another transport", func(t *testing.T) {
		rec := &recordingTB{TB: t}
		expect := contracttest.ExpectViolation(rec, contracttest.OpCreateCheckout, "pattern", "phone_number")
		post(rec, expect)
		post(rec)
		assert.Len(t, rec.recorded(&rec.errors), 1+2, "the transport without it fails on both")
	})
	var never *recordingTB
	t.Run("never came", func(t *testing.T) {
		never = &recordingTB{TB: t}
		valid := &http.Client{Transport: contracttest.Transport(never, nil,
			contracttest.ExpectViolation(never, contracttest.OpCreateCheckout, "pattern", "phone_number"))}
		call(t, valid, http.MethodPost, srv.URL()+"/payment/checkout", testKey, checkoutBody(t, "R-valid", ""))
		assert.Empty(t, never.recorded(&never.errors), "not before the test ends")
	})
	assert.Equal(t, []string{"contracttest: the expected violation createCheckout phone_number pattern never came"},
		never.recorded(&never.errors))

	for name, call := range map[string]func(tb *recordingTB){
		"unknown operation": func(tb *recordingTB) { contracttest.ExpectViolation(tb, "refund", "pattern", "phone_number") },
		"no rule": func(tb *recordingTB) {
			contracttest.ExpectViolation(tb, contracttest.OpCreateCheckout, "", "phone_number")
		},
		"no field": func(tb *recordingTB) { contracttest.ExpectViolation(tb, contracttest.OpCreateCheckout, "pattern", "") },
	} {
		t.Run(name, func(t *testing.T) {
			rec := &recordingTB{TB: t}
			done := make(chan struct{})
			go func() { defer close(done); call(rec) }()
			<-done
			assert.Len(t, rec.recorded(&rec.fatals), 1, "an expectation that could match nothing fails at once")
		})
	}
}

// TestExpectedViolationsKeepTheSecretOut: an expected violation is redacted like any other.
func TestExpectedViolationsKeepTheSecretOut(t *testing.T) {
	srv := contracttest.NewServer(t)
	rec := &recordingTB{TB: t}
	body := checkoutBody(t, secret+"&x", "") // the reference echoes the key's secret and breaks its pattern
	call(t, &http.Client{Transport: contracttest.Transport(rec, nil,
		contracttest.ExpectViolation(rec, contracttest.OpCreateCheckout, "pattern", "reference"))},
		http.MethodPost, srv.URL()+"/payment/checkout", testKey, body)
	logs := rec.recorded(&rec.logs)
	require.NotEmpty(t, logs)
	for _, l := range logs {
		assert.NotContains(t, l, secret)
	}
	assert.Empty(t, rec.recorded(&rec.errors))
}
