import { LutinError } from "../errors.js";
import { findPlan, type PlanCatalog } from "./catalog.js";
import { type BillingPeriod, periodIndexFor } from "./periods.js";
import { calendarOf } from "./subscription.js";
import type { LedgerEntry, Pack, Tenant } from "./types.js";
import { allocateUsage } from "./usage.js";

/**
 * The invoice of one closed period: what the period's billable rows (Q8) paid with, in Q3 order (the
 * allowance, then packs, then overage), each line naming the conversations it counts, so a tenant can
 * check every figure against the history. Derived like usage: the same ledger always gives the same invoice.
 */

export interface InvoiceLine {
  count: number;
  /** The conversations this line counts, in count-moment order. */
  conversationIds: string[];
}

/** A line past an allowance, with the plan's unit price (Q4, Q9). */
export interface PricedLine extends InvoiceLine {
  /** The plan's price of one conversation on this line, in cents; null when the catalog gives none. */
  unitPriceCents: number | null;
  /** count × unit price; 0 for an empty line; null when conversations are on it and it has no price. */
  amountCents: number | null;
}

export interface Invoice {
  tenant: string;
  period: BillingPeriod;
  /** The plan in force at the period's end (Q7: a downgrade applies only from the next period). */
  plan: { id: string; name: string; monthlyPriceCents: number; aiAllowance: number };
  allowance: InvoiceLine & { allowance: number };
  /** Q3, Q6: packs drawn this period, earliest expiry first. */
  packs: Array<InvoiceLine & { id: string; size: number }>;
  /** Q4: conversations past the allowance and every pack, at the plan's overage price. */
  overage: PricedLine;
  /** Q9: human conversations; `overage` lists those past a limited plan's allowance, at its human overage price. */
  human: InvoiceLine & { allowance: number | null; overage: PricedLine };
  /** Packs bought during the period (whenever they are drawn on), at the price paid; null: not priced. */
  purchases: Array<{ id: string; size: number; purchasedAt: number; priceCents: number | null }>;
  /**
   * What the period costs, in cents: the plan's monthly price, the priced overage lines and the packs bought
   * in the period. `totalCents` is null when a line holds conversations, or a pack was bought, with no price
   * in the catalog: nothing is invented. Drawing on a pack costs nothing more: it was paid when bought.
   */
  charges: {
    planCents: number;
    overageCents: number | null;
    humanOverageCents: number | null;
    packsCents: number | null;
    totalCents: number | null;
  };
}

export interface InvoiceInput {
  tenant: Tenant;
  catalog: PlanCatalog;
  ledger: readonly LedgerEntry[];
  packs: readonly Pack[];
  /** The period's month, YYYY-MM: the period that starts in that month (Q1, anchored on the subscription day). */
  month: string;
  /** Only closed periods have an invoice (end ≤ now). */
  now: number;
}

export function computeInvoice(input: InvoiceInput): Invoice {
  const { tenant, catalog } = input;
  const period = periodOfMonth(input);
  if (period.end > input.now) {
    throw new LutinError("QUOTA_CONFIG_INVALID", `period ${period.label} is not closed yet`, {
      hint: "ask for a period that has ended; the current one is on GET /api/admin/usage",
      details: { field: "period", value: input.month },
    });
  }
  // As of the period's last instant: its rows and reversals (a reversal repeats its row's moment) are in,
  // and a pack bought later does not reach back (Q6).
  const at = period.end - 1;
  const { summary, allocation } = allocateUsage({
    tenant,
    catalog,
    ledger: input.ledger,
    packs: input.packs,
    alerts: [],
    at,
  });
  const plan = findPlan(catalog, summary.plan);
  const human = [...allocation.human].sort(byMoment);
  const humanAllowance = summary.human.allowance;
  const humanOverage = humanAllowance === null ? [] : human.slice(humanAllowance);
  const overage = priced(allocation.overage, plan.overagePriceCents);
  const humanOverageLine = priced(humanOverage, plan.humanOveragePriceCents);
  const purchases = input.packs
    .filter(
      (pack) =>
        pack.tenant === tenant.id && pack.purchasedAt >= period.start && pack.purchasedAt < period.end,
    )
    .sort(
      (left, right) =>
        left.purchasedAt - right.purchasedAt || (left.id < right.id ? -1 : left.id > right.id ? 1 : 0),
    )
    .map((pack) => ({
      id: pack.id,
      size: pack.size,
      purchasedAt: pack.purchasedAt,
      priceCents: pack.priceCents ?? null,
    }));
  const packsCents = purchases.some((pack) => pack.priceCents === null)
    ? null
    : purchases.reduce((sum, pack) => sum + (pack.priceCents ?? 0), 0);
  const total =
    overage.amountCents === null || humanOverageLine.amountCents === null || packsCents === null
      ? null
      : plan.monthlyPriceCents + overage.amountCents + humanOverageLine.amountCents + packsCents;
  return {
    tenant: tenant.id,
    period,
    plan: {
      id: plan.id,
      name: plan.name,
      monthlyPriceCents: plan.monthlyPriceCents,
      aiAllowance: plan.aiAllowance,
    },
    allowance: { ...line(allocation.allowance), allowance: summary.allowance },
    packs: summary.packs
      .filter((pack) => allocation.packs.has(pack.id))
      .map((pack) => ({ id: pack.id, size: pack.size, ...line(allocation.packs.get(pack.id) ?? []) })),
    overage,
    human: { ...line(human), allowance: humanAllowance, overage: humanOverageLine },
    purchases,
    charges: {
      planCents: plan.monthlyPriceCents,
      overageCents: overage.amountCents,
      humanOverageCents: humanOverageLine.amountCents,
      packsCents,
      totalCents: total,
    },
  };
}

function periodOfMonth(input: InvoiceInput): BillingPeriod {
  const match = /^(\d{4})-(\d{2})$/.exec(input.month);
  const index = periodIndexFor(calendarOf(input.tenant));
  if (match !== null) {
    // One period starts in each month (Q1: monthly, anchored, clamped): it is the one holding the 1st
    // (UTC) of the month or one of the next two, whatever the anchor day and the time zone.
    let candidate = index.containing(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1));
    for (let step = 0; step < 3; step += 1) {
      if (candidate.label.startsWith(`${input.month}-`)) return candidate;
      candidate = index.containing(candidate.end);
    }
  }
  throw new LutinError("QUOTA_CONFIG_INVALID", `no billing period starts in ${JSON.stringify(input.month)}`, {
    hint: "give the month the period starts in as YYYY-MM, e.g. 2026-03",
    details: { field: "period", value: input.month },
  });
}

function line(rows: readonly LedgerEntry[]): InvoiceLine {
  const sorted = [...rows].sort(byMoment);
  return { count: sorted.length, conversationIds: sorted.map((row) => row.conversationId) };
}

function priced(rows: readonly LedgerEntry[], unitPriceCents: number | null): PricedLine {
  const counted = line(rows);
  const amountCents =
    counted.count === 0 ? 0 : unitPriceCents === null ? null : counted.count * unitPriceCents;
  return { ...counted, unitPriceCents, amountCents };
}

function byMoment(left: LedgerEntry, right: LedgerEntry): number {
  return left.countedAt - right.countedAt || (left.id < right.id ? -1 : left.id > right.id ? 1 : 0);
}
