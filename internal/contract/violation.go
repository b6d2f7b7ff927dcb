package contract

import "strings"

// Violation is one broken rule of the contract, as the validator reports it: the fields of
// client.Violation, the one named type of the concept, which documents them. It is an
// unnamed struct type so that client.Violation takes its values as they are, with no copy of
// its declaration here; [Field], [ErrorKey] and [Format] read it.
type Violation = struct {
	Operation, In, Pointer, Rule, Reason, Value, Location string
}

// Field returns the field v concerns in the dotted form LakiPay uses in its error envelope
// ("redirects.success", "supported_mediums.1"), or In when v is not about a body field.
func Field(v Violation) string {
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

// ErrorKey returns the key of the error envelope's errors map that reports v, as
// openapi.yaml's ErrorEnvelope decides it: a body field by its name in LakiPay's field table,
// a field of a nested object dotted ("redirects.success"), never an array index (an item of
// supported_mediums is reported under "supported_mediums"); a path parameter by its name
// ("id"); a header by its name in lower snake case without an X- prefix ("api_key" for
// X-API-Key, as LakiPay's own example writes it; "content_type"); anything else about a body
// as a whole as "body". Field says where exactly, index included.
func ErrorKey(v Violation) string {
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

// Format renders v on one line:
// `createCheckout: request body /currency: pattern: must be three upper-case letters, ... (got "etb"; rule at openapi.yaml#/...)`.
func Format(v Violation) string {
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
