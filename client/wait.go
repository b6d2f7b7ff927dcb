package client

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Default polling intervals of [Client.WaitForTransaction].
const (
	DefaultPollInitial = time.Second
	DefaultPollMax     = 15 * time.Second
)

// ErrUnknownStatus reports a transaction in a status the SDK does not know
// ([TransactionStatus.Valid] is false): LakiPay added it after this version of openapi.yaml,
// and the SDK cannot tell whether it is final. [Client.WaitForTransaction] returns it, with
// the transaction, as soon as it reads such a status.
var ErrUnknownStatus = errors.New("lakipay: transaction status unknown to this SDK")

// WaitOption configures [Client.WaitForTransaction].
type WaitOption func(*waitConfig) error

type waitConfig struct {
	initial, max time.Duration
}

// WithPollInterval sets the first wait between polls and the longest one (limit); waits grow
// by half after each poll. Both must be positive and limit at least initial.
func WithPollInterval(initial, limit time.Duration) WaitOption {
	return func(w *waitConfig) error {
		if initial <= 0 || limit < initial {
			return fmt.Errorf("lakipay: poll interval must be positive and its limit (%s) at least the initial one (%s)", limit, initial)
		}
		w.initial, w.max = initial, limit
		return nil
	}
}

// WaitForTransaction polls [Client.GetTransaction] until the transaction reaches a final
// status ([TransactionStatus.IsFinal]) and returns it. Temporary failures (network errors,
// 429, 5xx) do not end the wait; any other error does. When ctx ends first, it returns the
// last transaction seen (nil if none) together with an error wrapping ctx.Err().
//
// A status the SDK does not know (LakiPay added it after this version of openapi.yaml) may be
// final or not; rather than poll on until ctx ends, it returns at once with the transaction
// and an error wrapping [ErrUnknownStatus] that names the status: the caller decides, for
// example by treating it as not paid and alerting someone.
func (c *Client) WaitForTransaction(ctx context.Context, id string, opts ...WaitOption) (*Transaction, error) {
	if ctx == nil {
		return nil, errNilContext
	}
	w := waitConfig{initial: DefaultPollInitial, max: DefaultPollMax}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&w); err != nil {
			return nil, err
		}
	}
	var last *Transaction
	interval := w.initial
	for {
		tx, err := c.GetTransaction(ctx, id)
		switch {
		case err == nil:
			last = tx
			if tx.Status.IsFinal() {
				return tx, nil
			}
			if !tx.Status.Valid() { // the status is LakiPay's text, which may echo the key
				return tx, c.cfg.redactError(fmt.Errorf("%w: %q (transaction %s)", ErrUnknownStatus, tx.Status, tx.TransactionID))
			}
		case ctx.Err() != nil:
			return last, fmt.Errorf("lakipay: waiting for transaction: %w", ctx.Err())
		case !temporary(err):
			return last, err
		}
		if err := c.cfg.sleep(ctx, interval); err != nil {
			return last, fmt.Errorf("lakipay: waiting for transaction: %w", err)
		}
		if interval/2 > w.max-interval {
			interval = w.max // interval*1.5 would pass it, or overflow when it is near the largest Duration
		} else {
			interval += interval / 2
		}
	}
}

// temporary reports whether a failed call may succeed when repeated: an *APIError with status
// 429 or 5xx, or a transport error (anything but a local refusal or an unexpected body).
func temporary(err error) bool {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.Retryable()
	}
	return !errors.Is(err, ErrInvalidRequest) && !errors.Is(err, ErrUnexpectedResponse) &&
		!errors.Is(err, ErrResponseTooLarge)
}
