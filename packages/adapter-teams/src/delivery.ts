import type { ConnectorCallResult } from "./agent-side.js";

export interface DeliveryPolicy {
  /** Attempts after a refusal that says "later" (429, 412, 503 with Retry-After) before giving up. */
  rateLimitRetries: number;
  /** A longer Retry-After is not waited for. */
  maxRetryAfterSeconds: number;
  sleep(milliseconds: number): Promise<void>;
}

interface ConnectorErrorShape {
  name?: unknown;
  code?: unknown;
  statusCode?: unknown;
  response?: { headers?: { get?(name: string): string | undefined } };
}

/** Connection errors raised before a byte of the request left: nothing was posted. */
const NOT_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

/** Back-off without Retry-After: 1 s, 2 s, 4 s… capped at the policy's maximum. */
const backOffSeconds = (attempt: number, max: number) => Math.min(2 ** attempt, max);

/**
 * One Bot Connector call under the adapter's delivery policy (the Azure pipeline's own retries are off,
 * connector-policy.ts). What is tried again:
 * - 429, 412 and a 503 with Retry-After: the connector refused before doing anything; wait Retry-After
 *   (or back off) and try again, at most `rateLimitRetries` times;
 * - a connection that never opened (ECONNREFUSED…): nothing was sent; same bounded back-off;
 * - 502, 504, other 5xx and time-outs are ambiguous: the connector may have posted the activity before
 *   the answer was lost. An idempotent call (PUT, DELETE, reads) is tried again; a create (a new message)
 *   is NOT replayed, since Teams has no idempotency key and no way to read a chat back to check: it fails
 *   at once, not retryable, saying it may have arrived. A duplicated answer is worse for the customer than
 *   a missing one they can ask again, and an uncounted delivery (C7) is the safe side of billing.
 */
export async function callConnector<T>(
  policy: DeliveryPolicy,
  operation: string,
  idempotent: boolean,
  run: () => Promise<T>,
): Promise<ConnectorCallResult<T>> {
  for (let attempt = 0; ; attempt++) {
    try {
      return { ok: true, value: await run() };
    } catch (error) {
      const shape = (error ?? {}) as ConnectorErrorShape;
      const status = typeof shape.statusCode === "number" ? shape.statusCode : null;
      const code = typeof shape.code === "string" ? shape.code : undefined;
      const retryAfter = retryAfterOf(shape);
      const later = status === 429 || status === 412 || (status === 503 && retryAfter !== null);
      const notSent = status === null && code !== undefined && NOT_SENT.has(code);
      const ambiguous = !later && !notSent && (status === null || status >= 500);
      const again = later || notSent || (ambiguous && idempotent);
      if (!again) return failureOf(operation, status, code, shape, ambiguous);
      const wait = retryAfter ?? backOffSeconds(attempt, policy.maxRetryAfterSeconds);
      if (attempt >= policy.rateLimitRetries || wait > policy.maxRetryAfterSeconds)
        return {
          ok: false,
          status,
          reason: status === 429 || status === 412 || status === 503 ? "rate_limited" : "unreachable",
          retryable: true,
          detail: `the Bot Connector refused ${operation} ${attempt + 1} times (last: ${status ?? code ?? "no answer"}${retryAfter === null ? "" : `, Retry-After ${retryAfter} s`}); it can be tried again later`,
        };
      await policy.sleep(wait * 1000);
    }
  }
}

function retryAfterOf(shape: ConnectorErrorShape): number | null {
  const header = shape.response?.headers?.get?.("retry-after");
  if (header === undefined || header === null) return null;
  if (/^\d{1,6}$/.test(header.trim())) return Number(header.trim());
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, Math.ceil((at - Date.now()) / 1000)) : null;
}

function failureOf<T>(
  operation: string,
  status: number | null,
  code: string | undefined,
  shape: ConnectorErrorShape,
  ambiguous: boolean,
): ConnectorCallResult<T> {
  if (ambiguous)
    return {
      ok: false,
      status,
      reason: "unreachable",
      retryable: false,
      detail: `the Bot Connector's answer to ${operation} was lost (${status === null ? (shape.name === "AbortError" ? "time-out" : (code ?? "no answer")) : `HTTP ${status}`}); the message may have arrived, so it is not sent again`,
    };
  if (status === 413)
    return {
      ok: false,
      status,
      reason: "too_long",
      retryable: false,
      detail: `the Bot Connector answered 413 (MessageSizeTooBig) to ${operation}`,
    };
  if (status === 401 || status === 403)
    return {
      ok: false,
      status,
      reason: "auth_failed",
      retryable: false,
      detail: `the Bot Connector answered ${status} to ${operation}: check MICROSOFT_APP_ID / MICROSOFT_APP_PASSWORD (and MICROSOFT_APP_TYPE / MICROSOFT_APP_TENANT_ID) and that the app is installed where it writes`,
    };
  if (status === 404)
    return {
      ok: false,
      status,
      reason: "thread_gone",
      retryable: false,
      detail: `the Bot Connector answered 404 to ${operation}: the conversation or message is gone, or the bot was removed from it`,
    };
  return {
    ok: false,
    status,
    reason: status === null ? "unreachable" : "rejected",
    retryable: status === null,
    detail: `the Bot Connector answered ${status === null ? (code ?? "nothing") : `HTTP ${status}`} to ${operation}`,
  };
}
