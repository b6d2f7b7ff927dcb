package client

import (
	"fmt"
	"time"

	"github.com/lakipay/checkout-go/internal/contract"
	"github.com/lakipay/checkout-go/internal/money"
)

// The types below are what a merchant fills in and reads. They are written by hand so that
// their documentation states the rules, and a test holds them to the models oapi-codegen
// generates from openapi.yaml (package gen): same JSON names, same optional fields, same
// enum values. Before a request is sent, its JSON is checked against the contract itself.

// Amount is an exact amount of money in the major unit of its currency (1000.50 ETB is one
// thousand birr and fifty santim): greater than 0 where LakiPay charges it, at most two
// decimal places and at most 999999999999.99, held as integer minor units so that it never
// passes through binary floating point. The zero value is 0.00.
//
// On the wire it is the shortest exact decimal JSON number (1000.5, 100, 0.07), as LakiPay's
// checkout page writes amounts; [Amount.String] shows two decimals for people ("1000.50").
// Reading JSON, it also accepts a string holding a decimal number ("1000.50"), in case
// LakiPay writes one.
type Amount struct {
	m money.Amount
}

// ParseAmount reads an amount written as a decimal ("1000.5", "0.07", "1e3"). More than two
// decimal places by value ("9.555"), negative values, values above 999999999999.99 and
// anything that is not a number are refused.
func ParseAmount(s string) (Amount, error) {
	m, err := money.Parse(s)
	if err != nil {
		return Amount{}, fmt.Errorf("lakipay: %w", err)
	}
	return Amount{m}, nil
}

// AmountFromMinor returns the amount of minor units (santim, cents): AmountFromMinor(100050)
// is 1000.50. Negative values and values above 99999999999999 are refused.
func AmountFromMinor(minor int64) (Amount, error) {
	m, err := money.FromMinor(minor)
	if err != nil {
		return Amount{}, fmt.Errorf("lakipay: %w", err)
	}
	return Amount{m}, nil
}

// Minor returns the amount in minor units: 100050 for 1000.50.
func (a Amount) Minor() int64 { return a.m.Minor() }

// IsZero reports whether the amount is 0.00 (no valid charge is).
func (a Amount) IsZero() bool { return a.m.IsZero() }

// Cmp compares two amounts: -1 when a is less than b, 0 when they are equal, +1 when a is
// greater. Amounts of different currencies must not be compared.
func (a Amount) Cmp(b Amount) int {
	switch x, y := a.Minor(), b.Minor(); {
	case x < y:
		return -1
	case x > y:
		return 1
	default:
		return 0
	}
}

// String returns the amount with exactly two decimals, for people: "1000.50".
func (a Amount) String() string { return a.m.String() }

// MarshalJSON writes the shortest exact decimal JSON number: 1000.5.
func (a Amount) MarshalJSON() ([]byte, error) { return a.m.MarshalJSON() }

// UnmarshalJSON reads a JSON number, or a JSON string holding one, with at most two decimal
// places by value.
func (a *Amount) UnmarshalJSON(b []byte) error { return a.m.UnmarshalJSON(b) }

// MarshalText writes the amount as MarshalJSON does, for flags and text encodings.
func (a Amount) MarshalText() ([]byte, error) { return a.m.MarshalText() }

// UnmarshalText reads the amount as [ParseAmount] does, for flags and text encodings.
func (a *Amount) UnmarshalText(b []byte) error { return a.m.UnmarshalText(b) }

// Medium is a payment method offered on the hosted page.
type Medium string

// The payment methods the contract knows (an enum closed to these six). MPESA, TELEBIRR, CBE
// and ETHSWITCH are listed on LakiPay's hosted-checkout page; LAKIPAY and CYBERSOURCE (card,
// for USD) in LakiPay's API reference.
const (
	MediumMPESA       Medium = "MPESA"
	MediumTELEBIRR    Medium = "TELEBIRR"
	MediumCBE         Medium = "CBE"
	MediumETHSWITCH   Medium = "ETHSWITCH"
	MediumLAKIPAY     Medium = "LAKIPAY"
	MediumCYBERSOURCE Medium = "CYBERSOURCE"
)

// TransactionStatus is the state of a transaction.
type TransactionStatus string

// The transaction statuses. INITIATED: the session was created and the shopper has not paid
// yet. PENDING: the payment is under way at the provider. SUCCESS, FAILED and CANCELLED are
// final ([TransactionStatus.IsFinal]) and never change again.
const (
	StatusInitiated TransactionStatus = "INITIATED"
	StatusPending   TransactionStatus = "PENDING"
	StatusSuccess   TransactionStatus = "SUCCESS"
	StatusFailed    TransactionStatus = "FAILED"
	StatusCancelled TransactionStatus = "CANCELLED"
)

// IsFinal reports whether a transaction in status s can no longer change: SUCCESS, FAILED or
// CANCELLED.
func (s TransactionStatus) IsFinal() bool { return contract.IsFinal(string(s)) }

// Valid reports whether s is one of the statuses the contract knows.
func (s TransactionStatus) Valid() bool {
	switch s {
	case StatusInitiated, StatusPending, StatusSuccess, StatusFailed, StatusCancelled:
		return true
	default:
		return false
	}
}

// TransactionType is the direction of a transaction, and the event of a webhook.
type TransactionType string

// The transaction types: a checkout produces DEPOSIT (a payment into the merchant's account).
const (
	TypeDeposit    TransactionType = "DEPOSIT"
	TypeWithdrawal TransactionType = "WITHDRAWAL"
)

