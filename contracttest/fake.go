package contracttest

import (
	"context"
	"crypto/rsa"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/lakipay/checkout-go/gen"
)

// ServerOption configures [NewServer] and [NewFake].
type ServerOption func(*fakeConfig) error

type fakeConfig struct {
	seed        int64
	apiKey      string
	signingKey  *rsa.PrivateKey
	logger      *slog.Logger
	attempts    int
	retryBase   time.Duration
	onViolation func(Violation)
}

// WithSeed makes ids and checkout tokens deterministic from seed (default 1).
func WithSeed(seed int64) ServerOption {
	return func(c *fakeConfig) error { c.seed = seed; return nil }
}

// WithAPIKey pins the one X-API-Key the fake accepts; without it any well-formed key passes.
func WithAPIKey(key string) ServerOption {
	return func(c *fakeConfig) error { c.apiKey = key; return nil }
}

// WithSigningKey sets the RSA key webhooks are signed with (default: a fresh 2048-bit key).
func WithSigningKey(k *rsa.PrivateKey) ServerOption {
	return func(c *fakeConfig) error { c.signingKey = k; return nil }
}

// WithLogger sets where the fake logs what it does (default: discard).
func WithLogger(l *slog.Logger) ServerOption {
	return func(c *fakeConfig) error { c.logger = l; return nil }
}

// WithWebhookRetry bounds webhook delivery to attempts tries, waiting base, 2*base, ...
// between them.
func WithWebhookRetry(attempts int, base time.Duration) ServerOption {
	return func(c *fakeConfig) error { c.attempts = attempts; c.retryBase = base; return nil }
}

// WithViolationHook receives every violation of the spec by a response the fake itself
// produced (not a scripted fault): a bug in the fake.
func WithViolationHook(fn func(Violation)) ServerOption {
	return func(c *fakeConfig) error { c.onViolation = fn; return nil }
}

// Fault is a transport-level failure the fake can inject into an operation's next response.
type Fault int

// The faults [Fake.InjectFault] can inject.
const (
	// FaultInternalError answers 500 with the error envelope (error_code PROVIDER_ERROR).
	FaultInternalError Fault = iota + 1
	// FaultRateLimited answers 429 with Retry-After: 1.
	FaultRateLimited
	// FaultMalformedJSON answers 200 with a body that is not JSON.
	FaultMalformedJSON
	// FaultTruncatedBody answers 200 and closes the connection halfway through the body.
	FaultTruncatedBody
	// FaultConnectionReset resets the connection without answering.
	FaultConnectionReset
)

// Delivery is one webhook delivery attempt.
type Delivery struct {
	// URL is the callback_url posted to.
	URL string
	// Body is the signed JSON sent.
	Body []byte
	// Status is the receiver's HTTP status, 0 when there was no answer.
	Status int
	// Err says why the attempt failed without an answer, "" otherwise.
	Err string
	// Attempt counts from 1.
	Attempt int
	// Time is when the attempt was made.
	Time time.Time
}

// OK reports whether the receiver accepted the delivery (2xx).
func (d Delivery) OK() bool { return d.Status >= 200 && d.Status < 300 }

// Errors the fake's scripting methods return.
var (
	ErrUnknownTransaction = errors.New("contracttest: unknown transaction")
	ErrFinal              = errors.New("contracttest: transaction is already final")
	ErrMediumNotOffered   = errors.New("contracttest: medium not offered by this session")
)

// Fake is a stateful fake LakiPay as an [http.Handler]: the API under /api/v2, the hosted
// page under /checkout/, scripting under /_mock/. It is safe for concurrent use.
type Fake struct {
	cfg fakeConfig
}

// NewFake returns a fake LakiPay.
func NewFake(opts ...ServerOption) (*Fake, error) {
	f := &Fake{cfg: fakeConfig{seed: 1, attempts: 5, retryBase: 200 * time.Millisecond}}
	for _, o := range opts {
		if err := o(&f.cfg); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// ServeHTTP serves the fake.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }

// PublicKey returns the public half of the webhook signing key.
func (f *Fake) PublicKey() *rsa.PublicKey { return nil }

// PublicKeyPEM returns the webhook public key as PEM, as LakiPay's dashboard hands it out.
func (f *Fake) PublicKeyPEM() []byte { return nil }

// Pay completes a session as paid with medium, as a shopper would on the hosted page.
func (f *Fake) Pay(id string, medium gen.Medium) error { return nil }

// Fail completes a session as failed at the provider for medium.
func (f *Fake) Fail(id string, medium gen.Medium) error { return nil }

// Cancel cancels a session, as a shopper would on the hosted page.
func (f *Fake) Cancel(id string) error { return nil }

// Decline makes the next payment attempt on the hosted page for session id fail at the
// provider: the session becomes FAILED and the shopper goes to redirects.failed.
func (f *Fake) Decline(id string) error { return nil }

// FailNext makes the next call of operationID answer status with error_code errorCode.
func (f *Fake) FailNext(operationID string, status int, errorCode string) {}

// SetLatency delays every API answer by d.
func (f *Fake) SetLatency(d time.Duration) {}

// InjectFault makes the next call of operationID fail with fault.
func (f *Fake) InjectFault(operationID string, fault Fault) {}

// InjectFaultN makes the next n calls of operationID fail with fault.
func (f *Fake) InjectFaultN(operationID string, fault Fault, n int) {}

// Deliveries returns every webhook attempt so far, in order.
func (f *Fake) Deliveries() []Delivery { return nil }

// WaitForDeliveries waits until at least n webhook attempts were made and returns them.
func (f *Fake) WaitForDeliveries(ctx context.Context, n int) ([]Delivery, error) { return nil, nil }

// WaitIdle waits until no webhook delivery is pending.
func (f *Fake) WaitIdle(ctx context.Context) error { return nil }

// Reset forgets every session, script, fault and delivery.
func (f *Fake) Reset() {}

// Close stops pending webhook deliveries and waits for them to end.
func (f *Fake) Close() error { return nil }

// Coverage returns what the fake has exercised so far.
func (f *Fake) Coverage() *Coverage { return &Coverage{} }

// Coverage says which operations, statuses and enum values an exchange exercised.
type Coverage struct{}

// String prints the coverage report.
func (c *Coverage) String() string { return "" }
