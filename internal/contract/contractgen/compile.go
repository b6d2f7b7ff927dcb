package contractgen

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"math/big"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// The model below mirrors package contract's generated types; render writes it as Go source.
// A schema is referred to by its location in openapi.yaml ("" for none), which render turns
// into the name of its constant.

type document struct {
	operations []operation
	webhook    webhook
	schemas    map[string]*schema // by location
	patterns   map[string]pattern // by text
}

type operation struct {
	id, method, path, location       string
	securityHeader, securityLocation string
	params                           []param
	body                             body
	responses                        []response
}

type param struct {
	name, location string
	schema         string
}

type body struct {
	schema   string
	required bool
	content  []string
	location string
}

type response struct {
	status, location string
	headers          []header
	content          []string
	schema           string
}

type header struct {
	name, location string
	schema         string
	required       bool
}

type webhook struct {
	operationID, location string
	schema                string
	statuses              []string // the receiver's answers openapi.yaml declares, sorted
}

type schema struct {
	location                     string
	typ                          string
	nullable                     bool
	enum                         []string
	format, pattern              string
	minLength, maxLength         int64
	minimum, maximum, multipleOf string
	minItems, maxItems           int64
	required                     []string
	properties                   []property
	additional                   string // the contract constant's name
	extra, items                 string
	uniqueItems                  bool
	allOf                        []string
}

type property struct {
	name   string
	schema string
}

type pattern struct {
	text     string
	table    table
	hasTable bool
}

// unvalidatedStatuses are the statuses kin-openapi's ValidateResponse skips; the contract judges
// them like any other (through the default response).
var unvalidatedStatuses = []string{"301", "304", "307", "308"}

// Generate compiles the OpenAPI document spec (openapi.yaml's bytes) and returns
// contract.gen.go.
func Generate(ctx context.Context, spec []byte) ([]byte, error) {
	doc, err := openapi3.NewLoader().LoadFromData(spec)
	if err != nil {
		return nil, fmt.Errorf("load openapi.yaml: %w", err)
	}
	if err := doc.Validate(ctx); err != nil {
		return nil, fmt.Errorf("openapi.yaml is not a valid OpenAPI document: %w", err)
	}
	d, err := compileDocument(doc)
	if err != nil {
		return nil, err
	}
	return render(d)
}

// compiler turns a loaded document into the model, failing on anything not implemented.
type compiler struct {
	doc      *openapi3.T
	index    map[*openapi3.Schema]string // the location of each schema compiled
	visiting map[*openapi3.Schema]bool
	out      document
}

// notImplemented is the error for a construct the contract does not implement.
func notImplemented(at, what string) error {
	return fmt.Errorf("openapi.yaml%s: %s is not implemented by the compiled contract (teach internal/contract and its verdict tests, or change the spec)", at, what)
}

func compileDocument(doc *openapi3.T) (*document, error) {
	if !strings.HasPrefix(doc.OpenAPI, "3.0.") {
		return nil, notImplemented("#/openapi", "OpenAPI "+doc.OpenAPI+" (only 3.0.x)")
	}
	if err := allowFields("#", *doc, "OpenAPI", "Components", "Info", "Paths", "Security", "Servers", "Tags", "ExternalDocs",
		"Extensions", "Origin"); err != nil {
		return nil, err
	}
	c := &compiler{doc: doc, index: map[*openapi3.Schema]string{}, visiting: map[*openapi3.Schema]bool{},
		out: document{schemas: map[string]*schema{}, patterns: map[string]pattern{}}}
	if doc.Components != nil {
		for _, name := range slices.Sorted(maps.Keys(doc.Components.Schemas)) {
			if _, err := c.schema(doc.Components.Schemas[name], "#/components/schemas/"+token(name)); err != nil {
				return nil, err
			}
		}
	}
	for _, path := range doc.Paths.InMatchingOrder() {
		if err := c.pathItem(path, doc.Paths.Value(path)); err != nil {
			return nil, err
		}
	}
	if c.out.webhook.operationID == "" {
		return nil, errors.New("openapi.yaml declares no webhook callback (the contract needs the body LakiPay POSTs to callback_url)")
	}
	return &c.out, nil
}

