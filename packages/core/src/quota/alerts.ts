import type { FiredAlert } from "./types.js";

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
    }));
}
