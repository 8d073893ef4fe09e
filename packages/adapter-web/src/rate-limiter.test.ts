import { ManualClock } from "@lutingenie/core";
import { describe, expect, it } from "vitest";
import { createRateLimiter } from "./rate-limiter.js";

describe("rate limiter", () => {
  it("lets `limit` calls through per window and key, then refuses until the window resets", () => {
    const clock = new ManualClock(0);
    const limiter = createRateLimiter({ limit: 2, windowMs: 1_000, clock });
    expect([limiter.take("a"), limiter.take("a"), limiter.take("a")]).toEqual([true, true, false]);
    expect(limiter.take("b")).toBe(true);
    clock.advance(400);
    expect(limiter.retryAfterMs("a")).toBe(600);
    clock.advance(600);
    expect(limiter.take("a")).toBe(true);
  });
});
