package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/lakipay/checkout-go/contracttest"
)

// defaultMockURL is where `lakipay mock` listens by default.
const defaultMockURL = "http://127.0.0.1:12111"

// suiteFlags maps the suite's option and argument names to the flags that set them, so that
// a refused value names its flag.
var suiteFlags = map[string]string{
	"receiverURL":         "--url",
	"mockURL":             "--mock",
	"WithReceiverTimeout": "--timeout",
	"WithEffectTimeout":   "--effect-timeout",
	"WithCases":           "--case",
	"WithMockAPIKey":      envAPIKey,
}

func (a *app) webhookTestCommand() *cobra.Command {
	var (
		receiverURL, mockURL, effectsURL string
		cases                            []string
		timeout, effectTimeout           time.Duration
		asJSON                           bool
	)
	cmd := &cobra.Command{
		Use:   "test --url URL [--mock URL] [--effects-url URL]",
		Short: "Put your webhook receiver through duplicates, disorder and forgeries",
		Long: `Run the receiver suite of package contracttest against the webhook receiver at --url, in any
language, driving a running fake LakiPay (lakipay mock, at --mock): each case creates fresh
sessions there and has the mock post to your receiver genuine webhooks, repeats, an earlier
status and forgeries. Configure the receiver with the mock's public key first
(lakipay mock --key-out lakipay-mock.pem, or GET /_mock/public-key); if it confirms through
transaction detail, point it at the mock's API: the sessions exist there.

A correct receiver answers 2xx to every genuine webhook, a non-2xx status to every forgery,
and acts on each payment exactly once. To check the last part, expose how many times it
acted on a transaction as final (settled, shipped or cancelled the order) and give
--effects-url: the suite GETs it with ?transaction_id=TXN-... and wants 200 with the count
as the whole body (1). Without it the effect checks show as "not checked", never as passed.

The cases, in order:
` + caseHelp() + `
It prints a table of case, expected, got and the verdicts, then what each failed case got
wrong. The sessions are created through the mock's API with LAKIPAY_API_KEY when it is set
(needed when the mock pins --api-key), else with a test key.

Exit 0 when no checked case failed; 1 when a case failed or the suite could not run (the
mock unreachable); 2 on wrong usage.`,
		Example: `  lakipay mock --key-out lakipay-mock.pem &
  # start your receiver with the public key in lakipay-mock.pem, then:
  lakipay webhook test --url http://127.0.0.1:8080/lakipay/webhook \
    --effects-url http://127.0.0.1:8080/test/effects`,
		Args: exactArgs(),
		RunE: op(func(cmd *cobra.Command, _ []string) error {
			opts := []contracttest.ReceiverOption{contracttest.WithCases(cases...)}
			if cmd.Flags().Changed("timeout") {
				opts = append(opts, contracttest.WithReceiverTimeout(timeout))
			}
			if cmd.Flags().Changed("effect-timeout") {
				opts = append(opts, contracttest.WithEffectTimeout(effectTimeout))
			}
			if raw := a.getenv(envAPIKey); raw != "" {
				if a.keyErr != nil {
					return usagef("%s: %w", envAPIKey, a.keyErr)
				}
				opts = append(opts, contracttest.WithMockAPIKey(raw))
			}
			var effects contracttest.EffectsFunc
			if effectsURL != "" {
				u, err := url.Parse(effectsURL)
				if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
					return usagef("--effects-url: %q is not an absolute http or https URL", effectsURL)
				}
				effects = effectsFrom(u)
			}
			report, err := contracttest.RunReceiverSuite(cmd.Context(), mockURL, receiverURL, effects, opts...)
			var oe *contracttest.OptionError
			if errors.As(err, &oe) {
				return usagef("%s: %w", suiteFlags[oe.Option], oe.Err)
			}
			if report != nil {
				if werr := a.printReport(report, receiverURL, mockURL, effects != nil, asJSON); werr != nil {
					return errors.Join(err, werr)
				}
			}
			if err != nil {
				return fmt.Errorf("the suite could not run: %w", err)
			}
			if failed := report.Failures(); len(failed) > 0 {
				names := make([]string, len(failed))
				for i, f := range failed {
					names[i] = f.Case
				}
				return fmt.Errorf("%d of %d cases failed: %s", len(failed), len(report.Results), strings.Join(names, ", "))
			}
			return nil
		}),
	}
	fl := cmd.Flags()
	fl.StringVar(&receiverURL, "url", "", "your webhook receiver: the URL LakiPay would post to")
	fl.StringVar(&mockURL, "mock", defaultMockURL, "the running lakipay mock: its origin or its base URL (…/api/v2)")
	fl.StringVar(&effectsURL, "effects-url", "", "GET ?transaction_id=ID answers how many times your receiver acted on it (default: effects not checked)")
	fl.StringSliceVar(&cases, "case", nil, "run only this case (repeat, or separate with commas)")
	fl.DurationVar(&timeout, "timeout", contracttest.DefaultWebhookTimeout, "bound on each delivery: dial, request, your receiver's answer")
	fl.DurationVar(&effectTimeout, "effect-timeout", contracttest.DefaultEffectTimeout, "how long to wait for an expected effect, for a receiver that acts after it answered")
	fl.BoolVar(&asJSON, "json", false, "print the results as JSON, deliveries included")
	_ = cmd.MarkFlagRequired("url") // the flag exists: an error here cannot happen
	return cmd
}

