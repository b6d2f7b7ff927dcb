package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/spf13/cobra"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/internal/apikey"
)

// Exit codes.
const (
	exitOK     = 0 // the command did what it was asked
	exitFailed = 1 // the operation ran and failed, or the contract refused its input
	exitUsage  = 2 // the invocation is wrong: nothing was attempted
	// exitUnproven is webhook test's: no case failed, but not every check was made.
	exitUnproven = 3
)

// The environment variables the CLI reads (through run's lookupEnv, never os.Getenv): the
// SDK's.
const (
	envAPIKey  = client.EnvAPIKey
	envBaseURL = client.EnvBaseURL
)

// exitError carries the exit code an error ends the process with.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageError marks err as a wrong invocation (exit 2).
func usageError(err error) error { return &exitError{code: exitUsage, err: err} }

// usagef is usageError with a formatted message.
func usagef(format string, args ...any) error { return usageError(fmt.Errorf(format, args...)) }

// app is what every command shares: the standard streams (redacting), the environment, how
// the API key in it parsed, and the global flags.
type app struct {
	stdin          io.Reader
	stdout, stderr *printer
	// lookupEnv reads the environment (os.LookupEnv), telling a variable set to "" from an
	// unset one.
	lookupEnv func(string) (string, bool)

	// keyErr is why LAKIPAY_API_KEY, parsed once at start, did not parse (nil when it did).
	// Only commands that call LakiPay look at it.
	keyErr error

	// transport carries the LakiPay client's requests (nil: net/http's default). Tests
	// record there what would have been sent, wherever to.
	transport http.RoundTripper

	baseURL string // --base-url
}

// runContext is run with an explicit context, so tests can stop long-running commands.
func runContext(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, lookupEnv func(string) (string, bool)) int {
	return newApp(args, stdin, stdout, stderr, lookupEnv).run(ctx, args)
}

// newApp prepares a run of the command line args: the streams, redacting the API key of the
// environment and any key given to mock --api-key.
func newApp(args []string, stdin io.Reader, stdout, stderr io.Writer, lookupEnv func(string) (string, bool)) *app {
	r := newRedactor()
	rawKey, _ := lookupEnv(envAPIKey)
	key, keyErr := apikey.Parse(rawKey)
	r.add(key) // only a key that parsed: see redactor
	// A key given on the command line (mock --api-key) is registered before cobra reads the
	// flags: a usage error may echo it (a flag left without its value makes the key a
	// positional argument; the key given again as another flag's value).
	for _, v := range apiKeyFlagValues(args) {
		if k, err := apikey.Parse(v); err == nil {
			r.add(k)
		}
	}
	return &app{
		stdin:     stdin,
		stdout:    &printer{w: r.writer(stdout)},
		stderr:    &printer{w: r.writer(stderr)},
		lookupEnv: lookupEnv,
		keyErr:    keyErr,
	}
}

// run executes the command line args and returns the exit code.
func (a *app) run(ctx context.Context, args []string) int {
	root := a.rootCommand()
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if werr := a.stdout.failed(); err == nil && werr != nil {
		err = &exitError{code: exitFailed, err: fmt.Errorf("write output: %w", werr)}
	}
	if err == nil {
		return exitOK
	}
	code := exitUsage
	var ee *exitError
	if errors.As(err, &ee) {
		code = ee.code
	}
	// The CLI names itself once: an SDK error returned as it is already starts with the name.
	a.stderr.printf("%s%s\n", sdkPrefix, strings.TrimPrefix(err.Error(), sdkPrefix))
	if code == exitUsage && cmd != nil {
		a.stderr.printf("Run '%s --help' for usage.\n", cmd.CommandPath())
	}
	return code
}

// getenv returns the environment variable name, "" when it is unset.
func (a *app) getenv(name string) string {
	v, _ := a.lookupEnv(name)
	return v
}

