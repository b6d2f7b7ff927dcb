// Package page is the fake LakiPay's hosted payment page: HTML from html/template (so that
// everything a merchant typed is escaped), whose words are in elements with ids (amount,
// currency, description, reference, message, status) and whose form posts medium and
// action=pay or action=cancel to the page's own address.
package page

import (
	"html/template"
	"io"
	"net/http"

	"github.com/lakipay/checkout-go/client"
)

// Data is what the hosted page shows.
type Data struct {
	Title       string
	Amount      string
	Currency    string
	Description string
	Reference   string
	Mediums     []client.Medium
	Status      client.TransactionStatus
	Final       bool
	Message     string
	Action      string
}

var tmpl = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{{.Title}}</title></head>
<body>
<main>
<h1>{{.Title}}</h1>
{{if .Message}}<p id="message" role="alert">{{.Message}}</p>{{end}}
{{if .Amount}}<p>Amount: <strong id="amount">{{.Amount}}</strong> <span id="currency">{{.Currency}}</span></p>
{{if .Description}}<p id="description">{{.Description}}</p>{{end}}
<p>Reference: <span id="reference">{{.Reference}}</span></p>{{end}}
{{if .Final}}<p id="status">This checkout is already {{.Status}}; it cannot be paid again.</p>
{{else if .Action}}<form id="pay" method="post" action="{{.Action}}">
<fieldset><legend>Pay with</legend>
{{range $i, $m := .Mediums}}<label><input type="radio" name="medium" id="medium-{{$m}}" value="{{$m}}"{{if eq $i 0}} checked{{end}}> {{$m}}</label>
{{end}}</fieldset>
<button type="submit" id="pay-button" name="action" value="pay">Pay</button>
<button type="submit" id="cancel-button" name="action" value="cancel">Cancel</button>
</form>{{end}}
</main>
</body>
</html>
`))

// Write writes the page showing d.
func Write(w io.Writer, d Data) error { return tmpl.Execute(w, d) }

// Render answers the page showing d with status, as text/html that no cache keeps.
func Render(w http.ResponseWriter, status int, d Data) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = Write(w, d)
}
