// A TypeScript backend's view of the hosted-checkout call, typed only by what openapi-typescript
// generates from openapi.yaml (.ci/spec-checks writes it to ./lakipay.d.ts beside a copy of this
// file and runs `tsc --noEmit`). If a spec change breaks this file, it breaks TypeScript
// consumers the same way.
import type { components, paths } from "./lakipay";

type CheckoutRequest = components["schemas"]["CheckoutRequest"];
type CreateCheckout = paths["/payment/checkout"]["post"];
type CheckoutBody = NonNullable<CreateCheckout["requestBody"]>["content"]["application/json"];
type CheckoutOK = CreateCheckout["responses"][200]["content"]["application/json"];
type ErrorEnvelope = components["schemas"]["ErrorEnvelope"];
type Medium = components["schemas"]["Medium"];

// The request of LakiPay's hosted-checkout page, field for field.
const mediums: Medium[] = ["MPESA", "TELEBIRR", "CBE"];
export const docsRequest: CheckoutRequest = {
  amount: 1000.5,
  currency: "ETB",
  phone_number: "251911111111",
  reference: "ORDER123456",
  description: "Payment for order #123",
  callback_url: "https://example.com/callback",
  redirects: {
    success: "https://example.com/success",
    failed: "https://example.com/failed",
  },
  supported_mediums: mediums,
};

// The operation's body type and the schema are the same type.
const asBody: CheckoutBody = docsRequest;

// createCheckout posts the request from a server (the key never goes to a browser) and returns
// the hosted page to redirect the shopper to.
export async function createCheckout(
  baseURL: string,
  apiKey: string,
  body: CheckoutBody = asBody,
): Promise<string> {
  const res = await fetch(`${baseURL}/payment/checkout`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-API-Key": apiKey },
    body: JSON.stringify(body),
  });
  if (!res.ok) {
    const err = (await res.json()) as ErrorEnvelope;
    const code: string | undefined = err.error_code;
    throw new Error(`checkout failed: ${res.status} ${code ?? ""} ${err.message}`);
  }
  const ok = (await res.json()) as CheckoutOK;
  const url: string = ok.data.checkout_url;
  const id: string = ok.data.lakipay_transaction_id;
  const status: components["schemas"]["TransactionStatus"] = ok.data.status;
  console.log(`redirect to ${url} (transaction ${id}, ${status})`);
  return url;
}
