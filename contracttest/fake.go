package contracttest

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/lakipay/checkout-go/gen"
	"github.com/lakipay/checkout-go/internal/spec"
	"github.com/lakipay/checkout-go/internal/webhook"
)

// ServerOption configures [NewServer] and [NewFake]. An option with a bad argument makes
// NewFake return an error (and NewServer fail the test).
type ServerOption func(*fakeConfig) error

type fakeConfig struct {
	seed int64
	// apiKey is the SHA-256 of the pinned key (nil: any well-formed key): the fake never
	// holds the secret itself, so no dump of it can show one.
	apiKey      []byte
	signingKey  *rsa.PrivateKey
	logger      *slog.Logger
	attempts    int
	retryBase   time.Duration
	onViolation func(Violation)
}

// Webhook retry defaults: 5 attempts, 200ms, 400ms, 800ms, 1.6s apart.
const (
	defaultAttempts  = 5
	defaultRetryBase = 200 * time.Millisecond
	maxRetryWait     = 30 * time.Second
	maxAttempts      = 20
	deliveryTimeout  = 10 * time.Second
	maxBodyBytes     = 1 << 20
)

// WithSeed makes transaction ids and checkout tokens deterministic from seed (default 1): the
// same seed and the same order of checkouts give the same ids.
func WithSeed(seed int64) ServerOption {
	return func(c *fakeConfig) error { c.seed = seed; return nil }
}

// WithAPIKey pins the one X-API-Key the fake accepts (any other answers 401); without it any
// well-formed PUBLICKEY:SECRETKEY passes.
func WithAPIKey(key string) ServerOption {
	return func(c *fakeConfig) error {
		if err := spec.CheckAPIKey(key); err != nil {
			return fmt.Errorf("contracttest: WithAPIKey: %w", err)
		}
		sum := sha256.Sum256([]byte(key))
		c.apiKey = sum[:]
		return nil
	}
}

// WithSigningKey sets the RSA key (at least 2048 bits) webhooks are signed with; the default
// is a fresh 2048-bit key per fake.
func WithSigningKey(k *rsa.PrivateKey) ServerOption {
	return func(c *fakeConfig) error {
		if k == nil {
			return errors.New("contracttest: WithSigningKey: nil key")
		}
		if k.N.BitLen() < webhook.MinKeyBits {
			return fmt.Errorf("contracttest: WithSigningKey: %d-bit key, want at least %d", k.N.BitLen(), webhook.MinKeyBits)
		}
		c.signingKey = k
		return nil
	}
}

// WithLogger sets where the fake logs what it does (requests, state changes, deliveries,
// violations of its own responses); the default discards. API keys are never logged.
func WithLogger(l *slog.Logger) ServerOption {
	return func(c *fakeConfig) error {
		if l == nil {
			return errors.New("contracttest: WithLogger: nil logger")
		}
		c.logger = l
		return nil
	}
}

// WithWebhookRetry bounds webhook delivery to attempts tries (1 to 20), waiting base, 2*base,
// 4*base ... (capped at 30s) between them. The default is 5 attempts from 200ms.
func WithWebhookRetry(attempts int, base time.Duration) ServerOption {
	return func(c *fakeConfig) error {
		if attempts < 1 || attempts > maxAttempts {
			return fmt.Errorf("contracttest: WithWebhookRetry: attempts %d not in 1..%d", attempts, maxAttempts)
		}
		if base < 0 {
			return fmt.Errorf("contracttest: WithWebhookRetry: negative base %s", base)
		}
		c.attempts, c.retryBase = attempts, base
		return nil
	}
}

// WithViolationHook receives every violation of the spec by something the fake itself
// produced: an API response (not a scripted one) or a webhook body. Each is a bug in the fake.
// [NewServer] installs a hook that fails the test.
func WithViolationHook(fn func(Violation)) ServerOption {
	return func(c *fakeConfig) error { c.onViolation = fn; return nil }
}

