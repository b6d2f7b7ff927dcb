package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/contracttest"
)

// The commands that script a running `lakipay mock` through its /_mock/ endpoints (see
// package contracttest): `lakipay mock pay`, `fail`, ..., what `stripe trigger` is to Stripe.

// scriptFlags are the flags every scripting command has.
type scriptFlags struct {
	mock   string
	asJSON bool
}

// scriptCommands returns the subcommands of `lakipay mock` that script a running mock.
func (a *app) scriptCommands() []*cobra.Command {
	medium := func(cmd *cobra.Command, to *string) {
		cmd.Flags().StringVar(to, "medium", "", "the medium the shopper pays with (MPESA, TELEBIRR, ...): one the session offers")
		_ = cmd.MarkFlagRequired("medium") // the flag exists: an error here cannot happen
	}
	var payMedium, failMedium string
	pay := a.transitionCommand("pay", "Pay a session without the hosted page: SUCCESS, with its webhook",
		func([]string) (string, any) { return "pay", map[string]string{"medium": payMedium} })
	medium(pay, &payMedium)
	fail := a.transitionCommand("fail", "Fail a session at the provider: FAILED, with its webhook",
		func([]string) (string, any) { return "fail", map[string]string{"medium": failMedium} })
	medium(fail, &failMedium)

	var statusMedium string
	setStatus := a.transitionCommand("set-status ID STATUS",
		"Give a session a status (and medium) LakiPay may add before openapi.yaml knows it, with its webhook",
		func(args []string) (string, any) {
			body := map[string]string{"status": args[1]}
			if statusMedium != "" {
				body["medium"] = statusMedium
			}
			return "status", body
		})
	setStatus.Flags().StringVar(&statusMedium, "medium", "", "also the medium, any upper-case word (AWASH)")

	return []*cobra.Command{
		pay, fail,
		a.transitionCommand("cancel", "Cancel a session as the shopper would: CANCELLED, with its webhook", nil),
		a.transitionCommand("decline", "Make the next payment on a session's hosted page fail at the provider", nil),
		a.transitionCommand("expire", "Expire an unpaid (INITIATED) session now: CANCELLED, with its webhook", nil),
		setStatus,
		a.holdCommand("hold", "Hold a session's webhooks back (new ones and retries) until release"),
		a.holdCommand("release", "Send a session's held webhooks, in the order they were held"),
		a.waitDeliveryCommand(),
		a.deliverCommand(),
		a.faultCommand(),
		a.failNextCommand(),
		a.latencyCommand(),
		a.resetCommand(),
	}
}

// scriptCommand builds a command that calls the mock: use and short as cobra's, args the
// positional arguments' names, run its work with the mock's client.
func (a *app) scriptCommand(use, short, long string, run func(cmd *cobra.Command, m *mockClient, args []string) error) (*cobra.Command, *scriptFlags) {
	f := &scriptFlags{}
	names := strings.Fields(use)[1:]
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Long:  strings.Join(slices.DeleteFunc([]string{short + ".", long, scriptLong}, func(s string) bool { return s == "" }), "\n\n"),
		Args:  exactArgs(names...),
		RunE: op(func(cmd *cobra.Command, args []string) error {
			m, err := newMockClient(f.mock)
			if err != nil {
				return usagef("--mock: %w", err)
			}
			return run(cmd, m, args)
		}),
	}
	cmd.Flags().StringVar(&f.mock, "mock", defaultMockURL, "the running lakipay mock: its origin or its base URL (…/api/v2)")
	cmd.Flags().BoolVar(&f.asJSON, "json", false, "print the mock's answer as JSON")
	return cmd, f
}

// scriptLong ends the help of every scripting command.
const scriptLong = `It calls the /_mock/ endpoints of a running lakipay mock (--mock; see 'go doc
github.com/lakipay/checkout-go/contracttest'). Exit 0 when the mock did it; 1 when the mock
refused (the reason it gave is printed: an unknown transaction, one already final, a value it
does not take) or could not be reached; 2 on wrong usage.`

