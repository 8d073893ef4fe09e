import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DAY, HOUR, MINUTE } from "../clock.js";
import { LutinError } from "../errors.js";
import { parsePlanCatalog } from "./catalog.js";
import { type BillingPeriod, nextPeriod, periodByLabel, periodContaining } from "./periods.js";
import { calendarOf, createTenant, planAt, requestPlanChange } from "./subscription.js";
import type { FiredAlert, LedgerEntry, Pack, Tenant } from "./types.js";
import { billableRows, computeUsage, type UsageSummary, usageHistory } from "./usage.js";

// Small allowances keep the examples readable.
const catalog = parsePlanCatalog({
  plans: [
    { id: "free", name: "Free", rank: 0, aiAllowance: 10, humanAllowance: 0, monthlyPriceCents: 0 },
    { id: "starter", name: "Starter", rank: 1, aiAllowance: 20, humanAllowance: 3, monthlyPriceCents: 2900 },
    { id: "pro", name: "Pro", rank: 2, aiAllowance: 50, humanAllowance: null, monthlyPriceCents: 9900 },
  ],
});

const at = (iso: string): number => Date.parse(iso);
// Anchor 31 in Paris: periods 31 Jan, 29 Feb, 31 Mar (DST day), 30 Apr 2024.
const STARTED = at("2024-01-31T10:00:00+01:00");
const calendar = { timeZone: "Europe/Paris", anchorDay: 31 };
const P0 = periodByLabel("2024-01-31", calendar);
const P1 = periodByLabel("2024-02-29", calendar);
const P2 = periodByLabel("2024-03-31", calendar);
const P3 = periodByLabel("2024-04-30", calendar);

function tenantOn(plan: string): Tenant {
  return createTenant({ id: "acme", timeZone: "Europe/Paris", plan, startedAt: STARTED }, catalog);
}

/** Builds ledger rows the way the counting engine writes them. */
function ledgerFor(tenant: Tenant) {
  const rows: LedgerEntry[] = [];
  let serial = 0;
  const count = (
    instant: number,
    mode: "ai" | "human" = "ai",
    conversationId = `c${++serial}`,
    generation = 1,
  ) => {
    const row: LedgerEntry = {
      id: `${conversationId}:${generation}`,
      tenant: tenant.id,
      conversationId,
      mode,
      kind: "count",
      delta: 1,
      countedAt: instant,
      period: periodContaining(instant, calendarOf(tenant)).label,
      plan: planAt(tenant, instant),
      recordedAt: instant,
      reverses: null,
      reason: null,
    };
    rows.push(row);
    return row;
  };
  const countMany = (howMany: number, from: number, mode: "ai" | "human" = "ai", step = MINUTE) =>
    Array.from({ length: howMany }, (_, index) => count(from + index * step, mode));
  const reverse = (row: LedgerEntry, reverses: string | null = row.id) => {
    const reversal: LedgerEntry = {
      ...row,
      id: `${row.id}:reversed`,
      kind: "reversal",
      delta: -1,
      recordedAt: row.countedAt + HOUR,
      reverses,
      reason: "merged",
    };
    rows.push(reversal);
    return reversal;
  };
  return { rows, count, countMany, reverse };
}

const pack = (id: string, size: number, purchasedAt: number, expiresAt: number | null = null): Pack => ({
  id,
  tenant: "acme",
  size,
  purchasedAt,
  expiresAt,
});

function usage(
  tenant: Tenant,
  ledger: readonly LedgerEntry[],
  instant: number,
  packs: Pack[] = [],
  alerts: FiredAlert[] = [],
): UsageSummary {
  return computeUsage({ tenant, catalog, ledger, packs, alerts, at: instant });
}

const day = (period: BillingPeriod, days: number) => period.start + days * DAY;

