package contracttest

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/lakipay/checkout-go/client"
)

// Shopper is a shopper's browser on the fake's hosted payment page: it opens a session's
// checkout_url over HTTP, reads the page, picks one of the mediums the page offers and
// presses Pay or Cancel, and reports where the page redirected the browser, without
// following the redirect. It drives the same page and form a person would, so a test of a
// merchant's flow needs no hand-built form posts. Get one from [Server.Shopper] or
// [NewShopper]; it is safe for concurrent use.
type Shopper struct {
	hc *http.Client
}

// NewShopper returns a shopper whose browser is hc (nil: a client with
// [http.DefaultTransport]), for a fake served on a listener of your own ([NewFake]). The
// client is copied and never follows redirects.
func NewShopper(hc *http.Client) *Shopper { return &Shopper{hc: noRedirects(hc)} }

// CheckoutPage is the hosted payment page as the shopper sees it.
type CheckoutPage struct {
	// URL is the page's address, the session's checkout_url.
	URL string
	// Amount is the charge as the page shows it, with two decimals ("1000.50").
	Amount string
	// Currency is the charge's currency ("ETB").
	Currency string
	// Description is the checkout's description; "" when it has none.
	Description string
	// Reference is the merchant's reference of the checkout.
	Reference string
	// Mediums are the payment methods offered, in the page's order; none when the page
	// offers no payment.
	Mediums []client.Medium
	// Payable reports whether the page shows the Pay and Cancel buttons: false once the
	// session is final.
	Payable bool
	// Notice is what the page says besides the charge ("This checkout is already SUCCESS;
	// it cannot be paid again."); "" when it says nothing more.
	Notice string

	action *url.URL // where the form posts
}

// maxPageBytes bounds how much of a page the shopper reads.
const maxPageBytes = 1 << 20

// Open loads the page at checkoutURL. A checkout the fake does not know is an error
// wrapping [ErrUnknownTransaction]; a final one is a page with Payable false.
func (sh *Shopper) Open(ctx context.Context, checkoutURL string) (*CheckoutPage, error) {
	u, err := url.Parse(checkoutURL)
	if err != nil || !u.IsAbs() {
		return nil, fmt.Errorf("contracttest: shopper: checkout URL %q is not an absolute URL", checkoutURL)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), http.NoBody)
	if err != nil {
		return nil, fmt.Errorf("contracttest: shopper: %w", err)
	}
	status, page, err := sh.load(req)
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK {
		return nil, pageError(status, page)
	}
	return page, nil
}

// Pay opens the page at checkoutURL, chooses medium and presses Pay. It returns the URL the
// page redirected the browser to: redirects.success when the payment went through,
// redirects.failed when the provider declined it ([Fake.Decline]). A medium the page does
// not offer is an error wrapping [ErrMediumNotOffered] and nothing is submitted; a session
// that is already final, one wrapping [ErrFinal].
func (sh *Shopper) Pay(ctx context.Context, checkoutURL string, medium client.Medium) (string, error) {
	page, err := sh.Open(ctx, checkoutURL)
	if err != nil {
		return "", err
	}
	if !page.Payable {
		return "", fmt.Errorf("%w: the page says %q", ErrFinal, page.Notice)
	}
	if !slices.Contains(page.Mediums, medium) {
		return "", fmt.Errorf("%w: %q is not on the page (offered: %s)", ErrMediumNotOffered, medium, joinNames(page.Mediums))
	}
	return sh.submit(ctx, page, medium, "pay")
}

// Cancel opens the page at checkoutURL and presses Cancel. It returns the URL the page
// redirected the browser to, redirects.failed. A session that is already final is an error
// wrapping [ErrFinal].
func (sh *Shopper) Cancel(ctx context.Context, checkoutURL string) (string, error) {
	page, err := sh.Open(ctx, checkoutURL)
	if err != nil {
		return "", err
	}
	if !page.Payable {
		return "", fmt.Errorf("%w: the page says %q", ErrFinal, page.Notice)
	}
	// A browser sends the form's checked radio button with whichever button was pressed.
	return sh.submit(ctx, page, page.Mediums[0], "cancel")
}

