import { describe, expect, it } from "vitest";
import { MINUTE } from "../clock.js";
import { LutinError } from "../errors.js";
import { parsePlanCatalog } from "./catalog.js";
import { computeInvoice } from "./invoice.js";
import { periodByLabel, periodContaining } from "./periods.js";
import { calendarOf, createTenant, planAt } from "./subscription.js";
import type { LedgerEntry, Pack, Tenant } from "./types.js";
import { computeUsage } from "./usage.js";

const catalog = parsePlanCatalog({
  plans: [
    { id: "free", name: "Free", rank: 0, aiAllowance: 3, humanAllowance: 0, monthlyPriceCents: 0 },
    {
      id: "starter",
      name: "Starter",
      rank: 1,
      aiAllowance: 3,
      humanAllowance: 1,
      monthlyPriceCents: 2900,
      overagePriceCents: 7,
      humanOveragePriceCents: 60,
    },
  ],
});
// Anchor 31 in Paris: periods start 31 Jan, 29 Feb, 31 Mar 2024 (Q1, clamped).
const STARTED = Date.parse("2024-01-31T10:00:00+01:00");
const tenant: Tenant = createTenant(
  { id: "acme", timeZone: "Europe/Paris", plan: "starter", startedAt: STARTED },
  catalog,
);
const DAY_MS = 24 * 60 * 60 * 1000;
const FEB = periodByLabel("2024-02-29", calendarOf(tenant));

function row(
  name: string,
  instant: number,
  mode: "ai" | "human" = "ai",
  kind: "count" | "reversal" = "count",
): LedgerEntry {
  return {
    id: kind === "count" ? `${name}:1` : `${name}:1:reversed`,
    tenant: "acme",
    conversationId: name,
    mode,
    kind,
    delta: kind === "count" ? 1 : -1,
    countedAt: instant,
    period: periodContaining(instant, calendarOf(tenant)).label,
    plan: planAt(tenant, instant),
    recordedAt: instant,
    reverses: kind === "count" ? null : `${name}:1`,
    reason: kind === "count" ? null : "merged",
  };
}

const pack = (
  id: string,
  size: number,
  purchasedAt: number,
  expiresAt: number | null = null,
  priceCents: number | null = size * 5,
): Pack => ({ id, tenant: "acme", size, purchasedAt, expiresAt, priceCents });

