package main

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/lakipay/checkout-go/contracttest"
	"github.com/lakipay/checkout-go/internal/apikey"
)

func (a *app) mockCommand() *cobra.Command {
	var (
		addr, apiKey, keyOut, signingKey string
		seed                             int64
		verbose                          bool
		limits                           = defaultMockLimits()
		serverLimits                     = contracttest.DefaultServerLimits()
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
receiver are never followed. Connections are cut after %s without complete headers, %s
without a complete request, %s without taking an answer and %s idle.

It logs one line per request to standard error (with --verbose also the fake's events:
webhook attempts, status changes) and shuts down cleanly on SIGINT or SIGTERM.`,
			serverLimits.ReadHeaderTimeout, serverLimits.ReadTimeout, serverLimits.WriteTimeout, serverLimits.IdleTimeout),
		Example: `  lakipay mock --addr 127.0.0.1:12111 --seed 7 --key-out lakipay-mock.pem
  LAKIPAY_BASE_URL=http://127.0.0.1:12111/api/v2 LAKIPAY_API_KEY=pk_test_a:sk_test_b \
    lakipay transaction get TXN-...`,
		Args: exactArgs(),
		RunE: op(func(cmd *cobra.Command, _ []string) (err error) {
			opts := []contracttest.ServerOption{contracttest.WithSeed(seed)}
			if cmd.Flags().Changed("api-key") {
				key, err := apikey.Parse(apiKey)
				if err != nil {
					return usagef("--api-key: %w", err)
				}
				a.redact.add(key)
				opts = append(opts, contracttest.WithAPIKey(apiKey))
			}
			log := slog.New(slog.NewTextHandler(a.stderr, nil))
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
			fake, err := contracttest.NewFake(append(opts, contracttest.WithLogger(fakeLog))...)
			if err != nil {
				return usageError(limits.flagError(err))
			}
			defer func() { err = errors.Join(err, fake.Close()) }()
			if keyOut != "" {
				if err := writeFileAtomic(keyOut, fake.PublicKeyPEM()); err != nil {
					return fmt.Errorf("--key-out: %w", err)
				}
			}
			ctx := cmd.Context()
			srv, err := serve(ctx, addr, logRequests(log, fake), log)
			if err != nil {
				return err
			}
			a.stdout.printf("lakipay mock: fake LakiPay (seed %d) serving\n", seed)
			fields(a.stdout,
				"base URL", srv.url+"/api/v2",
				"public key", srv.url+"/_mock/public-key",
				"key file", keyOut,
				"deliveries", srv.url+"/_mock/deliveries",
				"limits", limits.String(),
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
	fl.StringVar(&addr, "addr", "127.0.0.1:12111", "address to listen on (host:port; port 0 picks a free one)")
	fl.Int64Var(&seed, "seed", 1, "seed for deterministic transaction ids and checkout tokens")
	fl.StringVar(&apiKey, "api-key", "", "the only X-API-Key to accept, PUBLICKEY:SECRETKEY with a secret of at least 8 characters (default: any well-formed key)")
	fl.BoolVar(&verbose, "verbose", false, "also log the fake's events: webhook attempts, status changes, scripted answers")
	fl.StringVar(&keyOut, "key-out", "", "write the webhook public key (PEM) to this file")
	fl.StringVar(&signingKey, "signing-key", "", "PEM RSA private key to sign webhooks with, created when the file does not exist, so the public key survives restarts (default: a fresh key per start)")
	limits.addFlags(cmd)
	return cmd
}

// mockLimits are the flags of the fake's limits (see contracttest's With... options).
type mockLimits struct {
	maxSessions, maxDeliveries, webhookWorkers, webhookQueue int
	webhookTimeout                                           time.Duration
}

func defaultMockLimits() *mockLimits {
	return &mockLimits{
		maxSessions:    contracttest.DefaultMaxSessions,
		maxDeliveries:  contracttest.DefaultMaxDeliveries,
		webhookWorkers: contracttest.DefaultWebhookWorkers,
		webhookQueue:   contracttest.DefaultWebhookQueue,
		webhookTimeout: contracttest.DefaultWebhookTimeout,
	}
}

// limitFlags maps each limit option to its flag, so that a refused value names the flag.
var limitFlags = map[string]string{
	"WithMaxSessions":    "--max-sessions",
	"WithMaxDeliveries":  "--max-deliveries",
	"WithWebhookWorkers": "--webhook-workers",
	"WithWebhookQueue":   "--webhook-queue",
	"WithWebhookTimeout": "--webhook-timeout",
}

func (l *mockLimits) addFlags(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.IntVar(&l.maxSessions, "max-sessions", l.maxSessions, "checkout sessions kept; beyond it the one final longest ago is forgotten (its reference stays refused)")
	fl.IntVar(&l.maxDeliveries, "max-deliveries", l.maxDeliveries, "webhook deliveries recorded for /_mock/deliveries; beyond it the oldest are forgotten")
	fl.IntVar(&l.webhookWorkers, "webhook-workers", l.webhookWorkers, "webhook attempts (and connections to receivers) at once")
	fl.IntVar(&l.webhookQueue, "webhook-queue", l.webhookQueue, "webhooks pending at once (queued or waiting to be retried); beyond it a webhook is recorded as dropped")
	fl.DurationVar(&l.webhookTimeout, "webhook-timeout", l.webhookTimeout, "bound on one webhook attempt: dial, request, answer")
}

func (l *mockLimits) options() []contracttest.ServerOption {
	return []contracttest.ServerOption{
		contracttest.WithMaxSessions(l.maxSessions),
		contracttest.WithMaxDeliveries(l.maxDeliveries),
		contracttest.WithWebhookWorkers(l.webhookWorkers),
		contracttest.WithWebhookQueue(l.webhookQueue),
		contracttest.WithWebhookTimeout(l.webhookTimeout),
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
	return fmt.Sprintf("%d sessions, %d deliveries, %d webhook workers, %d pending webhooks, %s per attempt",
		l.maxSessions, l.maxDeliveries, l.webhookWorkers, l.webhookQueue, l.webhookTimeout)
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