// submit posts the page's form as a browser does when the button action is pressed, and
// returns the redirect's target.
func (sh *Shopper) submit(ctx context.Context, page *CheckoutPage, medium client.Medium, action string) (string, error) {
	form := url.Values{"medium": {string(medium)}, "action": {action}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, page.action.String(), strings.NewReader(form.Encode()))
	if err != nil {
		return "", fmt.Errorf("contracttest: shopper: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := sh.hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("contracttest: shopper: %w", err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode == http.StatusSeeOther {
		target, err := resp.Location()
		if err != nil {
			return "", fmt.Errorf("contracttest: shopper: the page redirected without a usable Location: %w", err)
		}
		return target.String(), nil
	}
	answer, err := readPage(req.URL, resp.Body)
	if err != nil {
		return "", err
	}
	return "", pageError(resp.StatusCode, answer)
}

// load sends req and reads the page it answers.
func (sh *Shopper) load(req *http.Request) (int, *CheckoutPage, error) {
	resp, err := sh.hc.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("contracttest: shopper: %w", err)
	}
	defer func() { _ = resp.Body.Close() }()
	page, err := readPage(req.URL, resp.Body)
	return resp.StatusCode, page, err
}

// pageError is the error for a page answered with status: ErrUnknownTransaction for 404,
// ErrFinal for 409, and the page's own words in every case.
func pageError(status int, page *CheckoutPage) error {
	switch status {
	case http.StatusNotFound:
		return fmt.Errorf("%w: the page answered 404: %q", ErrUnknownTransaction, page.Notice)
	case http.StatusConflict:
		return fmt.Errorf("%w: the page answered 409: %q", ErrFinal, page.Notice)
	}
	return fmt.Errorf("contracttest: shopper: the page answered %d: %q", status, page.Notice)
}

// pageTexts are the ids of the page's elements whose text the shopper reads.
var pageTexts = []string{"amount", "currency", "description", "reference", "message", "status"}

// readPage reads the hosted page's HTML: the text of the elements the page marks with an id,
// and its form. The page is the fake's own template, which encoding/xml reads in its HTML
// mode.
func readPage(base *url.URL, body io.Reader) (*CheckoutPage, error) {
	page := &CheckoutPage{URL: base.String()}
	d := xml.NewDecoder(io.LimitReader(body, maxPageBytes))
	d.Strict, d.AutoClose, d.Entity = false, xml.HTMLAutoClose, xml.HTMLEntity
	texts := map[string]string{} // element id → its text
	var (
		capturing string // the id whose text is being read; "" for none
		depth     int    // elements open inside it
		text      strings.Builder
	)
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("contracttest: shopper: the page is not the hosted page's HTML: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if capturing != "" {
				depth++
				continue
			}
			attrs := attrMap(t.Attr)
			switch {
			case t.Name.Local == "form":
				action, err := base.Parse(attrs["action"])
				if err != nil {
					return nil, fmt.Errorf("contracttest: shopper: the page's form posts to %q: %w", attrs["action"], err)
				}
				page.action, page.Payable = action, true
			case t.Name.Local == "input" && attrs["type"] == "radio" && attrs["name"] == "medium":
				page.Mediums = append(page.Mediums, client.Medium(attrs["value"]))
			}
			if id := attrs["id"]; slices.Contains(pageTexts, id) {
				capturing, depth = id, 0
				text.Reset()
			}
		case xml.CharData:
			if capturing != "" {
				text.Write(t)
			}
		case xml.EndElement:
			switch {
			case capturing == "":
			case depth > 0:
				depth--
			default:
				texts[capturing] = strings.Join(strings.Fields(text.String()), " ")
				capturing = ""
			}
		}
	}
	page.Amount, page.Currency = texts["amount"], texts["currency"]
	page.Description, page.Reference = texts["description"], texts["reference"]
	var notice []string
	for _, id := range []string{"message", "status"} {
		if texts[id] != "" {
			notice = append(notice, texts[id])
		}
	}
	page.Notice = strings.Join(notice, " ")
	if page.Payable && len(page.Mediums) == 0 {
		return nil, errors.New("contracttest: shopper: the page's form offers no medium")
	}
	return page, nil
}

// attrMap returns an element's attributes by name. An attribute written without a value
// (checked) has its name as value.
func attrMap(attrs []xml.Attr) map[string]string {
	m := make(map[string]string, len(attrs))
	for _, a := range attrs {
		m[a.Name.Local] = a.Value
	}
	return m
}
