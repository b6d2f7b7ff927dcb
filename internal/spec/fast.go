package spec

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"mime"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/lakipay/checkout-go/internal/money"
)

// The fast path: every schema of the spec compiled once into plain Go checks that prove an
// exchange valid without kin-openapi's per-call work (option set-up, decoding, big.Rat
// arithmetic for multipleOf). It only ever says "valid" or "not proven": whatever it cannot
// prove valid, including every keyword it does not implement, goes to ValidateRequest or
// ValidateResponse, which stay the reference and produce every Violation. So the fast path
// changes how fast a valid exchange is judged, never what is reported.

// check reports whether a decoded JSON value (numbers as json.Number) is proven valid.
type check func(v any) bool

// never is the check of a schema the fast path does not implement.
func never(any) bool { return false }

type fastOp struct {
	route  *routers.Route
	apiKey string // header of the apiKey scheme the operation requires, "" for none
	params []fastParam
	body   check // nil: the operation takes no body
	// bodyRequired says an empty body is refused.
	bodyRequired bool
	responses    map[int]*fastResponse
	fallback     *fastResponse // the "default" response
	ok           bool          // false: the operation uses something the fast path does not implement
}

type fastParam struct {
	name  string
	check func(string) bool
}

type fastResponse struct {
	body check // nil: not provable (headers declared, no JSON content)
}

type compiled struct {
	ops     map[*routers.Route]*fastOp
	schemas map[*openapi3.Schema]check
}

var compiledSpecs sync.Map // *Spec → *compiled

func (s *Spec) compiled() *compiled {
	if c, ok := compiledSpecs.Load(s); ok {
		return c.(*compiled)
	}
	c := &compiled{ops: map[*routers.Route]*fastOp{}, schemas: map[*openapi3.Schema]check{}}
	for _, op := range s.operations {
		c.ops[op.route] = c.operation(s, op.route)
	}
	actual, _ := compiledSpecs.LoadOrStore(s, c)
	return actual.(*compiled)
}

func (c *compiled) operation(s *Spec, route *routers.Route) *fastOp {
	op := route.Operation
	f := &fastOp{route: route, responses: map[int]*fastResponse{}, ok: true}
	security := s.Doc.Security
	if op.Security != nil {
		security = *op.Security
	}
	switch len(security) {
	case 0:
	case 1:
		f.ok = len(security[0]) == 1
		for name := range security[0] {
			scheme := s.Doc.Components.SecuritySchemes[name]
			if scheme == nil || scheme.Value == nil || scheme.Value.Type != "apiKey" || scheme.Value.In != "header" {
				f.ok = false
				continue
			}
			f.apiKey = scheme.Value.Name
		}
	default:
		f.ok = false
	}
	for _, p := range op.Parameters {
		if p.Value == nil || p.Value.In != openapi3.ParameterInPath || p.Value.Schema == nil || p.Value.Schema.Value == nil ||
			!p.Value.Schema.Value.Type.Is(openapi3.TypeString) {
			f.ok = false
			continue
		}
		sc := c.schema(p.Value.Schema.Value)
		f.params = append(f.params, fastParam{name: p.Value.Name, check: func(v string) bool { return sc(v) }})
	}
	if rb := op.RequestBody; rb != nil {
		if rb.Value == nil {
			f.ok = false
		} else {
			f.bodyRequired = rb.Value.Required
			f.body = c.content(rb.Value.Content)
		}
	}
	for code, resp := range op.Responses.Map() {
		fr := c.response(resp)
		if code == "default" {
			f.fallback = fr
			continue
		}
		n, err := strconv.Atoi(code)
		if err != nil { // 2XX-style ranges: leave them to the reference
			f.ok = false
			continue
		}
		f.responses[n] = fr
	}
	return f
}

// content returns the check of an application/json media type, or never.
func (c *compiled) content(content openapi3.Content) check {
	media := content.Get("application/json")
	if len(content) != 1 || media == nil || media.Schema == nil || media.Schema.Value == nil {
		return never
	}
	return c.schema(media.Schema.Value)
}

