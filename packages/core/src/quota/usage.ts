import { DateTime } from "luxon";
import { LutinError } from "../errors.js";
import { findPlan, type PlanCatalog } from "./catalog.js";
import { type BillingPeriod, type PeriodIndex, periodIndexFor } from "./periods.js";
import { calendarOf, planAt } from "./subscription.js";
import type { FiredAlert, LedgerEntry, Pack, Tenant } from "./types.js";

/**
 * Usage is derived, never stored: every figure below is recomputed from the append-only ledger, the packs
 * and the fired alerts. A summary is "as of `at`": rows counted after `at`, packs bought after `at` and
 * alerts fired after `at` are left out, so the same inputs always give the same answer for the same `at`.
 */

export interface UsageInput {
  tenant: Tenant;
  catalog: PlanCatalog;
  /** Every ledger row of the tenant, any period: counts (+1) and reversals (−1). */
  ledger: readonly LedgerEntry[];
  packs: readonly Pack[];
  alerts: readonly FiredAlert[];
  at: number;
}

export interface PackUsage {
  id: string;
  size: number;
  purchasedAt: number;
  expiresAt: number | null;
  /** Conversations this pack absorbed, every period up to `at` together. */
  used: number;
  /** Of which in the summary's period. */
  usedThisPeriod: number;
  /** What is still usable at `at`: 0 once expired (Q6), size − used otherwise. */
  remaining: number;
  expired: boolean;
}

export interface HumanUsage {
  used: number;
  /** null = unlimited (Q9). */
  allowance: number | null;
  /** null when unlimited. */
  remaining: number | null;
  overage: number;
}

export interface UsageSummary {
  tenant: string;
  at: number;
  period: BillingPeriod;
  /** Plan in force at `at`. */
  plan: string;
  /** AI allowance of the period (Q7: an upgrade raises it at once, a downgrade waits for the next period). */
  allowance: number;
  /** Q8: net billable AI rows of the period. */
  used: number;
  /** Q3: part of `used` taken from the allowance, then from packs, then overage; the three add up to `used`. */
  allowanceUsed: number;
  packUsed: number;
  overage: number;
  /** Q4: what is left of the plan's allowance, never below 0 (packs apart). */
  remaining: number;
  /** Packs usable at some point of the period, earliest expiry first (Q3 order). */
  packs: PackUsage[];
  packsRemaining: number;
  human: HumanUsage;
  /** Q5: alerts of this period, by threshold, fired or withdrawn (C13: a reversal undid the crossing). */
  alerts: FiredAlert[];
  /** Q5: the tenant's thresholds, for showing the next one. */
  thresholds: number[];
}

export interface UsageDay {
  /** YYYY-MM-DD in the tenant's time zone. */
  date: string;
  start: number;
  end: number;
  ai: number;
  human: number;
}

export interface UsageHistory {
  period: BillingPeriod;
  days: UsageDay[];
}

/**
 * Q8: the billable rows: count rows not cancelled by a reversal, counted at or before `at`. A reversal
 * cancels the row named in `reverses`; one without a usable `reverses` cancels the latest uncancelled count
 * of the same conversation; one that matches nothing cancels nothing (it cannot un-count what was never
 * counted). Duplicate row ids are taken once. The result keeps the ledger's order.
 */
export function billableRows(ledger: readonly LedgerEntry[], tenant: string, at: number): LedgerEntry[] {
  const counts = new Map<string, LedgerEntry>();
  const reversals: LedgerEntry[] = [];
  for (const row of ledger) {
    if (row.tenant !== tenant || row.countedAt > at) continue;
    if (row.kind === "reversal") reversals.push(row);
    else if (!counts.has(row.id)) counts.set(row.id, row);
  }
  if (reversals.length === 0) return [...counts.values()];

  const cancelled = new Set<string>();
  let byConversation: Map<string, LedgerEntry[]> | undefined;
  for (const reversal of reversals) {
    const target = reversal.reverses === null ? undefined : counts.get(reversal.reverses);
    if (target !== undefined && !cancelled.has(target.id)) {
      cancelled.add(target.id);
      continue;
    }
    byConversation ??= groupByConversation(counts);
    let latest: LedgerEntry | undefined;
    for (const candidate of byConversation.get(reversal.conversationId) ?? []) {
      if (cancelled.has(candidate.id)) continue;
      if (latest === undefined || candidate.countedAt >= latest.countedAt) latest = candidate;
    }
    if (latest !== undefined) cancelled.add(latest.id);
  }
  return [...counts.values()].filter((row) => !cancelled.has(row.id));
}

/** Usage of the period containing `at` (Q1–Q9), as of `at`. */
export function computeUsage(input: UsageInput): UsageSummary {
  return allocateUsage(input).summary;
}

