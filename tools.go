//go:build tools

// Package tools pins, in this module's go.mod, the versions of what code generated from
// openapi.yaml with oapi-codegen needs: the generator's command (which the README's recipe for
// other Go modules runs, and testdata/consumer and .ci/interop test) and the runtime package its
// generated clients import. Our own pipeline (gen/) calls oapi-codegen as a library; nothing
// in this module imports the runtime, so a module that requires this one gets at least the
// runtime version the spec's generated clients are tested with.
package tools

import (
	_ "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen"
	_ "github.com/oapi-codegen/runtime"
)