func (c *compiled) response(ref *openapi3.ResponseRef) *fastResponse {
	if ref == nil || ref.Value == nil || len(ref.Value.Headers) > 0 || len(ref.Value.Content) == 0 {
		return &fastResponse{}
	}
	return &fastResponse{body: c.content(ref.Value.Content)}
}

// schema compiles one schema (memoised, so shared schemas compile once).
func (c *compiled) schema(s *openapi3.Schema) check {
	if ch, ok := c.schemas[s]; ok {
		return ch
	}
	var ch check
	// A recursive schema sees this indirection while it is being compiled.
	c.schemas[s] = func(v any) bool { return ch(v) }
	ch = c.build(s)
	c.schemas[s] = ch
	return ch
}

func (c *compiled) build(s *openapi3.Schema) check {
	if !implemented(s) {
		return never
	}
	var checks []check
	for _, sub := range s.AllOf {
		if sub.Value == nil {
			return never
		}
		checks = append(checks, c.schema(sub.Value))
	}
	switch {
	case s.Type == nil || s.Type.IsEmpty():
		if hasTypedKeywords(s) {
			return never
		}
	case s.Type.Is(openapi3.TypeString):
		ch, ok := c.stringCheck(s)
		if !ok {
			return never
		}
		checks = append(checks, ch)
	case s.Type.Is(openapi3.TypeNumber):
		ch, ok := numberCheck(s)
		if !ok {
			return never
		}
		checks = append(checks, ch)
	case s.Type.Is(openapi3.TypeObject):
		checks = append(checks, c.objectCheck(s))
	case s.Type.Is(openapi3.TypeArray):
		ch, ok := c.arrayCheck(s)
		if !ok {
			return never
		}
		checks = append(checks, ch)
	case s.Type.Is(openapi3.TypeBoolean):
		checks = append(checks, func(v any) bool { _, ok := v.(bool); return ok })
	default:
		return never
	}
	return func(v any) bool {
		if v == nil {
			return false // null (nullable or not) is left to the reference
		}
		for _, ch := range checks {
			if !ch(v) {
				return false
			}
		}
		return true
	}
}

// implemented reports whether every validating keyword of s is one the fast path checks.
func implemented(s *openapi3.Schema) bool {
	if s.Always != nil || s.ReadOnly || s.WriteOnly || s.ExclusiveMax.IsSet() ||
		(s.ExclusiveMin.IsSet() && s.ExclusiveMin.Value != nil) {
		return false
	}
	rest := *s
	// Documentation only.
	rest.Extensions, rest.Origin, rest.Title, rest.Description, rest.Default, rest.Example = nil, nil, "", "", nil, nil
	rest.ExternalDocs, rest.Deprecated, rest.XML = nil, false, nil
	// Checked below.
	rest.Type, rest.Format, rest.Enum, rest.Nullable, rest.AllOf = nil, "", nil, false, nil
	rest.Min, rest.Max, rest.MultipleOf, rest.ExclusiveMin = nil, nil, nil, openapi3.ExclusiveBound{}
	rest.MinLength, rest.MaxLength, rest.Pattern = 0, nil, ""
	rest.MinItems, rest.MaxItems, rest.UniqueItems, rest.Items = 0, nil, false, nil
	rest.Required, rest.Properties, rest.AdditionalProperties = nil, nil, openapi3.AdditionalProperties{}
	return rest.IsEmpty() && rest.Discriminator == nil && rest.If == nil && rest.Then == nil && rest.Else == nil &&
		len(rest.DependentRequired) == 0
}

