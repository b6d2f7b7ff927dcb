package contracttest

import (
	"html/template"
	"net/http"

	"github.com/lakipay/checkout-go/client"
)

// pageData is what the hosted page shows.
type pageData struct {
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

var pageTemplate = template.Must(template.New("page").Parse(`<!DOCTYPE html>
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

// servePage shows the hosted payment page of a session.
func (f *Fake) servePage(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	s, ok := f.sessions.byToken[r.PathValue("token")]
	var data pageData
	if ok {
		data = pageOf(s)
		data.Action = r.URL.Path
		f.noteLocked(s, event{Kind: eventPageOpened})
	}
	f.mu.Unlock()
	if !ok {
		renderPage(w, http.StatusNotFound, pageData{Title: "Checkout not found", Message: "This checkout link is not valid."})
		return
	}
	renderPage(w, http.StatusOK, data)
}

// submitPage takes the shopper's choice: action=pay with a medium of the session, or
// action=cancel; it answers 303 See Other to the session's redirect.
func (f *Fake) submitPage(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	if err := r.ParseForm(); err != nil {
		renderPage(w, http.StatusBadRequest, pageData{Title: "Bad request", Message: "The form could not be read."})
		return
	}
	f.mu.Lock()
	s, ok := f.sessions.byToken[r.PathValue("token")]
	if !ok {
		f.mu.Unlock()
		renderPage(w, http.StatusNotFound, pageData{Title: "Checkout not found", Message: "This checkout link is not valid."})
		return
	}
	data := pageOf(s)
	data.Action = r.URL.Path
	if s.final() {
		f.mu.Unlock()
		data.Message = "This checkout is already " + string(s.status) + "."
		renderPage(w, http.StatusConflict, data)
		return
	}
	var (
		target string
		err    error
	)
	switch r.PostForm.Get("action") {
	case "pay":
		medium := client.Medium(r.PostForm.Get("medium"))
		if !offers(s, medium) {
			f.mu.Unlock()
			data.Message = "Choose one of the payment methods offered: " + mediumList(s) + "."
			renderPage(w, http.StatusBadRequest, data)
			return
		}
		if s.decline {
			err = f.completeLocked(s, medium, client.TransactionStatusFAILED)
			target = s.req.Redirects.Failed
		} else {
			err = f.completeLocked(s, medium, client.TransactionStatusSUCCESS)
			target = s.req.Redirects.Success
		}
	case "cancel":
		err = f.completeLocked(s, "", client.TransactionStatusCANCELLED)
		target = s.req.Redirects.Failed
	default:
		f.mu.Unlock()
		data.Message = `Unknown action: use "pay" or "cancel".`
		renderPage(w, http.StatusBadRequest, data)
		return
	}
	f.mu.Unlock()
	if err != nil { // the checks above make this unlikely; never redirect on a failed change
		renderPage(w, http.StatusConflict, pageData{Title: "Checkout", Message: err.Error()})
		return
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// pageOf renders a session for the page; the caller holds f.mu.
func pageOf(s *session) pageData {
	d := pageData{
		Title:       "LakiPay checkout",
		Amount:      s.req.Amount.String(),
		Currency:    s.req.Currency,
		Reference:   s.req.Reference,
		Mediums:     append([]client.Medium(nil), s.req.SupportedMediums...),
		Status:      s.status,
		Final:       s.final(),
		Description: s.req.Description,
	}
	return d
}

func renderPage(w http.ResponseWriter, status int, data pageData) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = pageTemplate.Execute(w, data)
}
