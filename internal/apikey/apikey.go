// Package apikey is LakiPay's API key, PUBLICKEY:SECRETKEY, as the SDK, the contract harness
// and the CLI hold it: parsed once, sent only as the X-API-Key header, never printed, and
// the one place that knows how to find its secret half in text that is about to be shown.
//
// # Parsing
//
// [Parse] accepts PUBLICKEY:SECRETKEY where both halves are printable ASCII without spaces
// (0x21 to 0x7e) and the secret half, everything after the first colon, is at least
// [MinSecretLen] characters. Its errors say which rule was broken and never repeat the key.
//
// Parse is the SDK's rule for the keys it sends. The contract's own rule, which the fake
// LakiPay and the validating transport judge a request's header by (contract.CheckAPIKey,
// through contract.ValidateRequest: a colon, both halves non-empty, no whitespace), is
// looser: every key Parse accepts passes it.
//
// Decision: secrets shorter than [MinSecretLen] are refused. Real LakiPay secrets are long
// random strings, and redaction replaces every occurrence of the secret in shown text: a
// secret such as "y" or "ETB" would turn ordinary words of an error message into [Marker]
// and make the message useless, while hiding nothing worth hiding.
//
// # Printing
//
// A [Key] shows its public half followed by ":" and [Marker] however it is printed: every
// fmt verb, Go syntax (%#v), log/slog (text and JSON, as a value or inside a group),
// encoding/json and encoding.TextMarshaler. The secret is held by a closure, which fmt,
// reflection-based dumpers and debuggers' value printers show as an address: a struct that
// holds a Key in an unexported field, where fmt cannot call the Key's methods, shows no secret
// either.
//
// # Redaction
//
// [Key.Redact] is for text that is shown (error messages, log lines, a raw-body excerpt,
// terminal output), never for data: an answer is decoded from the bytes as received. It
// works in two steps.
//
// First it finds the secret however it was written:
//
//   - plain;
//   - backslash escapes: \/ \" \\ \' \b \f \n \r \t, \uXXXX and \UXXXXXXXX in either case of
//     hex, \u{X…}, \xHH, octal \NNN, and a backslash before punctuation (\_);
//   - URL percent-encoding (%2F, %2f), quoted-printable (=2F), HTML character references
//     (&#47; and &#47 without its ';', &#x2F;, and every named reference HTML defines:
//     &lowbar; &sol; &quot; ...);
//   - any mix of these and plain characters, each escape also read as the characters it
//     is written with (a secret holding "\0" or "=4F" echoed with that part as it is and
//     the rest escaped, once or more), and up to three levels of nesting (a JSON string inside a JSON
//     string: \\\/ or \\u0073);
//
// and replaces the span of the original text that spells it with [Marker]. A piece of at
// least [MinPiece] characters at the start of the secret is redacted too where the text was
// cut short: at the end of the text, and right before "..." (or before a closing quote
// followed by "..."), including a cut that fell inside an escape sequence.
//
// Then it checks what is left, and returns [Withheld] instead of the whole text when that
// still shows a run of the secret. This check is the promise, whatever the first step
// missed:
//
//   - a run is [RunLen] letters and digits of the secret, consecutive in it, after its
//     documented prefix (sk_live_ or sk_test_, which is not secret), written as in the
//     secret but in any case: the secret's own punctuation between them, control
//     characters (a line break) skipped; any other character, [Marker] and [Withheld] end
//     a run;
//   - the text is read as written, then after each level of decoding every escape above
//     (without the three-level limit: up to 16 levels, and a text that still changes after
//     them is withheld);
//   - at every level, each run of base64 characters (standard or URL alphabet, padded or
//     not) and of hex digits is decoded at every alignment and read the same way: base64 of
//     the key, of its secret half or of any text that holds a run is found.
//
// So a shown text holds at most RunLen-1 of the secret's characters in a row. Not covered:
// other encodings of the whole text (base32, compression, encryption) and a text built to
// hide the secret, with other characters between its letters. A secret whose part after
// the prefix has fewer than RunLen letters and digits has no run: only the first step
// applies to it.
//
// Decision: a text is withheld whole rather than cut around the run, because a run is found
// in a decoding of the text, whose span in the text as written may be anything. The check's
// false positives were measured on 19 texts the client, the fake and the CLI show every day
// (TestRedactLeavesOrdinaryTextAlone's) against 50,000 secrets shaped as LakiPay's (sk_live_
// or sk_test_ and 32 random letters and digits): 36 of the 950,000 texts were withheld
// (0.004%), 17 of them a PEM key or a JWT, long base64 where five random letters and digits
// meet a run by chance; the secret's own punctuation is part of a run because dropping it
// (reading "api.lakipay" as "apilakipay") withheld every transport error to api.lakipay.co
// for one secret in 2,000. A secret made of ordinary words (sk_test_example) withholds every
// text that holds one of them.
package apikey

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
)

