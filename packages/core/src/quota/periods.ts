import { DateTime, IANAZone } from "luxon";
import { LutinError } from "../errors.js";

/**
 * Billing periods (Q1): monthly, half-open [start, end), in the tenant's time zone, starting at local
 * midnight of the anchor day, the anchor clamped to the month's last day (31 → 28/29 Feb → 31 Mar: the
 * anchor itself never moves, a short month only clamps that one month).
 *
 * Periods are computed with luxon once per (calendar, month) and then memoized: the counting engine asks
 * for the period of every counted conversation, and luxon costs tens of microseconds per call.
 */

/** What decides a tenant's periods. */
export interface BillingCalendar {
  /** IANA time zone, e.g. Europe/Paris. */
  timeZone: string;
  /** 1–31, the day of month the subscription started on (Q1). */
  anchorDay: number;
}

export interface BillingPeriod {
  /** First instant of the period (ms since epoch), included. */
  readonly start: number;
  /** First instant of the next period, excluded (Q1 half-open). */
  readonly end: number;
  /** YYYY-MM-DD of the period's start day in the tenant's time zone; the ledger's `period` field (Q2). */
  readonly label: string;
}

/** Throws QUOTA_CONFIG_INVALID unless `timeZone` is an IANA zone luxon (and so Intl) understands. */
export function assertTimeZone(timeZone: unknown, field = "timeZone"): asserts timeZone is string {
  if (typeof timeZone !== "string" || timeZone.trim() === "" || !IANAZone.isValidZone(timeZone)) {
    throw new LutinError(
      "QUOTA_CONFIG_INVALID",
      `${field}: ${JSON.stringify(timeZone)} is not an IANA time zone`,
      {
        hint: `set ${field} to a name from the IANA time zone database, e.g. "Europe/Paris", "America/New_York" or "UTC"`,
        details: { field, value: timeZone },
      },
    );
  }
}

/** Throws QUOTA_CONFIG_INVALID unless `anchorDay` is a whole day of month 1–31. */
export function assertAnchorDay(anchorDay: unknown, field = "anchorDay"): asserts anchorDay is number {
  if (typeof anchorDay !== "number" || !Number.isInteger(anchorDay) || anchorDay < 1 || anchorDay > 31) {
    throw new LutinError("QUOTA_CONFIG_INVALID", `${field}: must be a whole day of month from 1 to 31`, {
      hint: `set ${field} to the day of month the subscription started on (31 is fine: short months clamp it, Q1)`,
      details: { field, value: anchorDay },
    });
  }
}

/** The day of month of `at` in `timeZone`: the default anchor of a subscription started at `at` (Q1). */
export function anchorDayOf(at: number, timeZone: string): number {
  assertTimeZone(timeZone);
  return DateTime.fromMillis(at, { zone: timeZone }).day;
}

/** The IANA spelling of a zone luxon accepted case-insensitively ("europe/paris" → "Europe/Paris"). */
export function canonicalTimeZone(timeZone: string): string {
  assertTimeZone(timeZone);
  const resolved = new Intl.DateTimeFormat("en-US", { timeZone }).resolvedOptions().timeZone;
  // Only fix the case: ICU may map a zone to an older alias (Asia/Kolkata → Asia/Calcutta), keep the user's.
  return resolved.toLowerCase() === timeZone.toLowerCase() ? resolved : timeZone;
}

/** The period containing `at` (Q1); exactly at a period's end belongs to the next one. */
export function periodContaining(at: number, calendar: BillingCalendar): BillingPeriod {
  return periodIndexFor(calendar).containing(at);
}

/** The period right after `period`. */
export function nextPeriod(period: BillingPeriod, calendar: BillingCalendar): BillingPeriod {
  return periodIndexFor(calendar).next(period);
}

/** The period right before `period`. */
export function previousPeriod(period: BillingPeriod, calendar: BillingCalendar): BillingPeriod {
  return periodIndexFor(calendar).previous(period);
}

/** The period whose label is `label`; throws QUOTA_CONFIG_INVALID if no period of this calendar starts that day. */
export function periodByLabel(label: string, calendar: BillingCalendar): BillingPeriod {
  return periodIndexFor(calendar).byLabel(label);
}

/**
 * Memoized periods of one calendar. Shared by every tenant with the same (time zone, anchor day), so a
 * tenant record re-read from the store for each conversation still hits a warm cache.
 */
export class PeriodIndex {
  readonly timeZone: string;
  readonly anchorDay: number;
  /** Known periods sorted by start; not necessarily contiguous. */
  #sorted: BillingPeriod[] = [];
  /** Month number (year × 12 + month − 1) → period, and the way back through labels. */
  #byMonth = new Map<number, BillingPeriod>();
  #monthOfLabel = new Map<string, number>();
  #last: BillingPeriod | undefined;

  constructor(calendar: BillingCalendar) {
    assertTimeZone(calendar.timeZone, "timeZone");
    assertAnchorDay(calendar.anchorDay, "anchorDay");
    this.timeZone = calendar.timeZone;
    this.anchorDay = calendar.anchorDay;
  }

