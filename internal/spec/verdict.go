package spec

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"maps"
	"math/big"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/lakipay/checkout-go/internal/contract"
	"github.com/lakipay/checkout-go/internal/jsonref"
	"github.com/lakipay/checkout-go/internal/jsonscan"
)

// The spec verdict: what openapi.yaml says of an exchange, judged by kin-openapi with this
// module's options (Load) and mapped to contract.Violation with the contract's readable
// reasons, plus the contract rules that JSON Schema lacks (see internal/contract's package
// documentation). It is the reference the compiled contract (package contract) is proven equal
// to; it is slow (it decodes bodies into maps, twice) and for tests and tools only.
//
// Each contract rule is decided here independently of the compiled contract: well-formed JSON
// by json.Valid, invalid UTF-8, lone surrogates and duplicate keys by a walk over
// encoding/json's tokens, money exactly by math/big. Only the words that say where a body stops
// being JSON come from package jsonscan.

// RequestVerdict judges a request: route, X-API-Key, path parameters, body. It returns the
// operationId the request matched ("" when none) and every violation.
func (s *Spec) RequestVerdict(ctx context.Context, method, escapedPath string, header http.Header, body []byte, opts contract.Options) (string, []contract.Violation) {
	route, params, err := s.FindRoute(method, escapedPath)
	if err != nil {
		return "", []contract.Violation{s.routeViolation(method, escapedPath, err)}
	}
	op := route.Operation.OperationID
	req, err := http.NewRequestWithContext(ctx, method, "http://verdict.invalid/", bytes.NewReader(body))
	if err != nil {
		return op, []contract.Violation{{Operation: op, In: "route", Rule: contract.RuleUndeclaredOperation, Reason: err.Error()}}
	}
	req.Header = header.Clone()
	if req.Header == nil {
		req.Header = http.Header{}
	}
	input := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: s.options}
	var out []contract.Violation
	at := pathLocation(route.Path) + "/" + strings.ToLower(method)
	kinErr := openapi3filter.ValidateRequest(ctx, input)
	for _, e := range flatten(kinErr) {
		var secErr *openapi3filter.SecurityRequirementsError
		var reqErr *openapi3filter.RequestError
		switch {
		case errors.As(e, &secErr):
			out = append(out, contract.Violation{Operation: op, In: "header X-API-Key", Rule: contract.RuleSecurity,
				Reason: contract.ReasonAPIKey, Location: "openapi.yaml#/components/securitySchemes/apiKey"})
		case errors.As(e, &reqErr) && reqErr.Parameter != nil:
			p := reqErr.Parameter
			schemaAt := parameterLocation(route, at, p)
			out = append(out, s.schemaVerdict(reqErr.Err, nil, op, "path parameter "+p.Name, p.Schema.Value, schemaAt, false, params[p.Name])...)
		case errors.As(e, &reqErr) && reqErr.RequestBody != nil:
			bodyAt := at + "/requestBody"
			if ref := route.Operation.RequestBody; ref != nil && ref.Ref != "" {
				bodyAt = ref.Ref
			}
			switch {
			case errors.Is(reqErr.Err, openapi3filter.ErrInvalidRequired):
				out = append(out, contract.Violation{Operation: op, In: "request body", Rule: contract.RuleRequired,
					Reason: contract.ReasonRequired, Location: "openapi.yaml" + bodyAt + "/required"})
			case strings.HasPrefix(reqErr.Reason, "header Content-Type has unexpected value"):
				out = append(out, contentTypeVerdict(op, req.Header.Get("Content-Type"), reqErr.RequestBody.Content, bodyAt))
			case reqErr.Reason == "failed to decode request body" || strings.HasPrefix(reqErr.Reason, "doesn't match schema"):
				// the body is judged below
			default:
				out = append(out, unmapped(op, e))
			}
		default:
			out = append(out, unmapped(op, e))
		}
	}
	// The body's schema: judged whenever kin-openapi got as far as decoding it, including when
	// it let through what the contract refuses (trailing data, duplicate keys, invalid UTF-8).
	if rb := route.Operation.RequestBody; rb != nil && len(body) > 0 &&
		rb.Value.Content.Get(req.Header.Get("Content-Type")) != nil {
		schema := rb.Value.Content.Get(req.Header.Get("Content-Type")).Schema
		out = append(out, s.bodyVerdict(schema.Value, body, op, "request body", opts, true)...)
	}
	return op, out
}

