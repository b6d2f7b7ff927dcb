package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/lakipay/checkout-go/internal/contract"
)

// LakiPay refuses a reference it has seen and has no lookup by reference, so each payment
// attempt of an order needs a reference of its own: ORDER-42-1, then ORDER-42-2 after the
// shopper cancelled, the payment failed or the first attempt's answer was lost. See
// References in the package documentation.

// ErrNotAttemptReference is matched by the error of [ParseAttemptReference] for a reference
// that [AttemptReference] does not make: another system's, on the same LakiPay account.
var ErrNotAttemptReference = errors.New("lakipay: not a payment-attempt reference")

// AttemptReference returns the reference of payment attempt number attempt (1, 2, ...) of
// an order: order, "-" and the number, such as ORDER-42-2 for order "ORDER-42". Put a prefix
// of your own in order ("ORDER-" + id), so that [ParseAttemptReference] tells your
// references from another system's.
//
// The reference must be one the contract accepts: an order that would make it longer than
// 100 characters, or that holds "&" (which would make its webhooks ambiguous) or invalid
// UTF-8 (which JSON would send as another text), is refused with a [*ValidationError] naming
// the reference and the rule, as [Client.CreateCheckout] would refuse it; an empty order or
// an attempt below 1 with a plain error.
func AttemptReference(order string, attempt int) (string, error) {
	ref, violations, err := attemptReference(order, attempt)
	if violations != nil {
		return "", newValidationError(violations)
	}
	return ref, err
}

// attemptReference is [AttemptReference], its contract violations apart.
func attemptReference(order string, attempt int) (string, []contract.Violation, error) {
	switch {
	case order == "":
		return "", nil, errors.New("lakipay: attempt reference: the order is empty")
	case attempt < 1:
		return "", nil, fmt.Errorf("lakipay: attempt reference: the attempt must be 1 or more, got %d", attempt)
	}
	ref := order + "-" + strconv.Itoa(attempt)
	if violations := checkReference(ref); violations != nil {
		return "", violations, nil
	}
	return ref, nil, nil
}

// ParseAttemptReference returns the order and attempt of a reference made by
// [AttemptReference] (a webhook's or a transaction's Reference): ORDER-42-2 gives "ORDER-42"
// and 2. A reference it could not have made (no "-" followed by a number from 1 written
// without leading zeros, an empty order, or a reference the contract refuses) is an error
// matching [ErrNotAttemptReference]. Every reference it accepts is exactly
// AttemptReference(order, attempt).
func ParseAttemptReference(ref string) (order string, attempt int, err error) {
	i := strings.LastIndexByte(ref, '-')
	if i < 0 {
		return "", 0, fmt.Errorf("%w: no \"-\" before an attempt number", ErrNotAttemptReference)
	}
	order, number := ref[:i], ref[i+1:]
	switch {
	case order == "":
		return "", 0, fmt.Errorf("%w: no order before the attempt number", ErrNotAttemptReference)
	case number == "" || number[0] == '0' || strings.Trim(number, "0123456789") != "":
		return "", 0, fmt.Errorf("%w: the attempt is not a number from 1 without leading zeros", ErrNotAttemptReference)
	}
	attempt, err = strconv.Atoi(number)
	if err != nil {
		return "", 0, fmt.Errorf("%w: the attempt number is too large", ErrNotAttemptReference)
	}
	if violations := checkReference(ref); violations != nil {
		return "", 0, fmt.Errorf("%w: %w", ErrNotAttemptReference, newValidationError(violations))
	}
	return order, attempt, nil
}

// CreateCheckoutAttempt opens the checkout of payment attempt number attempt of an order:
// [Client.CreateCheckout] with req's Reference set to AttemptReference(order, attempt)
// (req.Reference must be empty). Pass the attempt whose answer never came, to repeat its
// reference, or the next one after an attempt whose session ended (1 for the first).
//
// begin, when not nil, is called with the attempt's number before its request is sent (and
// again with the next number when that attempt is opened): record it with the order, and that
// nothing is known of its session yet, so that if the answer never comes the next try repeats
// that attempt's reference. An error from begin stops the attempt before anything is sent.
// Call it for one order at a time across all your instances (a row lock, or a lease on the
// order): two concurrent calls for one order open two sessions, both payable. After a refusal
// that is certain ([OutcomeUnknown] false), nothing was opened: call it again with the same
// attempt, once the input is fixed.
//
// When LakiPay refuses the reference as one it has seen ([IsDuplicateReference]), an earlier
// try of the attempt created a session whose answer was lost: nobody saw its checkout URL,
// so nobody can pay it. The next attempt is then opened, once. It returns the session and
// the attempt it belongs to; on error, the last attempt tried, and the error of
// [Client.CreateCheckout] (see [OutcomeUnknown] and [FieldMessages]).
func (c *Client) CreateCheckoutAttempt(ctx context.Context, order string, attempt int, req CheckoutRequest,
	begin func(ctx context.Context, attempt int) error,
) (*CheckoutSession, int, error) {
	switch {
	case ctx == nil:
		return nil, attempt, errNilContext // before begin, which may use it
	case req.Reference != "":
		return nil, attempt, errors.New("lakipay: checkout attempt: req.Reference must be empty: it is set for each attempt")
	}
	for repeated := false; ; repeated = true {
		ref, violations, err := attemptReference(order, attempt)
		switch {
		case violations != nil:
			return nil, attempt, c.invalidRequest(violations) // shown with the secret redacted
		case err != nil:
			return nil, attempt, err
		}
		if begin != nil {
			if err := begin(ctx, attempt); err != nil {
				return nil, attempt, fmt.Errorf("lakipay: checkout attempt %d: begin: %w", attempt, err)
			}
		}
		req.Reference = ref
		session, err := c.CreateCheckout(ctx, req)
		if err != nil && IsDuplicateReference(err) && !repeated {
			attempt++
			continue
		}
		return session, attempt, err
	}
}

// checkReference judges a reference by openapi.yaml's rules for CheckoutRequest.reference,
// as the contract judges it in a request.
func checkReference(ref string) []contract.Violation {
	if !utf8.ValidString(ref) {
		return []contract.Violation{{Operation: opCreateCheckout, In: "request body", Pointer: "/reference",
			Rule: contract.RuleUTF8, Reason: contract.ReasonUTF8}}
	}
	body, _ := json.Marshal(map[string]string{"reference": ref}) // a map of valid strings always encodes
	header := http.Header{"Content-Type": {"application/json"}}
	_, all := contract.ValidateRequest(http.MethodPost, checkoutPath, header, body, contract.Options{})
	var out []contract.Violation
	for _, v := range all {
		if v.In == "request body" && v.Pointer == "/reference" {
			out = append(out, v)
		}
	}
	return out
}
