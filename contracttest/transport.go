package contracttest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/internal/apikey"
	"github.com/lakipay/checkout-go/internal/contract"
)

// Violation is one broken rule of the contract, as the transport and the fake report it: the
// operation, the JSON pointer of the field, the rule, what came (never the secret key) and
// where in openapi.yaml the rule lives. It is the SDK's own type.
type Violation = client.Violation

// TransportOption configures [Transport] and [NewTransport].
type TransportOption func(*transportConfig)

type transportConfig struct {
	strict     bool
	onExpected func(Violation, string)
	expected   []*expectation
}

// Strict makes the transport also report properties that the spec neither declares nor rules
// on (an object without additionalProperties lets them pass), with the rule "undeclared
// property". Use it to notice LakiPay adding fields, or the older flat response shape leaking
// into an otherwise valid envelope.
func Strict() TransportOption { return func(c *transportConfig) { c.strict = true } }

// Transport returns a round tripper for tests: every violation fails t with t.Errorf, and the
// exchange still happens (a violating request is still sent), so the server's answer stays
// visible. base nil means [http.DefaultTransport]. A violation that is expected (an answer
// a fake of this process broke on purpose, or [ExpectViolation]) is logged with t.Logf
// instead (see [OnExpected]).
func Transport(t testing.TB, base http.RoundTripper, opts ...TransportOption) http.RoundTripper {
	t.Helper()
	logExpected := OnExpected(func(v Violation, why string) {
		t.Helper()
		t.Logf("contract violation, expected (%s): %s", why, v)
	})
	return NewTransport(base, func(v Violation) {
		t.Helper()
		t.Errorf("contract violation: %s", v)
	}, append([]TransportOption{logExpected}, opts...)...)
}

// NewTransport returns a round tripper that hands every violation of the exchanges through it
// to onViolation (which must be safe for concurrent use) and otherwise behaves as base: a
// violating request is still sent, and the caller reads request and response bodies intact.
// base nil means [http.DefaultTransport]; onViolation nil drops violations. The violations
// that are expected go to [OnExpected]'s function instead, or nowhere.
func NewTransport(base http.RoundTripper, onViolation func(Violation), opts ...TransportOption) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	if onViolation == nil {
		onViolation = func(Violation) {}
	}
	var cfg transportConfig
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if cfg.onExpected == nil {
		cfg.onExpected = func(Violation, string) {}
	}
	return &transport{base: base, onViolation: onViolation, cfg: cfg}
}

type transport struct {
	base        http.RoundTripper
	onViolation func(Violation)
	cfg         transportConfig
}

// RoundTrip validates the request, sends it through the base transport and validates the
// response. Errors of the base transport (and of reading the response body) reach the caller
// unchanged; they are not contract violations.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	body, err := readRequestBody(req)
	if err != nil {
		return nil, fmt.Errorf("contracttest: read request body: %w", err)
	}
	// What is sent: a shallow copy, so that the caller's request is never touched. Header and
	// URL are shared read-only, as a RoundTripper must leave them. The API may sit under any
	// base path (LakiPay's /api/v2, a proxy's): operations are matched by the path's end.
	opts := contract.Options{Strict: t.cfg.strict}
	op, violations := contract.ValidateRequest(req.Method, req.URL.EscapedPath(), req.Header, body, opts)
	t.report(violations, req, nil)
	out := new(http.Request)
	*out = *req
	out.Body = bodyOf(body)
	if body != nil {
		out.GetBody = func() (io.ReadCloser, error) { return bodyOf(body), nil }
		out.ContentLength = int64(len(body))
	}
	resp, err := t.base.RoundTrip(out)
	if err != nil {
		return nil, err
	}
	resp.Request = req
	if op == "" {
		return resp, nil // the route violation is reported; there is nothing to validate against
	}
	respBody, readErr := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if readErr != nil {
		// A broken body is a transport failure, not a violation: hand the caller what came,
		// followed by the same error.
		resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(respBody), errReader{readErr}))
		return resp, nil
	}
	resp.Body = bodyOf(respBody)
	violations = contract.ValidateResponse(op, resp.StatusCode, resp.Header, respBody, opts)
	violations = append(violations, legacyShape(op, resp.StatusCode, respBody)...)
	var marked *mark
	if m, ok := markOf(resp.Header); ok {
		marked = &m
	}
	t.report(violations, req, marked)
	return resp, nil
}

// report hands violations on, each to onExpected when the answer's mark (nil for a request,
// or an answer without a fake's mark) or a test's expectation covers it, else to
// onViolation, with the secret half of the request's X-API-Key redacted from every text
// field, however a body escaped it and where a value was cut short. A header that is not a
// key the SDK would send (see package apikey: a secret under 8 characters, a space, a
// control character) is no real key and has nothing redacted.
func (t *transport) report(violations []contract.Violation, req *http.Request, marked *mark) {
	if len(violations) == 0 {
		return
	}
	key, _ := apikey.Parse(req.Header.Get("X-API-Key")) // the zero Key redacts nothing
	for _, v := range violations {
		v.Pointer, v.Reason, v.Value = key.Redact(v.Pointer), key.Redact(v.Reason), key.Redact(v.Value)
		if why, ok := t.expected(v, marked); ok {
			t.cfg.onExpected(Violation(v), why)
			continue
		}
		t.onViolation(Violation(v))
	}
}

// expected says why v is expected, if it is: the answer's mark covers it, or a test expects
// it.
func (t *transport) expected(v contract.Violation, marked *mark) (string, bool) {
	if marked != nil {
		if why, ok := marked.covers(v); ok {
			return why, true
		}
	}
	for _, e := range t.cfg.expected {
		if e.matches(v) {
			e.came.Store(true)
			return "expected by the test: " + e.String(), true
		}
	}
	return "", false
}

func readRequestBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	defer closeBody(req)
	return io.ReadAll(req.Body)
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}

func bodyOf(b []byte) io.ReadCloser {
	if b == nil {
		return http.NoBody
	}
	return io.NopCloser(bytes.NewReader(b))
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
