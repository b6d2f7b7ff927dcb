// A TypeScript backend's whole hosted-checkout flow against `lakipay mock`, typed only by what
// openapi-typescript generates from openapi-3.1.yaml and called through openapi-fetch, as a
// team in another language would write it. .ci/interop/run generates ./lakipay.d.ts beside a
// copy of this file, compiles it with `tsc --strict` and runs it with node:
//
//	node flow.js BASE_URL PUBLIC_KEY_PEM_FILE
//
// It creates a checkout whose callback_url is a node http server of its own on loopback, pays
// through the mock's POST /_mock/transactions/{id}/pay, requires transaction detail to say
// SUCCESS, and verifies the signed webhook it receives with node's own crypto under the
// documented canonical rule (openapi.yaml, WebhookEvent). It exits non-zero with a message
// saying what failed.
import { verify } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import createClient from "openapi-fetch";
import type { components, paths, webhooks } from "./lakipay.js";

type CheckoutRequest = components["schemas"]["CheckoutRequest"];
type Medium = components["schemas"]["Medium"];
// The webhook payload type, reached the way a receiver would: through the 3.1 webhook.
type WebhookEvent = webhooks["paymentStatusChanged"]["post"]["requestBody"]["content"]["application/json"];
// Equal is true only when A and B are the same type.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
// The webhook's body is the WebhookEvent schema itself, not a copy that could drift.
export const webhookIsTheSchema: Equal<WebhookEvent, components["schemas"]["WebhookEvent"]> = true;

const AMOUNT = 1000.5;
const MEDIUM: Medium = "MPESA";
const API_KEY = "pk_test_interop:sk_test_interop"; // the mock's test key; never printed
const MAX_WEBHOOK_BYTES = 64 * 1024;
const TIMEOUT_MS = 30_000;

// fail stops the program with a message that says what went wrong.
function fail(message: string): never {
  throw new Error(message);
}

// A top-level member of a JSON object: its key (decoded) and its value's raw JSON text.
interface Member {
  key: string;
  raw: string;
}

// members splits the raw text of a JSON object into its top-level members, keeping each value's
// text exactly as sent (an amount written 1000.50 stays 1000.50). JSON.parse checks the text is
// valid JSON first, so the scanner only has to find where each value ends.
function members(body: string): Member[] {
  const parsed: unknown = JSON.parse(body);
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    fail("webhook body is not a JSON object");
  }
  const out: Member[] = [];
  let i = skipSpace(body, 0);
  if (body[i] !== "{") fail("webhook body does not start with {");
  i = skipSpace(body, i + 1);
  if (body[i] === "}") return out;
  for (;;) {
    const keyEnd = endOfValue(body, i);
    const key = JSON.parse(body.slice(i, keyEnd)) as string;
    i = skipSpace(body, keyEnd);
    if (body[i] !== ":") fail(`webhook body: no colon after key ${JSON.stringify(key)}`);
    i = skipSpace(body, i + 1);
    const end = endOfValue(body, i);
    out.push({ key, raw: body.slice(i, end) });
    i = skipSpace(body, end);
    if (body[i] === "}") return out;
    if (body[i] !== ",") fail("webhook body: members not separated by a comma");
    i = skipSpace(body, i + 1);
  }
}

function skipSpace(s: string, i: number): number {
  while (i < s.length && " \t\r\n".includes(s[i] ?? "")) i++;
  return i;
}

// endOfValue returns the index just past the JSON value that starts at i in valid JSON text s.
function endOfValue(s: string, i: number): number {
  const c = s[i];
  if (c === '"') {
    for (let j = i + 1; j < s.length; j++) {
      if (s[j] === "\\") j++;
      else if (s[j] === '"') return j + 1;
    }
    fail("webhook body: unterminated string");
  }
  if (c === "{" || c === "[") {
    let depth = 0;
    for (let j = i; j < s.length; j++) {
      const d = s[j];
      if (d === '"') j = endOfValue(s, j) - 1;
      else if (d === "{" || d === "[") depth++;
      else if (d === "}" || d === "]") {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    fail("webhook body: unterminated container");
  }
  let j = i;
  while (j < s.length && !",}] \t\r\n".includes(s[j] ?? "")) j++;
  return j;
}

// compact removes the whitespace outside strings from valid JSON text.
function compact(raw: string): string {
  let out = "";
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] ?? "";
    if (c === '"') {
      const end = endOfValue(raw, i);
      out += raw.slice(i, end);
      i = end - 1;
    } else if (!" \t\r\n".includes(c)) out += c;
  }
  return out;
}

