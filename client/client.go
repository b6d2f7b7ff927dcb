package client

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/lakipay/checkout-go/internal/apikey"
)

// defaultTransport is the transport of every Client made without WithHTTPClient: one, as
// http.DefaultTransport is one, so that clients made per request share its pool of
// connections instead of each keeping its own open. It is net/http's default but for the
// answer's headers, bounded as its body is (net/http allows 10 MiB, all of which an error
// would quote and the redaction would search).
var defaultTransport = sync.OnceValue(func() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxResponseHeaderBytes = maxResponseHeaderBytes
	return t
})

// Version is the version of this SDK, sent in the User-Agent header.
const Version = "0.1.0"

// DefaultBaseURL is LakiPay's production API, used unless [WithBaseURL] says otherwise.
const DefaultBaseURL = "https://api.lakipay.co/api/v2"

// DefaultTimeout bounds each HTTP attempt unless [WithTimeout] says otherwise.
const DefaultTimeout = 30 * time.Second

// Environment variables read by [NewFromEnv] (and nowhere else).
//
//nolint:gosec // names of variables, not credentials
const (
	EnvAPIKey  = "LAKIPAY_API_KEY"
	EnvBaseURL = "LAKIPAY_BASE_URL"
)

// Client calls LakiPay's hosted-checkout API. Create it with [New] or [NewFromEnv]; it is safe
// for concurrent use. Printing or logging a Client never shows the secret key.
type Client struct {
	cfg  config
	doer *doer
	// checkoutURL and transactionURL are the URLs of createCheckout and of getTransaction
	// (without the id) under the base URL, computed once.
	checkoutURL, transactionURL string
}

// config is what the options set; it holds the API key, so it formats itself redacted.
type config struct {
	key        apikey.Key
	baseURL    string
	httpClient *http.Client
	timeout    time.Duration
	retry      RetryPolicy
	userAgent  string
	logger     *slog.Logger

	// Test hooks: how to wait and how to draw jitter. Tests in this package replace them so
	// that the retry matrix runs without real sleeping.
	sleep  func(ctx context.Context, d time.Duration) error
	jitter func(limit time.Duration) time.Duration
	now    func() time.Time
}

// Option configures a [Client]; an option refuses invalid input with an error from [New].
type Option func(*config) error

// New returns a client that authenticates with apiKey, PUBLICKEY:SECRETKEY: both halves
// printable ASCII without spaces, the secret half (after the first colon) at least 8
// characters. Anything else is an error wrapping [ErrInvalidAPIKey] that names the broken
// rule and never repeats the key. Options apply in order; nil options are skipped.
func New(apiKey string, opts ...Option) (*Client, error) {
	key, err := parseAPIKey(apiKey)
	if err != nil {
		return nil, err
	}
	cfg := config{
		key:       key,
		baseURL:   DefaultBaseURL,
		timeout:   DefaultTimeout,
		retry:     DefaultRetryPolicy(),
		userAgent: "lakipay-go/" + Version,
		logger:    slog.New(slog.DiscardHandler),
		sleep:     sleepContext,
		jitter:    randomJitter,
		now:       time.Now,
	}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&cfg); err != nil {
			return nil, safeError(key, err) // a base URL's error may quote it, and it may hold anything
		}
	}
	if cfg.httpClient == nil {
		// The per-attempt deadline (WithTimeout) is applied as a context deadline by the
		// doer and covers reading the body too; http.Client.Timeout would add a second timer.
		cfg.httpClient = &http.Client{Transport: defaultTransport()}
	} else {
		copied := *cfg.httpClient
		cfg.httpClient = &copied
	}
	// Never follow redirects: net/http would resend X-API-Key to whatever host a redirect
	// names. A 3xx is returned as an *APIError instead.
	cfg.httpClient.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

	c := &Client{cfg: cfg, checkoutURL: cfg.baseURL + checkoutPath, transactionURL: cfg.baseURL + "/payment/transaction/"}
	c.doer = &doer{cfg: &c.cfg}
	return c, nil
}

