import { createHmac, timingSafeEqual } from "node:crypto";

/** Requests older or newer than this are refused, so a captured request cannot be replayed later. */
export const MAX_SIGNATURE_AGE_SECONDS = 300;

/** `v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`, the scheme Slack and Stripe use for webhooks. */
export function sign(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

export type SignatureCheck = { ok: true } | { ok: false; problem: string };

export function verifySignature(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  body: string,
  nowSeconds: number,
): SignatureCheck {
  if (headers.timestamp === undefined || headers.signature === undefined)
    return { ok: false, problem: "missing x-lutin-timestamp or x-lutin-signature header" };
  const timestamp = Number(headers.timestamp);
  if (!Number.isInteger(timestamp))
    return { ok: false, problem: "x-lutin-timestamp is not a whole number of seconds" };
  if (Math.abs(nowSeconds - timestamp) > MAX_SIGNATURE_AGE_SECONDS)
    return { ok: false, problem: "x-lutin-timestamp is more than 5 minutes away from the server's clock" };
  const expected = Buffer.from(sign(secret, timestamp, body));
  const given = Buffer.from(headers.signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    return { ok: false, problem: "signature does not match the body and the shared secret" };
  return { ok: true };
}
