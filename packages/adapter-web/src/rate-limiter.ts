import { type Clock, systemClock } from "@lutingenie/core";

/**
 * A fixed-window counter per key (visitor, IP): cheap, and precise enough to stop a flood. Windows of
 * keys not seen for a window are dropped on the next sweep, so memory follows the active clients.
 */
export interface RateLimiter {
  /** True when the key may go on (and counts it); false when it is over its limit for this window. */
  take(key: string): boolean;
  /** Milliseconds until the key's window resets (for the client's retry hint). */
  retryAfterMs(key: string): number;
}

export function createRateLimiter(options: { limit: number; windowMs: number; clock?: Clock }): RateLimiter {
  const clock = options.clock ?? systemClock;
  const windows = new Map<string, { start: number; used: number }>();
  let lastSweep = clock.now();
  const sweep = (now: number) => {
    if (now - lastSweep < options.windowMs) return;
    lastSweep = now;
    for (const [key, window] of windows) if (now - window.start >= options.windowMs) windows.delete(key);
  };
  return {
    take(key) {
      const now = clock.now();
      sweep(now);
      const window = windows.get(key);
      if (window === undefined || now - window.start >= options.windowMs) {
        windows.set(key, { start: now, used: 1 });
        return true;
      }
      if (window.used >= options.limit) return false;
      window.used += 1;
      return true;
    },
    retryAfterMs(key) {
      const window = windows.get(key);
      return window === undefined ? 0 : Math.max(0, window.start + options.windowMs - clock.now());
    },
  };
}
