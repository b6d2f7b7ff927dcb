package contracttest

import (
	"fmt"
	"strings"
	"time"
)

// Fault is a failure the fake can inject into an operation's next answer (see
// [Fake.InjectFault]), to test how a client copes with a misbehaving LakiPay.
type Fault int

// The faults [Fake.InjectFault] can inject. Their names (for /_mock/faults and the CLI) are
// the lower-case words after "Fault", separated by underscores: "internal_error", ...
const (
	// FaultInternalError answers 500 with the error envelope (error_code PROVIDER_ERROR).
	FaultInternalError Fault = iota + 1
	// FaultRateLimited answers 429 with Retry-After: 1 (error_code RATE_LIMITED).
	FaultRateLimited
	// FaultMalformedJSON answers 200 with a body that is not valid JSON.
	FaultMalformedJSON
	// FaultTruncatedBody answers 200 and drops the connection halfway through the body.
	FaultTruncatedBody
	// FaultConnectionReset resets the connection (TCP RST) without answering.
	FaultConnectionReset
	// FaultFlatShape runs the operation but answers in the older flat shape LakiPay's live
	// API is reported to send ({"success": true, "payment_url": ...}), a deviation the
	// validating transport reports.
	FaultFlatShape
	// FaultTimeout answers nothing: the request hangs until the client gives up (its
	// context ends), the fake is reset or closed, or [MaxHang] passes; then the connection
	// is dropped without an answer.
	FaultTimeout
	// FaultBadGateway answers 502 with an HTML page, as a proxy in front of LakiPay would.
	FaultBadGateway
	// FaultUnavailable answers 503 with the error envelope (error_code PROVIDER_ERROR) and
	// no Retry-After.
	FaultUnavailable
	// FaultRateLimitedNoRetryAfter answers 429 (error_code RATE_LIMITED) without a
	// Retry-After header, so the client picks its own wait.
	FaultRateLimitedNoRetryAfter
	// FaultWrongContentType runs the operation and answers its JSON labelled text/html.
	FaultWrongContentType
	// FaultHugeBody answers 200 with a 20 MiB JSON body ([HugeBodyBytes]), streamed in small
	// chunks so that the fake never holds it in memory.
	FaultHugeBody
	// FaultLostAnswer runs the operation in full and then resets the connection (TCP RST)
	// instead of answering: for createCheckout the session exists and its reference is used,
	// but the client never learns its checkout_url. It is the case a checkout's caller cannot
	// tell from [FaultConnectionReset], where nothing happened (see Retries in package
	// client's documentation for the recovery).
	FaultLostAnswer
)

// MaxHang bounds how long a [FaultTimeout] request hangs when the client never gives up.
const MaxHang = 2 * time.Minute

// HugeBodyBytes is the size of the body [FaultHugeBody] sends (20 MiB).
const HugeBodyBytes = 20 << 20

var faultNames = map[Fault]string{
	FaultInternalError:   "internal_error",
	FaultRateLimited:     "rate_limited",
	FaultMalformedJSON:   "malformed_json",
	FaultTruncatedBody:   "truncated_body",
	FaultConnectionReset: "connection_reset",
	FaultFlatShape:       "flat_shape",
	FaultTimeout:         "timeout",
	FaultBadGateway:      "bad_gateway",
	FaultUnavailable:     "unavailable",

	FaultRateLimitedNoRetryAfter: "rate_limited_no_retry_after",
	FaultWrongContentType:        "wrong_content_type",
	FaultHugeBody:                "huge_body",
	FaultLostAnswer:              "lost_answer",
}

// Faults lists every fault, in declaration order.
func Faults() []Fault {
	return []Fault{FaultInternalError, FaultRateLimited, FaultMalformedJSON, FaultTruncatedBody, FaultConnectionReset,
		FaultFlatShape, FaultTimeout, FaultBadGateway, FaultUnavailable, FaultRateLimitedNoRetryAfter,
		FaultWrongContentType, FaultHugeBody, FaultLostAnswer}
}

// String returns the fault's name ("rate_limited").
func (f Fault) String() string {
	if name, ok := faultNames[f]; ok {
		return name
	}
	if f == 0 {
		return "none"
	}
	return fmt.Sprintf("fault(%d)", int(f))
}

// ParseFault returns the fault with the given name ("rate_limited"), case-insensitively.
func ParseFault(name string) (Fault, error) {
	for f, n := range faultNames {
		if strings.EqualFold(n, strings.TrimSpace(name)) {
			return f, nil
		}
	}
	names := make([]string, 0, len(faultNames))
	for _, f := range Faults() {
		names = append(names, f.String())
	}
	return 0, fmt.Errorf("contracttest: unknown fault %q (want one of %s)", name, strings.Join(names, ", "))
}

// MarshalText writes the fault's name.
func (f Fault) MarshalText() ([]byte, error) {
	if _, ok := faultNames[f]; !ok {
		return nil, fmt.Errorf("contracttest: unknown fault %d", int(f))
	}
	return []byte(f.String()), nil
}

// UnmarshalText reads a fault's name.
func (f *Fault) UnmarshalText(b []byte) error {
	parsed, err := ParseFault(string(b))
	if err != nil {
		return err
	}
	*f = parsed
	return nil
}
