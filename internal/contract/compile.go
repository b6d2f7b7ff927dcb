package contract

import (
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/lakipay/checkout-go/internal/decimal"
)

// compiled is the contract ready to validate: built once per process from the generated data
// and never written to afterwards, so it is safe for concurrent use.
type compiled struct {
	ops     []*op
	webhook *op
}

// op is a compiled operation.
type op struct {
	data      *operationData
	security  string   // the canonical name of the security header, "" for none
	segments  []string // the path template split at '/'
	params    []*node
	body      *node // nil: no body
	responses []*resp
	fallback  *resp // the default response
	statuses  []string
}

type resp struct {
	data    *responseData
	names   []string // the canonical names of the declared headers
	headers []*node
	body    *node // nil: not checked
}

// node is a compiled schema.
type node struct {
	kw       *Keywords
	location string // "openapi.yaml#/components/schemas/Currency/", ready for the rule
	kind     kind
	empty    bool // kin-openapi's empty schema: accepts any value but null

	pattern  *matcher
	format   func(s []byte, ascii bool) bool
	min, max *decimal.Decimal
	places   int64 // multipleOf 10^-places; -1: none
	money    bool  // an amount: a number with at most two decimal places

	fields       []field // a bit each
	required     []string
	requiredBit  []uint64 // the bit of each required name
	requiredBits uint64
	additional   additional
	extra        *node
	object       string // "openapi.yaml#/.../properties" for strict mode's reports

	items  *node
	unique bool
	allOf  []*node
}

// field is a name an object schema knows: a declared property (node non-nil), a required name,
// or both.
type field struct {
	name string
	node *node
	bit  uint64
}

type kind uint8

const (
	kindAny kind = iota
	kindString
	kindNumber
	kindObject
	kindArray
	kindBool
)

var loaded = sync.OnceValue(func() *compiled { return compile(&generated) })

func compile(doc *document) *compiled {
	c := &compiled{}
	matchers := make(map[string]*matcher, len(doc.patterns))
	for i := range doc.patterns {
		p := &doc.patterns[i]
		matchers[p.text] = newMatcher(p)
	}
	nodes := make([]node, len(doc.schemas))
	at := func(i int) *node {
		if i == noSchema {
			return nil
		}
		// A wrapper ("$ref plus description": allOf with one part, and no other validating
		// keyword, which contractgen refuses beside allOf) judges a value exactly as its part
		// does, violations and their locations included: what refers to it refers to the part.
		for d := &doc.schemas[i]; len(d.allOf) == 1 && d.Type == "" && !d.Nullable; d = &doc.schemas[i] {
			i = d.allOf[0]
		}
		return &nodes[i]
	}
	for i := range doc.schemas {
		compileNode(&nodes[i], &doc.schemas[i], at, matchers)
	}
	for i := range doc.operations {
		d := &doc.operations[i]
		o := &op{data: d, segments: strings.Split(strings.Trim(d.path, "/"), "/"), body: at(d.body.schema)}
		if d.securityHeader != "" {
			o.security = textproto.CanonicalMIMEHeaderKey(d.securityHeader)
		}
		for _, p := range d.params {
			o.params = append(o.params, at(p.schema))
		}
		for j := range d.responses {
			rd := &d.responses[j]
			r := &resp{data: rd, body: at(rd.schema)}
			for _, h := range rd.headers {
				r.headers = append(r.headers, at(h.schema))
				r.names = append(r.names, textproto.CanonicalMIMEHeaderKey(h.name))
			}
			if rd.status == "default" {
				o.fallback = r
			} else {
				o.responses = append(o.responses, r)
			}
			o.statuses = append(o.statuses, rd.status)
		}
		c.ops = append(c.ops, o)
	}
	c.webhook = &op{
		data: &operationData{id: doc.webhook.operationID, body: bodyData{schema: doc.webhook.schema, location: doc.webhook.location}},
		body: at(doc.webhook.schema),
	}
	return c
}

func compileNode(n *node, d *schemaData, at func(int) *node, matchers map[string]*matcher) {
	n.kw = &d.Keywords
	n.location = "openapi.yaml" + d.location + "/"
	switch d.Type {
	case "string":
		n.kind = kindString
	case "number":
		n.kind = kindNumber
	case "object":
		n.kind = kindObject
	case "array":
		n.kind = kindArray
	case "boolean":
		n.kind = kindBool
	}
	n.empty = d.Type == "" && !d.Nullable && len(d.allOf) == 0
	if d.Pattern != "" {
		n.pattern = matchers[d.Pattern]
	}
	if d.Type == "string" {
		n.format = stringFormats[d.Format].Check // nil: a format the contract does not check
	}
	if d.Minimum != "" {
		n.min = mustDecimal(d.Minimum)
	}
	if d.Maximum != "" {
		n.max = mustDecimal(d.Maximum)
	}
	n.places = -1
	if d.MultipleOf != "" {
		n.places = mustDecimal(d.MultipleOf).Places()
	}
	n.money = d.money()
	for _, p := range d.properties {
		n.fields = append(n.fields, field{name: p.name, node: at(p.schema)})
	}
	for _, name := range d.required {
		if n.field(name) == nil {
			n.fields = append(n.fields, field{name: name})
		}
	}
	for i := range n.fields { // contractgen keeps properties and required names within 64
		n.fields[i].bit = uint64(1) << i
	}
	for _, name := range d.required {
		bit := n.field(name).bit
		n.requiredBits |= bit
		n.required = append(n.required, name)
		n.requiredBit = append(n.requiredBit, bit)
	}
	n.additional, n.extra = d.additional, at(d.extra)
	n.object = "openapi.yaml" + d.location + "/properties"
	n.items, n.unique = at(d.items), d.uniqueItems
	for _, part := range d.allOf {
		n.allOf = append(n.allOf, at(part))
	}
}

