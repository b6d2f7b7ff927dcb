package spec

import (
	"encoding/json"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

// documentNodes memoises the compiled fast-path validator of each schema ValidateJSON was
// given (*openapi3.Schema → *node). Each schema compiles once, in a compiler of its own, so
// that the compiled operations are never written to after Load.
var documentNodes sync.Map

// ValidateJSON validates a JSON document (for example a webhook body, which is no operation's
// request) against schema. A valid document is proven valid by the validator compiled once
// from the spec (see [Spec.ValidateRequestBody]); anything else is judged by
// [Spec.ValidateValue], so the result is always what ValidateValue would return for the
// decoded document. A body that is not JSON is one violation with the rule "json".
func (s *Spec) ValidateJSON(schema *openapi3.Schema, body []byte, operationID, in string) []Violation {
	if documentNode(schema).document(string(body)) {
		return nil
	}
	var value any
	if err := json.Unmarshal(body, &value); err != nil {
		return []Violation{{Operation: operationID, In: in, Rule: "json", Reason: "not valid JSON: " + err.Error()}}
	}
	return s.ValidateValue(schema, value, operationID, in)
}

func documentNode(schema *openapi3.Schema) *node {
	if n, ok := documentNodes.Load(schema); ok {
		return n.(*node)
	}
	n := (&compiled{schemas: map[*openapi3.Schema]*node{}}).schema(schema)
	actual, _ := documentNodes.LoadOrStore(schema, n)
	return actual.(*node)
}
