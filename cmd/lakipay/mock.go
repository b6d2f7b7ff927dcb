package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/lakipay/checkout-go/contracttest"
	"github.com/lakipay/checkout-go/internal/apikey"
)

// apiKeyFlag is the mock's flag for the only API key it accepts.
const apiKeyFlag = "api-key"

func (a *app) mockCommand() *cobra.Command {
	var (
		addr, apiKey, keyOut, signingKey string
		seed                             int64
		verbose                          bool
		limits                           = defaultMockLimits()
		delivery                         = &deliveryFlags{}
		serverLimits                     = limits.server()
	)
	cmd := &cobra.Command{
		Use:   "mock",
		Short: "Serve a fake LakiPay (API, hosted page, signed webhooks) for any language's tests",
		Long: fmt.Sprintf(`Serve the fake LakiPay of package contracttest as a standalone server: the API under
/api/v2 (validated against openapi.yaml, stateful), the hosted checkout page under /checkout/,
signed webhooks to each session's callback_url, and scripting under /_mock/ (pay, fail or
cancel a session, force errors and faults, list webhook deliveries, coverage; see the
contracttest package documentation). GET /_mock/public-key serves the webhook public key.

Webhooks are signed with a fresh RSA-2048 key per start, unless --signing-key names a key
file: it is read, or created when missing, so that receivers configured with the public key
(--key-out) keep verifying across restarts, and start-up skips the key generation.

It runs for as long as you leave it up, with bounded memory and connections: at most
--max-sessions stored sessions (beyond it the session that became final longest ago is
forgotten, and its reference stays refused), --max-deliveries recorded webhook deliveries,
--webhook-queue pending webhooks (beyond it a webhook is recorded as dropped), delivered by
--webhook-workers workers, each attempt bounded by --webhook-timeout; redirects from a
receiver are never followed. At most --max-connections connections are open at once (one
beyond waits until another closes); they are cut after %s without complete headers, %s
without a complete request, %s without taking an answer and %s idle. Request headers are
limited to %d bytes (431 with the error envelope beyond).

An unpaid (INITIATED) session stays payable for --session-ttl after its checkout, then
expires: CANCELLED, with its webhook (LakiPay documents no lifetime: openapi.yaml decides it).

Webhooks arrive once, in order and genuine unless the --webhook-... flags make every status
change meet what hurts receivers (also POST /_mock/webhook-behaviour): --webhook-copies
copies of each webhook (--webhook-spacing apart, or at once), --webhook-order
stale_after_final (a genuinely signed PENDING after the final webhook) or final_late (the
PENDING first, the final one --webhook-order-delay later), and --webhook-hostile forgeries
ahead of the genuine webhook (forged_signature, tampered_status, tampered_amount,
tampered_transaction, replayed, unsigned, shifted_key, shifted_value, duplicate_key,
oversized). POST /_mock/deliver sends any of them on demand; lakipay webhook test runs the
whole receiver suite.

GET /_mock/dashboard (its address is printed at start-up) is a page of the sessions, newest
first: a click shows one's timeline (the hosted page opened, paid, failed or cancelled, each
webhook attempt with the receiver's status code, answer body, latency and error, each
transaction detail call) and the contract coverage; it follows new events as they happen.

It logs one line per request to standard error (with --verbose also the fake's events:
webhook attempts, status changes, and the dashboard's reads) and shuts down cleanly on
SIGINT or SIGTERM.

Its commands script a mock already running (--mock): pay, fail, cancel, decline, expire or
set-status a session, hold and release its webhooks, wait for one, deliver a case now,
inject faults (fault, fail-next), latency, reset. 'lakipay mock COMMAND --help' says more.`,
			serverLimits.ReadHeaderTimeout, serverLimits.ReadTimeout, serverLimits.WriteTimeout, serverLimits.IdleTimeout,
			serverLimits.MaxHeaderBytes),
		Example: `  lakipay mock --addr 127.0.0.1:12111 --seed 7 --key-out lakipay-mock.pem
  LAKIPAY_BASE_URL=http://127.0.0.1:12111/api/v2 LAKIPAY_API_KEY=pk_test_a:sk_test_b \
    lakipay transaction get TXN-...
  lakipay mock hold TXN-... && lakipay mock pay TXN-... --medium MPESA
  lakipay mock release TXN-... && lakipay mock wait TXN-... SUCCESS`,
		Args: noArgs,
		RunE: op(func(cmd *cobra.Command, _ []string) (err error) {
			if err := checkAddr(addr); err != nil {
				return usagef("--addr: %w", err)
			}
			if limits.maxConnections < 1 {
				return usagef("--max-connections: %d is not at least 1", limits.maxConnections)
			}
			opts := []contracttest.ServerOption{contracttest.WithSeed(seed)}
			if cmd.Flags().Changed(apiKeyFlag) {
				// A key that parses was registered with the redactor at start-up (runContext).
				if _, err := apikey.Parse(apiKey); err != nil {
					return usagef("--api-key: %w", err)
				}
				opts = append(opts, contracttest.WithAPIKey(apiKey))
			}
			requestLevel := slog.LevelInfo
			if verbose {
				requestLevel = slog.LevelDebug // the dashboard's reads too
			}
			log := slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: requestLevel}))
			// The fake's own records: its errors always; its events (webhook attempts, status
			// changes, per-request details) with --verbose, so that by default each request
			// is one line.
			fakeLevel := slog.LevelWarn
			if verbose {
				fakeLevel = slog.LevelInfo
			}
			fakeLog := slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: fakeLevel}))
			if signingKey != "" {
				key, created, err := loadOrCreateSigningKey(signingKey)
				if err != nil {
					return fmt.Errorf("--signing-key %s: %w", signingKey, err)
				}
				if created {
					log.Info("created the webhook signing key", "file", signingKey)
				}
				opts = append(opts, contracttest.WithSigningKey(key))
			}
			opts = append(opts, limits.options()...)
			opts = append(opts, contracttest.WithDeliveryBehaviour(delivery.behaviour()))
			fake, err := contracttest.NewFake(append(opts, contracttest.WithLogger(fakeLog))...)
			if err != nil {
				return usageError(delivery.flagError(limits.flagError(err)))
			}
			defer func() { err = errors.Join(err, fake.Close()) }()
			ctx := cmd.Context()
			// Bound first, then the key written, then served: a mock that cannot have its
			// address leaves no key file behind, nor replaces the key of one already there.
			srv, err := listen(ctx, addr, limits.server(), logRequests(log, fake), log)
			if err != nil {
				return err
			}
			if keyOut != "" {
				if err := writeFileAtomic(keyOut, fake.PublicKeyPEM()); err != nil {
					return errors.Join(fmt.Errorf("--key-out: %w", err), srv.unbind())
				}
			}
			srv.start()
			a.stdout.printf("lakipay mock: fake LakiPay (seed %d) serving\n", seed)
			fields(a.stdout,
				"base URL", srv.url+"/api/v2",
				"dashboard", srv.url+"/_mock/dashboard",
				"public key", srv.url+"/_mock/public-key",
				"key file", keyOut,
				"deliveries", srv.url+"/_mock/deliveries",
				"limits", limits.String(),
				"webhooks", delivery.String(),
				"coverage", srv.url+"/_mock/coverage?format=text",
				"scripting", srv.url+"/_mock/... (go doc github.com/lakipay/checkout-go/contracttest)",
			)
			select {
			case <-ctx.Done():
			case err := <-srv.done:
				srv.done <- err // stop reads it again
			}
			log.Info("shutting down")
			return srv.stop()
		}),
	}
	fl := cmd.Flags()
	fl.StringVar(&addr, "addr", "127.0.0.1:12111", "address to listen on, host:port (port 0 picks a free one; an empty host listens on every interface)")
	fl.Int64Var(&seed, "seed", 1, "seed for deterministic transaction ids and checkout tokens")
	fl.StringVar(&apiKey, apiKeyFlag, "", "the only X-API-Key to accept, PUBLICKEY:SECRETKEY with a secret of at least 8 characters (default: any well-formed key)")
	fl.BoolVar(&verbose, "verbose", false, "also log the fake's events (webhook attempts, status changes, scripted answers) and the dashboard's reads")
	fl.StringVar(&keyOut, "key-out", "", "write the webhook public key (PEM) to this file")
	fl.StringVar(&signingKey, "signing-key", "", "PEM RSA private key to sign webhooks with, created when the file does not exist, so the public key survives restarts (default: a fresh key per start)")
	limits.addFlags(cmd)
	delivery.addFlags(cmd)
	cmd.AddCommand(a.scriptCommands()...)
	return cmd
}

