package contracttest

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/lakipay/checkout-go/internal/contract"
)

// Coverage says what a fake has exercised: for each operation the HTTP statuses it answered
// (for the receivePaymentWebhook callback, the statuses receivers answered; a status the
// operation does not declare also counts as its "default" answer when it declares one), and for each enum
// of the spec the values that went over the wire. Every declared status and value is listed,
// with 0 when it was never exercised.
type Coverage struct {
	// Operations maps an operationId to its statuses ("200", "404", ...) and how often each
	// was answered.
	Operations map[string]map[string]int `json:"operations"`
	// Enums maps an enum ("TransactionStatus", "Medium", "TransactionType",
	// "WebhookEvent.event") to its values and how often each was exercised.
	Enums map[string]map[string]int `json:"enums"`
}

// coveredEnums are the enums Coverage tracks, by name, with where they live in the spec: a
// schema of components, and a property of it.
var coveredEnums = map[string][]string{
	"TransactionStatus":  {"TransactionStatus"},
	"Medium":             {"Medium"},
	"TransactionType":    {"TransactionType"},
	"WebhookEvent.event": {"WebhookEvent", "event"},
}

func newCoverage() *Coverage {
	c := &Coverage{Operations: map[string]map[string]int{}, Enums: map[string]map[string]int{}}
	for _, op := range contract.Operations() {
		c.declare(op.ID, op.Statuses)
	}
	c.declare(contract.WebhookOperation(), contract.WebhookStatuses())
	for name, at := range coveredEnums {
		values := map[string]int{}
		for _, v := range contract.Enum(at[0], at[1:]...) {
			values[v] = 0
		}
		c.Enums[name] = values
	}
	return c
}

func (c *Coverage) declare(op string, statuses []string) {
	declared := make(map[string]int, len(statuses))
	for _, code := range statuses {
		declared[code] = 0
	}
	c.Operations[op] = declared
}

// status counts an answer of op under its status ("no answer" for code 0). A status op does
// not declare also counts under "default" when op declares a default answer: a 503 to
// getTransaction exercises getTransaction's default, and the report still says it was a 503.
func (c *Coverage) status(op string, code int) {
	statuses := c.Operations[op]
	if statuses == nil {
		statuses = map[string]int{}
		c.Operations[op] = statuses
	}
	if code == 0 {
		statuses["no answer"]++
		return
	}
	key := strconv.Itoa(code)
	if _, declared := statuses[key]; !declared {
		if _, ok := statuses["default"]; ok {
			statuses["default"]++
		}
	}
	statuses[key]++
}

func (c *Coverage) enum(name, value string) {
	if c.Enums[name] == nil {
		c.Enums[name] = map[string]int{}
	}
	c.Enums[name][value]++
}

func (c *Coverage) clone() *Coverage {
	out := &Coverage{Operations: map[string]map[string]int{}, Enums: map[string]map[string]int{}}
	for k, v := range c.Operations {
		out.Operations[k] = maps.Clone(v)
	}
	for k, v := range c.Enums {
		out.Enums[k] = maps.Clone(v)
	}
	return out
}

// Missing lists what was declared but never exercised, as "operation status" and
// "enum value" lines, sorted.
func (c *Coverage) Missing() []string {
	var out []string
	for op, statuses := range c.Operations {
		for code, n := range statuses {
			if n == 0 {
				out = append(out, op+" "+code)
			}
		}
	}
	for name, values := range c.Enums {
		for v, n := range values {
			if n == 0 {
				out = append(out, name+" "+v)
			}
		}
	}
	slices.Sort(out)
	return out
}

// String prints the report: one line per operation and per enum, exercised entries with
// their counts, then what was never exercised.
func (c *Coverage) String() string {
	var b strings.Builder
	b.WriteString("contract coverage of the fake LakiPay\n")
	b.WriteString("operations (HTTP status × count):\n")
	writeSection(&b, c.Operations)
	b.WriteString("enum values (value × count):\n")
	writeSection(&b, c.Enums)
	return b.String()
}

func writeSection(b *strings.Builder, section map[string]map[string]int) {
	for _, name := range slices.Sorted(maps.Keys(section)) {
		var hit, missed []string
		for _, key := range slices.Sorted(maps.Keys(section[name])) {
			if n := section[name][key]; n > 0 {
				hit = append(hit, fmt.Sprintf("%s×%d", key, n))
			} else {
				missed = append(missed, key)
			}
		}
		fmt.Fprintf(b, "  %-22s %s", name, orNone(hit))
		if len(missed) > 0 {
			fmt.Fprintf(b, "   not exercised: %s", strings.Join(missed, " "))
		}
		b.WriteByte('\n')
	}
}

func orNone(items []string) string {
	if len(items) == 0 {
		return "(none)"
	}
	return strings.Join(items, " ")
}

// Coverage returns a snapshot of what the fake has exercised so far.
func (f *Fake) Coverage() *Coverage {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.cov.clone()
}
