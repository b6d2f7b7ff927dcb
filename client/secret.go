package client

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/textproto"
	"net/url"
	"os"
	"reflect"
	"slices"
	"syscall"

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

// String describes the configuration without the secret (which the caller's own base URL
// and user agent are redacted of too).
func (c config) String() string {
	return fmt.Sprintf("client.config{baseURL: %q, key: %q, timeout: %s, retry: %+v, userAgent: %q}",
		c.key.Redact(c.baseURL), c.key.String(), c.timeout, c.retry, c.key.Redact(c.userAgent))
}

// GoString is String, so that %#v hides the secret too.
func (c config) GoString() string { return c.String() }

// Format writes String for every verb: fmt would otherwise print unexported fields raw.
func (c config) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// LogValue logs the configuration without the secret.
func (c config) LogValue() slog.Value {
	return slog.GroupValue(slog.String("base_url", c.key.Redact(c.baseURL)), slog.String("key", c.key.String()))
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

// safeError returns err fit to hand to a caller, whose logs and error reporter may show
// anything reachable from it: err itself when nothing reachable from it shows the secret
// (see scrub.clean), otherwise its chain rebuilt so that nothing does. Each error of the
// chain that shows nothing is kept as it is (sentinels and errno values, with their
// identity); one that does is replaced by a copy when it is of a standard type errors.As
// is used on (*url.Error, *net.OpError, *net.DNSError, textproto.ProtocolError, ...),
// with its text fields redacted and what it holds of the connection or the server's
// certificates dropped, or else by a stand-in that shows its redacted text, unwraps to
// its rebuilt chain, answers Timeout and Temporary as it did and errors.Is for [kinds].
func safeError(key apikey.Key, err error) error {
	if key.IsZero() {
		return err
	}
	return scrub{key}.error(err)
}

// scrub rebuilds errors for one key.
type scrub struct{ key apikey.Key }

func (s scrub) error(err error) error {
	if err == nil || s.clean(err) {
		return err
	}
	if c := s.copy(err); c != nil && s.clean(c) {
		return c
	}
	return s.standIn(err)
}

// text is t as it may be shown: see apikey.Key.Redact.
func (s scrub) text(t string) string { return s.key.Redact(t) }

// copy returns a copy of err, of one of the standard types errors.As is used on, that shows
// nothing of the secret; nil for any other type.
func (s scrub) copy(err error) error {
	switch e := err.(type) { //nolint:errorlint // this error itself; its chain is rebuilt one by one
	case *url.Error:
		return &url.Error{Op: s.text(e.Op), URL: s.text(e.URL), Err: s.error(e.Err)}
	case *net.OpError:
		return &net.OpError{Op: s.text(e.Op), Net: s.text(e.Net), Source: s.addr(e.Source), Addr: s.addr(e.Addr), Err: s.error(e.Err)}
	case *net.DNSError:
		return &net.DNSError{UnwrapErr: s.error(e.UnwrapErr), Err: s.text(e.Err), Name: s.text(e.Name), Server: s.text(e.Server),
			IsTimeout: e.IsTimeout, IsTemporary: e.IsTemporary, IsNotFound: e.IsNotFound}
	case *net.AddrError:
		return &net.AddrError{Err: s.text(e.Err), Addr: s.text(e.Addr)}
	case *net.ParseError:
		return &net.ParseError{Type: s.text(e.Type), Text: s.text(e.Text)}
	case *os.SyscallError:
		return &os.SyscallError{Syscall: s.text(e.Syscall), Err: s.error(e.Err)}
	case *fs.PathError:
		return &fs.PathError{Op: s.text(e.Op), Path: s.text(e.Path), Err: s.error(e.Err)}
	case textproto.ProtocolError:
		return textproto.ProtocolError(s.text(string(e)))
	case *textproto.Error:
		return &textproto.Error{Code: e.Code, Msg: s.text(e.Msg)}
	case tls.RecordHeaderError: // the connection is dropped; the five bytes kept only when they show nothing
		c := tls.RecordHeaderError{Msg: s.text(e.Msg)}
		if s.clean(tls.RecordHeaderError{RecordHeader: e.RecordHeader}) {
			c.RecordHeader = e.RecordHeader
		}
		return c
	case *tls.CertificateVerificationError: // the server's certificates are dropped
		return &tls.CertificateVerificationError{Err: s.error(e.Err)}
	}
	return nil
}

// addr returns a, or a stand-in that shows its network and address redacted.
func (s scrub) addr(a net.Addr) net.Addr {
	if a == nil || s.cleanValue(a, a.Network(), a.String()) {
		return a
	}
	return &redactedAddr{network: s.text(a.Network()), address: s.text(a.String())}
}

// redactedAddr stands in for an address that showed the secret.
type redactedAddr struct{ network, address string }

func (a *redactedAddr) Network() string { return a.network }
func (a *redactedAddr) String() string  { return a.address }

// kinds are what callers ask errors.Is about a failed call: a stand-in answers true for
// each the error it replaced matched.
var kinds = []error{
	context.Canceled, context.DeadlineExceeded, os.ErrDeadlineExceeded, io.EOF, io.ErrUnexpectedEOF, net.ErrClosed,
	syscall.ECONNREFUSED, syscall.ECONNRESET, syscall.ECONNABORTED, syscall.EPIPE, syscall.ETIMEDOUT,
	syscall.EHOSTUNREACH, syscall.ENETUNREACH, ErrResponseTooLarge, ErrUnexpectedResponse,
}

// standIn returns an error that shows err's text redacted and unwraps to err's chain
// rebuilt; it is a net.Error when err was one.
func (s scrub) standIn(err error) error {
	base := redacted{msg: s.text(err.Error())}
	for _, k := range kinds {
		if errors.Is(err, k) {
			base.is = append(base.is, k)
		}
	}
	var next []error
	switch x := err.(type) { //nolint:errorlint // what this error itself unwraps to
	case interface{ Unwrap() error }:
		next = []error{s.error(x.Unwrap())}
	case interface{ Unwrap() []error }:
		for _, c := range x.Unwrap() {
			next = append(next, s.error(c))
		}
		if _, isNet := err.(net.Error); !isNet { //nolint:errorlint // this error itself
			return &redactedErrors{redacted: base, next: next}
		}
	}
	single := redactedError{redacted: base, next: errors.Join(next...)}
	if len(next) == 1 {
		single.next = next[0]
	}
	if ne, ok := err.(net.Error); ok { //nolint:errorlint // this error itself
		//nolint:staticcheck // Temporary is deprecated, but the stand-in answers it as the original did
		return &redactedNetError{redactedError: single, timeout: ne.Timeout(), temporary: ne.Temporary()}
	}
	return &single
}

// redacted is what every stand-in for an error that showed the secret holds: its text
// redacted, and the kinds it matched.
type redacted struct {
	msg string
	is  []error
}

func (e *redacted) Error() string { return e.msg }

// Is answers for the kinds the replaced error matched.
func (e *redacted) Is(target error) bool { return slices.Contains(e.is, target) }

// redactedError stands in for an error that wrapped one.
type redactedError struct {
	redacted
	next error
}

func (e *redactedError) Unwrap() error { return e.next }

// redactedErrors stands in for an error that wrapped several.
type redactedErrors struct {
	redacted
	next []error
}

func (e *redactedErrors) Unwrap() []error { return e.next }

// redactedNetError stands in for a net.Error.
type redactedNetError struct {
	redactedError
	timeout, temporary bool
}

func (e *redactedNetError) Timeout() bool   { return e.timeout }
func (e *redactedNetError) Temporary() bool { return e.temporary }

// clean reports whether nothing reachable from err shows the secret: for err and every error
// down its chain, neither what fmt shows of it (see renderings) nor its log/slog value, nor
// any string or byte field reflection reaches, exported or not (what error reporters and
// dumpers show), within a budget; an error too large to check is not clean.
func (s scrub) clean(err error) bool {
	w := walk{s: s, seen: map[visit]bool{}, budget: walkBudget, textBudget: textBudget}
	return w.error(err, 0)
}

// cleanValue reports whether v and texts show nothing of the secret.
func (s scrub) cleanValue(v any, texts ...string) bool {
	w := walk{s: s, seen: map[visit]bool{}, budget: walkBudget, textBudget: textBudget}
	return w.texts(texts...) && w.value(reflect.ValueOf(v), 0)
}

// walkBudget bounds how many values clean visits, textBudget how many bytes of text it
// reads, and maxWalkDepth how deep it follows.
const (
	walkBudget   = 4096
	textBudget   = 1 << 20
	maxWalkDepth = 32
)

// walk is one run of clean.
type walk struct {
	s          scrub
	seen       map[visit]bool
	budget     int
	textBudget int
}

// visit is a pointer already walked, with its type (a struct and its first field share an
// address).
type visit struct {
	p uintptr
	t reflect.Type
}

func (w *walk) error(err error, depth int) bool {
	if depth > maxWalkDepth {
		return false
	}
	if !w.texts(renderings(err)...) {
		return false
	}
	if lv, ok := err.(slog.LogValuer); ok && !w.texts(lv.LogValue().Resolve().String()) {
		return false
	}
	if !w.value(reflect.ValueOf(err), 0) {
		return false
	}
	switch x := err.(type) { //nolint:errorlint // what this error itself unwraps to
	case interface{ Unwrap() error }:
		if next := x.Unwrap(); next != nil {
			return w.error(next, depth+1)
		}
	case interface{ Unwrap() []error }:
		for _, next := range x.Unwrap() {
			if next != nil && !w.error(next, depth+1) {
				return false
			}
		}
	}
	return true
}

// renderings returns what fmt shows of err: its text, and what its own Format or GoString
// methods write. Without them, every verb shows the text but %#v, which shows the fields
// the walk reads (and pointer addresses, which are no text).
func renderings(err error) []string {
	texts := []string{err.Error()}
	if _, ok := err.(fmt.Formatter); ok {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
			texts = append(texts, fmt.Sprintf(verb, err))
		}
	} else if g, ok := err.(fmt.GoStringer); ok {
		texts = append(texts, g.GoString())
	}
	return texts
}