func (c *compiler) pathItem(path string, item *openapi3.PathItem) error {
	at := "#/paths/" + token(path)
	if err := allowFields(at, *item, "Summary", "Description", "Get", "Put", "Post", "Delete", "Options", "Head", "Patch",
		"Trace", "Connect", "Extensions", "Origin", "Ref"); err != nil {
		return err
	}
	if item.Ref != "" {
		return notImplemented(at, "a $ref path item")
	}
	for _, method := range slices.Sorted(maps.Keys(item.Operations())) {
		op, err := c.operation(path, method, item.Operations()[method])
		if err != nil {
			return err
		}
		c.out.operations = append(c.out.operations, op)
	}
	return nil
}

func (c *compiler) operation(path, method string, op *openapi3.Operation) (operation, error) {
	at := "#/paths/" + token(path) + "/" + strings.ToLower(method)
	out := operation{id: op.OperationID, method: method, path: path, location: at}
	if err := allowFields(at, *op, "Tags", "Summary", "Description", "OperationID", "Parameters", "RequestBody", "Responses",
		"Callbacks", "Deprecated", "Security", "ExternalDocs", "Extensions", "Origin"); err != nil {
		return out, err
	}
	if op.OperationID == "" {
		return out, notImplemented(at, "an operation without operationId")
	}
	if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, "?#") {
		return out, notImplemented(at, "a path that is not an absolute path without query")
	}
	if err := c.security(at, op, &out); err != nil {
		return out, err
	}
	if err := c.params(at, path, op, &out); err != nil {
		return out, err
	}
	var err error
	out.body = body{}
	if op.RequestBody != nil {
		if out.body, err = c.requestBody(at+"/requestBody", op.RequestBody); err != nil {
			return out, err
		}
	}
	if op.Responses == nil || op.Responses.Len() == 0 {
		return out, notImplemented(at+"/responses", "an operation without responses")
	}
	statuses := slices.Sorted(maps.Keys(op.Responses.Map()))
	slices.SortStableFunc(statuses, func(a, b string) int { // "default" last
		return boolInt(a == "default") - boolInt(b == "default")
	})
	for _, status := range statuses {
		r, err := c.response(at+"/responses/"+status, status, op.Responses.Map()[status])
		if err != nil {
			return out, err
		}
		out.responses = append(out.responses, r)
	}
	for _, name := range slices.Sorted(maps.Keys(op.Callbacks)) {
		if err := c.callback(at+"/callbacks/"+token(name), op.Callbacks[name]); err != nil {
			return out, err
		}
	}
	return out, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// security records the apiKey header an operation needs: exactly one requirement naming one
// apiKey scheme in a header, or none.
func (c *compiler) security(at string, op *openapi3.Operation, out *operation) error {
	requirements := c.doc.Security
	if op.Security != nil {
		requirements = *op.Security
	}
	switch {
	case len(requirements) == 0:
		return nil
	case len(requirements) > 1 || len(requirements[0]) != 1:
		return notImplemented(at+"/security", "a security requirement other than one apiKey scheme")
	}
	for name, scopes := range requirements[0] {
		ref := c.doc.Components.SecuritySchemes[name]
		if ref == nil || ref.Value == nil {
			return fmt.Errorf("openapi.yaml%s/security: unknown security scheme %q", at, name)
		}
		scheme := ref.Value
		if scheme.Type != "apiKey" || scheme.In != "header" || len(scopes) > 0 {
			return notImplemented("#/components/securitySchemes/"+token(name), "a security scheme other than an apiKey in a header")
		}
		out.securityHeader = scheme.Name
		out.securityLocation = "#/components/securitySchemes/" + token(name)
	}
	return nil
}