// Errors of the fake's scripting methods (and of the /_mock/ endpoints, as their messages).
var (
	// ErrUnknownTransaction: no session has this id.
	ErrUnknownTransaction = errors.New("contracttest: unknown transaction")
	// ErrFinal: the session is already SUCCESS, FAILED or CANCELLED; it never changes again.
	ErrFinal = errors.New("contracttest: transaction is already final")
	// ErrMediumNotOffered: the medium is not one of the session's supported_mediums.
	ErrMediumNotOffered = errors.New("contracttest: medium not offered by this session")
)

// Fake is a stateful fake LakiPay as an [http.Handler]: the API under /api/v2, the hosted
// payment page under /checkout/, and scripting under /_mock/ (see the package documentation).
// It is safe for concurrent use. Call [Fake.Close] when done to stop pending webhooks.
type Fake struct {
	cfg    fakeConfig
	spec   *spec.Spec
	log    *slog.Logger
	client *http.Client

	// The signing key is generated in the background (it takes 50-300ms) unless
	// WithSigningKey gave one: key, pem and keyErr are written once, before keyReady closes,
	// and read only after it has (see signingKey).
	keyReady chan struct{}
	key      *rsa.PrivateKey
	pem      []byte
	keyErr   error

	now func() time.Time
	mux *http.ServeMux

	mu         sync.Mutex
	rng        *mrand.Rand
	sessions   map[string]*session // by transaction id
	byToken    map[string]*session
	references map[string]string // reference → transaction id
	scripts    map[string][]script
	requests   map[string]int // operation → requests that reached the fake
	latency    time.Duration
	deliveries []Delivery
	cov        *Coverage
	changed    chan struct{} // closed and replaced on every change of deliveries or pending
	pending    int
	ctx        context.Context // cancelled by Reset and Close: stops pending deliveries
	cancel     context.CancelFunc
	generation int // bumped by Reset: deliveries of an older generation record nothing
	wg         sync.WaitGroup
	closed     bool
}

// session is one checkout session and its transaction.
type session struct {
	id, token string
	req       gen.CheckoutRequest
	status    gen.TransactionStatus
	medium    *gen.Medium
	created   time.Time
	updated   time.Time
	decline   bool
}

// NewFake returns a fake LakiPay. Serve it on any listener; its checkout URLs use the host
// each request came to.
func NewFake(opts ...ServerOption) (*Fake, error) {
	cfg := fakeConfig{seed: 1, attempts: defaultAttempts, retryBase: defaultRetryBase}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	s, err := spec.Load()
	if err != nil {
		return nil, err
	}
	if cfg.logger == nil {
		cfg.logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.onViolation == nil {
		cfg.onViolation = func(Violation) {}
	}
	f := &Fake{
		cfg:      cfg,
		spec:     s,
		log:      cfg.logger,
		client:   &http.Client{Timeout: deliveryTimeout},
		now:      time.Now,
		keyReady: make(chan struct{}),
	}
	f.mux = f.routes()
	f.resetLocked()
	if cfg.signingKey != nil {
		f.setKey(cfg.signingKey, nil)
		return f, nil
	}
	// Start-up does not wait for the key: only signing and handing out the public key do.
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		f.setKey(generateKey(rand.Reader, webhook.MinKeyBits))
	}()
	return f, nil
}

// String describes the fake without its state: printing a Fake (with any fmt verb, also
// through [Server]) must neither race with the requests it is serving nor show its pinned API
// key or its private signing key.
func (f *Fake) String() string {
	return fmt.Sprintf("contracttest.Fake{seed: %d, pinnedKey: %t}", f.cfg.seed, f.cfg.apiKey != nil)
}

// GoString is String, so that %#v hides the state too.
func (f *Fake) GoString() string { return f.String() }

// generateKey makes the default signing key; tests replace it to control when it is ready.
var generateKey = rsa.GenerateKey

// setKey publishes the signing key (or why there is none) to every waiter of keyReady.
func (f *Fake) setKey(k *rsa.PrivateKey, err error) {
	if err != nil {
		f.keyErr = fmt.Errorf("contracttest: generate signing key: %w", err)
	} else {
		f.key, f.pem = k, webhook.EncodePublicKey(&k.PublicKey)
	}
	close(f.keyReady)
}

