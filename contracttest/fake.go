package contracttest

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/lakipay/checkout-go/internal/fake/route"
	"github.com/lakipay/checkout-go/internal/fake/webhooks"
	"github.com/lakipay/checkout-go/internal/webhook"
)

// Errors of the fake's scripting methods (and of the /_mock/ endpoints, as their messages).
var (
	// ErrUnknownTransaction: no session has this id.
	ErrUnknownTransaction = errors.New("contracttest: unknown transaction")
	// ErrFinal: the session is already SUCCESS, FAILED or CANCELLED; it never changes again.
	ErrFinal = errors.New("contracttest: transaction is already final")
	// ErrMediumNotOffered: the medium is not one of the session's supported_mediums.
	ErrMediumNotOffered = errors.New("contracttest: medium not offered by this session")
	// ErrScript: a scripting call named an unknown operation or fault, or a count or status
	// out of range; nothing was scripted.
	ErrScript = errors.New("contracttest: invalid script")
)

// Fake is a stateful fake LakiPay as an [http.Handler]: the API under /api/v2, the hosted
// payment page under /checkout/, and scripting under /_mock/ (see the package documentation).
// It is safe for concurrent use. Call [Fake.Close] when done to stop pending webhooks.
type Fake struct {
	cfg fakeConfig
	log *slog.Logger

	// The signing key is generated in the background (it takes 50-300ms) unless
	// WithSigningKey gave one: key, pem and keyErr are written once, before keyReady closes,
	// and read only after it has (see signingKey).
	keyReady chan struct{}
	key      *rsa.PrivateKey
	pem      []byte
	keyErr   error

	now    func() time.Time
	router *route.Router
	// token is the secret the fake marks its deliberately broken answers with (see
	// markHeader).
	token string

	mu         sync.Mutex
	rng        *mrand.Rand
	sessions   *sessionStore
	scripts    map[string][]script
	requests   map[string]int // operation → requests that reached the fake
	latency    time.Duration
	deliveries *deliveryLog
	history    *history                  // what happened to each session, for the dashboard
	queue      *webhooks.Queue[Delivery] // delivers the webhooks
	behaviour  *DeliveryBehaviour        // set by SetDeliveryBehaviour; nil: the configured one
	// lastGenuine is the transaction of the latest genuine webhook queued, whose webhook a
	// fake-wide CaseReplayed replays to the next transaction's receiver.
	lastGenuine string
	cov         *Coverage
	changed     chan struct{}   // closed and replaced on every change of deliveries or pending
	ctx         context.Context // cancelled by Reset and Close: stops pending deliveries
	cancel      context.CancelFunc
	// expiry runs expireDue at expiryDue, when the oldest open session's time is up (nil: no
	// session is open).
	expiry    *time.Timer
	expiryDue time.Time
	wg        sync.WaitGroup
	closed    bool
}

// NewFake returns a fake LakiPay. Serve it on any listener (with [ServerLimits.Apply] on the
// server and [ServerLimits.Listener] around the listener, for the limits [NewServer] has);
// its checkout URLs use the host each request came to.
func NewFake(opts ...ServerOption) (*Fake, error) {
	cfg := fakeConfig{
		seed: 1, attempts: defaultAttempts, retryBase: defaultRetryBase,
		maxSessions: DefaultMaxSessions, maxDeliveries: DefaultMaxDeliveries,
		webhookWorkers: DefaultWebhookWorkers, webhookQueue: DefaultWebhookQueue, webhookTimeout: DefaultWebhookTimeout,
		server: DefaultServerLimits(), sessionTTL: DefaultSessionTTL,
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.logger == nil {
		cfg.logger = slog.New(slog.DiscardHandler)
	}
	if cfg.onViolation == nil {
		cfg.onViolation = func(Violation) {}
	}
	f := &Fake{
		cfg:      cfg,
		log:      cfg.logger,
		now:      time.Now,
		keyReady: make(chan struct{}),
		history:  newHistory(),
		token:    newMarkToken(),
	}
	f.router = f.routes()
	f.queue = f.newQueue()
	// Seeded once: a reset keeps the sequence going, so that one running fake never hands
	// out an id or a checkout token twice.
	seed := uint64(cfg.seed)                                       //nolint:gosec // any bit pattern is a fine seed
	f.rng = mrand.New(mrand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) //nolint:gosec // deterministic ids are the point
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
	f.stopExpiryLocked()
	f.sessions = newSessionStore(f.cfg.maxSessions)
	f.scripts = map[string][]script{}
	f.requests = map[string]int{}
	f.latency = 0
	f.deliveries = newDeliveryLog(f.cfg.maxDeliveries)
	f.history.resetLocked()
	f.ctx, f.cancel = context.WithCancel(context.Background())
	f.queue.ResetLocked(f.ctx)
	f.behaviour, f.lastGenuine = nil, ""
	f.cov = newCoverage()
	f.notifyLocked()
}

// notifyLocked wakes every waiter; the caller holds f.mu.
func (f *Fake) notifyLocked() {
	if f.changed != nil {
		close(f.changed)
	}
	f.changed = make(chan struct{})
}

// ServeHTTP serves the API, the hosted page and the /_mock/ endpoints; any other path
// answers 404 and a known path asked with another method 405, both with the error envelope.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) { f.router.ServeHTTP(w, r) }

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

// Reset forgets every session, used reference, script, fault, latency, delivery, request
// count, hold and the coverage, and stops pending webhooks (held ones included). The signing key, the limits and the
// [WithDeliveryBehaviour] stay (one set by [Fake.SetDeliveryBehaviour] is forgotten), and so
// does the sequence of ids: a fake never hands out a transaction id or a checkout token
// twice, so an id stored before the reset never names a session made after it.
func (f *Fake) Reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.resetLocked()
}

// Close stops pending webhook deliveries and the webhook workers and waits for them (and for
// the signing key, if it is still being generated) to end. The fake still answers requests
// afterwards but sends no more webhooks. Close may be called more than once.
func (f *Fake) Close() error {
	f.mu.Lock()
	if !f.closed {
		f.closed = true
		markTokens.Delete(f.token)
		f.stopExpiryLocked()
		f.cancel()
		f.queue.CloseLocked()
		f.notifyLocked()
	}
	f.mu.Unlock()
	f.wg.Wait()
	f.queue.Wait()
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
