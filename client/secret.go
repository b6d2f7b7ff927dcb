package client

import (
	"fmt"
	"io"
	"log/slog"
	"strconv"

	"github.com/lakipay/checkout-go/internal/apikey"
)

// parseAPIKey reads PUBLICKEY:SECRETKEY (see [New] for the rules).
func parseAPIKey(key string) (apikey.Key, error) {
	k, err := apikey.Parse(key)
	if err != nil {
		return apikey.Key{}, fmt.Errorf("lakipay: %w", err) // wraps apikey.ErrInvalid, which is ErrInvalidAPIKey
	}
	return k, nil
}

// String describes the configuration without the secret.
func (c config) String() string {
	return fmt.Sprintf("client.config{baseURL: %q, key: %q, timeout: %s, retry: %+v, userAgent: %q}",
		c.baseURL, c.key.String(), c.timeout, c.retry, c.userAgent)
}

// GoString is String, so that %#v hides the secret too.
func (c config) GoString() string { return c.String() }

// Format writes String for every verb: fmt would otherwise print unexported fields raw.
func (c config) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// LogValue logs the configuration without the secret.
func (c config) LogValue() slog.Value {
	return slog.GroupValue(slog.String("base_url", c.baseURL), slog.String("key", c.key.String()))
}

// String describes the client (base URL and public key) without the secret. Client's
// formatting methods have value receivers so that a dereferenced Client is covered too.
func (c Client) String() string { return "client.Client{" + c.cfg.String() + "}" }

// GoString is String, so that %#v hides the secret too.
func (c Client) GoString() string { return c.String() }

// Format writes String for every verb: fmt would otherwise print unexported fields raw.
func (c Client) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// LogValue logs the client's base URL and public key, never the secret.
func (c Client) LogValue() slog.Value { return c.cfg.LogValue() }

// redactError returns err, or, when its text holds the secret (a server or a proxy echoed
// the key into something net/http or encoding/json quotes back), an error with the same
// chain whose text has the secret redacted.
func (c *config) redactError(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if shown := c.key.Redact(msg); shown != msg {
		return &redactedError{msg: shown, err: err}
	}
	return err
}

// redactedError is an error whose text had the secret redacted; it unwraps to the original,
// so errors.Is and errors.As still see the cause.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// Format writes the redacted text for every verb (Go syntax for %#v), never the fields of
// the wrapped error.
func (e *redactedError) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'v' && f.Flag('#'):
		_, _ = io.WriteString(f, "&client.redactedError{msg:"+strconv.Quote(e.msg)+"}")
	case verb == 'q':
		_, _ = io.WriteString(f, strconv.Quote(e.msg))
	default:
		_, _ = io.WriteString(f, e.msg)
	}
}