// ParameterVerdict judges the value of a path parameter.
func (s *Spec) ParameterVerdict(operationID, name, value string) []contract.Violation {
	route := s.Operation(operationID)
	if route == nil {
		return nil
	}
	at := pathLocation(route.Path) + "/" + strings.ToLower(route.Method)
	for _, ref := range route.Operation.Parameters {
		if p := ref.Value; p.Name == name && p.In == openapi3.ParameterInPath {
			err := p.Schema.Value.VisitJSON(value, append([]openapi3.SchemaValidationOption{openapi3.MultiErrors()}, s.options.SchemaValidationOptions...)...)
			return s.schemaVerdict(err, nil, operationID, "path parameter "+name, p.Schema.Value, parameterLocation(route, at, p), false, value)
		}
	}
	return nil
}

// ResponseVerdict judges a response of an operation: status, declared headers, content type,
// body. Unlike kin-openapi it judges redirect statuses too, and a bad header does not hide the
// body's violations.
func (s *Spec) ResponseVerdict(ctx context.Context, operationID string, status int, header http.Header, body []byte, opts contract.Options) []contract.Violation {
	route := s.Operation(operationID)
	if route == nil {
		return nil
	}
	judged := status
	switch status {
	case http.StatusMovedPermanently, http.StatusNotModified, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		judged = 599 // kin-openapi skips these; 599 is not declared either, so it reaches the same response
	}
	responses := route.Operation.Responses
	key := strconv.Itoa(judged)
	ref := responses.Value(key)
	if ref == nil {
		key, ref = "default", responses.Default()
	}
	var out []contract.Violation
	header = header.Clone()
	if header == nil {
		header = http.Header{}
	}
	if ref != nil {
		at := pathLocation(route.Path) + "/" + strings.ToLower(route.Method) + "/responses/" + key
		if ref.Ref != "" {
			at = ref.Ref
		}
		for _, name := range slices.Sorted(maps.Keys(ref.Value.Headers)) {
			h := ref.Value.Headers[name]
			values, present := header[http.CanonicalHeaderKey(name)]
			if strings.EqualFold(name, "Content-Type") || !present || len(values) == 0 {
				continue
			}
			hat := at + "/headers/" + name
			if h.Ref != "" {
				hat = h.Ref
			}
			schema := h.Value.Schema.Value
			err := schema.VisitJSON(values[0], append([]openapi3.SchemaValidationOption{openapi3.MultiErrors()}, s.options.SchemaValidationOptions...)...)
			out = append(out, s.schemaVerdict(err, nil, operationID, "header "+name, schema, hat+"/schema", false, values[0])...)
			header.Del(name) // kin-openapi stops at the first bad header; the body is judged below
		}
	}
	ex := &Exchange{Operation: operationID, input: &openapi3filter.RequestValidationInput{
		Request: &http.Request{Method: route.Method, Header: http.Header{}}, Route: route, Options: s.options}}
	input := &openapi3filter.ResponseValidationInput{RequestValidationInput: ex.input, Status: judged, Header: header, Options: s.options}
	input.SetBodyBytes(body)
	err := openapi3filter.ValidateResponse(ctx, input)
	var respErr *openapi3filter.ResponseError
	if errors.As(err, &respErr) && respErr.Err == nil {
		switch {
		case respErr.Reason == "status is not supported":
			return append(out, contract.Violation{Operation: operationID, In: "status", Rule: contract.RuleUndeclaredStatus,
				Reason: contract.StatusReason(slices.Sorted(maps.Keys(responses.Map()))), Value: strconv.Itoa(status),
				Location: "openapi.yaml" + pathLocation(route.Path) + "/" + strings.ToLower(route.Method) + "/responses"})
		case strings.HasPrefix(respErr.Reason, "response header Content-Type has unexpected value"):
			at := pathLocation(route.Path) + "/" + strings.ToLower(route.Method) + "/responses/" + key
			if ref.Ref != "" {
				at = ref.Ref
			}
			return append(out, contentTypeVerdict(operationID, header.Get("Content-Type"), ref.Value.Content, at))
		default:
			return append(out, unmapped(operationID, err))
		}
	}
	if ref == nil || len(ref.Value.Content) == 0 {
		return out
	}
	media := ref.Value.Content.Get(header.Get("Content-Type"))
	if media == nil || media.Schema == nil {
		return out
	}
	return append(out, s.bodyVerdict(media.Schema.Value, body, operationID, "response body", opts, false)...)
}

