// A shop's LakiPay webhook receiver in plain Node.js (20 or later, no dependency): the example
// receiver that passes every case of `lakipay webhook test`. Run it against `lakipay mock`:
//
//   LAKIPAY_BASE_URL=http://127.0.0.1:12111/api/v2 node examples/node-receiver/receiver.js lakipay-mock.pem
//
// It prints the address it listens on (PORT, default 8080; PORT=0 for any free port) and serves:
//   POST /webhook       LakiPay's webhooks: verified, then acted on once per order
//   POST /orders        a shopper's checkout: a new order and its LakiPay session, answered
//                       {"order", "transaction_id", "checkout_url"} (the suite's --open-url)
//   GET  /test/effects  ?transaction_id=TXN-...: {"paid": N, "released": N}, what the receiver
//                       did about it (the suite's --effects-url; serve it in a test build only)
// Orders live in memory. LAKIPAY_API_KEY is the key its checkouts use (a test key by default).
"use strict";
const { randomUUID, verify } = require("node:crypto");
const { readFileSync } = require("node:fs");
const { createServer } = require("node:http");

const publicKey = readFileSync(process.argv[2], "utf8");
const BASE_URL = process.env.LAKIPAY_BASE_URL ?? "https://api.lakipay.co/api/v2";
const API_KEY = process.env.LAKIPAY_API_KEY ?? "pk_test_node_shop:sk_test_node_shop";
const MAX_BODY = 64 * 1024; // LakiPay's webhooks are a few hundred bytes
const FINAL = new Set(["SUCCESS", "FAILED", "CANCELLED"]);

const run = randomUUID().slice(0, 8); // references stay unique across restarts
const orders = new Map(); // LakiPay transaction id -> the order whose checkout got it
const seen = new Set(); // transaction_id/status already handled
const finalOf = new Map(); // transaction_id -> the final status acted on

// --- Verifying a webhook -------------------------------------------------------------------

// members returns the top-level members of a JSON object's text, each value's raw text kept
// exactly as sent (an amount written 1000.50 stays 1000.50); null for anything else, or for a
// key given twice.
function members(text) {
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return null;
  const out = new Map();
  let i = skipSpace(text, text.indexOf("{") + 1);
  while (text[i] !== "}") {
    const keyEnd = endOfValue(text, i);
    const key = JSON.parse(text.slice(i, keyEnd));
    i = skipSpace(text, skipSpace(text, keyEnd) + 1); // past the colon
    const end = endOfValue(text, i);
    if (out.has(key)) return null;
    out.set(key, text.slice(i, end));
    i = skipSpace(text, end);
    if (text[i] === ",") i = skipSpace(text, i + 1);
  }
  return out;
}

function skipSpace(s, i) {
  while (" \t\r\n".includes(s[i])) i++;
  return i;
}

// endOfValue returns the index just past the JSON value that starts at i in valid JSON text s.
function endOfValue(s, i) {
  let depth = 0;
  for (let inString = false; i < s.length; i++) {
    const c = s[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') {
        inString = false;
        if (depth === 0) return i + 1;
      }
    } else if (c === '"') inString = true;
    else if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") {
      if (--depth === 0) return i + 1;
      if (depth < 0) return i;
    } else if (depth === 0 && (c === "," || " \t\r\n".includes(c))) return i;
  }
  return i;
}

// compact is a nested object's or array's text without the spaces between its tokens.
function compact(raw) {
  let out = "";
  for (let i = 0, inString = false; i < raw.length; i++) {
    const c = raw[i];
    if (inString && c === "\\") {
      out += c + raw[++i];
      continue;
    }
    if (c === '"') inString = !inString;
    if (inString || !" \t\r\n".includes(c)) out += c;
  }
  return out;
}

// numberForms gives the other exact writings of a number with at most two decimals (100,
// 100.00, 100.0): nobody knows which one LakiPay's server signs. null when there is none
// (an exponent, more decimals): that number is only ever signed as sent.
function numberForms(raw) {
  const m = /^(-?\d+)(?:\.(\d+))?$/.exec(raw);
  const frac = (m?.[2] ?? "").replace(/0+$/, "");
  if (!m || frac.length > 2) return null;
  return { shortest: m[1] + (frac ? "." + frac : ""), fixed2: `${m[1]}.${frac.padEnd(2, "0")}`, python: `${m[1]}.${frac || "0"}` };
}

