import { describe, expect, it } from "vitest";
import { LutinError } from "../errors.js";
import {
  DEFAULT_PACK_OFFERS,
  DEFAULT_PLAN_CATALOG,
  findPackOffer,
  findPlan,
  parseAlertThresholds,
  parsePlanCatalog,
} from "./catalog.js";

const validPlan = (overrides: Record<string, unknown> = {}) => ({
  id: "basic",
  name: "Basic",
  rank: 0,
  aiAllowance: 100,
  humanAllowance: 0,
  monthlyPriceCents: 0,
  ...overrides,
});

function catalogError(input: unknown): LutinError {
  try {
    parsePlanCatalog(input);
  } catch (error) {
    if (LutinError.isInstance(error, "QUOTA_CONFIG_INVALID")) return error;
    throw error;
  }
  throw new Error("expected the catalog to be rejected");
}

describe("DEFAULT_PLAN_CATALOG", () => {
  it("prices enchantments as the French edition of the guide says (it wins over the English one)", () => {
    const prices = Object.fromEntries(
      Object.entries(DEFAULT_PLAN_CATALOG.enchantments).map(([name, offer]) => [
        name,
        offer.monthlyPriceCents,
      ]),
    );
    expect(prices).toEqual({ memory: 300, emotion: 0, escalation: 500, polyglot: 500 });
    expect(DEFAULT_PLAN_CATALOG.enchantments.escalation.includedInPaidPlans).toBe(true);
    expect(DEFAULT_PLAN_CATALOG.enchantments.polyglot.includedInPaidPlans).toBe(true);
    expect(DEFAULT_PLAN_CATALOG.enchantments.memory.includedInPaidPlans).toBe(false);
  });

  it("has a free plan and paid plans that include Escalation and Polyglot", () => {
    const free = findPlan(DEFAULT_PLAN_CATALOG, "free");
    expect(free.monthlyPriceCents).toBe(0);
    expect(free.includedEnchantments).toEqual(["emotion"]);
    for (const plan of DEFAULT_PLAN_CATALOG.plans.filter((candidate) => candidate.monthlyPriceCents > 0)) {
      expect(plan.includedEnchantments).toEqual(
        expect.arrayContaining(["emotion", "escalation", "polyglot"]),
      );
    }
  });

  it("Q9: Professional and above have unlimited human conversations, lower plans a limit", () => {
    const human = Object.fromEntries(
      DEFAULT_PLAN_CATALOG.plans.map((plan) => [plan.id, plan.humanAllowance]),
    );
    expect(human).toEqual({ free: 0, starter: 50, professional: null, enterprise: null });
  });

  it("is sorted by rank, uses the default thresholds, and cannot be mutated by accident", () => {
    expect(DEFAULT_PLAN_CATALOG.plans.map((plan) => plan.id)).toEqual([
      "free",
      "starter",
      "professional",
      "enterprise",
    ]);
    expect(DEFAULT_PLAN_CATALOG.alertThresholds).toEqual([80, 90, 100]);
    expect(() => {
      (DEFAULT_PLAN_CATALOG.plans[0] as { aiAllowance: number }).aiAllowance = 1;
    }).toThrow(TypeError);
  });

  it("round-trips through parsePlanCatalog unchanged", () => {
    expect(parsePlanCatalog(structuredClone(DEFAULT_PLAN_CATALOG))).toEqual(DEFAULT_PLAN_CATALOG);
  });
});