// WebhookVerdict judges a webhook body against the callback's request body schema.
func (s *Spec) WebhookVerdict(body []byte, opts contract.Options) []contract.Violation {
	for _, route := range s.operations {
		for _, cb := range route.route.Operation.Callbacks {
			for _, item := range cb.Value.Map() {
				if post := item.Post; post != nil && post.RequestBody != nil {
					schema := post.RequestBody.Value.Content.Get("application/json").Schema.Value
					return s.bodyVerdict(schema, body, post.OperationID, "webhook body", opts, true)
				}
			}
		}
	}
	return nil
}

// bodyVerdict judges a JSON body: the contract's syntax rules first (a body that breaks one is
// that one violation), then kin-openapi's schema validation with amounts judged exactly, then
// strict mode's undeclared properties.
func (s *Spec) bodyVerdict(schema *openapi3.Schema, body []byte, op, in string, opts contract.Options, asRequest bool) []contract.Violation {
	if !json.Valid(body) {
		err := jsonscan.Valid(body, jsonscan.Options{Strict: true})
		if err == nil {
			err = errors.New("json.Valid refuses what jsonscan accepts")
		}
		return []contract.Violation{contract.ScanViolation(err, op, in)}
	}
	switch problem, pointer, _ := jsonref.StrictProblem(body); problem {
	case jsonref.InvalidText:
		return []contract.Violation{{Operation: op, In: in, Pointer: pointer, Rule: contract.RuleUTF8, Reason: contract.ReasonUTF8}}
	case jsonref.DuplicateKey:
		return []contract.Violation{{Operation: op, In: in, Pointer: pointer, Rule: contract.RuleDuplicateKey, Reason: contract.ReasonDuplicateKey}}
	}
	tree := decodeNumbers(body)
	visit := []openapi3.SchemaValidationOption{openapi3.MultiErrors(), openapi3.VisitAsResponse()}
	if asRequest {
		visit[1] = openapi3.VisitAsRequest()
	}
	visit = append(visit, s.options.SchemaValidationOptions...)
	err := schema.VisitJSON(tree, visit...)
	// The numbers kin-openapi visited with a number schema: visited again with every number
	// replaced by a string, each shows as a type violation at that schema.
	numbers := schema.VisitJSON(replaceNumbers(tree), visit...)
	out := s.schemaVerdict(err, numbers, op, in, schema, "", opts.Lenient, tree)
	if opts.OpenEnums { // a string outside its enum is a value the reader does not know yet
		out = slices.DeleteFunc(out, func(v contract.Violation) bool {
			return v.Rule == contract.RuleEnum && strings.HasPrefix(v.Value, `"`)
		})
		if len(out) == 0 {
			out = nil
		}
	}
	if opts.Strict {
		out = append(out, s.undeclared(schema, tree, nil, op, in)...)
	}
	sortVerdict(out)
	return out
}

// numberSentinel replaces numbers in the second visit of bodyVerdict.
const numberSentinel = "\x00number\x00"