describe("Q2 count moment decides the period", () => {
  it("Q2: a conversation opened before the period boundary and counted after it counts in the new period only", () => {
    const tenant = tenantOn("free");
    const { rows, count } = ledgerFor(tenant);
    // Opened at 23:55 on 28 Feb (period P0), first reply delivered 00:02 on 29 Feb (period P1).
    const row = count(P1.start + 2 * MINUTE);
    expect(row.period).toBe("2024-02-29");
    expect(usage(tenant, rows, P0.end - 1).used).toBe(0);
    expect(usage(tenant, rows, P1.start + 3 * MINUTE).used).toBe(1);
    // Continuing into the period after does not count it again.
    expect(usage(tenant, rows, P2.start + DAY).used).toBe(0);
  });

  it("Q2: rows are grouped by their period label, and a late reversal changes its own period only", () => {
    const tenant = tenantOn("free");
    const { rows, count, countMany, reverse } = ledgerFor(tenant);
    const late = count(P0.end - MINUTE);
    countMany(3, day(P1, 1));
    reverse(late); // learnt during P1, about a P0 count
    expect(usage(tenant, rows, P0.end - 1).used).toBe(0);
    expect(usage(tenant, rows, day(P1, 2)).used).toBe(3);
  });
});

describe("Q3 consumption order", () => {
  it("Q3: the allowance is used first: packs stay untouched while within it", () => {
    const tenant = tenantOn("free");
    const { rows, countMany } = ledgerFor(tenant);
    countMany(10, day(P1, 1));
    const summary = usage(tenant, rows, day(P1, 5), [pack("a", 5, day(P0, 1))]);
    expect(summary).toMatchObject({ used: 10, allowanceUsed: 10, packUsed: 0, overage: 0, remaining: 0 });
    expect(summary.packs[0]).toMatchObject({ used: 0, remaining: 5 });
  });

  it("Q3: then packs, earliest expiry first, then oldest purchase, then overage", () => {
    const tenant = tenantOn("free");
    const { rows, countMany } = ledgerFor(tenant);
    countMany(15, day(P1, 1));
    const packs = [
      pack("new-forever", 5, day(P1, 0.5)),
      pack("old-forever", 5, day(P0, 1)),
      pack("later", 2, day(P0, 2), at("2024-09-01T00:00:00Z")),
      pack("soon", 2, day(P1, 0.9), at("2024-06-01T00:00:00Z")),
    ];
    const summary = usage(tenant, rows, day(P1, 5), packs);
    expect(summary.packs.map((item) => [item.id, item.used, item.remaining])).toEqual([
      ["soon", 2, 0],
      ["later", 2, 0],
      ["old-forever", 1, 4],
      ["new-forever", 0, 5],
    ]);
    expect(summary).toMatchObject({
      used: 15,
      allowanceUsed: 10,
      packUsed: 5,
      overage: 0,
      packsRemaining: 9,
    });

    // 14 more: old-forever's last 4, new-forever's 5, and only then 5 of overage.
    const more = ledgerFor(tenant);
    const extra = more.countMany(14, day(P1, 6)).map((row) => ({ ...row, id: `more-${row.id}` }));
    const after = usage(tenant, [...rows, ...extra], day(P1, 7), packs);
    expect(after).toMatchObject({ used: 29, packUsed: 14, overage: 5, packsRemaining: 0 });
  });
});

describe("Q4 never blocks", () => {
  it("Q4: past the limit, remaining is 0 and the excess shows as overage", () => {
    const tenant = tenantOn("free");
    const { rows, countMany } = ledgerFor(tenant);
    countMany(13, day(P1, 1));
    expect(usage(tenant, rows, day(P1, 2))).toMatchObject({
      plan: "free",
      allowance: 10,
      used: 13,
      allowanceUsed: 10,
      remaining: 0,
      packUsed: 0,
      overage: 3,
    });
  });
});