func hasTypedKeywords(s *openapi3.Schema) bool {
	return s.Format != "" || len(s.Enum) > 0 || s.Min != nil || s.Max != nil || s.MultipleOf != nil ||
		s.ExclusiveMin.IsSet() || s.MinLength != 0 || s.MaxLength != nil || s.Pattern != "" || s.MinItems != 0 ||
		s.MaxItems != nil || s.UniqueItems || s.Items != nil || len(s.Required) > 0 || len(s.Properties) > 0 ||
		s.AdditionalProperties.Has != nil || s.AdditionalProperties.Schema != nil
}

func (c *compiled) stringCheck(s *openapi3.Schema) (check, bool) {
	if s.Min != nil || s.Max != nil || s.MultipleOf != nil || s.ExclusiveMin.IsSet() {
		return nil, false
	}
	var enum map[string]bool
	if len(s.Enum) > 0 {
		enum = map[string]bool{}
		for _, e := range s.Enum {
			str, ok := e.(string)
			if !ok {
				return nil, false
			}
			enum[str] = true
		}
	}
	var pattern *regexp.Regexp
	if s.Pattern != "" {
		if strings.Contains(s.Pattern, `\u`) { // kin-openapi rewrites these; leave them to it
			return nil, false
		}
		re, err := regexp.Compile(s.Pattern)
		if err != nil {
			return nil, false
		}
		pattern = re
	}
	var format func(string) error
	switch s.Format {
	case "":
	case "uri":
		format = validateURI // the validator Options registers for format: uri
	default:
		fv, ok := openapi3.SchemaStringFormats[s.Format]
		if !ok {
			return nil, false
		}
		format = fv.Validate
	}
	minLen, maxLen := s.MinLength, uint64(math.MaxUint64)
	if s.MaxLength != nil {
		maxLen = *s.MaxLength
	}
	return func(v any) bool {
		str, ok := v.(string)
		if !ok {
			return false
		}
		if minLen != 0 || maxLen != math.MaxUint64 {
			// kin-openapi counts runes (its UTF-16 adjustment never applies to decoded runes).
			n := uint64(0)
			for range str {
				n++
			}
			if n < minLen || n > maxLen {
				return false
			}
		}
		if enum != nil && !enum[str] {
			return false
		}
		if pattern != nil && !pattern.MatchString(str) {
			return false
		}
		return format == nil || format(str) == nil
	}, true
}

func numberCheck(s *openapi3.Schema) (check, bool) {
	if s.Format != "" || len(s.Enum) > 0 || s.MinLength != 0 || s.MaxLength != nil || s.Pattern != "" {
		return nil, false
	}
	cents := false
	if s.MultipleOf != nil {
		if *s.MultipleOf != 0.01 {
			return nil, false
		}
		cents = true
	}
	exclusive := s.ExclusiveMin.Bool != nil && *s.ExclusiveMin.Bool
	minimum, maximum := s.Min, s.Max
	return func(v any) bool {
		n, ok := v.(json.Number)
		if !ok {
			return false
		}
		f, err := n.Float64()
		if err != nil {
			return false
		}
		if minimum != nil && (f < *minimum || (exclusive && f == *minimum)) {
			return false
		}
		if maximum != nil && f > *maximum {
			return false
		}
		if cents {
			// Exact decimal arithmetic: a multiple of 0.01 is a number with at most two
			// decimals. Text money refuses (negative, out of its range) is left to the reference.
			if _, err := money.Parse(string(n)); err != nil {
				return false
			}
		}
		return true
	}, true
}

func (c *compiled) objectCheck(s *openapi3.Schema) check {
	props := make(map[string]check, len(s.Properties))
	for name, p := range s.Properties {
		if p.Value == nil {
			return never
		}
		props[name] = c.schema(p.Value)
	}
	required := s.Required
	closed := s.AdditionalProperties.Has != nil && !*s.AdditionalProperties.Has
	var extra check
	if ap := s.AdditionalProperties.Schema; ap != nil {
		if ap.Value == nil {
			return never
		}
		extra = c.schema(ap.Value)
	}
	return func(v any) bool {
		obj, ok := v.(map[string]any)
		if !ok {
			return false
		}
		for _, name := range required {
			if _, ok := obj[name]; !ok {
				return false
			}
		}
		for k, val := range obj {
			if ch, ok := props[k]; ok {
				if !ch(val) {
					return false
				}
				continue
			}
			if closed || (extra != nil && !extra(val)) {
				return false
			}
		}
		return true
	}
}