/** Which billable rows of the summary's period went where (Q3 order), for invoices. */
export interface UsageAllocation {
  allowance: LedgerEntry[];
  /** By pack id, in the Q3 order of the packs. */
  packs: Map<string, LedgerEntry[]>;
  overage: LedgerEntry[];
  human: LedgerEntry[];
}

/** computeUsage, keeping the rows behind each figure (the invoice lists the conversations it counts). */
export function allocateUsage(input: UsageInput): { summary: UsageSummary; allocation: UsageAllocation } {
  const { tenant, catalog, at } = input;
  const allocation: UsageAllocation = { allowance: [], packs: new Map(), overage: [], human: [] };
  const index = periodIndexFor(calendarOf(tenant));
  const period = index.containing(at);
  const plan = findPlan(catalog, planAt(tenant, at));

  // Q2: a row belongs to the period its `period` field names (the period of its count moment).
  const groups = new Map<string, PeriodRows>();
  const resolve = periodResolver(index);
  for (const row of billableRows(input.ledger, tenant.id, at)) {
    const rowPeriod = resolve(row);
    if (rowPeriod.start > period.start) continue;
    let group = groups.get(rowPeriod.label);
    if (group === undefined) {
      group = { period: rowPeriod, ai: [], human: 0 };
      groups.set(rowPeriod.label, group);
    }
    if (row.mode === "ai") group.ai.push(row);
    else {
      group.human += 1;
      if (rowPeriod.label === period.label) allocation.human.push(row);
    }
  }

  // Q3 order among packs: earliest expiry first (never-expiring last), then oldest purchase.
  const packs = input.packs
    .map((pack, position) => checkPack(pack, position))
    .filter((pack) => pack.tenant === tenant.id && pack.purchasedAt <= at)
    .map((pack) => ({ pack, used: 0, usedThisPeriod: 0 }))
    .sort(
      (left, right) =>
        (left.pack.expiresAt ?? Number.POSITIVE_INFINITY) -
          (right.pack.expiresAt ?? Number.POSITIVE_INFINITY) ||
        left.pack.purchasedAt - right.pack.purchasedAt ||
        compareText(left.pack.id, right.pack.id),
    );

  // Packs carry over between periods, so every earlier period's excess is drawn from them first, in
  // chronological order of the count moments.
  const ordered = [...groups.values()].sort((left, right) => left.period.start - right.period.start);
  let used = 0;
  let packUsed = 0;
  let overage = 0;
  for (const group of ordered) {
    const current = group.period.label === period.label;
    // Q7: this period takes the plan in force at `at` (an upgrade counts at once, a pending downgrade not yet);
    // a past period the plan in force when it ended.
    const allowance = current
      ? plan.aiAllowance
      : findPlan(catalog, planAt(tenant, group.period.end - 1)).aiAllowance;
    const rows = group.ai.sort(
      (left, right) => left.countedAt - right.countedAt || compareText(left.id, right.id),
    );
    if (current) {
      used = rows.length;
      allocation.allowance.push(...rows.slice(0, allowance));
    }
    for (let position = allowance; position < rows.length; position += 1) {
      const row = rows[position] as LedgerEntry;
      // Q6: a pack bought any time during a period absorbs that period's excess, even conversations counted
      // before the purchase; a pack bought later does not reach back; an expired one absorbs nothing after expiry.
      const state = packs.find(
        ({ pack, used: packUsedSoFar }) =>
          packUsedSoFar < pack.size &&
          pack.purchasedAt < group.period.end &&
          (pack.expiresAt === null || row.countedAt < pack.expiresAt),
      );
      if (state !== undefined) {
        state.used += 1;
        if (current) {
          state.usedThisPeriod += 1;
          packUsed += 1;
          const drawn = allocation.packs.get(state.pack.id);
          if (drawn === undefined) allocation.packs.set(state.pack.id, [row]);
          else drawn.push(row);
        }
      } else if (current) {
        overage += 1; // Q4: counted anyway, never blocked.
        allocation.overage.push(row);
      }
    }
  }

  const packUsage: PackUsage[] = packs
    .filter(({ pack }) => pack.expiresAt === null || pack.expiresAt > period.start)
    .map(({ pack, used: packUsedTotal, usedThisPeriod }) => {
      const expired = pack.expiresAt !== null && pack.expiresAt <= at;
      return {
        id: pack.id,
        size: pack.size,
        purchasedAt: pack.purchasedAt,
        expiresAt: pack.expiresAt,
        used: packUsedTotal,
        usedThisPeriod,
        remaining: expired ? 0 : pack.size - packUsedTotal,
        expired,
      };
    });

  const humanUsed = groups.get(period.label)?.human ?? 0;
  const humanAllowance = plan.humanAllowance;
  const summary: UsageSummary = {
    tenant: tenant.id,
    at,
    period,
    plan: plan.id,
    allowance: plan.aiAllowance,
    used,
    allowanceUsed: Math.min(used, plan.aiAllowance),
    packUsed,
    overage,
    remaining: Math.max(0, plan.aiAllowance - used),
    packs: packUsage,
    packsRemaining: packUsage.reduce((sum, pack) => sum + pack.remaining, 0),
    // Q9: null = unlimited, so no remaining and never an overage; otherwise the plan's limit (0 = none).
    human: {
      used: humanUsed,
      allowance: humanAllowance,
      remaining: humanAllowance === null ? null : Math.max(0, humanAllowance - humanUsed),
      overage: humanAllowance === null ? 0 : Math.max(0, humanUsed - humanAllowance),
    },
    alerts: input.alerts
      .filter((alert) => alert.tenant === tenant.id && alert.period === period.label && alert.at <= at)
      .sort((left, right) => left.threshold - right.threshold || left.at - right.at),
    thresholds: [...tenant.alertThresholds].sort((left, right) => left - right),
  };
  return { summary, allocation };
}

