package contractgen

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/internal/spectest"
)

func readSpec(t *testing.T) []byte {
	t.Helper()
	spec, err := os.ReadFile("../../../openapi.yaml")
	require.NoError(t, err)
	return spec
}

// changedLines counts the lines of a that b lacks and the lines of b that a lacks, each line
// counted as often as it occurs: what a diff of the two would show.
func changedLines(a, b []byte) int {
	count := map[string]int{}
	for _, l := range strings.Split(string(a), "\n") {
		count[l]++
	}
	for _, l := range strings.Split(string(b), "\n") {
		count[l]--
	}
	n := 0
	for _, c := range count {
		n += max(c, -c)
	}
	return n
}

// TestOneSchemaChangeIsLocal is the promise of stable generated diffs: adding a field, or a
// schema, to openapi.yaml changes only the lines of contract.gen.go that describe it, never
// the lines of the schemas that happen to come after it (as positional ids would).
func TestOneSchemaChangeIsLocal(t *testing.T) {
	spec, err := spectest.Normalize(readSpec(t))
	require.NoError(t, err)
	before, err := Generate(context.Background(), spec)
	require.NoError(t, err)
	edits := map[string]struct {
		value string
		path  []string
		most  int
	}{
		// The property's own schema (5 lines), its constant and its entry among the
		// properties; nothing else.
		"a property": {"{type: string, maxLength: 10}", []string{"components", "schemas", "CheckoutRequest", "properties", "a_zz_fixture_only"}, 8},
		// The schema (5 lines) and its constant, which sorts first and so takes "= iota".
		"a schema": {"{type: string, maxLength: 3}", []string{"components", "schemas", "A_zz_fixture_only"}, 8},
		// The schema's keywords line and the pattern's entry (text, final and a line per state).
		"a pattern": {"'^[A-Z_]+$'", []string{"components", "schemas", "ErrorEnvelope", "properties", "error_code", "pattern"}, 10},
	}
	for name, e := range edits {
		t.Run(name, func(t *testing.T) {
			edited, err := spectest.Set(spec, e.value, e.path...)
			require.NoError(t, err)
			after, err := Generate(context.Background(), edited)
			require.NoError(t, err)
			changed := changedLines(before, after)
			assert.Positive(t, changed)
			assert.LessOrEqual(t, changed, e.most, "contract.gen.go changed in %d lines; ids must not depend on positions", changed)
		})
	}
}

// base is the smallest document contractgen accepts: one operation with a body whose schema
// is SCHEMA, a response, and the webhook callback.
const base = `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /things/{id}:
    post:
      operationId: makeThing
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      requestBody:
        required: true
        content:
          application/json:
            schema: SCHEMA
      responses:
        '200': {description: ok}
      callbacks:
        hook:
          '{$request.body#/url}':
            post:
              operationId: hook
              security: []
              requestBody:
                content:
                  application/json:
                    schema: {type: object}
              responses:
                '200': {description: ok}
`

func generateFrom(t *testing.T, doc string) error {
	t.Helper()
	_, err := Generate(context.Background(), []byte(doc))
	return err
}

func TestGeneratorAcceptsWhatItImplements(t *testing.T) {
	for _, schema := range []string{
		`{type: object, additionalProperties: false, required: [a], properties: {a: {type: string, pattern: '^a+$', minLength: 1, maxLength: 3, format: date-time}}}`,
		`{type: array, items: {type: number, minimum: 0, maximum: 10, multipleOf: 0.1, format: double}, minItems: 1, maxItems: 3, uniqueItems: true}`,
		`{type: object, additionalProperties: {type: array, items: {type: boolean, nullable: true}}}`,
		`{type: object, properties: {u: {allOf: [{type: string, format: uri}], description: d}}}`,
		`{type: string, enum: [A, B], description: d, example: A, x-go-type: string}`,
		`{type: object, properties: {e: {type: string, format: email}, z: {type: string, format: zz-unknown}}}`,
	} {
		assert.NoError(t, generateFrom(t, strings.Replace(base, "SCHEMA", schema, 1)), schema)
	}
}

