import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { alertsToFire, thresholdReached, thresholdsCrossed } from "./alerts.js";
import type { FiredAlert } from "./types.js";

const DEFAULT = [80, 90, 100];

describe("Q5 thresholdsCrossed", () => {
  it("Q5: fires exactly when usage reaches the percentage, not before", () => {
    expect(thresholdsCrossed({ before: 78, after: 79, allowance: 100, thresholds: DEFAULT })).toEqual([]);
    expect(thresholdsCrossed({ before: 79, after: 80, allowance: 100, thresholds: DEFAULT })).toEqual([80]);
    expect(thresholdsCrossed({ before: 80, after: 81, allowance: 100, thresholds: DEFAULT })).toEqual([]);
    // 90 % of 10 is exactly 9, with no floating point surprise.
    expect(thresholdsCrossed({ before: 8, after: 9, allowance: 10, thresholds: DEFAULT })).toEqual([90]);
    // 80 % of 7 is 5.6: reached at 6, not at 5.
    expect(thresholdsCrossed({ before: 4, after: 5, allowance: 7, thresholds: DEFAULT })).toEqual([]);
    expect(thresholdsCrossed({ before: 5, after: 6, allowance: 7, thresholds: DEFAULT })).toEqual([80]);
  });

  it("Q5: one burst crossing two thresholds fires both", () => {
    expect(thresholdsCrossed({ before: 85, after: 100, allowance: 100, thresholds: DEFAULT })).toEqual([
      90, 100,
    ]);
    expect(thresholdsCrossed({ before: 0, after: 250, allowance: 100, thresholds: DEFAULT })).toEqual(
      DEFAULT,
    );
  });

  it("Q5: only upward crossings: a reversal lowering usage crosses nothing", () => {
    expect(thresholdsCrossed({ before: 91, after: 89, allowance: 100, thresholds: DEFAULT })).toEqual([]);
    expect(thresholdsCrossed({ before: 90, after: 90, allowance: 100, thresholds: DEFAULT })).toEqual([]);
  });

  it("Q5: thresholds are configurable, beyond 100 % too, in any order", () => {
    const thresholds = [150, 50, 75];
    expect(thresholdsCrossed({ before: 40, after: 80, allowance: 100, thresholds })).toEqual([50, 75]);
    expect(thresholdsCrossed({ before: 120, after: 150, allowance: 100, thresholds })).toEqual([150]);
    expect(thresholdsCrossed({ before: 79, after: 80, allowance: 100, thresholds })).toEqual([]);
  });

  it("Q5: an allowance of 0 crosses every threshold with the first conversation, and only then", () => {
    expect(thresholdsCrossed({ before: 0, after: 1, allowance: 0, thresholds: DEFAULT })).toEqual(DEFAULT);
    expect(thresholdsCrossed({ before: 1, after: 2, allowance: 0, thresholds: DEFAULT })).toEqual([]);
    expect(thresholdReached(0, 0, 100)).toBe(false);
  });

  it("Q5: for any path up, the union of crossings is exactly the thresholds reached at the end", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 300 }),
        fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 20 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 200 }), { maxLength: 6 }),
        (allowance, steps, thresholds) => {
          let used = 0;
          const crossed: number[] = [];
          for (const step of steps) {
            const next = used + step;
            crossed.push(...thresholdsCrossed({ before: used, after: next, allowance, thresholds }));
            used = next;
          }
          const reached = thresholds.filter((threshold) => thresholdReached(used, allowance, threshold));
          // Each threshold at most once, and none missed.
          expect([...crossed].sort((a, b) => a - b)).toEqual([...reached].sort((a, b) => a - b));
        },
      ),
    );
  });
});

describe("Q5 alertsToFire", () => {
  const fired = (period: string, threshold: number, tenant = "acme"): FiredAlert => ({
    tenant,
    period,
    threshold,
    at: 0,
    used: 0,
    allowance: 100,
  });
  const base = { tenant: "acme", period: "2024-03-31", allowance: 100, thresholds: DEFAULT, at: 1234 };

  it("Q5: builds the alert records to store", () => {
    expect(alertsToFire({ ...base, before: 85, after: 92, alreadyFired: [fired("2024-03-31", 80)] })).toEqual(
      [{ tenant: "acme", period: "2024-03-31", threshold: 90, at: 1234, used: 92, allowance: 100 }],
    );
  });

  it("Q5: a reversal then a re-crossing never fires again in the same period", () => {
    const alreadyFired = [fired("2024-03-31", 80), fired("2024-03-31", 90)];
    // 90 → 89 (reversal) → 90 again: crossing by numbers, but 90 already fired this period.
    expect(thresholdsCrossed({ before: 89, after: 90, allowance: 100, thresholds: DEFAULT })).toEqual([90]);
    expect(alertsToFire({ ...base, before: 89, after: 90, alreadyFired })).toEqual([]);
    // A burst that re-crosses 90 and newly crosses 100 fires only 100.
    expect(
      alertsToFire({ ...base, before: 89, after: 100, alreadyFired }).map((alert) => alert.threshold),
    ).toEqual([100]);
  });

  it("Q5: re-armed at the next period: last period's alerts do not block this period's", () => {
    const alreadyFired = [fired("2024-02-29", 80), fired("2024-02-29", 90), fired("2024-02-29", 100)];
    expect(
      alertsToFire({ ...base, period: "2024-03-31", before: 79, after: 95, alreadyFired }).map(
        (alert) => alert.threshold,
      ),
    ).toEqual([80, 90]);
  });

  it("Q5: another tenant's alerts are not this tenant's", () => {
    const alreadyFired = [fired("2024-03-31", 80, "other")];
    expect(alertsToFire({ ...base, before: 79, after: 80, alreadyFired })).toHaveLength(1);
  });
});
