package spec

import (
	"errors"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/lakipay/checkout-go/internal/contract"
)

// Violation is one broken rule of the contract, as package contract defines it; the ones this
// package maps from kin-openapi's errors carry kin-openapi's reasons until the verdict words
// them.
type Violation = contract.Violation

// Violations flattens a kin-openapi validation error (request, response, security, schema,
// route or multi-error) into violations. in names the part of the exchange for bare schema
// errors ("request body", "response body").
func (s *Spec) Violations(err error, operationID, in string) []Violation {
	var out []Violation
	s.collect(err, operationID, in, &out)
	return out
}

func (s *Spec) collect(err error, op, in string, out *[]Violation) {
	// A multi-error is flattened only where it is err itself: a request or response error
	// that wraps one is unwrapped below, keeping which part of the exchange it was about.
	if multi, ok := err.(openapi3.MultiError); ok { //nolint:errorlint // the outermost shape decides
		for _, e := range multi {
			s.collect(e, op, in, out)
		}
		return
	}
	var (
		multi   openapi3.MultiError
		reqErr  *openapi3filter.RequestError
		respErr *openapi3filter.ResponseError
		secErr  *openapi3filter.SecurityRequirementsError
		schErr  *openapi3.SchemaError
		route   *routers.RouteError
	)
	switch {
	case errors.As(err, &secErr):
		*out = append(*out, Violation{Operation: op, In: "header X-API-Key", Rule: "security",
			Reason: contract.ErrAPIKeyShape.Error(), Location: "openapi.yaml#/components/securitySchemes/apiKey"})
	case errors.As(err, &reqErr):
		where := in
		if reqErr.Parameter != nil {
			where = reqErr.Parameter.In + " parameter " + reqErr.Parameter.Name
		} else if reqErr.RequestBody != nil {
			where = "request body"
		}
		if reqErr.Err != nil && hasSchemaError(reqErr.Err) {
			s.collect(reqErr.Err, op, where, out)
			return
		}
		*out = append(*out, Violation{Operation: op, In: where, Rule: "request", Reason: reqErr.Error()})
	case errors.As(err, &respErr):
		if respErr.Err != nil && hasSchemaError(respErr.Err) {
			s.collect(respErr.Err, op, "response body", out)
			return
		}
		*out = append(*out, Violation{Operation: op, In: "response", Rule: "response", Reason: respErr.Error()})
	case errors.As(err, &schErr):
		// allOf wraps the errors of its parts: report those, which name the real rule.
		if schErr.SchemaField == "allOf" && schErr.Origin != nil && errors.As(schErr.Origin, &multi) {
			s.collect(multi, op, in, out)
			return
		}
		*out = append(*out, s.fromSchemaError(schErr, op, in))
	case errors.As(err, &route):
		*out = append(*out, Violation{Operation: op, In: "route", Rule: "undeclared operation", Reason: err.Error()})
	default:
		*out = append(*out, Violation{Operation: op, In: in, Rule: "invalid", Reason: err.Error()})
	}
}

func hasSchemaError(err error) bool {
	var schErr *openapi3.SchemaError
	return errors.As(err, &schErr)
}

func (s *Spec) fromSchemaError(e *openapi3.SchemaError, op, in string) Violation {
	path := e.JSONPointer()
	rule := e.SchemaField
	value := e.Value
	switch {
	case rule == "properties" && strings.HasPrefix(e.Reason, "property "):
		// An undeclared property: point at the property itself.
		if name, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(e.Reason, "property "), " is unsupported")); err == nil {
			path = append(path, name)
			rule = "additionalProperties"
			if obj, ok := value.(map[string]any); ok {
				value = obj[name]
			}
		}
	}
	v := Violation{
		Operation: op,
		In:        in,
		Pointer:   pointer(path),
		Rule:      rule,
		Reason:    e.Reason,
	}
	if rule != "required" { // a missing field has no value to show
		v.Value = shortValue(value)
	}
	if at, ok := s.locations[e.Schema]; ok {
		v.Location = "openapi.yaml" + at + "/" + rule
	}
	return v
}

func pointer(path []string) string {
	if len(path) == 0 {
		return ""
	}
	var b strings.Builder
	for _, p := range path {
		b.WriteByte('/')
		b.WriteString(token(p))
	}
	return b.String()
}

// token escapes a name as one JSON pointer token: "~" as "~0", "/" as "~1".
func token(name string) string {
	return strings.ReplaceAll(strings.ReplaceAll(name, "~", "~0"), "/", "~1")
}