// schemaVerdict maps kin-openapi's schema errors to violations: kin-openapi's pointer, rule
// and location (collected by Violations), the contract's reason, the value from the decoded
// document, and amounts judged exactly on their text instead of through float64 (numbers are
// the type violations of the sentinel visit). root is the schema of the whole value, at
// rootLocation when it is not a component.
func (s *Spec) schemaVerdict(err, numbers error, op, in string, root *openapi3.Schema, rootLocation string, lenient bool, doc any) []contract.Violation {
	schemas := s.schemasByLocation()
	var out []contract.Violation
	for _, v := range s.violations(err, op, in) {
		schema, at := s.ruleSchema(v, root, rootLocation, schemas)
		value, _ := lookup(doc, v.Pointer)
		if schema != nil && isNumberSchema(schema) {
			switch v.Rule {
			case "minimum", "maximum", "multipleOf", "exclusiveMinimum", "exclusiveMaximum":
				continue // judged exactly below
			case "type":
				if _, ok := value.(json.Number); ok {
					continue // out of float64's range: judged exactly below
				}
				if text, ok := value.(string); ok && lenient && isMoney(schema) && validNumberText(text) {
					out = append(out, exactNumber(op, in, v.Pointer, schema, at, text, shortValue(text))...)
					continue
				}
			}
		}
		cv := contract.Violation{Operation: op, In: in, Pointer: v.Pointer, Rule: v.Rule, Location: v.Location}
		if at != "" {
			cv.Location = "openapi.yaml" + at + "/" + v.Rule
		}
		if schema != nil {
			kw := keywords(schema)
			cv.Reason = kw.Reason(v.Rule, in, lenient)
		}
		if v.Rule != "required" {
			cv.Value = shortValue(value)
		}
		out = append(out, cv)
	}
	for _, v := range s.violations(numbers, op, in) {
		schema, at := s.ruleSchema(v, root, rootLocation, schemas)
		value, _ := lookup(doc, v.Pointer)
		n, ok := value.(json.Number)
		if v.Rule != "type" || schema == nil || !isNumberSchema(schema) || !ok {
			continue
		}
		out = append(out, exactNumber(op, in, v.Pointer, schema, at, string(n), contract.ShortValue([]byte(n)))...)
	}
	return out
}

// violations is Violations that takes a nil error for no violation.
func (s *Spec) violations(err error, op, in string) []Violation {
	if err == nil {
		return nil
	}
	return s.Violations(err, op, in)
}

// ruleSchema returns the schema a violation's rule belongs to and its location (without the
// rule).
func (s *Spec) ruleSchema(v Violation, root *openapi3.Schema, rootLocation string, schemas map[string]*openapi3.Schema) (*openapi3.Schema, string) {
	if v.Location == "" {
		if rootLocation != "" {
			return root, rootLocation
		}
		return nil, ""
	}
	at := strings.TrimSuffix(strings.TrimPrefix(v.Location, "openapi.yaml"), "/"+v.Rule)
	return schemas[at], at
}

func (s *Spec) schemasByLocation() map[string]*openapi3.Schema {
	m := make(map[string]*openapi3.Schema, len(s.locations))
	for schema, at := range s.locations {
		m[at] = schema
	}
	return m
}

// exactNumber applies minimum, maximum and multipleOf to a number's decimal text exactly.
func exactNumber(op, in, pointer string, schema *openapi3.Schema, at, text, shown string) []contract.Violation {
	value, ok := exactRat(text)
	if !ok {
		return []contract.Violation{unmapped(op, errors.New("the number "+shown+" at "+pointer+" is beyond what the verdict can judge exactly"))}
	}
	kw := keywords(schema)
	var out []contract.Violation
	add := func(rule string) {
		out = append(out, contract.Violation{Operation: op, In: in, Pointer: pointer, Rule: rule,
			Reason: kw.Reason(rule, in, false), Value: shown, Location: "openapi.yaml" + at + "/" + rule})
	}
	if schema.Min != nil && value.Cmp(rat(kw.Minimum)) < 0 {
		add("minimum")
	}
	if schema.Max != nil && value.Cmp(rat(kw.Maximum)) > 0 {
		add("maximum")
	}
	if schema.MultipleOf != nil && !new(big.Rat).Quo(value, rat(kw.MultipleOf)).IsInt() {
		add("multipleOf")
	}
	return out
}

// exactRat reads a JSON number's text as its exact value. math/big refuses a power of ten
// beyond a million (1e99999999999 or 0e-99999999999), so the exponent is first brought within
// reach without changing any judgement: leading and trailing zeros of the digits are dropped,
// zero is zero whatever its exponent, a larger power stays larger than every bound (and an
// integer), and a smaller one is raised to 100 powers below the digits' own size (still nonzero,
// far below every bound, with as many decimal places as before or more than two). ok is false
// for a number still out of reach (a million digits of mantissa).
func exactRat(text string) (*big.Rat, bool) {
	m := jsonNumber.FindStringSubmatch(text)
	if m == nil {
		return nil, false
	}
	exp, ok := new(big.Int).SetString(strings.TrimPrefix(m[4], "+"), 10)
	if m[4] == "" {
		exp, ok = new(big.Int), true
	}
	if !ok {
		return nil, false
	}
	digits := m[2] + m[3]
	exp.Sub(exp, big.NewInt(int64(len(m[3]))))
	digits = strings.TrimLeft(digits, "0")
	if digits == "" {
		return new(big.Rat), true
	}
	trimmed := strings.TrimRight(digits, "0")
	exp.Add(exp, big.NewInt(int64(len(digits)-len(trimmed))))
	digits = trimmed
	const reach = 1_000_000
	if exp.Cmp(big.NewInt(reach)) > 0 {
		exp.SetInt64(reach)
	}
	if low := big.NewInt(-int64(len(digits)) - 100); exp.Cmp(low) < 0 {
		exp.Set(low)
	}
	if exp.CmpAbs(big.NewInt(reach)) > 0 {
		return nil, false
	}
	return new(big.Rat).SetString(m[1] + digits + "e" + exp.String())
}

