// Package lakipayapi holds the LakiPay checkout models and client that this module generates,
// with its own oapi-codegen configuration, from the openapi.yaml of the version of
// github.com/lakipay/checkout-go that go.mod requires. Upgrading that requirement and running
// `go generate ./...` regenerates against the new spec; nothing is copied by hand.
package lakipayapi

// `go list -m` finds the required version's directory in the module cache (or the replace
// target); ${DOLLAR} is go generate's way of writing a literal "$" for sh.
//go:generate sh -c "set -e; dir=${DOLLAR}(go list -m -f '{{.Dir}}' github.com/lakipay/checkout-go); go tool oapi-codegen -config oapi-codegen.yaml \"${DOLLAR}dir/openapi.yaml\""
