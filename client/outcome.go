package client

import (
	"errors"
	"net/http"
	"reflect"
	"strings"
	"sync"

	"github.com/lakipay/checkout-go/internal/apikey"
)

// The decisions a merchant takes on the error of [Client.CreateCheckout]: whether the
// reference was spent, whether the checkout may have been created, and what to show the
// shopper. Each errs on the side that cannot double-charge.

// IsDuplicateReference reports whether err is LakiPay refusing a checkout's reference as one
// it has seen: the attempt that used it created a session (see Retries in the package
// documentation), so open the next attempt with the next reference ([AttemptReference]).
// It recognizes [ErrorCodeDuplicateReference] (any status), a 409 Conflict (any code), and a
// 400 or 422 whose errors name the reference and no other field (see client/DESIGN.md).
func IsDuplicateReference(err error) bool {
	var e *APIError
	if !errors.As(err, &e) || e == nil {
		return false
	}
	switch e.StatusCode {
	case http.StatusConflict:
		return true
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
		if len(e.Errors) == 1 && len(e.Errors["reference"]) > 0 {
			return true
		}
	}
	return e.Code == ErrorCodeDuplicateReference
}

// OutcomeUnknown reports whether a [Client.CreateCheckout] that returned err may all the same
// have created the session: a timeout, a connection cut after the request was sent, a 5xx,
// 429 or 408 answer, a 2xx answer that could not be read, or anything else but a certain
// refusal. Then tell the shopper to try again in a moment and repeat the same reference (see
// Retries in the package documentation): LakiPay's answer to it tells which it was.
//
// It is false only when the request certainly created nothing: nil, a [*ValidationError]
// (nothing was sent), or an [*APIError] with a 4xx status other than 408 and 429 (LakiPay
// refused the request). Anything it does not recognise is unknown, never the other way: a
// refusal taken for unknown costs one more try of the same reference, while an unknown
// outcome taken for a refusal could let a second session be opened beside a payable one.
func OutcomeUnknown(err error) bool {
	if err == nil {
		return false
	}
	var verr *ValidationError
	if errors.As(err, &verr) && verr != nil {
		return false
	}
	var e *APIError
	if errors.As(err, &e) && e != nil {
		refused := e.StatusCode >= 400 && e.StatusCode < 500 &&
			e.StatusCode != http.StatusRequestTimeout && e.StatusCode != http.StatusTooManyRequests
		return !refused
	}
	return true
}

// FieldMessages returns what to show about each field of a refused checkout, keyed by the
// field's name in LakiPay's dotted form ("phone_number", "amount", "redirects.success"): the
// reasons of a [*ValidationError], or LakiPay's messages from an [*APIError]'s errors map,
// with its documented codes placed on their field whether or not LakiPay sent a map:
// [ErrorCodeInvalidPhone] on phone_number and [ErrorCodeInvalidAmount] on amount, with
// LakiPay's message. It is nil when err is nil, when [OutcomeUnknown] (nothing was refused)
// or when no field was named. Which fields the shopper can fix is yours to say (usually
// phone_number alone: the rest is the shop's own request).
//
// It holds only names of [CheckoutRequest]'s fields (a name LakiPay sends that is none, such
// as api_key, is left out: it is not the shopper's to fix) and only text an error already
// shows: LakiPay's text is the [APIError]'s, bounded, on one line and with the secret key
// redacted; a message that held the key (or any part of it, as [REDACTED] or withheld) or
// that is empty becomes "is not valid", and so does LakiPay's message for a code when it is
// only the HTTP status text. The map is the caller's own.
func FieldMessages(err error) map[string][]string {
	if OutcomeUnknown(err) {
		return nil
	}
	out := map[string][]string{}
	add := func(field string, messages ...string) {
		if !requestField(field) {
			return
		}
		for _, m := range messages {
			if strings.TrimSpace(m) == "" || strings.Contains(m, apikey.Marker) || strings.Contains(m, apikey.Withheld) {
				m = reasonNotValid
			}
			out[field] = append(out[field], m)
		}
		if len(messages) == 0 {
			out[field] = append(out[field], reasonNotValid)
		}
	}
	var verr *ValidationError
	var e *APIError
	switch {
	case errors.As(err, &verr):
		for _, v := range verr.Violations {
			add(v.Field(), v.Reason)
		}
	case errors.As(err, &e):
		for field, messages := range e.Errors {
			add(field, messages...)
		}
		if field, ok := codeFields[e.Code]; ok && out[field] == nil {
			message := e.Message
			if message == statusText(e.StatusCode) {
				message = reasonNotValid
			}
			add(field, message)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// reasonNotValid is what [FieldMessages] says of a field when LakiPay's words are unfit to show.
const reasonNotValid = "is not valid"

// codeFields are the request fields LakiPay's documented error codes are about.
var codeFields = map[ErrorCode]string{
	ErrorCodeInvalidPhone:  "phone_number",
	ErrorCodeInvalidAmount: "amount",
}

// requestField reports whether a dotted field name ("redirects.success") names a field of
// [CheckoutRequest], by its JSON name.
func requestField(field string) bool {
	top, _, _ := strings.Cut(field, ".")
	_, ok := checkoutFields()[top]
	return ok
}

// checkoutFields are the JSON names of [CheckoutRequest]'s fields, as generated from
// openapi.yaml.
var checkoutFields = sync.OnceValue(func() map[string]struct{} {
	t := reflect.TypeFor[CheckoutRequest]()
	names := make(map[string]struct{}, t.NumField())
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			names[name] = struct{}{}
		}
	}
	return names
})
