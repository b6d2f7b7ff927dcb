// Package spec is openapi.yaml read by kin-openapi: the reference that the compiled contract
// (package internal/contract), which the SDK, the fake and the validating transport run, is
// proven equal to. Only tests and generators use it; nothing a program links at run time
// parses the spec.
//
// [Spec.RequestVerdict], [Spec.ParameterVerdict], [Spec.ResponseVerdict] and
// [Spec.WebhookVerdict] give the spec's verdict on an exchange: kin-openapi's errors mapped to
// contract violations (same field, rule, value, location and readable reason) plus the
// contract's own rules (well-formed JSON, UTF-8, unique keys, exact decimals), each decided
// here without the compiled contract.
package spec

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/lakipay/checkout-go/internal/contract"
	"github.com/lakipay/checkout-go/internal/specfile"
)

// Spec is the loaded, validated contract with what validation needs precomputed. It is
// read-only after Load and safe for concurrent use.
type Spec struct {
	// Doc is the parsed document. Its servers are cleared: routing goes by path only.
	Doc *openapi3.T

	operations []operation
	locations  map[*openapi3.Schema]string
	options    *openapi3filter.Options
	visitOpts  []openapi3.SchemaValidationOption
}

type operation struct {
	route    *routers.Route
	segments []string
}

// Load returns the process-wide compiled spec, loading it on first use.
func Load() (*Spec, error) { return loadOnce() }

var loadOnce = sync.OnceValues(load)

func load() (*Spec, error) {
	doc, err := openapi3.NewLoader().LoadFromData([]byte(specfile.OpenAPI))
	if err != nil {
		return nil, fmt.Errorf("spec: load embedded openapi.yaml: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("spec: embedded openapi.yaml is invalid: %w", err)
	}
	doc.Servers = nil
	s := &Spec{Doc: doc, locations: map[*openapi3.Schema]string{}}
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		for method, op := range item.Operations() {
			s.operations = append(s.operations, operation{
				route:    &routers.Route{Spec: doc, Path: path, PathItem: item, Method: method, Operation: op},
				segments: strings.Split(strings.Trim(path, "/"), "/"),
			})
		}
	}
	for name, ref := range doc.Components.Schemas {
		s.index(ref, "#/components/schemas/"+name)
	}
	s.options = &openapi3filter.Options{
		MultiError:            true,
		IncludeResponseStatus: true,
		AuthenticationFunc:    authenticate,
		SchemaValidationOptions: []openapi3.SchemaValidationOption{
			openapi3.WithStringFormatValidators(StringFormatValidators()),
			openapi3.EnableFormatValidation(),
			openapi3.DisableSchemaErrorDetails(),
		},
	}
	s.visitOpts = append([]openapi3.SchemaValidationOption{openapi3.MultiErrors(), openapi3.VisitAsRequest()},
		s.options.SchemaValidationOptions...)
	return s, nil
}

// index records where each schema of the components lives, so that a violation can point at
// the rule in openapi.yaml. The first path found for a shared schema wins; a $ref keeps the
// location of its target.
func (s *Spec) index(ref *openapi3.SchemaRef, at string) {
	if ref == nil || ref.Value == nil {
		return
	}
	if _, seen := s.locations[ref.Value]; seen {
		return
	}
	if ref.Ref != "" {
		at = ref.Ref
	}
	s.locations[ref.Value] = at
	v := ref.Value
	for name, p := range v.Properties {
		s.index(p, at+"/properties/"+name)
	}
	s.index(v.Items, at+"/items")
	for i, sub := range v.AllOf {
		s.index(sub, fmt.Sprintf("%s/allOf/%d", at, i))
	}
	if v.AdditionalProperties.Schema != nil {
		s.index(v.AdditionalProperties.Schema, at+"/additionalProperties")
	}
}

// FindRoute finds the operation for a method and URL path. The path is matched by its last
// segments, so the API may be served under any base path (LakiPay's /api/v2, a fake's, a
// proxy's). It returns the route, its path parameters (unescaped), or an error that says whether
// the path or only the method is undeclared.
func (s *Spec) FindRoute(method, escapedPath string) (*routers.Route, map[string]string, error) {
	parts := strings.Split(strings.Trim(escapedPath, "/"), "/")
	pathFound := false
	for _, op := range s.operations {
		params, ok := matchSuffix(op.segments, parts)
		if !ok {
			continue
		}
		pathFound = true
		if op.route.Method == method {
			return op.route, params, nil
		}
	}
	if pathFound {
		return nil, nil, fmt.Errorf("%s %s: %w", method, escapedPath, routers.ErrMethodNotAllowed)
	}
	return nil, nil, fmt.Errorf("%s %s: %w", method, escapedPath, routers.ErrPathNotFound)
}

