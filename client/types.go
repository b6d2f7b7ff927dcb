package client

import (
	"fmt"

	"github.com/lakipay/checkout-go/gen"
	"github.com/lakipay/checkout-go/internal/money"
)

// Amount is an exact money amount (integer minor units, at most two decimals); use it for
// every amount instead of a float.
type Amount = money.Amount

// ParseAmount reads an amount written as a decimal ("1000.5", "0.07"); more than two decimal
// places, negative values and values above 999999999999.99 are refused.
func ParseAmount(s string) (Amount, error) { return sdkAmount(money.Parse(s)) }

// AmountFromMinor returns the amount of minor units (santim, cents): AmountFromMinor(100050)
// is 1000.50.
func AmountFromMinor(minor int64) (Amount, error) { return sdkAmount(money.FromMinor(minor)) }

// sdkAmount gives an error of package money the SDK's "lakipay: " prefix.
func sdkAmount(a Amount, err error) (Amount, error) {
	if err != nil {
		return a, fmt.Errorf("lakipay: %w", err)
	}
	return a, nil
}

// CheckoutRequest is the body of [Client.CreateCheckout].
type CheckoutRequest = gen.CheckoutRequest

// Redirects says where LakiPay sends the shopper's browser after the hosted page.
type Redirects = gen.Redirects

// Medium is a payment method shown on the hosted page.
type Medium = gen.Medium

// The payment methods LakiPay documents for hosted checkout.
const (
	MediumMPESA       = gen.MediumMPESA
	MediumTELEBIRR    = gen.MediumTELEBIRR
	MediumCBE         = gen.MediumCBE
	MediumETHSWITCH   = gen.MediumETHSWITCH
	MediumLAKIPAY     = gen.MediumLAKIPAY
	MediumCYBERSOURCE = gen.MediumCYBERSOURCE
)

// CheckoutSession is a created checkout: send the shopper to CheckoutURL and keep
// LakipayTransactionID to follow the payment.
type CheckoutSession = gen.CheckoutSession

// Transaction is the authoritative state of a payment, from [Client.GetTransaction].
type Transaction = gen.Transaction

// TransactionStatus is the state of a transaction; see [IsFinal].
type TransactionStatus = gen.TransactionStatus

// The transaction statuses. StatusSuccess, StatusFailed and StatusCancelled are final.
const (
	StatusInitiated = gen.TransactionStatusINITIATED
	StatusPending   = gen.TransactionStatusPENDING
	StatusSuccess   = gen.TransactionStatusSUCCESS
	StatusFailed    = gen.TransactionStatusFAILED
	StatusCancelled = gen.TransactionStatusCANCELLED
)

// IsFinal reports whether a transaction in status s can no longer change: SUCCESS, FAILED or
// CANCELLED.
func IsFinal(s TransactionStatus) bool {
	switch s {
	case StatusSuccess, StatusFailed, StatusCancelled:
		return true
	default:
		return false
	}
}

// WebhookEvent is a verified webhook from LakiPay, as returned by [ParseWebhook].
type WebhookEvent = gen.WebhookEvent
