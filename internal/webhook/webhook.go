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
	"strings"
	"unicode/utf8"
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
)

// MinKeyBits is the smallest RSA modulus accepted, in bits (LakiPay uses RSA-2048).
const MinKeyBits = 2048

// SignatureField is the name of the body field that carries the signature.
const SignatureField = "signature"

// member is one top-level field of a body: its decoded key and the span of its raw value.
type member struct {
	key        string
	start, end int
}

// Canonical returns the canonical string of a webhook body (see the package documentation)
// and the decoded value of its "signature" field ("" when absent). A "signature" that is not a
// string is refused with ErrMalformed.
func Canonical(body []byte) (canonical []byte, signature string, err error) {
	members, _, err := scan(body)
	if err != nil {
		return nil, "", err
	}
	return canonicalize(body, members)
}

func canonicalize(body []byte, members []member) ([]byte, string, error) {
	out := make([]byte, 0, len(body))
	signature := ""
	first := true
	for _, m := range members {
		raw := body[m.start:m.end]
		if m.key == SignatureField {
			if raw[0] != '"' {
				return nil, "", fmt.Errorf("%w: %q is not a string", ErrMalformed, SignatureField)
			}
			s, err := unquote(raw)
			if err != nil {
				return nil, "", err
			}
			signature = s
			continue
		}
		if !first {
			out = append(out, '&')
		}
		first = false
		out = append(out, m.key...)
		out = append(out, '=')
		switch raw[0] {
		case '"':
			s, err := unquote(raw)
			if err != nil {
				return nil, "", err
			}
			out = append(out, s...)
		case '{', '[':
			var buf bytes.Buffer
			if err := json.Compact(&buf, raw); err != nil {
				return nil, "", fmt.Errorf("%w: field %s: %w", ErrMalformed, quoteKey(m.key), err)
			}
			out = append(out, buf.Bytes()...)
		default:
			out = append(out, raw...)
		}
	}
	return out, signature, nil
}

// Verify checks the body's signature with key: RSA PKCS#1 v1.5 over the SHA-256 of
// [Canonical]. It returns nil only for an authentic body.
func Verify(body []byte, key *rsa.PublicKey) error {
	if key == nil {
		return ErrNoKey
	}
	if err := checkSize(key); err != nil {
		return err
	}
	canonical, signature, err := Canonical(body)
	if err != nil {
		return err
	}
	if signature == "" {
		return ErrNoSignature
	}
	sig, err := base64.StdEncoding.DecodeString(signature)
	if err != nil {
		return fmt.Errorf("%w: not standard base64", ErrInvalidSignature)
	}
	digest := sha256.Sum256(canonical)
	if err := rsa.VerifyPKCS1v15(key, crypto.SHA256, digest[:], sig); err != nil {
		return ErrInvalidSignature
	}
	return nil
}

// Sign returns body with its "signature" field set to the signature of its canonical string
// made with key: replaced in place when present, appended as the last field otherwise. Every
// other field keeps its raw text and position. It is for tests and fakes that play LakiPay.
func Sign(body []byte, key *rsa.PrivateKey) ([]byte, error) {
	if key == nil {
		return nil, ErrNoKey
	}
	if err := checkSize(&key.PublicKey); err != nil {
		return nil, err
	}
	members, insertAt, err := scan(body)
	if err != nil {
		return nil, err
	}
	canonical, _, err := canonicalize(body, members)
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
	for _, m := range members {
		if m.key == SignatureField {
			out = append(out, body[:m.start]...)
			out = append(out, quoted...)
			return append(out, body[m.end:]...), nil
		}
	}
	out = append(out, body[:insertAt]...)
	if len(members) > 0 {
		out = append(out, ',')
	}
	out = append(out, `"`+SignatureField+`":`...)
	out = append(out, quoted...)
	return append(out, body[insertAt:]...), nil
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

func checkSize(key *rsa.PublicKey) error {
	if key.N == nil {
		return fmt.Errorf("%w: empty modulus", ErrInvalidKey)
	}
	if bits := key.N.BitLen(); bits < MinKeyBits {
		return fmt.Errorf("%w: %d-bit RSA key, want at least %d", ErrInvalidKey, bits, MinKeyBits)
	}
	return nil
}

// scan splits a JSON object into its members, sorted by key, and returns where a new member
// goes: just after the last member's value, or at the closing brace of an empty object. It refuses invalid JSON, invalid UTF-8, non-objects, trailing data
// and duplicate keys.
func scan(body []byte) ([]member, int, error) {
	if !json.Valid(body) {
		return nil, 0, fmt.Errorf("%w: not valid JSON", ErrMalformed)
	}
	if !utf8.Valid(body) {
		return nil, 0, fmt.Errorf("%w: not valid UTF-8", ErrMalformed)
	}
	// From here on body is one valid JSON value: the scanner only finds spans.
	i := skipSpace(body, 0)
	if body[i] != '{' {
		return nil, 0, fmt.Errorf("%w: not a JSON object", ErrMalformed)
	}
	members := make([]member, 0, 10)
	i = skipSpace(body, i+1)
	insertAt := i
	for body[i] != '}' {
		keyEnd := skipString(body, i)
		key, err := unquote(body[i:keyEnd])
		if err != nil {
			return nil, 0, err
		}
		i = skipSpace(body, keyEnd)
		i = skipSpace(body, i+1) // the colon
		end := skipValue(body, i)
		members = append(members, member{key: key, start: i, end: end})
		insertAt = end
		i = skipSpace(body, end)
		if body[i] == ',' {
			i = skipSpace(body, i+1)
		}
	}
	slices.SortFunc(members, func(a, b member) int { return strings.Compare(a.key, b.key) })
	for j := 1; j < len(members); j++ {
		if members[j].key == members[j-1].key {
			return nil, 0, fmt.Errorf("%w: duplicate key %s", ErrMalformed, quoteKey(members[j].key))
		}
	}
	return members, insertAt, nil
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the offset just past the string starting at b[i] == '"'.
func skipString(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return i
}

// skipValue returns the offset just past the valid JSON value starting at b[i].
func skipValue(b []byte, i int) int {
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for ; i < len(b); i++ {
			switch b[i] {
			case '"':
				i = skipString(b, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
		}
		return i
	default:
		for i < len(b) && !strings.ContainsRune(",}] \t\r\n", rune(b[i])) {
			i++
		}
		return i
	}
}

// unquote decodes a raw JSON string, cheaply when it holds no escapes.
func unquote(raw []byte) (string, error) {
	inner := raw[1 : len(raw)-1]
	if bytes.IndexByte(inner, '\\') < 0 {
		return string(inner), nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("%w: bad string: %w", ErrMalformed, err)
	}
	return s, nil
}

// quoteKey quotes a field name for an error message, cut to a readable length.
func quoteKey(key string) string {
	const limit = 40
	if len(key) > limit {
		return strconv.Quote(key[:limit]) + "..."
	}
	return strconv.Quote(key)
}
