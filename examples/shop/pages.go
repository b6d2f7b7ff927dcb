package shop

import (
	"html/template"
	"net/http"

	"github.com/lakipay/checkout-go/client"
)

// page is what the order page shows.
type page struct {
	Order Order
	// State says in words where the payment stands.
	State string
	// Payable shows the form that starts (or retries) a payment.
	Payable bool
	// Phone is the number the shopper typed; PhoneProblems says what is wrong with it.
	Phone         string
	PhoneProblems []string
	// Notice is a message about the last action ("try again in a minute").
	Notice string
}

// orderPage is the page of order o as it stands.
func orderPage(o Order) page {
	p := page{Order: o, Payable: o.Status != Paid}
	switch {
	case o.Status == Paid:
		p.State = "Paid. Thank you: your order is on its way."
	case o.TransactionID == "":
		p.State = "Not paid yet."
	case o.PaymentStatus == client.TransactionStatusFAILED:
		p.State = "The payment failed. Nothing was charged; you can try again."
	case o.PaymentStatus == client.TransactionStatusCANCELLED:
		p.State = "The payment was cancelled. You can try again."
	default: // INITIATED or PENDING: the shopper may still be paying, or LakiPay confirming
		p.State = "We are waiting for LakiPay to confirm your payment. Refresh this page in a moment."
	}
	return p
}

var orderTemplate = template.Must(template.New("order").Parse(`<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Order {{.Order.ID}}</title></head>
<body>
<h1>Order {{.Order.ID}}</h1>
<p>Total: <strong id="total">{{.Order.Amount}} {{.Order.Currency}}</strong></p>
<p id="state">{{.State}}</p>
{{if .Notice}}<p id="notice" role="alert">{{.Notice}}</p>{{end}}
{{if .Payable}}<form method="post" action="/orders/{{.Order.ID}}/pay">
<label>Phone number (with country code) <input name="phone" value="{{.Phone}}" required></label>
{{range .PhoneProblems}}<p class="problem" role="alert">Phone number: {{.}}</p>
{{end}}<button type="submit">Pay with LakiPay</button>
</form>{{end}}
</body>
</html>
`))

func render(w http.ResponseWriter, status int, p page) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = orderTemplate.Execute(w, p)
}
