package client

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"reflect"
	"regexp"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/internal/apikey"
	"github.com/lakipay/checkout-go/internal/secrettest"
)

// reachable returns every error a reporter can reach from err: err, each error down its
// chain through Unwrap() error and Unwrap() []error, and what errors.As finds for the
// standard library's error types and the client's own.
func reachable(err error) []error {
	var out []error
	var walk func(e error, depth int)
	walk = func(e error, depth int) {
		if e == nil || depth > 32 {
			return
		}
		out = append(out, e)
		switch x := e.(type) { //nolint:errorlint // what this error itself unwraps to
		case interface{ Unwrap() error }:
			walk(x.Unwrap(), depth+1)
		case interface{ Unwrap() []error }:
			for _, c := range x.Unwrap() {
				walk(c, depth+1)
			}
		}
	}
	walk(err, 0)
	for _, as := range []func(error) error{
		as[*url.Error], as[*net.OpError], as[*net.DNSError], as[*net.AddrError], as[*net.ParseError],
		as[*os.SyscallError], as[*fs.PathError], as[textproto.ProtocolError], as[*textproto.Error],
		as[tls.RecordHeaderError], as[*tls.CertificateVerificationError], as[tls.AlertError],
		as[x509.UnknownAuthorityError], as[x509.HostnameError], as[x509.CertificateInvalidError],
		as[*http.MaxBytesError], as[net.Error], as[*APIError], as[*ValidationError],
	} {
		if e := as(err); e != nil {
			out = append(out, e)
		}
	}
	return out
}

// as is what errors.As to T finds in err, or nil.
func as[T error](err error) error {
	var target T
	if errors.As(err, &target) {
		return target
	}
	return nil
}

// exposures returns, named, every text a caller, a logger or an error reporter can get from
// err: for each error reachable from it, every fmt verb, log/slog's text and JSON handlers,
// encoding/json, and every string and byte field reflection reaches, exported or not.
func exposures(err error) map[string]string {
	out := map[string]string{}
	for i, e := range reachable(err) {
		name := fmt.Sprintf("#%d %T", i, e)
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
			out[name+" "+verb] = address.ReplaceAllString(fmt.Sprintf(verb, e), "0xADDRESS")
		}
		out[name+" Error()"] = e.Error()
		var text, js bytes.Buffer
		slog.New(slog.NewTextHandler(&text, nil)).Error("failed", "err", e)
		slog.New(slog.NewJSONHandler(&js, nil)).Error("failed", "err", e)
		out[name+" slog text"], out[name+" slog JSON"] = text.String(), js.String()
		if b, err := json.Marshal(e); err == nil {
			// Read as JSON, as a reader of it does: encoding/json writes < > & as \u003c
			// \u003e \u0026, whose last hex digit, next to the RunLen-1 characters of the
			// secret a message may show, made RunLen in a row that are no characters of the
			// error (FuzzErrorChain's find: "\u003eP~5iY" for a secret holding "eP~5iY").
			var v any
			if json.Unmarshal(b, &v) == nil {
				jsonTexts(v, name+" encoding/json", out)
			}
		}
		fieldTexts(reflect.ValueOf(e), name, out, map[uintptr]bool{}, 0)
	}
	return out
}

// jsonTexts adds every key and string of a decoded JSON value, named by where it is.
func jsonTexts(v any, path string, out map[string]string) {
	switch v := v.(type) {
	case string:
		out[path] = v
	case []any:
		for i, e := range v {
			jsonTexts(e, fmt.Sprintf("%s[%d]", path, i), out)
		}
	case map[string]any: // named by position: a key may hold anything, the secret too
		i := 0
		for k, e := range v {
			out[fmt.Sprintf("%s key %d", path, i)] = k
			jsonTexts(e, fmt.Sprintf("%s value %d", path, i), out)
			i++
		}
	}
}

// address is a pointer as %#v prints it: no text, and random digits that could spell a
// piece of a random secret by chance.
var address = regexp.MustCompile(`0x[0-9a-f]{6,}`)