// CheckoutRequest is the body of [Client.CreateCheckout]: the fields of LakiPay's
// hosted-checkout page. [Client.CreateCheckout] checks every rule below before anything is
// sent and names each broken field in a [*ValidationError].
type CheckoutRequest struct {
	// Amount is the charge: greater than 0, at most two decimal places, at most
	// 999999999999.99. Required.
	Amount Amount `json:"amount"`
	// Currency is three upper-case letters, an ISO 4217 code such as ETB or USD. Required.
	Currency string `json:"currency"`
	// PhoneNumber is the customer's phone with country code, digits only: 7 to 15 digits, no
	// "+", no spaces, no leading 0 (251911111111). Required.
	PhoneNumber string `json:"phone_number"`
	// Reference is your unique id for this checkout session, 1 to 100 characters without "&".
	// It is the de-duplication key: LakiPay refuses a reference it has seen. Use one
	// reference per payment attempt (ORDER-42-1, ORDER-42-2) and map it back to your order
	// when its webhook arrives. Required.
	Reference string `json:"reference"`
	// Description is shown to the customer or kept for reconciliation: at most 500
	// characters. Optional ("" sends none).
	Description string `json:"description,omitempty"`
	// CallbackURL is where LakiPay POSTs signed webhooks for this session: an absolute http or
	// https URL of at most 2048 characters. Optional ("" sends none), but without it you
	// learn the outcome only by polling [Client.GetTransaction].
	CallbackURL string `json:"callback_url,omitempty"`
	// Redirects says where the shopper's browser goes after the hosted page. Required.
	Redirects Redirects `json:"redirects"`
	// SupportedMediums are the methods shown on the hosted page: at least one, each at most
	// once. Required.
	SupportedMediums []Medium `json:"supported_mediums"`
}

// Redirects says where LakiPay sends the shopper's browser after the hosted page: absolute
// http or https URLs of at most 2048 characters, both required. Never trust the redirect
// alone (a shopper can open the success URL by hand): confirm with the webhook or
// [Client.GetTransaction].
type Redirects struct {
	// Success is where the shopper goes after a successful payment.
	Success string `json:"success"`
	// Failed is where the shopper goes after a failed or cancelled attempt.
	Failed string `json:"failed"`
}

// CheckoutSession is a created checkout, the data of LakiPay's answer: send the shopper to
// CheckoutURL and keep LakipayTransactionID to follow the payment.
type CheckoutSession struct {
	// CheckoutURL is the hosted payment page: redirect the shopper there. It is a privileged
	// link tied to your session: never log it where others read.
	CheckoutURL string `json:"checkout_url"`
	// LakipayTransactionID identifies the payment in [Client.GetTransaction] and in webhooks
	// (their TransactionID).
	LakipayTransactionID string `json:"lakipay_transaction_id"`
	// Reference echoes the request's reference.
	Reference string `json:"reference"`
	// Amount is the charge.
	Amount Amount `json:"amount"`
	// Currency is the charge's currency.
	Currency string `json:"currency"`
	// Status is INITIATED right after creation.
	Status TransactionStatus `json:"status"`
}

// Transaction is the authoritative state of a payment, from [Client.GetTransaction].
type Transaction struct {
	// TransactionID is LakiPay's id (a checkout's LakipayTransactionID).
	TransactionID string `json:"transaction_id"`
	// Reference is the reference of the checkout request.
	Reference string `json:"reference"`
	// Amount is the charge.
	Amount Amount `json:"amount"`
	// Currency is the charge's currency.
	Currency string `json:"currency"`
	// Status is the transaction's current status; SUCCESS, FAILED and CANCELLED are final.
	Status TransactionStatus `json:"status"`
	// Medium is the method the shopper chose; "" until one was chosen.
	Medium Medium `json:"medium,omitempty"`
	// CreatedAt is when the transaction was created.
	CreatedAt time.Time `json:"created_at"`
	// UpdatedAt is when the transaction last changed.
	UpdatedAt time.Time `json:"updated_at"`
	// Description is the checkout request's description; "" when none was sent.
	Description string `json:"description,omitempty"`
	// FeeAmount is LakiPay's fee, when LakiPay reports one (it may be 0); nil otherwise.
	FeeAmount *Amount `json:"fee_amount,omitempty"`
	// TotalAmount is the amount with fees, when LakiPay reports it; nil otherwise.
	TotalAmount *Amount `json:"total_amount,omitempty"`
	// Type is DEPOSIT for a checkout; "" when LakiPay does not say.
	Type TransactionType `json:"type,omitempty"`
}

// WebhookEvent is a verified webhook from LakiPay, as [ParseWebhook] returns it: a
// transaction's status changed. Webhooks can arrive more than once and out of order:
// de-duplicate on TransactionID plus Status (see [WithDeduplication]).
type WebhookEvent struct {
	// Event is DEPOSIT for a payment (what checkout produces) or WITHDRAWAL.
	Event TransactionType `json:"event"`
	// TransactionID is LakiPay's id of the transaction (a checkout's LakipayTransactionID).
	TransactionID string `json:"transaction_id"`
	// Reference is the reference of the checkout request: map it back to your order.
	Reference string `json:"reference"`
	// Amount is the charge.
	Amount Amount `json:"amount"`
	// Currency is the charge's currency.
	Currency string `json:"currency"`
	// Status is the transaction's new status.
	Status TransactionStatus `json:"status"`
	// Medium is the method used; "" when the shopper cancelled before choosing one.
	Medium Medium `json:"medium,omitempty"`
	// Timestamp is when the status changed.
	Timestamp time.Time `json:"timestamp"`
	// Signature is the base64 RSA signature that [ParseWebhook] verified.
	Signature string `json:"signature"`
}