describe("parsePlanCatalog", () => {
  it("names the field path, the problem and the value, and hints at the fix", () => {
    const error = catalogError({ plans: [validPlan(), validPlan({ id: "more", rank: 1, aiAllowance: -3 })] });
    expect(error.message).toContain("plans[1].aiAllowance: must be a whole number ≥ 0 (got -3)");
    expect(error.hint).toMatch(/AI conversations included per period as a whole number ≥ 0/);
    expect(error.details).toEqual({
      issues: [
        {
          path: "plans[1].aiAllowance",
          problem: "plans[1].aiAllowance: must be a whole number ≥ 0 (got -3)",
        },
      ],
    });
  });

  it("rejects fractional and non-numeric allowances", () => {
    expect(catalogError({ plans: [validPlan({ aiAllowance: 2.5 })] }).message).toContain(
      "plans[0].aiAllowance: must be a whole number ≥ 0 (got 2.5)",
    );
    expect(catalogError({ plans: [validPlan({ aiAllowance: "100" })] }).message).toContain('(got "100")');
  });

  it("reports every problem at once", () => {
    const error = catalogError({
      plans: [validPlan({ name: "", monthlyPriceCents: -1 })],
      alertThresholds: [0],
    });
    expect(error.message).toContain("plans[0].name: must not be empty");
    expect(error.message).toContain("plans[0].monthlyPriceCents: must be a whole number of cents ≥ 0");
    expect(error.message).toContain("alertThresholds[0]: must be a whole percentage from 1 to 1000 (got 0)");
  });

  it("rejects duplicate plan ids and ranks", () => {
    const error = catalogError({ plans: [validPlan(), validPlan({ rank: 1 }), validPlan({ id: "other" })] });
    expect(error.message).toContain('plans[1].id: duplicate id "basic" (already used by plans[0])');
    expect(error.message).toContain("plans[2].rank: duplicate rank 0 (already used by plans[0])");
    expect(error.hint).toMatch(/unique id/);
  });

  it("catches misspelt fields instead of ignoring them", () => {
    const { aiAllowance: _dropped, ...withoutAllowance } = validPlan();
    const error = catalogError({ plans: [{ ...withoutAllowance, aiAllowence: 100 }] });
    expect(error.message).toContain('plans[0]: unknown field "aiAllowence"');
    expect(error.message).toContain("plans[0].aiAllowance: must be a whole number ≥ 0 (missing)");
    expect(error.hint).toMatch(
      /remove "aiAllowence" or fix the spelling; plan fields are id, name, rank, aiAllowance/,
    );
  });

  it("Q9: humanAllowance must be given: null = unlimited, 0 = none", () => {
    const { humanAllowance: _dropped, ...withoutHuman } = validPlan();
    const error = catalogError({ plans: [withoutHuman] });
    expect(error.message).toContain(
      "plans[0].humanAllowance: must be a whole number ≥ 0, or null for unlimited",
    );
    expect(
      parsePlanCatalog({ plans: [validPlan({ humanAllowance: null })] }).plans[0]?.humanAllowance,
    ).toBeNull();
  });

  it("rejects unknown enchantments with their index", () => {
    const error = catalogError({ plans: [validPlan({ includedEnchantments: ["emotion", "telepathy"] })] });
    expect(error.message).toContain(
      "plans[0].includedEnchantments[1]: must be one of memory, emotion, escalation, polyglot",
    );
  });

  it("rejects an empty plan list and a non-object", () => {
    expect(catalogError({ plans: [] }).message).toContain("plans: must list at least one plan");
    expect(catalogError(null).message).toMatch(/catalog: must be an object/);
  });

  it("Q5: thresholds default to 80/90/100, can be configured (sorted), not repeated", () => {
    expect(parsePlanCatalog({ plans: [validPlan()] }).alertThresholds).toEqual([80, 90, 100]);
    expect(
      parsePlanCatalog({ plans: [validPlan()], alertThresholds: [100, 50, 150] }).alertThresholds,
    ).toEqual([50, 100, 150]);
    expect(catalogError({ plans: [validPlan()], alertThresholds: [80, 80] }).message).toContain(
      "alertThresholds: lists a threshold twice",
    );
  });

  it("derives included enchantments when a plan does not list them: free ones, plus paid-plan ones if paid", () => {
    const catalog = parsePlanCatalog({
      plans: [validPlan(), validPlan({ id: "paid", rank: 1, monthlyPriceCents: 1000 })],
      enchantments: { memory: { monthlyPriceCents: 0 } },
    });
    expect(findPlan(catalog, "basic").includedEnchantments).toEqual(["memory", "emotion"]);
    expect(findPlan(catalog, "paid").includedEnchantments).toEqual([
      "memory",
      "emotion",
      "escalation",
      "polyglot",
    ]);
    expect(catalog.enchantments.escalation.monthlyPriceCents).toBe(500);
  });

  it("keeps an explicit enchantment list, de-duplicated, in canonical order", () => {
    const catalog = parsePlanCatalog({
      plans: [
        validPlan({ monthlyPriceCents: 500, includedEnchantments: ["polyglot", "memory", "polyglot"] }),
      ],
    });
    expect(catalog.plans[0]?.includedEnchantments).toEqual(["memory", "polyglot"]);
  });
});

