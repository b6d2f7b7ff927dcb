package contract

import (
	"errors"
	"strconv"
	"strings"

	"github.com/lakipay/checkout-go/internal/jsonscan"
)

// Options tune a validation.
type Options struct {
	// Strict also reports every property of an object whose schema neither declares it nor
	// says anything about other properties (no additionalProperties), with the rule
	// "undeclared property": what the contract harness asks of LakiPay's answers.
	Strict bool
	// Lenient lets an amount (a money schema: type number with multipleOf 0.01) be a JSON
	// string holding a decimal number, as some LakiPay answers and webhooks write it; the
	// number inside is judged exactly as a bare one would be. For reading LakiPay, never for
	// what the SDK sends.
	Lenient bool
	// OpenEnums reads an enum as open: a string outside a string enum is no violation (the
	// caller carries it through as a value it does not know yet); everything else, a number
	// where the enum wants a string included, is judged as before. For the SDK's reading of
	// what LakiPay sends, never for what it sends nor for the contract harness, which reports
	// such a value as a deviation from the spec.
	OpenEnums bool
	// BasePath, when set, is the path the API is served under ("/api/v2"): a request's path
	// must be BasePath followed exactly by an operation's path. When empty, a path matches an
	// operation by its last segments, so that the API may be served under any base path.
	BasePath string
}

// Header is what the validator reads of a request's or response's headers; http.Header
// implements it. Header values are checked, never shown in a violation.
type Header interface {
	Values(key string) []string
}

// first returns the first value of a header, or "" when it is absent.
func first(h Header, key string) (string, bool) {
	if h == nil {
		return "", false
	}
	values := h.Values(key)
	if len(values) == 0 {
		return "", false
	}
	return values[0], true
}

// ErrAPIKeyShape is the reason an X-API-Key value is refused: it must be
// PUBLICKEY:SECRETKEY with both halves non-empty and no white space.
var ErrAPIKeyShape = errors.New("the API key " + ReasonAPIKey)

// CheckAPIKey reports whether key has the documented PUBLICKEY:SECRETKEY shape, without ever
// echoing the key.
func CheckAPIKey(key string) error {
	public, secret, ok := strings.Cut(key, ":")
	if !ok || public == "" || secret == "" || strings.ContainsAny(key, " \t\r\n") {
		return ErrAPIKeyShape
	}
	return nil
}

// ValidateRequest validates a request to the API: its method and escaped path must be an
// operation's, then its X-API-Key header, its path parameters and its body (when the operation
// takes one: required, declared content type, then the schema). It returns the operationId the
// request matched ("" when none) and every violation, nil when the request is valid.
func ValidateRequest(method, escapedPath string, header Header, body []byte, opts Options) (string, []Violation) {
	c := loaded()
	var params params
	o, v := c.route(method, escapedPath, opts.BasePath, &params)
	if v != nil {
		return "", []Violation{*v}
	}
	var out []Violation
	id := o.data.id
	if o.security != "" {
		key, _ := first(header, o.security)
		if CheckAPIKey(key) != nil {
			out = append(out, Violation{Operation: id, In: "header " + o.data.securityHeader, Rule: RuleSecurity, Reason: ReasonAPIKey,
				Location: "openapi.yaml" + o.data.securityLocation})
		}
	}
	for i, p := range o.params {
		out = textViolations(out, p, params[i], id, "path parameter "+o.data.params[i].name)
	}
	if o.body == nil {
		return id, out
	}
	b := &o.data.body
	if len(body) == 0 {
		if b.required {
			out = append(out, Violation{Operation: id, In: "request body", Rule: RuleRequired, Reason: ReasonRequired,
				Location: "openapi.yaml" + b.location + "/required"})
		}
		return id, out
	}
	if ct, _ := first(header, "Content-Type"); !contentTypeDeclared(ct, b.content) {
		return id, append(out, contentTypeViolation(id, ct, b.content, b.location))
	}
	return id, validateDocument(out, o.body, body, id, "request body", opts)
}

// ValidateParameter validates the value of a path parameter of an operation (unescaped, as the
// caller will escape it into the path).
func ValidateParameter(operationID, name, value string) []Violation {
	o := loaded().operation(operationID)
	if o == nil {
		return []Violation{unknownOperation(operationID)}
	}
	for i := range o.data.params {
		if o.data.params[i].name == name {
			return textViolations(nil, o.params[i], value, operationID, "path parameter "+name)
		}
	}
	return []Violation{{Operation: operationID, In: "path parameter " + name, Rule: RuleUndeclaredOperation,
		Reason: "is not a parameter of the operation", Location: "openapi.yaml" + o.data.location}}
}

