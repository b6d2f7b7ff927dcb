package webhook

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/lakipay/checkout-go/internal/decimal"
	"github.com/lakipay/checkout-go/internal/jsonscan"
)

// Sentinel errors of this package; every error it returns wraps one of them.
var (
	// ErrMalformed reports a body that is not a single JSON object with unique keys.
	ErrMalformed = errors.New("malformed webhook body")
	// ErrNoSignature reports a body without a non-empty "signature" field.
	ErrNoSignature = errors.New("webhook has no signature")
	// ErrInvalidSignature reports a signature that does not verify (forged, altered or not
	// base64).
	ErrInvalidSignature = errors.New("invalid webhook signature")
	// ErrNoKey reports that no key was configured, so nothing can be verified or signed.
	ErrNoKey = errors.New("no webhook key configured")
	// ErrInvalidKey reports a key that is not a PEM RSA public key or is shorter than
	// [MinKeyBits].
	ErrInvalidKey = errors.New("invalid webhook key")
	// ErrAmbiguous reports a body whose canonical string does not determine its fields: a
	// top-level key holding "&" or "=", or a value whose canonical text holds "&", would let
	// the same signed string be split into other fields (a forgery). It also matches
	// [ErrMalformed] with errors.Is, so a caller that refuses malformed bodies refuses it too.
	ErrAmbiguous error = ambiguousError{}
)

// ambiguousError is the type of [ErrAmbiguous]: an ambiguous body is a kind of malformed one.
type ambiguousError struct{}

func (ambiguousError) Error() string { return "ambiguous webhook body" }

// Is makes [ErrAmbiguous] match [ErrMalformed].
func (ambiguousError) Is(target error) bool { return target == ErrMalformed }

// MinKeyBits is the smallest RSA modulus accepted, in bits (LakiPay uses RSA-2048).
const MinKeyBits = 2048

// SignatureField is the name of the body field that carries the signature.
const SignatureField = "signature"

// The limits of a webhook body (see Limits in the package documentation): far above what
// LakiPay sends, they bound what reading any body costs before its signature is checked.
const (
	// MaxCompactBytes is how many bytes the body may have besides the white space around its
	// tokens (its length once compacted).
	MaxCompactBytes = 16 << 10
	// MaxFields is how many members one object may have, the body's own fields included.
	MaxFields = 64
	// MaxDepth is how deep objects and arrays may nest, the body itself being depth 1.
	MaxDepth = 32
	// MaxValues is how many values the body may hold in all: itself, its fields' values and
	// every member and item nested in them.
	MaxValues = 1024
	// MaxNumberLength is how many characters one number may have.
	MaxNumberLength = 64
)

// reading is how every body is read: strictly, within the limits.
var reading = jsonscan.Options{Strict: true, MaxDepth: MaxDepth, MaxValues: MaxValues, MaxMembers: MaxFields,
	MaxNumberLength: MaxNumberLength, MaxCompactLength: MaxCompactBytes}

// Field is one top-level field of a webhook body: its decoded key, its raw JSON value (a
// sub-slice of the body) and the value's offset in the body.
type Field = jsonscan.Member

// Fields splits a body into its top-level fields, sorted by key in byte order (the
// "signature" field included). It refuses, with [ErrMalformed], a body that is not a single
// JSON object with unique keys, or is over a limit (see [Canonical]); unlike Canonical it
// does not judge the fields: an ambiguous body or a "signature" that is not a string splits
// without error.
func Fields(body []byte) ([]Field, error) {
	fields, _, err := scan(nil, body, nil)
	return fields, err
}

// Canonical returns the canonical string of a webhook body (see the package documentation)
// and the decoded value of its "signature" field ("" when absent). A "signature" that is not a
// string is refused with ErrMalformed, an ambiguous body with [ErrAmbiguous].
func Canonical(body []byte) (canonical []byte, signature string, err error) {
	fields, _, err := scan(nil, body, nil)
	if err != nil {
		return nil, "", err
	}
	c, err := canonicalize(canonicalString{text: make([]byte, 0, len(body))}, fields)
	if err != nil {
		return nil, "", err
	}
	if c.signature != nil {
		signature = string(c.signature.Text)
	}
	return c.text, signature, nil
}

// canonicalString is a body's canonical string and what verifying it needs besides.
type canonicalString struct {
	text      []byte
	signature *Field       // nil when the body has none
	numbers   []numberSpan // where each top-level number is in text
	meter     *meter       // counts the work (nil: not counted)
}