/**
 * Billable conversations per local day of the period containing `at` (for the dashboard), as of `at`.
 * Days follow the tenant's time zone, so a DST day is 23 or 25 hours long. The AI column adds up to
 * `computeUsage(...).used`: rows are picked by their period label (Q2), then placed on the local day of
 * their count moment.
 */
export function usageHistory(input: {
  tenant: Tenant;
  ledger: readonly LedgerEntry[];
  at: number;
}): UsageHistory {
  const { tenant, at } = input;
  const index = periodIndexFor(calendarOf(tenant));
  const period = index.containing(at);
  const days: UsageDay[] = [];
  let day = DateTime.fromMillis(period.start, { zone: tenant.timeZone }).startOf("day");
  while (day.toMillis() < period.end) {
    const next = day.plus({ days: 1 }).startOf("day");
    days.push({
      date: day.toISODate() ?? "",
      start: Math.max(day.toMillis(), period.start),
      end: Math.min(next.toMillis(), period.end),
      ai: 0,
      human: 0,
    });
    day = next;
  }
  const resolve = periodResolver(index);
  for (const row of billableRows(input.ledger, tenant.id, at)) {
    if (resolve(row).label !== period.label) continue;
    const target = days[dayPosition(days, row.countedAt)] as UsageDay;
    if (row.mode === "ai") target.ai += 1;
    else target.human += 1;
  }
  return { period, days };
}

interface PeriodRows {
  period: BillingPeriod;
  ai: LedgerEntry[];
  human: number;
}

/**
 * Q2: trust the row's period label; only a label that is no period start of this calendar (a corrupt row)
 * falls back to the period of the count moment, so one bad row cannot break the dashboard.
 */
function periodResolver(index: PeriodIndex): (row: LedgerEntry) => BillingPeriod {
  const byLabel = new Map<string, BillingPeriod | null>();
  return (row) => {
    let period = byLabel.get(row.period);
    if (period === undefined) {
      try {
        period = index.byLabel(row.period);
      } catch (error) {
        if (!LutinError.isInstance(error, "QUOTA_CONFIG_INVALID")) throw error;
        period = null;
      }
      byLabel.set(row.period, period);
    }
    return period ?? index.containing(row.countedAt);
  };
}

/** The day holding `at`; an instant outside the days (a row whose label disagrees with its moment) goes to the nearest. */
function dayPosition(days: readonly UsageDay[], at: number): number {
  let low = 0;
  let high = days.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >>> 1;
    if ((days[middle] as UsageDay).start <= at) low = middle;
    else high = middle - 1;
  }
  return low;
}

function groupByConversation(counts: Map<string, LedgerEntry>): Map<string, LedgerEntry[]> {
  const grouped = new Map<string, LedgerEntry[]>();
  for (const row of counts.values()) {
    const list = grouped.get(row.conversationId);
    if (list === undefined) grouped.set(row.conversationId, [row]);
    else list.push(row);
  }
  return grouped;
}

function checkPack(pack: Pack, position: number): Pack {
  if (!Number.isInteger(pack.size) || pack.size < 0) {
    throw new LutinError("QUOTA_CONFIG_INVALID", `pack ${pack.id}: size must be a whole number ≥ 0`, {
      hint: "record packs with a whole number of conversations, e.g. size 500",
      details: { field: `packs[${position}].size`, value: pack.size },
    });
  }
  return pack;
}

function compareText(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}