// signingKey waits until the signing key is ready and returns it.
func (f *Fake) signingKey() (*rsa.PrivateKey, error) {
	<-f.keyReady
	return f.key, f.keyErr
}

// resetLocked (re)initialises all state; the caller holds f.mu or owns f exclusively.
func (f *Fake) resetLocked() {
	if f.cancel != nil {
		f.cancel()
	}
	seed := uint64(f.cfg.seed)                                     //nolint:gosec // any bit pattern is a fine seed
	f.rng = mrand.New(mrand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) //nolint:gosec // deterministic ids are the point
	f.sessions = map[string]*session{}
	f.byToken = map[string]*session{}
	f.references = map[string]string{}
	f.scripts = map[string][]script{}
	f.requests = map[string]int{}
	f.latency = 0
	f.deliveries = nil
	f.pending = 0
	f.generation++
	f.cov = newCoverage(f.spec)
	f.ctx, f.cancel = context.WithCancel(context.Background())
	f.notifyLocked()
}

// notifyLocked wakes every waiter; the caller holds f.mu.
func (f *Fake) notifyLocked() {
	if f.changed != nil {
		close(f.changed)
	}
	f.changed = make(chan struct{})
}

// ServeHTTP serves the API, the hosted page and the /_mock/ endpoints.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) { f.mux.ServeHTTP(w, r) }

func (f *Fake) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/api/v2/", f.serveAPI)
	mux.HandleFunc("GET /checkout/{token}", f.servePage)
	mux.HandleFunc("POST /checkout/{token}", f.submitPage)
	f.mockRoutes(mux)
	return mux
}

// PublicKey returns the public half of the webhook signing key, waiting for the key to be
// generated if it is not ready yet (nil only if generating it failed).
func (f *Fake) PublicKey() *rsa.PublicKey {
	if k, err := f.signingKey(); err == nil {
		return &k.PublicKey
	}
	return nil
}

// PublicKeyPEM returns the webhook public key as a PKIX PEM block, as LakiPay's dashboard
// hands it out (also served at GET /_mock/public-key). Like [Fake.PublicKey] it waits for the
// key; it is nil only if generating the key failed.
func (f *Fake) PublicKeyPEM() []byte {
	<-f.keyReady
	return append([]byte(nil), f.pem...)
}

// Pay completes session id as paid with medium, as a shopper would on the hosted page: the
// status becomes SUCCESS and a webhook goes to the callback_url.
func (f *Fake) Pay(id string, medium gen.Medium) error {
	return f.complete(id, &medium, gen.TransactionStatusSUCCESS)
}

// Fail completes session id as failed at the provider for medium: the status becomes FAILED
// and a webhook goes to the callback_url.
func (f *Fake) Fail(id string, medium gen.Medium) error {
	return f.complete(id, &medium, gen.TransactionStatusFAILED)
}

// Cancel cancels session id, as a shopper would on the hosted page: the status becomes
// CANCELLED and a webhook goes to the callback_url.
func (f *Fake) Cancel(id string) error { return f.complete(id, nil, gen.TransactionStatusCANCELLED) }

// Decline scripts a provider failure on the hosted page: the next payment the shopper makes
// there for session id fails (FAILED, redirect to redirects.failed) instead of succeeding.
func (f *Fake) Decline(id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.sessions[id]
	if !ok {
		return fmt.Errorf("%w %q", ErrUnknownTransaction, id)
	}
	if isFinal(s.status) {
		return fmt.Errorf("%w (%s)", ErrFinal, s.status)
	}
	s.decline = true
	return nil
}

// complete moves a session to a final status and starts its webhook.
func (f *Fake) complete(id string, medium *gen.Medium, status gen.TransactionStatus) error {
	_, _ = f.signingKey() // wait for the key outside f.mu, so that other calls are not held up
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.sessions[id]
	if !ok {
		return fmt.Errorf("%w %q", ErrUnknownTransaction, id)
	}
	return f.completeLocked(s, medium, status)
}