// fieldTexts adds every string and byte slice or array reachable from v, as a reflection-based
// dumper would show them.
func fieldTexts(v reflect.Value, path string, out map[string]string, seen map[uintptr]bool, depth int) {
	if depth > 24 || len(out) > 5000 {
		return
	}
	switch v.Kind() {
	case reflect.String:
		out[path] = v.String()
	case reflect.Pointer:
		if v.IsNil() || seen[v.Pointer()] {
			return
		}
		seen[v.Pointer()] = true
		fieldTexts(v.Elem(), path, out, seen, depth+1)
	case reflect.Interface:
		if !v.IsNil() {
			fieldTexts(v.Elem(), path, out, seen, depth+1)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			fieldTexts(v.Field(i), path+"."+v.Type().Field(i).Name, out, seen, depth+1)
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			b := make([]byte, v.Len())
			for i := range b {
				b[i] = byte(v.Index(i).Uint())
			}
			out[path] = string(b)
			return
		}
		for i := range min(v.Len(), 100) {
			fieldTexts(v.Index(i), fmt.Sprintf("%s[%d]", path, i), out, seen, depth+1)
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			fieldTexts(it.Key(), path+"{key}", out, seen, depth+1)
			fieldTexts(it.Value(), path+"{value}", out, seen, depth+1)
		}
	default:
	}
}

// assertHidden checks that nothing reachable from err shows secret: not the whole of it in
// any escaping, and no run of 5 of its letters and digits in any case or encoding (see
// secrettest.Exposed).
func assertHidden(t *testing.T, err error, secret string) {
	t.Helper()
	require.Error(t, err)
	for name, text := range exposures(err) {
		secrettest.Absent(t, text, secret, name)
		secrettest.Hidden(t, text, secret, name)
	}
}

// protocolBreaks are the places of an answer where net/http quotes what the server sent in
// its error: each puts text there.
var protocolBreaks = []struct {
	name   string
	answer func(text string) string
}{
	{"status code", func(s string) string { return "HTTP/1.1 " + s + " OK\r\n\r\n" }},
	{"header line without a colon", func(s string) string { return "HTTP/1.1 200 OK\r\n" + s + "\r\n\r\n" }},
	{"HTTP version", func(s string) string { return "HTTP/" + s + " 200 OK\r\n\r\n" }},
	{"Content-Length", func(s string) string { return "HTTP/1.1 200 OK\r\nContent-Length: " + s + "\r\n\r\n" }},
	{"Transfer-Encoding", func(s string) string { return "HTTP/1.1 200 OK\r\nTransfer-Encoding: " + s + "\r\n\r\n" }},
	{"no HTTP at all", func(s string) string { return s + "\r\n\r\n" }},
}

// TestChainHidesTheSecret is issue 20's first finding: a server puts the secret where
// net/http quotes it (a status line, a header line without a colon, ...). The client's
// error was redacted, but errors.Unwrap and errors.As(*url.Error) reached net/http's raw
// error with the whole secret, and error reporters walk every level.
func TestChainHidesTheSecret(t *testing.T) {
	for _, br := range protocolBreaks {
		t.Run(br.name, func(t *testing.T) {
			c, _ := testClient(t, secrettest.RawServer(t, func() string { return br.answer(testSecret) })+"/api/v2", WithRetry(RetryPolicy{MaxAttempts: 1}))
			_, getErr := c.GetTransaction(context.Background(), "TXN-1")
			_, createErr := c.CreateCheckout(context.Background(), docsRequest(t))
			for _, err := range []error{getErr, createErr} {
				assertHidden(t, err, testSecret)
				var urlErr *url.Error
				assert.ErrorAs(t, err, &urlErr, "the caller still reaches the transport's *url.Error")
				var apiErr *APIError
				assert.False(t, errors.As(err, &apiErr), "a transport error, not an answer")
			}
		})
	}
}