// field returns the field named name, or nil.
func (n *node) field(name string) *field {
	for i := range n.fields {
		if f := &n.fields[i]; len(f.name) == len(name) && f.name == name {
			return f
		}
	}
	return nil
}

// fieldBytes is field for a key read from a document, without allocating.
func (n *node) fieldBytes(key []byte) *field {
	for i := range n.fields {
		if f := &n.fields[i]; len(f.name) == len(key) && (len(key) == 0 || f.name[0] == key[0]) && f.name == string(key) {
			return f
		}
	}
	return nil
}

// permits reports whether the schema's type allows a value of kind k (no type allows all).
func (n *node) permits(k kind) bool { return n.kind == kindAny || n.kind == k }

// maxParams bounds the path parameters of an operation (contractgen refuses more).
const maxParams = 8

// params holds the unescaped path parameters of a matched request.
type params [maxParams]string

// route finds the operation for a method and escaped path. With basePath "" the path matches an
// operation by its last segments (the API may be served under any base path); otherwise it must
// be basePath followed by the operation's path exactly. It fills the path parameters
// (unescaped) and returns the operation, or the violation that says why none matched.
func (c *compiled) route(method, escapedPath, basePath string, ps *params) (*op, *Violation) {
	rest := escapedPath
	exact := basePath != ""
	if exact {
		trimmed := strings.TrimSuffix(basePath, "/")
		if !strings.HasPrefix(escapedPath, trimmed+"/") {
			return nil, noRoute(method, escapedPath)
		}
		rest = escapedPath[len(trimmed):]
	}
	rest = strings.Trim(rest, "/")
	var allowed []string
	var pathLocation string
	for _, o := range c.ops {
		if !o.match(rest, exact, ps) {
			continue
		}
		if o.data.method == method {
			return o, nil
		}
		allowed = append(allowed, o.data.method)
		pathLocation = "openapi.yaml" + o.data.location[:strings.LastIndexByte(o.data.location, '/')]
	}
	if allowed == nil {
		return nil, noRoute(method, escapedPath)
	}
	return nil, &Violation{In: "route", Rule: RuleUndeclaredOperation,
		Reason: "the method must be " + strings.Join(allowed, " or "), Value: shortString([]byte(method + " " + escapedPath)),
		Location: pathLocation}
}

func noRoute(method, escapedPath string) *Violation {
	return &Violation{In: "route", Rule: RuleUndeclaredOperation, Reason: "is not an operation of the API",
		Value: shortString([]byte(method + " " + escapedPath))}
}

// match matches a path (without its outer slashes) against the template: its last segments, or
// all of them when exact. It fills ps with the unescaped parameters, in template order.
func (o *op) match(path string, exact bool, ps *params) bool {
	end := len(path) // the current segment is path[start:end]; end < 0: no segment left
	n := len(o.params)
	for i := len(o.segments) - 1; i >= 0; i-- {
		if end < 0 {
			return false
		}
		start := strings.LastIndexByte(path[:end], '/') + 1
		part, seg := path[start:end], o.segments[i]
		end = start - 1
		if len(seg) > 1 && seg[0] == '{' {
			value, err := url.PathUnescape(part)
			if err != nil || value == "" {
				return false
			}
			n--
			ps[n] = value
			continue
		}
		if seg != part {
			return false
		}
	}
	return !exact || end < 0
}

// response returns the declared response for status, the default one, or nil.
func (o *op) response(status int) *resp {
	var buf [8]byte
	code := strconv.AppendInt(buf[:0], int64(status), 10)
	for _, r := range o.responses {
		if r.data.status == string(code) {
			return r
		}
	}
	return o.fallback
}

func (c *compiled) operation(id string) *op {
	for _, o := range c.ops {
		if o.data.id == id {
			return o
		}
	}
	return nil
}

// mustDecimal parses a decimal the generator wrote.
func mustDecimal(text string) *decimal.Decimal {
	d, ok := decimal.Parse([]byte(text))
	if !ok {
		panic("contract: the generated contract holds the bad number " + text)
	}
	return &d
}
