// Verifies LakiPay webhooks the way LakiPay's JavaScript SDK documents it: the payload is
// parsed with JSON.parse, every key but "signature" is sorted, each pair is written as
// key=${value} and the pairs are joined with "&"; the signature is RSA PKCS#1 v1.5 with
// SHA-256 over that text, checked with node's crypto and the PEM public key.
//
// Usage: node verify.js INPUT.json, where INPUT.json is {"public_key": PEM, "webhooks": [raw
// body, ...]}. Prints one JSON line per webhook: {"canonical": ..., "verified": true|false}.
"use strict";
const crypto = require("crypto");
const fs = require("fs");

const input = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
for (const raw of input.webhooks) {
  const payload = JSON.parse(raw);
  const pairs = [];
  for (const key of Object.keys(payload).sort()) {
    if (key !== "signature") {
      pairs.push(`${key}=${payload[key]}`);
    }
  }
  const canonical = pairs.join("&");
  let verified = false;
  if (typeof payload.signature === "string" && payload.signature !== "") {
    verified = crypto.verify("sha256", Buffer.from(canonical, "utf8"), input.public_key,
      Buffer.from(payload.signature, "base64"));
  }
  console.log(JSON.stringify({ canonical, verified }));
}
