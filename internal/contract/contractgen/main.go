// Command contractgen compiles openapi.yaml into package contract's contract.gen.go: every
// operation, response, header, parameter and schema as plain Go data, each regular expression
// with its DFA, so that the SDK validates against the spec without parsing it at run time.
//
// It implements a closed set of OpenAPI 3.0 constructs (see the package documentation of
// internal/contract) and fails, naming the construct and where it is, on anything else: a
// change to openapi.yaml can never silently weaken validation.
//
// Usage (from internal/contract, as its go:generate line runs it):
//
//	go run ./contractgen -spec ../../openapi.yaml -out contract.gen.go
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
)

func main() {
	specPath := flag.String("spec", "openapi.yaml", "the OpenAPI 3.0 document to compile")
	out := flag.String("out", "contract.gen.go", "the Go file to write")
	flag.Parse()
	src, err := generate(context.Background(), *specPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, "contractgen:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil { //nolint:gosec // generated source, world-readable like any other
		fmt.Fprintln(os.Stderr, "contractgen:", err)
		os.Exit(1)
	}
}
