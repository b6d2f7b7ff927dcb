package contracttest

import (
	"crypto/rsa"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"time"

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

// DefaultSessionTTL is how long a checkout session stays payable on a fake
// ([WithSessionTTL]): long enough for a shopper to pay, short enough for a shop to bound a
// seat or stock hold by it.
const DefaultSessionTTL = 30 * time.Minute

// maxSessionTTL is the longest [WithSessionTTL] takes.
const maxSessionTTL = 30 * 24 * time.Hour

// WithSessionTTL sets how long a session stays INITIATED and payable after its checkout was
// created (more than 0, at most 30 days; default [DefaultSessionTTL]). Then the fake cancels
// it as expired, as [Fake.Expire] does: CANCELLED, with its webhook.
func WithSessionTTL(d time.Duration) ServerOption {
	return func(c *fakeConfig) error {
		if d <= 0 || d > maxSessionTTL {
			return optionError("WithSessionTTL", "%s not in (0s, %s]", d, maxSessionTTL)
		}
		c.sessionTTL = d
		return nil
	}
}

// WithDeliveryBehaviour sets how the fake delivers every webhook (see [DeliveryBehaviour]);
// [Fake.SetDeliveryBehaviour] changes it while the fake runs and [Fake.Reset] restores this
// one.
func WithDeliveryBehaviour(b DeliveryBehaviour) ServerOption {
	return func(c *fakeConfig) error {
		if err := b.check(); err != nil {
			return &OptionError{Option: "WithDeliveryBehaviour", Err: err}
		}
		if err := b.warmUp(); err != nil {
			return &OptionError{Option: "WithDeliveryBehaviour", Err: err}
		}
		c.behaviour = b.normal()
		return nil
	}
}

// WithServerLimits sets the limits [NewServer] serves the fake with; a zero field keeps its
// default ([DefaultServerLimits]), a negative one is refused. The fake also extends its own
// deliberate delays by them. A fake from [NewFake] runs on whatever server serves it: apply
// the same limits to that server ([ServerLimits.Apply]) and its listener
// ([ServerLimits.Listener]).
func WithServerLimits(l ServerLimits) ServerOption {
	return func(c *fakeConfig) error {
		if err := l.check(); err != nil {
			return err
		}
		c.server = l.withDefaults()
		return nil
	}
}
