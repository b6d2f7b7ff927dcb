// Package contract is openapi.yaml compiled into Go: it validates requests, responses and
// webhooks against the spec without parsing OpenAPI, YAML or JSON Schema at run time. It
// imports only the standard library and packages jsonscan and decimal; a test fails if that
// changes.
//
// contractgen (a step of the generation pipeline, make generate) reads openapi.yaml with
// kin-openapi at build time and writes contract.gen.go: every operation (operationId, method,
// path template, security header, path parameters, request body, each declared response with
// its headers, content types and body schema), the webhook callback's body, and every schema
// with exactly the keywords openapi.yaml uses, each named after where it lives in openapi.yaml.
// Regular expressions come with their DFA, built at generation time. At run time the data is
// compiled once, on first use.
//
// # Entry points
//
// [ValidateRequest] judges a request by method, escaped path, headers and body;
// [ValidateParameter] one path parameter; [ValidateResponse] a response of an operation;
// [ValidateWebhook] a webhook body, and [ValidateWebhookMembers] one a strict scan has split
// into its fields already (the SDK's, which reads a webhook once). Each returns every
// [Violation], nil when there is none.
// [Options] add strict mode (undeclared properties of open objects are reported), lenient
// amounts (an amount may be a string holding a decimal number, as LakiPay sometimes writes
// them), open enums (a string outside its enum is a value LakiPay added, not a violation: the
// SDK's reading of what LakiPay sends) and exact routing under a base path.
//
// # String formats
//
// [StringFormats] is the one table of the string formats the contract checks (uri, date-time,
// date, email), each with its check and its reason. internal/spec registers the same checks
// with kin-openapi, and the generation pipeline maps each format to the Go type the table
// names (string, or time.Time for date-time), so the contract, the reference and the
// generated models never disagree on a value. A format the table does not name is not
// checked, as kin-openapi treats a format it has no validator for.
//
// # Same verdicts as the spec
//
// The violations are those kin-openapi reports with this module's options (all errors at
// once, the formats of [StringFormats] checked with its checks, schema details left out),
// after internal/spec maps them: the same field (JSON pointer), rule (the schema keyword),
// offending value and location in openapi.yaml, judged in the same order (null, allOf, enum,
// then the checks of the value's type). internal/spec's verdict tests and fuzz targets hold
// the compiled contract to that, case by case. Reasons are the contract's own: words a person
// can read and a shop could show ("must be three upper-case letters, an ISO 4217 code such as
// ETB"), never a regular expression; Rule keeps the keyword for code.
//
// # What the contract adds to JSON Schema, and why
//
// These rules apply everywhere (request, response and webhook bodies), and the spec verdict
// applies them too, decided independently of this package:
//
//   - A body must be exactly one well-formed JSON value (rule "json"): kin-openapi's decoder
//     reads the first value and ignores what follows, so `{...} garbage` would pass.
//   - Text must be valid UTF-8, without \u escapes of lone UTF-16 surrogates (rule "utf-8"):
//     encoding/json silently replaces both with U+FFFD, so two different references would be
//     stored, echoed and signed as the same text.
//   - An object must not repeat a key, at any depth, keys compared after decoding escapes
//     (rule "duplicate key", at the repeated member): encoding/json keeps the last value, so
//     `"amount":0.01,"amount":20` would be validated as one amount and charged as another by a
//     reader that keeps the first.
//   - Numbers are judged exactly on their decimal text, never through float64 (rules minimum,
//     maximum and multipleOf): 1.0000000000000001 and 0.001 have more than two decimal places,
//     999999999999.991 is above the maximum and 1e400 is a number far above it, where
//     kin-openapi rounds the first three into range and cannot convert the last. Bounds are
//     shown as written in openapi.yaml, never in exponent form.
//   - Every response status is judged, redirects included (kin-openapi skips 301, 304, 307
//     and 308), and a response header that breaks its schema does not hide the body's
//     violations.
//
// A body that breaks one of the first three rules is that one violation, with the pointer of
// where it broke: its schema is not judged, since no reader can agree on its values.
//
// # What contractgen implements
//
// OpenAPI 3.0.x only. Schemas: type (one of string, number, object, array, boolean),
// nullable, enum (strings), format (any on strings, checked when [StringFormats] names it;
// double and float on numbers, which kin-openapi does not check), pattern, minLength, maxLength, minimum,
// maximum, multipleOf (1, 0.1, 0.01, ...), required (at most 64), properties,
// additionalProperties (false, true or a schema), items, minItems, maxItems, uniqueItems, and
// allOf as a wrapper (a schema whose only validating keyword is allOf, over string, number or
// boolean parts: the "$ref plus description" idiom); $ref to components/schemas; descriptions,
// examples and extensions are read as documentation. Operations: path parameters (style
// simple, string schemas), one apiKey header security scheme or none, request bodies and
// responses with application/json content, response headers (string schemas), status codes
// and default (not 301, 304, 307 or 308, which kin-openapi cannot judge), one webhook
// callback (a POST with security: []). Anything else (oneOf, anyOf, not, integer, exclusive
// bounds, defaults, readOnly, discriminators, query parameters, other media types, recursive
// schemas, keywords a future kin-openapi adds, ...) makes contractgen fail, naming the keyword
// and where it is, so that a change to openapi.yaml can never silently weaken validation.
//
// # Decisions
//
//   - Decision: violations of one part are ordered by field (JSON pointer), and for one field
//     in the order kin-openapi checks the keywords; a request's route, X-API-Key and path
//     parameters come before its body.
//   - Decision: the rules outside a body are named precisely: "security" (In "header
//     X-API-Key"), "content type" (In "header Content-Type"), "required" for a missing request
//     body, "undeclared operation" (In "route"), "undeclared status" (In "status"). A header's
//     value is never shown (it may hold the secret key), except Content-Type's.
//   - Decision: a path parameter's and a response header's rules are located at their own
//     schema in openapi.yaml (".../parameters/0/schema/maxLength"), which internal/spec's
//     index does not cover.
//   - Decision: a Value is cut at 80 bytes on a character boundary (with "..."), never in the
//     middle of a UTF-8 sequence.
//   - Decision: format date-time refuses a leap second (23:59:60), which RFC 3339 and
//     kin-openapi allow: time.Time, the type of every generated date-time field, cannot hold
//     it, and a value the contract accepts must never fail to decode.
//   - Decision: format email is an unquoted RFC 5321 mailbox (dot-atoms, a domain of
//     hostname labels, at most 254 characters); "a b@example.com" is not one.
//   - Decision: strict mode applies to objects whose schema is of type object; a value whose
//     type is already wrong is not searched for undeclared properties.
package contract
