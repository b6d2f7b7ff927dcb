module example.com/merchant

go 1.26.0

require github.com/lakipay/checkout-go v0.0.0-00010101000000-000000000000

require (
	github.com/inconshreveable/mousetrap v1.1.0 // indirect
	github.com/spf13/cobra v1.10.2 // indirect
	github.com/spf13/pflag v1.0.9 // indirect
)

// In a real merchant's module, drop this replace and require a released version instead.
replace github.com/lakipay/checkout-go => ../..

// The LakiPay CLI (`go tool lakipay mock` serves a stateful fake LakiPay for any test).
tool github.com/lakipay/checkout-go/cmd/lakipay
