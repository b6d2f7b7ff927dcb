// Package specfile holds the bytes of the contract files this module ships: openapi.yaml
// (OpenAPI 3.0.3, the single source of truth) and openapi-3.1.yaml (its generated 3.1
// rendition), byte for byte, as the constants [OpenAPI] and [OpenAPI31]. The mock serves them
// under /_mock/ (package contracttest, the lakipay CLI) and the module's tests load them with
// kin-openapi; Go code does not parse them at run time.
//
// They are written into specfile.gen.go by the generation pipeline (gen, `make generate`), not
// embedded from the module root: a package in the root directory is the one tools.go belongs to
// under the "tools" build tag, which `go mod tidy` considers, so importing it would hand every
// merchant that imports contracttest our generators (kin-openapi, oapi-codegen, x/tools and
// three YAML modules) as requirements of their go.mod. `make check-generated` fails when the
// constants differ from the files.
package specfile