func (c *compiled) arrayCheck(s *openapi3.Schema) (check, bool) {
	items := check(func(any) bool { return true })
	if s.Items != nil {
		if s.Items.Value == nil {
			return nil, false
		}
		items = c.schema(s.Items.Value)
	}
	minItems, maxItems, unique := s.MinItems, s.MaxItems, s.UniqueItems
	return func(v any) bool {
		arr, ok := v.([]any)
		if !ok || uint64(len(arr)) < minItems || (maxItems != nil && uint64(len(arr)) > *maxItems) {
			return false
		}
		for i, item := range arr {
			if !items(item) {
				return false
			}
			if unique {
				str, ok := item.(string) // uniqueness of other kinds is left to the reference
				if !ok {
					return false
				}
				for _, earlier := range arr[:i] {
					if earlier == str {
						return false
					}
				}
			}
		}
		return true
	}, true
}

// decode parses a JSON body as kin-openapi sees it (numbers as json.Number); ok is false for
// anything but exactly one JSON value. The common body (no escapes, valid UTF-8) is parsed by
// a small strict parser; anything else by encoding/json.
func decode(body []byte) (any, bool) {
	p := parser{b: string(body)} // one copy; every string in the result shares it
	if v, ok := p.value(0); ok && p.end() {
		return v, true
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, false
	}
	return v, true
}

// parser is a strict JSON parser for the common case. It gives up (ok false) on anything it
// does not handle exactly as encoding/json would: escapes, control characters, invalid UTF-8,
// deep nesting.
type parser struct {
	b string
	i int
}

const maxDepth = 32

func (p *parser) space() {
	for p.i < len(p.b) && (p.b[p.i] == ' ' || p.b[p.i] == '\t' || p.b[p.i] == '\n' || p.b[p.i] == '\r') {
		p.i++
	}
}

func (p *parser) end() bool {
	p.space()
	return p.i == len(p.b)
}

func (p *parser) value(depth int) (any, bool) {
	p.space()
	if p.i >= len(p.b) || depth > maxDepth {
		return nil, false
	}
	switch c := p.b[p.i]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		return p.string()
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	case p.literal("true"):
		return true, true
	case p.literal("false"):
		return false, true
	case p.literal("null"):
		return nil, true
	}
	return nil, false
}

func (p *parser) literal(word string) bool {
	if !strings.HasPrefix(p.b[p.i:], word) {
		return false
	}
	p.i += len(word)
	return true
}

func (p *parser) object(depth int) (any, bool) {
	p.i++ // {
	obj := map[string]any{}
	p.space()
	if p.i < len(p.b) && p.b[p.i] == '}' {
		p.i++
		return obj, true
	}
	for {
		p.space()
		if p.i >= len(p.b) || p.b[p.i] != '"' {
			return nil, false
		}
		key, ok := p.string()
		if !ok {
			return nil, false
		}
		p.space()
		if p.i >= len(p.b) || p.b[p.i] != ':' {
			return nil, false
		}
		p.i++
		v, ok := p.value(depth + 1)
		if !ok {
			return nil, false
		}
		obj[key.(string)] = v
		p.space()
		if p.i >= len(p.b) {
			return nil, false
		}
		switch p.b[p.i] {
		case ',':
			p.i++
		case '}':
			p.i++
			return obj, true
		default:
			return nil, false
		}
	}
}

