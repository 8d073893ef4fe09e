import {
  calendarOf,
  LutinError,
  periodByLabel,
  periodContaining,
  previousPeriod,
  type Tenant,
} from "@lutingenie/core";
import { z } from "zod";

export const periodQuerySchema = z
  .object({
    period: z
      .string()
      .regex(
        /^\d{4}-\d{2}-\d{2}$/,
        "period must be a period start, YYYY-MM-DD (GET /api/admin/periods lists them)",
      )
      .optional(),
  })
  .strict();

/** How many periods the picker lists at most (ten years of monthly periods). */
export const PERIODS_LISTED = 120;

export interface ListedPeriod {
  label: string;
  start: number;
  end: number;
  current: boolean;
}

/** The tenant's periods (Q1) from the current one back to the one its subscription started in. */
export function pastPeriodsOf(tenant: Tenant, now: number): ListedPeriod[] {
  const calendar = calendarOf(tenant);
  const periods: ListedPeriod[] = [];
  let period = periodContaining(now, calendar);
  while (periods.length < PERIODS_LISTED) {
    periods.push({
      label: period.label,
      start: period.start,
      end: period.end,
      current: periods.length === 0,
    });
    if (period.start <= tenant.subscription.startedAt) break;
    period = previousPeriod(period, calendar);
  }
  return periods;
}

/**
 * The instant the usage of a period is read at: now for the current period, the last millisecond of a
 * past one (Q2: its rows are those counted in it). A period that has not started, or started before the
 * subscription, is refused with the fix.
 */
export function usagePeriod(
  tenant: Tenant,
  label: string | undefined,
  now: number,
): { at: number; current: boolean } | { problem: string } {
  if (label === undefined) return { at: now, current: true };
  const unknown = {
    problem: `period: no period of this subscription starts on ${label}; pick one from GET /api/admin/periods`,
  };
  let period: ReturnType<typeof periodByLabel>;
  try {
    period = periodByLabel(label, calendarOf(tenant));
  } catch (error) {
    if (LutinError.isInstance(error)) return unknown;
    throw error;
  }
  if (period.start > now || period.end <= tenant.subscription.startedAt) return unknown;
  return period.end > now ? { at: now, current: true } : { at: period.end - 1, current: false };
}