describe("Q5 alerts in the summary", () => {
  it("Q5: lists only this period's alerts of this tenant, fired up to `at`", () => {
    const tenant = tenantOn("free");
    const alert = (period: string, threshold: number, when: number, who = "acme"): FiredAlert => ({
      tenant: who,
      period,
      threshold,
      at: when,
      used: 8,
      allowance: 10,
    });
    const alerts = [
      alert(P1.label, 90, day(P1, 3)),
      alert(P1.label, 80, day(P1, 2)),
      alert(P1.label, 100, day(P1, 9)),
      alert(P0.label, 80, day(P0, 2)),
      alert(P1.label, 80, day(P1, 2), "other"),
    ];
    const summary = usage(tenant, [], day(P1, 5), [], alerts);
    expect(summary.alerts.map((item) => item.threshold)).toEqual([80, 90]);
    expect(summary.thresholds).toEqual([80, 90, 100]);
    // Next period: re-armed, nothing fired yet.
    expect(usage(tenant, [], day(P2, 1), [], alerts).alerts).toEqual([]);
  });
});

describe("Q6 packs are never lost", () => {
  it("Q6: a pack survives a downgrade to the free plan (cancellation) and keeps absorbing", () => {
    let tenant = tenantOn("starter");
    tenant = requestPlanChange(tenant, catalog, "free", day(P1, 3));
    const { rows, countMany } = ledgerFor(tenant);
    countMany(13, day(P2, 1));
    const summary = usage(tenant, rows, day(P2, 2), [pack("p", 5, day(P1, 1))]);
    expect(summary).toMatchObject({
      plan: "free",
      allowance: 10,
      used: 13,
      packUsed: 3,
      overage: 0,
      packsRemaining: 2,
    });
  });

  it("Q6: a pack bought during overage absorbs that period's overage, counted before the purchase too", () => {
    const tenant = tenantOn("free");
    const { rows, countMany } = ledgerFor(tenant);
    countMany(12, day(P1, 1));
    const bought = pack("rescue", 5, day(P1, 4));
    const before = usage(tenant, rows, day(P1, 3), [bought]);
    expect(before).toMatchObject({ overage: 2, packUsed: 0, packs: [] });
    const after = usage(tenant, rows, day(P1, 4), [bought]);
    expect(after).toMatchObject({ overage: 0, packUsed: 2, packsRemaining: 3 });
    expect(after.packs[0]).toMatchObject({
      id: "rescue",
      used: 2,
      usedThisPeriod: 2,
      remaining: 3,
      expired: false,
    });
  });

  it("Q6: a pack bought in a later period does not reach back to earlier overage", () => {
    const tenant = tenantOn("free");
    const { rows, countMany } = ledgerFor(tenant);
    countMany(12, day(P1, 1));
    const later = pack("later", 5, day(P2, 0.5));
    expect(usage(tenant, rows, P1.end - 1, [later])).toMatchObject({ overage: 2, packUsed: 0 });
    expect(usage(tenant, rows, day(P2, 1), [later]).packs[0]).toMatchObject({ used: 0, remaining: 5 });
    countMany(12, day(P2, 2));
    expect(usage(tenant, rows, day(P2, 3), [later])).toMatchObject({
      used: 12,
      packUsed: 2,
      overage: 0,
      packsRemaining: 3,
    });
  });

  it("Q6: an expired pack absorbs nothing from its expiry instant on", () => {
    const tenant = tenantOn("free");
    const { rows, count, countMany } = ledgerFor(tenant);
    const expiresAt = day(P1, 10);
    countMany(10, day(P1, 1)); // allowance
    countMany(2, day(P1, 5)); // before expiry: pack
    count(expiresAt); // exactly at expiry: too late (half-open, like periods)
    countMany(2, day(P1, 15)); // after: overage
    const summary = usage(tenant, rows, day(P1, 20), [pack("short", 10, day(P0, 1), expiresAt)]);
    expect(summary).toMatchObject({ used: 15, packUsed: 2, overage: 3, packsRemaining: 0 });
    expect(summary.packs[0]).toMatchObject({ used: 2, remaining: 0, expired: true });
    // While it was alive, the rest showed as remaining.
    expect(
      usage(tenant, rows, day(P1, 6), [pack("short", 10, day(P0, 1), expiresAt)]).packs[0],
    ).toMatchObject({
      remaining: 8,
      expired: false,
    });
  });

  it("Q6: a pack that expired before the period is not listed", () => {
    const tenant = tenantOn("free");
    const summary = usage(tenant, [], day(P2, 1), [
      pack("old", 5, day(P0, 1), P1.end),
      pack("live", 5, day(P0, 1)),
    ]);
    expect(summary.packs.map((item) => item.id)).toEqual(["live"]);
  });

  it("Q6: packs carry over and are consumed across periods in chronological order", () => {
    const tenant = tenantOn("free");
    const { rows, countMany } = ledgerFor(tenant);
    countMany(13, day(P0, 1)); // 3 over
    countMany(14, day(P1, 1)); // 4 over: 2 left in the pack, then 2 overage
    const packs = [pack("p", 5, day(P0, 0.5))];
    expect(usage(tenant, rows, P0.end - 1, packs)).toMatchObject({
      packUsed: 3,
      overage: 0,
      packsRemaining: 2,
    });
    const now = usage(tenant, rows, day(P1, 2), packs);
    expect(now).toMatchObject({ used: 14, packUsed: 2, overage: 2, packsRemaining: 0 });
    expect(now.packs[0]).toMatchObject({ used: 5, usedThisPeriod: 2, remaining: 0 });
  });

  it("Q6: rejects a pack with a nonsensical size instead of guessing", () => {
    const tenant = tenantOn("free");
    expect(() => usage(tenant, [], day(P1, 1), [pack("bad", -1, day(P0, 1))])).toThrow(
      /size must be a whole number/,
    );
    try {
      usage(tenant, [], day(P1, 1), [pack("bad", 1.5, day(P0, 1))]);
    } catch (error) {
      expect(LutinError.isInstance(error, "QUOTA_CONFIG_INVALID")).toBe(true);
    }
  });
});

