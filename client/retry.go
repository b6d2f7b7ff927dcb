package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"syscall"
	"time"
)

// RetryPolicy says how often and how patiently a request is retried; see the package
// documentation for which requests are retried at all.
type RetryPolicy struct {
	// MaxAttempts is the total number of attempts, 1 (no retry) to 10.
	MaxAttempts int
	// BaseDelay is the wait before the second attempt; each later wait doubles, with jitter.
	BaseDelay time.Duration
	// MaxDelay caps every wait, including one asked for by Retry-After: a server asking for a
	// longer wait ends the retries and its *APIError carries RetryAfter.
	MaxDelay time.Duration
}

// DefaultRetryPolicy returns the policy a client uses unless [WithRetry] says otherwise:
// 3 attempts, waits from 500ms doubling up to 10s.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxAttempts: 3, BaseDelay: 500 * time.Millisecond, MaxDelay: 10 * time.Second}
}

const maxAttempts = 10

func (p RetryPolicy) validate() error {
	switch {
	case p.MaxAttempts < 1 || p.MaxAttempts > maxAttempts:
		return fmt.Errorf("lakipay: retry MaxAttempts must be 1 to %d, got %d", maxAttempts, p.MaxAttempts)
	case p.BaseDelay < 0 || p.MaxDelay < 0:
		return errors.New("lakipay: retry delays must not be negative")
	case p.MaxAttempts > 1 && p.BaseDelay == 0:
		return errors.New("lakipay: retry BaseDelay must be positive when MaxAttempts > 1")
	case p.MaxDelay < p.BaseDelay:
		return fmt.Errorf("lakipay: retry MaxDelay (%s) must be at least BaseDelay (%s)", p.MaxDelay, p.BaseDelay)
	}
	return nil
}

// backoff returns the wait after the given failed attempt (1-based): half the exponential
// delay plus a random part of the other half ("equal jitter"), capped by MaxDelay.
func (c *config) backoff(attempt int) time.Duration {
	d := c.retry.BaseDelay
	for i := 1; i < attempt && d < c.retry.MaxDelay; i++ {
		if d > c.retry.MaxDelay/2 {
			d = c.retry.MaxDelay // 2*d would pass it, or overflow when MaxDelay is near the largest Duration
		} else {
			d *= 2
		}
	}
	half := d / 2
	return half + c.jitter(d-half)
}

// doer sends every call: it applies the per-attempt timeout, reads the body through the size
// limit, turns every non-2xx answer into an *APIError and retries what is safe to retry.
type doer struct {
	cfg *config
}

// response is a 2xx answer, its body read in full (at most MaxResponseBytes) and its
// connection released.
type response struct {
	StatusCode int
	Header     http.Header
	body       []byte
	// method and path name the request in errors.
	method, path string
}

// Do sends req, retrying as the policy and the method allow.
func (d *doer) Do(req *http.Request) (*response, error) {
	ctx := req.Context()
	for attempt := 1; ; attempt++ {
		resp, err := d.attempt(req, attempt)
		if err == nil {
			return resp, nil
		}
		if ctx.Err() != nil {
			return nil, d.cfg.redactError(fmt.Errorf("lakipay: %s %s: %w", req.Method, req.URL.Path, ctx.Err()))
		}
		wait, retry := d.shouldRetry(req, err, attempt)
		if !retry {
			return nil, err
		}
		if sleepErr := d.cfg.sleep(ctx, wait); sleepErr != nil {
			// err already starts with "lakipay: "; the message carries the prefix once.
			return nil, d.cfg.redactError(fmt.Errorf("%w (gave up waiting to retry: %w)", err, sleepErr))
		}
	}
}