// transitionCommand builds `lakipay mock NAME ID`, which POSTs body (none when body is nil)
// to /_mock/transactions/{ID}/ACTION and prints the transaction as it is afterwards.
func (a *app) transitionCommand(use, short string, body func(args []string) (string, any)) *cobra.Command {
	if !strings.Contains(use, " ") {
		use += " ID"
	}
	name := strings.Fields(use)[0]
	var flags *scriptFlags
	cmd, flags := a.scriptCommand(use, short, "", func(cmd *cobra.Command, m *mockClient, args []string) error {
		action, in := name, any(nil)
		if body != nil {
			action, in = body(args)
		}
		var tx client.Transaction
		raw, err := m.call(cmd.Context(), http.MethodPost, "/_mock/transactions/"+url.PathEscape(args[0])+"/"+action, in, &tx, mockCallTimeout)
		if err != nil {
			return err
		}
		if flags.asJSON {
			return a.printRaw(raw)
		}
		printTransaction(a.stdout, &tx)
		return nil
	})
	return cmd
}

// holdAnswer is what the mock answers to hold, release and held.
type holdAnswer struct {
	TransactionID string                  `json:"transaction_id"`
	Holding       bool                    `json:"holding"`
	Webhooks      []contracttest.Delivery `json:"webhooks"`
}

func (a *app) holdCommand(name, short string) *cobra.Command {
	var flags *scriptFlags
	cmd, flags := a.scriptCommand(name+" ID", short, "", func(cmd *cobra.Command, m *mockClient, args []string) error {
		var out holdAnswer
		raw, err := m.call(cmd.Context(), http.MethodPost, "/_mock/transactions/"+url.PathEscape(args[0])+"/"+name, nil, &out, mockCallTimeout)
		if err != nil {
			return err
		}
		if flags.asJSON {
			return a.printRaw(raw)
		}
		verb := "holding"
		if !out.Holding {
			verb = "released"
		}
		a.stdout.printf("%s: %s the webhooks (%d)\n", out.TransactionID, verb, len(out.Webhooks))
		printDeliveries(a.stdout, out.Webhooks)
		return nil
	})
	return cmd
}

func (a *app) waitDeliveryCommand() *cobra.Command {
	var timeout time.Duration
	var flags *scriptFlags
	cmd, flags := a.scriptCommand("wait ID STATUS", "Wait until your receiver accepted a session's webhook of a status",
		`Waits until the receiver at the session's callback_url accepted (answered 2xx) the
genuine webhook of that status, and prints that delivery. Exit 1 when none can come any more
(nothing pending, none accepted) or --timeout ran out.`,
		func(cmd *cobra.Command, m *mockClient, args []string) error {
			q := url.Values{"status": {args[1]}, "timeout": {timeout.String()}}
			var d contracttest.Delivery
			raw, err := m.call(cmd.Context(), http.MethodGet, "/_mock/transactions/"+url.PathEscape(args[0])+"/delivery?"+q.Encode(), nil, &d, timeout+mockCallTimeout)
			if err != nil {
				return err
			}
			if flags.asJSON {
				return a.printRaw(raw)
			}
			printDeliveries(a.stdout, []contracttest.Delivery{d})
			return nil
		})
	cmd.Flags().DurationVar(&timeout, "timeout", 30*time.Second, "how long to wait (at most 5m)")
	return cmd
}