// canonical is the documented signed string: every top-level field but signature, sorted by key
// in byte order, written key=value, joined with &, a value as its raw JSON text (a string
// without its quotes, escapes decoded; a number exactly as written; an object or array as
// compact JSON). A body whose string could be split back into other fields (a key holding & or
// =, a value holding &, a repeated key) is refused: one signature would cover two meanings.
function canonical(fields: Member[]): string {
  const seen = new Set<string>();
  const parts = fields
    .filter((f) => f.key !== "signature")
    .map((f) => {
      if (seen.has(f.key)) fail(`webhook body repeats the key ${JSON.stringify(f.key)}`);
      seen.add(f.key);
      const value = f.raw.startsWith('"') ? (JSON.parse(f.raw) as string) : compact(f.raw);
      if (/[&=]/.test(f.key) || value.includes("&")) {
        fail(`webhook field ${JSON.stringify(f.key)} would make the canonical string ambiguous`);
      }
      return { key: Buffer.from(f.key, "utf8"), text: `${f.key}=${value}` };
    });
  parts.sort((a, b) => Buffer.compare(a.key, b.key));
  return parts.map((p) => p.text).join("&");
}

// verifyWebhook returns the typed event of an authentic body, and fails on any other.
function verifyWebhook(body: string, publicKeyPem: string): { event: WebhookEvent; amountText: string } {
  const fields = members(body);
  const signature = fields.find((f) => f.key === "signature");
  if (signature === undefined || !signature.raw.startsWith('"')) fail("webhook has no signature string");
  const signatureBytes = Buffer.from(JSON.parse(signature.raw) as string, "base64");
  const signed = canonical(fields);
  if (!verify("sha256", Buffer.from(signed, "utf8"), publicKeyPem, signatureBytes)) {
    fail(`webhook signature does not verify over ${JSON.stringify(signed)}`);
  }
  // The check must be able to fail: the same signature over a changed amount is refused.
  const forged = signed.replace(/(^|&)amount=[^&]*/, "$1amount=1000000.5");
  if (forged === signed || verify("sha256", Buffer.from(forged, "utf8"), publicKeyPem, signatureBytes)) {
    fail("a forged amount verified: the verification proves nothing");
  }
  const amount = fields.find((f) => f.key === "amount");
  if (amount === undefined) fail("webhook has no amount");
  return { event: JSON.parse(body) as WebhookEvent, amountText: amount.raw };
}

// sameDecimal reports whether the decimal text (1000.5, 1000.50) has the value want, compared
// as decimal strings (integer and fraction digits), never through float arithmetic.
function sameDecimal(text: string, want: string): boolean {
  const norm = (s: string): string => {
    const m = /^(\d+)(?:\.(\d+))?$/.exec(s);
    if (m === null) return `not a plain decimal: ${s}`;
    return `${(m[1] ?? "").replace(/^0+(?=\d)/, "")}.${(m[2] ?? "").replace(/0+$/, "")}`;
  };
  return norm(text) === norm(want);
}

// readBody reads a request body of at most MAX_WEBHOOK_BYTES.
async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > MAX_WEBHOOK_BYTES) fail(`webhook body over ${MAX_WEBHOOK_BYTES} bytes`);
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString("utf8");
}

// The payload and canonical string of LakiPay's webhook documentation (openapi.yaml, WebhookEvent):
// canonical must reproduce the one from the other, amount 100.00 included, before it is trusted
// to judge the mock's webhooks.
const DOCS_BODY = `{"event": "DEPOSIT", "transaction_id": "TXN-123456789", "reference": "ORDER-12345",
  "amount": 100.00, "currency": "ETB", "status": "SUCCESS", "timestamp": "2024-01-15T10:30:00Z",
  "signature": "bm90LWEtcmVhbC1zaWduYXR1cmU="}`;
const DOCS_CANONICAL =
  "amount=100.00&currency=ETB&event=DEPOSIT&reference=ORDER-12345&status=SUCCESS&timestamp=2024-01-15T10:30:00Z&transaction_id=TXN-123456789";

