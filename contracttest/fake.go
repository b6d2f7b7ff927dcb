package contracttest

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/internal/contract"
	"github.com/lakipay/checkout-go/internal/webhook"
)

// ServerOption configures [NewServer] and [NewFake]. An option with a bad argument makes
// NewFake return an [*OptionError] (and NewServer fail the test).
type ServerOption func(*fakeConfig) error

// OptionError is the error of a [ServerOption] or a [ReceiverOption] given an argument it
// refuses (or of an argument of [RunReceiverSuite]).
type OptionError struct {
	// Option is the option's name, such as "WithMaxSessions" (or the argument's, such as
	// "receiverURL").
	Option string
	// Err says which rule the argument broke.
	Err error
}

// Error names the option and the rule: "contracttest: WithMaxSessions: 0 not in 1..10000000".
func (e *OptionError) Error() string { return "contracttest: " + e.Option + ": " + e.Err.Error() }

// Unwrap returns the broken rule.
func (e *OptionError) Unwrap() error { return e.Err }

func optionError(option, format string, args ...any) error {
	return &OptionError{Option: option, Err: fmt.Errorf(format, args...)}
}

type fakeConfig struct {
	seed int64
	// apiKey is the SHA-256 of the pinned key (nil: any well-formed key): the fake never
	// holds the secret itself, so no dump of it can show one.
	apiKey         []byte
	signingKey     *rsa.PrivateKey
	logger         *slog.Logger
	attempts       int
	retryBase      time.Duration
	onViolation    func(Violation)
	maxSessions    int
	maxDeliveries  int
	webhookWorkers int
	webhookQueue   int
	webhookTimeout time.Duration
	server         ServerLimits
	behaviour      DeliveryBehaviour
	sessionTTL     time.Duration
}

// Webhook retry defaults: 5 attempts, 200ms, 400ms, 800ms, 1.6s apart.
const (
	defaultAttempts  = 5
	defaultRetryBase = 200 * time.Millisecond
	maxRetryWait     = 30 * time.Second
	maxAttempts      = 20
	maxBodyBytes     = 1 << 20
)

// The default limits of a fake: enough for a long CI day of checkouts and webhooks, small
// enough that a fake left running holds at most about 150 MB of live data (see the package
// documentation).
const (
	// DefaultMaxSessions is how many checkout sessions a fake stores ([WithMaxSessions]).
	DefaultMaxSessions = 100_000
	// DefaultMaxDeliveries is how many webhook deliveries a fake records ([WithMaxDeliveries]).
	DefaultMaxDeliveries = 10_000
	// DefaultWebhookWorkers is how many webhook attempts run at once ([WithWebhookWorkers]).
	DefaultWebhookWorkers = 32
	// DefaultWebhookQueue is how many webhooks may be pending at once ([WithWebhookQueue]).
	DefaultWebhookQueue = 10_000
	// DefaultWebhookTimeout bounds one webhook attempt ([WithWebhookTimeout]).
	DefaultWebhookTimeout = 5 * time.Second
)

// The largest values the limit options take.
const (
	maxMaxSessions    = 10_000_000
	maxMaxDeliveries  = 1_000_000
	maxWebhookWorkers = 1024
	maxWebhookQueue   = 1_000_000
	maxWebhookTimeout = 2 * time.Minute
)

// WithSeed makes transaction ids and checkout tokens deterministic from seed (default 1): the
// same seed and the same order of checkouts (and resets) give the same ids. A reset does not
// start the ids again: one fake never hands out an id twice.
func WithSeed(seed int64) ServerOption {
	return func(c *fakeConfig) error { c.seed = seed; return nil }
}

// WithAPIKey pins the one X-API-Key the fake accepts (any other answers 401); without it any
// well-formed PUBLICKEY:SECRETKEY passes.
func WithAPIKey(key string) ServerOption {
	return func(c *fakeConfig) error {
		if err := contract.CheckAPIKey(key); err != nil {
			return &OptionError{Option: "WithAPIKey", Err: err}
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
			return optionError("WithSigningKey", "nil key")
		}
		if k.N.BitLen() < webhook.MinKeyBits {
			return optionError("WithSigningKey", "%d-bit key, want at least %d", k.N.BitLen(), webhook.MinKeyBits)
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
			return optionError("WithLogger", "nil logger")
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
			return optionError("WithWebhookRetry", "attempts %d not in 1..%d", attempts, maxAttempts)
		}
		if base < 0 {
			return optionError("WithWebhookRetry", "negative base %s", base)
		}
		c.attempts, c.retryBase = attempts, base
		return nil
	}
}

