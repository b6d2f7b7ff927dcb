package client

import "github.com/lakipay/checkout-go/internal/contract"

// The models a merchant fills in and reads (CheckoutRequest, CheckoutSession, Transaction,
// WebhookEvent, the enums and their constants) are generated from openapi.yaml into
// models.gen.go, field documentation included; this file adds what the contract states beyond
// their types.

// IsFinal reports whether a transaction in status s can no longer change: SUCCESS, FAILED or
// CANCELLED. It is false for a status the SDK does not know ([TransactionStatus.Valid] is
// false), whose meaning the SDK cannot tell.
func (s TransactionStatus) IsFinal() bool { return contract.IsFinal(string(s)) }