// TestEncodedEchoesAreHidden is issue 20's second finding: the redactor knew a list of
// escapes, and the key in any other form (base64, HTML named references, octal, ...) or
// only a piece of it (its tail) was shown as sent. Each attack goes where a server's text is
// shown: an error message, a body that is not JSON, a status line and a header line.
func TestEncodedEchoesAreHidden(t *testing.T) {
	for _, a := range secrettest.Attacks {
		t.Run(a.Name, func(t *testing.T) {
			planted := a.Plant(testAPIKey, testSecret)
			message, err := json.Marshal("bad key " + planted)
			require.NoError(t, err)
			answers := map[string]http.HandlerFunc{
				"error message": reply(http.StatusUnauthorized, `{"status":"ERROR","error_code":"INVALID_API_KEY","message":`+string(message)+`}`),
				"field message": reply(http.StatusBadRequest, `{"status":"ERROR","message":"Invalid","errors":{"api_key":[`+string(message)+`]}}`),
				"HTML body":     reply(http.StatusBadGateway, "<html>upstream refused "+planted+"</html>", "Content-Type", "text/html"),
			}
			for where, answer := range answers {
				c, _ := testClient(t, newServer(t, answer).baseURL(), WithRetry(RetryPolicy{MaxAttempts: 1}))
				_, err := c.GetTransaction(context.Background(), "TXN-1")
				var apiErr *APIError
				require.ErrorAs(t, err, &apiErr, where)
				assertHidden(t, err, testSecret)
			}
			line := strings.NewReplacer("\r", "", "\n", "").Replace(planted)
			for _, br := range protocolBreaks[:2] {
				c, _ := testClient(t, secrettest.RawServer(t, func() string { return br.answer(line) })+"/api/v2", WithRetry(RetryPolicy{MaxAttempts: 1}))
				_, err := c.GetTransaction(context.Background(), "TXN-1")
				assertHidden(t, err, testSecret)
			}
		})
	}
}

// TestOrdinaryErrorsAreUnchanged: an error that shows nothing of the secret comes back as
// the very value the transport returned, chain and all, so errors.Is and errors.As answer
// exactly as they would without the client.
func TestOrdinaryErrorsAreUnchanged(t *testing.T) {
	slow := newServer(t, func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	tests := []struct {
		name   string
		url    string
		answer string
		ctx    func() (context.Context, context.CancelFunc)
		is     error
	}{
		{name: "connection refused", url: "http://" + closedAddr(t) + "/x", is: syscall.ECONNREFUSED},
		{name: "timeout", url: slow.URL + "/x", is: context.DeadlineExceeded, ctx: func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 20*time.Millisecond)
		}},
		{name: "cancelled", url: slow.URL + "/x", is: context.Canceled, ctx: func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(20*time.Millisecond, cancel)
			return ctx, cancel
		}},
		{name: "malformed status line", answer: "HTTP/1.1 99x OK\r\n\r\n"},
		{name: "header line without a colon", answer: "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n"},
		{name: "connection closed without an answer", answer: ""},
	}
	key, err := parseAPIKey(testAPIKey)
	require.NoError(t, err)
	cfg := &config{key: key}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := tt.url
			if target == "" {
				target = secrettest.RawServer(t, func() string { return tt.answer })
			}
			ctx, cancel := context.Background(), context.CancelFunc(func() {})
			if tt.ctx != nil {
				ctx, cancel = tt.ctx()
			}
			defer cancel()
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
			require.NoError(t, err)
			resp, err := http.DefaultClient.Do(req)
			if resp != nil {
				_ = resp.Body.Close()
			}
			require.Error(t, err)
			wrapped := fmt.Errorf("lakipay: GET /x: %w", err)
			assert.Same(t, wrapped, cfg.redactError(wrapped), "the same value")
			if tt.is != nil {
				assert.ErrorIs(t, cfg.redactError(wrapped), tt.is)
			}
		})
	}
}

// roundTripFunc is an http.RoundTripper made of a function: a transport that fails its own way.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// transportError is an error of a type the client does not know, as a custom transport (a
// proxy's, a tracing wrapper's) returns: its text may be harmless while a field is not.
type transportError struct {
	Msg     string
	Request *http.Request // holds the X-API-Key header
	timeout bool
	cause   error
}

func (e *transportError) Error() string   { return e.Msg }
func (e *transportError) Unwrap() error   { return e.cause }
func (e *transportError) Timeout() bool   { return e.timeout }
func (e *transportError) Temporary() bool { return false }

// textError is an error of a type the client does not know that is no net.Error.
type textError struct{ msg string }

func (e *textError) Error() string { return e.msg }

// lazyJoin unwraps to errors it computes, which reflection cannot see.
type lazyJoin struct{ children func() []error }

