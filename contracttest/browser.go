package contracttest

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
)

// Browser is a person's browser for tests of a merchant's pages (the pay button, the return
// page): it sends GET and form POST requests, keeps the cookies servers set, and never
// follows a redirect, so that a test reads where each one goes (a 303's Location) and opens
// it, or not, as a shopper would. [Shopper] drives the hosted page with the same rules. It is
// safe for concurrent use.
type Browser struct {
	hc *http.Client
}

// NewBrowser returns a browser whose requests go through hc (nil: a client with
// [http.DefaultTransport]). The client is copied, never changed; the copy never follows
// redirects and keeps cookies in hc's jar, or in a jar of its own when hc has none.
func NewBrowser(hc *http.Client) *Browser {
	c := noRedirects(hc)
	if c.Jar == nil {
		c.Jar, _ = cookiejar.New(nil) // only an error with options that carry one
	}
	return &Browser{hc: c}
}

// noRedirects returns a copy of hc (nil: a zero client) that never follows a redirect.
func noRedirects(hc *http.Client) *http.Client {
	c := http.Client{}
	if hc != nil {
		c = *hc
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

// Page is what a [Browser] got for one request.
type Page struct {
	// URL is the address asked for.
	URL string
	// Status is the HTTP status (303 for a redirect: it is not followed).
	Status int
	// Location is where a redirect goes, as an absolute URL ("" when the answer is no
	// redirect).
	Location string
	// Header is the answer's header.
	Header http.Header
	// Body is the answer's body, as sent.
	Body string
}

// Text is the body with HTML's character references resolved ("&amp;" as "&"), as a
// shopper reads the words of a page (its tags are kept).
func (p *Page) Text() string { return html.UnescapeString(p.Body) }

// Get opens target.
func (b *Browser) Get(ctx context.Context, target string) (*Page, error) {
	return b.do(ctx, http.MethodGet, target, nil)
}

// PostForm submits form to target, as a browser submits an HTML form
// (application/x-www-form-urlencoded).
func (b *Browser) PostForm(ctx context.Context, target string, form url.Values) (*Page, error) {
	return b.do(ctx, http.MethodPost, target, form)
}

func (b *Browser) do(ctx context.Context, method, target string, form url.Values) (*Page, error) {
	u, err := url.Parse(target)
	if err != nil || !u.IsAbs() {
		return nil, fmt.Errorf("contracttest: browser: %q is not an absolute URL", target)
	}
	var body io.Reader = http.NoBody
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("contracttest: browser: %w", err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := b.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("contracttest: browser: %w", err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxPageBytes+1))
	if err != nil {
		return nil, fmt.Errorf("contracttest: browser: reading %s: %w", target, err)
	}
	if len(raw) > maxPageBytes {
		return nil, fmt.Errorf("contracttest: browser: %s answered more than %d bytes", target, maxPageBytes)
	}
	p := &Page{URL: u.String(), Status: resp.StatusCode, Header: resp.Header, Body: string(raw)}
	if loc, err := resp.Location(); err == nil {
		p.Location = loc.String()
	}
	return p, nil
}
