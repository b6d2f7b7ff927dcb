package main

import (
	"errors"
	"fmt"
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
	"effectsURL":          "--effects-url",
	"openURL":             "--open-url",
	"WithReceiverTimeout": "--timeout",
	"WithEffectTimeout":   "--effect-timeout",
	"WithCases":           "--case",
	"WithMockAPIKey":      envAPIKey,
}

// answersOnlyWarning is printed above and below the table of an --answers-only run.
const answersOnlyWarning = `ANSWERS ONLY: nothing about what your receiver did was checked. A receiver that ships an order
twice, ships it for a forgery it answered 400, or ships a cancelled order passes every check
of this run. Give --effects-url to prove it does not.`

func (a *app) webhookTestCommand() *cobra.Command {
	var (
		receiverURL, mockURL, effectsURL, openURL string
		cases                                     []string
		timeout, effectTimeout                    time.Duration
		asJSON, answersOnly                       bool
	)
	cmd := &cobra.Command{
		Use:   "test --url URL (--effects-url URL | --answers-only) [--open-url URL] [--mock URL]",
		Short: "Put your webhook receiver through duplicates, disorder and forgeries",
		Long: `Run the receiver suite of package contracttest against the webhook receiver at --url, in any
language, driving a running fake LakiPay (lakipay mock, at --mock): each case has the mock
post to your receiver genuine webhooks, repeats, other statuses and forgeries. Configure the
receiver with the mock's public key first (lakipay mock --key-out lakipay-mock.pem, or GET
/_mock/public-key); if it confirms through transaction detail, point it at the mock's API.

A correct receiver answers 2xx to every genuine webhook, refuses every forgery (a non-2xx
status, or closing the connection) and does what each genuine webhook asks exactly once.
To check the last part, the suite asks your application what the receiver did
(--effects-url): GET URL?transaction_id=TXN-... must answer 200 with
{"paid": N, "released": N}, how many times it settled the transaction as paid (shipped the
order) and released it as not paid (reopened the order after a CANCELLED or FAILED); other
keys are ignored. Without --effects-url, --answers-only must be given: only the answers are
then judged, and the run says loudly that nothing about effects was proven.

A receiver that acts only on the orders its application created needs that application to
open each session (--open-url): POST URL with the body {} must open a checkout against the
mock as for a shopper (its own order, reference, amount and callback_url) and answer 2xx with
{"transaction_id": "TXN-..."}. Without it the suite opens its own sessions (references your
application never issued) and the cases about other merchants' payments are not run.

The cases, in order:
` + caseHelp() + `
It prints a table of case, expected, got and the verdicts, then what each failed case got
wrong, then what was not proven. Its own sessions are created through the mock's API with
LAKIPAY_API_KEY when it is set (needed when the mock pins --api-key), else with a test key.

Exit 0 when every case ran and passed with every check made; 1 when a case failed or the
suite could not run (the mock unreachable, the opener failing); 2 on wrong usage (neither or
both of --effects-url and --answers-only included); 3 when no case failed but not everything
was checked (--answers-only, or cases that need --open-url): not a pass.`,
		Example: `  lakipay mock --key-out lakipay-mock.pem &
  # start your receiver with the public key in lakipay-mock.pem, then:
  lakipay webhook test --url http://127.0.0.1:8080/webhook \
    --effects-url http://127.0.0.1:8080/test/effects --open-url http://127.0.0.1:8080/orders`,
		Args: exactArgs(),
		RunE: op(func(cmd *cobra.Command, _ []string) error {
			if (effectsURL == "") == !answersOnly {
				return usagef("give --effects-url (GET URL?transaction_id=TXN-... answering {\"paid\": N, \"released\": N}) " +
					"to check what your receiver did, or --answers-only to check its answers alone (and prove nothing about effects), not both")
			}
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
				var err error
				if effects, err = contracttest.EffectsFromURL(effectsURL); err != nil {
					return suiteUsage(err)
				}
			}
			if openURL != "" {
				opener, err := contracttest.SessionOpenerFromURL(openURL)
				if err != nil {
					return suiteUsage(err)
				}
				opts = append(opts, contracttest.WithSessionOpener(opener))
			}
			report, err := contracttest.RunReceiverSuite(cmd.Context(), mockURL, receiverURL, effects, opts...)
			var refused *contracttest.OptionError
			if errors.As(err, &refused) {
				return suiteUsage(err)
			}
			if report != nil {
				if werr := a.printReport(report, receiverURL, mockURL, answersOnly, asJSON); werr != nil {
					return errors.Join(err, werr)
				}
			}
			if err != nil {
				return fmt.Errorf("the suite could not run: %w", err)
			}
			return verdict(report)
		}),
	}
	fl := cmd.Flags()
	fl.StringVar(&receiverURL, "url", "", "your webhook receiver: the URL LakiPay would post to")
	fl.StringVar(&mockURL, "mock", defaultMockURL, "the running lakipay mock: its origin or its base URL (…/api/v2)")
	fl.StringVar(&effectsURL, "effects-url", "", `GET ?transaction_id=ID answers {"paid": N, "released": N}: what your receiver did about it`)
	fl.BoolVar(&answersOnly, "answers-only", false, "check the receiver's answers alone, without --effects-url: proves nothing about what it did (exit 3 at best)")
	fl.StringVar(&openURL, "open-url", "", `POST {} opens a checkout in your application against the mock and answers {"transaction_id": ...} (default: the suite opens its own)`)
	fl.StringSliceVar(&cases, "case", nil, "run only this case (repeat, or separate with commas)")
	fl.DurationVar(&timeout, "timeout", contracttest.DefaultWebhookTimeout, "bound on each delivery: dial, request, your receiver's answer")
	fl.DurationVar(&effectTimeout, "effect-timeout", contracttest.DefaultEffectTimeout, "how long to wait for an expected effect, for a receiver that acts after it answered")
	fl.BoolVar(&asJSON, "json", false, "print the results as JSON, deliveries included")
	_ = cmd.MarkFlagRequired("url") // the flag exists: an error here cannot happen
	return cmd
}