// NewFromEnv returns a client configured from the environment: the key from LAKIPAY_API_KEY
// and, when set, the base URL from LAKIPAY_BASE_URL (unset: [DefaultBaseURL]). Options given
// here override both. LAKIPAY_BASE_URL set but empty or blank is an error, never the
// production default: a deployment whose test base URL went missing (BASE=$UNSET) must not
// send its requests, and its key, to LakiPay's live API.
func NewFromEnv(opts ...Option) (*Client, error) {
	key, ok := os.LookupEnv(EnvAPIKey)
	if !ok || key == "" {
		return nil, fmt.Errorf("lakipay: %s is not set: %w", EnvAPIKey, ErrInvalidAPIKey)
	}
	if base, set := os.LookupEnv(EnvBaseURL); set {
		if strings.TrimSpace(base) == "" {
			return nil, fmt.Errorf("lakipay: %s is set but empty: unset it to call %s, or set the base URL to call", EnvBaseURL, DefaultBaseURL)
		}
		opts = append([]Option{WithBaseURL(base)}, opts...)
	}
	return New(key, opts...)
}

// authorize adds the API key and User-Agent headers to a request.
func (c *Client) authorize(req *http.Request) {
	req.Header.Set("X-API-Key", c.cfg.key.Header())
	req.Header.Set("User-Agent", c.cfg.userAgent)
}

// BaseURL returns the API base URL the client calls.
func (c *Client) BaseURL() string { return c.cfg.baseURL }

// WithBaseURL sets the API base URL (default [DefaultBaseURL]), for example a test server's.
// It must be an absolute http or https URL without credentials, query or fragment.
func WithBaseURL(u string) Option {
	return func(c *config) error {
		parsed, err := url.Parse(u)
		switch {
		case err != nil:
			return fmt.Errorf("lakipay: base URL is not a URL: %w", errors.Unwrap(err))
		case parsed.Scheme != "http" && parsed.Scheme != "https":
			return errors.New("lakipay: base URL must be an absolute http or https URL")
		case parsed.Host == "":
			return errors.New("lakipay: base URL has no host")
		case parsed.User != nil:
			return errors.New("lakipay: base URL must not carry credentials")
		case parsed.RawQuery != "" || parsed.Fragment != "" || strings.ContainsAny(u, "?#"):
			return errors.New("lakipay: base URL must not have a query or fragment")
		}
		c.baseURL = strings.TrimRight(parsed.String(), "/")
		return nil
	}
}

// WithHTTPClient sets the HTTP client used for requests (for proxies, custom TLS or test
// transports). The client is copied and never follows redirects; [WithTimeout] still bounds
// each attempt.
func WithHTTPClient(h *http.Client) Option {
	return func(c *config) error {
		if h == nil {
			return errors.New("lakipay: HTTP client is nil")
		}
		c.httpClient = h
		return nil
	}
}

// WithTimeout bounds each HTTP attempt, including reading the response body (default
// [DefaultTimeout]). It must be positive. The overall time, across retries, is bounded by the
// caller's context.
func WithTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("lakipay: timeout must be positive, got %s", d)
		}
		c.timeout = d
		return nil
	}
}

// WithRetry sets the retry policy (default [DefaultRetryPolicy]); see the package
// documentation for what is retried.
func WithRetry(p RetryPolicy) Option {
	return func(c *config) error {
		if err := p.validate(); err != nil {
			return err
		}
		c.retry = p
		return nil
	}
}

// WithUserAgent appends s to the User-Agent header, after "lakipay-go/<Version>", to name
// the application. It must be printable ASCII without line breaks.
func WithUserAgent(s string) Option {
	return func(c *config) error {
		s = strings.TrimSpace(s)
		if s == "" {
			return errors.New("lakipay: user agent is empty")
		}
		for _, r := range s {
			if r < 0x20 || r > 0x7e {
				return errors.New("lakipay: user agent must be printable ASCII")
			}
		}
		c.userAgent = "lakipay-go/" + Version + " " + s
		return nil
	}
}

// WithLogger sets a logger that receives one debug record per HTTP attempt (method, path,
// attempt, status, duration, error). Records never contain the API key. Default: no logging.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("lakipay: logger is nil")
		}
		c.logger = l
		return nil
	}
}

// sleepContext waits for d or until ctx ends, whichever comes first.
func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// randomJitter returns a uniformly random duration in [0, limit).
func randomJitter(limit time.Duration) time.Duration {
	if limit <= 0 {
		return 0
	}
	return rand.N(limit) //nolint:gosec // jitter needs no cryptographic randomness
}
