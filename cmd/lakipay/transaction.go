package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/lakipay/checkout-go/client"
)

func (a *app) transactionCommand() *cobra.Command {
	return group("transaction", "Read transaction detail, the authoritative payment status",
		a.transactionGetCommand(), a.transactionWaitCommand())
}

func (a *app) transactionGetCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "get ID",
		Short: "Print the current state of a transaction",
		Long: `Print the current state of one transaction (GET /payment/transaction/{id}), looked up
by the transaction id that 'checkout create' printed.`,
		Example: "  lakipay transaction get TXN-123456789",
		Args:    exactArgs("ID"),
		RunE: op(func(cmd *cobra.Command, args []string) error {
			c, err := a.newClient()
			if err != nil {
				return err
			}
			t, err := c.GetTransaction(cmd.Context(), args[0])
			if err != nil {
				return fmt.Errorf("get transaction: %w", explain(err))
			}
			if asJSON {
				return writeJSON(a.stdout, t)
			}
			printTransaction(a.stdout, t)
			return nil
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the transaction (the response's data) as JSON")
	return a.withBaseURL(cmd)
}

// defaultWait is how long `transaction wait` waits by default: long enough for a shopper to pay.
const defaultWait = 15 * time.Minute

func (a *app) transactionWaitCommand() *cobra.Command {
	var (
		asJSON  bool
		timeout time.Duration
	)
	cmd := &cobra.Command{
		Use:   "wait ID",
		Short: "Poll a transaction until it is final; exit 0 only if it succeeded",
		Long: `Poll transaction detail with backoff until the transaction is final (SUCCESS, FAILED or
CANCELLED) or the timeout ends, then print it.

Exit 0 when it ended SUCCESS, so that 'lakipay transaction wait ID && ship-the-order' is safe;
exit 1 when it ended FAILED or CANCELLED, or was not final before the timeout (the last status
seen is printed), or is in a status this version does not know (LakiPay added it later: it may
be final or not, so the wait stops there and names it).`,
		Example: "  lakipay transaction wait TXN-123456789 --timeout 5m",
		Args:    exactArgs("ID"),
		RunE: op(func(cmd *cobra.Command, args []string) error {
			if timeout <= 0 {
				return usagef("--timeout must be greater than 0, got %v", timeout)
			}
			c, err := a.newClient()
			if err != nil {
				return err
			}
			t, err := a.waitFinal(cmd.Context(), c, args[0], timeout)
			if t != nil {
				if asJSON {
					err = errors.Join(err, writeJSON(a.stdout, t))
				} else {
					printTransaction(a.stdout, t)
				}
			}
			return err
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the final transaction (the response's data) as JSON")
	cmd.Flags().DurationVar(&timeout, "timeout", defaultWait, "how long to wait for a final status")
	return a.withBaseURL(cmd)
}

// waitFinal waits until transaction id is final and returns it with nil only for SUCCESS; the
// last transaction seen comes back with the error otherwise (nil if none was read).
func (a *app) waitFinal(ctx context.Context, c *client.Client, id string, timeout time.Duration) (*client.Transaction, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	t, err := c.WaitForTransaction(ctx, id)
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		last := "no status read yet"
		if t != nil {
			last = "last status " + string(t.Status)
		}
		return t, fmt.Errorf("transaction %s was not final after %v (%s)", id, timeout, last)
	case errors.Is(err, client.ErrUnknownStatus):
		return t, fmt.Errorf("transaction %s is %s, a status this version of lakipay does not know: it may be final or not, so "+
			"the wait stops here; check the transaction with LakiPay", id, t.Status)
	case err != nil:
		return t, fmt.Errorf("wait for transaction: %w", explain(err))
	case t.Status != client.TransactionStatusSUCCESS:
		return t, fmt.Errorf("transaction %s ended %s", id, t.Status)
	}
	return t, nil
}