func (a *app) deliverCommand() *cobra.Command {
	var (
		target, replayOf string
		copies           int
		timeout          time.Duration
		flags            *scriptFlags
	)
	cases := make([]string, 0, len(contracttest.DeliveryCases()))
	for _, c := range contracttest.DeliveryCases() {
		cases = append(cases, string(c))
	}
	cmd, flags := a.scriptCommand("deliver ID CASE", "Send one webhook delivery case now, once, and print the receiver's answer",
		"CASE is one of "+strings.Join(cases, ", ")+" (go doc\ngithub.com/lakipay/checkout-go/contracttest DeliveryCase). The receiver's answer, whatever it\nis, is the result: exit 0 once it answered.",
		func(cmd *cobra.Command, m *mockClient, args []string) error {
			in := map[string]any{"transaction_id": args[0], "case": args[1]}
			for name, v := range map[string]string{"url": target, "replay_of": replayOf} {
				if v != "" {
					in[name] = v
				}
			}
			if cmd.Flags().Changed("copies") {
				in["copies"] = copies
			}
			if cmd.Flags().Changed("timeout") {
				in["timeout"] = timeout.String()
			}
			var out []contracttest.Delivery
			raw, err := m.call(cmd.Context(), http.MethodPost, "/_mock/deliver", in, &out, timeout+2*mockCallTimeout)
			if err != nil {
				return err
			}
			if flags.asJSON {
				return a.printRaw(raw)
			}
			printDeliveries(a.stdout, out)
			return nil
		})
	fl := cmd.Flags()
	fl.StringVar(&target, "url", "", "where to post (default: the session's callback_url)")
	fl.StringVar(&replayOf, "replay-of", "", "for replayed: the transaction whose genuine webhook is sent")
	fl.IntVar(&copies, "copies", 1, "send it this many times at once (1 to 10)")
	fl.DurationVar(&timeout, "timeout", contracttest.DefaultWebhookTimeout, "bound on each copy's delivery")
	return cmd
}

func (a *app) faultCommand() *cobra.Command {
	var (
		count int
		flags *scriptFlags
	)
	names := make([]string, 0, len(contracttest.Faults()))
	for _, f := range contracttest.Faults() {
		names = append(names, f.String())
	}
	cmd, flags := a.scriptCommand("fault OPERATION FAULT", "Make the next calls of an operation fail with a fault",
		"OPERATION is createCheckout or getTransaction; FAULT one of "+strings.Join(names, ", ")+".",
		func(cmd *cobra.Command, m *mockClient, args []string) error {
			in := map[string]any{"operation": args[0], "fault": args[1], "count": count}
			raw, err := m.call(cmd.Context(), http.MethodPost, "/_mock/faults", in, nil, mockCallTimeout)
			if err != nil {
				return err
			}
			if flags.asJSON {
				return a.printRaw(raw)
			}
			a.stdout.printf("the next %d %s call(s) fail with %s\n", count, args[0], args[1])
			return nil
		})
	cmd.Flags().IntVar(&count, "count", 1, "how many of the next calls")
	return cmd
}

func (a *app) failNextCommand() *cobra.Command {
	var (
		code  string
		flags *scriptFlags
	)
	cmd, flags := a.scriptCommand("fail-next OPERATION STATUS", "Force the next answer of an operation: an error status with the error envelope",
		"OPERATION is createCheckout or getTransaction; STATUS 400 to 599.",
		func(cmd *cobra.Command, m *mockClient, args []string) error {
			status, err := strconv.Atoi(args[1])
			if err != nil {
				return usagef("STATUS %q is not a number such as 503", args[1])
			}
			in := map[string]any{"operation": args[0], "status": status, "error_code": code}
			raw, err := m.call(cmd.Context(), http.MethodPost, "/_mock/fail-next", in, nil, mockCallTimeout)
			if err != nil {
				return err
			}
			if flags.asJSON {
				return a.printRaw(raw)
			}
			a.stdout.printf("the next %s call answers %d %s\n", args[0], status, code)
			return nil
		})
	cmd.Flags().StringVar(&code, "code", "", "the answer's error_code (PROVIDER_ERROR, INVALID_PHONE, ...)")
	return cmd
}

func (a *app) latencyCommand() *cobra.Command {
	var flags *scriptFlags
	cmd, flags := a.scriptCommand("latency DURATION", "Delay every API answer of the mock (0s: no delay)", "",
		func(cmd *cobra.Command, m *mockClient, args []string) error {
			d, err := time.ParseDuration(args[0])
			if err != nil || d < 0 {
				return usagef("DURATION %q is not a duration such as 250ms", args[0])
			}
			raw, err := m.call(cmd.Context(), http.MethodPost, "/_mock/latency", map[string]string{"latency": d.String()}, nil, mockCallTimeout)
			if err != nil {
				return err
			}
			if flags.asJSON {
				return a.printRaw(raw)
			}
			a.stdout.printf("every API answer is delayed by %s\n", d)
			return nil
		})
	return cmd
}