// suiteUsage turns an argument the suite refused (an [*contracttest.OptionError]) into a
// usage error naming its flag.
func suiteUsage(err error) error {
	var oe *contracttest.OptionError
	if !errors.As(err, &oe) {
		return usageError(err)
	}
	return usagef("%s: %w", suiteFlags[oe.Option], oe.Err)
}

// verdict is the run's exit: nil only when every case passed with every check made.
func verdict(report *contracttest.ReceiverReport) error {
	if failed := report.Failures(); len(failed) > 0 {
		names := make([]string, len(failed))
		for i, f := range failed {
			names[i] = f.Case
		}
		return fmt.Errorf("%d of %d cases failed: %s", len(failed), len(report.Results), strings.Join(names, ", "))
	}
	if !report.Complete() {
		return &exitError{code: exitUnproven, err: errors.New("no case failed, but not everything was checked (see \"not proven\"): this is not a pass")}
	}
	return nil
}

// caseHelp lists the suite's cases for --help.
func caseHelp() string {
	var b strings.Builder
	for _, c := range contracttest.ReceiverCases() {
		needs := ""
		if c.NeedsOpener {
			needs = " (needs --open-url)"
		}
		fmt.Fprintf(&b, "  %-21s %s%s\n", c.Name, c.Sends, needs)
	}
	return b.String()
}

// printReport prints the suite's verdict: the table and a summary, or JSON.
func (a *app) printReport(report *contracttest.ReceiverReport, receiverURL, mockURL string, answersOnly, asJSON bool) error {
	if asJSON {
		return writeJSON(a.stdout, report)
	}
	if answersOnly {
		a.stdout.printf("%s\n\n", answersOnlyWarning)
	}
	a.stdout.printf("Webhook receiver suite: %s (mock %s)\n\n", receiverURL, mockURL)
	a.stdout.printf("%s\n", report)
	passed := 0
	for _, res := range report.Results {
		if !res.Failed() && res.Answers == contracttest.Passed && res.Effects == contracttest.Passed {
			passed++
		}
	}
	a.stdout.printf("%d of %d cases passed with every check made.\n", passed, len(report.Results))
	if answersOnly {
		a.stdout.printf("\n%s\n", answersOnlyWarning)
	}
	return nil
}
