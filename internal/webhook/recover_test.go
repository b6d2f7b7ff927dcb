package webhook_test

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"math/big"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lakipay/checkout-go/internal/webhook"
)

// bigKey is a key of another size than testKey's, so that lengths are not assumed.
var bigKey = sync.OnceValue(func() *rsa.PrivateKey { return generate(3072) })

// sha256Info is the DER prefix of a SHA-256 digest in PKCS #1 v1.5 (RFC 8017, section 9.2),
// written here apart from the package's own.
var sha256Info = []byte("\x30\x31\x30\x0d\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02\x01\x05\x00\x04\x20")

// encoding is the EMSA-PKCS1-v1_5 encoding of digest for key, built by hand.
func encoding(key *rsa.PrivateKey, digest [32]byte) []byte {
	k := key.Size()
	em := make([]byte, k)
	em[1] = 1
	t := len(sha256Info) + len(digest)
	for i := 2; i < k-t-1; i++ {
		em[i] = 0xff
	}
	copy(em[k-t:], sha256Info)
	copy(em[k-len(digest):], digest[:])
	return em
}

// rawSign raises em to the private exponent: a "signature" of any message, well-formed or
// not, the way only the key's owner could make it.
func rawSign(key *rsa.PrivateKey, em []byte) []byte {
	m := new(big.Int).SetBytes(em)
	return new(big.Int).Exp(m, key.D, key.N).FillBytes(make([]byte, key.Size()))
}

// checkAgrees holds the check that tries other number forms to crypto/rsa's verdict on sig.
func checkAgrees(t *testing.T, key *rsa.PrivateKey, digest [32]byte, sig []byte) bool {
	t.Helper()
	want := rsa.VerifyPKCS1v15(&key.PublicKey, crypto.SHA256, digest[:], sig) == nil
	got := webhook.VerifiesRecovered(&key.PublicKey, digest, sig)
	require.Equal(t, want, got, "crypto/rsa says %v for signature %x", want, sig)
	return got
}

// TestRecoveredEncodingAgreesWithCryptoRSA attacks the one RSA check this package does
// without crypto/rsa (for a body's other number forms, so that they cost one RSA operation in
// all): every signature it accepts or refuses, crypto/rsa does too. A check that parsed the
// encoding instead of comparing all of it, or forgot the length or the modulus, fails here.
func TestRecoveredEncodingAgreesWithCryptoRSA(t *testing.T) {
	for _, key := range []*rsa.PrivateKey{testKey(), bigKey()} {
		digest := sha256.Sum256([]byte("amount=100&currency=ETB"))
		other := sha256.Sum256([]byte("amount=100.00&currency=ETB"))
		genuine, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, digest[:])
		require.NoError(t, err)
		require.True(t, checkAgrees(t, key, digest, genuine))
		require.False(t, checkAgrees(t, key, other, genuine))

		mutate := func(em []byte, f func(em []byte)) []byte {
			em = append([]byte(nil), em...)
			f(em)
			return rawSign(key, em)
		}
		// A genuine signature plus the modulus recovers the same encoding, but is no signature:
		// crypto/rsa refuses it (it is not below the modulus).
		for i := 0; ; i++ {
			d := sha256.Sum256([]byte{byte(i)})
			sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, d[:])
			require.NoError(t, err)
			if plus := new(big.Int).Add(new(big.Int).SetBytes(sig), key.N); plus.BitLen() <= 8*key.Size() {
				require.False(t, checkAgrees(t, key, d, plus.FillBytes(make([]byte, key.Size()))))
				break
			}
		}

		em := encoding(key, digest)
		require.True(t, checkAgrees(t, key, digest, rawSign(key, em)), "the hand-built encoding is the genuine one")
		k := key.Size()
		for name, sig := range map[string][]byte{
			"one bit flipped":          mutate(genuine, func([]byte) {}),
			"first byte 1":             mutate(em, func(em []byte) { em[0] = 1 }),
			"block type 2":             mutate(em, func(em []byte) { em[1] = 2 }),
			"short padding":            mutate(em, func(em []byte) { em[9] = 0 }),
			"a padding byte not 0xff":  mutate(em, func(em []byte) { em[k/2] = 0xfe }),
			"no zero after padding":    mutate(em, func(em []byte) { em[k-52] = 0xff }),
			"SHA-512/256's identifier": mutate(em, func(em []byte) { em[k-33-2] = 0x06 }),
			"digest with a byte after": mutate(em, func(em []byte) {
				em[k-53] = 0 // one padding byte less: the rest one byte earlier, and a byte after
				copy(em[k-52:], append(append(append([]byte(nil), sha256Info...), digest[:]...), 0xab))
			}),
			"the modulus":       key.N.FillBytes(make([]byte, k)),
			"above the modulus": new(big.Int).Add(key.N, big.NewInt(1)).FillBytes(make([]byte, k)),
			"zero":              make([]byte, k),
			"one byte short":    rawSign(key, em)[1:],
			"one byte long":     append([]byte{0}, rawSign(key, em)...),
		} {
			if name == "one bit flipped" {
				sig = append([]byte(nil), genuine...)
				sig[k-1] ^= 1
			}
			t.Run(name, func(t *testing.T) { require.False(t, checkAgrees(t, key, digest, sig)) })
		}
	}
}

// FuzzRecoveredEncoding signs any encoded message with the key's private exponent, raw, and
// holds the check to crypto/rsa's verdict; the seeds are the genuine encoding of a digest, so
// that the fuzzer mutates well-formed ones.
func FuzzRecoveredEncoding(f *testing.F) {
	key := testKey()
	digest := sha256.Sum256([]byte("amount=100&currency=ETB"))
	f.Add(encoding(key, digest), digest[:])
	f.Add(encoding(key, digest)[:100], digest[:])
	f.Fuzz(func(t *testing.T, em, digestBytes []byte) {
		var d [32]byte
		copy(d[:], digestBytes)
		if len(em) > key.Size() {
			em = em[:key.Size()]
		}
		if new(big.Int).SetBytes(em).Cmp(key.N) >= 0 {
			return
		}
		padded := make([]byte, key.Size()-len(em), key.Size())
		checkAgrees(t, key, d, rawSign(key, append(padded, em...)))
	})
}