func (e *lazyJoin) Error() string   { return "several failures" }
func (e *lazyJoin) Unwrap() []error { return e.children() }

// bigError holds more values than the client searches.
type bigError struct {
	Items []string
	cause error
}

func (e *bigError) Error() string { return "big" }
func (e *bigError) Unwrap() error { return e.cause }

// selfError points at itself, as a careless error type may.
type selfError struct {
	Self *selfError
	Msg  string
}

func (e *selfError) Error() string { return "self: " + e.Msg }

// TestChainRebuildKeepsWhatCallersUse puts the secret where only a reporter that reads
// fields, unwraps several errors or asks errors.As finds it, through a custom transport,
// and checks that each rebuilt error still answers what callers ask: errors.Is for the
// kinds it matched, Timeout for a net.Error, errors.As for the standard types.
func TestChainRebuildKeepsWhatCallersUse(t *testing.T) {
	tests := []struct {
		name  string
		fail  func(r *http.Request) error
		check func(t *testing.T, err error)
	}{
		{"a field holds the request, its header the key", func(r *http.Request) error {
			return &transportError{Msg: "proxy refused", Request: r, timeout: true, cause: context.DeadlineExceeded}
		}, func(t *testing.T, err error) {
			var ne net.Error
			require.ErrorAs(t, err, &ne)
			assert.True(t, ne.Timeout(), "Timeout as the original answered")
			assert.ErrorIs(t, err, context.DeadlineExceeded, "the wrapped sentinel, kept")
			var te *transportError
			assert.False(t, errors.As(err, &te), "the type that held the key is gone from the chain")
			assert.Contains(t, err.Error(), "proxy refused", "its harmless text stays")
		}},
		{"several errors, one with the secret", func(*http.Request) error {
			return errors.Join(&textError{"upstream said " + testSecret}, io.ErrUnexpectedEOF)
		}, func(t *testing.T, err error) {
			assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
			var urlErr *url.Error
			require.ErrorAs(t, err, &urlErr)
			_, isNet := urlErr.Err.(net.Error) //nolint:errorlint // the stand-in itself
			assert.False(t, isNet, "a stand-in is a net.Error only when the original was")
			_, multi := urlErr.Err.(interface{ Unwrap() []error })
			assert.True(t, multi, "it unwraps to several errors, as the original did")
		}},
		{"an unknown error that matched a kind by its own Is", func(*http.Request) error {
			return &isError{msg: "connection refused by " + testSecret, is: syscall.ECONNREFUSED}
		}, func(t *testing.T, err error) {
			assert.ErrorIs(t, err, syscall.ECONNREFUSED)
			assert.NotErrorIs(t, err, syscall.ECONNRESET)
		}},
		{"a net.OpError whose cause quotes the secret", func(*http.Request) error {
			return &net.OpError{Op: "read", Net: "tcp", Err: &os.SyscallError{Syscall: "read " + testSecret, Err: syscall.ECONNRESET}}
		}, func(t *testing.T, err error) {
			var op *net.OpError
			require.ErrorAs(t, err, &op)
			assert.Equal(t, "read", op.Op)
			assert.ErrorIs(t, err, syscall.ECONNRESET, "the errno, kept as it is")
			var sys *os.SyscallError
			require.ErrorAs(t, err, &sys)
			assert.Equal(t, "read "+"[REDACTED]", sys.Syscall)
		}},
		{"errors unwrapped from a method, not held in a field", func(*http.Request) error {
			return &lazyJoin{children: func() []error { return []error{&textError{"upstream said " + testSecret}, io.ErrUnexpectedEOF} }}
		}, func(t *testing.T, err error) {
			assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
		}},
		{"an error with too many values to search", func(*http.Request) error {
			return &bigError{Items: make([]string, walkBudget+1), cause: context.Canceled}
		}, func(t *testing.T, err error) {
			var big *bigError
			assert.False(t, errors.As(err, &big), "rebuilt as if it showed the secret")
			assert.ErrorIs(t, err, context.Canceled)
		}},
		{"an error with too much text to search", func(*http.Request) error {
			return &bigError{Items: []string{strings.Repeat("x", textBudget+1)}, cause: context.Canceled}
		}, func(t *testing.T, err error) {
			var big *bigError
			assert.False(t, errors.As(err, &big), "rebuilt as if it showed the secret")
		}},
		{"an error that points at itself", func(*http.Request) error {
			e := &selfError{Msg: "loop"}
			e.Self = e
			return e
		}, func(t *testing.T, err error) {
			var se *selfError
			assert.True(t, errors.As(err, &se), "it shows nothing: kept as it is")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) { return nil, tt.fail(r) })}
			c, _ := testClient(t, "http://127.0.0.1:9/api/v2", WithHTTPClient(hc), WithRetry(RetryPolicy{MaxAttempts: 1}))
			_, err := c.GetTransaction(context.Background(), "TXN-1")
			assertHidden(t, err, testSecret)
			tt.check(t, err)
		})
	}
}