// deliveryFlags are the flags of the fake's delivery behaviour (contracttest.DeliveryBehaviour).
type deliveryFlags struct {
	copies         int
	spacing, delay time.Duration
	order          string
	hostile        []string
}

func (d *deliveryFlags) addFlags(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.IntVar(&d.copies, "webhook-copies", 1, "deliver every webhook this many times (1 to 10)")
	fl.DurationVar(&d.spacing, "webhook-spacing", 0, "time between the copies of a webhook (0: all at once)")
	fl.StringVar(&d.order, "webhook-order", string(contracttest.OrderInOrder), "in_order, stale_after_final (a PENDING after the final webhook) or final_late (the PENDING first, the final one late)")
	fl.DurationVar(&d.delay, "webhook-order-delay", 0, "stale_after_final: wait before the stale PENDING; final_late: before the final webhook")
	fl.StringSliceVar(&d.hostile, "webhook-hostile", nil, "hostile deliveries ahead of each final webhook (repeat, or separate with commas): forged_signature, tampered_status, tampered_amount, tampered_transaction, replayed, unsigned, shifted_key, shifted_value, duplicate_key, oversized")
}

func (d *deliveryFlags) behaviour() contracttest.DeliveryBehaviour {
	b := contracttest.DeliveryBehaviour{Copies: d.copies, Spacing: d.spacing, Order: contracttest.WebhookOrder(d.order), OrderDelay: d.delay}
	for _, c := range d.hostile {
		b.Hostile = append(b.Hostile, contracttest.DeliveryCase(c))
	}
	return b
}