// apiKeyFlagValues returns every argument that may be the value of --api-key: the text after
// "--api-key=" and the argument after "--api-key", wherever they stand. It finds at least
// what the flag parser would take as the flag's value.
func apiKeyFlagValues(args []string) []string {
	var values []string
	for i, arg := range args {
		if v, ok := strings.CutPrefix(arg, "--"+apiKeyFlag+"="); ok {
			values = append(values, v)
		} else if arg == "--"+apiKeyFlag && i+1 < len(args) {
			values = append(values, args[i+1])
		}
	}
	return values
}

// rootCommand builds the command tree. Errors that cobra itself returns (unknown command or
// flag, a flag value of the wrong type, a missing required flag, a wrong number of arguments)
// are usage errors; an error from a command's work is a failure unless marked as usage.
func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "lakipay",
		Short: "LakiPay hosted checkout from the command line",
		Long: `lakipay creates LakiPay hosted-checkout sessions, reads transaction detail, verifies
webhooks, and runs a fake LakiPay (the mock server and a no-network demo of the whole flow).

The API key comes from LAKIPAY_API_KEY only (PUBLICKEY:SECRETKEY, printable ASCII without
spaces, a secret half of at least 8 characters); its secret half is never printed, however
a server escaped it. The base URL comes from --base-url, else LAKIPAY_BASE_URL, else
LakiPay's production API, https://api.lakipay.co/api/v2; a --base-url or LAKIPAY_BASE_URL
that is given but empty or blank is wrong usage, never that default.

Exit codes: 0 success; 1 the operation failed (including payment data that the LakiPay
contract refuses, checked before anything is sent, and files that cannot be read or
written); 2 wrong usage, nothing attempted (unknown command or flag, missing required flag,
wrong arguments, missing or malformed LAKIPAY_API_KEY, a bad or empty --base-url or
LAKIPAY_BASE_URL, a URL or file flag given empty); webhook test also exits 3 when no case
failed but not everything was checked.`,
		Version:           client.Version,
		SilenceUsage:      true,
		SilenceErrors:     true,
		Args:              noArgs,
		PersistentPreRunE: refuseBlankFlags,
		RunE:              needSubcommand,
		CompletionOptions: cobra.CompletionOptions{DisableDefaultCmd: true},
	}
	root.SetIn(a.stdin)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.AddCommand(
		a.demoCommand(),
		a.mockCommand(),
		a.checkoutCommand(),
		a.transactionCommand(),
		a.webhookCommand(),
	)
	return root
}

// group returns a command that only holds subcommands: run alone, it is a usage error.
func group(use, short string, subs ...*cobra.Command) *cobra.Command {
	cmd := &cobra.Command{Use: use, Short: short, Args: noArgs, RunE: needSubcommand}
	cmd.AddCommand(subs...)
	return cmd
}

func needSubcommand(cmd *cobra.Command, _ []string) error {
	return usagef("%s needs a command (one of: %s)", cmd.CommandPath(), subcommandNames(cmd))
}

func subcommandNames(cmd *cobra.Command) string {
	var names string
	for _, c := range cmd.Commands() {
		if !c.IsAvailableCommand() {
			continue
		}
		if names != "" {
			names += ", "
		}
		names += c.Name()
	}
	return names
}

// noArgs refuses positional arguments, naming an unknown subcommand as such.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("unknown command %q for %q", args[0], cmd.CommandPath())
	}
	return nil
}

// exactArgs wants one positional argument per name, named in the message.
func exactArgs(names ...string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(names) == 0 && len(args) > 0 {
			return usagef("%s takes no arguments, got %q", cmd.CommandPath(), args)
		}
		if len(args) != len(names) {
			return usagef("%s wants %d argument(s) (%v), got %d", cmd.CommandPath(), len(names), names, len(args))
		}
		return nil
	}
}