describe("findPlan", () => {
  it("throws PLAN_UNKNOWN listing the known ids", () => {
    try {
      findPlan(DEFAULT_PLAN_CATALOG, "gold");
      expect.unreachable();
    } catch (error) {
      expect(LutinError.isInstance(error, "PLAN_UNKNOWN")).toBe(true);
      expect((error as LutinError).message).toBe('unknown plan "gold"');
      expect((error as LutinError).hint).toBe(
        "use one of the catalog's plans: free, starter, professional, enterprise",
      );
    }
  });
});

describe("parseAlertThresholds", () => {
  it("Q5: validates a tenant's own thresholds and names the field", () => {
    expect(parseAlertThresholds([90, 50])).toEqual([50, 90]);
    expect(() => parseAlertThresholds([50, -1], "tenant.alertThresholds")).toThrow(
      /tenant\.alertThresholds\[1\]: must be a whole percentage from 1 to 1000 \(got -1\)/,
    );
    expect(() => parseAlertThresholds([50, 50], "tenant.alertThresholds")).toThrow(
      "tenant.alertThresholds: lists a threshold twice",
    );
  });
});

describe("pack offers (issue 17: a pack has a price)", () => {
  it("ships example packs, each cheaper per conversation than any priced overage", () => {
    expect(DEFAULT_PLAN_CATALOG.packs).toEqual(DEFAULT_PACK_OFFERS);
    const overages = DEFAULT_PLAN_CATALOG.plans.flatMap((plan) =>
      plan.overagePriceCents === null ? [] : [plan.overagePriceCents],
    );
    for (const offer of DEFAULT_PLAN_CATALOG.packs)
      expect(offer.priceCents / offer.size).toBeLessThanOrEqual(Math.max(...overages));
    expect(findPackOffer(DEFAULT_PLAN_CATALOG, 500)).toEqual({ size: 500, priceCents: 1750 });
    expect(findPackOffer(DEFAULT_PLAN_CATALOG, 7)).toBeUndefined();
  });

  it("takes a catalog's own packs, sorted by size", () => {
    const catalog = parsePlanCatalog({
      plans: [validPlan()],
      packs: [
        { size: 2000, priceCents: 5000 },
        { size: 250, priceCents: 900 },
      ],
    });
    expect(catalog.packs).toEqual([
      { size: 250, priceCents: 900 },
      { size: 2000, priceCents: 5000 },
    ]);
  });

  it("refuses a duplicate size, a negative price or an unknown field, naming the path and the fix", () => {
    const duplicate = catalogError({
      plans: [validPlan()],
      packs: [
        { size: 100, priceCents: 400 },
        { size: 100, priceCents: 300 },
      ],
    });
    expect(duplicate.message).toMatch(/packs\[1\]\.size: duplicate pack size 100/);
    const negative = catalogError({ plans: [validPlan()], packs: [{ size: 100, priceCents: -1 }] });
    expect(negative.message).toMatch(/packs\[0\]\.priceCents: must be a whole number of cents ≥ 0/);
    expect(negative.hint).toMatch(/pack's price in cents/);
    const unknown = catalogError({ plans: [validPlan()], packs: [{ size: 100, priceCents: 400, price: 4 }] });
    expect(unknown.hint).toMatch(/pack fields are size, priceCents/);
  });
});
