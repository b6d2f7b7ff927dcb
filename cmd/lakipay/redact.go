package main

import (
	"io"

	"github.com/lakipay/checkout-go/internal/apikey"
)

// redactor removes secrets from everything the CLI writes. The SDK already keeps the key out
// of its errors and logs; this is the second line of defence for text the CLI does not
// control (a server's log line, a value that happens to hold the secret). It knows only keys
// that parsed: a malformed key is refused before it is used, and redacting the "secret" of a
// key such as ":" would replace every colon of the output. Every key is registered at
// start-up (runContext), before anything is written, so no lock is needed.
type redactor struct {
	keys []apikey.Key
}

func newRedactor() *redactor { return &redactor{} }

// add registers a parsed key, before the first Write; the zero Key is ignored.
func (r *redactor) add(k apikey.Key) {
	if !k.IsZero() {
		r.keys = append(r.keys, k)
	}
}

// writer wraps w so that every Write shows the registered secrets as the SDK's errors do
// (see [apikey.Key.Redact]): spans that spell a secret, however escaped, are redacted, and
// a Write that still shows 5 of a secret's letters and digits in a row, in any case or
// encoding, is replaced whole by the withheld marker. Each fmt.Fprint, json.Encoder.Encode,
// slog record and tabwriter cell is one Write, so a secret is never split across calls.
func (r *redactor) writer(w io.Writer) io.Writer { return &redactWriter{w: w, r: r} }

type redactWriter struct {
	w io.Writer
	r *redactor
}

func (rw *redactWriter) Write(p []byte) (int, error) {
	keys := rw.r.keys
	out := p
	if len(keys) > 0 {
		text := string(p)
		shown := text
		for _, k := range keys {
			shown = k.Redact(shown)
		}
		if shown != text {
			out = []byte(shown)
		}
	}
	if _, err := rw.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}