// WithMaxSessions bounds the checkout sessions the fake stores (1 to 10,000,000; default
// [DefaultMaxSessions]). A checkout beyond the cap makes the fake forget the session that
// became final longest ago (or, when none is final, the oldest open one); a forgotten
// session's reference stays refused (see the package documentation).
func WithMaxSessions(n int) ServerOption {
	return func(c *fakeConfig) error {
		if n < 1 || n > maxMaxSessions {
			return optionError("WithMaxSessions", "%d not in 1..%d", n, maxMaxSessions)
		}
		c.maxSessions = n
		return nil
	}
}

// WithMaxDeliveries bounds the webhook deliveries the fake records for [Fake.Deliveries] and
// GET /_mock/deliveries (1 to 1,000,000; default [DefaultMaxDeliveries]): beyond it the
// oldest record is forgotten.
func WithMaxDeliveries(n int) ServerOption {
	return func(c *fakeConfig) error {
		if n < 1 || n > maxMaxDeliveries {
			return optionError("WithMaxDeliveries", "%d not in 1..%d", n, maxMaxDeliveries)
		}
		c.maxDeliveries = n
		return nil
	}
}

// WithWebhookWorkers sets how many webhook attempts run at once (1 to 1024; default
// [DefaultWebhookWorkers]), which also bounds the connections to receivers.
func WithWebhookWorkers(n int) ServerOption {
	return func(c *fakeConfig) error {
		if n < 1 || n > maxWebhookWorkers {
			return optionError("WithWebhookWorkers", "%d not in 1..%d", n, maxWebhookWorkers)
		}
		c.webhookWorkers = n
		return nil
	}
}

// WithWebhookQueue bounds the webhooks pending at once, waiting for a worker or for their
// next attempt (1 to 1,000,000; default [DefaultWebhookQueue]). A webhook beyond it is not
// sent: it is recorded as a [Delivery] with Dropped set and the reason in Err.
func WithWebhookQueue(n int) ServerOption {
	return func(c *fakeConfig) error {
		if n < 1 || n > maxWebhookQueue {
			return optionError("WithWebhookQueue", "%d not in 1..%d", n, maxWebhookQueue)
		}
		c.webhookQueue = n
		return nil
	}
}

// WithWebhookTimeout bounds one webhook attempt, from dialling the receiver to reading its
// answer (more than 0, at most 2m; default [DefaultWebhookTimeout]). An attempt that runs out
// of time is a failed attempt, retried like any other.
func WithWebhookTimeout(d time.Duration) ServerOption {
	return func(c *fakeConfig) error {
		if err := checkWebhookTimeout("WithWebhookTimeout", d); err != nil {
			return err
		}
		c.webhookTimeout = d
		return nil
	}
}

// checkWebhookTimeout refuses a bound of one webhook attempt out of (0, 2m], as option's
// error: the fake's attempts and the receiver suite's deliveries share the range.
func checkWebhookTimeout(option string, d time.Duration) error {
	if d <= 0 || d > maxWebhookTimeout {
		return optionError(option, "%s not in (0s, %s]", d, maxWebhookTimeout)
	}
	return nil
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
	router *router
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
	history    *history // what happened to each session, for the dashboard
	hooks      dispatcher
	cov        *Coverage
	changed    chan struct{}   // closed and replaced on every change of deliveries or pending
	ctx        context.Context // cancelled by Reset and Close: stops pending deliveries
	cancel     context.CancelFunc
	generation int // bumped by Reset: deliveries of an older generation record nothing
	// expiry runs expireDue at expiryDue, when the oldest open session's time is up (nil: no
	// session is open).
	expiry    *time.Timer
	expiryDue time.Time
	wg        sync.WaitGroup
	closed    bool
}

