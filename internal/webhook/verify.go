package webhook

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"sync"

	"github.com/lakipay/checkout-go/internal/jsonscan"
)

// Verify checks the body's signature with key: RSA PKCS#1 v1.5 over the SHA-256 of
// [Canonical]. When the body's own text does not verify, it tries again with every top-level
// number written in one other exact form at a time (see the package documentation). It
// returns nil only for an authentic, unambiguous body within the limits.
func Verify(body []byte, key *rsa.PublicKey) error {
	var buf [16]Field
	_, err := VerifyFields(buf[:0], body, key)
	return err
}

// VerifyFields is [Verify] that also returns the body's fields, as [Fields] does, so that a
// caller decoding an authentic body need not read it again. They are appended to dst[:0]: a
// caller can pass an array on its stack to spare an allocation.
func VerifyFields(dst []Field, body []byte, key *rsa.PublicKey) ([]Field, error) {
	return verifyFields(dst, body, key, nil)
}

// verifyFields is VerifyFields, its work counted by m (nil: not counted). It reads body once;
// the signature is checked with one RSA operation, and at most one more for all the other
// number forms together.
func verifyFields(dst []Field, body []byte, key *rsa.PublicKey, m *meter) ([]Field, error) {
	if key == nil {
		return nil, ErrNoKey
	}
	if err := checkSize(key); err != nil {
		return nil, err
	}
	fields, _, err := scan(dst, body, m)
	if err != nil {
		return nil, err
	}
	// The canonical string is no longer than the body besides its white space: a webhook's,
	// a few hundred bytes, is built on the stack, a longer one in a pooled buffer.
	var canonicalBuf [1024]byte
	var numbersBuf [8]numberSpan
	c := canonicalString{text: canonicalBuf[:0], numbers: numbersBuf[:0], meter: m}
	if len(body) > len(canonicalBuf) {
		pooled := getBuffer(min(len(body), MaxCompactBytes))
		defer buffers.Put(pooled)
		c.text = (*pooled)[:0]
	}
	if c, err = canonicalize(c, fields); err != nil {
		return nil, err
	}
	m.wrote(len(c.text))
	if c.signature == nil || len(c.signature.Text) == 0 {
		return nil, ErrNoSignature
	}
	encoded := c.signature.Text
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
	digest := sha256.Sum256(c.text)
	m.hashed(len(c.text))
	m.rsaOp()
	err = rsa.VerifyPKCS1v15(key, crypto.SHA256, digest[:], sig)
	if err == nil || errors.Is(err, rsa.ErrVerification) && verifiesInAnotherForm(key, c, sig) {
		return fields, nil
	}
	return nil, ErrInvalidSignature
}

// buffers holds the buffers of the canonical strings of long bodies, so that verifying one
// makes no garbage of its size.
var buffers sync.Pool

// getBuffer returns a pooled buffer of at least size bytes of capacity.
func getBuffer(size int) *[]byte {
	if b, ok := buffers.Get().(*[]byte); ok && cap(*b) >= size {
		return b
	}
	b := make([]byte, 0, MaxCompactBytes)
	return &b
}

// verifiesInAnotherForm tries each of retryForms in turn, when the canonical string is short
// enough, skipping a form that cannot write every top-level number exactly or that gives a
// canonical string already tried. They all cost one RSA operation: sig is raised to the
// public exponent once, and the result compared with the encoding of each form's digest.
func verifiesInAnotherForm(key *rsa.PublicKey, c canonicalString, sig []byte) bool {
	if len(c.numbers) == 0 || len(c.text) > maxRetryCanonical {
		return false
	}
	var em []byte // recovered from sig once a form writes another canonical string
	var tried [len(retryForms)][]byte
	for i, f := range retryForms {
		text, ok := appendInForm(make([]byte, 0, len(c.text)+len(c.numbers)*formGrowth), c.text, c.numbers, f)
		if !ok || bytes.Equal(text, c.text) || triedBefore(tried[:i], text) {
			continue
		}
		tried[i] = text
		c.meter.wrote(len(text))
		if em == nil {
			c.meter.rsaOp()
			if em = recoverEncoded(key, sig); em == nil {
				return false
			}
		}
		c.meter.hashed(len(text))
		if encodes(em, sha256.Sum256(text)) {
			return true
		}
	}
	return false
}

// formGrowth is how many bytes a form may add to a number at most (1e20 written out).
const formGrowth = 24

// triedBefore reports whether canonical is one of tried.
func triedBefore(tried [][]byte, canonical []byte) bool {
	for _, t := range tried {
		if bytes.Equal(t, canonical) {
			return true
		}
	}
	return false
}

// recoverEncoded returns sig raised to key's public exponent modulo its modulus, as k bytes
// (the modulus's length): the encoded message (RFC 8017, EMSA-PKCS1-v1_5) sig is the signature
// of. It is nil when sig cannot be a signature under key: not k bytes long, or not below the
// modulus. The key must be one rsa.VerifyPKCS1v15 accepts (it answered ErrVerification).
func recoverEncoded(key *rsa.PublicKey, sig []byte) []byte {
	k := key.Size()
	if len(sig) != k {
		return nil
	}
	s := new(big.Int).SetBytes(sig)
	if s.Cmp(key.N) >= 0 {
		return nil
	}
	return s.Exp(s, big.NewInt(int64(key.E)), key.N).FillBytes(make([]byte, k))
}

// sha256DigestInfo is the DER prefix of a SHA-256 digest in an encoded message (RFC 8017,
// section 9.2, note 1).
var sha256DigestInfo = []byte{0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
	0x00, 0x04, 0x20}

// encodes reports whether em is exactly the EMSA-PKCS1-v1_5 encoding of digest (RFC 8017,
// section 9.2): 0x00 0x01, 0xff bytes, 0x00, sha256DigestInfo, digest. Comparing every byte
// of the whole encoding, as crypto/rsa does, leaves no room for the forgeries that parsing it
// would allow.
func encodes(em []byte, digest [sha256.Size]byte) bool {
	t := len(sha256DigestInfo) + len(digest)
	if len(em) < t+11 || em[0] != 0 || em[1] != 1 || em[len(em)-t-1] != 0 {
		return false
	}
	for _, c := range em[2 : len(em)-t-1] {
		if c != 0xff {
			return false
		}
	}
	return bytes.Equal(em[len(em)-t:len(em)-len(digest)], sha256DigestInfo) && bytes.Equal(em[len(em)-len(digest):], digest[:])
}

// meter counts the work verifying one body costs, in the units that could grow faster than
// the body does if verification went wrong, for tests that bound it. A nil meter counts
// nothing.
type meter struct {
	jsonscan.Meter     // reading: one scan, keys compared, strings decoded
	compactedBytes int // bytes of objects and arrays compacted
	writtenBytes   int // bytes written into canonical strings, every form tried included
	hashedBytes    int // bytes hashed
	rsaOps         int // RSA public-key operations
}

func (m *meter) compacted(n int) {
	if m != nil {
		m.compactedBytes += n
	}
}

func (m *meter) wrote(n int) {
	if m != nil {
		m.writtenBytes += n
	}
}

func (m *meter) hashed(n int) {
	if m != nil {
		m.hashedBytes += n
	}
}

func (m *meter) rsaOp() {
	if m != nil {
		m.rsaOps++
	}
}

// compared counts the comparison of two keys (at most the shorter one is read).
func (m *meter) compared(a, b []byte) {
	if m != nil {
		m.Compared += min(len(a), len(b)) + 1
	}
}
