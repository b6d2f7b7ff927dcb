// Package gen holds the models and the low-level client that oapi-codegen generates from
// openapi.yaml, and the spec itself, embedded. This file holds the only go:generate line;
// every other file is generated: change openapi.yaml (or oapi-codegen.yaml) and run
// `go generate ./...`.
package gen

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config ../oapi-codegen.yaml ../openapi.yaml