// ValidateResponse validates a response of an operation: its status must be declared (or the
// operation declare a default), its declared headers match their schemas, its content type be
// declared and its body match the schema. Every status is judged, redirects included.
func ValidateResponse(operationID string, status int, header Header, body []byte, opts Options) []Violation {
	o := loaded().operation(operationID)
	if o == nil {
		return []Violation{unknownOperation(operationID)}
	}
	r := o.response(status)
	if r == nil {
		return []Violation{{Operation: operationID, In: "status", Rule: RuleUndeclaredStatus, Reason: StatusReason(o.statuses),
			Value: strconv.Itoa(status), Location: "openapi.yaml" + o.data.location + "/responses"}}
	}
	var out []Violation
	for i := range r.data.headers {
		h := &r.data.headers[i]
		value, present := first(header, r.names[i])
		switch {
		case present:
			out = textViolations(out, r.headers[i], value, operationID, "header "+h.name)
		case h.required:
			out = append(out, Violation{Operation: operationID, In: "header " + h.name, Rule: RuleRequired,
				Reason: ReasonRequired, Location: "openapi.yaml" + h.location + "/required"})
		}
	}
	if len(r.data.content) == 0 {
		return out
	}
	if ct, _ := first(header, "Content-Type"); !contentTypeDeclared(ct, r.data.content) {
		return append(out, contentTypeViolation(operationID, ct, r.data.content, r.data.location))
	}
	if r.body == nil {
		return out
	}
	return validateDocument(out, r.body, body, operationID, "response body", opts)
}

// ValidateWebhook validates a webhook body (what LakiPay POSTs to callback_url) against the
// schema of the callback's request body.
func ValidateWebhook(body []byte, opts Options) []Violation {
	w := loaded().webhook
	return validateDocument(nil, w.body, body, w.data.id, "webhook body", opts)
}

// ValidateWebhookMembers is [ValidateWebhook] for a body that a strict scan has split into its
// top-level members already (jsonscan.AppendMembers with Strict set, which refuses what the
// contract's json, utf-8 and duplicate key rules refuse): the same violations, each member's
// value read on its own, in any order of members.
func ValidateWebhookMembers(members []jsonscan.Member, opts Options) []Violation {
	w := loaded().webhook
	return validateMembers(nil, w.body, members, w.data.id, "webhook body", opts)
}

// WebhookOperation is the operationId of the webhook callback, which its violations name.
func WebhookOperation() string { return loaded().webhook.data.id }

// textViolations checks a value that is no JSON (a path parameter, a header) against n, a
// string schema, and appends the violations.
func textViolations(out []Violation, n *node, value, op, in string) []Violation {
	w := walker{op: op, in: in, out: out}
	s := []byte(value)
	w.text(n, s, isASCII(s))
	return w.out
}

func isASCII(s []byte) bool {
	for _, c := range s {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// contentTypeDeclared reports whether a Content-Type value selects one of the declared media
// types, as kin-openapi's Content.Get does: the whole value, else its media type without
// parameters, else type/*, else */* (case and surrounding space aside).
func contentTypeDeclared(ct string, declared []string) bool {
	if ct == "application/json" && len(declared) == 1 && declared[0] == ct {
		return true // the common case, without lowering
	}
	has := func(mt string) bool {
		for _, d := range declared {
			if d == mt {
				return true
			}
		}
		return false
	}
	if ct == "" {
		return has("*/*")
	}
	ct = strings.ToLower(strings.TrimSpace(ct))
	if has(ct) {
		return true
	}
	base, _, _ := strings.Cut(ct, ";")
	base = strings.TrimSpace(base)
	if has(base) {
		return true
	}
	typ, _, ok := strings.Cut(base, "/")
	if !ok {
		return false
	}
	return has(typ+"/*") || has("*/*")
}

func contentTypeViolation(op, ct string, declared []string, location string) Violation {
	return Violation{Operation: op, In: "header Content-Type", Rule: RuleContentType, Reason: ContentTypeReason(declared),
		Value: shortString([]byte(ct)), Location: "openapi.yaml" + location + "/content"}
}

func unknownOperation(id string) Violation {
	return Violation{Operation: id, In: "route", Rule: RuleUndeclaredOperation, Reason: "is not an operation of the API",
		Value: shortString([]byte(id))}
}
