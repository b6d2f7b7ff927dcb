package contracttest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/lakipay/checkout-go/internal/spec"
)

// undeclaredProperties walks a decoded response body against its schema and reports every
// object property the schema does not declare, where the schema does not say whether extra
// properties are allowed (kin-openapi lets them pass silently).
func undeclaredProperties(s *spec.Spec, ex *spec.Exchange, status int, header http.Header, body []byte) []Violation {
	route := s.Operation(ex.Operation)
	if route == nil || !strings.HasPrefix(header.Get("Content-Type"), "application/json") {
		return nil
	}
	resp := route.Operation.Responses.Status(status)
	if resp == nil {
		resp = route.Operation.Responses.Default()
	}
	if resp == nil || resp.Value == nil {
		return nil
	}
	media := resp.Value.Content.Get("application/json")
	if media == nil || media.Schema == nil {
		return nil
	}
	var value any
	if err := json.Unmarshal(body, &value); err != nil {
		return nil // ValidateResponse already reports a body that is not JSON
	}
	w := walker{op: ex.Operation}
	w.walk(media.Schema, value, nil)
	return w.out
}

type walker struct {
	op  string
	out []Violation
}

func (w *walker) walk(ref *openapi3.SchemaRef, value any, at []string) {
	if ref == nil || ref.Value == nil {
		return
	}
	switch v := value.(type) {
	case map[string]any:
		props, additional, open := objectShape(ref)
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys) // deterministic order of reports
		for _, k := range keys {
			child := append(slices.Clip(at), k)
			if p, ok := props[k]; ok {
				w.walk(p, v[k], child)
				continue
			}
			if additional != nil {
				w.walk(additional, v[k], child)
				continue
			}
			if open {
				w.out = append(w.out, Violation{
					Operation: w.op, In: "response body", Pointer: spec.Pointer(child...), Rule: "undeclared property",
					Reason: "the spec does not declare this property (strict mode)",
					Value:  spec.ShortValue(v[k]),
				})
			}
		}
	case []any:
		items := ref.Value.Items
		for _, sub := range ref.Value.AllOf {
			if items == nil && sub.Value != nil {
				items = sub.Value.Items
			}
		}
		for i, item := range v {
			w.walk(items, item, append(slices.Clip(at), strconv.Itoa(i)))
		}
	}
}

// objectShape merges the properties of a schema and its allOf parts. additional is the schema
// of extra properties when one is given; open is true when extra properties are neither
// described nor forbidden (the case strict mode reports).
func objectShape(ref *openapi3.SchemaRef) (props map[string]*openapi3.SchemaRef, additional *openapi3.SchemaRef, open bool) {
	props = map[string]*openapi3.SchemaRef{}
	open = true
	var visit func(*openapi3.SchemaRef)
	visit = func(r *openapi3.SchemaRef) {
		if r == nil || r.Value == nil {
			return
		}
		for name, p := range r.Value.Properties {
			props[name] = p
		}
		ap := r.Value.AdditionalProperties
		if ap.Schema != nil {
			additional = ap.Schema
		}
		if ap.Has != nil || ap.Schema != nil {
			open = false // the spec decided; kin-openapi enforces it
		}
		for _, sub := range r.Value.AllOf {
			visit(sub)
		}
	}
	visit(ref)
	return props, additional, open && additional == nil
}

// flatShape reports the older flat body that LakiPay's live API is reported to send
// (success, message, payment_url, reference_id, ... at the top level, no data envelope) as a
// deviation of its own, so it reads as what it is instead of as a pile of schema errors.
func flatShape(operationID string, status int, body []byte) []Violation {
	if !bytes.Contains(body, []byte(`"success"`)) {
		return nil // the common case, without decoding the body again
	}
	var top map[string]json.RawMessage
	if json.Unmarshal(body, &top) != nil {
		return nil
	}
	if _, ok := top["success"]; !ok {
		return nil
	}
	if _, ok := top["data"]; ok {
		return nil
	}
	return []Violation{{
		Operation: operationID, In: "response body", Rule: "envelope",
		Reason:   `the older flat LakiPay shape ("success" at the top level, no "data") instead of the documented {status, message, data} envelope`,
		Location: "openapi.yaml#/components/schemas/" + envelopeSchema(operationID, status),
	}}
}

func envelopeSchema(operationID string, status int) string {
	if status < 200 || status > 299 {
		return "ErrorEnvelope"
	}
	if operationID == "getTransaction" {
		return "TransactionResponse"
	}
	return "CheckoutResponse"
}
