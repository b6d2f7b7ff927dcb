// A LakiPay webhook receiver in plain Node.js (no dependency), put through
// `lakipay webhook test` by the CLI's tests: node receiver.js PUBLIC_KEY.pem
// It prints its port, serves the webhook at POST /webhook and its effects at
// GET /effects?transaction_id=..., and keeps everything in memory.
"use strict";
const { verify } = require("node:crypto");
const { readFileSync } = require("node:fs");
const { createServer } = require("node:http");

const publicKey = readFileSync(process.argv[2], "utf8");
const MAX_BODY = 64 * 1024; // LakiPay's webhooks are a few hundred bytes
const FINAL = new Set(["SUCCESS", "FAILED", "CANCELLED"]);
const seen = new Set(); // transaction_id + status already handled
const finalOf = new Map(); // transaction_id -> the final status acted on
const settled = new Map(); // transaction_id -> times the order was settled (the effect)

// authentic returns the event when the body is signed by LakiPay and unambiguous, else null.
function authentic(body) {
  let event;
  try {
    event = JSON.parse(body);
  } catch {
    return null;
  }
  if (event === null || typeof event !== "object" || Array.isArray(event)) return null;
  if (typeof event.signature !== "string" || event.signature === "") return null;
  const parts = [];
  for (const key of Object.keys(event).filter((k) => k !== "signature")) {
    const v = event[key];
    const text = typeof v === "object" && v !== null ? JSON.stringify(v) : `${v}`;
    // Nothing in the signed string is escaped: a key holding & or =, or a value holding &,
    // would let a genuine signature be re-split into another webhook.
    if (/[&=]/.test(key) || text.includes("&")) return null; // ambiguous: a forgery
    parts.push([Buffer.from(key), `${key}=${text}`]);
  }
  parts.sort((a, b) => Buffer.compare(a[0], b[0]));
  const signed = Buffer.from(parts.map((p) => p[1]).join("&"));
  if (!verify("sha256", signed, publicKey, Buffer.from(event.signature, "base64"))) return null;
  return event;
}

// settle is the merchant's work: settle, ship or cancel the order. It must run once.
function settle(id) {
  settled.set(id, (settled.get(id) ?? 0) + 1);
}

function handle(event) {
  const id = event.transaction_id;
  // handle: once per payment; nothing for a repeat, or for any status after the final one.
  const pair = `${id}/${event.status}`;
  if (seen.has(pair) || finalOf.has(id)) return;
  seen.add(pair);
  if (FINAL.has(event.status)) { finalOf.set(id, event.status); settle(id); }
}

const server = createServer((req, res) => {
  const url = new URL(req.url, "http://receiver");
  if (req.method === "GET" && url.pathname === "/effects") {
    res.end(String(settled.get(url.searchParams.get("transaction_id")) ?? 0));
    return;
  }
  if (req.method !== "POST" || url.pathname !== "/webhook") {
    res.writeHead(404).end();
    return;
  }
  const chunks = [];
  let size = 0;
  req.on("data", (chunk) => {
    size += chunk.length;
    if (size <= MAX_BODY) chunks.push(chunk);
  });
  req.on("end", () => {
    if (size > MAX_BODY) return res.writeHead(413).end();
    const event = authentic(Buffer.concat(chunks).toString("utf8"));
    if (event === null) return res.writeHead(400).end();
    handle(event);
    res.writeHead(200).end("ok");
  });
});
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
