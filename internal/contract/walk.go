package contract

import (
	"bytes"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/lakipay/checkout-go/internal/decimal"
	"github.com/lakipay/checkout-go/internal/jsonscan"
)

// walker validates one JSON document against a node in one pass over its bytes, in the order
// kin-openapi's validator visits a value (see validateValue), collecting every violation.
type walker struct {
	sc   *jsonscan.Scanner
	body []byte
	op   string
	in   string
	opts Options
	out  []Violation
	ptr  []byte // scratch for pointers
	// member is the key of the member whose value the scanner reads on its own (members),
	// nil when it reads a whole document.
	member []byte
}

// validateDocument validates body as the whole of part in against n and appends the violations to out.
// A body that is not one well-formed, strict JSON value is one violation that says where.
func validateDocument(out []Violation, n *node, body []byte, op, in string, opts Options) []Violation {
	w := walker{sc: jsonscan.Acquire(body, jsonscan.Options{Strict: true}), body: body, op: op, in: in, opts: opts, out: out}
	defer w.sc.Release()
	start := len(w.out)
	w.value(n)
	if err := w.sc.Finish(); err != nil {
		return append(w.out[:start], ScanViolation(err, op, in))
	}
	sortByPointer(w.out[start:])
	return w.out
}

// validateMembers is validateDocument for an object a strict scan has split into its members
// already (see [ValidateWebhookMembers]).
func validateMembers(out []Violation, n *node, members []jsonscan.Member, op, in string, opts Options) []Violation {
	w := walker{sc: jsonscan.Acquire(nil, jsonscan.Options{}), op: op, in: in, opts: opts, out: out}
	defer w.sc.Release()
	start := len(w.out)
	w.members(n, members)
	sortByPointer(w.out[start:])
	return w.out
}

// sortByPointer orders violations by field, keeping the order of the rules of one field.
func sortByPointer(vs []Violation) {
	if len(vs) > 1 {
		slices.SortStableFunc(vs, func(a, b Violation) int {
			switch {
			case a.Pointer < b.Pointer:
				return -1
			case a.Pointer > b.Pointer:
				return 1
			}
			return 0
		})
	}
}

// ScanViolation turns a refusal of package jsonscan into the violation of the contract rule it
// breaks: not well-formed JSON, invalid UTF-8 or a duplicate key.
func ScanViolation(err error, op, in string) Violation {
	v := Violation{Operation: op, In: in, Rule: RuleJSON}
	e, ok := err.(*jsonscan.Error) //nolint:errorlint // jsonscan returns *Error unwrapped
	if !ok {
		v.Reason = "must be well-formed JSON"
		return v
	}
	v.Pointer = e.Pointer
	switch e.Problem {
	case jsonscan.DuplicateKey:
		v.Rule, v.Reason = RuleDuplicateKey, ReasonDuplicateKey
	case jsonscan.InvalidUTF8:
		v.Rule, v.Reason = RuleUTF8, ReasonUTF8
	default:
		v.Reason = "must be well-formed JSON: " + e.Detail + " (byte " + strconv.Itoa(e.Offset) + ")"
	}
	return v
}

// add records a violation of rule by the value being read, against n.
func (w *walker) add(n *node, rule, value string) {
	w.addAt(n, rule, value, "")
}

// addAt records a violation at the member name of the value being read (name "" for the value
// itself).
func (w *walker) addAt(n *node, rule, value, name string) {
	w.ptr = w.ptr[:0]
	if w.member != nil {
		w.ptr = jsonscan.AppendPointerToken(append(w.ptr, '/'), w.member)
	}
	if w.sc != nil {
		w.ptr = w.sc.AppendPointer(w.ptr)
	}
	if name != "" {
		w.ptr = append(w.ptr, '/')
		w.ptr = jsonscan.AppendPointerToken(w.ptr, []byte(name))
	}
	location := n.location + rule
	if rule == RuleUndeclaredProperty {
		location = n.object
	}
	w.out = append(w.out, Violation{
		Operation: w.op, In: w.in, Pointer: string(w.ptr), Rule: rule,
		Reason: n.kw.Reason(rule, w.in, w.opts.Lenient), Value: value, Location: location,
	})
}