func (p *parser) array(depth int) (any, bool) {
	p.i++ // [
	arr := []any{}
	p.space()
	if p.i < len(p.b) && p.b[p.i] == ']' {
		p.i++
		return arr, true
	}
	for {
		v, ok := p.value(depth + 1)
		if !ok {
			return nil, false
		}
		arr = append(arr, v)
		p.space()
		if p.i >= len(p.b) {
			return nil, false
		}
		switch p.b[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			return arr, true
		default:
			return nil, false
		}
	}
}

func (p *parser) string() (any, bool) {
	start := p.i + 1
	for j := start; j < len(p.b); j++ {
		switch c := p.b[j]; {
		case c == '"':
			s := p.b[start:j]
			if !utf8.ValidString(s) {
				return nil, false
			}
			p.i = j + 1
			return s, true
		case c == '\\' || c < 0x20:
			return nil, false
		}
	}
	return nil, false
}

// number accepts exactly JSON's number grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (p *parser) number() (any, bool) {
	start := p.i
	if p.b[p.i] == '-' {
		p.i++
	}
	switch {
	case p.i < len(p.b) && p.b[p.i] == '0':
		p.i++
	case p.digits() == 0:
		return nil, false
	}
	if p.i < len(p.b) && p.b[p.i] == '.' {
		p.i++
		if p.digits() == 0 {
			return nil, false
		}
	}
	if p.i < len(p.b) && (p.b[p.i] == 'e' || p.b[p.i] == 'E') {
		p.i++
		if p.i < len(p.b) && (p.b[p.i] == '+' || p.b[p.i] == '-') {
			p.i++
		}
		if p.digits() == 0 {
			return nil, false
		}
	}
	return json.Number(p.b[start:p.i]), true
}

func (p *parser) digits() int {
	n := 0
	for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
		p.i++
		n++
	}
	return n
}

func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "application/json"
}

// ValidateRequestBody is [Spec.ValidateRequest] for a request whose body has already been read
// into body: a valid exchange is proven valid by checks compiled once from the spec, without
// kin-openapi; anything else is judged by ValidateRequest, which then reads req.Body (set to
// body here). The result is always what ValidateRequest would return.
func (s *Spec) ValidateRequestBody(ctx context.Context, req *http.Request, body []byte) (*Exchange, []Violation) {
	route, params, err := s.FindRoute(req.Method, req.URL.EscapedPath())
	if err == nil {
		if op := s.compiled().ops[route]; op != nil && op.ok && op.proves(req, params, body) {
			return &Exchange{
				Operation: route.Operation.OperationID,
				input: &openapi3filter.RequestValidationInput{
					Request: req, PathParams: params, Route: route, Options: s.options,
				},
			}, nil
		}
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	return s.ValidateRequest(ctx, req)
}

func (op *fastOp) proves(req *http.Request, params map[string]string, body []byte) bool {
	if op.apiKey != "" && CheckAPIKey(req.Header.Get(op.apiKey)) != nil {
		return false
	}
	for _, p := range op.params {
		if v, ok := params[p.name]; !ok || !p.check(v) {
			return false
		}
	}
	if op.body == nil || len(body) == 0 {
		return len(body) == 0 && !op.bodyRequired
	}
	if !isJSON(req.Header.Get("Content-Type")) {
		return false
	}
	v, ok := decode(body)
	return ok && op.body(v)
}

// ValidateResponseFast is [Spec.ValidateResponse] with the same fast path as
// [Spec.ValidateRequestBody]: a valid response is proven valid without kin-openapi, anything
// else is judged by ValidateResponse. The result is always what ValidateResponse would return.
func (s *Spec) ValidateResponseFast(ctx context.Context, ex *Exchange, status int, header http.Header, body []byte) []Violation {
	if op := s.compiled().ops[ex.input.Route]; op != nil && op.ok {
		resp, ok := op.responses[status]
		if !ok {
			resp = op.fallback
		}
		if resp != nil && resp.body != nil && isJSON(header.Get("Content-Type")) {
			if v, ok := decode(body); ok && resp.body(v) {
				return nil
			}
		}
	}
	return s.ValidateResponse(ctx, ex, status, header, body)
}