func TestGeneratorFailsOnWhatItDoesNotImplement(t *testing.T) {
	tests := map[string]struct{ doc, want string }{
		"oneOf":              {strings.Replace(base, "SCHEMA", `{oneOf: [{type: string}, {type: number}]}`, 1), `"oneOf"`},
		"anyOf":              {strings.Replace(base, "SCHEMA", `{anyOf: [{type: string}]}`, 1), `"anyOf"`},
		"not":                {strings.Replace(base, "SCHEMA", `{not: {type: string}}`, 1), `"not"`},
		"integer":            {strings.Replace(base, "SCHEMA", `{type: integer}`, 1), "type integer"},
		"exclusive bound":    {strings.Replace(base, "SCHEMA", `{type: number, minimum: 0, exclusiveMinimum: true}`, 1), `"exclusiveMinimum"`},
		"default":            {strings.Replace(base, "SCHEMA", `{type: string, default: x}`, 1), `"default"`},
		"readOnly":           {strings.Replace(base, "SCHEMA", `{type: string, readOnly: true}`, 1), `"readOnly"`},
		"minProperties":      {strings.Replace(base, "SCHEMA", `{type: object, minProperties: 1}`, 1), `"minProperties"`},
		"format on an array": {strings.Replace(base, "SCHEMA", `{type: array, items: {type: string}, format: email}`, 1), "format email on type array"},
		"number enum":        {strings.Replace(base, "SCHEMA", `{type: string, enum: [1]}`, 1), "enum value"},
		"enum on number":     {strings.Replace(base, "SCHEMA", `{type: number, enum: [1]}`, 1), "not of type string"},
		"odd multipleOf":     {strings.Replace(base, "SCHEMA", `{type: number, multipleOf: 0.05}`, 1), "multipleOf 0.05"},
		"pattern escape":     {strings.Replace(base, "SCHEMA", `{type: string, pattern: '^\u0041$'}`, 1), `\u escapes`},
		"allOf with type":    {strings.Replace(base, "SCHEMA", `{type: string, allOf: [{type: string}]}`, 1), "allOf next to other"},
		"allOf of object":    {strings.Replace(base, "SCHEMA", `{allOf: [{type: object}]}`, 1), "allOf part"},
		"properties untyped": {strings.Replace(base, "SCHEMA", `{properties: {a: {type: string}}}`, 1), "not of type object"},
		"type list":          {strings.Replace(base, "SCHEMA", `{type: string, nullable: true, maxLength: 2, minItems: 1}`, 1), "minItems on a schema that is not of type array"},
		"query parameter": {strings.Replace(strings.Replace(base, "SCHEMA", `{type: object}`, 1),
			"- {name: id, in: path, required: true, schema: {type: string}}", "- {name: id, in: path, required: true, schema: {type: string}}\n        - {name: q, in: query, schema: {type: string}}", 1), "a query parameter"},
		"other media type": {strings.Replace(strings.Replace(base, "SCHEMA", `{type: object}`, 1), "          application/json:\n            schema: {type: object}", "          text/plain:\n            schema: {type: string}", 1), "media type text/plain"},
		"status range":     {strings.Replace(strings.Replace(base, "SCHEMA", `{type: object}`, 1), "'200': {description: ok}\n      callbacks", "'2XX': {description: ok}\n      callbacks", 1), `"2XX"`},
		"redirect status":  {strings.Replace(strings.Replace(base, "SCHEMA", `{type: object}`, 1), "'200': {description: ok}\n      callbacks", "'301': {description: moved}\n      callbacks", 1), "status 301"},
		"openapi 3.1":      {strings.Replace(strings.Replace(base, "SCHEMA", `{type: object}`, 1), "openapi: 3.0.3", "openapi: 3.1.0", 1), "OpenAPI 3.1.0"},
		"no webhook":       {noWebhook(), "no webhook"},
		"recursive": {strings.Replace(base, "SCHEMA", `{$ref: '#/components/schemas/Node'}`, 1) +
			"components:\n  schemas:\n    Node: {type: object, properties: {next: {$ref: '#/components/schemas/Node'}}}\n", "recursive"},
		"two security schemes": {strings.Replace(base, "SCHEMA", `{type: object}`, 1) +
			"security: [{a: [], b: []}]\ncomponents:\n  securitySchemes:\n    a: {type: apiKey, in: header, name: A}\n    b: {type: apiKey, in: header, name: B}\n", "security requirement"},
		"cookie key": {strings.Replace(base, "SCHEMA", `{type: object}`, 1) +
			"security: [{a: []}]\ncomponents:\n  securitySchemes:\n    a: {type: apiKey, in: cookie, name: A}\n", "apiKey in a header"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			err := generateFrom(t, tt.doc)
			require.Error(t, err, "contractgen must fail, not skip")
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func noWebhook() string {
	doc := strings.Replace(base, "SCHEMA", `{type: object}`, 1)
	return doc[:strings.Index(doc, "      callbacks:")]
}

func TestEveryKinOpenAPISchemaFieldIsDecided(t *testing.T) {
	// allowFields refuses any set field it was not told about, so a kin-openapi upgrade that
	// adds a keyword makes contractgen fail until someone implements or allows it. This test
	// shows the mechanism works on a field nobody lists.
	err := allowFields("#/x", openapi3.Schema{Title: "t", Discriminator: &openapi3.Discriminator{PropertyName: "k"}}, "Title")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"discriminator"`)
}

// patterns are openapi.yaml's patterns and formats, and some that exercise the DFA's corners
// (unanchored, ^ and $ inside, case folding, alternation, an empty match).
var patterns = []string{
	`^[A-Z]{3}$`, `^[1-9][0-9]{6,14}$`, `^[hH][tT][tT][pP][sS]?://[^\s/?#][^\s]*$`, `^[A-Za-z0-9+/]+={0,2}$`, `^[^&]*$`,
	openapi3.FormatOfStringDate, openapi3.FormatOfStringDateTime,
	`ab`, `a*a$`, `^$`, `(?i)k`, `^[sS]$`, `^ab|cd$`, `x?`, `^(a|b)*abb$`, `\.`, `(?i)straße`, `[^a-z]`,
}

func TestTablesAgreeWithRegexp(t *testing.T) {
	inputs := []string{"", "ETB", "etb", "EUR1", "251911111111", "0251911111111", "https://example.com/x", "HTTPS://E", "http:///x",
		"https://a b", "AB+/cd==", "AB===", "2024-01-15", "2024-01-15T10:30:00Z", "2024-01-15T10:30:00.123+03:00", "2024-13-01T00:00:00Z",
		"aab", "a", "k", "K", "s", "S", "abcd", "xcd", "ab\n", "x", "abababb", ".", "STRASSE", "a&b", "\x7f"}
	for _, p := range patterns {
		tab, ok, err := buildTable(p)
		require.NoError(t, err, p)
		re := regexp.MustCompile(p)
		if !ok {
			continue
		}
		for _, in := range inputs {
			assert.Equal(t, re.MatchString(in), tab.match(in), "%s on %q", p, in)
		}
	}
	for _, p := range patterns[:7] {
		_, ok, err := buildTable(p)
		require.NoError(t, err)
		assert.True(t, ok, "%s runs as a DFA", p)
	}
	_, ok, err := buildTable(`\bfoo`)
	require.NoError(t, err)
	assert.False(t, ok, "word boundaries are left to package regexp")
	_, _, err = buildTable(`(`)
	assert.Error(t, err)
}

func FuzzTables(f *testing.F) {
	f.Add(uint8(0), "ETB")
	f.Add(uint8(6), "2024-01-15T10:30:00Z")
	tables := make([]table, len(patterns))
	for i, p := range patterns {
		tables[i], _, _ = buildTable(p)
	}
	f.Fuzz(func(t *testing.T, which uint8, in string) {
		i := int(which) % len(patterns)
		if tables[i].next == nil {
			return
		}
		for _, c := range []byte(in) {
			if c >= 0x80 {
				return // the validator leaves non-ASCII text to package regexp
			}
		}
		require.Equal(t, regexp.MustCompile(patterns[i]).MatchString(in), tables[i].match(in))
	})
}