// params compiles the path parameters; every {name} of the template must have one.
func (c *compiler) params(at, path string, op *openapi3.Operation, out *operation) error {
	var names []string
	for _, seg := range strings.Split(strings.Trim(path, "/"), "/") {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			names = append(names, seg[1:len(seg)-1])
		} else if strings.ContainsAny(seg, "{}") {
			return notImplemented(at, "a path segment mixing text and a parameter")
		}
	}
	for i, ref := range op.Parameters {
		pat := fmt.Sprintf("%s/parameters/%d", at, i)
		if ref.Ref != "" {
			pat = ref.Ref
		}
		p := ref.Value
		if err := allowFields(pat, *p, "Name", "In", "Description", "Style", "Explode", "Deprecated", "Required", "Schema",
			"Example", "Examples", "Extensions", "Origin"); err != nil {
			return err
		}
		if p.In != openapi3.ParameterInPath {
			return notImplemented(pat, "a "+p.In+" parameter")
		}
		if (p.Style != "" && p.Style != "simple") || (p.Explode != nil && *p.Explode) || p.Schema == nil {
			return notImplemented(pat, "a path parameter other than style simple, not exploded, with a schema")
		}
		if !slices.Contains(names, p.Name) {
			return fmt.Errorf("openapi.yaml%s: parameter %q is not in the path %s", pat, p.Name, path)
		}
		idx, err := c.schema(p.Schema, pat+"/schema")
		if err != nil {
			return err
		}
		if s := c.out.schemas[idx]; s.typ != "string" || len(s.allOf) > 0 {
			return notImplemented(pat+"/schema", "a path parameter that is not a plain string")
		}
		out.params = append(out.params, param{name: p.Name, schema: idx, location: pat})
	}
	if len(out.params) > 8 {
		return notImplemented(at, "more than 8 path parameters")
	}
	if len(out.params) != len(names) {
		return fmt.Errorf("openapi.yaml%s: the path %s has parameters %v but the operation declares %d", at, path, names, len(out.params))
	}
	return nil
}

func (c *compiler) requestBody(at string, ref *openapi3.RequestBodyRef) (body, error) {
	if ref.Ref != "" {
		at = ref.Ref
	}
	rb := ref.Value
	if err := allowFields(at, *rb, "Description", "Required", "Content", "Extensions", "Origin"); err != nil {
		return body{}, err
	}
	content, schema, err := c.content(at+"/content", rb.Content)
	if err != nil {
		return body{}, err
	}
	if schema == "" {
		return body{}, notImplemented(at, "a request body without an application/json schema")
	}
	return body{schema: schema, required: rb.Required, content: content, location: at}, nil
}

// content compiles a content map: only application/json with a schema is implemented.
func (c *compiler) content(at string, content openapi3.Content) ([]string, string, error) {
	schema := ""
	types := slices.Sorted(maps.Keys(content))
	for _, mt := range types {
		media := content[mt]
		mat := at + "/" + token(mt)
		if mt != "application/json" {
			return nil, "", notImplemented(mat, "media type "+mt)
		}
		if err := allowFields(mat, *media, "Schema", "Example", "Examples", "Extensions", "Origin"); err != nil {
			return nil, "", err
		}
		if media.Schema == nil {
			return nil, "", notImplemented(mat, "a media type without a schema")
		}
		idx, err := c.schema(media.Schema, mat+"/schema")
		if err != nil {
			return nil, "", err
		}
		schema = idx
	}
	return types, schema, nil
}

func (c *compiler) response(at, status string, ref *openapi3.ResponseRef) (response, error) {
	if status != "default" {
		if n, err := strconv.Atoi(status); err != nil || n < 100 || n > 599 || len(status) != 3 {
			return response{}, notImplemented(at, "response key "+strconv.Quote(status)+" (only status codes and default)")
		}
		if slices.Contains(unvalidatedStatuses, status) {
			return response{}, notImplemented(at, "a response for status "+status+" (kin-openapi never validates it, so the verdict tests cannot)")
		}
	}
	if ref.Ref != "" {
		at = ref.Ref
	}
	r := ref.Value
	if err := allowFields(at, *r, "Description", "Headers", "Content", "Links", "Extensions", "Origin"); err != nil {
		return response{}, err
	}
	out := response{status: status, location: at}
	for _, name := range slices.Sorted(maps.Keys(r.Headers)) {
		if strings.EqualFold(name, "Content-Type") {
			continue // kin-openapi and the contract both judge it as the content type
		}
		h, err := c.header(at+"/headers/"+token(name), name, r.Headers[name])
		if err != nil {
			return out, err
		}
		out.headers = append(out.headers, h)
	}
	var err error
	if out.content, out.schema, err = c.content(at+"/content", r.Content); err != nil {
		return out, err
	}
	return out, nil
}