func (w *walk) texts(texts ...string) bool {
	for _, t := range texts {
		if w.textBudget -= len(t); w.textBudget < 0 || w.s.text(t) != t {
			return false
		}
	}
	return true
}

func (w *walk) value(v reflect.Value, depth int) bool {
	if w.budget--; w.budget < 0 || depth > maxWalkDepth {
		return false
	}
	switch v.Kind() {
	case reflect.String:
		return w.texts(v.String())
	case reflect.Pointer:
		if v.IsNil() {
			return true
		}
		at := visit{v.Pointer(), v.Type()}
		if w.seen[at] {
			return true
		}
		w.seen[at] = true
		return w.value(v.Elem(), depth+1)
	case reflect.Interface:
		return v.IsNil() || w.value(v.Elem(), depth+1)
	case reflect.Struct:
		for i := range v.NumField() {
			if !w.value(v.Field(i), depth+1) {
				return false
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			b := make([]byte, v.Len())
			for i := range b {
				b[i] = byte(v.Index(i).Uint()) //nolint:gosec // an element of a byte slice or array
			}
			return w.texts(string(b))
		}
		for i := range v.Len() {
			if !w.value(v.Index(i), depth+1) {
				return false
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if !w.value(it.Key(), depth+1) || !w.value(it.Value(), depth+1) {
				return false
			}
		}
	default: // numbers, booleans, functions, channels: no text
	}
	return true
}