func (a *app) resetCommand() *cobra.Command {
	var flags *scriptFlags
	cmd, flags := a.scriptCommand("reset", "Forget every session, script and delivery of the mock, and drop its pending webhooks", "",
		func(cmd *cobra.Command, m *mockClient, _ []string) error {
			raw, err := m.call(cmd.Context(), http.MethodPost, "/_mock/reset", nil, nil, mockCallTimeout)
			if err != nil {
				return err
			}
			if flags.asJSON {
				return a.printRaw(raw)
			}
			a.stdout.println("the mock was reset")
			return nil
		})
	return cmd
}

// printRaw prints an answer of the mock as indented JSON.
func (a *app) printRaw(raw []byte) error {
	var b bytes.Buffer
	if err := json.Indent(&b, raw, "", "  "); err != nil {
		return fmt.Errorf("the mock's answer is not JSON: %w", err)
	}
	a.stdout.println(b.String())
	return nil
}

// printDeliveries prints deliveries one a line: transaction, status, case, attempt and what
// the receiver answered.
func printDeliveries(p *printer, deliveries []contracttest.Delivery) {
	for _, d := range deliveries {
		got := "not sent yet"
		switch {
		case d.Dropped:
			got = "dropped: " + d.Err
		case d.HTTPStatus != 0:
			got = "HTTP " + strconv.Itoa(d.HTTPStatus)
			if d.Answer != "" {
				got += " " + strconv.Quote(excerptText(d.Answer))
			}
		case d.Err != "":
			got = d.Err
		}
		if d.Held {
			got = "held (" + got + ")"
		}
		p.printf("%s%s %s %s attempt %d: %s\n", indent, d.TransactionID, d.Status, d.Case, d.Attempt, got)
	}
}

// mockClient calls a running mock's /_mock/ endpoints.
type mockClient struct {
	origin string
	hc     *http.Client
}

// newMockClient reads --mock: the mock's origin, or its API base URL (ending in /api/v2).
func newMockClient(raw string) (*mockClient, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("%q is not the mock's http or https origin (such as %s)", raw, defaultMockURL)
	}
	path := strings.TrimSuffix(strings.TrimSuffix(u.Path, "/"), "/api/v2")
	if path != "" {
		return nil, fmt.Errorf("%q is not the mock's origin or its base URL (…/api/v2)", raw)
	}
	return &mockClient{
		origin: u.Scheme + "://" + u.Host,
		hc:     &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
	}, nil
}

// mockCallTimeout bounds one call to the mock that does not wait for a receiver.
const mockCallTimeout = 30 * time.Second

// maxMockAnswer bounds what is read of one answer of the mock, and maxRefusalShown what an
// error quotes of a refusal.
const (
	maxMockAnswer   = 4 << 20
	maxRefusalShown = 500
)

// call sends in (as JSON; no body when nil) to the mock's path within timeout, decodes a 200
// answer into out (when not nil) and returns it raw; any other answer is an error with the
// mock's own words.
func (m *mockClient) call(ctx context.Context, method, path string, in, out any, timeout time.Duration) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var body io.Reader = http.NoBody
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, m.origin+path, body)
	if err != nil {
		return nil, err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := m.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("reach the mock at %s (is lakipay mock running there?): %w", m.origin, err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxMockAnswer))
	if err != nil {
		return nil, fmt.Errorf("read the mock's answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		var refusal struct {
			Error string `json:"error"`
		}
		why := strings.TrimSpace(string(raw))
		if json.Unmarshal(raw, &refusal) == nil && refusal.Error != "" {
			why = refusal.Error
		}
		if len(why) > maxRefusalShown {
			why = why[:maxRefusalShown] + "..."
		}
		return nil, fmt.Errorf("the mock answered HTTP %d: %s", resp.StatusCode, why)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			return nil, fmt.Errorf("the mock's answer to %s is not what a lakipay mock answers: %w", path, err)
		}
	}
	return raw, nil
}

// excerptText cuts a receiver's answer to a length that reads in one line, on a character
// boundary.
func excerptText(text string) string {
	const limit = 40
	if len(text) <= limit {
		return text
	}
	n := limit
	for n > 0 && !utf8.RuneStart(text[n]) {
		n--
	}
	return text[:n] + "..."
}