// canonicalize appends the canonical string of fields to c.text, noting its top-level numbers
// in c.numbers and its "signature" field in c.signature, and returns c. It refuses an
// ambiguous body (ErrAmbiguous) and a signature that is not a string (ErrMalformed). Its work
// is a copy of each field: its text decoded already (strings) or compacted (objects and
// arrays). c goes by value, so that buffers on the caller's stack stay there.
func canonicalize(c canonicalString, fields []Field) (canonicalString, error) {
	first := true
	for i := range fields {
		field := &fields[i]
		raw := field.Value
		if string(field.Key) == SignatureField {
			if raw[0] != '"' {
				return c, fmt.Errorf("%w: %q is not a string", ErrMalformed, SignatureField)
			}
			c.signature = field
			continue
		}
		if ch := ambiguousKey(field.Key); ch != 0 {
			return c, fmt.Errorf("%w: key %s holds %q", ErrAmbiguous, quoteKey(field.Key), string(ch))
		}
		if !first {
			c.text = append(c.text, '&')
		}
		first = false
		c.text = append(c.text, field.Key...)
		c.text = append(c.text, '=')
		valueAt := len(c.text)
		switch {
		case raw[0] == '"':
			c.text = append(c.text, field.Text...)
		case raw[0] == '{' || raw[0] == '[':
			if field.Spaced {
				c.meter.compacted(len(raw))
				c.text = jsonscan.AppendCompact(c.text, raw)
			} else {
				c.text = append(c.text, raw...)
			}
		case isNumber(raw):
			c.text = append(c.text, raw...)
			c.numbers = append(c.numbers, numberSpan{valueAt, len(c.text)})
			continue // a number never holds '&'
		default:
			c.text = append(c.text, raw...)
			continue // nor does a literal
		}
		if bytes.IndexByte(c.text[valueAt:], '&') >= 0 {
			return c, fmt.Errorf("%w: the value of %s holds \"&\"", ErrAmbiguous, quoteKey(field.Key))
		}
	}
	return c, nil
}

// ambiguousKey returns the first of '&' and '=' that key holds, 0 when it holds neither.
func ambiguousKey(key []byte) byte {
	amp, eq := bytes.IndexByte(key, '&'), bytes.IndexByte(key, '=')
	switch {
	case amp >= 0 && (eq < 0 || amp < eq):
		return '&'
	case eq >= 0:
		return '='
	}
	return 0
}

// Sign returns body, with every top-level number rewritten in its shortest exact form, and
// its "signature" field set to the signature of its canonical string made with key: replaced
// in place when present, appended as the last field otherwise. Every other field keeps its
// raw text and position. It is for tests and fakes that play LakiPay.
//
// The shortest form (1000.5, 100, 0.5) is the one that LakiPay's SDKs and the raw text all
// write alike, so every verifier agrees on what was signed. A number they would not write
// alike in any form (more than 15 significant digits, an integer of 1e21 or more, any other
// number below 1e-4 in magnitude) is refused with [ErrMalformed]; an ambiguous body with
// [ErrAmbiguous]; and so is a body over a limit of the package documentation's, before or
// after its signature is set, since no verifier would accept it.
func Sign(body []byte, key *rsa.PrivateKey) ([]byte, error) {
	if key == nil {
		return nil, ErrNoKey
	}
	if err := checkSize(&key.PublicKey); err != nil {
		return nil, err
	}
	fields, _, err := scan(nil, body, nil)
	if err != nil {
		return nil, err
	}
	if body, err = shortestNumbers(body, fields); err != nil {
		return nil, err
	}
	fields, insertAt, err := scan(fields, body, nil)
	if err != nil {
		return nil, err
	}
	c, err := canonicalize(canonicalString{text: make([]byte, 0, len(body))}, fields)
	if err != nil {
		return nil, err
	}
	digest := sha256.Sum256(c.text)
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, digest[:])
	if err != nil {
		return nil, fmt.Errorf("webhook: sign: %w", err)
	}
	signed := withSignature(body, fields, insertAt, `"`+base64.StdEncoding.EncodeToString(sig)+`"`)
	if _, _, err := scan(fields, signed, nil); err != nil {
		return nil, err // the signature took the body over a limit
	}
	return signed, nil
}

// withSignature returns body, whose fields are fields, with its "signature" field's value
// replaced by quoted when present, or the field appended at insertAt otherwise.
func withSignature(body []byte, fields []Field, insertAt int, quoted string) []byte {
	out := make([]byte, 0, len(body)+len(quoted)+len(SignatureField)+4)
	for _, f := range fields {
		if string(f.Key) == SignatureField {
			out = append(out, body[:f.Offset]...)
			out = append(out, quoted...)
			return append(out, body[f.Offset+len(f.Value):]...)
		}
	}
	out = append(out, body[:insertAt]...)
	if len(fields) > 0 {
		out = append(out, ',')
	}
	out = append(out, `"`+SignatureField+`":`...)
	out = append(out, quoted...)
	return append(out, body[insertAt:]...)
}

// shortestNumbers returns body with every top-level number of fields written in its shortest
// exact form, refusing one that LakiPay's SDK rules would not write alike.
func shortestNumbers(body []byte, fields []Field) ([]byte, error) {
	numbers := make([]Field, 0, len(fields))
	for _, f := range fields {
		if isNumber(f.Value) {
			d, _ := decimal.Parse(f.Value) // the scanner read exactly JSON's number grammar
			if why := portable(&d); why != "" {
				return nil, fmt.Errorf("%w: field %s: a number with %s, which LakiPay's SDKs do not write alike",
					ErrMalformed, quoteKey(f.Key), why)
			}
			numbers = append(numbers, f)
		}
	}
	slices.SortFunc(numbers, func(a, b Field) int { return a.Offset - b.Offset })
	out := make([]byte, 0, len(body))
	at := 0
	for _, f := range numbers {
		out = append(out, body[at:f.Offset]...)
		d, _ := decimal.Parse(f.Value)
		out, _ = appendForm(out, &d, formShortest)
		at = f.Offset + len(f.Value)
	}
	return append(out, body[at:]...), nil
}

