package client

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"

	"github.com/lakipay/checkout-go/internal/spec"
)

// apiKey holds PUBLICKEY:SECRETKEY. Every way of printing it shows the public half only.
type apiKey struct {
	public, secret string
}

func parseAPIKey(key string) (apiKey, error) {
	if err := spec.CheckAPIKey(key); err != nil {
		return apiKey{}, fmt.Errorf("lakipay: %w: %w", ErrInvalidAPIKey, err)
	}
	public, secret, _ := strings.Cut(key, ":") // CheckAPIKey made sure the colon is there
	return apiKey{public: public, secret: secret}, nil
}

// header returns the X-API-Key header value.
func (k apiKey) header() string { return k.public + ":" + k.secret }

// String shows the public half and hides the secret.
func (k apiKey) String() string { return k.public + ":" + redacted }

// GoString is String, so that %#v hides the secret too.
func (k apiKey) GoString() string { return k.String() }

// Format writes String for every verb.
func (k apiKey) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(k.String())) }

// LogValue logs String.
func (k apiKey) LogValue() slog.Value { return slog.StringValue(k.String()) }

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

// redact replaces every occurrence of the secret in b, for bodies a server echoes back.
func (k apiKey) redact(b []byte) []byte {
	if k.secret == "" || !bytes.Contains(b, []byte(k.secret)) {
		return b
	}
	return bytes.ReplaceAll(b, []byte(k.secret), []byte(redacted))
}