// jsonNumber is JSON's number grammar: sign, integer digits, fraction digits, exponent.
var jsonNumber = regexp.MustCompile(`^(-?)(0|[1-9][0-9]*)(?:\.([0-9]+))?(?:[eE]([+-]?[0-9]+))?$`)

func rat(text string) *big.Rat {
	r, _ := new(big.Rat).SetString(text)
	return r
}

func isNumberSchema(s *openapi3.Schema) bool { return s.Type != nil && s.Type.Is(openapi3.TypeNumber) }

func isMoney(s *openapi3.Schema) bool {
	return isNumberSchema(s) && s.MultipleOf != nil && *s.MultipleOf == 0.01
}

// validNumberText reports whether s is exactly a JSON number.
func validNumberText(s string) bool {
	if s == "" || (s[0] != '-' && (s[0] < '0' || s[0] > '9')) {
		return false // white space, which the decoder skips, is no part of a number
	}
	var v any
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	if dec.Decode(&v) != nil || dec.InputOffset() != int64(len(s)) {
		return false
	}
	_, ok := v.(json.Number)
	return ok
}

// keywords describes a kin-openapi schema as the contract's reasons need it.
func keywords(s *openapi3.Schema) *contract.Keywords {
	kw := &contract.Keywords{Nullable: s.Nullable, Format: s.Format, Pattern: s.Pattern, MaxLength: -1, MaxItems: -1,
		MinLength: int64(s.MinLength), MinItems: int64(s.MinItems)} //nolint:gosec // lengths in a spec
	if s.Type != nil && len(*s.Type) == 1 {
		kw.Type = (*s.Type)[0]
	}
	for _, e := range s.Enum {
		if str, ok := e.(string); ok {
			kw.Enum = append(kw.Enum, str)
		}
	}
	if s.MaxLength != nil {
		kw.MaxLength = int64(*s.MaxLength) //nolint:gosec // a length in a spec
	}
	if s.MaxItems != nil {
		kw.MaxItems = int64(*s.MaxItems) //nolint:gosec // a length in a spec
	}
	for _, b := range []struct {
		v   *float64
		out *string
	}{{s.Min, &kw.Minimum}, {s.Max, &kw.Maximum}, {s.MultipleOf, &kw.MultipleOf}} {
		if b.v != nil {
			*b.out = strconv.FormatFloat(*b.v, 'f', -1, 64)
		}
	}
	return kw
}

// undeclared is strict mode's walk: every property of an object value whose object schema
// neither declares it nor says anything about other properties.
func (s *Spec) undeclared(schema *openapi3.Schema, value any, path []string, op, in string) []contract.Violation {
	var out []contract.Violation
	switch v := value.(type) {
	case map[string]any:
		if schema.Type == nil || !schema.Type.Is(openapi3.TypeObject) {
			return nil
		}
		for _, k := range slices.Sorted(maps.Keys(v)) {
			child := append(slices.Clip(path), k)
			switch p, ap := schema.Properties[k], schema.AdditionalProperties; {
			case p != nil:
				out = append(out, s.undeclared(p.Value, v[k], child, op, in)...)
			case ap.Schema != nil:
				out = append(out, s.undeclared(ap.Schema.Value, v[k], child, op, in)...)
			case ap.Has == nil:
				out = append(out, contract.Violation{Operation: op, In: in, Pointer: pointer(child),
					Rule: contract.RuleUndeclaredProperty, Reason: contract.ReasonUndeclared, Value: shortValue(v[k]),
					Location: "openapi.yaml" + s.locations[schema] + "/properties"})
			}
		}
	case []any:
		if schema.Type == nil || !schema.Type.Is(openapi3.TypeArray) || schema.Items == nil {
			return nil
		}
		for i, item := range v {
			out = append(out, s.undeclared(schema.Items.Value, item, append(slices.Clip(path), strconv.Itoa(i)), op, in)...)
		}
	}
	return out
}

