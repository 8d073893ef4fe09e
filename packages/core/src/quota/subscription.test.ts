import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DAY, HOUR, MINUTE } from "../clock.js";
import { LutinError } from "../errors.js";
import { DEFAULT_PLAN_CATALOG } from "./catalog.js";
import { periodContaining } from "./periods.js";
import {
  billingOf,
  calendarOf,
  createTenant,
  enabledEnchantments,
  planAt,
  requestPlanChange,
} from "./subscription.js";
import type { Tenant } from "./types.js";

const catalog = DEFAULT_PLAN_CATALOG;
const at = (iso: string): number => Date.parse(iso);
const STARTED = at("2024-01-31T10:00:00+01:00");

function tenantOn(plan: string, overrides: Partial<Parameters<typeof createTenant>[0]> = {}): Tenant {
  return createTenant(
    { id: "acme", timeZone: "Europe/Paris", plan, startedAt: STARTED, ...overrides },
    catalog,
  );
}

function errorOf(run: () => unknown): LutinError {
  try {
    run();
  } catch (error) {
    if (LutinError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected a LutinError");
}

describe("createTenant", () => {
  it("Q1: anchors on the start day in the tenant's zone and fills defaults", () => {
    // 23:30 UTC on 31 Jan is 1 Feb in Paris: the anchor is the 1st, not the 31st.
    const tenant = createTenant(
      { id: "acme", timeZone: "europe/paris", plan: "starter", startedAt: at("2024-01-31T23:30:00Z") },
      catalog,
    );
    expect(tenant).toEqual({
      id: "acme",
      name: "acme",
      timeZone: "Europe/Paris",
      subscription: {
        startedAt: at("2024-01-31T23:30:00Z"),
        anchorDay: 1,
        planChanges: [
          {
            plan: "starter",
            effectiveAt: at("2024-01-31T23:30:00Z"),
            requestedAt: at("2024-01-31T23:30:00Z"),
          },
        ],
      },
      addOns: [],
      alertThresholds: [80, 90, 100],
    });
    expect(
      createTenant({ id: "x", plan: "free", startedAt: at("2024-01-31T23:30:00Z") }, catalog),
    ).toMatchObject({
      timeZone: "UTC",
      subscription: { anchorDay: 31 },
    });
  });

  it("keeps explicit anchor, thresholds (sorted) and add-ons (canonical order, once)", () => {
    const tenant = tenantOn("free", {
      anchorDay: 15,
      alertThresholds: [100, 50],
      addOns: ["polyglot", "memory", "memory"],
    });
    expect(tenant.subscription.anchorDay).toBe(15);
    expect(tenant.alertThresholds).toEqual([50, 100]);
    expect(tenant.addOns).toEqual(["memory", "polyglot"]);
  });

  it("names the wrong field and the fix", () => {
    const zone = errorOf(() => tenantOn("free", { timeZone: "Paris" }));
    expect(zone.code).toBe("QUOTA_CONFIG_INVALID");
    expect(zone.message).toBe('tenant.timeZone: "Paris" is not an IANA time zone');
    expect(zone.hint).toMatch(/Europe\/Paris/);
    expect(errorOf(() => tenantOn("free", { anchorDay: 32 })).message).toMatch(/^tenant\.anchorDay: /);
    expect(errorOf(() => tenantOn("free", { alertThresholds: [0] })).message).toMatch(
      /^tenant\.alertThresholds\[0\]: /,
    );
    expect(errorOf(() => tenantOn("free", { addOns: ["telepathy" as never] })).message).toBe(
      'tenant.addOns[0]: unknown enchantment "telepathy"',
    );
    expect(errorOf(() => tenantOn("free", { id: " " })).message).toMatch(/^tenant\.id: /);
    expect(errorOf(() => tenantOn("free", { startedAt: Number.NaN })).message).toMatch(
      /^tenant\.startedAt: /,
    );
    expect(errorOf(() => tenantOn("gold")).code).toBe("PLAN_UNKNOWN");
  });
});

describe("Q7 plan changes", () => {
  // In the period 29 Feb → 31 Mar 2024 (anchor 31, Paris).
  const midPeriod = at("2024-03-10T12:00:00+01:00");

  it("Q7: an upgrade applies at once, inside the current period", () => {
    const tenant = requestPlanChange(tenantOn("starter"), catalog, "professional", midPeriod);
    expect(planAt(tenant, midPeriod - 1)).toBe("starter");
    expect(planAt(tenant, midPeriod)).toBe("professional");
    // The period itself is untouched: usage so far carries over (see usage.test.ts for the figures).
    expect(tenant.subscription.anchorDay).toBe(31);
    expect(tenant.subscription.planChanges.at(-1)).toEqual({
      plan: "professional",
      effectiveAt: midPeriod,
      requestedAt: midPeriod,
    });
  });

  it("Q7: a downgrade applies at the current period's end (local midnight of the next anchor day)", () => {
    const tenant = requestPlanChange(tenantOn("professional"), catalog, "starter", midPeriod);
    const periodEnd = at("2024-03-31T00:00:00+01:00"); // the 29 Feb period ends at 31 Mar local midnight.
    expect(periodContaining(midPeriod, calendarOf(tenant)).end).toBe(periodEnd);
    expect(planAt(tenant, midPeriod)).toBe("professional");
    expect(planAt(tenant, periodEnd - 1)).toBe("professional");
    expect(planAt(tenant, periodEnd)).toBe("starter");
  });

  it("Q7: a later request replaces a still-pending downgrade", () => {
    const pending = requestPlanChange(tenantOn("enterprise"), catalog, "free", midPeriod);
    const replaced = requestPlanChange(pending, catalog, "starter", midPeriod + DAY);
    const changes = replaced.subscription.planChanges;
    expect(changes.map((change) => change.plan)).toEqual(["enterprise", "starter"]);
    expect(planAt(replaced, at("2024-04-01T00:00:00Z"))).toBe("starter");
  });

  it("Q7: asking for the plan in force cancels a pending downgrade", () => {
    const pending = requestPlanChange(tenantOn("professional"), catalog, "free", midPeriod);
    const cancelled = requestPlanChange(pending, catalog, "professional", midPeriod + HOUR);
    expect(cancelled.subscription.planChanges.map((change) => change.plan)).toEqual(["professional"]);
    expect(planAt(cancelled, at("2024-06-01T00:00:00Z"))).toBe("professional");
  });

  it("Q7: an upgrade while a downgrade is pending drops the downgrade and applies at once", () => {
    const pending = requestPlanChange(tenantOn("starter"), catalog, "free", midPeriod);
    const upgraded = requestPlanChange(pending, catalog, "enterprise", midPeriod + HOUR);
    expect(upgraded.subscription.planChanges.map((change) => change.plan)).toEqual(["starter", "enterprise"]);
    expect(planAt(upgraded, midPeriod + HOUR)).toBe("enterprise");
    expect(planAt(upgraded, at("2024-06-01T00:00:00Z"))).toBe("enterprise");
  });

  it("Q7: a downgrade requested after an earlier downgrade took effect compares with the plan now in force", () => {
    let tenant = requestPlanChange(tenantOn("enterprise"), catalog, "professional", midPeriod);
    const april = at("2024-04-10T12:00:00+02:00");
    // By April the Professional plan is in force, so Starter is again a downgrade at April's period end.
    tenant = requestPlanChange(tenant, catalog, "starter", april);
    expect(tenant.subscription.planChanges.at(-1)?.effectiveAt).toBe(at("2024-04-30T00:00:00+02:00"));
    expect(planAt(tenant, april)).toBe("professional");
  });

  it("Q6/Q7: a cancellation is a downgrade to the free plan at the period end", () => {
    const cancelled = requestPlanChange(tenantOn("starter"), catalog, "free", midPeriod);
    expect(planAt(cancelled, at("2024-03-30T22:59:59.999Z"))).toBe("starter");
    expect(planAt(cancelled, at("2024-03-30T23:00:00Z"))).toBe("free");
  });

  it("leaves the input tenant untouched and rejects unknown plans", () => {
    const tenant = tenantOn("starter");
    const before = structuredClone(tenant);
    requestPlanChange(tenant, catalog, "professional", midPeriod);
    expect(tenant).toEqual(before);
    expect(requestPlanChange(tenant, catalog, "starter", midPeriod).subscription.planChanges).toEqual(
      before.subscription.planChanges,
    );
    expect(errorOf(() => requestPlanChange(tenant, catalog, "gold", midPeriod)).code).toBe("PLAN_UNKNOWN");
  });

  it("Q7: a change requested before the subscription starts applies from the start, never drops the first plan", () => {
    const early = STARTED - HOUR;
    const upgraded = requestPlanChange(tenantOn("starter"), catalog, "professional", early);
    expect(upgraded.subscription.planChanges.map((change) => [change.plan, change.effectiveAt])).toEqual([
      ["starter", STARTED],
      ["professional", STARTED],
    ]);
    expect(planAt(upgraded, STARTED)).toBe("professional");
    const downgraded = requestPlanChange(tenantOn("starter"), catalog, "free", early);
    expect(planAt(downgraded, STARTED)).toBe("starter");
    expect(planAt(downgraded, at("2024-02-29T00:00:00+01:00"))).toBe("free");
    expect(
      requestPlanChange(tenantOn("starter"), catalog, "starter", early).subscription.planChanges,
    ).toHaveLength(1);
  });

  it("planAt answers the first plan for an instant before the subscription started", () => {
    expect(planAt(tenantOn("starter"), STARTED - DAY)).toBe("starter");
  });
});

describe("enabledEnchantments", () => {
  it("is the plan's enchantments, the add-ons and the free ones (Emotion for all)", () => {
    const free = tenantOn("free", { addOns: ["memory"] });
    expect(enabledEnchantments(free, catalog, STARTED)).toEqual(["memory", "emotion"]);
    expect(enabledEnchantments(tenantOn("starter"), catalog, STARTED)).toEqual([
      "emotion",
      "escalation",
      "polyglot",
    ]);
    expect(enabledEnchantments(tenantOn("enterprise"), catalog, STARTED)).toEqual([
      "memory",
      "emotion",
      "escalation",
      "polyglot",
    ]);
  });

  it("Q7: follows the plan in force: a downgrade removes included enchantments only at period end", () => {
    const tenant = requestPlanChange(tenantOn("starter"), catalog, "free", at("2024-03-10T12:00:00Z"));
    expect(enabledEnchantments(tenant, catalog, at("2024-03-30T12:00:00Z"))).toContain("escalation");
    expect(enabledEnchantments(tenant, catalog, at("2024-03-31T12:00:00Z"))).toEqual(["emotion"]);
  });
});

describe("billingOf (hot path)", () => {
  it("Q7: answers like periodContaining and planAt, allowance included", () => {
    const tenant = requestPlanChange(
      requestPlanChange(tenantOn("starter"), catalog, "professional", at("2024-02-10T00:00:00Z")),
      catalog,
      "free",
      at("2024-05-10T00:00:00Z"),
    );
    const billing = billingOf(tenant, catalog);
    expect(billing.allowanceAt(at("2024-02-01T00:00:00Z"))).toEqual({ plan: "starter", ai: 1000, human: 50 });
    expect(billing.allowanceAt(at("2024-02-10T00:00:00Z"))).toEqual({
      plan: "professional",
      ai: 5000,
      human: null,
    });
    expect(billing.allowanceAt(at("2024-06-01T00:00:00Z"))).toEqual({ plan: "free", ai: 100, human: 0 });
    fc.assert(
      fc.property(fc.integer({ min: STARTED - 30 * DAY, max: STARTED + 400 * DAY }), (instant) => {
        expect(billing.periodOf(instant)).toEqual(periodContaining(instant, calendarOf(tenant)));
        expect(billing.planAt(instant)).toBe(planAt(tenant, instant));
        expect(billing.allowanceAt(instant).plan).toBe(planAt(tenant, instant));
      }),
      { numRuns: 300 },
    );
  });

  it("rejects a tenant whose plan is not in the catalog", () => {
    const tenant = tenantOn("starter");
    const stranger = {
      ...tenant,
      subscription: {
        ...tenant.subscription,
        planChanges: [{ plan: "legacy", effectiveAt: 0, requestedAt: 0 }],
      },
    };
    expect(errorOf(() => billingOf(stranger, catalog)).code).toBe("PLAN_UNKNOWN");
  });

  it("periodOf + planAt stay well under a microsecond amortized (memoized, no luxon per call)", () => {
    const tenant = requestPlanChange(
      tenantOn("starter"),
      catalog,
      "professional",
      at("2024-02-10T00:00:00Z"),
    );
    const calls = 400_000;
    const run = (): number => {
      // A fresh view each round, as if the tenant were re-read from the store: the period cache is shared.
      const billing = billingOf(tenant, catalog);
      let sink = 0;
      const begin = performance.now();
      for (let index = 0; index < calls; index += 1) {
        // Twelve periods' worth of count moments, so period boundaries are crossed all the time.
        const instant = STARTED + ((index * 7919 * MINUTE) % (365 * DAY));
        sink += billing.periodOf(instant).start > instant ? 1 : 0;
        sink += billing.planAt(instant).length;
      }
      const elapsed = performance.now() - begin;
      expect(sink).toBeGreaterThan(0);
      return (elapsed * 1000) / calls;
    };
    run(); // warm up the JIT and the period cache
    const microsecondsPerCall = Math.min(run(), run(), run());
    // Measured ~0.05 µs; the bound leaves room for a slow, busy CI machine.
    expect(microsecondsPerCall).toBeLessThan(1);
  });
});