// value validates the value at the scanner against n, as kin-openapi's visitJSON does: null
// where nullable, the empty schema, allOf (which, when broken, ends the checks), enum (the
// same), then the checks of the value's type.
func (w *walker) value(n *node) {
	if n == nil {
		w.sc.Skip()
		return
	}
	k := w.sc.Peek()
	switch {
	case k == jsonscan.None:
		w.sc.Skip() // stops the scanner with its syntax error
		return
	case k == jsonscan.Null && n.kw.Nullable:
		w.sc.Skip()
		return
	case n.empty:
		if k == jsonscan.Null {
			w.sc.Skip()
			w.add(n, RuleNullable, "null")
			return
		}
		w.sc.Skip()
		return
	}
	if len(n.allOf) > 0 {
		// An allOf node is a wrapper ("$ref plus description"): contractgen refuses validating
		// keywords beside allOf, so once its parts have judged the value nothing is left.
		start := w.sc.Offset()
		for i, part := range n.allOf {
			if i > 0 {
				w.sc.Seek(start)
			}
			w.value(part)
		}
		return
	}
	switch k {
	case jsonscan.String:
		str, ok := w.sc.ReadString()
		if !ok {
			return
		}
		if n.kw.Enum != nil {
			if !w.opts.OpenEnums && !inEnum(n.kw.Enum, str.Value) {
				w.add(n, RuleEnum, shortString(str.Value))
			}
			return
		}
		w.str(n, str)
	case jsonscan.Number:
		text, ok := w.sc.ReadNumber()
		if !ok {
			return
		}
		if n.kw.Enum != nil {
			w.add(n, RuleEnum, shortText(text))
			return
		}
		if !n.permits(kindNumber) {
			w.add(n, RuleType, shortText(text))
			return
		}
		d, _ := decimal.Parse(text) // the scanner read exactly JSON's number grammar
		w.numberChecks(n, &d, text, false)
	case jsonscan.Null, jsonscan.True, jsonscan.False:
		raw, ok := w.sc.Skip()
		if !ok {
			return
		}
		switch {
		case n.kw.Enum != nil:
			w.add(n, RuleEnum, string(raw))
		case k == jsonscan.Null:
			w.add(n, RuleNullable, "null")
		case !n.permits(kindBool):
			w.add(n, RuleType, string(raw))
		}
	case jsonscan.Object:
		if n.kw.Enum != nil || !n.permits(kindObject) {
			rule := RuleType
			if n.kw.Enum != nil {
				rule = RuleEnum
			}
			if _, ok := w.sc.Skip(); ok {
				w.add(n, rule, shortKind(true, 0))
			}
			return
		}
		w.object(n)
	case jsonscan.Array:
		if n.kw.Enum != nil || !n.permits(kindArray) {
			rule := RuleType
			if n.kw.Enum != nil {
				rule = RuleEnum
			}
			if items, ok := w.countItems(); ok {
				w.add(n, rule, shortKind(false, items))
			}
			return
		}
		w.array(n)
	}
}

func inEnum(enum []string, s []byte) bool {
	for _, e := range enum {
		if len(e) == len(s) && e == string(s) {
			return true
		}
	}
	return false
}

// str checks a string against n's string keywords, or reports its type.
func (w *walker) str(n *node, s jsonscan.Str) {
	if !n.permits(kindString) {
		if n.money && w.opts.Lenient {
			if d, ok := decimal.Parse(s.Value); ok {
				w.numberChecks(n, &d, s.Value, true)
				return
			}
		}
		w.add(n, RuleType, shortString(s.Value))
		return
	}
	w.text(n, s.Value, s.ASCII)
}

// text checks a string value against n's string keywords, in kin-openapi's order: length,
// pattern, format.
func (w *walker) text(n *node, s []byte, ascii bool) {
	kw := n.kw
	if kw.MinLength != 0 || kw.MaxLength >= 0 {
		// kin-openapi counts characters (its UTF-16 adjustment never applies to decoded text).
		length := int64(len(s))
		if !ascii {
			length = int64(utf8.RuneCount(s))
		}
		if kw.MinLength != 0 && length < kw.MinLength {
			w.add(n, RuleMinLength, shortString(s))
		}
		if kw.MaxLength >= 0 && length > kw.MaxLength {
			w.add(n, RuleMaxLength, shortString(s))
		}
	}
	if n.pattern != nil && !n.pattern.match(s) {
		w.add(n, RulePattern, shortString(s))
	}
	if n.format != nil && !n.format(s, ascii) {
		w.add(n, RuleFormat, shortString(s))
	}
}

// numberChecks applies minimum, maximum and multipleOf to d, exactly. raw is the value's text:
// a number as written, or (quoted) the string that held it.
func (w *walker) numberChecks(n *node, d *decimal.Decimal, raw []byte, quoted bool) {
	var broken [3]string
	k := 0
	if n.min != nil && d.Cmp(n.min) < 0 {
		broken[k] = RuleMinimum
		k++
	}
	if n.max != nil && d.Cmp(n.max) > 0 {
		broken[k] = RuleMaximum
		k++
	}
	if n.places >= 0 && d.Places() > n.places {
		broken[k] = RuleMultipleOf
		k++
	}
	if k == 0 {
		return
	}
	shown := shortText(raw)
	if quoted {
		shown = shortString(raw)
	}
	for _, rule := range broken[:k] {
		w.add(n, rule, shown)
	}
}