// isError matches one kind through its own Is method, not through its chain.
type isError struct {
	msg string
	is  error
}

func (e *isError) Error() string        { return e.msg }
func (e *isError) Is(target error) bool { return target == e.is }

// TestTLSRecordHeaderHidesTheSecret: a server that answers a TLS handshake with plain text
// gets its first five bytes kept in tls.RecordHeaderError.RecordHeader, which its text does
// not show but a dumper does.
func TestTLSRecordHeaderHidesTheSecret(t *testing.T) {
	addr := secrettest.Serve(t, func(conn net.Conn) {
		_, _ = conn.Write([]byte(strings.TrimPrefix(testSecret, "sk_test_") + " and more"))
	})
	c, _ := testClient(t, "https://"+addr+"/api/v2", WithRetry(RetryPolicy{MaxAttempts: 1}))
	_, err := c.GetTransaction(context.Background(), "TXN-1")
	assertHidden(t, err, testSecret)
	var rh tls.RecordHeaderError
	require.ErrorAs(t, err, &rh, "still a tls.RecordHeaderError")
	assert.Equal(t, [5]byte{}, rh.RecordHeader, "its five bytes were a run of the secret")
	assert.Contains(t, rh.Msg, "does not look like a TLS handshake")
}

// chainPlaces are the server behaviours FuzzErrorChain plants text in: every place net/http
// quotes from the wire, and every place of an answer the client shows.
var chainPlaces = []func(text string) string{
	protocolBreaks[0].answer, protocolBreaks[1].answer, protocolBreaks[2].answer,
	protocolBreaks[3].answer, protocolBreaks[4].answer, protocolBreaks[5].answer,
	func(s string) string {
		return "HTTP/1.1 401 " + s + "\r\n" + jsonAnswer(`{"status":"ERROR","message":"x"}`)
	},
	func(s string) string {
		return "HTTP/1.1 401 Unauthorized\r\n" + jsonAnswer(`{"status":"ERROR","error_code":"INVALID_API_KEY","message":`+jsonText(s)+`}`)
	},
	func(s string) string {
		return "HTTP/1.1 400 Bad Request\r\n" + jsonAnswer(`{"status":"ERROR","message":"x","errors":{`+jsonText(s)+`:[`+jsonText(s)+`]}}`)
	},
	func(s string) string {
		return "HTTP/1.1 400 Bad Request\r\n" + jsonAnswer(`{"status":"ERROR","error_code":`+jsonText(s)+`}`)
	},
	func(s string) string {
		return "HTTP/1.1 502 Bad Gateway\r\n" + answer("text/html", "<html>"+s+"</html>")
	},
	func(s string) string {
		return "HTTP/1.1 200 OK\r\n" + jsonAnswer(`{"status":"SUCCESS","message":"ok","data":{"transaction_id":"TXN-1","reference":"R","amount":1,"currency":"ETB","status":"SUCCESS","created_at":`+jsonText(s)+`,"updated_at":"2024-01-15T10:30:00Z"}}`)
	},
	func(s string) string { return "HTTP/1.1 200 OK\r\n" + jsonAnswer(`{"status":"SUCCESS","data":`+s) },
	func(s string) string {
		return "HTTP/1.1 200 OK\r\n" + jsonAnswer(`{"success":false,"message":`+jsonText(s)+`}`)
	},
	func(s string) string { return "HTTP/1.1 302 Found\r\nLocation: " + s + "\r\nContent-Length: 0\r\n\r\n" },
	func(s string) string {
		return "HTTP/1.1 503 Service Unavailable\r\nRetry-After: " + s + "\r\n" + answer("text/plain", s)
	},
	func(s string) string { return "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + s + "\r\n" },
}

func answer(contentType, body string) string {
	return fmt.Sprintf("Content-Type: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", contentType, len(body), body)
}

func jsonAnswer(body string) string { return answer("application/json", body) }

func jsonText(s string) string {
	b, _ := json.Marshal(s) // a string always encodes
	return string(b)
}

// chainSecret draws a secret from seed: the fuzzer varies it but cannot spell words with it,
// which would meet the client's own texts. A '~' follows at most every fourth letter or
// digit, so every run of the secret holds one: five random letters and digits would now and
// then appear by chance in what no redactor reads as text (base64 that encoding/json writes
// for a byte field, the hex of %x), and fail the test with no leak at all.
func chainSecret(seed uint64) string {
	rng := rand.New(rand.NewPCG(seed, 20)) //nolint:gosec // test data
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := []byte([]string{"sk_live_", "sk_test_", "sk_"}[rng.IntN(3)])
	for range 5 + rng.IntN(8) {
		for range 1 + rng.IntN(4) {
			b = append(b, alphabet[rng.IntN(len(alphabet))])
		}
		b = append(b, '~') // not '_' or '/', which base64's URL and standard alphabets hold
	}
	return string(b)
}

// chainForms write the key or its secret half: the attacks of issue 20 and each escape alone,
// character by character.
var chainForms = func() []func(key, secret string, mix uint64) string {
	forms := make([]func(key, secret string, mix uint64) string, 0, len(secrettest.Attacks)+2)
	for _, a := range secrettest.Attacks {
		forms = append(forms, func(key, secret string, _ uint64) string { return a.Plant(key, secret) })
	}
	escapes := []string{"%c", `\u%04x`, `\u%04X`, `\u{%x}`, `\x%02x`, `\%03o`, "%%%02X", "=%02X", "&#%d", "&#%d;", "&#x%x;", `\\u%04x`, "%%25%02X"}
	forms = append(forms,
		func(_, secret string, mix uint64) string { // a mix of escapes, per character
			var b strings.Builder
			for i, c := range []byte(secret) {
				fmt.Fprintf(&b, escapes[(mix>>(i%16*4))%uint64(len(escapes))], c)
			}
			return b.String()
		},
		func(key, _ string, mix uint64) string { // base64 of the key, cut and line-wrapped
			enc := base64.StdEncoding.EncodeToString([]byte(key))
			if n := int(mix % 8); n > 0 && n < len(enc) {
				enc = enc[:n*4] + "\r\n" + enc[n*4:]
			}
			return enc
		})
	return forms
}()

// FuzzErrorChain is issue 20's fuzz target. A real loopback server answers with the key or its
// secret half written in a random form (each attack of issue 20, each escape, mixed per
// character), cut at random, wrapped in random bytes, at a random place of the answer (the
// status line, a header line, a body, a value the client fails to read). Whatever the client
// returns, nothing reachable from it (every error down its chain and every error errors.As
// finds of the standard types, in every fmt verb, log/slog and encoding/json, and every field
// reflection reaches) and nothing in its debug log shows the secret or a run of 5 of it.
func FuzzErrorChain(f *testing.F) {
	for i := range chainForms {
		f.Add(uint64(i), uint8(i), uint8(i%len(chainPlaces)), uint8(0), uint8(0), uint64(0), "")
		f.Add(uint64(i+100), uint8(i), uint8(7), uint8(3), uint8(15), uint64(i), "x")
	}
	var current atomic.Pointer[string]
	base := secrettest.RawServer(f, func() string { return *current.Load() }) + "/api/v2"
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f.Fuzz(func(t *testing.T, seed uint64, form, place, from, to uint8, mix uint64, pad string) {
		secret := chainSecret(seed)
		key := "pk_live_fuzz:" + secret
		cut := secret
		if int(from) < int(to) && int(to) <= len(secret) {
			cut = secret[from:to]
		}
		text := chainForms[int(form)%len(chainForms)](key, cut, mix)
		if mix&1 == 1 && len(text) > 0 { // cut the written form too, inside an escape perhaps
			text = text[:int(mix>>1)%len(text)+1]
		}
		text = pad[:len(pad)/2] + text + pad[len(pad)/2:]
		a := chainPlaces[int(place)%len(chainPlaces)](text)
		current.Store(&a)
		logs.Reset()
		c, err := New(key, WithBaseURL(base), WithRetry(RetryPolicy{MaxAttempts: 1}), WithLogger(logger), WithTimeout(2*time.Second))
		require.NoError(t, err)
		if seed%2 == 0 {
			_, err = c.GetTransaction(context.Background(), "TXN-1")
		} else {
			_, err = c.CreateCheckout(context.Background(), docsRequest(t))
		}
		if err != nil {
			assertHidden(t, err, secret)
		}
		secrettest.Absent(t, logs.String(), secret, "debug log")
		secrettest.Hidden(t, logs.String(), secret, "debug log")
	})
}

// TestFarTextIsNotSearched: an error body is searched for the secret only up to 1 KiB past
// the 4 KiB it keeps, so a secret further on neither withholds the excerpt nor costs time.
func TestFarTextIsNotSearched(t *testing.T) {
	head := `{"status":"ERROR","message":"busy","pad":"` + strings.Repeat("x", maxErrorBody)
	body := head + strings.Repeat("y", redactWindow) + strings.ToUpper(testSecret) + `"}` // beyond what spans find
	c, _ := testClient(t, newServer(t, reply(http.StatusServiceUnavailable, body)).baseURL(), WithRetry(RetryPolicy{MaxAttempts: 1}))
	_, err := c.GetTransaction(context.Background(), "TXN-1")
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, head[:maxErrorBody], string(apiErr.Body))
	assert.Equal(t, "busy", apiErr.Message)
	assertHidden(t, err, testSecret)
}

