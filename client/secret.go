package client

import (
	"fmt"
	"log/slog"

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

// redactError returns err fit to return to a caller: see safeError.
func (c *config) redactError(err error) error { return safeError(c.key, err) }
