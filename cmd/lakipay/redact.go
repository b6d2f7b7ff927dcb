package main

import (
	"bytes"
	"io"
	"strings"
	"sync"
)

// redactor removes secrets from everything the CLI writes. The SDK already keeps the key out
// of its errors and logs; this is the second line of defence for text the CLI does not
// control (an error body that echoes the key, a server's log line).
type redactor struct {
	mu      sync.RWMutex
	secrets [][]byte
}

// redacted replaces a secret in the output.
var redacted = []byte("[REDACTED]")

func newRedactor() *redactor { return &redactor{} }

// addAPIKey registers the secret half of a PUBLICKEY:SECRETKEY key. A key without a colon
// cannot be split, so all of it is treated as secret.
func (r *redactor) addAPIKey(key string) {
	key = strings.TrimSpace(key)
	if key == "" {
		return
	}
	if _, secret, ok := strings.Cut(key, ":"); ok && secret != "" {
		key = secret
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.secrets = append(r.secrets, []byte(key))
}

// writer wraps w so that every Write has the registered secrets replaced. Each fmt.Fprint,
// json.Encoder.Encode and slog record is one Write, so a secret is never split across calls.
func (r *redactor) writer(w io.Writer) io.Writer { return &redactWriter{w: w, r: r} }

type redactWriter struct {
	w io.Writer
	r *redactor
}

func (rw *redactWriter) Write(p []byte) (int, error) {
	rw.r.mu.RLock()
	out := p
	for _, s := range rw.r.secrets {
		if bytes.Contains(out, s) {
			out = bytes.ReplaceAll(out, s, redacted)
		}
	}
	rw.r.mu.RUnlock()
	if _, err := rw.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}