// deliveryFlagOf maps the start of a refused behaviour's message (its field, see
// contracttest.DeliveryBehaviour) to the flag that set it; order_delay comes before order.
var deliveryFlagOf = []struct{ field, flag string }{
	{"copies ", "--webhook-copies"},
	{"spacing ", "--webhook-spacing"},
	{"order_delay ", "--webhook-order-delay"},
	{"order ", "--webhook-order"},
	{"hostile ", "--webhook-hostile"},
}

// flagError rewrites a refused behaviour as an error of its flag; other errors pass as
// they are.
func (d *deliveryFlags) flagError(err error) error {
	var oe *contracttest.OptionError
	if !errors.As(err, &oe) || oe.Option != "WithDeliveryBehaviour" {
		return err
	}
	for _, f := range deliveryFlagOf {
		if strings.HasPrefix(oe.Err.Error(), f.field) {
			return fmt.Errorf("%s: %w", f.flag, oe.Err)
		}
	}
	return fmt.Errorf("--webhook-...: %w", oe.Err)
}

// String summarises the behaviour for the start-up banner.
func (d *deliveryFlags) String() string {
	parts := []string{fmt.Sprintf("each delivered %d time(s)", d.copies)}
	if d.copies > 1 {
		parts[0] += fmt.Sprintf(", %s apart", d.spacing)
	}
	if d.order != string(contracttest.OrderInOrder) {
		parts = append(parts, fmt.Sprintf("%s (delay %s)", d.order, d.delay))
	}
	if len(d.hostile) > 0 {
		parts = append(parts, "after hostile "+strings.Join(d.hostile, ", "))
	}
	return strings.Join(parts, "; ")
}

// mockLimits are the flags of the fake's limits (see contracttest's With... options).
type mockLimits struct {
	maxSessions, maxDeliveries, webhookWorkers, webhookQueue int
	webhookTimeout                                           time.Duration
	maxConnections                                           int // the server's (contracttest.ServerLimits)
	sessionTTL                                               time.Duration
}

func defaultMockLimits() *mockLimits {
	return &mockLimits{
		maxSessions:    contracttest.DefaultMaxSessions,
		maxDeliveries:  contracttest.DefaultMaxDeliveries,
		webhookWorkers: contracttest.DefaultWebhookWorkers,
		webhookQueue:   contracttest.DefaultWebhookQueue,
		webhookTimeout: contracttest.DefaultWebhookTimeout,
		maxConnections: contracttest.DefaultServerLimits().MaxConnections,
		sessionTTL:     contracttest.DefaultSessionTTL,
	}
}