describe("invoice of a closed period (Q3, Q4, Q6, Q8, Q9)", () => {
  const t = (minutes: number) => FEB.start + minutes * MINUTE;
  // Seven AI conversations (one merged away, C13), two human ones, in February; one AI in March.
  const ledger = [
    ...["a1", "a2", "a3", "a4", "a5", "a6", "a7"].map((name, index) => row(name, t(index * 10))),
    row("a3", t(20), "ai", "reversal"),
    row("h1", t(5), "human"),
    row("h2", t(15), "human"),
    row("m1", FEB.end + MINUTE),
  ];
  const packs = [pack("later", 10, t(100)), pack("soon", 1, t(1), t(100_000))];
  const invoice = computeInvoice({
    tenant,
    catalog,
    ledger,
    packs,
    month: "2024-02",
    now: FEB.end + 60 * MINUTE,
  });

  it("Q3: allowance, then packs (earliest expiry first), then overage, each listing its conversations", () => {
    expect(invoice.period).toEqual(FEB);
    expect(invoice.plan).toEqual({ id: "starter", name: "Starter", monthlyPriceCents: 2900, aiAllowance: 3 });
    expect(invoice.allowance).toEqual({ count: 3, conversationIds: ["a1", "a2", "a4"], allowance: 3 });
    // Q6: a pack bought during the period absorbs its excess, even conversations counted before the purchase.
    expect(invoice.packs).toEqual([
      { id: "soon", size: 1, count: 1, conversationIds: ["a5"] },
      { id: "later", size: 10, count: 2, conversationIds: ["a6", "a7"] },
    ]);
    expect(invoice.overage).toEqual({ count: 0, conversationIds: [], unitPriceCents: 7, amountCents: 0 });
  });

  it("Q9: human conversations, those past the plan's limit listed as overage", () => {
    expect(invoice.human).toEqual({
      count: 2,
      conversationIds: ["h1", "h2"],
      allowance: 1,
      overage: { count: 1, conversationIds: ["h2"], unitPriceCents: 60, amountCents: 60 },
    });
  });

  it("Q4, Q9: charges are the plan's price plus each overage line at the plan's unit price", () => {
    // Both packs were bought in February: 10 × 5 + 1 × 5 cents, charged with the period.
    expect(invoice.charges).toEqual({
      planCents: 2900,
      overageCents: 0,
      humanOverageCents: 60,
      packsCents: 55,
      totalCents: 3015,
    });
    const bare = computeInvoice({ tenant, catalog, ledger, packs: [], month: "2024-02", now: FEB.end });
    expect(bare.overage).toMatchObject({ count: 3, unitPriceCents: 7, amountCents: 21 });
    expect(bare.charges.totalCents).toBe(2900 + 21 + 60);
  });

  it("packs bought in the period are charged at the price paid, whenever they are drawn on; an unpriced one leaves the total unknown", () => {
    expect(invoice.purchases).toEqual([
      { id: "soon", size: 1, purchasedAt: t(1), priceCents: 5 },
      { id: "later", size: 10, purchasedAt: t(100), priceCents: 50 },
    ]);
    // Bought in January, drawn on in February: paid in January, so not on February's invoice.
    const january = pack("january", 10, FEB.start - DAY_MS, null, 50);
    const drawnLater = computeInvoice({
      tenant,
      catalog,
      ledger,
      packs: [january],
      month: "2024-02",
      now: FEB.end,
    });
    expect(drawnLater.purchases).toEqual([]);
    expect(drawnLater.packs.map((drawn) => drawn.id)).toEqual(["january"]);
    expect(drawnLater.charges.packsCents).toBe(0);
    const unpriced = pack("operator", 10, t(3), null, null);
    const withUnpriced = computeInvoice({
      tenant,
      catalog,
      ledger,
      packs: [unpriced],
      month: "2024-02",
      now: FEB.end,
    });
    expect(withUnpriced.charges).toMatchObject({ packsCents: null, totalCents: null });
  });

  it("an unpriced line with conversations on it leaves the total unknown, never invented", () => {
    const unpriced = parsePlanCatalog({
      plans: [
        {
          id: "starter",
          name: "Starter",
          rank: 1,
          aiAllowance: 3,
          humanAllowance: 1,
          monthlyPriceCents: 2900,
        },
      ],
    });
    const bare = computeInvoice({
      tenant,
      catalog: unpriced,
      ledger,
      packs: [],
      month: "2024-02",
      now: FEB.end,
    });
    expect(bare.overage).toMatchObject({ count: 3, unitPriceCents: null, amountCents: null });
    expect(bare.charges).toEqual({
      planCents: 2900,
      overageCents: null,
      humanOverageCents: null,
      packsCents: 0,
      totalCents: null,
    });
    // With packs covering the excess, the unpriced AI line is empty: 0, not unknown.
    const covered = computeInvoice({
      tenant,
      catalog: unpriced,
      ledger,
      packs,
      month: "2024-02",
      now: FEB.end,
    });
    expect(covered.overage.amountCents).toBe(0);
  });

  it("Q8: the lines add up to the period's usage as of its last instant", () => {
    const usage = computeUsage({ tenant, catalog, ledger, packs, alerts: [], at: FEB.end - 1 });
    const lines =
      invoice.allowance.count +
      invoice.packs.reduce((sum, item) => sum + item.count, 0) +
      invoice.overage.count;
    expect(lines).toBe(usage.used);
    expect(invoice.overage.count).toBe(usage.overage);
  });

  it("Q4: without packs the excess is overage", () => {
    const bare = computeInvoice({ tenant, catalog, ledger, packs: [], month: "2024-02", now: FEB.end });
    expect(bare.overage.conversationIds).toEqual(["a5", "a6", "a7"]);
  });

  it("refuses an open period and a month in the wrong shape, with a hint", () => {
    for (const [month, now] of [
      ["2024-02", FEB.end - 1],
      ["2024-2", FEB.end],
      ["February", FEB.end],
    ] as const) {
      let caught: unknown;
      try {
        computeInvoice({ tenant, catalog, ledger, packs, month, now });
      } catch (error) {
        caught = error;
      }
      expect(LutinError.isInstance(caught, "QUOTA_CONFIG_INVALID")).toBe(true);
      expect((caught as LutinError).hint).toMatch(/\S/);
    }
  });

  it("Q1: finds the period starting in the month whatever the anchor (31 → 31 Mar)", () => {
    const march = computeInvoice({
      tenant,
      catalog,
      ledger,
      packs: [],
      month: "2024-03",
      now: Date.parse("2024-06-01"),
    });
    expect(march.period.label).toBe("2024-03-31");
    expect(
      computeInvoice({ tenant, catalog, ledger, packs: [], month: "2024-01", now: FEB.end }).period.label,
    ).toBe("2024-01-31");
  });
});