// ParsePublicKey reads an RSA public key from the first PEM block of pemBytes: PKIX
// ("PUBLIC KEY") or PKCS#1 ("RSA PUBLIC KEY"), at least [MinKeyBits] bits.
func ParsePublicKey(pemBytes []byte) (*rsa.PublicKey, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return nil, fmt.Errorf("%w: no PEM block found", ErrInvalidKey)
	}
	var key *rsa.PublicKey
	switch block.Type {
	case "PUBLIC KEY":
		parsed, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidKey, err)
		}
		rsaKey, ok := parsed.(*rsa.PublicKey)
		if !ok {
			return nil, fmt.Errorf("%w: %T is not an RSA key", ErrInvalidKey, parsed)
		}
		key = rsaKey
	case "RSA PUBLIC KEY":
		parsed, err := x509.ParsePKCS1PublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidKey, err)
		}
		key = parsed
	default:
		return nil, fmt.Errorf("%w: PEM block %q is not a public key (want \"PUBLIC KEY\" or \"RSA PUBLIC KEY\")",
			ErrInvalidKey, block.Type)
	}
	if err := checkSize(key); err != nil {
		return nil, err
	}
	return key, nil
}

// EncodePublicKey writes key as a PKIX "PUBLIC KEY" PEM block, the form ParsePublicKey reads
// and LakiPay's dashboard hands out. It returns nil for a nil key.
func EncodePublicKey(key *rsa.PublicKey) []byte {
	if key == nil || key.N == nil {
		return nil
	}
	der, err := x509.MarshalPKIXPublicKey(key)
	if err != nil { // only for unsupported key types, which *rsa.PublicKey is not
		return nil
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// CheckKey reports whether key can verify webhooks: an error wrapping [ErrNoKey] when it is
// nil, [ErrInvalidKey] when its modulus is missing or shorter than [MinKeyBits].
func CheckKey(key *rsa.PublicKey) error {
	if key == nil {
		return ErrNoKey
	}
	return checkSize(key)
}

func checkSize(key *rsa.PublicKey) error {
	if key.N == nil {
		return fmt.Errorf("%w: empty modulus", ErrInvalidKey)
	}
	if bits := key.N.BitLen(); bits < MinKeyBits {
		return fmt.Errorf("%w: %d-bit RSA key, want at least %d", ErrInvalidKey, bits, MinKeyBits)
	}
	return nil
}

// scan splits a JSON object into its fields, appended to dst[:0] and sorted by key, and
// returns where a new field goes: just after the last field's value, or at the closing brace
// of an empty object. It reads with the module's strict JSON scanner, within the limits: it
// refuses invalid JSON, invalid UTF-8 (and escapes of lone surrogates, which would decode to
// the same U+FFFD), non-objects, trailing data, duplicate keys and what exceeds a limit. m
// counts its work (nil: not counted).
func scan(dst []Field, body []byte, m *meter) ([]Field, int, error) {
	opts := reading
	if m != nil {
		opts.Meter = &m.Meter
	}
	fields, err := jsonscan.AppendMembers(dst[:0], body, opts)
	if err != nil {
		return nil, 0, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	insertAt := bytes.LastIndexByte(body, '}') // an empty object's closing brace
	if len(fields) > 0 {
		last := fields[len(fields)-1] // still in document order
		insertAt = last.Offset + len(last.Value)
	}
	sortFields(fields, m)
	return fields, insertAt, nil
}

// sortFields sorts fields by key: a webhook's few by insertion, comparing first bytes inline.
func sortFields(fields []Field, m *meter) {
	const few = 16
	if len(fields) > few {
		slices.SortFunc(fields, func(a, b Field) int {
			m.compared(a.Key, b.Key)
			return bytes.Compare(a.Key, b.Key)
		})
		return
	}
	for i := 1; i < len(fields); i++ {
		for j := i; j > 0; j-- {
			m.compared(fields[j].Key, fields[j-1].Key)
			if !keyLess(fields[j].Key, fields[j-1].Key) {
				break
			}
			fields[j], fields[j-1] = fields[j-1], fields[j]
		}
	}
}

func keyLess(a, b []byte) bool {
	if len(a) > 0 && len(b) > 0 && a[0] != b[0] {
		return a[0] < b[0]
	}
	return bytes.Compare(a, b) < 0
}

// quoteKey quotes a field name for an error message, cut to a readable length.
func quoteKey(key []byte) string {
	const limit = 40
	if len(key) > limit {
		return strconv.Quote(string(key[:limit])) + "..."
	}
	return strconv.Quote(string(key))
}