func (c *compiler) header(at, name string, ref *openapi3.HeaderRef) (header, error) {
	if ref.Ref != "" {
		at = ref.Ref
	}
	h := ref.Value
	if err := allowFields(at, h.Parameter, "Description", "Style", "Explode", "Deprecated", "Required", "Schema", "Example",
		"Examples", "Extensions", "Origin", "Name", "In"); err != nil {
		return header{}, err
	}
	if (h.Style != "" && h.Style != "simple") || (h.Explode != nil && *h.Explode) || h.Schema == nil {
		return header{}, notImplemented(at, "a header other than style simple, not exploded, with a schema")
	}
	idx, err := c.schema(h.Schema, at+"/schema")
	if err != nil {
		return header{}, err
	}
	if s := c.out.schemas[idx]; s.typ != "string" || len(s.allOf) > 0 {
		return header{}, notImplemented(at+"/schema", "a header that is not a plain string")
	}
	return header{name: name, schema: idx, required: h.Required, location: at}, nil
}

// callback compiles the webhook: one callback holding one POST with a JSON body.
func (c *compiler) callback(at string, ref *openapi3.CallbackRef) error {
	if ref.Ref != "" {
		at = ref.Ref
	}
	cb := ref.Value
	if c.out.webhook.operationID != "" || cb.Len() != 1 {
		return notImplemented(at, "more than one callback")
	}
	for expr, item := range cb.Map() {
		iat := at + "/" + token(expr)
		ops := item.Operations()
		if len(ops) != 1 || ops["POST"] == nil {
			return notImplemented(iat, "a callback other than one POST")
		}
		op := ops["POST"]
		oat := iat + "/post"
		if err := allowFields(oat, *op, "Tags", "Summary", "Description", "OperationID", "RequestBody", "Responses",
			"Security", "Extensions", "Origin"); err != nil {
			return err
		}
		if op.Security == nil || len(*op.Security) != 0 {
			return notImplemented(oat+"/security", "a callback that is not explicitly unauthenticated (security: [])")
		}
		if op.RequestBody == nil {
			return notImplemented(oat, "a callback without a request body")
		}
		b, err := c.requestBody(oat+"/requestBody", op.RequestBody)
		if err != nil {
			return err
		}
		var statuses []string
		if op.Responses != nil {
			for status := range op.Responses.Map() {
				statuses = append(statuses, status)
			}
		}
		slices.Sort(statuses)
		c.out.webhook = webhook{operationID: op.OperationID, schema: b.schema, location: b.location, statuses: statuses}
	}
	return nil
}

// schema compiles one schema and returns its location, which identifies it. A $ref keeps its
// target's location, so a rule is always reported where openapi.yaml states it.
func (c *compiler) schema(ref *openapi3.SchemaRef, at string) (string, error) {
	if ref == nil || ref.Value == nil {
		return "", fmt.Errorf("openapi.yaml%s: unresolved schema", at)
	}
	if ref.Ref != "" {
		if !strings.HasPrefix(ref.Ref, "#/components/schemas/") {
			return "", notImplemented(at, "the $ref "+ref.Ref+" (only #/components/schemas/...)")
		}
		at = ref.Ref
	}
	s := ref.Value
	if c.visiting[s] {
		return "", notImplemented(at, "a recursive schema")
	}
	if loc, ok := c.index[s]; ok {
		return loc, nil
	}
	c.visiting[s] = true
	defer delete(c.visiting, s)
	if err := allowFields(at, *s, "Extensions", "Origin", "Title", "Description", "Example", "ExternalDocs", "Deprecated", "XML",
		"Comment", "AllOf", "Type", "Format", "Enum", "UniqueItems", "Nullable", "Min", "Max", "MultipleOf", "MinLength",
		"MaxLength", "Pattern", "MinItems", "MaxItems", "Items", "Required", "Properties", "AdditionalProperties"); err != nil {
		return "", err
	}
	if c.out.schemas[at] != nil {
		return "", fmt.Errorf("openapi.yaml%s: two schemas at one location", at)
	}
	out := &schema{location: at, nullable: s.Nullable, maxLength: -1, maxItems: -1, additional: "additionalOpen"}
	if err := c.keywords(at, s, out); err != nil {
		return "", err
	}
	c.out.schemas[at] = out
	c.index[s] = at
	if err := c.children(at, s, out); err != nil {
		return "", err
	}
	return at, nil
}