// object walks an object's members: declared properties against their schemas, others as
// additionalProperties says (strict mode reports those the schema says nothing about), then
// the required names that are missing.
func (w *walker) object(n *node) {
	sc := w.sc
	sc.EnterObject()
	var seen uint64 // a bit per field of n: its duplicates are told apart here, the others by sc
	for {
		key, ok := sc.NextKeyUnchecked()
		if !ok {
			break
		}
		f := n.fieldBytes(key)
		if f == nil {
			sc.CheckKey()
		} else {
			if seen&f.bit != 0 {
				sc.RepeatedKey()
			}
			seen |= f.bit
		}
		w.judge(n, f)
	}
	if sc.Err() == nil {
		w.missing(n, seen)
	}
}

// judge judges the value at the scanner of a member of an object of n: f is the property it
// declares (nil when it declares none).
func (w *walker) judge(n *node, f *field) {
	sc := w.sc
	if f != nil && f.node != nil {
		w.value(f.node)
		return
	}
	switch n.additional {
	case additionalSchema:
		w.value(n.extra)
	case additionalFalse:
		if shown, ok := w.skipShown(); ok {
			w.add(n, RuleAdditionalProperties, shown)
		}
	case additionalOpen:
		if !w.opts.Strict || n.kind != kindObject {
			sc.Skip()
			break
		}
		if shown, ok := w.skipShown(); ok {
			w.add(n, RuleUndeclaredProperty, shown)
		}
	default:
		sc.Skip()
	}
}

// missing reports the required properties of n that seen (a bit per field) lacks.
func (w *walker) missing(n *node, seen uint64) {
	if seen&n.requiredBits == n.requiredBits {
		return
	}
	for i, name := range n.required {
		if seen&n.requiredBit[i] == 0 {
			w.addAt(n, RuleRequired, "", name)
		}
	}
}

// members judges an object already split into its members, with unique keys and well-formed
// values, against n, exactly as value judges the object's text: each value read on its own.
func (w *walker) members(n *node, members []jsonscan.Member) {
	switch {
	case n == nil || n.empty:
		return
	case len(n.allOf) > 0:
		for _, part := range n.allOf {
			w.members(part, members)
		}
		return
	case n.kw.Enum != nil:
		w.add(n, RuleEnum, shortKind(true, 0))
		return
	case !n.permits(kindObject):
		w.add(n, RuleType, shortKind(true, 0))
		return
	}
	var seen uint64
	for _, m := range members {
		f := n.fieldBytes(m.Key)
		if f != nil {
			seen |= f.bit
		}
		w.sc.Reset(m.Value, jsonscan.Options{}) // read strictly already
		w.body, w.member = m.Value, m.Key
		w.judge(n, f)
	}
	w.member = nil
	w.missing(n, seen)
}

// skipShown reads any value and returns it rendered as a Violation's Value.
func (w *walker) skipShown() (string, bool) {
	switch w.sc.Peek() {
	case jsonscan.String:
		s, ok := w.sc.ReadString()
		return shortString(s.Value), ok
	case jsonscan.Object:
		_, ok := w.sc.Skip()
		return shortKind(true, 0), ok
	case jsonscan.Array:
		items, ok := w.countItems()
		return shortKind(false, items), ok
	}
	raw, ok := w.sc.Skip()
	return shortText(raw), ok
}

// countItems reads an array and returns how many items it has.
func (w *walker) countItems() (int, bool) {
	sc := w.sc
	if !sc.EnterArray() {
		return 0, false
	}
	items := 0
	for sc.NextItem() {
		items++
		sc.Skip()
	}
	return items, sc.Err() == nil
}

// array walks an array's items and then checks its length and, when asked, that no item is
// there twice (items compared as JSON values: strings decoded, numbers by their text, objects
// whatever their key order).
func (w *walker) array(n *node) {
	sc := w.sc
	sc.EnterArray()
	var keysBuf [8][]byte
	keys := keysBuf[:0]
	var seen map[string]struct{}
	items, duplicate := 0, false
	for sc.NextItem() {
		items++
		sc.Peek()
		start := sc.Offset()
		w.value(n.items)
		if !n.unique || duplicate || sc.Err() != nil {
			continue
		}
		key := uniqueKey(w.body[start:sc.Offset()])
		switch {
		case seen != nil:
			_, duplicate = seen[string(key)]
			seen[string(key)] = struct{}{}
		case len(keys) < 16:
			for _, k := range keys {
				if bytes.Equal(k, key) {
					duplicate = true
				}
			}
			keys = append(keys, key)
		default:
			seen = make(map[string]struct{}, 64)
			for _, k := range keys {
				seen[string(k)] = struct{}{}
			}
			_, duplicate = seen[string(key)]
			seen[string(key)] = struct{}{}
		}
	}
	if sc.Err() != nil {
		return
	}
	if int64(items) < n.kw.MinItems {
		w.add(n, RuleMinItems, shortKind(false, items))
	}
	if n.kw.MaxItems >= 0 && int64(items) > n.kw.MaxItems {
		w.add(n, RuleMaxItems, shortKind(false, items))
	}
	if duplicate {
		w.add(n, RuleUniqueItems, shortKind(false, items))
	}
}
