package contracttest

import (
	"bytes"
	"net/url"
	"testing"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/internal/fake/page"
)

// FuzzReadPage feeds the shopper's page reader any bytes: it never panics, and a page it
// calls payable always has a form target and a medium to submit.
func FuzzReadPage(f *testing.F) {
	desc := "Tea & <b>cake</b>"
	for _, d := range []page.Data{
		{Title: "LakiPay checkout", Amount: "1000.50", Currency: "ETB", Description: desc, Reference: "R-1",
			Mediums: []client.Medium{client.MediumMPESA, client.MediumCBE}, Action: "/checkout/abc"},
		{Title: "LakiPay checkout", Amount: "1.00", Currency: "ETB", Reference: "R-2", Status: client.TransactionStatusSUCCESS, Final: true},
		{Title: "Checkout not found", Message: "This checkout link is not valid."},
	} {
		var b bytes.Buffer
		if err := page.Write(&b, d); err != nil {
			f.Fatal(err)
		}
		f.Add(b.Bytes())
	}
	f.Add([]byte(`<form action="%zz"><input type="radio" name="medium" value="X">`))
	base, err := url.Parse("http://127.0.0.1/checkout/abc")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		page, err := readPage(base, bytes.NewReader(body))
		if err != nil {
			return
		}
		if page.Payable && (page.action == nil || len(page.Mediums) == 0) {
			t.Fatalf("payable page without a form target or a medium: %+v", page)
		}
	})
}