// op adapts a command's work to cobra: an error it returns is a failed operation (exit 1)
// unless it is already marked as a usage error.
func op(fn func(cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		err := fn(cmd, args)
		if err == nil {
			return nil
		}
		var ee *exitError
		if errors.As(err, &ee) {
			return err
		}
		return &exitError{code: exitFailed, err: err}
	}
}

// withBaseURL adds --base-url to a command that calls LakiPay.
func (a *app) withBaseURL(cmd *cobra.Command) *cobra.Command {
	cmd.Flags().StringVar(&a.baseURL, "base-url", "",
		"LakiPay API base URL (default $"+envBaseURL+", else LakiPay's "+client.DefaultBaseURL+"; an empty value is refused)")
	return cmd
}

// blankFlags are the flags whose value, given explicitly but empty or blank (`--base-url
// "$MOCK_URL"` with MOCK_URL unset), is wrong usage rather than the flag's default, each with
// what leaving the flag out means: a default is asked for by leaving the flag out, never by
// an empty value that a script may have produced by mistake.
var blankFlags = []struct{ name, hint string }{
	{"base-url", "leave the flag out to use $" + envBaseURL + ", else LakiPay's " + client.DefaultBaseURL},
	{"callback", "leave the flag out to create the session without webhooks"},
	{"effects-url", "leave the flag out and give --answers-only to check your receiver's answers alone"},
	{"open-url", "leave the flag out to let the suite open its own sessions"},
	{"key-out", "leave the flag out to write no key file"},
	{"signing-key", "leave the flag out to sign with a fresh key"},
	{"mock", "leave the flag out to use the mock at " + defaultMockURL},
}

// refuseBlankFlags refuses, before cmd runs, any of blankFlags given empty or blank.
func refuseBlankFlags(cmd *cobra.Command, _ []string) error {
	for _, b := range blankFlags {
		if f := cmd.Flags().Lookup(b.name); f != nil && f.Changed && strings.TrimSpace(f.Value.String()) == "" {
			return usagef("--%s is empty: an explicit value must not be empty or blank (%s)", b.name, b.hint)
		}
	}
	return nil
}

// newClient builds the SDK client from LAKIPAY_API_KEY and the base URL. A missing or
// malformed key and a bad base URL are usage errors; neither message echoes the key.
func (a *app) newClient(opts ...client.Option) (*client.Client, error) {
	raw := a.getenv(envAPIKey)
	switch {
	case raw == "":
		return nil, usagef("%s is not set (want PUBLICKEY:SECRETKEY)", envAPIKey)
	case a.keyErr != nil:
		return nil, usagef("%s: %w", envAPIKey, a.keyErr)
	}
	base, err := a.apiBaseURL()
	if err != nil {
		return nil, err
	}
	if base != "" {
		opts = append([]client.Option{client.WithBaseURL(base)}, opts...)
	}
	opts = append([]client.Option{client.WithUserAgent("lakipay-cli")}, opts...)
	if a.transport != nil {
		opts = append(opts, client.WithHTTPClient(&http.Client{Transport: a.transport}))
	}
	c, err := client.New(raw, opts...)
	if err != nil {
		return nil, usageError(explain(err))
	}
	return c, nil
}

// apiBaseURL is --base-url, else LAKIPAY_BASE_URL, else "" (the client's default, LakiPay's
// production API). A variable that is set but empty or blank is a usage error, never the
// default: `LAKIPAY_BASE_URL=$MOCK_URL` with MOCK_URL unset must not reach production with
// the key. (refuseBlankFlags refuses an empty flag.)
func (a *app) apiBaseURL() (string, error) {
	if a.baseURL != "" {
		return a.baseURL, nil
	}
	v, ok := a.lookupEnv(envBaseURL)
	if ok && strings.TrimSpace(v) == "" {
		return "", usagef("%s is set but empty: a base URL must not be empty or blank "+
			"(unset it to use LakiPay's %s)", envBaseURL, client.DefaultBaseURL)
	}
	return v, nil
}
