/** HTTP statuses worth another attempt: the server is busy or broken for now, not misconfigured. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * How long the server asked us to wait, in milliseconds, or undefined when it did not say. Reads
 * `retry-after-ms` first (hosted providers send it with sub-second precision), then `Retry-After` as
 * seconds or as an HTTP date (relative to `now`).
 */
export function readRetryAfter(headers: Headers, now: number): number | undefined {
  const milliseconds = Number.parseFloat(headers.get("retry-after-ms") ?? "");
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return Math.ceil(milliseconds);
  const value = headers.get("retry-after")?.trim();
  if (value === undefined || value === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number.parseFloat(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export interface BackoffPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * The wait before retry number `retry` (0 for the first retry): exponential, with "equal jitter" (half fixed,
 * half random) so that many conversations failing together do not retry together, yet never retry at once.
 * A server's Retry-After wins over the backoff but is capped: the customer is waiting, and the request's
 * own time budget bounds the whole exchange anyway.
 */
export function retryDelay(
  policy: BackoffPolicy,
  retry: number,
  retryAfterMs: number | undefined,
  random: () => number,
): number {
  if (retryAfterMs !== undefined) return Math.min(policy.maxDelayMs, retryAfterMs);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