// server returns the limits of the mock's HTTP server: the fake's defaults, with
// --max-connections.
func (l *mockLimits) server() contracttest.ServerLimits {
	s := contracttest.DefaultServerLimits()
	s.MaxConnections = l.maxConnections
	return s
}

// limitFlags maps each limit option to its flag, so that a refused value names the flag.
var limitFlags = map[string]string{
	"WithMaxSessions":    "--max-sessions",
	"WithMaxDeliveries":  "--max-deliveries",
	"WithWebhookWorkers": "--webhook-workers",
	"WithWebhookQueue":   "--webhook-queue",
	"WithWebhookTimeout": "--webhook-timeout",
	"WithSessionTTL":     "--session-ttl",
}

func (l *mockLimits) addFlags(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.IntVar(&l.maxSessions, "max-sessions", l.maxSessions, "checkout sessions kept; beyond it the one final longest ago is forgotten (its reference stays refused)")
	fl.IntVar(&l.maxDeliveries, "max-deliveries", l.maxDeliveries, "webhook deliveries recorded for /_mock/deliveries; beyond it the oldest are forgotten")
	fl.IntVar(&l.webhookWorkers, "webhook-workers", l.webhookWorkers, "webhook attempts (and connections to receivers) at once")
	fl.IntVar(&l.webhookQueue, "webhook-queue", l.webhookQueue, "webhooks pending at once (queued or waiting to be retried); beyond it a webhook is recorded as dropped")
	fl.DurationVar(&l.webhookTimeout, "webhook-timeout", l.webhookTimeout, "bound on one webhook attempt: dial, request, answer")
	fl.IntVar(&l.maxConnections, "max-connections", l.maxConnections, "connections open at once; one beyond waits until another closes (keeps file descriptors bounded)")
	fl.DurationVar(&l.sessionTTL, "session-ttl", l.sessionTTL, "how long an unpaid (INITIATED) session stays payable; then it expires: CANCELLED, with its webhook")
}

func (l *mockLimits) options() []contracttest.ServerOption {
	return []contracttest.ServerOption{
		contracttest.WithMaxSessions(l.maxSessions),
		contracttest.WithMaxDeliveries(l.maxDeliveries),
		contracttest.WithWebhookWorkers(l.webhookWorkers),
		contracttest.WithWebhookQueue(l.webhookQueue),
		contracttest.WithWebhookTimeout(l.webhookTimeout),
		contracttest.WithServerLimits(l.server()),
		contracttest.WithSessionTTL(l.sessionTTL),
	}
}

// flagError rewrites a limit option's refusal as one of its flag; other errors pass as they
// are.
func (l *mockLimits) flagError(err error) error {
	var oe *contracttest.OptionError
	if errors.As(err, &oe) {
		if flag, ok := limitFlags[oe.Option]; ok {
			return fmt.Errorf("%s: %w", flag, oe.Err)
		}
	}
	return err
}

// String summarises the limits for the start-up banner.
func (l *mockLimits) String() string {
	return fmt.Sprintf("%d sessions (each payable for %s), %d deliveries, %d webhook workers, %d pending webhooks, %s per attempt, %d connections",
		l.maxSessions, l.sessionTTL, l.maxDeliveries, l.webhookWorkers, l.webhookQueue, l.webhookTimeout, l.maxConnections)
}

// checkAddr refuses an address that is not host:port with a port number in 0..65535: wrong
// usage, where an address that parses but cannot be bound (in use, not permitted, a host
// that does not resolve) is a failure to serve.
func checkAddr(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%q is not host:port (such as 127.0.0.1:12111)", addr)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return fmt.Errorf("%q: port %q is not a number in 0..65535", addr, port)
	}
	return nil
}

// writeFileAtomic writes data to name through a temporary file in the same directory and a
// rename, so that a reader never sees a half-written file.
func writeFileAtomic(name string, data []byte) (err error) {
	name = filepath.Clean(name)
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = os.Remove(tmp.Name()) // best effort: the write already failed
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		_ = tmp.Close()
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}
