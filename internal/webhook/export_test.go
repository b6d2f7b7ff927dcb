package webhook

import (
	"crypto/rsa"
	"crypto/sha256"
)

// ShortestNumbers is the body Sign signs, without the (slow) RSA signature: fuzz tests of
// the number rewriting run through it.
func ShortestNumbers(body []byte) ([]byte, error) {
	fields, _, err := scan(nil, body, nil)
	if err != nil {
		return nil, err
	}
	return shortestNumbers(body, fields)
}

// VerifiesRecovered is the check that tries a body's other number forms: one RSA operation
// recovers what sig signed, which is then compared with the encoding of digest.
func VerifiesRecovered(key *rsa.PublicKey, digest [sha256.Size]byte, sig []byte) bool {
	em := recoverEncoded(key, sig)
	return em != nil && encodes(em, digest)
}

// Cost is what verifying one body cost, counted where the work is done (see meter).
type Cost struct {
	Read, Compared, Decoded, Compacted, Written, Hashed, RSAOps int
}

// VerifyMetered is VerifyFields with its work counted.
func VerifyMetered(body []byte, key *rsa.PublicKey) (Cost, error) {
	var m meter
	_, err := verifyFields(nil, body, key, &m)
	return Cost{m.Read, m.Compared, m.Decoded, m.compactedBytes, m.writtenBytes, m.hashedBytes, m.rsaOps}, err
}

// RetryBytes bounds what trying the other number forms writes and hashes: three canonical
// strings of at most maxRetryCanonical bytes, each number longer by formGrowth at most.
const RetryBytes = len(retryForms) * (maxRetryCanonical + MaxFields*formGrowth)
