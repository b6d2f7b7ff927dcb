package contract

import (
	"net/url"
	"strconv"
	"strings"
	"sync"
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
	segments  []string // the path template split at '/'
	params    []*node
	body      *node // nil: no body
	responses []*resp
	fallback  *resp // the default response
	statuses  []string
}

type resp struct {
	data    *responseData
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
	format   formatCheck
	min, max *decimal
	places   int64 // multipleOf 10^-places; -1: none
	money    bool  // an amount: a number with at most two decimal places

	fields       []field
	required     []string
	requiredBits uint64
	additional   additional
	extra        *node
	object       string // "openapi.yaml#/.../properties" for strict mode's reports

	items  *node
	unique bool
	allOf  []*node
}

// field is a name an object schema knows: a declared property (node non-nil), a required name
// (bit non-zero), or both.
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
		matchers[p.format+"\x00"+p.text] = newMatcher(p)
	}
	nodes := make([]node, len(doc.schemas))
	at := func(i int) *node {
		if i == noSchema {
			return nil
		}
		return &nodes[i]
	}
	for i := range doc.schemas {
		compileNode(&nodes[i], &doc.schemas[i], at, matchers)
	}
	for i := range doc.operations {
		d := &doc.operations[i]
		o := &op{data: d, segments: strings.Split(strings.Trim(d.path, "/"), "/"), body: at(d.body.schema)}
		for _, p := range d.params {
			o.params = append(o.params, at(p.schema))
		}
		for j := range d.responses {
			rd := &d.responses[j]
			r := &resp{data: rd, body: at(rd.schema)}
			for _, h := range rd.headers {
				r.headers = append(r.headers, at(h.schema))
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
		n.pattern = matchers["\x00"+d.Pattern]
	}
	switch d.Format {
	case "uri":
		n.format = uriFormat
	case "date", "date-time":
		for key, m := range matchers {
			if strings.HasPrefix(key, d.Format+"\x00") {
				n.format = dateFormat(m)
			}
		}
	}
	if d.Minimum != "" {
		n.min = mustDecimal(d.Minimum)
	}
	if d.Maximum != "" {
		n.max = mustDecimal(d.Maximum)
	}
	n.places = -1
	if d.MultipleOf != "" {
		n.places = mustDecimal(d.MultipleOf).places()
	}
	n.money = d.money()
	for _, p := range d.properties {
		n.fields = append(n.fields, field{name: p.name, node: at(p.schema)})
	}
	for i, name := range d.required {
		bit := uint64(1) << i
		n.requiredBits |= bit
		n.required = append(n.required, name)
		if f := n.field(name); f != nil {
			f.bit = bit
		} else {
			n.fields = append(n.fields, field{name: name, bit: bit})
		}
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
		if f := &n.fields[i]; len(f.name) == len(key) && f.name == string(key) {
			return f
		}
	}
	return nil
}

// permits reports whether the schema's type allows a value of kind k (no type allows all).
func (n *node) permits(k kind) bool { return n.kind == kindAny || n.kind == k }

// route finds the operation for a method and escaped path. With basePath "" the path matches an
// operation by its last segments (the API may be served under any base path); otherwise it must
// be basePath followed by the operation's path exactly. It returns the operation and its path
// parameters (unescaped), or the violation that says why none matched.
func (c *compiled) route(method, escapedPath, basePath string) (*op, []string, *Violation) {
	rest := escapedPath
	if basePath != "" {
		trimmed := strings.TrimSuffix(basePath, "/")
		if !strings.HasPrefix(escapedPath, trimmed+"/") {
			return nil, nil, noRoute(method, escapedPath)
		}
		rest = escapedPath[len(trimmed):]
	}
	parts := strings.Split(strings.Trim(rest, "/"), "/")
	var allowed []string
	var pathLocation string
	for _, o := range c.ops {
		params, ok := o.match(parts, basePath != "")
		if !ok {
			continue
		}
		if o.data.method == method {
			return o, params, nil
		}
		allowed = append(allowed, o.data.method)
		pathLocation = "openapi.yaml" + o.data.location[:strings.LastIndexByte(o.data.location, '/')]
	}
	if allowed == nil {
		return nil, nil, noRoute(method, escapedPath)
	}
	return nil, nil, &Violation{In: "route", Rule: RuleUndeclaredOperation,
		Reason: "the method must be " + strings.Join(allowed, " or "), Value: shortString([]byte(method + " " + escapedPath)),
		Location: pathLocation}
}

func noRoute(method, escapedPath string) *Violation {
	return &Violation{In: "route", Rule: RuleUndeclaredOperation, Reason: "is not an operation of the API",
		Value: shortString([]byte(method + " " + escapedPath))}
}

// match matches the path's segments against the template (its last segments, or all of them
// when exact) and returns the unescaped parameters.
func (o *op) match(parts []string, exact bool) ([]string, bool) {
	if len(parts) < len(o.segments) || (exact && len(parts) != len(o.segments)) {
		return nil, false
	}
	parts = parts[len(parts)-len(o.segments):]
	var params []string
	for i, seg := range o.segments {
		if strings.HasPrefix(seg, "{") {
			value, err := url.PathUnescape(parts[i])
			if err != nil || value == "" {
				return nil, false
			}
			params = append(params, value)
			continue
		}
		if seg != parts[i] {
			return nil, false
		}
	}
	return params, true
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