// keywords checks and copies the scalar keywords of s.
func (c *compiler) keywords(at string, s *openapi3.Schema, out *schema) error {
	if s.Type != nil {
		if len(*s.Type) != 1 {
			return notImplemented(at+"/type", "a list of types")
		}
		out.typ = (*s.Type)[0]
		if !slices.Contains([]string{"string", "number", "object", "array", "boolean"}, out.typ) {
			return notImplemented(at+"/type", "type "+out.typ)
		}
	}
	is := func(t string) bool { return out.typ == t }
	need := func(keyword, t string, present bool) error {
		if present && !is(t) {
			return notImplemented(at+"/"+keyword, keyword+" on a schema that is not of type "+t)
		}
		return nil
	}
	for _, err := range []error{
		need("enum", "string", len(s.Enum) > 0),
		need("pattern", "string", s.Pattern != ""),
		need("minLength", "string", s.MinLength != 0),
		need("maxLength", "string", s.MaxLength != nil),
		need("minimum", "number", s.Min != nil),
		need("maximum", "number", s.Max != nil),
		need("multipleOf", "number", s.MultipleOf != nil),
		need("required", "object", len(s.Required) > 0),
		need("properties", "object", len(s.Properties) > 0),
		need("additionalProperties", "object", s.AdditionalProperties.Has != nil || s.AdditionalProperties.Schema != nil),
		need("items", "array", s.Items != nil),
		need("minItems", "array", s.MinItems != 0),
		need("maxItems", "array", s.MaxItems != nil),
		need("uniqueItems", "array", s.UniqueItems),
	} {
		if err != nil {
			return err
		}
	}
	for _, e := range s.Enum {
		str, ok := e.(string)
		if !ok {
			return notImplemented(at+"/enum", fmt.Sprintf("the enum value %v (only strings)", e))
		}
		out.enum = append(out.enum, str)
	}
	if err := c.format(at, s, out); err != nil {
		return err
	}
	if s.Pattern != "" {
		if strings.Contains(s.Pattern, `\u`) {
			return notImplemented(at+"/pattern", `a pattern with \u escapes (kin-openapi rewrites them)`)
		}
		if err := c.pattern(at+"/pattern", s.Pattern); err != nil {
			return err
		}
		out.pattern = s.Pattern
	}
	out.minLength = int64(s.MinLength) //nolint:gosec // a length in a spec
	if s.MaxLength != nil {
		out.maxLength = int64(*s.MaxLength) //nolint:gosec // a length in a spec
	}
	out.minItems = int64(s.MinItems) //nolint:gosec // a length in a spec
	if s.MaxItems != nil {
		out.maxItems = int64(*s.MaxItems) //nolint:gosec // a length in a spec
	}
	var err error
	if out.minimum, err = decimalText(at+"/minimum", s.Min); err != nil {
		return err
	}
	if out.maximum, err = decimalText(at+"/maximum", s.Max); err != nil {
		return err
	}
	if out.multipleOf, err = decimalText(at+"/multipleOf", s.MultipleOf); err != nil {
		return err
	}
	if out.multipleOf != "" && !isPowerOfTen(out.multipleOf) {
		return notImplemented(at+"/multipleOf", "multipleOf "+out.multipleOf+" (only 1, 0.1, 0.01, ...)")
	}
	names := slices.Clone(s.Required)
	for name := range s.Properties {
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	if len(names) > 64 {
		return notImplemented(at+"/properties", "more than 64 properties and required names")
	}
	out.required = s.Required
	out.uniqueItems = s.UniqueItems
	return nil
}

// format records a string's format: the contract checks those of contract.StringFormats and,
// as kin-openapi does, no other. A number's format (double, float) is not checked either: a
// JSON number is a double.
func (c *compiler) format(at string, s *openapi3.Schema, out *schema) error {
	if s.Format == "" {
		return nil
	}
	if out.typ != "string" && (out.typ != "number" || (s.Format != "double" && s.Format != "float")) {
		return notImplemented(at+"/format", "format "+s.Format+" on type "+out.typ)
	}
	out.format = s.Format
	return nil
}

// pattern registers a regular expression and its DFA once.
func (c *compiler) pattern(at, text string) error {
	if _, ok := c.out.patterns[text]; ok {
		return nil
	}
	t, ok, err := buildTable(text)
	if err != nil {
		return fmt.Errorf("openapi.yaml%s: %w", at, err)
	}
	c.out.patterns[text] = pattern{text: text, table: t, hasTable: ok}
	return nil
}

// children compiles the schemas s refers to.
func (c *compiler) children(at string, s *openapi3.Schema, out *schema) error {
	if len(s.AllOf) > 0 {
		if err := c.allOf(at, s, out); err != nil {
			return err
		}
	}
	for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
		idx, err := c.schema(s.Properties[name], at+"/properties/"+token(name))
		if err != nil {
			return err
		}
		out.properties = append(out.properties, property{name: name, schema: idx})
	}
	switch ap := s.AdditionalProperties; {
	case ap.Schema != nil:
		idx, err := c.schema(ap.Schema, at+"/additionalProperties")
		if err != nil {
			return err
		}
		out.additional, out.extra = "additionalSchema", idx
	case ap.Has != nil && !*ap.Has:
		out.additional = "additionalFalse"
	case ap.Has != nil:
		out.additional = "additionalTrue"
	}
	if s.Items != nil {
		idx, err := c.schema(s.Items, at+"/items")
		if err != nil {
			return err
		}
		out.items = idx
	}
	return nil
}