// shouldRetry decides whether a failed attempt is retried and after how long.
//
// A GET reads and is retried on network errors, 429 and 5xx. A POST creates a checkout
// session: LakiPay has no idempotency key, so it is retried only when the connection was
// refused, which proves no byte reached the server.
func (d *doer) shouldRetry(req *http.Request, err error, attempt int) (time.Duration, bool) {
	if attempt >= d.cfg.retry.MaxAttempts {
		return 0, false
	}
	if req.Body != nil && req.Body != http.NoBody && req.GetBody == nil {
		return 0, false // the body cannot be sent again
	}
	var apiErr *APIError
	switch {
	case errors.As(err, &apiErr):
		if req.Method != http.MethodGet || !apiErr.Retryable() {
			return 0, false
		}
		if apiErr.RetryAfter > 0 {
			return apiErr.RetryAfter, apiErr.RetryAfter <= d.cfg.retry.MaxDelay
		}
	case errors.Is(err, ErrResponseTooLarge):
		return 0, false
	case req.Method != http.MethodGet && !connectionRefused(err):
		return 0, false
	}
	return d.cfg.backoff(attempt), true
}

// connectionRefused reports whether err is a refused dial: the request never left the client.
func connectionRefused(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial" && errors.Is(err, syscall.ECONNREFUSED)
}

// attempt sends req once under the per-attempt timeout and buffers the answer.
func (d *doer) attempt(req *http.Request, n int) (*response, error) {
	ctx, cancel := context.WithTimeout(req.Context(), d.cfg.timeout)
	defer cancel()
	r := req.WithContext(ctx) // a shallow copy: only its Body is replaced below, never its header
	if n > 1 && req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			return nil, d.cfg.redactError(fmt.Errorf("lakipay: %s %s: rewind body: %w", req.Method, req.URL.Path, err))
		}
		r.Body = body
	}
	start := d.cfg.now()
	resp, err := d.cfg.httpClient.Do(r) //nolint:gosec // the URL is the caller-configured API base URL
	var body []byte
	tooLarge := false
	if err == nil {
		body, tooLarge, err = readLimited(resp.Body)
		if closeErr := resp.Body.Close(); err == nil && closeErr != nil {
			err = closeErr
		}
	}
	status := 0
	if resp != nil {
		status = resp.StatusCode
	}
	d.log(r, n, status, start, err)
	if err != nil {
		// net/http quotes what a server sent back in some errors (a malformed status line, a
		// header line without a colon): the chain is rebuilt where it shows the secret.
		return nil, d.cfg.redactError(fmt.Errorf("lakipay: %s %s: %w", req.Method, req.URL.Path, err))
	}
	// The body is kept as received: the answer is data, decoded from these bytes. Only what
	// an error shows of it is redacted (newAPIError).
	if status < 200 || status > 299 {
		return nil, newAPIError(d.cfg.key, status, resp.Header, body, tooLarge, d.cfg.now())
	}
	if tooLarge {
		return nil, d.cfg.redactError(fmt.Errorf("lakipay: %s %s: %w (over %d bytes)", req.Method, req.URL.Path, ErrResponseTooLarge, MaxResponseBytes))
	}
	return &response{StatusCode: status, Header: resp.Header, body: body, method: req.Method, path: req.URL.Path}, nil
}

func (d *doer) log(r *http.Request, attempt, status int, start time.Time, err error) {
	if !d.cfg.logger.Enabled(r.Context(), slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", r.Method),
		slog.String("path", d.cfg.key.Redact(r.URL.Path)), // the caller's id is in it, and may hold anything
		slog.Int("attempt", attempt),
		slog.Duration("elapsed", d.cfg.now().Sub(start)),
	}
	if status != 0 {
		attrs = append(attrs, slog.Int("status", status))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", d.cfg.key.Redact(err.Error())))
	}
	d.cfg.logger.LogAttrs(r.Context(), slog.LevelDebug, "lakipay request", attrs...)
}

// readLimited reads a body up to MaxResponseBytes; tooLarge says there was more.
func readLimited(r io.Reader) (body []byte, tooLarge bool, err error) {
	body, err = io.ReadAll(io.LimitReader(r, MaxResponseBytes+1))
	if len(body) > MaxResponseBytes {
		return body[:MaxResponseBytes], true, err
	}
	return body, false, err
}
