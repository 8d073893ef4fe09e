import { createHmac } from "node:crypto";

/** Signs a request body exactly as Slack does: `v0=` + HMAC-SHA256(secret, `v0:${timestamp}:${body}`) in hex. */
export function signSlackRequest(signingSecret: string, timestamp: number, body: string): string {
  return `v0=${createHmac("sha256", signingSecret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

export interface SignedPost {
  /** Seconds since the epoch; default now. */
  timestamp?: number;
  /** Overrides the computed signature (bad-signature cases). */
  signature?: string;
  /** X-Slack-Retry-Num, as Slack sets it on its retries 1–3. */
  retryNum?: number;
  contentType?: string;
}

/** POSTs a body to the adapter's endpoint the way Slack's Events API does. */
export async function postSignedToSlackEndpoint(
  url: string,
  signingSecret: string,
  body: string,
  options: SignedPost = {},
): Promise<{ status: number; text: string; milliseconds: number }> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    "content-type": options.contentType ?? "application/json",
    "x-slack-request-timestamp": String(timestamp),
    "x-slack-signature": options.signature ?? signSlackRequest(signingSecret, timestamp, body),
  };
  if (options.retryNum !== undefined) {
    headers["x-slack-retry-num"] = String(options.retryNum);
    headers["x-slack-retry-reason"] = "http_timeout";
  }
  const started = performance.now();
  const response = await fetch(url, { method: "POST", headers, body });
  const text = await response.text();
  return { status: response.status, text, milliseconds: performance.now() - started };
}