// allOf compiles an allOf wrapper: a schema whose only validating keyword is allOf, every part
// of which is a scalar schema (the OpenAPI 3.0 idiom for "$ref plus description").
func (c *compiler) allOf(at string, s *openapi3.Schema, out *schema) error {
	own := *s
	own.AllOf = nil
	own.Extensions, own.Origin, own.Title, own.Description, own.Example, own.ExternalDocs = nil, nil, "", "", nil, nil
	own.Deprecated, own.XML, own.Comment = false, nil, ""
	if !reflect.ValueOf(own).IsZero() {
		return notImplemented(at+"/allOf", "allOf next to other validating keywords")
	}
	for i, part := range s.AllOf {
		pat := fmt.Sprintf("%s/allOf/%d", at, i)
		idx, err := c.schema(part, pat)
		if err != nil {
			return err
		}
		if p := c.out.schemas[idx]; len(p.allOf) > 0 || p.typ == "object" || p.typ == "array" || p.typ == "" {
			return notImplemented(pat, "an allOf part that is not a string, number or boolean schema")
		}
		out.allOf = append(out.allOf, idx)
	}
	return nil
}

// decimalText writes a bound as the shortest decimal that reads back as the same float64
// (what the YAML said, for any bound a person writes), never in exponent form.
func decimalText(at string, v *float64) (string, error) {
	if v == nil {
		return "", nil
	}
	if math.IsNaN(*v) || math.IsInf(*v, 0) {
		return "", fmt.Errorf("openapi.yaml%s: not a finite number", at)
	}
	return strconv.FormatFloat(*v, 'f', -1, 64), nil
}

func isPowerOfTen(text string) bool {
	r, ok := new(big.Rat).SetString(text)
	if !ok || r.Sign() <= 0 || r.Cmp(big.NewRat(1, 1)) > 0 {
		return false
	}
	inv := new(big.Rat).Inv(r)
	if !inv.IsInt() {
		return false
	}
	s := inv.Num().String()
	return strings.Trim(s[1:], "0") == "" && s[0] == '1'
}

// allowFields fails when v (a kin-openapi struct) sets a field not in allowed: a keyword or
// construct the compiled contract does not implement. New kin-openapi fields are refused
// until someone decides what they mean.
func allowFields(at string, v any, allowed ...string) error {
	rv := reflect.ValueOf(v)
	rt := rv.Type()
	for i := range rt.NumField() {
		f := rt.Field(i)
		if !f.IsExported() || slices.Contains(allowed, f.Name) || rv.Field(i).IsZero() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			name = f.Name
		}
		return notImplemented(at, "the keyword "+strconv.Quote(name))
	}
	return nil
}

// token escapes a name as one JSON pointer token.
func token(name string) string {
	return strings.ReplaceAll(strings.ReplaceAll(name, "~", "~0"), "/", "~1")
}
