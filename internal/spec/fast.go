package spec

import (
	"bytes"
	"context"
	"io"
	"math"
	"mime"
	"net/http"
	"regexp"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// The fast path: every schema of the spec compiled once into a validator that walks the raw
// JSON bytes of a body (no decoding into maps, no boxing: strings are checked in place,
// numbers as decimal text, patterns by a DFA built from the regexp). It only ever says
// "valid" or "not proven": whatever it cannot prove valid, including every keyword and every
// JSON form it does not implement (escaped surrogates, invalid UTF-8, null, deep nesting),
// goes to ValidateRequest or ValidateResponse, which stay the reference and produce every
// Violation. So the fast path changes how fast a valid exchange is judged, never what is
// reported.

type fastOp struct {
	route  *routers.Route
	apiKey string // header of the apiKey scheme the operation requires, "" for none
	params []fastParam
	body   *node // nil: the operation takes no body
	// bodyRequired says an empty body is refused.
	bodyRequired bool
	responses    map[int]*fastResponse
	fallback     *fastResponse // the "default" response
	ok           bool          // false: the operation uses something the fast path does not implement
}

type fastParam struct {
	name  string
	check *node
}

type fastResponse struct {
	body *node // nil: not provable (headers declared, no JSON content)
}

type compiled struct {
	ops     map[*routers.Route]*fastOp
	schemas map[*openapi3.Schema]*node
}

var compiledSpecs sync.Map // *Spec → *compiled

func (s *Spec) compiled() *compiled {
	if c, ok := compiledSpecs.Load(s); ok {
		return c.(*compiled)
	}
	c := &compiled{ops: map[*routers.Route]*fastOp{}, schemas: map[*openapi3.Schema]*node{}}
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
		f.params = append(f.params, fastParam{name: p.Value.Name, check: c.schema(p.Value.Schema.Value)})
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

// content returns the validator of an application/json media type, or one that proves nothing.
func (c *compiled) content(content openapi3.Content) *node {
	media := content.Get("application/json")
	if len(content) != 1 || media == nil || media.Schema == nil || media.Schema.Value == nil {
		return &node{kind: kindNever}
	}
	return c.schema(media.Schema.Value)
}

func (c *compiled) response(ref *openapi3.ResponseRef) *fastResponse {
	if ref == nil || ref.Value == nil || len(ref.Value.Headers) > 0 || len(ref.Value.Content) == 0 {
		return &fastResponse{}
	}
	return &fastResponse{body: c.content(ref.Value.Content)}
}

// kind is what a node accepts at the top of a value.
type kind uint8

const (
	kindNever  kind = iota // a schema the fast path does not implement: never proven
	kindAny                // no type and no typed keywords: any JSON value but null
	kindString             // type: string
	kindNumber             // type: number
	kindObject             // type: object
	kindArray              // type: array
	kindBool               // type: boolean
)

// node is one compiled schema. A nil *node accepts any JSON value, null included (the items
// of an array without items, the extra properties of an open object).
type node struct {
	kind  kind
	allOf []*node

	// Strings.
	enum           []string
	minLen, maxLen uint64 // maxLen math.MaxUint64: no maximum
	pattern        *matcher
	format         func(string) bool

	// Numbers.
	minimum, maximum *float64
	exclusiveMin     bool
	cents            bool // multipleOf: 0.01

	// Objects.
	fields   map[string]field
	required uint64 // one bit per required name (see field.bit)
	closed   bool   // additionalProperties: false
	extra    *node  // additionalProperties schema; nil with open: anything

	// Arrays.
	items              *node
	minItems, maxItems uint64 // maxItems math.MaxUint64: no maximum
	unique             bool
}

// field is a name an object schema knows: a declared property (node non-nil) and/or a
// required name (bit non-zero).
type field struct {
	node *node
	bit  uint64
}

// schema compiles one schema (memoised, so shared schemas compile once and recursive ones
// refer to themselves).
func (c *compiled) schema(s *openapi3.Schema) *node {
	if n, ok := c.schemas[s]; ok {
		return n
	}
	n := &node{}
	c.schemas[s] = n
	if !c.build(n, s) {
		*n = node{kind: kindNever}
	}
	return n
}

// build fills n from s; false means s uses something the fast path does not implement.
func (c *compiled) build(n *node, s *openapi3.Schema) bool {
	if !implemented(s) {
		return false
	}
	for _, sub := range s.AllOf {
		if sub.Value == nil {
			return false
		}
		n.allOf = append(n.allOf, c.schema(sub.Value))
	}
	switch {
	case s.Type == nil || s.Type.IsEmpty():
		n.kind = kindAny
		return !hasTypedKeywords(s)
	case s.Type.Is(openapi3.TypeString):
		n.kind = kindString
		return buildString(n, s)
	case s.Type.Is(openapi3.TypeNumber):
		n.kind = kindNumber
		return buildNumber(n, s)
	case s.Type.Is(openapi3.TypeObject):
		n.kind = kindObject
		return c.buildObject(n, s)
	case s.Type.Is(openapi3.TypeArray):
		n.kind = kindArray
		return c.buildArray(n, s)
	case s.Type.Is(openapi3.TypeBoolean):
		n.kind = kindBool
		return true
	}
	return false
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

func buildString(n *node, s *openapi3.Schema) bool {
	if s.Min != nil || s.Max != nil || s.MultipleOf != nil || s.ExclusiveMin.IsSet() {
		return false
	}
	for _, e := range s.Enum {
		str, ok := e.(string)
		if !ok {
			return false
		}
		n.enum = append(n.enum, str)
	}
	if s.Pattern != "" {
		if strings.Contains(s.Pattern, `\u`) { // kin-openapi rewrites these; leave them to it
			return false
		}
		m, err := compileMatcher(s.Pattern)
		if err != nil {
			return false
		}
		n.pattern = m
	}
	switch s.Format {
	case "":
	case "uri":
		// What Options registers; the common URL is proven without parsing it.
		n.format = func(v string) bool { return plainURL(v) || validateURI(v) == nil }
	case "date", "date-time":
		// kin-openapi's validator of these formats: its regexp, then a calendar check of the
		// date (February 30 is refused). The regexp runs as a DFA here.
		pattern := openapi3.FormatOfStringDate
		if s.Format == "date-time" {
			pattern = openapi3.FormatOfStringDateTime
		}
		m, err := compileMatcher(pattern)
		if err != nil || openapi3.SchemaStringFormats[s.Format] == nil {
			return false
		}
		n.format = func(v string) bool {
			if !m.match(v) {
				return false
			}
			_, err := time.Parse(time.DateOnly, v[:len(time.DateOnly)])
			return err == nil
		}
	default:
		fv, ok := openapi3.SchemaStringFormats[s.Format]
		if !ok {
			return false
		}
		n.format = func(v string) bool { return fv.Validate(v) == nil }
	}
	n.minLen, n.maxLen = s.MinLength, math.MaxUint64
	if s.MaxLength != nil {
		n.maxLen = *s.MaxLength
	}
	return true
}

func buildNumber(n *node, s *openapi3.Schema) bool {
	// "double" names the JSON number's own range; kin-openapi checks nothing for it either.
	if (s.Format != "" && s.Format != "double") || len(s.Enum) > 0 || s.MinLength != 0 || s.MaxLength != nil || s.Pattern != "" {
		return false
	}
	if s.MultipleOf != nil {
		if *s.MultipleOf != 0.01 {
			return false
		}
		n.cents = true
	}
	n.exclusiveMin = s.ExclusiveMin.Bool != nil && *s.ExclusiveMin.Bool
	n.minimum, n.maximum = s.Min, s.Max
	return true
}

func (c *compiled) buildObject(n *node, s *openapi3.Schema) bool {
	if len(s.Required) > 64 {
		return false
	}
	n.fields = make(map[string]field, len(s.Properties)+len(s.Required))
	for name, p := range s.Properties {
		if p.Value == nil {
			return false
		}
		n.fields[name] = field{node: c.schema(p.Value)}
	}
	for i, name := range s.Required {
		f := n.fields[name]
		f.bit = 1 << i
		n.fields[name] = f
		n.required |= f.bit
	}
	n.closed = s.AdditionalProperties.Has != nil && !*s.AdditionalProperties.Has
	if ap := s.AdditionalProperties.Schema; ap != nil {
		if ap.Value == nil {
			return false
		}
		n.extra = c.schema(ap.Value)
	}
	return true
}

func (c *compiled) buildArray(n *node, s *openapi3.Schema) bool {
	if s.Items != nil {
		if s.Items.Value == nil {
			return false
		}
		n.items = c.schema(s.Items.Value)
	}
	n.minItems, n.maxItems, n.unique = s.MinItems, math.MaxUint64, s.UniqueItems
	if s.MaxItems != nil {
		n.maxItems = *s.MaxItems
	}
	return true
}

// document reports whether body is exactly one JSON value that n proves valid.
func (n *node) document(body string) bool {
	sc := scanner{b: body}
	return n.value(&sc) && sc.end()
}

// value scans one JSON value at sc and reports whether n proves it valid. A nil n accepts
// any well-formed value.
func (n *node) value(sc *scanner) bool {
	if n == nil {
		return sc.skip()
	}
	sc.space()
	start := sc.i
	if !n.own(sc) {
		return false
	}
	if len(n.allOf) > 0 {
		end := sc.i
		for _, part := range n.allOf {
			sc.i = start
			if !part.value(sc) || sc.i != end {
				return false
			}
		}
	}
	return true
}

// own checks the value at sc (after white space) against n's own keywords.
func (n *node) own(sc *scanner) bool {
	if sc.i >= len(sc.b) {
		return false
	}
	c := sc.b[sc.i]
	if c == 'n' {
		return false // null (nullable or not) is left to the reference
	}
	switch n.kind {
	case kindAny:
		return sc.skip()
	case kindString:
		s, ascii, ok := sc.str()
		return ok && n.validString(s, ascii)
	case kindNumber:
		t, ok := sc.number()
		return ok && n.validNumber(t)
	case kindObject:
		return c == '{' && n.object(sc)
	case kindArray:
		return c == '[' && n.array(sc)
	case kindBool:
		return sc.literal("true") || sc.literal("false")
	}
	return false
}

// text checks a string that is no JSON (a path parameter) against n.
func (n *node) text(v string) bool {
	switch n.kind {
	case kindAny:
	case kindString:
		if !n.validString(v, isASCII(v)) {
			return false
		}
	default:
		return false
	}
	for _, part := range n.allOf {
		if !part.text(v) {
			return false
		}
	}
	return true
}

func (n *node) validString(s string, ascii bool) bool {
	if n.minLen != 0 || n.maxLen != math.MaxUint64 {
		// kin-openapi counts runes (its UTF-16 adjustment never applies to decoded runes).
		count := uint64(len(s))
		if !ascii {
			count = 0
			for range s {
				count++
			}
		}
		if count < n.minLen || count > n.maxLen {
			return false
		}
	}
	if n.enum != nil && !slices.Contains(n.enum, s) {
		return false
	}
	if n.pattern != nil && !n.pattern.match(s) {
		return false
	}
	return n.format == nil || n.format(s)
}

func (n *node) validNumber(text string) bool {
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return false
	}
	if n.minimum != nil && (f < *n.minimum || (n.exclusiveMin && f == *n.minimum)) {
		return false
	}
	if n.maximum != nil && f > *n.maximum {
		return false
	}
	return !n.cents || isCents(text)
}

// plainURL reports whether v is an absolute URL that url.Parse surely reads with a scheme
// and a host, so that validateURI accepts it: scheme://host[:digits] then only printable
// ASCII other than '%', '@', '[', ']' and '\'. Anything else is left to validateURI.
func plainURL(v string) bool {
	scheme, rest, ok := strings.Cut(v, "://")
	if !ok || scheme == "" || !isLetter(scheme[0]) {
		return false
	}
	for i := 1; i < len(scheme); i++ {
		if c := scheme[i]; !isLetter(c) && !isDigit(c) && c != '+' && c != '.' && c != '-' {
			return false
		}
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	host, port, _ := strings.Cut(rest[:end], ":")
	if host == "" || strings.Trim(port, "0123456789") != "" {
		return false
	}
	for i := 0; i < len(host); i++ {
		if c := host[i]; !isLetter(c) && !isDigit(c) && c != '.' && c != '-' && c != '_' && c != '~' {
			return false
		}
	}
	for i := end; i < len(rest); i++ {
		if c := rest[i]; c <= ' ' || c >= 0x7f || strings.IndexByte(`%@[]\`, c) >= 0 {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }

// isCents reports whether a JSON number is, as written, a non-negative multiple of 0.01 that
// money.Parse reads exactly: no sign, no exponent, at most 12 integer digits and at most 2
// decimals. Anything else (1e2, 1.000, -0) is left to the reference.
func isCents(text string) bool {
	intPart, frac, dot := strings.Cut(text, ".")
	return len(intPart) >= 1 && len(intPart) <= 12 && (intPart[0] != '0' || len(intPart) == 1) &&
		(!dot || len(frac) >= 1) && len(frac) <= 2 &&
		strings.Trim(intPart, "0123456789") == "" && strings.Trim(frac, "0123456789") == ""
}

func (n *node) object(sc *scanner) bool {
	if !sc.enter() {
		return false
	}
	sc.i++ // {
	var seen uint64
	sc.space()
	if sc.i < len(sc.b) && sc.b[sc.i] == '}' {
		sc.i++
		sc.depth--
		return n.required == 0
	}
	for {
		sc.space()
		key, _, ok := sc.str()
		if !ok || !sc.colon() {
			return false
		}
		f, known := n.fields[key]
		seen |= f.bit
		switch {
		case known && f.node != nil:
			ok = f.node.value(sc)
		case n.closed:
			return false
		default:
			ok = n.extra.value(sc)
		}
		if !ok {
			return false
		}
		switch sc.next() {
		case ',':
		case '}':
			sc.depth--
			return seen&n.required == n.required
		default:
			return false
		}
	}
}

func (n *node) array(sc *scanner) bool {
	if !sc.enter() {
		return false
	}
	sc.i++ // [
	var seenBuf [8]string
	seen := seenBuf[:0] // the strings so far, when items must be unique
	count := uint64(0)
	sc.space()
	if sc.i < len(sc.b) && sc.b[sc.i] == ']' {
		sc.i++
		sc.depth--
		return n.minItems == 0
	}
	for {
		sc.space()
		start := sc.i
		if !n.items.value(sc) {
			return false
		}
		count++
		if n.unique {
			// Uniqueness is proven for strings only; other kinds are left to the reference.
			item := sc.b[start:sc.i]
			if item[0] != '"' || strings.IndexByte(item, '\\') >= 0 {
				return false // escapes are left to the reference too: "a" and "\u0061" are equal
			}
			if slices.Contains(seen, item) { // equal text is equal value
				return false
			}
			seen = append(seen, item)
		}
		switch sc.next() {
		case ',':
		case ']':
			sc.depth--
			return count >= n.minItems && count <= n.maxItems
		default:
			return false
		}
	}
}

// scanner reads JSON text strictly: it gives up (false) on anything it does not read exactly
// as encoding/json would: control characters, invalid UTF-8 and escaped surrogates in
// strings, nesting deeper than maxDepth, anything that is not JSON.
type scanner struct {
	b     string
	i     int
	depth int
}

const maxDepth = 32

func (sc *scanner) space() {
	for sc.i < len(sc.b) {
		switch sc.b[sc.i] {
		case ' ', '\t', '\n', '\r':
			sc.i++
		default:
			return
		}
	}
}

func (sc *scanner) end() bool {
	sc.space()
	return sc.i == len(sc.b)
}

// next skips white space and returns the byte after it (consumed), or 0 at the end.
func (sc *scanner) next() byte {
	sc.space()
	if sc.i >= len(sc.b) {
		return 0
	}
	sc.i++
	return sc.b[sc.i-1]
}

func (sc *scanner) colon() bool { return sc.next() == ':' }

func (sc *scanner) enter() bool {
	sc.depth++
	return sc.depth <= maxDepth
}

func (sc *scanner) literal(word string) bool {
	if !strings.HasPrefix(sc.b[sc.i:], word) {
		return false
	}
	sc.i += len(word)
	return true
}

// skip scans any one value, checking only that it is well-formed JSON.
func (sc *scanner) skip() bool {
	sc.space()
	if sc.i >= len(sc.b) {
		return false
	}
	switch c := sc.b[sc.i]; {
	case c == '{':
		return anyObject.object(sc)
	case c == '[':
		return anyArray.array(sc)
	case c == '"':
		_, _, ok := sc.str()
		return ok
	case c == '-' || (c >= '0' && c <= '9'):
		_, ok := sc.number()
		return ok
	}
	return sc.literal("true") || sc.literal("false") || sc.literal("null")
}

// anyObject and anyArray accept any object and any array.
var (
	anyObject = &node{kind: kindObject}
	anyArray  = &node{kind: kindArray, maxItems: math.MaxUint64}
)

// str scans a string and returns its value; ascii says the value has no multi-byte
// characters. Escapes are decoded as encoding/json decodes them, except \u escapes of UTF-16
// surrogates (whose pairing rules are left to the reference); control characters and invalid
// UTF-8, which encoding/json refuses or replaces, give up.
func (sc *scanner) str() (s string, ascii, ok bool) {
	if sc.i >= len(sc.b) || sc.b[sc.i] != '"' {
		return "", false, false
	}
	start := sc.i + 1
	j := start
	var seen byte // the classes of the bytes passed, or-ed
	for j < len(sc.b) {
		class := byteClass[sc.b[j]]
		switch class {
		case 0:
			j++
			continue
		case classQuote:
		case classEscape:
			n := escapeLen(sc.b[j:])
			if n == 0 {
				return "", false, false
			}
			seen |= classEscape
			j += n
			continue
		default:
			seen |= class
			j++
			continue
		}
		break
	}
	if j == len(sc.b) || seen&classRefused != 0 {
		return "", false, false
	}
	s, ascii = sc.b[start:j], seen&classMultiByte == 0
	if !ascii && !utf8.ValidString(s) {
		return "", false, false
	}
	if seen&classEscape != 0 {
		if s, ok = unescape(s); !ok {
			return "", false, false
		}
		ascii = ascii && isASCII(s)
	}
	sc.i = j + 1
	return s, ascii, true
}

// escapeLen returns the length of the escape at the start of b, or 0 when it is none JSON has.
func escapeLen(b string) int {
	if len(b) < 2 {
		return 0
	}
	switch b[1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return 2
	case 'u':
		if len(b) < 6 {
			return 0
		}
		if _, err := strconv.ParseUint(b[2:6], 16, 16); err != nil {
			return 0
		}
		return 6
	}
	return 0
}

// unescape decodes the escapes of a string escapeLen accepted; ok is false for a \u escape
// of a UTF-16 surrogate.
func unescape(raw string) (string, bool) {
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); {
		c := raw[i]
		if c != '\\' {
			out = append(out, c)
			i++
			continue
		}
		switch raw[i+1] {
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, _ := strconv.ParseUint(raw[i+2:i+6], 16, 16)
			if utf16.IsSurrogate(rune(r)) {
				return "", false
			}
			out = utf8.AppendRune(out, rune(r))
			i += 6
			continue
		default: // '"', '\\', '/'
			out = append(out, raw[i+1])
		}
		i += 2
	}
	return string(out), true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// The classes of the bytes of a JSON string, for str.
const (
	classQuote     = 1 << iota // the closing quote
	classRefused               // a control character
	classMultiByte             // part of a multi-byte UTF-8 sequence
	classEscape                // a backslash
)

var byteClass = func() (t [256]byte) {
	for c := range t {
		switch {
		case c == '"':
			t[c] = classQuote
		case c == '\\':
			t[c] = classEscape
		case c < 0x20:
			t[c] = classRefused
		case c >= utf8.RuneSelf:
			t[c] = classMultiByte
		}
	}
	return t
}()

// number scans exactly JSON's number grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (sc *scanner) number() (string, bool) {
	start := sc.i
	if sc.i < len(sc.b) && sc.b[sc.i] == '-' {
		sc.i++
	}
	switch {
	case sc.i < len(sc.b) && sc.b[sc.i] == '0':
		sc.i++
	case sc.digits() == 0:
		return "", false
	}
	if sc.i < len(sc.b) && sc.b[sc.i] == '.' {
		sc.i++
		if sc.digits() == 0 {
			return "", false
		}
	}
	if sc.i < len(sc.b) && (sc.b[sc.i] == 'e' || sc.b[sc.i] == 'E') {
		sc.i++
		if sc.i < len(sc.b) && (sc.b[sc.i] == '+' || sc.b[sc.i] == '-') {
			sc.i++
		}
		if sc.digits() == 0 {
			return "", false
		}
	}
	return sc.b[start:sc.i], true
}

func (sc *scanner) digits() int {
	n := 0
	for sc.i < len(sc.b) && sc.b[sc.i] >= '0' && sc.b[sc.i] <= '9' {
		sc.i++
		n++
	}
	return n
}

// matcher decides a regexp match with a DFA built at compile time from the regexp's program,
// for ASCII text; any other text is matched by the regexp itself. The DFA simulates the same
// NFA as package regexp, so both always agree on whether there is a match.
type matcher struct {
	re    *regexp.Regexp
	next  []uint16    // state<<7 | byte → state; nil: no DFA (too large, or unsupported)
	final []bool      // the text may end in this state
	stay  [][2]uint64 // per state, the bytes whose transition leads back to it (bit c)
	// states 0 (dead: no match possible) and 1 (start) always exist when next is non-nil.
}

const (
	deadState  = 0
	startState = 1
	maxStates  = 512
)

func (m *matcher) match(s string) bool {
	if m.next == nil {
		return m.re.MatchString(s)
	}
	next, st := m.next, uint16(startState)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return m.re.MatchString(s)
		}
		st = next[int(st)<<7|int(c)]
		if st == deadState {
			return false // no thread of the NFA is left, whatever follows
		}
		// Skip the run of bytes that leave the state as it is ([A-Za-z0-9+/]+ of a signature).
		stay := &m.stay[st]
		for i+1 < len(s) {
			c := s[i+1]
			if c >= utf8.RuneSelf || stay[c>>6]&(1<<(c&63)) == 0 {
				break
			}
			i++
		}
	}
	return m.final[st]
}

// compileMatcher compiles pattern as regexp.Compile does, and its DFA when the program uses
// only what a DFA over ASCII can decide (runes, ^ and $ of the text) in at most maxStates states.
func compileMatcher(pattern string) (*matcher, error) {
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, err
	}
	m := &matcher{re: re}
	parsed, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil, err
	}
	prog, err := syntax.Compile(parsed.Simplify())
	if err != nil {
		return nil, err
	}
	if d, ok := buildDFA(prog); ok {
		m.final = d.final
		m.next = make([]uint16, 0, len(d.next)<<7)
		m.stay = make([][2]uint64, len(d.next))
		for st, row := range d.next {
			m.next = append(m.next, row[:]...)
			for c, to := range row {
				if int(to) == st {
					m.stay[st][c>>6] |= 1 << (c & 63)
				}
			}
		}
	}
	return m, nil
}

type dfa struct {
	prog   *syntax.Prog
	sets   [][]int // NFA instructions of each state
	index  map[string]uint16
	next   [][128]uint16
	final  []bool
	accept []bool // a match was found already: the state leads only to itself
}

func buildDFA(prog *syntax.Prog) (*dfa, bool) {
	for _, inst := range prog.Inst {
		if inst.Op == syntax.InstEmptyWidth && emptyOp(&inst)&^(syntax.EmptyBeginText|syntax.EmptyEndText) != 0 {
			return nil, false // line anchors and word boundaries: leave them to the regexp
		}
	}
	d := &dfa{prog: prog, index: map[string]uint16{}}
	d.add(nil, "dead", false)
	start, ok := d.closure([]int{prog.Start}, true, false)
	if !ok {
		return nil, false
	}
	d.add(start, "start", true) // never shared: only here does ^ hold
	for st := 1; st < len(d.sets); st++ {
		if d.accept[st] {
			for c := range d.next[st] {
				d.next[st][c] = uint16(st)
			}
			continue
		}
		for c := range rune(utf8.RuneSelf) {
			var moved []int
			for _, pc := range d.sets[st] {
				inst := &prog.Inst[pc]
				switch inst.Op {
				case syntax.InstRune, syntax.InstRune1, syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
					if inst.MatchRune(c) {
						moved = append(moved, int(inst.Out))
					}
				default:
				}
			}
			if !d.anchored() {
				moved = append(moved, prog.Start) // a match may start anywhere
			}
			set, ok := d.closure(moved, false, false)
			if !ok {
				return nil, false
			}
			key := string(encodeSet(set))
			target, seen := d.index[key]
			if !seen && len(set) > 0 {
				if len(d.sets) >= maxStates {
					return nil, false
				}
				target = d.add(set, key, false)
			}
			d.next[st][c] = target
		}
	}
	return d, true
}

func (d *dfa) anchored() bool { return d.prog.StartCond()&syntax.EmptyBeginText != 0 }

func (d *dfa) add(set []int, key string, initial bool) uint16 {
	id := uint16(len(d.sets)) //nolint:gosec // at most maxStates

	d.index[key] = id
	d.sets = append(d.sets, set)
	d.next = append(d.next, [128]uint16{})
	atEnd, _ := d.closure(set, initial, true)
	d.final = append(d.final, slices.Contains(d.instOps(atEnd), syntax.InstMatch))
	d.accept = append(d.accept, slices.Contains(d.instOps(set), syntax.InstMatch))
	return id
}

func (d *dfa) instOps(set []int) []syntax.InstOp {
	ops := make([]syntax.InstOp, len(set))
	for i, pc := range set {
		ops[i] = d.prog.Inst[pc].Op
	}
	return ops
}

// closure follows the empty transitions from pcs and returns the sorted set of instructions
// reached that consume a rune or match, plus the assertions that do not hold yet (the end of
// the text) so that the text's end can be tried later.
func (d *dfa) closure(pcs []int, begin, end bool) ([]int, bool) {
	seen := make([]bool, len(d.prog.Inst))
	var out []int
	stack := slices.Clone(pcs)
	for len(stack) > 0 {
		pc := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[pc] {
			continue
		}
		seen[pc] = true
		inst := &d.prog.Inst[pc]
		switch inst.Op {
		case syntax.InstAlt, syntax.InstAltMatch:
			stack = append(stack, int(inst.Out), int(inst.Arg))
		case syntax.InstNop, syntax.InstCapture:
			stack = append(stack, int(inst.Out))
		case syntax.InstEmptyWidth:
			op := emptyOp(inst)
			switch {
			case op&syntax.EmptyBeginText != 0 && !begin:
				// can never hold again
			case op&syntax.EmptyEndText != 0 && !end:
				out = append(out, pc)
			default:
				stack = append(stack, int(inst.Out))
			}
		case syntax.InstFail:
		case syntax.InstMatch, syntax.InstRune, syntax.InstRune1, syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
			out = append(out, pc)
		default:
			return nil, false
		}
	}
	slices.Sort(out)
	return out, true
}

// emptyOp returns the assertion of an InstEmptyWidth.
func emptyOp(inst *syntax.Inst) syntax.EmptyOp {
	return syntax.EmptyOp(inst.Arg) //nolint:gosec // the Arg of an InstEmptyWidth is an EmptyOp
}

func encodeSet(set []int) []byte {
	var b []byte
	for _, pc := range set {
		b = strconv.AppendInt(b, int64(pc), 10)
		b = append(b, ',')
	}
	return b
}

func isJSON(contentType string) bool {
	if contentType == "application/json" {
		return true // the common case, without parsing
	}
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
		if v, ok := params[p.name]; !ok || !p.check.text(v) {
			return false
		}
	}
	if op.body == nil || len(body) == 0 {
		return len(body) == 0 && !op.bodyRequired
	}
	if !isJSON(req.Header.Get("Content-Type")) {
		return false
	}
	return op.body.document(string(body))
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
			if resp.body.document(string(body)) {
				return nil
			}
		}
	}
	return s.ValidateResponse(ctx, ex, status, header, body)
}
