//go:build tools

// Package tools pins, in this module's go.mod, the versions of what code generated from
// openapi.yaml with oapi-codegen needs: the generator's command (which the README's recipe for
// other Go modules runs, and testdata/consumer and .ci/interop test) and the runtime package its
// generated clients import. Our own pipeline (gen/) calls oapi-codegen as a library; nothing
// in this module imports the runtime, so a module that requires this one gets at least the
// runtime version the spec's generated clients are tested with.
//
// This file is the only Go file of the module's root directory, and must stay so: `go mod
// tidy` reads every build tag, so a package here (the root import path) would bring these
// imports, and with them kin-openapi, x/tools and three YAML modules, into the go.mod of
// every merchant that imports it. The spec's bytes live in internal/specfile for that reason;
// testdata/merchant and gen/merchant_test.go prove a merchant's go.mod stays free of them.
package tools

import (
	_ "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen"
	_ "github.com/oapi-codegen/runtime"
)
