package contracttest

import (
	"net/http"

	"github.com/lakipay/checkout-go/client"
	"github.com/lakipay/checkout-go/internal/fake/page"
)

// servePage shows the hosted payment page of a session.
func (f *Fake) servePage(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	s, ok := f.sessions.byToken[r.PathValue("token")]
	var data page.Data
	if ok {
		data = pageOf(s)
		data.Action = r.URL.Path
		f.noteLocked(s, event{Kind: eventPageOpened})
	}
	f.mu.Unlock()
	if !ok {
		page.Render(w, http.StatusNotFound, page.Data{Title: "Checkout not found", Message: "This checkout link is not valid."})
		return
	}
	page.Render(w, http.StatusOK, data)
}

// submitPage takes the shopper's choice: action=pay with a medium of the session, or
// action=cancel; it answers 303 See Other to the session's redirect.
func (f *Fake) submitPage(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	if err := r.ParseForm(); err != nil {
		page.Render(w, http.StatusBadRequest, page.Data{Title: "Bad request", Message: "The form could not be read."})
		return
	}
	f.mu.Lock()
	s, ok := f.sessions.byToken[r.PathValue("token")]
	if !ok {
		f.mu.Unlock()
		page.Render(w, http.StatusNotFound, page.Data{Title: "Checkout not found", Message: "This checkout link is not valid."})
		return
	}
	data := pageOf(s)
	data.Action = r.URL.Path
	if s.final() {
		f.mu.Unlock()
		data.Message = "This checkout is already " + string(s.status) + "."
		page.Render(w, http.StatusConflict, data)
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
			page.Render(w, http.StatusBadRequest, data)
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
		page.Render(w, http.StatusBadRequest, data)
		return
	}
	f.mu.Unlock()
	if err != nil { // the checks above make this unlikely; never redirect on a failed change
		page.Render(w, http.StatusConflict, page.Data{Title: "Checkout", Message: err.Error()})
		return
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// pageOf renders a session for the page; the caller holds f.mu.
func pageOf(s *session) page.Data {
	d := page.Data{
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
