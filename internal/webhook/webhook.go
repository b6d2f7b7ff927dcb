package webhook

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"slices"
	"strconv"

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

// Field is one top-level field of a webhook body: its decoded key, its raw JSON value (a
// sub-slice of the body) and the value's offset in the body.
type Field = jsonscan.Member

// Fields splits a body into its top-level fields, sorted by key in byte order (the
// "signature" field included). It refuses, with [ErrMalformed], a body that is not a single
// JSON object with unique keys (see [Canonical]); unlike Canonical it does not judge the
// fields: an ambiguous body or a "signature" that is not a string splits without error.
func Fields(body []byte) ([]Field, error) {
	fields, _, err := scan(nil, body)
	return fields, err
}

// Canonical returns the canonical string of a webhook body (see the package documentation)
// and the decoded value of its "signature" field ("" when absent). A "signature" that is not a
// string is refused with ErrMalformed, an ambiguous body with [ErrAmbiguous].
func Canonical(body []byte) (canonical []byte, signature string, err error) {
	fields, _, err := scan(nil, body)
	if err != nil {
		return nil, "", err
	}
	canonical, raw, err := canonicalize(make([]byte, 0, len(body)), fields, formRaw)
	if err != nil || raw == nil {
		return canonical, "", err
	}
	signature, err = unquote(raw)
	if err != nil {
		return nil, "", err
	}
	return canonical, signature, nil
}

// errNoForm is canonicalize's answer when a top-level number cannot be written in the form
// asked for without changing its value.
var errNoForm = errors.New("a number has no such form")

// canonicalize appends the canonical string of fields to dst, with every top-level number
// written in form f, and returns it with the raw (quoted) value of the "signature" field, nil
// when absent. It refuses an ambiguous body (ErrAmbiguous), and returns errNoForm when f
// cannot write a number exactly.
func canonicalize(dst []byte, fields []Field, f form) (out, signature []byte, err error) {
	out = dst
	first := true
	for _, field := range fields {
		raw := field.Value
		if string(field.Key) == SignatureField {
			if raw[0] != '"' {
				return nil, nil, fmt.Errorf("%w: %q is not a string", ErrMalformed, SignatureField)
			}
			signature = raw
			continue
		}
		for _, c := range field.Key { // a short key: cheaper than bytes.IndexAny
			if c == '&' || c == '=' {
				return nil, nil, fmt.Errorf("%w: key %s holds %q", ErrAmbiguous, quoteKey(field.Key), string(c))
			}
		}
		if !first {
			out = append(out, '&')
		}
		first = false
		out = append(out, field.Key...)
		out = append(out, '=')
		valueAt := len(out)
		switch {
		case raw[0] == '"':
			inner := raw[1 : len(raw)-1]
			if bytes.IndexByte(inner, '\\') < 0 {
				out = append(out, inner...)
				break
			}
			s, err := unquote(raw)
			if err != nil {
				return nil, nil, err
			}
			out = append(out, s...)
		case raw[0] == '{' || raw[0] == '[':
			var buf bytes.Buffer
			if err := json.Compact(&buf, raw); err != nil {
				return nil, nil, fmt.Errorf("%w: field %s: %w", ErrMalformed, quoteKey(field.Key), err)
			}
			out = append(out, buf.Bytes()...)
		case f != formRaw && isNumber(raw):
			n := parseNumber(raw)
			if n.portable() != "" {
				return nil, nil, errNoForm
			}
			var ok bool
			if out, ok = n.appendForm(out, f); !ok {
				return nil, nil, errNoForm
			}
			continue // a number never holds '&'
		default:
			out = append(out, raw...)
			continue // nor does a literal
		}
		if bytes.IndexByte(out[valueAt:], '&') >= 0 {
			return nil, nil, fmt.Errorf("%w: the value of %s holds \"&\"", ErrAmbiguous, quoteKey(field.Key))
		}
	}
	return out, signature, nil
}

// Verify checks the body's signature with key: RSA PKCS#1 v1.5 over the SHA-256 of
// [Canonical]. When the body's own text does not verify, it tries again with every top-level
// number written in one other exact form at a time (see the package documentation). It
// returns nil only for an authentic, unambiguous body.
func Verify(body []byte, key *rsa.PublicKey) error {
	var buf [16]Field
	_, err := VerifyFields(buf[:0], body, key)
	return err
}

// VerifyFields is [Verify] that also returns the body's fields, as [Fields] does, so that a
// caller decoding an authentic body need not split it again. They are appended to dst[:0]:
// a caller can pass an array on its stack to spare an allocation.
func VerifyFields(dst []Field, body []byte, key *rsa.PublicKey) ([]Field, error) {
	if key == nil {
		return nil, ErrNoKey
	}
	if err := checkSize(key); err != nil {
		return nil, err
	}
	fields, _, err := scan(dst, body)
	if err != nil {
		return nil, err
	}
	// The canonical string of a webhook is a few hundred bytes: built on the stack.
	var canonicalBuf [1024]byte
	canonical, raw, err := canonicalize(canonicalBuf[:0], fields, formRaw)
	if err != nil {
		return nil, err
	}
	if raw == nil {
		return nil, ErrNoSignature
	}
	encoded := raw[1 : len(raw)-1]
	if bytes.IndexByte(encoded, '\\') >= 0 {
		s, err := unquote(raw)
		if err != nil {
			return nil, err
		}
		encoded = []byte(s)
	}
	if len(encoded) == 0 {
		return nil, ErrNoSignature
	}
	var sigBuf [512]byte // an RSA-4096 signature
	sig := sigBuf[:]
	if n := base64.StdEncoding.DecodedLen(len(encoded)); n > len(sig) {
		sig = make([]byte, n)
	}
	n, err := base64.StdEncoding.Decode(sig, encoded)
	if err != nil {
		return nil, fmt.Errorf("%w: not standard base64", ErrInvalidSignature)
	}
	sig = sig[:n]
	if verifies(key, canonical, sig) {
		return fields, nil
	}
	if verifiesInAnotherForm(key, fields, canonical, sig) {
		return fields, nil
	}
	return nil, ErrInvalidSignature
}

