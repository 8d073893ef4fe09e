import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { alertChanges, alertsToFire, ledgerAlerts, thresholdReached, thresholdsCrossed } from "./alerts.js";
import type { FiredAlert, LedgerEntry } from "./types.js";

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
      [
        {
          tenant: "acme",
          period: "2024-03-31",
          threshold: 90,
          at: 1234,
          used: 92,
          allowance: 100,
          state: "fired",
          withdrawnAt: null,
        },
      ],
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

describe("Q5, C13 ledgerAlerts", () => {
  const count = (name: string, countedAt: number): LedgerEntry => ({
    id: `${name}:1`,
    tenant: "acme",
    conversationId: name,
    mode: "ai",
    kind: "count",
    delta: 1,
    countedAt,
    period: "2024-03-31",
    plan: "starter",
    recordedAt: countedAt,
    reverses: null,
    reason: null,
  });
  const reversal = (row: LedgerEntry): LedgerEntry => ({
    ...row,
    id: `${row.id}:reversal`,
    kind: "reversal",
    delta: -1,
    reverses: row.id,
    reason: "merged",
  });
  const input = (ledger: LedgerEntry[], allowance = 10) => ({
    tenant: "acme",
    period: "2024-03-31",
    ledger,
    allowanceAt: () => allowance,
    thresholds: DEFAULT,
  });
  const rows = Array.from({ length: 10 }, (_, index) => count(`c${index}`, 1_000 * (index + 1)));

  it("Q5: fires at the count moment of the row that first reaches each threshold, in count-moment order", () => {
    // Booked in reverse: arrival order does not matter, the count moments do (C13).
    expect(
      ledgerAlerts(input([...rows].reverse())).map(({ threshold, at, used }) => [threshold, at, used]),
    ).toEqual([
      [80, 8_000, 8],
      [90, 9_000, 9],
      [100, 10_000, 10],
    ]);
  });

  it("Q5: one row reaching two thresholds fires both at its instant; duplicates count once (C12)", () => {
    const alerts = ledgerAlerts(input([...rows.slice(0, 9), ...rows.slice(0, 9)], 9));
    expect(alerts.map(({ threshold, at }) => [threshold, at])).toEqual([
      [80, 8_000],
      [90, 9_000],
      [100, 9_000],
    ]);
  });

  it("C13: a reversed count does not count; the crossing moves to the next row, or disappears", () => {
    const merged = reversal(rows[2] as LedgerEntry);
    expect(ledgerAlerts(input([...rows, merged])).map(({ threshold, at }) => [threshold, at])).toEqual([
      [80, 9_000],
      [90, 10_000],
    ]);
  });

  it("Q5: other periods, human rows and other tenants are ignored", () => {
    const noise = [
      { ...(rows[0] as LedgerEntry), id: "h:1", mode: "human" as const },
      { ...(rows[0] as LedgerEntry), id: "o:1", period: "2024-04-30" },
      { ...(rows[0] as LedgerEntry), id: "g:1", tenant: "globex" },
    ];
    expect(ledgerAlerts(input([...rows.slice(0, 7), ...noise]))).toEqual([]);
  });
});

describe("C13 alertChanges", () => {
  const alert = (threshold: number, at: number, extra: Partial<FiredAlert> = {}): FiredAlert => ({
    tenant: "acme",
    period: "2024-03-31",
    threshold,
    at,
    used: threshold / 10,
    allowance: 10,
    state: "fired",
    withdrawnAt: null,
    ...extra,
  });

  it("C13: fires new crossings, withdraws lost ones at `now`, re-fires withdrawn ones, corrects moved instants silently", () => {
    const stored = [alert(80, 5), alert(90, 6), alert(100, 7, { state: "withdrawn", withdrawnAt: 50 })];
    const wanted = [alert(80, 4), alert(100, 9)];
    expect(alertChanges(stored, wanted, 99)).toEqual([
      { alert: alert(80, 4), create: false, notify: null },
      { alert: alert(90, 6, { state: "withdrawn", withdrawnAt: 99 }), create: false, notify: "withdrawn" },
      { alert: alert(100, 9), create: false, notify: "fired" },
    ]);
    expect(alertChanges([], wanted, 99).map((change) => [change.create, change.notify])).toEqual([
      [true, "fired"],
      [true, "fired"],
    ]);
    // Nothing to do when the stored alerts are what the ledger says; an old record (no state) is fired.
    const { state: _state, withdrawnAt: _withdrawnAt, ...old } = alert(80, 4);
    expect(alertChanges([old, alert(100, 9)], wanted, 99)).toEqual([]);
  });
});
