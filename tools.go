//go:build tools

// Package tools pins the versions of the code generators this module runs, so that
// `go generate ./...` uses the version recorded in go.mod.
package tools

import (
	_ "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen"
)