  containing(at: number): BillingPeriod {
    // Most calls are for "now": the same period as the previous call.
    const last = this.#last;
    if (last !== undefined && at >= last.start && at < last.end) return last;
    if (!Number.isFinite(at)) throw new RangeError(`not an instant: ${String(at)}`);
    const found = this.#search(at);
    if (found !== undefined) {
      this.#last = found;
      return found;
    }
    const local = DateTime.fromMillis(at, { zone: this.timeZone });
    let month = local.year * 12 + (local.month - 1);
    let period = this.#forMonth(month);
    if (at < period.start) {
      month -= 1;
      period = this.#forMonth(month);
    }
    this.#last = period;
    return period;
  }

  next(period: BillingPeriod): BillingPeriod {
    return this.#forMonth(this.#monthOf(period.label) + 1);
  }

  previous(period: BillingPeriod): BillingPeriod {
    return this.#forMonth(this.#monthOf(period.label) - 1);
  }

  byLabel(label: string): BillingPeriod {
    return this.#forMonth(this.#monthOf(label));
  }

  /** Binary search among known periods: the last one starting at or before `at`, if it contains `at`. */
  #search(at: number): BillingPeriod | undefined {
    const sorted = this.#sorted;
    let low = 0;
    let high = sorted.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const period = sorted[middle] as BillingPeriod;
      if (at < period.start) high = middle - 1;
      else if (at >= period.end) low = middle + 1;
      else return period;
    }
    return undefined;
  }

  #monthOf(label: string): number {
    const known = this.#monthOfLabel.get(label);
    if (known !== undefined) return known;
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(label);
    const year = Number(match?.[1]);
    const month = Number(match?.[2]);
    const day = Number(match?.[3]);
    if (match === null || month < 1 || month > 12) {
      throw new LutinError(
        "QUOTA_CONFIG_INVALID",
        `period label ${JSON.stringify(label)} is not a YYYY-MM-DD date`,
        {
          hint: "a period label is the start day of the period in the tenant's time zone, e.g. 2024-03-31",
          details: { field: "period", value: label },
        },
      );
    }
    const expected = Math.min(this.anchorDay, daysInMonth(year, month));
    if (day !== expected) {
      const right = `${label.slice(0, 8)}${String(expected).padStart(2, "0")}`;
      throw new LutinError(
        "QUOTA_CONFIG_INVALID",
        `period label ${JSON.stringify(label)} is not a period start for anchor day ${this.anchorDay}`,
        {
          hint: `periods of this tenant start on day ${this.anchorDay} clamped to the month's end (Q1): use "${right}"`,
          details: { field: "period", value: label, expected: right },
        },
      );
    }
    return year * 12 + (month - 1);
  }

  #forMonth(month: number): BillingPeriod {
    const cached = this.#byMonth.get(month);
    if (cached !== undefined) return cached;
    // A cache is only useful for the months actually in use; drop it rather than grow without bound.
    if (this.#byMonth.size >= 2400) this.#clear();
    const start = this.#startOfMonth(month);
    const end = this.#startOfMonth(month + 1);
    const year = Math.floor(month / 12);
    const monthOfYear = month - year * 12 + 1;
    const day = Math.min(this.anchorDay, daysInMonth(year, monthOfYear));
    // The label is the nominal start day, not the instant's local date: the two differ only when the whole
    // day was skipped (Pacific/Kiritimati skipped 1994-12-31), and the nominal one keeps labels one per month.
    const label = `${String(year).padStart(4, "0")}-${pad2(monthOfYear)}-${pad2(day)}`;
    const period: BillingPeriod = Object.freeze({ start, end, label });
    this.#byMonth.set(month, period);
    this.#monthOfLabel.set(label, month);
    this.#insertSorted(period);
    return period;
  }

  /** Local midnight of the clamped anchor day; luxon moves a midnight skipped by DST to the first real instant. */
  #startOfMonth(month: number): number {
    const year = Math.floor(month / 12);
    const monthOfYear = month - year * 12 + 1;
    const day = Math.min(this.anchorDay, daysInMonth(year, monthOfYear));
    return DateTime.fromObject({ year, month: monthOfYear, day }, { zone: this.timeZone }).toMillis();
  }

  #insertSorted(period: BillingPeriod): void {
    const sorted = this.#sorted;
    let index = sorted.length;
    while (index > 0 && (sorted[index - 1] as BillingPeriod).start > period.start) index -= 1;
    sorted.splice(index, 0, period);
  }

  #clear(): void {
    this.#sorted = [];
    this.#byMonth.clear();
    this.#monthOfLabel.clear();
    this.#last = undefined;
  }
}

const indexes = new Map<string, PeriodIndex>();

/** The shared, memoized index of a calendar (validates it the first time). */
export function periodIndexFor(calendar: BillingCalendar): PeriodIndex {
  const key = `${calendar.timeZone}\u0000${calendar.anchorDay}`;
  let index = indexes.get(key);
  if (index === undefined) {
    index = new PeriodIndex(calendar);
    // At most ~600 zones × 31 anchors in practice; the bound only guards against garbage input.
    if (indexes.size >= 20_000) indexes.clear();
    indexes.set(key, index);
  }
  return index;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/** Days in `month` (1–12) of the proleptic Gregorian `year`. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return DAYS_IN_MONTH[month - 1] ?? 31;
}

function pad2(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}