async function main(): Promise<void> {
  const [baseUrl, keyFile] = process.argv.slice(2);
  if (baseUrl === undefined || keyFile === undefined) fail("usage: node flow.js BASE_URL PUBLIC_KEY_PEM_FILE");
  const docs = canonical(members(DOCS_BODY));
  if (docs !== DOCS_CANONICAL) fail(`canonical string of the docs' payload is ${docs}, want ${DOCS_CANONICAL}`);
  const publicKeyPem = readFileSync(keyFile, "utf8");

  // The merchant's webhook receiver: answers 200 at once, keeps every body for checking.
  const bodies: string[] = [];
  let arrived: () => void = () => {};
  const receiver = createServer((req, res) => {
    readBody(req).then(
      (body) => {
        bodies.push(body);
        res.writeHead(200).end();
        arrived();
      },
      (err: unknown) => {
        res.writeHead(413).end();
        console.error(`webhook refused: ${String(err)}`);
      },
    );
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const port = (receiver.address() as AddressInfo).port;
  const here = `http://127.0.0.1:${port}`;

  try {
    const client = createClient<paths>({ baseUrl, headers: { "X-API-Key": API_KEY } });
    const request: CheckoutRequest = {
      amount: AMOUNT,
      currency: "ETB",
      phone_number: "251911111111",
      reference: "TS-INTEROP-1",
      description: "openapi-typescript + openapi-fetch interop flow",
      callback_url: `${here}/lakipay/webhook`,
      redirects: { success: `${here}/ok`, failed: `${here}/ko` },
      supported_mediums: [MEDIUM, "TELEBIRR"],
    };

    const created = await client.POST("/payment/checkout", { body: request });
    if (created.error !== undefined) {
      fail(`createCheckout: HTTP ${created.response.status} ${created.error.error_code ?? ""} ${created.error.message}`);
    }
    const session = created.data.data;
    if (session.status !== "INITIATED") fail(`createCheckout: status ${session.status}, want INITIATED`);
    if (session.amount !== AMOUNT || session.reference !== request.reference) {
      fail(`createCheckout echoed amount ${session.amount} reference ${session.reference}`);
    }
    const id = session.lakipay_transaction_id;
    console.log(`created ${id}: redirect the shopper to ${session.checkout_url}`);

    const paid = await fetch(`${new URL(baseUrl).origin}/_mock/transactions/${encodeURIComponent(id)}/pay`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ medium: MEDIUM }),
    });
    if (!paid.ok) fail(`/_mock/ pay: HTTP ${paid.status} ${await paid.text()}`);

    const detail = await client.GET("/payment/transaction/{id}", { params: { path: { id } } });
    if (detail.error !== undefined) {
      fail(`getTransaction: HTTP ${detail.response.status} ${detail.error.error_code ?? ""} ${detail.error.message}`);
    }
    const tx = detail.data.data;
    if (tx.status !== "SUCCESS") fail(`transaction detail says ${tx.status}, want SUCCESS`);
    if (tx.amount !== AMOUNT || tx.medium !== MEDIUM || tx.transaction_id !== id) {
      fail(`transaction detail: amount ${tx.amount} medium ${tx.medium ?? "none"} id ${tx.transaction_id}`);
    }
    console.log(`transaction detail: ${tx.status} ${tx.amount} ${tx.currency} by ${tx.medium ?? "?"}`);

    // Every webhook that arrives must be authentic; the flow ends with the SUCCESS one.
    const deadline = Date.now() + TIMEOUT_MS;
    for (let checked = 0; ; ) {
      while (checked < bodies.length) {
        const { event, amountText } = verifyWebhook(bodies[checked++] ?? "", publicKeyPem);
        if (event.transaction_id !== id) fail(`webhook for ${event.transaction_id}, want ${id}`);
        if (!sameDecimal(amountText, String(AMOUNT)) || event.amount !== AMOUNT) {
          fail(`webhook amount ${amountText}, want ${AMOUNT}`);
        }
        console.log(`webhook verified: ${event.event} ${event.status} amount ${amountText} (raw text)`);
        if (event.status === "SUCCESS") {
          console.log("interop flow: ok (create, pay, detail SUCCESS, webhook verified)");
          return;
        }
      }
      const left = deadline - Date.now();
      if (left <= 0) fail(`no SUCCESS webhook within ${TIMEOUT_MS} ms (${bodies.length} received)`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        arrived = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    receiver.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`interop flow: FAILED: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