// authentic returns the webhook's raw members when LakiPay signed it (RSA-SHA256 over the
// canonical string: every member but signature, sorted by key, key=value joined with &) and
// no other webhook could share that string; otherwise null.
function authentic(body) {
  const raw = members(body);
  if (raw === null || !raw.get("signature")?.startsWith('"')) return null;
  const signature = Buffer.from(JSON.parse(raw.get("signature")), "base64");
  const canonical = (writing) => {
    const parts = [];
    for (const [key, text] of raw) {
      if (key === "signature") continue;
      let value = text;
      if (text.startsWith('"')) value = JSON.parse(text);
      else if (text.startsWith("{") || text.startsWith("[")) value = compact(text);
      else if (writing) value = numberForms(text)?.[writing] ?? text;
      // Nothing in the signed string is escaped: a key holding & or =, or a value holding &,
      // would let a genuine signature be re-split into another webhook.
      if (/[&=]/.test(key) || value.includes("&")) return null;
      parts.push([Buffer.from(key), `${key}=${value}`]);
    }
    parts.sort((a, b) => Buffer.compare(a[0], b[0]));
    return parts.map((p) => p[1]).join("&");
  };
  const candidates = new Set([null, "shortest", "fixed2", "python"].map(canonical));
  if (candidates.has(null)) return null; // ambiguous: a forgery
  for (const signed of candidates) {
    if (verify("sha256", Buffer.from(signed), publicKey, signature)) return raw;
  }
  return null;
}

// --- Acting on a webhook -------------------------------------------------------------------

// handle does what a verified webhook asks, once: ship the order of a SUCCESS, reopen it
// after a CANCELLED or FAILED; nothing for a repeat, for any status after the final one, for
// one it does not know (PENDING, or one LakiPay adds later), or for a checkout it never
// opened (another LakiPay account can sign a webhook that names this shop's reference).
function handle(raw) {
  const event = Object.fromEntries([...raw].map(([k, v]) => [k, JSON.parse(v)]));
  const id = event.transaction_id;
  const order = orders.get(id);
  if (order === undefined || event.reference !== order.reference) return;
  const pair = `${id}/${event.status}`;
  if (seen.has(pair) || finalOf.has(id)) return;
  seen.add(pair);
  if (FINAL.has(event.status)) finalOf.set(id, event.status);
  if (event.status === "SUCCESS") {
    if (numberForms(raw.get("amount"))?.shortest !== order.amount || event.currency !== order.currency) {
      console.error(`order ${order.reference}: paid ${raw.get("amount")} ${event.currency}, not its amount: for a person to look at`);
      return;
    }
    order.paid++; // ship the order
  } else if (event.status === "CANCELLED" || event.status === "FAILED") {
    order.released++; // reopen the order for another payment
  }
}

// --- A shopper's checkout ------------------------------------------------------------------

async function openOrder(origin) {
  const reference = `ORDER-${run}-${orders.size + 1}`;
  const amount = `${1000 + orders.size}.5`; // each order a little dearer than the one before
  const answer = await fetch(`${BASE_URL}/payment/checkout`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-API-Key": API_KEY },
    body: `{"amount":${amount},"currency":"ETB","phone_number":"251911111111","reference":"${reference}",` +
      `"callback_url":"${origin}/webhook","redirects":{"success":"${origin}/done","failed":"${origin}/done"},` +
      `"supported_mediums":["MPESA","TELEBIRR"]}`,
  });
  const created = await answer.json();
  if (!answer.ok) throw new Error(`LakiPay refused the checkout: HTTP ${answer.status} ${created.message ?? ""}`);
  const id = created.data.lakipay_transaction_id;
  orders.set(id, { reference, amount, currency: "ETB", paid: 0, released: 0 });
  return { order: reference, transaction_id: id, checkout_url: created.data.checkout_url };
}

// --- The server ----------------------------------------------------------------------------

function json(res, status, value) {
  res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(value));
}

const server = createServer((req, res) => {
  const url = new URL(req.url, `http://${req.headers.host}`);
  if (req.method === "GET" && url.pathname === "/test/effects") {
    const order = orders.get(url.searchParams.get("transaction_id"));
    return json(res, 200, { paid: order?.paid ?? 0, released: order?.released ?? 0 });
  }
  if (req.method === "POST" && url.pathname === "/orders") {
    req.resume();
    openOrder(url.origin).then((opened) => json(res, 200, opened), (err) => json(res, 502, { error: err.message }));
    return;
  }
  if (req.method !== "POST" || url.pathname !== "/webhook") return res.writeHead(404).end();
  const chunks = [];
  let size = 0;
  req.on("data", (chunk) => {
    size += chunk.length;
    if (size <= MAX_BODY) chunks.push(chunk);
    else if (!res.headersSent) res.writeHead(413, { Connection: "close" }).end(() => req.destroy());
  });
  req.on("end", () => {
    if (res.headersSent) return;
    const raw = authentic(Buffer.concat(chunks).toString("utf8"));
    if (raw === null) return res.writeHead(400).end("webhook refused");
    handle(raw);
    res.writeHead(200).end("ok");
  });
});
server.listen(Number(process.env.PORT ?? 8080), "127.0.0.1", () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