// decodeNumbers decodes a valid document as openapi3filter does (numbers as json.Number).
func decodeNumbers(body []byte) any {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	_ = dec.Decode(&v) // the document is valid
	return v
}

// replaceNumbers returns a copy of a decoded document with every number replaced by
// numberSentinel.
func replaceNumbers(v any) any {
	switch v := v.(type) {
	case json.Number:
		return numberSentinel
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, x := range v {
			m[k] = replaceNumbers(x)
		}
		return m
	case []any:
		a := make([]any, len(v))
		for i, x := range v {
			a[i] = replaceNumbers(x)
		}
		return a
	}
	return v
}

// lookup returns the value at a JSON pointer of a decoded document.
func lookup(doc any, pointer string) (any, bool) {
	if pointer == "" {
		return doc, true
	}
	for _, tok := range strings.Split(pointer[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch v := doc.(type) {
		case map[string]any:
			x, ok := v[tok]
			if !ok {
				return nil, false
			}
			doc = x
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(v) {
				return nil, false
			}
			doc = v[i]
		default:
			return nil, false
		}
	}
	return doc, true
}

// shortValue renders a decoded value as a Violation's Value: json.Marshal's text cut to a
// readable length, objects and arrays by their kind.
func shortValue(v any) string {
	switch v := v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "an array of " + strconv.Itoa(len(v))
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return contract.ShortValue(b)
}

func (s *Spec) routeViolation(method, escapedPath string, err error) contract.Violation {
	shown := shortValue(method + " " + escapedPath)
	if !errors.Is(err, routers.ErrMethodNotAllowed) {
		return contract.Violation{In: "route", Rule: contract.RuleUndeclaredOperation, Reason: "is not an operation of the API", Value: shown}
	}
	var allowed []string
	var path string
	for _, m := range []string{http.MethodGet, http.MethodPut, http.MethodPost, http.MethodDelete, http.MethodOptions,
		http.MethodHead, http.MethodPatch, http.MethodTrace, http.MethodConnect} {
		if route, _, err := s.FindRoute(m, escapedPath); err == nil {
			allowed = append(allowed, m)
			path = route.Path
		}
	}
	return contract.Violation{In: "route", Rule: contract.RuleUndeclaredOperation,
		Reason: "the method must be " + strings.Join(allowed, " or "), Value: shown, Location: "openapi.yaml" + pathLocation(path)}
}

func contentTypeVerdict(op, ct string, content openapi3.Content, at string) contract.Violation {
	return contract.Violation{Operation: op, In: "header Content-Type", Rule: contract.RuleContentType,
		Reason: contract.ContentTypeReason(slices.Sorted(maps.Keys(content))), Value: shortValue(ct), Location: "openapi.yaml" + at + "/content"}
}

// parameterLocation is where a parameter's schema lives.
func parameterLocation(route *routers.Route, at string, p *openapi3.Parameter) string {
	for i, ref := range route.Operation.Parameters {
		if ref.Value == p {
			if ref.Ref != "" {
				return ref.Ref + "/schema"
			}
			return at + "/parameters/" + strconv.Itoa(i) + "/schema"
		}
	}
	return ""
}

func pathLocation(path string) string { return "#/paths/" + token(path) }

// unmapped reports a kin-openapi error the verdict does not know, so that a test comparing
// verdicts fails on it instead of losing it.
func unmapped(op string, err error) contract.Violation {
	return contract.Violation{Operation: op, In: "verdict", Rule: "unmapped", Reason: err.Error()}
}

// flatten lists the errors of a MultiError (or err itself).
func flatten(err error) []error {
	if err == nil {
		return nil
	}
	var multi openapi3.MultiError
	if errors.As(err, &multi) {
		return multi
	}
	return []error{err}
}

// sortVerdict orders violations by pointer, keeping the order of the rules of one field.
func sortVerdict(vs []contract.Violation) {
	slices.SortStableFunc(vs, func(a, b contract.Violation) int { return strings.Compare(a.Pointer, b.Pointer) })
}