// session is one checkout session and its transaction.
type session struct {
	id, token string
	req       client.CheckoutRequest
	status    client.TransactionStatus
	medium    client.Medium // "" until the shopper chose one
	created   time.Time
	updated   time.Time
	expires   time.Time // when an INITIATED session expires (monotonic: immune to f.now)
	decline   bool
	muted     bool // its status changes send no webhook of their own (MuteWebhooks)
	history   txHistory
	scripted  scripted
	// prev and next link the session into its store's list of open or of final sessions.
	prev, next *session
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
	f.hooks.resetLocked()
	f.generation++
	f.cov = newCoverage()
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

// Pay completes session id as paid with medium, as a shopper would on the hosted page: the
// status becomes SUCCESS and a webhook goes to the callback_url.
func (f *Fake) Pay(id string, medium client.Medium) error {
	_, err := f.complete(id, medium, client.TransactionStatusSUCCESS)
	return err
}

// Fail completes session id as failed at the provider for medium: the status becomes FAILED
// and a webhook goes to the callback_url.
func (f *Fake) Fail(id string, medium client.Medium) error {
	_, err := f.complete(id, medium, client.TransactionStatusFAILED)
	return err
}

// Cancel cancels session id, as a shopper would on the hosted page: the status becomes
// CANCELLED and a webhook goes to the callback_url.
func (f *Fake) Cancel(id string) error {
	_, err := f.complete(id, "", client.TransactionStatusCANCELLED)
	return err
}

// SetStatus scripts what LakiPay may send before openapi.yaml knows it: transaction id takes
// status (any upper-case word, such as REFUNDED) and, unless medium is "", medium (any
// upper-case word, such as AWASH, offered by the session or not), and a webhook goes to the
// callback_url, signed. Transaction detail shows both from then on. It is how a test checks
// that its code carries a status or a medium it does not know (Valid false) through, as
// package client does.
//
// A value openapi.yaml does not know is sent on purpose, so the fake's self-check lets exactly
// that value pass, while a [Transport] (and live mode) still reports it as a deviation from
// the spec. A status the spec does not know leaves the fake unable to tell whether the
// transaction is final: it takes no other change but another SetStatus. A session that is
// final takes only a status the spec does not know (LakiPay's known statuses never leave a
// final one): anything else is [ErrFinal]. A status or medium that is not an upper-case word
// is [ErrScript].
func (f *Fake) SetStatus(id string, status client.TransactionStatus, medium client.Medium) error {
	_, err := f.setStatus(id, status, medium)
	return err
}

// upperWord is what SetStatus takes as a status or medium: an upper-case word.
var upperWord = regexp.MustCompile(`^[A-Z][A-Z0-9_]{0,63}$`)

// setStatus is SetStatus, returning the transaction as it is afterwards.
func (f *Fake) setStatus(id string, status client.TransactionStatus, medium client.Medium) (client.Transaction, error) {
	if !upperWord.MatchString(string(status)) {
		return client.Transaction{}, fmt.Errorf("%w: status %q is not an upper-case word such as REFUNDED", ErrScript, status)
	}
	if medium != "" && !upperWord.MatchString(string(medium)) {
		return client.Transaction{}, fmt.Errorf("%w: medium %q is not an upper-case word such as AWASH", ErrScript, medium)
	}
	return f.change(id, func(s *session) error {
		wasFinal := s.final()
		if wasFinal && status.Valid() {
			return fmt.Errorf("%w (%s): only a status openapi.yaml does not know may follow", ErrFinal, s.status)
		}
		f.setStatusLocked(s, status, medium)
		if !wasFinal && s.final() {
			f.sessions.finished(s)
		}
		f.startWebhookLocked(s)
		return nil
	})
}

// setStatusLocked gives s status and, unless it is "", medium, noting the values openapi.yaml
// does not know as scripted; the caller holds f.mu.
func (f *Fake) setStatusLocked(s *session, status client.TransactionStatus, medium client.Medium) {
	s.status, s.scripted.status = status, ""
	if !status.Valid() {
		s.scripted.status = string(status)
	}
	if medium != "" {
		s.medium, s.scripted.medium = medium, ""
		if !medium.Valid() {
			s.scripted.medium = string(medium)
		}
		f.cov.enum("Medium", string(medium))
	}
	s.updated = f.now().UTC()
	f.cov.enum("TransactionStatus", string(status))
	f.log.Info("lakipay fake: transaction status scripted", "transaction_id", s.id, "status", status, "medium", medium)
}

// scripted are the values [Fake.SetStatus] gave a session that openapi.yaml does not know.
type scripted struct{ status, medium string }

// deliberate reports whether v is the fake's own answer or webhook carrying one of the values
// a test scripted on purpose: an enum violation of a status or medium field, with exactly the
// scripted value.
func (sc scripted) deliberate(v contract.Violation) bool {
	if v.Rule != contract.RuleEnum {
		return false
	}
	var want string
	switch v.Pointer[strings.LastIndexByte(v.Pointer, '/')+1:] {
	case "status":
		want = sc.status
	case "medium":
		want = sc.medium
	}
	return want != "" && v.Value == strconv.Quote(want)
}

// final reports whether s takes no other change from a shopper or a test: its status is final,
// or one openapi.yaml does not know (whose meaning the fake cannot tell).
func (s *session) final() bool { return !s.status.Valid() || s.status.IsFinal() }

// MuteWebhooks makes session id's status changes send no webhook of their own from now on
// (no genuine webhook, copy, earlier status or hostile delivery of the [DeliveryBehaviour]):
// only [Fake.Deliver] sends its webhooks; unlike [Fake.HoldWebhooks], nothing is kept to be
// released. The receiver suite mutes the sessions a merchant's
// [SessionOpener] made, whose callback_url is the receiver, so that every delivery the
// receiver gets is the one a case sends, when it sends it.
func (f *Fake) MuteWebhooks(id string) error {
	_, err := f.muteWebhooks(id)
	return err
}

// muteWebhooks is MuteWebhooks, returning the transaction.
func (f *Fake) muteWebhooks(id string) (client.Transaction, error) {
	return f.change(id, func(s *session) error {
		s.muted = true
		return nil
	})
}

// Decline scripts a provider failure on the hosted page: the next payment the shopper makes
// there for session id fails (FAILED, redirect to redirects.failed) instead of succeeding.
func (f *Fake) Decline(id string) error {
	_, err := f.decline(id)
	return err
}

// decline is Decline, returning the transaction as it is afterwards.
func (f *Fake) decline(id string) (client.Transaction, error) {
	return f.change(id, func(s *session) error {
		if s.final() {
			return fmt.Errorf("%w (%s)", ErrFinal, s.status)
		}
		s.decline = true
		return nil
	})
}

// complete moves a session to a final status and starts its webhook; it returns the
// transaction as it is afterwards.
func (f *Fake) complete(id string, medium client.Medium, status client.TransactionStatus) (client.Transaction, error) {
	return f.change(id, func(s *session) error { return f.completeLocked(s, medium, status) })
}

// change applies fn to session id under f.mu and returns the transaction as it is afterwards
// (read under the same lock: the session may be forgotten right after). It waits for the
// signing key first, outside f.mu, since fn may start a webhook: other calls are not held up.
func (f *Fake) change(id string, fn func(*session) error) (client.Transaction, error) {
	_, _ = f.signingKey()
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.sessions.byID[id]
	if !ok {
		return client.Transaction{}, fmt.Errorf("%w %q", ErrUnknownTransaction, id)
	}
	if err := fn(s); err != nil {
		return client.Transaction{}, err
	}
	return transactionOf(s), nil
}

// completeLocked moves s to a final status, paid with medium ("" for none); the caller holds
// f.mu.
func (f *Fake) completeLocked(s *session, medium client.Medium, status client.TransactionStatus) error {
	if s.final() {
		return fmt.Errorf("%w (%s)", ErrFinal, s.status)
	}
	if medium != "" && !offers(s, medium) {
		return fmt.Errorf("%w: %q (offered: %s)", ErrMediumNotOffered, medium, mediumList(s))
	}
	s.status = status
	if medium != "" {
		s.medium = medium
		f.cov.enum("Medium", string(medium))
	}
	s.updated = f.now().UTC()
	f.sessions.finished(s)
	f.cov.enum("TransactionStatus", string(status))
	f.log.Info("lakipay fake: transaction changed", "transaction_id", s.id, "status", status)
	f.noteStatusLocked(s)
	f.startWebhookLocked(s)
	return nil
}

func offers(s *session, m client.Medium) bool {
	for _, o := range s.req.SupportedMediums {
		if o == m {
			return true
		}
	}
	return false
}

func mediumList(s *session) string { return joinNames(s.req.SupportedMediums) }

// joinNames lists enum values for a message: "MPESA, CBE".
func joinNames[T ~string](values []T) string {
	names := make([]string, len(values))
	for i, v := range values {
		names[i] = string(v)
	}
	return strings.Join(names, ", ")
}

// SetLatency delays every API answer by d (0 turns it off); a request whose context ends
// first gets no answer. The fake extends the server's read and write deadlines of a delayed
// request by d, so a latency longer than [ServerLimits] still gets its answer.
func (f *Fake) SetLatency(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.latency = max(d, 0)
}

// Deliveries returns the recorded webhook deliveries, oldest first: every attempt and every
// dropped webhook, at most the last [WithMaxDeliveries] of them. It is never nil.
func (f *Fake) Deliveries() []Delivery {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.deliveries.list("", f.cfg.maxDeliveries)
}

// WaitForDeliveries waits until at least n webhook deliveries (attempts that ended, and
// dropped webhooks) have been recorded since the fake started or was last reset, and returns
// the recorded ones as [Fake.Deliveries] does; it returns ctx's error (and the deliveries so
// far) when ctx ends first.
func (f *Fake) WaitForDeliveries(ctx context.Context, n int) ([]Delivery, error) {
	for {
		f.mu.Lock()
		if f.deliveries.total >= n {
			out := f.deliveries.list("", f.cfg.maxDeliveries)
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

// WaitIdle waits until no webhook delivery is pending (every one succeeded, used up its
// attempts or was dropped) but those [Fake.HoldWebhooks] holds back, or ctx ends.
func (f *Fake) WaitIdle(ctx context.Context) error {
	for {
		f.mu.Lock()
		if f.hooks.pending == f.hooks.heldCount {
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
		f.hooks.closeLocked()
		f.notifyLocked()
	}
	client := f.hooks.client
	f.mu.Unlock()
	f.wg.Wait()
	if client != nil {
		client.CloseIdleConnections()
	}
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
