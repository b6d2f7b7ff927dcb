// Package contractgen compiles openapi.yaml into package contract's contract.gen.go: every
// operation, response, header, parameter and schema as plain Go data, each regular expression
// with its DFA, so that the SDK validates against the spec without parsing it at run time. The
// generation pipeline (gen, `make generate`) runs it.
//
// It implements a closed set of OpenAPI 3.0 constructs (see the package documentation of
// internal/contract) and fails, naming the construct and where it is, on anything else: a
// change to openapi.yaml can never silently weaken validation. A string format outside
// contract.StringFormats is the one exception: it is recorded and not checked, as kin-openapi
// treats a format it has no validator for.
//
// The generated file refers to each schema by a constant named after where the schema lives
// in openapi.yaml (schemaCheckoutRequestCallbackURL), never by its position, and lists schemas
// and patterns sorted, so that a change to one schema changes only the lines that describe it.
package contractgen