// caseHelp lists the suite's cases for --help.
func caseHelp() string {
	var b strings.Builder
	for _, c := range contracttest.ReceiverCases() {
		fmt.Fprintf(&b, "  %-21s %s\n", c.Name, c.Sends)
	}
	return b.String()
}

// printReport prints the suite's verdict: the table and a summary, or JSON.
func (a *app) printReport(report *contracttest.ReceiverReport, receiverURL, mockURL string, effects, asJSON bool) error {
	if asJSON {
		return writeJSON(a.stdout, report)
	}
	a.stdout.printf("Webhook receiver suite: %s (mock %s)\n\n", receiverURL, mockURL)
	a.stdout.printf("%s\n", report)
	passed := 0
	for _, res := range report.Results {
		if !res.Failed() {
			passed++
		}
	}
	a.stdout.printf("%d of %d cases passed", passed, len(report.Results))
	if !effects {
		a.stdout.printf("; effects not checked (give --effects-url to check that duplicates, stale statuses and replays have no second effect)")
	}
	a.stdout.println(".")
	return nil
}

// effectsTimeout bounds one call to the effects URL.
const effectsTimeout = 5 * time.Second

// maxEffectsBody bounds what is read of the effects URL's answer.
const maxEffectsBody = 1 << 10

// effectsFrom reads a receiver's effects from u: GET u?transaction_id=ID, 200 with the count
// as the whole body.
func effectsFrom(u *url.URL) contracttest.EffectsFunc {
	hc := &http.Client{
		Timeout:       effectsTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return func(ctx context.Context, transactionID string) (int, error) {
		target := *u
		q := target.Query()
		q.Set("transaction_id", transactionID)
		target.RawQuery = q.Encode()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, target.String(), nil)
		if err != nil {
			return 0, err
		}
		resp, err := hc.Do(req)
		if err != nil {
			return 0, fmt.Errorf("--effects-url: %w", err)
		}
		defer func() { _ = resp.Body.Close() }()
		body, err := io.ReadAll(io.LimitReader(resp.Body, maxEffectsBody))
		if err != nil {
			return 0, fmt.Errorf("--effects-url: %w", err)
		}
		text := strings.TrimSpace(string(body))
		if resp.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("--effects-url answered HTTP %d, want 200 with a count", resp.StatusCode)
		}
		n, err := strconv.Atoi(text)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("--effects-url answered %q, want a count such as 1", excerptText(text))
		}
		return n, nil
	}
}

// excerptText cuts text to a length that reads in one error line.
func excerptText(text string) string {
	const limit = 40
	if len(text) > limit {
		return text[:limit] + "..."
	}
	return text
}
