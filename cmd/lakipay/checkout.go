package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/spf13/cobra"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/internal/contract"
)

// checkoutFlags are the flags of `checkout create`, one per field of the checkout request.
type checkoutFlags struct {
	amount, currency, phone, reference string
	success, failed, callback          string
	description                        string
	mediums                            []string
	json                               bool
}

func (a *app) checkoutCommand() *cobra.Command {
	return group("checkout", "Create hosted-checkout sessions", a.checkoutCreateCommand())
}

func (a *app) checkoutCreateCommand() *cobra.Command {
	var f checkoutFlags
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Create a hosted-checkout session and print its checkout URL",
		Long: `Create a hosted-checkout session (POST /payment/checkout) and print the checkout URL to
send the shopper to, and the LakiPay transaction id to confirm the payment with
'lakipay transaction wait'.

The request is checked against the LakiPay contract before anything is sent: a value it
refuses (an amount with three decimals, a phone with a '+', a medium LakiPay does not list,
...) is reported with its flag and rule, and the command exits 1 without a request.`,
		Example: `  lakipay checkout create --amount 1000.50 --currency ETB --phone 251911111111 \
    --reference ORDER123456 --success https://example.com/success \
    --failed https://example.com/failed --medium MPESA --medium CBE \
    --callback https://example.com/callback`,
		Args: exactArgs(),
		RunE: op(func(cmd *cobra.Command, _ []string) error {
			c, err := a.newClient()
			if err != nil {
				return err
			}
			req, amountErr := f.request()
			if amountErr != nil {
				return fmt.Errorf("create checkout: %w", explain(refuseAmount(cmd.Context(), req, amountErr)))
			}
			session, err := c.CreateCheckout(cmd.Context(), req)
			if err != nil {
				return fmt.Errorf("create checkout: %w", explain(err))
			}
			if f.json {
				return writeJSON(a.stdout, session)
			}
			a.stdout.println("Checkout session created. Send the shopper to the checkout URL:")
			printSession(a.stdout, session)
			return nil
		}),
	}
	fl := cmd.Flags()
	fl.StringVar(&f.amount, "amount", "", "amount in the currency's major unit, at most two decimals (e.g. 1000.50)")
	fl.StringVar(&f.currency, "currency", "", "currency code, three upper-case letters (e.g. ETB)")
	fl.StringVar(&f.phone, "phone", "", "customer phone: country code and number, digits only (e.g. 251911111111)")
	fl.StringVar(&f.reference, "reference", "", "your unique id for this session, 1 to 100 characters (de-duplication key)")
	fl.StringVar(&f.success, "success", "", "absolute URL the shopper is sent to after paying")
	fl.StringVar(&f.failed, "failed", "", "absolute URL the shopper is sent to after a failed or cancelled attempt")
	fl.StringSliceVar(&f.mediums, "medium", nil, "payment method offered on the hosted page; repeat or comma-separate ("+
		strings.Join(contract.Enum("Medium"), ", ")+")")
	fl.StringVar(&f.callback, "callback", "", "absolute URL LakiPay POSTs signed webhooks to (optional)")
	fl.StringVar(&f.description, "description", "", "shown to the customer or kept for reconciliation (optional)")
	fl.BoolVar(&f.json, "json", false, "print the session (the response's data) as JSON")
	for _, name := range []string{"amount", "currency", "phone", "reference", "success", "failed", "medium"} {
		_ = cmd.MarkFlagRequired(name) // the names exist: an error here cannot happen
	}
	return a.withBaseURL(cmd)
}

// request builds the checkout request from the flags. Only the amount is checked here (it must
// parse to be put in the request at all: on error the request has amount 0); every other rule
// is the SDK's, checked against the contract before sending.
func (f *checkoutFlags) request() (client.CheckoutRequest, error) {
	req := client.CheckoutRequest{
		Currency:    f.currency,
		PhoneNumber: f.phone,
		Reference:   f.reference,
		Description: f.description,
		CallbackURL: f.callback,
		Redirects:   client.Redirects{Success: f.success, Failed: f.failed},
	}
	for _, m := range f.mediums {
		req.SupportedMediums = append(req.SupportedMediums, client.Medium(m))
	}
	amount, err := client.ParseAmount(f.amount)
	if err != nil {
		return req, err
	}
	req.Amount = amount
	return req, nil
}

// refuseAmount reports an amount that does not parse together with every other broken field
// of req, so that one run names them all. The SDK checks req (its amount left at 0, which the
// contract refuses too) through a client whose transport refuses to send anything, and its
// verdict on the amount is replaced by the parse error.
func refuseAmount(ctx context.Context, req client.CheckoutRequest, amountErr error) error {
	violations := []client.Violation{{Operation: "createCheckout", In: "request body", Pointer: "/amount",
		Reason: strings.TrimPrefix(amountErr.Error(), sdkPrefix)}}
	// Any valid key will do, since nothing is sent; a random secret cannot collide with the
	// caller's values, which the client redacts its secret from.
	offline, err := client.New("validate:"+rand.Text(), client.WithHTTPClient(&http.Client{Transport: refuseToSend{}}))
	if err != nil {
		return err
	}
	_, err = offline.CreateCheckout(ctx, req)
	var ve *client.ValidationError
	if errors.As(err, &ve) {
		for _, v := range ve.Violations {
			if v.Field() != "amount" {
				violations = append(violations, v)
			}
		}
	}
	return &client.ValidationError{Violations: violations}
}

// refuseToSend is a transport that never sends: the guarantee behind refuseAmount.
type refuseToSend struct{}

// errNotSent is what refuseToSend answers every request with.
var errNotSent = errors.New("validation only: nothing is sent")

func (refuseToSend) RoundTrip(*http.Request) (*http.Response, error) { return nil, errNotSent }
