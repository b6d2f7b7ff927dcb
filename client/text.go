package client

import (
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/lakipay/checkout-go/internal/contract"
)

// replacementEscape is how encoding/json writes a byte that is not UTF-8.
var replacementEscape = []byte(`\ufffd`)

// invalidText reports every string of v (a request model, walked by its JSON field names)
// that is not valid UTF-8. encoding/json would send such text with U+FFFD in place of the
// bytes it cannot write, so LakiPay would store and echo a reference other than the
// merchant's: the contract's rule for text ("utf-8") is applied to the value before it is
// encoded, not to the JSON it becomes.
func invalidText(op string, v any) []contract.Violation {
	var out []contract.Violation
	walkText(reflect.ValueOf(v), "", func(pointer string) {
		out = append(out, contract.Violation{Operation: op, In: "request body", Pointer: pointer,
			Rule: contract.RuleUTF8, Reason: contract.ReasonUTF8})
	})
	return out
}

// walkText calls bad with the JSON pointer of every string under v that is not valid UTF-8.
func walkText(v reflect.Value, pointer string, bad func(string)) {
	switch v.Kind() {
	case reflect.String:
		if !utf8.ValidString(v.String()) {
			bad(pointer)
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walkText(v.Elem(), pointer, bad)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			walkText(v.Index(i), pointer+"/"+strconv.Itoa(i), bad)
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			walkText(v.Field(i), pointer+"/"+name, bad)
		}
	}
}
