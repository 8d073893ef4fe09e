import type { FiredAlert, LedgerEntry } from "./types.js";
import { billableRows } from "./usage.js";

/**
 * Q5: usage alerts at whole percentages of the period's AI allowance (80, 90, 100 by default,
 * configurable), each fired once per period on crossing, re-armed at the next period.
 */

export interface Crossing {
  /** AI used before the change. */
  before: number;
  /** AI used after it. */
  after: number;
  /** The period's AI allowance. */
  allowance: number;
  /** Whole percentages of the allowance. */
  thresholds: readonly number[];
}

/**
 * Whether `used` has reached `threshold` % of `allowance`. Integer arithmetic, so 90 % of 10 is reached at
 * exactly 9 whatever the floating point would say. An allowance of 0 has no percentages: every threshold is
 * reached by the first conversation (used > 0), which is the moment the tenant goes into overage and needs
 * telling; with nothing used, nothing is reached.
 */
export function thresholdReached(used: number, allowance: number, threshold: number): boolean {
  if (allowance <= 0) return used > 0;
  return used * 100 >= allowance * threshold;
}

/**
 * Thresholds crossed going up from `before` to `after`, ascending. One burst can cross several (all are
 * returned, Q5). A decrease (a reversal) crosses nothing: alerts only fire on the way up.
 */
export function thresholdsCrossed({ before, after, allowance, thresholds }: Crossing): number[] {
  if (!(after > before)) return [];
  const crossed = new Set<number>();
  for (const threshold of thresholds) {
    if (!thresholdReached(before, allowance, threshold) && thresholdReached(after, allowance, threshold)) {
      crossed.add(threshold);
    }
  }
  return [...crossed].sort((left, right) => left - right);
}

export interface AlertCheck extends Crossing {
  tenant: string;
  /** Label of the period the usage belongs to. */
  period: string;
  /** When the crossing happened (the count moment). */
  at: number;
  /** Alerts already fired (any tenant, any period: only this tenant's in this period matter). */
  alreadyFired: readonly FiredAlert[];
}

/**
 * The alerts to record now: thresholds crossed by this change that have not fired yet in this period
 * (Q5). Usage lowered by a reversal and crossing a threshold again does not fire it again, because the
 * first firing is in `alreadyFired`; the next period has no fired alerts, so everything is re-armed.
 * Note: after a mid-period upgrade (Q7) a threshold that already fired against the smaller allowance stays
 * fired for the period: "once per period each" is the rule.
 */
export function alertsToFire(check: AlertCheck): FiredAlert[] {
  const fired = new Set<number>();
  for (const alert of check.alreadyFired) {
    if (alert.tenant === check.tenant && alert.period === check.period) fired.add(alert.threshold);
  }
  return thresholdsCrossed(check)
    .filter((threshold) => !fired.has(threshold))
    .map((threshold) => ({
      tenant: check.tenant,
      period: check.period,
      threshold,
      at: check.at,
      used: check.after,
      allowance: check.allowance,
      state: "fired" as const,
      withdrawnAt: null,
    }));
}

export interface LedgerAlertInput {
  tenant: string;
  /** Label of the period whose alerts are wanted. */
  period: string;
  /** Rows of the tenant (any period, any order, duplicates allowed): only this period's AI rows count. */
  ledger: readonly LedgerEntry[];
  /** AI allowance in force at an instant (Q7: an upgrade raises it at once). */
  allowanceAt(at: number): number;
  thresholds: readonly number[];
}

/**
 * C13 + Q5: the alerts the final ledger says fired. The period's billable AI rows (reversals applied,
 * Q8) are put in count-moment order (ties by row id), and a threshold fires at the count moment of the
 * row with which the net usage first reaches it. A pure function of the set of rows, so any arrival order
 * or duplication of the events that produced them gives the same alerts. Every threshold fires at most
 * once (Q5); one row reaching two fires both at the same instant.
 */
export function ledgerAlerts(input: LedgerAlertInput): FiredAlert[] {
  const rows = billableRows(input.ledger, input.tenant, Number.POSITIVE_INFINITY)
    .filter((row) => row.mode === "ai" && row.period === input.period)
    .sort((left, right) => left.countedAt - right.countedAt || compareIds(left.id, right.id));
  const pending = [...new Set(input.thresholds)].sort((left, right) => left - right);
  const alerts: FiredAlert[] = [];
  for (let position = 0; position < rows.length && pending.length > 0; position += 1) {
    const at = (rows[position] as LedgerEntry).countedAt;
    const used = position + 1;
    const allowance = input.allowanceAt(at);
    for (let index = 0; index < pending.length; ) {
      const threshold = pending[index] as number;
      if (!thresholdReached(used, allowance, threshold)) {
        index += 1;
        continue;
      }
      pending.splice(index, 1);
      alerts.push({
        tenant: input.tenant,
        period: input.period,
        threshold,
        at,
        used,
        allowance,
        state: "fired",
        withdrawnAt: null,
      });
    }
  }
  return alerts;
}

export interface AlertChange {
  alert: FiredAlert;
  /** true: no record yet (recordAlert); false: replaces the stored one (updateAlert). */
  create: boolean;
  /** What the tenant must be told: fired (new or fired again), withdrawn, or nothing (instant corrected). */
  notify: "fired" | "withdrawn" | null;
}

/**
 * C13: what to change in the stored alerts of one period so they match `wanted` (ledgerAlerts):
 * a threshold newly reached fires; one fired whose crossing no longer holds is withdrawn at `now`; a
 * withdrawn one reached again fires again; one still reached at another instant is corrected silently
 * (the tenant was already told, rightly). Sorted by threshold.
 */
export function alertChanges(
  stored: readonly FiredAlert[],
  wanted: readonly FiredAlert[],
  now: number,
): AlertChange[] {
  const storedBy = new Map(stored.map((alert) => [alert.threshold, alert]));
  const wantedBy = new Map(wanted.map((alert) => [alert.threshold, alert]));
  const changes: AlertChange[] = [];
  for (const alert of wanted) {
    const previous = storedBy.get(alert.threshold);
    if (previous === undefined) changes.push({ alert, create: true, notify: "fired" });
    else if ((previous.state ?? "fired") === "withdrawn")
      changes.push({ alert, create: false, notify: "fired" });
    else if (
      previous.at !== alert.at ||
      previous.used !== alert.used ||
      previous.allowance !== alert.allowance
    )
      changes.push({ alert, create: false, notify: null });
  }
  for (const previous of stored) {
    if ((previous.state ?? "fired") !== "fired" || wantedBy.has(previous.threshold)) continue;
    changes.push({
      alert: { ...previous, state: "withdrawn", withdrawnAt: now },
      create: false,
      notify: "withdrawn",
    });
  }
  return changes.sort((left, right) => left.alert.threshold - right.alert.threshold);
}

function compareIds(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}