// TestOrdinaryAnswersAreUnchanged: an error answer that holds nothing of the secret gives the
// same *APIError with the key as with no key to redact (what the client showed before it
// redacted anything), for LakiPay's documented error answers and what proxies send.
func TestOrdinaryAnswersAreUnchanged(t *testing.T) {
	key, err := parseAPIKey(testAPIKey)
	require.NoError(t, err)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	answers := []struct {
		status int
		body   string
	}{
		{400, `{"status":"ERROR","message":"Validation failed","error_code":"VALIDATION_ERROR","errors":{"amount":["amount must be a decimal with 2 places"],"phone_number":["must be 7 to 15 digits"]}}`},
		{400, `{"status":"ERROR","message":"reference ORDER-42-1 was already used","error_code":"DUPLICATE_REFERENCE"}`},
		{401, `{"status":"ERROR","message":"Invalid API key","error_code":"INVALID_API_KEY","errors":{"api_key":["API key is required"]}}`},
		{404, `{"status":"ERROR","message":"Transaction not found","error_code":"NOT_FOUND"}`},
		{429, `{"status":"ERROR","message":"Too many requests","error_code":"RATE_LIMITED"}`},
		{500, `{"status":"ERROR","message":"Provider M-PESA timed out","error_code":"PROVIDER_ERROR"}`},
		{502, "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>"},
		{503, ""},
		{200, `{"success":false,"message":"Insufficient balance"}`},
	}
	for _, a := range answers {
		header := http.Header{"Retry-After": {"3"}}
		want := newAPIError(apikey.Key{}, a.status, header, []byte(a.body), false, now)
		got := newAPIError(key, a.status, header, []byte(a.body), false, now)
		assert.Equal(t, want, got, "HTTP %d", a.status)
	}
}

// TestClientPrintedHidesTheSecret: a Client printed or logged shows its base URL and user
// agent, the caller's own values, which could hold the secret too.
func TestClientPrintedHidesTheSecret(t *testing.T) {
	c, err := New(testAPIKey, WithBaseURL("https://lakipay.example/"+testSecret), WithUserAgent("shop/"+strings.ToUpper(testSecret)))
	require.NoError(t, err)
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("client", "c", c)
	for _, text := range []string{fmt.Sprint(c), fmt.Sprintf("%#v", c), fmt.Sprintf("%+v", *c), logs.String()} {
		secrettest.Hidden(t, text, testSecret, "client")
	}
}