func (f *Fake) completeLocked(s *session, medium *gen.Medium, status gen.TransactionStatus) error {
	if isFinal(s.status) {
		return fmt.Errorf("%w (%s)", ErrFinal, s.status)
	}
	if medium != nil && !offers(s, *medium) {
		return fmt.Errorf("%w: %q (offered: %s)", ErrMediumNotOffered, *medium, mediumList(s))
	}
	s.status = status
	if medium != nil {
		m := *medium
		s.medium = &m
		f.cov.enum("Medium", string(m))
	}
	s.updated = f.now().UTC()
	f.cov.enum("TransactionStatus", string(status))
	f.log.Info("lakipay fake: transaction changed", "transaction_id", s.id, "status", status)
	f.startWebhookLocked(s)
	return nil
}

func isFinal(s gen.TransactionStatus) bool {
	return s == gen.TransactionStatusSUCCESS || s == gen.TransactionStatusFAILED || s == gen.TransactionStatusCANCELLED
}

func offers(s *session, m gen.Medium) bool {
	for _, o := range s.req.SupportedMediums {
		if o == m {
			return true
		}
	}
	return false
}

func mediumList(s *session) string {
	names := make([]string, len(s.req.SupportedMediums))
	for i, m := range s.req.SupportedMediums {
		names[i] = string(m)
	}
	return strings.Join(names, ", ")
}

// SetLatency delays every API answer by d (0 turns it off); a request whose context ends
// first gets no answer.
func (f *Fake) SetLatency(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.latency = max(d, 0)
}

// Deliveries returns every webhook attempt so far, in the order they ended.
func (f *Fake) Deliveries() []Delivery {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Delivery(nil), f.deliveries...)
}

// WaitForDeliveries waits until at least n webhook attempts have ended and returns all of them;
// it returns ctx's error (and the attempts so far) when ctx ends first.
func (f *Fake) WaitForDeliveries(ctx context.Context, n int) ([]Delivery, error) {
	for {
		f.mu.Lock()
		if len(f.deliveries) >= n {
			out := append([]Delivery(nil), f.deliveries...)
			f.mu.Unlock()
			return out, nil
		}
		changed := f.changed
		f.mu.Unlock()
		select {
		case <-ctx.Done():
			return f.Deliveries(), fmt.Errorf("contracttest: waiting for %d webhook deliveries: %w", n, ctx.Err())
		case <-changed:
		}
	}
}

// WaitIdle waits until no webhook delivery is pending (every one succeeded or used up its
// attempts), or ctx ends.
func (f *Fake) WaitIdle(ctx context.Context) error {
	for {
		f.mu.Lock()
		if f.pending == 0 {
			f.mu.Unlock()
			return nil
		}
		changed := f.changed
		f.mu.Unlock()
		select {
		case <-ctx.Done():
			return fmt.Errorf("contracttest: waiting for pending webhooks: %w", ctx.Err())
		case <-changed:
		}
	}
}

// Reset forgets every session, used reference, script, fault, latency, delivery, request
// count and the coverage, and stops pending webhooks; ids start again from the seed. The signing key stays.
func (f *Fake) Reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.resetLocked()
}

// Close stops pending webhook deliveries and waits for them (and for the signing key, if it
// is still being generated) to end. The fake still answers requests afterwards but sends no
// more webhooks.
func (f *Fake) Close() error {
	f.mu.Lock()
	f.closed = true
	f.cancel()
	f.mu.Unlock()
	f.wg.Wait()
	return nil
}

// newIDLocked returns prefix and 2*bytes hex digits, deterministic from the seed; the
// caller holds f.mu.
func (f *Fake) newIDLocked(prefix string, bytes int) string {
	var b strings.Builder
	b.WriteString(prefix)
	for i := 0; i < bytes; i += 8 {
		fmt.Fprintf(&b, "%016x", f.rng.Uint64())
	}
	return b.String()[:len(prefix)+2*bytes]
}

// Coverage returns a snapshot of what the fake has exercised so far.
func (f *Fake) Coverage() *Coverage {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.cov.clone()
}