describe("Q7 plan changes in the usage", () => {
  it("Q7: an upgrade raises this period's allowance at once and usage carries over", () => {
    let tenant = tenantOn("free");
    const { rows, countMany } = ledgerFor(tenant);
    countMany(12, day(P1, 1));
    expect(usage(tenant, rows, day(P1, 2))).toMatchObject({ plan: "free", allowance: 10, overage: 2 });
    tenant = requestPlanChange(tenant, catalog, "starter", day(P1, 3));
    const upgraded = usage(tenant, rows, day(P1, 3));
    expect(upgraded).toMatchObject({ plan: "starter", allowance: 20, used: 12, remaining: 8, overage: 0 });
    expect(upgraded.period).toEqual(P1); // the period is not reset
  });

  it("Q7: a downgrade keeps this period's allowance and applies from the next period", () => {
    let tenant = tenantOn("pro");
    const { rows, countMany } = ledgerFor(tenant);
    countMany(30, day(P1, 1));
    tenant = requestPlanChange(tenant, catalog, "free", day(P1, 5));
    expect(usage(tenant, rows, P1.end - 1)).toMatchObject({
      plan: "pro",
      allowance: 50,
      used: 30,
      remaining: 20,
    });
    countMany(12, day(P2, 1));
    expect(usage(tenant, rows, day(P2, 2))).toMatchObject({
      plan: "free",
      allowance: 10,
      used: 12,
      overage: 2,
    });
  });

  it("Q7: a past period is settled with the plan in force at its end (an upgrade frees the pack)", () => {
    const packs = [pack("p", 5, day(P1, 0.5))];
    const freeTenant = tenantOn("free");
    const { rows, countMany } = ledgerFor(freeTenant);
    countMany(12, day(P1, 1));
    expect(usage(freeTenant, rows, day(P2, 1), packs).packs[0]).toMatchObject({ used: 2, remaining: 3 });
    const upgraded = requestPlanChange(freeTenant, catalog, "starter", day(P1, 20));
    expect(usage(upgraded, rows, day(P2, 1), packs).packs[0]).toMatchObject({ used: 0, remaining: 5 });
  });

  it("Q7: a past period keeps the allowance it ended with, whatever the plan is now", () => {
    const packs = [pack("p", 5, day(P1, 0.5))];
    // Pro all through P1 (50 included), downgraded to free from P2: P1's 12 stay within Pro's allowance.
    const wasPro = requestPlanChange(tenantOn("pro"), catalog, "free", day(P1, 10));
    const proRows = ledgerFor(wasPro);
    proRows.countMany(12, day(P1, 1));
    expect(usage(wasPro, proRows.rows, day(P2, 1), packs).packs[0]).toMatchObject({ used: 0, remaining: 5 });
    // Free all through P1, upgraded only in P2: P1's excess of 2 was taken from the pack for good.
    const upgradedLater = requestPlanChange(tenantOn("free"), catalog, "pro", day(P2, 0.5));
    const freeRows = ledgerFor(upgradedLater);
    freeRows.countMany(12, day(P1, 1));
    expect(usage(upgradedLater, freeRows.rows, day(P2, 1), packs).packs[0]).toMatchObject({
      used: 2,
      remaining: 3,
    });
  });
});

