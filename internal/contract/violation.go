package contract

import "strings"

// Violation is one broken rule of the contract.
type Violation struct {
	// Operation is the operationId the exchange belongs to, or "" when no operation matched.
	Operation string
	// In says which part of the exchange broke the rule: "request body", "response body",
	// "webhook body", "header X-API-Key", "header Content-Type", "path parameter id", "status",
	// "route".
	In string
	// Pointer is the JSON pointer of the field within In ("/redirects/success"); "" for the
	// part as a whole.
	Pointer string
	// Rule is the schema keyword or contract rule that was broken ("pattern", "required",
	// "enum", "duplicate key", "undeclared status", ...): one of the Rule constants, for code.
	Rule string
	// Reason says what was expected, in words a person can read and a shop could show
	// ("must be three upper-case letters, an ISO 4217 code such as ETB").
	Reason string
	// Value is the offending value as short JSON text, or "" when there is none to show. It is
	// never a secret: header values are not shown.
	Value string
	// Location is where the rule lives in openapi.yaml, as a JSON pointer
	// ("openapi.yaml#/components/schemas/Currency/pattern"), or "" for a contract rule that
	// openapi.yaml does not state (duplicate keys, UTF-8, well-formed JSON).
	Location string
}

// Field returns the field the violation concerns in the dotted form LakiPay uses in its error
// envelope ("redirects.success", "supported_mediums.1"), or In when the violation is not about
// a body field.
func (v Violation) Field() string {
	if v.Pointer == "" {
		return v.In
	}
	field := strings.TrimPrefix(v.Pointer, "/")
	if strings.ContainsAny(field, "/~") {
		field = strings.ReplaceAll(field, "/", ".")
		field = strings.ReplaceAll(strings.ReplaceAll(field, "~1", "/"), "~0", "~")
	}
	return field
}

// ErrorKey returns the key of the error envelope's errors map that reports the violation, as
// openapi.yaml's ErrorEnvelope decides it: a body field by its name in LakiPay's field table,
// a field of a nested object dotted ("redirects.success"), never an array index (an item of
// supported_mediums is reported under "supported_mediums"); a path parameter by its name
// ("id"); a header by its name in lower snake case without an X- prefix ("api_key" for
// X-API-Key, as LakiPay's own example writes it; "content_type"); anything else about a body
// as a whole as "body". Field says where exactly, index included.
func (v Violation) ErrorKey() string {
	if v.Pointer != "" {
		segments := strings.Split(strings.TrimPrefix(v.Pointer, "/"), "/")
		for i, seg := range segments {
			if i > 0 && isIndex(seg) {
				segments = segments[:i]
				break
			}
			segments[i] = strings.ReplaceAll(strings.ReplaceAll(seg, "~1", "/"), "~0", "~")
		}
		return strings.Join(segments, ".")
	}
	if name, ok := strings.CutPrefix(v.In, "path parameter "); ok {
		return name
	}
	if name, ok := strings.CutPrefix(v.In, "header "); ok {
		name = strings.ToLower(name)
		name = strings.TrimPrefix(name, "x-")
		return strings.ReplaceAll(name, "-", "_")
	}
	return "body"
}

// isIndex reports whether a JSON pointer segment is an array index.
func isIndex(seg string) bool {
	return seg != "" && strings.Trim(seg, "0123456789") == ""
}

// String renders the violation on one line:
// `createCheckout: request body /currency: pattern: must be three upper-case letters, ... (got "etb"; rule at openapi.yaml#/...)`.
func (v Violation) String() string {
	var b strings.Builder
	if v.Operation != "" {
		b.WriteString(v.Operation)
		b.WriteString(": ")
	}
	b.WriteString(v.In)
	if v.Pointer != "" {
		b.WriteByte(' ')
		b.WriteString(v.Pointer)
	}
	b.WriteString(": ")
	b.WriteString(v.Rule)
	if v.Reason != "" {
		b.WriteString(": ")
		b.WriteString(v.Reason)
	}
	if v.Value != "" || v.Location != "" {
		b.WriteString(" (")
		if v.Value != "" {
			b.WriteString("got ")
			b.WriteString(v.Value)
		}
		if v.Location != "" {
			if v.Value != "" {
				b.WriteString("; ")
			}
			b.WriteString("rule at ")
			b.WriteString(v.Location)
		}
		b.WriteByte(')')
	}
	return b.String()
}
