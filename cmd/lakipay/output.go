package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/lakipay/checkout-go/client"
)

// printer is where a command writes: it keeps the first write error, so that the command is
// judged by it once at the end (see runContext) instead of checking every line. It is safe
// for concurrent use (the mock's request log writes from many goroutines).
type printer struct {
	mu  sync.Mutex
	w   io.Writer
	err error
}

func (p *printer) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil {
		return 0, p.err
	}
	n, err := p.w.Write(b)
	if err != nil {
		p.err = err
	}
	return n, err
}

// failed returns the first write error, or nil.
func (p *printer) failed() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// printf writes a formatted line; a write error is kept in p.
func (p *printer) printf(format string, args ...any) { _, _ = fmt.Fprintf(p, format, args...) }

// println writes its arguments and a newline; a write error is kept in p.
func (p *printer) println(args ...any) { _, _ = fmt.Fprintln(p, args...) }

// writeJSON prints v as indented JSON (the --json output of every command).
func writeJSON(p *printer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode json: %w", err)
	}
	_, _ = p.Write(append(b, '\n')) // a write error is kept in p
	return nil
}

// fields prints label/value pairs as an aligned block, skipping empty values.
func fields(p *printer, pairs ...string) {
	tw := tabwriter.NewWriter(p, 0, 0, 2, ' ', 0)
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] != "" {
			_, _ = fmt.Fprintf(tw, "%s%s\t%s\n", indent, pairs[i], pairs[i+1])
		}
	}
	_ = tw.Flush() // a write error is kept in p
}

// indent starts every line of a field block.
const indent = "  "

func printSession(p *printer, s *client.CheckoutSession) {
	fields(p,
		"checkout_url", s.CheckoutURL,
		"transaction_id", s.LakipayTransactionID,
		"reference", s.Reference,
		"amount", s.Amount.String()+" "+s.Currency,
		"status", shown(s.Status, s.Status.Valid()),
	)
}

// shown renders an enum value for people, marking one that openapi.yaml does not list:
// LakiPay added it after this version, and it is carried through, never refused.
func shown[T ~string](v T, valid bool) string {
	if v == "" || valid {
		return string(v)
	}
	return string(v) + " (new: not in this version's openapi.yaml)"
}

func printTransaction(p *printer, t *client.Transaction) {
	pairs := []string{
		"transaction_id", t.TransactionID,
		"reference", t.Reference,
		"amount", t.Amount.String() + " " + t.Currency,
		"status", shown(t.Status, t.Status.Valid()),
		"medium", shown(t.Medium, t.Medium.Valid()),
		"type", shown(t.Type, t.Type.Valid()),
		"description", t.Description,
	}
	if t.FeeAmount != nil {
		pairs = append(pairs, "fee_amount", t.FeeAmount.String()+" "+t.Currency)
	}
	if t.TotalAmount != nil {
		pairs = append(pairs, "total_amount", t.TotalAmount.String()+" "+t.Currency)
	}
	pairs = append(pairs, "created_at", timeText(t.CreatedAt), "updated_at", timeText(t.UpdatedAt))
	fields(p, pairs...)
}

func printEvent(p *printer, e *client.WebhookEvent) {
	fields(p,
		"event", shown(e.Event, e.Event.Valid()),
		"transaction_id", e.TransactionID,
		"reference", e.Reference,
		"amount", e.Amount.String()+" "+e.Currency,
		"status", shown(e.Status, e.Status.Valid()),
		"medium", shown(e.Medium, e.Medium.Valid()),
		"timestamp", timeText(e.Timestamp),
	)
}

func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}

// flagOf maps a checkout request field (as [client.Violation.Field] names it) to the flag of
// `checkout create` that sets it.
var flagOf = map[string]string{
	"amount":            "--amount",
	"currency":          "--currency",
	"phone_number":      "--phone",
	"reference":         "--reference",
	"description":       "--description",
	"callback_url":      "--callback",
	"redirects.success": "--success",
	"redirects.failed":  "--failed",
	"redirects":         "--success/--failed",
	"supported_mediums": "--medium",
}

// explain turns an SDK error into the message the CLI prints: a refused request lists every
// broken field with its flag and rule, one a line; an API error gives the status, LakiPay's
// error_code and message, and its per-field messages one a line.
func explain(err error) error {
	var ve *client.ValidationError
	if errors.As(err, &ve) {
		var b strings.Builder
		b.WriteString("the request breaks the LakiPay contract; nothing was sent:")
		for _, v := range ve.Violations {
			field := v.Field()
			b.WriteString("\n" + indent)
			if f := flagFor(field); f != "" {
				b.WriteString(f + " (" + field + ")")
			} else {
				b.WriteString(field)
			}
			if v.Rule != "" {
				b.WriteString(": " + v.Rule)
			}
			if v.Reason != "" {
				b.WriteString(": " + v.Reason)
			}
			if v.Value != "" {
				b.WriteString(" (got " + v.Value + ")")
			}
		}
		return &explainedError{msg: b.String(), err: err}
	}
	var ae *client.APIError
	if errors.As(err, &ae) {
		var b strings.Builder
		fmt.Fprintf(&b, "LakiPay answered HTTP %d", ae.StatusCode)
		if ae.Code != "" {
			b.WriteString(" " + string(ae.Code))
		}
		if ae.Message != "" {
			b.WriteString(": " + ae.Message)
		}
		if ae.RetryAfter > 0 {
			fmt.Fprintf(&b, " (retry after %v)", ae.RetryAfter)
		}
		names := make([]string, 0, len(ae.Errors))
		for name := range ae.Errors {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			b.WriteString("\n" + indent + name + ": " + strings.Join(ae.Errors[name], "; "))
		}
		return &explainedError{msg: b.String(), err: err}
	}
	// The SDK prefixes its errors with its name; the CLI's own prefix says it already.
	return &explainedError{msg: strings.TrimPrefix(err.Error(), sdkPrefix), err: err}
}

// sdkPrefix starts the SDK's error messages.
const sdkPrefix = "lakipay: "

// explainedError is an SDK error with the CLI's longer rendering; it still unwraps to the
// SDK's error.
type explainedError struct {
	msg string
	err error
}

func (e *explainedError) Error() string { return e.msg }
func (e *explainedError) Unwrap() error { return e.err }

// flagFor finds the flag of a field, including array items ("supported_mediums.1").
func flagFor(field string) string {
	for f := field; f != ""; {
		if flag, ok := flagOf[f]; ok {
			return flag
		}
		i := strings.LastIndexByte(f, '.')
		if i < 0 {
			break
		}
		f = f[:i]
	}
	return ""
}
