// Package webhook signs and verifies LakiPay webhook bodies. It is shared by package client
// (which verifies what LakiPay sends to a merchant's callback_url) and by the fake LakiPay in
// package contracttest (which signs what it sends), so that both sides agree byte for byte.
//
// # Canonical string
//
// LakiPay signs a canonical string built from the JSON body: every top-level field except
// "signature", sorted by key in byte order, written as key=value and joined with "&".
// [Canonical] writes each value as its raw JSON text: a string without its quotes (escapes
// decoded), a number exactly as written (100.00 stays 100.00), true, false and null as
// written, an object or array as compact JSON. This is the only rule that reproduces the
// example of LakiPay's webhook documentation. Bodies that are not a single JSON object, that
// repeat a key, are not UTF-8 or carry trailing data are refused with [ErrMalformed].
//
// # Signature
//
// The "signature" field holds the standard, padded base64 of an RSA PKCS#1 v1.5 signature over
// the SHA-256 of the canonical string. [Verify] checks it with LakiPay's public key, which
// [ParsePublicKey] reads from PEM (PKIX "PUBLIC KEY" or PKCS#1 "RSA PUBLIC KEY");
// [EncodePublicKey] writes one. [Sign] produces a signed body for tests and fakes. [VerifyFields] is
// [Verify] that also returns the body's top-level fields, which [Fields] splits without
// verifying, so that a caller decoding an authentic body does not split it again.
//
// # Key size
//
// LakiPay documents RSA-2048. Keys shorter than 2048 bits are refused everywhere
// ([ParsePublicKey], [Verify], [Sign]) with [ErrInvalidKey]: a short key would let a forger
// factor it, so accepting one would make verification meaningless.
//
// # Errors
//
// Every error wraps one of [ErrMalformed], [ErrNoSignature], [ErrInvalidSignature], [ErrNoKey]
// or [ErrInvalidKey]; check them with errors.Is. Messages never contain the signature or
// field values, only key names and positions.
package webhook