func matchSuffix(template, parts []string) (map[string]string, bool) {
	if len(parts) < len(template) {
		return nil, false
	}
	parts = parts[len(parts)-len(template):]
	var params map[string]string
	for i, seg := range template {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			value, err := url.PathUnescape(parts[i])
			if err != nil || value == "" {
				return nil, false
			}
			if params == nil {
				params = map[string]string{}
			}
			params[seg[1:len(seg)-1]] = value
			continue
		}
		if seg != parts[i] {
			return nil, false
		}
	}
	return params, true
}

// Operation returns the operation with the given operationId, or nil.
func (s *Spec) Operation(operationID string) *routers.Route {
	for _, op := range s.operations {
		if op.route.Operation.OperationID == operationID {
			return op.route
		}
	}
	return nil
}

// ValidateValue validates a decoded JSON value (as encoding/json decodes into any) against
// schema with this module's options and returns every violation, or nil.
func (s *Spec) ValidateValue(schema *openapi3.Schema, value any, operationID, in string) []Violation {
	if err := schema.VisitJSON(value, s.visitOpts...); err != nil {
		return s.Violations(err, operationID, in)
	}
	return nil
}

func authenticate(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	scheme := in.SecurityScheme
	if scheme == nil || scheme.Type != "apiKey" || scheme.In != "header" {
		return fmt.Errorf("security scheme %q is not supported", in.SecuritySchemeName)
	}
	return contract.CheckAPIKey(in.RequestValidationInput.Request.Header.Get(scheme.Name))
}

// StringFormatValidators are the string formats kin-openapi checks here: those of the
// contract's one table (contract.StringFormats), with its checks, and no other, so that the
// reference and the compiled contract judge formats alike. A format kin-openapi checks on its
// own (its defaults, such as byte) and the table does not name is left unchecked, as the
// contract leaves it.
func StringFormatValidators() map[string]openapi3.StringFormatValidator {
	out := map[string]openapi3.StringFormatValidator{}
	for name := range openapi3.SchemaStringFormats {
		out[name] = openapi3.NewCallbackValidator(func(string) error { return nil })
	}
	for _, f := range contract.StringFormats() {
		out[f.Name] = openapi3.NewCallbackValidator(func(v string) error {
			if !f.Check([]byte(v), isASCII(v)) {
				return errors.New(f.Reason)
			}
			return nil
		})
	}
	return out
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// Exchange is a request that was matched to an operation and validated; its response is
// validated against the same operation.
type Exchange struct {
	// Operation is the operationId the request matched.
	Operation string
	input     *openapi3filter.RequestValidationInput
}

// ValidateRequest matches req to an operation and validates it (security, parameters, body).
// It reads req.Body and replaces it with an unread copy of the same bytes. The Exchange is
// nil when no operation matched; the violations then say why.
func (s *Spec) ValidateRequest(ctx context.Context, req *http.Request) (*Exchange, []Violation) {
	route, params, err := s.FindRoute(req.Method, req.URL.EscapedPath())
	if err != nil {
		return nil, []Violation{{In: "route", Rule: "undeclared operation", Reason: err.Error()}}
	}
	ex := &Exchange{
		Operation: route.Operation.OperationID,
		input: &openapi3filter.RequestValidationInput{
			Request: req, PathParams: params, Route: route, Options: s.options,
		},
	}
	if err := openapi3filter.ValidateRequest(ctx, ex.input); err != nil {
		return ex, s.Violations(err, ex.Operation, "request")
	}
	return ex, nil
}

// ValidateResponse validates a response to ex's request: the status must be declared, the
// content type declared for it, and the body must match its schema.
func (s *Spec) ValidateResponse(ctx context.Context, ex *Exchange, status int, header http.Header, body []byte) []Violation {
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: ex.input,
		Status:                 status,
		Header:                 header,
		Options:                s.options,
	}
	input.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(ctx, input); err != nil {
		return s.Violations(err, ex.Operation, "response")
	}
	return nil
}