describe("Q8 used equals the billable rows", () => {
  it("Q8: reversals by id, by conversation, orphans, recounts and duplicate rows", () => {
    const tenant = tenantOn("pro");
    const { rows, count, countMany, reverse } = ledgerFor(tenant);
    const [first, second, third] = countMany(5, day(P1, 1));
    if (first === undefined || second === undefined || third === undefined) throw new Error("rows expected");
    reverse(second); // names the row it cancels
    reverse(third, null); // names nothing: cancels the conversation's latest count
    rows.push({
      ...first,
      id: "ghost:reversed",
      conversationId: "ghost",
      kind: "reversal",
      delta: -1,
      reverses: "ghost:1",
    });
    const recounted = count(day(P1, 2), "ai", "moved", 1);
    reverse(recounted, recounted.id);
    count(day(P1, 2) + MINUTE, "ai", "moved", 2); // counted again at its new moment
    rows.push({ ...first }); // the same row delivered twice
    rows.push({ ...rows[0], id: "other-tenant:1", tenant: "someone-else" } as LedgerEntry);

    const billable = billableRows(rows, "acme", day(P1, 3));
    expect(billable.map((row) => row.id).sort()).toEqual(["c1:1", "c4:1", "c5:1", "moved:2"]);
    expect(usage(tenant, rows, day(P1, 3)).used).toBe(4);
    expect(
      usageHistory({ tenant, ledger: rows, at: day(P1, 3) }).days.reduce((sum, item) => sum + item.ai, 0),
    ).toBe(4);
  });

  it("Q8: for random ledgers, used is the number of net billable rows of the period, whatever the row order", () => {
    const tenant = tenantOn("starter");
    const periods = [P0, P1, P2, P3];
    const conversation = fc.record({
      offset: fc.integer({ min: 0, max: P3.end - P0.start - 1 }),
      mode: fc.constantFrom("ai" as const, "human" as const),
      // Each generation: reversed or not. Generation n+1 is counted one minute after generation n.
      generations: fc.array(fc.boolean(), { minLength: 1, maxLength: 3 }),
      duplicated: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(conversation, { maxLength: 50 }),
        fc.infiniteStream(fc.nat()),
        (conversations, order) => {
          const rows: LedgerEntry[] = [];
          const expected = new Map<string, { ai: number; human: number }>();
          conversations.forEach((spec, index) => {
            spec.generations.forEach((reversed, generation) => {
              const countedAt = P0.start + spec.offset + generation * MINUTE;
              const row: LedgerEntry = {
                id: `conv${index}:${generation}`,
                tenant: "acme",
                conversationId: `conv${index}`,
                mode: spec.mode,
                kind: "count",
                delta: 1,
                countedAt,
                period: periodContaining(countedAt, calendar).label,
                plan: "starter",
                recordedAt: countedAt,
                reverses: null,
                reason: null,
              };
              rows.push(row);
              if (spec.duplicated) rows.push({ ...row });
              if (reversed) {
                rows.push({
                  ...row,
                  id: `${row.id}:r`,
                  kind: "reversal",
                  delta: -1,
                  reverses: row.id,
                  reason: "merged",
                });
              } else {
                const totals = expected.get(row.period) ?? { ai: 0, human: 0 };
                totals[spec.mode] += 1;
                expected.set(row.period, totals);
              }
            });
          });
          // Shuffle: the figures may not depend on the order rows come in.
          const keys = rows.map(() => order.next().value as number);
          const shuffled = rows
            .map((row, index) => ({ row, key: keys[index] ?? 0 }))
            .sort((a, b) => a.key - b.key);
          const ledger = shuffled.map((item) => item.row);
          for (const period of periods) {
            const summary = usage(tenant, ledger, period.end - 1);
            const totals = expected.get(period.label) ?? { ai: 0, human: 0 };
            expect(summary.used).toBe(totals.ai);
            expect(summary.human.used).toBe(totals.human);
            const history = usageHistory({ tenant, ledger, at: period.end - 1 });
            expect(history.days.reduce((sum, item) => sum + item.ai, 0)).toBe(totals.ai);
            expect(history.days.reduce((sum, item) => sum + item.human, 0)).toBe(totals.human);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("Q9 human conversations", () => {
  it("Q9: unlimited on Professional and above: no remaining, never an overage", () => {
    const tenant = tenantOn("pro");
    const { rows, countMany } = ledgerFor(tenant);
    countMany(70, day(P1, 1), "human");
    const summary = usage(tenant, rows, day(P1, 5), [pack("p", 5, day(P0, 1))]);
    expect(summary.human).toEqual({ used: 70, allowance: null, remaining: null, overage: 0 });
    // Human conversations do not eat the AI allowance nor packs.
    expect(summary).toMatchObject({ used: 0, remaining: 50, packsRemaining: 5 });
  });

  it("Q9: limited on a lower plan: the excess shows as human overage", () => {
    const tenant = tenantOn("starter");
    const { rows, countMany } = ledgerFor(tenant);
    countMany(2, day(P1, 1), "human");
    expect(usage(tenant, rows, day(P1, 2)).human).toEqual({
      used: 2,
      allowance: 3,
      remaining: 1,
      overage: 0,
    });
    countMany(3, day(P1, 3), "human");
    expect(usage(tenant, rows, day(P1, 4)).human).toEqual({
      used: 5,
      allowance: 3,
      remaining: 0,
      overage: 2,
    });
  });

  it("Q9: a plan may include none: every human conversation is overage", () => {
    const tenant = tenantOn("free");
    const { rows, count } = ledgerFor(tenant);
    count(day(P1, 1), "human");
    expect(usage(tenant, rows, day(P1, 2)).human).toEqual({
      used: 1,
      allowance: 0,
      remaining: 0,
      overage: 1,
    });
  });
});

describe("usage invariants (Q3, Q4, Q6)", () => {
  it("Q3: for random ledgers, packs and plan changes, the split adds up and nothing goes negative", () => {
    const start = P0.start;
    const span = P3.end - P0.start;
    const arbitraryPack = fc.record({
      size: fc.integer({ min: 0, max: 8 }),
      purchasedOffset: fc.integer({ min: 0, max: span }),
      lifetime: fc.option(fc.integer({ min: 1, max: 60 * DAY }), { nil: null }),
    });
    fc.assert(
      fc.property(
        fc.constantFrom("free", "starter", "pro"),
        fc.option(
          fc.record({
            plan: fc.constantFrom("free", "starter", "pro"),
            offset: fc.integer({ min: 0, max: span }),
          }),
          {
            nil: null,
          },
        ),
        fc.array(fc.record({ offset: fc.integer({ min: 0, max: span - 1 }), reversed: fc.boolean() }), {
          maxLength: 120,
        }),
        fc.array(arbitraryPack, { maxLength: 4 }),
        fc.integer({ min: 0, max: span - 1 }),
        (initialPlan, change, counts, packSpecs, atOffset) => {
          let tenant = tenantOn(initialPlan);
          if (change !== null)
            tenant = requestPlanChange(tenant, catalog, change.plan, start + change.offset);
          const { rows, count, reverse } = ledgerFor(tenant);
          for (const spec of counts) {
            const row = count(start + spec.offset);
            if (spec.reversed) reverse(row);
          }
          const packs = packSpecs.map((spec, index) =>
            pack(
              `pack${index}`,
              spec.size,
              start + spec.purchasedOffset,
              spec.lifetime === null ? null : start + spec.purchasedOffset + spec.lifetime,
            ),
          );
          const instant = start + atOffset;
          const summary = usage(tenant, rows, instant, packs);

          expect(summary.allowanceUsed + summary.packUsed + summary.overage).toBe(summary.used);
          for (const value of [
            summary.used,
            summary.remaining,
            summary.overage,
            summary.packUsed,
            summary.packsRemaining,
          ]) {
            expect(value).toBeGreaterThanOrEqual(0);
          }
          expect(summary.allowanceUsed).toBe(Math.min(summary.used, summary.allowance));
          expect(summary.remaining).toBe(Math.max(0, summary.allowance - summary.used));
          expect(summary.overage).toBeLessThanOrEqual(Math.max(0, summary.used - summary.allowance));
          expect(summary.packs.reduce((sum, item) => sum + item.usedThisPeriod, 0)).toBe(summary.packUsed);
          expect(summary.packs.reduce((sum, item) => sum + item.remaining, 0)).toBe(summary.packsRemaining);
          for (const item of summary.packs) {
            expect(item.used).toBeLessThanOrEqual(item.size);
            expect(item.usedThisPeriod).toBeLessThanOrEqual(item.used);
            expect(item.remaining).toBe(item.expired ? 0 : item.size - item.used);
            // Q3/Q6: overage only once every pack that could have taken it is empty.
            if (summary.overage > 0 && item.expiresAt === null) expect(item.remaining).toBe(0);
          }
          if (packs.length === 0) expect(summary.overage).toBe(Math.max(0, summary.used - summary.allowance));
          // Q6: buying one more pack can only lower the overage.
          const more = usage(tenant, rows, instant, [...packs, pack("extra", 3, instant)]);
          expect(more.overage).toBeLessThanOrEqual(summary.overage);
          expect(more.overage).toBeGreaterThanOrEqual(summary.overage - 3);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("usageHistory", () => {
  it("splits the period into local days, 23 hours on the DST day, rows on their local day", () => {
    const tenant = tenantOn("starter");
    const { rows, count } = ledgerFor(tenant);
    count(at("2024-04-01T23:30:00+02:00")); // 21:30 UTC, still 1 April in Paris
    count(at("2024-04-02T00:30:00+02:00"));
    count(at("2024-04-02T10:00:00+02:00"), "human");
    const history = usageHistory({ tenant, ledger: rows, at: at("2024-04-20T12:00:00Z") });
    expect(history.period).toEqual(P2);
    expect(history.days).toHaveLength(30);
    expect(history.days[0]).toMatchObject({ date: "2024-03-31", start: P2.start, ai: 0 });
    const first = history.days[0];
    expect(first && first.end - first.start).toBe(23 * HOUR);
    expect(history.days[1]).toMatchObject({ date: "2024-04-01", ai: 1, human: 0 });
    expect(history.days[2]).toMatchObject({ date: "2024-04-02", ai: 1, human: 1 });
    expect(history.days.at(-1)).toMatchObject({ date: "2024-04-29", end: P2.end });
    expect(nextPeriod(history.period, calendar)).toEqual(P3);
  });

  it("leaves out rows counted after `at`", () => {
    const tenant = tenantOn("starter");
    const { rows, count } = ledgerFor(tenant);
    count(day(P2, 1));
    count(day(P2, 9));
    const history = usageHistory({ tenant, ledger: rows, at: day(P2, 5) });
    expect(history.days.reduce((sum, item) => sum + item.ai, 0)).toBe(1);
  });
});
