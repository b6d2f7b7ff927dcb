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
// repeat a key, are not UTF-8, carry trailing data or exceed a limit (see Limits) are refused
// with [ErrMalformed].
//
// # Ambiguity
//
// Nothing in the canonical string is escaped, so one string can stand for several bodies: a
// CANCELLED webhook whose reference is "X&status=SUCCESS&..." has the canonical string of a
// SUCCESS webhook with an extra key, and its genuine signature would verify both. A body is
// therefore accepted ([Canonical], [Verify], [Sign]) only when its canonical string determines
// its fields: no top-level key holds "&" or "=", and no value's canonical text holds "&"
// ("=" in a value is harmless: a part splits on its first "="). Anything else is refused with
// [ErrAmbiguous], which names the key, never the value, and also matches [ErrMalformed]. Then
// splitting the canonical string on "&", and each part on its first "=", gives back exactly
// the body's fields; the empty canonical string stands for a body with no field but its
// signature. The canonical string does not carry JSON types (the string "100" and the number
// 100 both write 100): the caller checks types against the schema after verification. A
// verifier sees only the body it receives: if LakiPay ever signed an ambiguous body, an
// unambiguous re-split of it (a reference "X&reference_x=1" read as "X" plus an extra key)
// would still verify. That is why the checkout request refuses a reference holding "&": no
// session can make LakiPay sign one.
//
// # Numbers
//
// LakiPay's SDKs write a number as its parsed value: JavaScript's `${value}` (100.00 becomes
// 100) and Python's f"{value}" of json.loads (100.00 becomes 100.0, 100 stays 100). Written
// in its shortest exact form (1000.5, 100, 0.5), a number reads the same under both and as
// raw text, provided it has at most 15 significant digits and is an integer below 1e21 or
// any other number of at least 1e-4 in magnitude (outside that, one of them uses an
// exponent or loses digits). [Sign] writes every top-level number in that form before
// signing and refuses, with [ErrMalformed], a number outside those limits.
//
// [Verify] first checks the body's own text: one RSA verification for a normal webhook. Only
// when that fails does it try each other exact form in turn, applied to every top-level number
// of the body together: shortest (100), two decimals (100.00, only when every number has at
// most two) and Python's float text (100.0, 1e+16). Forms are tried only for numbers within
// the limits above, and only for a canonical string of at most 4 KiB (a webhook's is a few
// hundred bytes); a form that would change a value (100.004 as 100.00) is never written,
// so a signature verifies only a body that says the same values. Strings and nested values
// are never rewritten: a decimal string ("1000.50") is signed as its text. All the other
// forms together cost one more RSA operation, whatever the body: the signature is raised to
// the public exponent once, and what it signed compared, byte for byte as crypto/rsa compares
// it, with the encoding of each form's digest. A forged body cannot buy more.
//
// # Limits
//
// Anyone can post a body to a webhook endpoint, so what reading one costs is bounded before
// its signature is checked. A body is refused with [ErrMalformed], naming the limit, when it
// has more than [MaxCompactBytes] (16 KiB) besides the white space around its tokens, more
// than [MaxFields] (64) members in an object (its own fields included), more than
// [MaxValues] (1,024) values in all, objects and arrays nested deeper than [MaxDepth] (32,
// the body itself included) or a number longer than [MaxNumberLength] (64 characters).
// LakiPay's webhook has nine flat fields in a few hundred bytes: each limit is far above
// anything it sends, new fields and nested objects of reasonable size included. Reading stops
// where the first limit is reached. Within them, a body is read once ([VerifyFields] returns
// its fields for the caller to check and decode), its strings decoded and its objects
// compacted at most once, its canonical string written and hashed once (plus the other forms
// of a short one), and at most two RSA operations are done: verifying any body costs a
// bounded multiple of verifying a genuine one. The same limits apply to [Sign], so that a
// signer never writes a body a verifier refuses.
//
// # Signature
//
// The "signature" field holds the standard, padded base64 of an RSA PKCS#1 v1.5 signature over
// the SHA-256 of the canonical string. [Verify] checks it with LakiPay's public key, which
// [ParsePublicKey] reads from PEM (PKIX "PUBLIC KEY" or PKCS#1 "RSA PUBLIC KEY");
// [EncodePublicKey] writes one. [Sign] produces a signed body for tests and fakes; package
// forge builds what Sign refuses to (bodies signed over a given canonical string, the
// forgeries above, bodies built to cost a verifier most), for tests and the fake's hostile
// deliveries. [VerifyFields] is [Verify] that also returns the body's top-level fields, which
// [Fields] splits without verifying, so that a caller decoding an authentic body does not
// split it again.
//
// # Key size
//
// LakiPay documents RSA-2048. Keys shorter than 2048 bits are refused everywhere
// ([ParsePublicKey], [Verify], [Sign]) with [ErrInvalidKey]: a short key would let a forger
// factor it, so accepting one would make verification meaningless.
//
// # Errors
//
// Every error wraps one of [ErrMalformed] (or [ErrAmbiguous], which matches it too),
// [ErrNoSignature], [ErrInvalidSignature], [ErrNoKey] or [ErrInvalidKey]; check them with
// errors.Is. Messages never contain the signature or
// field values, only key names and positions.
package webhook
