"""Verifies LakiPay webhooks the way LakiPay's Python SDK documents it, with the standard
library only: the payload is parsed with json.loads, every key but "signature" is sorted, each
pair is written as f"{key}={value}" and the pairs are joined with "&". The signature is RSA
PKCS#1 v1.5 with SHA-256 over that text; with no RSA in the standard library it is checked by
hand: pow(s, e, n) must be the padded DigestInfo of the text's SHA-256, with n and e read from
the PEM (PKIX) public key.

Usage: python3 verify.py INPUT.json, where INPUT.json is {"public_key": PEM, "webhooks": [raw
body, ...]}. Prints one JSON line per webhook: {"canonical": ..., "verified": true|false}.
"""
import base64
import binascii
import hashlib
import hmac
import json
import sys

RSA_ENCRYPTION_OID = bytes.fromhex("2a864886f70d010101")  # 1.2.840.113549.1.1.1
SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")


def tlv(der, at):
    """Reads the DER element at offset at: its tag and where its content starts and ends."""
    tag, length, at = der[at], der[at + 1], at + 2
    if length & 0x80:
        size = length & 0x7F
        length, at = int.from_bytes(der[at:at + size], "big"), at + size
    return tag, at, at + length


def public_key(pem):
    """Reads n and e from a PKIX "PUBLIC KEY" PEM block."""
    lines = [l for l in pem.strip().splitlines() if not l.startswith("-----")]
    der = base64.b64decode("".join(lines))
    _, spki, _ = tlv(der, 0)  # SubjectPublicKeyInfo SEQUENCE
    _, algorithm, algorithm_end = tlv(der, spki)  # AlgorithmIdentifier SEQUENCE
    _, oid, oid_end = tlv(der, algorithm)
    if der[oid:oid_end] != RSA_ENCRYPTION_OID:
        raise ValueError("not an RSA key")
    tag, bits, _ = tlv(der, algorithm_end)  # BIT STRING, no unused bits
    if tag != 0x03 or der[bits] != 0:
        raise ValueError("bad subjectPublicKey")
    _, rsa_key, _ = tlv(der, bits + 1)  # RSAPublicKey SEQUENCE
    _, n_at, n_end = tlv(der, rsa_key)
    _, e_at, e_end = tlv(der, n_end)
    return int.from_bytes(der[n_at:n_end], "big"), int.from_bytes(der[e_at:e_end], "big")


def verify(message, signature, n, e):
    """RSASSA-PKCS1-v1_5 verification with SHA-256 (RFC 8017, section 8.2.2)."""
    k = (n.bit_length() + 7) // 8
    if len(signature) != k:
        return False
    s = int.from_bytes(signature, "big")
    if s >= n:
        return False
    t = SHA256_DIGEST_INFO + hashlib.sha256(message).digest()
    expected = b"\x00\x01" + b"\xff" * (k - len(t) - 3) + b"\x00" + t
    return hmac.compare_digest(pow(s, e, n).to_bytes(k, "big"), expected)


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        data = json.load(f)
    n, e = public_key(data["public_key"])
    for raw in data["webhooks"]:
        payload = json.loads(raw)
        canonical = "&".join(f"{key}={payload[key]}" for key in sorted(payload) if key != "signature")
        signature = payload.get("signature")
        verified = False
        if isinstance(signature, str) and signature:
            try:
                verified = verify(canonical.encode("utf-8"), base64.b64decode(signature, validate=True), n, e)
            except binascii.Error:
                verified = False
        print(json.dumps({"canonical": canonical, "verified": verified}))


if __name__ == "__main__":
    main()
