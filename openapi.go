// Package checkout is LakiPay's hosted-checkout contract as this module ships it: the bytes of
// openapi.yaml (OpenAPI 3.0.3, the single source of truth) and of openapi-3.1.yaml (its
// generated 3.1 rendition with a top-level webhook), embedded once for the whole module.
//
// Go code does not parse them at run time: package client validates with the contract
// compiled into Go (go generate), and the contract harness (package contracttest) and the
// lakipay CLI hand these bytes to other teams (lakipay mock serves them under /_mock/). The
// module's tests load them with kin-openapi to prove the compiled contract equal to the spec.
package checkout

import _ "embed" // for the go:embed directives below

// OpenAPI is openapi.yaml, byte for byte.
//
//go:embed openapi.yaml
var OpenAPI string

// OpenAPI31 is openapi-3.1.yaml, the generated 3.1 rendition of OpenAPI, byte for byte.
//
//go:embed openapi-3.1.yaml
var OpenAPI31 string