// verifiesInAnotherForm tries each of retryForms in turn, skipping a form that cannot write
// every top-level number exactly or that gives a canonical string already tried.
func verifiesInAnotherForm(key *rsa.PublicKey, fields []Field, rawCanonical, sig []byte) bool {
	var bufs [len(retryForms)][1024]byte
	var tried [len(retryForms)][]byte
	for i, f := range retryForms {
		canonical, _, err := canonicalize(bufs[i][:0], fields, f)
		if err != nil || bytes.Equal(canonical, rawCanonical) || triedBefore(tried[:i], canonical) {
			continue
		}
		if verifies(key, canonical, sig) {
			return true
		}
		tried[i] = canonical
	}
	return false
}

// triedBefore reports whether canonical is one of tried.
func triedBefore(tried [][]byte, canonical []byte) bool {
	for _, t := range tried {
		if bytes.Equal(t, canonical) {
			return true
		}
	}
	return false
}

// verifies reports whether sig is key's RSA PKCS#1 v1.5 signature of canonical's SHA-256.
func verifies(key *rsa.PublicKey, canonical, sig []byte) bool {
	digest := sha256.Sum256(canonical)
	return rsa.VerifyPKCS1v15(key, crypto.SHA256, digest[:], sig) == nil
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
// [ErrAmbiguous].
func Sign(body []byte, key *rsa.PrivateKey) ([]byte, error) {
	if key == nil {
		return nil, ErrNoKey
	}
	if err := checkSize(&key.PublicKey); err != nil {
		return nil, err
	}
	fields, _, err := scan(nil, body)
	if err != nil {
		return nil, err
	}
	if body, err = shortestNumbers(body, fields); err != nil {
		return nil, err
	}
	fields, insertAt, err := scan(fields, body)
	if err != nil {
		return nil, err
	}
	canonical, _, err := canonicalize(make([]byte, 0, len(body)), fields, formRaw)
	if err != nil {
		return nil, err
	}
	digest := sha256.Sum256(canonical)
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, digest[:])
	if err != nil {
		return nil, fmt.Errorf("webhook: sign: %w", err)
	}
	quoted := `"` + base64.StdEncoding.EncodeToString(sig) + `"`
	out := make([]byte, 0, len(body)+len(quoted)+len(SignatureField)+4)
	for _, f := range fields {
		if string(f.Key) == SignatureField {
			out = append(out, body[:f.Offset]...)
			out = append(out, quoted...)
			return append(out, body[f.Offset+len(f.Value):]...), nil
		}
	}
	out = append(out, body[:insertAt]...)
	if len(fields) > 0 {
		out = append(out, ',')
	}
	out = append(out, `"`+SignatureField+`":`...)
	out = append(out, quoted...)
	return append(out, body[insertAt:]...), nil
}

// shortestNumbers returns body with every top-level number of fields written in its shortest
// exact form, refusing one that LakiPay's SDK rules would not write alike.
func shortestNumbers(body []byte, fields []Field) ([]byte, error) {
	numbers := make([]Field, 0, len(fields))
	for _, f := range fields {
		if isNumber(f.Value) {
			n := parseNumber(f.Value)
			if why := n.portable(); why != "" {
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
		out, _ = parseNumber(f.Value).appendForm(out, formShortest)
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
// of an empty object. It reads with the module's strict JSON scanner: it refuses invalid JSON,
// invalid UTF-8 (and escapes of lone surrogates, which would decode to the same U+FFFD),
// non-objects, trailing data and duplicate keys.
func scan(dst []Field, body []byte) ([]Field, int, error) {
	fields, err := jsonscan.AppendMembers(dst[:0], body, jsonscan.Options{Strict: true})
	if err != nil {
		return nil, 0, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	insertAt := bytes.LastIndexByte(body, '}') // an empty object's closing brace
	if len(fields) > 0 {
		last := fields[len(fields)-1] // still in document order
		insertAt = last.Offset + len(last.Value)
	}
	sortFields(fields)
	return fields, insertAt, nil
}

// sortFields sorts fields by key: a webhook's few by insertion, comparing first bytes inline.
func sortFields(fields []Field) {
	const few = 16
	if len(fields) > few {
		slices.SortFunc(fields, func(a, b Field) int { return bytes.Compare(a.Key, b.Key) })
		return
	}
	for i := 1; i < len(fields); i++ {
		for j := i; j > 0 && keyLess(fields[j].Key, fields[j-1].Key); j-- {
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

// unquote decodes a raw JSON string that scan has already read.
func unquote(raw []byte) (string, error) {
	s, ok := jsonscan.Unquote(raw)
	if !ok {
		return "", fmt.Errorf("%w: bad string", ErrMalformed)
	}
	return s, nil
}

// quoteKey quotes a field name for an error message, cut to a readable length.
func quoteKey(key []byte) string {
	const limit = 40
	if len(key) > limit {
		return strconv.Quote(string(key[:limit])) + "..."
	}
	return strconv.Quote(string(key))
}
