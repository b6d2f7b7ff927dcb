// Package gen holds the models and the low-level client that oapi-codegen generates from
// openapi.yaml, and the spec itself, embedded. This file holds the module's go:generate lines;
// every other file is generated: change openapi.yaml (or oapi-codegen.yaml) and run
// `go generate ./...`. The second line writes openapi-3.1.yaml, the OpenAPI 3.1 rendition of
// the contract for generators that read webhooks only from 3.1 (see internal/openapi31).
package gen

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config ../oapi-codegen.yaml ../openapi.yaml
//go:generate go run ../internal/openapi31 ../openapi.yaml ../openapi-3.1.yaml