// MinSecretLen is the shortest secret half [Parse] accepts.
const MinSecretLen = 8

// MinPiece is the shortest start of the secret that [Key.Redact] hides where a text was cut.
const MinPiece = 4

// Marker stands in for the secret wherever a key or a text that held it is shown.
const Marker = "[REDACTED]"

// ErrInvalid is wrapped by every error of [Parse].
var ErrInvalid = errors.New("invalid API key")

// Key is a parsed PUBLICKEY:SECRETKEY. The zero Key holds no key: it prints as "", its
// header is "" and it redacts nothing. A Key is immutable and safe for concurrent use.
type Key struct {
	k *key
}

type key struct {
	public string
	// hidden returns the secret parts. A func value prints as an address under every fmt verb
	// and reflection cannot read what it captured, so no dump of a Key shows the secret.
	hidden func() *hidden
}

// hidden is what a key must not show.
type hidden struct {
	secret, header string
	// fail is the secret's KMP failure function: fail[i] is the length of the longest
	// proper prefix of secret[:i+1] that is also its suffix.
	fail []int
	// folded is the secret after its prefix, lower-cased, and runs every run of it (see
	// runsOf).
	folded string
	runs   map[run]struct{}
}

// Parse reads PUBLICKEY:SECRETKEY. The error wraps [ErrInvalid], names the broken rule and
// never contains the key.
func Parse(s string) (Key, error) {
	if s == "" {
		return Key{}, invalid("it is empty (want PUBLICKEY:SECRETKEY)")
	}
	public, secret, ok := strings.Cut(s, ":")
	switch {
	case !ok:
		return Key{}, invalid("it has no ':' (want PUBLICKEY:SECRETKEY)")
	case public == "":
		return Key{}, invalid("PUBLICKEY, before the ':', is empty (want PUBLICKEY:SECRETKEY)")
	case secret == "":
		return Key{}, invalid("SECRETKEY, after the ':', is empty (want PUBLICKEY:SECRETKEY)")
	}
	if err := checkChars("PUBLICKEY", public); err != nil {
		return Key{}, err
	}
	if err := checkChars("SECRETKEY", secret); err != nil {
		return Key{}, err
	}
	if len(secret) < MinSecretLen {
		return Key{}, invalid(fmt.Sprintf("SECRETKEY is shorter than %d characters (LakiPay secrets are long random strings)", MinSecretLen))
	}
	h := &hidden{secret: secret, header: s, fail: failure(secret)}
	h.folded, h.runs = runsOf(secret)
	return Key{k: &key{public: public, hidden: func() *hidden { return h }}}, nil
}

func invalid(why string) error { return fmt.Errorf("%w: %s", ErrInvalid, why) }

// checkChars refuses anything but printable ASCII without spaces in one half of a key.
func checkChars(half, s string) error {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f':
			return invalid(half + " contains whitespace")
		case c < 0x20 || c == 0x7f:
			return invalid(half + " contains a control character")
		case c > 0x7f:
			return invalid(half + " contains a character outside printable ASCII")
		}
	}
	return nil
}

// IsZero reports whether k holds no key.
func (k Key) IsZero() bool { return k.k == nil }

// Header returns the value of the X-API-Key header: the whole key, secret included. It is
// for the request header only.
func (k Key) Header() string {
	if k.k == nil {
		return ""
	}
	return k.k.hidden().header
}

// Public returns the public half, which may be shown.
func (k Key) Public() string {
	if k.k == nil {
		return ""
	}
	return k.k.public
}

// String returns the public half, ":" and [Marker].
func (k Key) String() string {
	if k.k == nil {
		return ""
	}
	return k.k.public + ":" + Marker
}

// GoString is what %#v shows: the public half and [Marker], in Go syntax.
func (k Key) GoString() string { return "apikey.Key(" + strconv.Quote(k.String()) + ")" }

// Format writes [Key.String] for every verb (quoted for %q, [Key.GoString] for %#v), so
// that no verb reaches the secret.
func (k Key) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'v' && f.Flag('#'):
		_, _ = io.WriteString(f, k.GoString())
	case verb == 'q':
		_, _ = io.WriteString(f, strconv.Quote(k.String()))
	default:
		_, _ = io.WriteString(f, k.String())
	}
}

// LogValue logs [Key.String].
func (k Key) LogValue() slog.Value { return slog.StringValue(k.String()) }

// MarshalText returns [Key.String], for encoding/json and any other text encoder. There is
// deliberately no UnmarshalText: a key is read only by [Parse].
func (k Key) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// failure computes the KMP failure function of s.
func failure(s string) []int {
	f := make([]int, len(s))
	for i, n := 1, 0; i < len(s); i++ {
		for n > 0 && s[i] != s[n] {
			n = f[n-1]
		}
		if s[i] == s[n] {
			n++
		}
		f[i] = n
	}
	return f
}
