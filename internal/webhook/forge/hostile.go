package forge

import (
	"fmt"
	"strings"

	"github.com/lakipay/checkout-go/internal/webhook"
)

// Hostile is a body anyone can POST to a webhook endpoint, built to cost a verifier as much as
// a body of its size can, and what verifying it must answer.
type Hostile struct {
	// Name says what the body is made of.
	Name string
	// Body is the body.
	Body []byte
	// Want is the error verification answers (webhook.ErrMalformed, ErrInvalidSignature), nil
	// for a genuine body.
	Want error
	// Why is a part of the error's text: the limit or the rule the body breaks.
	Why string
}

// HostileBodies returns the hostile bodies built from genuine, a signed webhook with an
// "amount" and a "currency" field, for a body limit of size bytes (64 KiB: more than the
// limits of webhook allow besides white space): shapes that exceed a limit (each once cost a
// verifier about a hundred times a genuine webhook), and the costliest bodies within every limit that fuzzing and reading the code found, padded
// with white space to size. Two are genuine: genuine padded to size.
func HostileBodies(genuine []byte, size int) []Hostile {
	room := webhook.MaxCompactBytes - len(genuine) - 16 // for a field's content within the limits
	pad := func(body []byte) []byte {
		n := size - len(body)
		if n <= 0 {
			return body
		}
		return append([]byte("{"+strings.Repeat("\t\n\r ", n/4+1)[:n]), body[1:]...) // no run of eight spaces
	}
	with := func(fields ...string) []byte {
		return append([]byte("{"+strings.Join(fields, ",")+","), genuine[1:]...)
	}
	many := func(n int, field func(i int) string) []byte {
		fields := make([]string, n)
		for i := range fields {
			fields[i] = field(i)
		}
		return with(fields...)
	}
	text := func(unit string) []byte {
		return pad(with(`"x":"` + strings.Repeat(unit, room/len(unit)) + `"`))
	}
	number := "-0." + strings.Repeat("7", webhook.MaxNumberLength-3)
	alike := "{" + join(15, func(i int) string { return fmt.Sprintf(`"%s%02d":0`, strings.Repeat("k", 40), i) }) + "}"
	const (
		limit    = "over a limit"
		nestings = 9998 // with the body, 9,999 levels
	)
	malformed, forged := webhook.ErrMalformed, webhook.ErrInvalidSignature
	return []Hostile{
		// Over a limit: each of these once cost a verifier about a hundred times a genuine webhook.
		{"keys-5000", many(5000, func(i int) string { return fmt.Sprintf(`"k%05d":0`, i) }), malformed, limit},
		{"objects-5000-deep", with(`"x":` + strings.Repeat(`{"":`, 5000) + "0" + strings.Repeat("}", 5000)), malformed, limit},
		{"arrays-9999-deep", with(`"x":` + strings.Repeat("[", nestings) + strings.Repeat("]", nestings)), malformed, limit},
		{"arrays-in-currency", replace(genuine, "currency", strings.Repeat("[", nestings)+strings.Repeat("]", nestings)), malformed, limit},
		{"exponents-2500", many(2500, func(i int) string { return fmt.Sprintf(`"e%04d":1e9999999999`, i) }), malformed, limit},
		{"escaped-string-64k", with(`"x":"` + strings.Repeat(`\n`, (size-len(genuine))/2-16) + `"`), malformed, limit},
		{"number-64k", with(`"x":1` + strings.Repeat("0", size-len(genuine)-16)), malformed, limit},
		{"signature-nested", replace(genuine, webhook.SignatureField, strings.Repeat("[", nestings)+strings.Repeat("]", nestings)), malformed, limit},
		// Forged signatures over numbers that have other exact forms (1e3: 1000, 1000.00,
		// 1000.0), which verification tries too.
		{"forged-number-forms", pad(replace(genuine, "amount", "1e3")), forged, ""},
		{"forged-many-numbers", pad(many(webhook.MaxFields-10, func(i int) string { return fmt.Sprintf(`"n%02d":1.5e1`, i) })), forged, ""},
		{"forged-long-numbers", pad(many(webhook.MaxFields-10, func(i int) string { return fmt.Sprintf(`"n%02d":%s`, i, number) })), forged, ""},
		// Keys, sorted and told apart however long and alike.
		{"long-keys", pad(many(webhook.MaxFields-10, func(i int) string {
			return fmt.Sprintf(`"%s%03d":0`, strings.Repeat("k", room/(webhook.MaxFields-10)-12), 99-i)
		})), forged, ""},
		{"alike-nested-keys", pad(with(`"x":{` + join(webhook.MaxFields, func(i int) string {
			return fmt.Sprintf(`"%s%02d":0`, strings.Repeat("k", room/webhook.MaxFields-10), i)
		}) + "}")), forged, ""},
		{"alike-keys-in-many-objects", pad(with(`"x":[` + join(room/(len(alike)+1), func(int) string { return alike }) + "]")), forged, ""},
		{"escaped-keys", pad(with(`"x":{` + join(webhook.MaxFields, func(i int) string {
			return fmt.Sprintf(`"%s%02d":0`, strings.Repeat(`\u006b`, room/webhook.MaxFields/6-2), i)
		}) + "}")), forged, ""},
		{"keys-in-full-objects", pad(with(`"x":[` + join(webhook.MaxValues/webhook.MaxFields-1, func(int) string {
			return "{" + join(webhook.MaxFields-1, func(i int) string { return fmt.Sprintf(`"%02d":0`, i) }) + "}"
		}) + "]")), forged, ""},
		{"long-signature", pad(replace(genuine, webhook.SignatureField, `"`+strings.Repeat("QUJD", room/4)+`"`)), forged, ""},
		// Nesting, values and numbers at their limits, with white space between every token.
		{"values-spaced", pad(with(`"x":[ ` + strings.Repeat("0 , ", webhook.MaxValues-12) + "0 ]")), forged, ""},
		{"numbers-spaced", pad(with(`"x":[ ` + strings.Repeat(number+" , ", room/(len(number)+1)-1) + number + " ]")), forged, ""},
		{"depth-spaced", pad(with(`"x":` + strings.Repeat("[ ", webhook.MaxDepth-2) + `"` + strings.Repeat("y", room-2*webhook.MaxDepth) +
			`"` + strings.Repeat(" ]", webhook.MaxDepth-2))), forged, ""},
		// Strings of the costliest text to read and decode, as long as the limits allow.
		{"plain-text", text("a"), forged, ""},
		{"short-escapes", text(`\n`), forged, ""},
		{"unicode-escapes", text(`\u00e9`), forged, ""},
		{"surrogate-pair-escapes", text(`\ud83d\ude00`), forged, ""},
		{"latin-text", text("é"), forged, ""},
		{"cjk-text", text("日"), forged, ""},
		{"emoji-text", text("😀"), forged, ""},
		{"alternating-escapes", text(`a\n`), forged, ""},
		{"alternating-text", text(`é\n`), forged, ""},
		{"mixed-text", text(`aé\n日😀\u00e9`), forged, ""},
		{"invalid-utf8-last", pad(with(`"x":"` + strings.Repeat("a", room) + "\xff\"")), malformed, "not valid UTF-8"},
		// Genuine, padded with white space to size: accepted.
		{"genuine-spaces", append([]byte("{"+strings.Repeat(" ", size-len(genuine))), genuine[1:]...), nil, ""},
		{"genuine-mixed-white-space", pad(genuine), nil, ""},
	}
}

// join joins n parts, part(i) each, with commas.
func join(n int, part func(i int) string) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = part(i)
	}
	return strings.Join(parts, ",")
}

// replace returns body with the raw value of its top-level field key replaced by raw.
func replace(body []byte, key, raw string) []byte {
	fields, err := webhook.Fields(body)
	if err != nil {
		panic(err) // a genuine body
	}
	for _, f := range fields {
		if string(f.Key) == key {
			return append(append(append([]byte(nil), body[:f.Offset]...), raw...), body[f.Offset+len(f.Value):]...)
		}
	}
	panic("no field " + key)
}
