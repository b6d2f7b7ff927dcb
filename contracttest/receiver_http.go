package contracttest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// The bounds of the suite's calls to a receiver's application over HTTP.
const (
	effectsCallTimeout = 5 * time.Second  // one read of the effects
	openCallTimeout    = 30 * time.Second // one checkout opened (the application calls the fake)
	maxAppAnswer       = 4 << 10          // what is read of either answer
)

// appClient calls a receiver's application: never following a redirect (its 3xx is the
// answer, and would be a mistake to report).
var appClient = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// EffectsFromURL returns the [EffectsFunc] of a receiver in any language that reports its
// effects over HTTP, as `lakipay webhook test --effects-url` reads them: GET rawURL with
// transaction_id=TXN-... added to its query answers 200 with {"paid": N, "released": N}
// (see [Effects]: both keys required, others ignored; any other answer is an error that
// quotes it). Each call is bounded by 5s. A URL that is not absolute http or https is an
// [*OptionError] naming effectsURL.
func EffectsFromURL(rawURL string) (EffectsFunc, error) {
	u, err := parseAppURL("effectsURL", rawURL)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, transactionID string) (Effects, error) {
		target := *u
		q := target.Query()
		q.Set("transaction_id", transactionID)
		target.RawQuery = q.Encode()
		var e Effects
		err := callApp(ctx, effectsCallTimeout, http.MethodGet, target.String(), &e)
		return e, err
	}, nil
}

// SessionOpenerFromURL returns the [SessionOpener] of a merchant's application in any
// language, as `lakipay webhook test --open-url` calls it: POST rawURL with the body {}
// makes the application open a checkout against the fake the suite drives, as it would for
// a shopper (its own order, reference, amount, mediums and callback_url), and answer 2xx
// with {"transaction_id": "TXN-..."}, the lakipay_transaction_id the checkout got back
// (other keys are ignored; any other answer is an error that quotes it). Each call is
// bounded by 30s. A URL that is not absolute http or https is an [*OptionError] naming
// openURL.
func SessionOpenerFromURL(rawURL string) (SessionOpener, error) {
	u, err := parseAppURL("openURL", rawURL)
	if err != nil {
		return nil, err
	}
	target := u.String()
	return func(ctx context.Context) (string, error) {
		var opened struct {
			TransactionID string `json:"transaction_id"`
		}
		if err := callApp(ctx, openCallTimeout, http.MethodPost, target, &opened); err != nil {
			return "", err
		}
		if opened.TransactionID == "" {
			return "", fmt.Errorf("POST %s answered no transaction_id: want {\"transaction_id\": \"TXN-...\"}", target)
		}
		return opened.TransactionID, nil
	}, nil
}

func parseAppURL(argument, raw string) (*url.URL, error) {
	if _, err := absoluteURL(argument, raw); err != nil {
		return nil, err
	}
	return url.Parse(raw)
}

// callApp calls the application at target (a POST sends {}) and decodes its 2xx JSON answer
// into out; anything else is an error that says what came.
func callApp(ctx context.Context, timeout time.Duration, method, target string, out any) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var body io.Reader
	if method == http.MethodPost {
		body = bytes.NewReader([]byte("{}"))
	}
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := appClient.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, target, err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAppAnswer))
	if err != nil {
		return fmt.Errorf("%s %s: read the answer: %w", method, target, err)
	}
	raw = bytes.TrimSpace(raw)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("%s %s answered HTTP %d: %s", method, target, resp.StatusCode, excerpt(raw))
	}
	if len(raw) == 0 {
		return fmt.Errorf("%s %s answered HTTP %d with no body, want JSON", method, target, resp.StatusCode)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("%s %s answered %s: %w", method, target, excerpt(raw), err)
	}
	return nil
}
