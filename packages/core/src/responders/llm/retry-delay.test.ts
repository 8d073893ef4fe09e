import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isRetryableStatus, readRetryAfter, retryDelay } from "./retry-delay.js";

const NOW = Date.parse("2026-03-01T12:00:00Z");

describe("readRetryAfter", () => {
  it("reads retry-after-ms first, then seconds, then an HTTP date", () => {
    expect(readRetryAfter(new Headers({ "retry-after-ms": "1250.4", "retry-after": "9" }), NOW)).toBe(1_251);
    expect(readRetryAfter(new Headers({ "retry-after": "2" }), NOW)).toBe(2_000);
    expect(readRetryAfter(new Headers({ "retry-after": "0.5" }), NOW)).toBe(500);
    expect(readRetryAfter(new Headers({ "retry-after": new Date(NOW + 7_000).toUTCString() }), NOW)).toBe(
      7_000,
    );
    expect(readRetryAfter(new Headers({ "retry-after": new Date(NOW - 7_000).toUTCString() }), NOW)).toBe(0);
  });

  it("ignores what it cannot read", () => {
    expect(readRetryAfter(new Headers(), NOW)).toBeUndefined();
    expect(readRetryAfter(new Headers({ "retry-after": "soon" }), NOW)).toBeUndefined();
    expect(readRetryAfter(new Headers({ "retry-after-ms": "-3" }), NOW)).toBeUndefined();
  });
});

describe("retryDelay", () => {
  const policy = { baseDelayMs: 500, maxDelayMs: 10_000 };

  it("doubles per retry, between half and all of the ceiling, never above the cap", () => {
    fc.assert(
      fc.property(
        fc.nat(20),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (retry, random) => {
          const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
          const wait = retryDelay(policy, retry, undefined, () => random);
          expect(wait).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
          expect(wait).toBeLessThanOrEqual(ceiling);
        },
      ),
    );
    expect([0, 1, 2, 3, 4, 5].map((retry) => retryDelay(policy, retry, undefined, () => 1))).toEqual([
      500, 1_000, 2_000, 4_000, 8_000, 10_000,
    ]);
  });

  it("follows Retry-After up to the cap", () => {
    expect(retryDelay(policy, 0, 3_000, () => 0)).toBe(3_000);
    expect(retryDelay(policy, 0, 0, () => 0)).toBe(0);
    expect(retryDelay(policy, 0, 60_000, () => 0)).toBe(10_000);
  });
});

describe("isRetryableStatus", () => {
  it("retries busy and broken servers, not refused configurations", () => {
    expect([408, 429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 422].some(isRetryableStatus)).toBe(false);
  });
});
