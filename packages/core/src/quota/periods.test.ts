import fc from "fast-check";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { DAY, HOUR } from "../clock.js";
import { LutinError } from "../errors.js";
import {
  anchorDayOf,
  type BillingCalendar,
  type BillingPeriod,
  canonicalTimeZone,
  daysInMonth,
  nextPeriod,
  periodByLabel,
  periodContaining,
  previousPeriod,
} from "./periods.js";

const at = (iso: string): number => {
  const millis = Date.parse(iso);
  if (Number.isNaN(millis)) throw new Error(`bad test date ${iso}`);
  return millis;
};

/** The labels of `count` consecutive periods from the one containing `from`. */
function labels(from: string, calendar: BillingCalendar, count: number): string[] {
  const out: string[] = [];
  let period = periodContaining(at(from), calendar);
  for (let index = 0; index < count; index += 1) {
    out.push(period.label);
    period = nextPeriod(period, calendar);
  }
  return out;
}

function expectQuotaError(run: () => unknown, message: RegExp, hint: RegExp): LutinError {
  try {
    run();
  } catch (error) {
    expect(LutinError.isInstance(error, "QUOTA_CONFIG_INVALID")).toBe(true);
    const lutin = error as LutinError;
    expect(lutin.message).toMatch(message);
    expect(lutin.hint ?? "").toMatch(hint);
    return lutin;
  }
  throw new Error("expected a QUOTA_CONFIG_INVALID error");
}

describe("Q1 monthly periods, anchored and clamped", () => {
  it("Q1: anchor 31 clamps to 28 Feb then back to 31 Mar (non-leap year)", () => {
    const calendar = { timeZone: "UTC", anchorDay: 31 };
    expect(labels("2023-01-31T00:00:00Z", calendar, 5)).toEqual([
      "2023-01-31",
      "2023-02-28",
      "2023-03-31",
      "2023-04-30",
      "2023-05-31",
    ]);
    const february = periodByLabel("2023-02-28", calendar);
    expect(february.start).toBe(at("2023-02-28T00:00:00Z"));
    expect(february.end).toBe(at("2023-03-31T00:00:00Z"));
  });

  it("Q1: anchor 31 clamps to 29 Feb in a leap year", () => {
    const calendar = { timeZone: "UTC", anchorDay: 31 };
    expect(labels("2024-01-31T00:00:00Z", calendar, 3)).toEqual(["2024-01-31", "2024-02-29", "2024-03-31"]);
    // 2024-02-28 still belongs to January's period: it ends only at 29 Feb.
    expect(periodContaining(at("2024-02-28T23:59:59.999Z"), calendar).label).toBe("2024-01-31");
  });

  it("Q1: anchor 30 gives 28 Feb (2023) and 29 Feb (2024), then 30 Mar again", () => {
    const calendar = { timeZone: "UTC", anchorDay: 30 };
    expect(labels("2023-01-30T00:00:00Z", calendar, 3)).toEqual(["2023-01-30", "2023-02-28", "2023-03-30"]);
    expect(labels("2024-01-30T00:00:00Z", calendar, 3)).toEqual(["2024-01-30", "2024-02-29", "2024-03-30"]);
  });

  it("Q1: anchor 29 only clamps in non-leap years", () => {
    const calendar = { timeZone: "UTC", anchorDay: 29 };
    expect(labels("2023-01-29T00:00:00Z", calendar, 3)).toEqual(["2023-01-29", "2023-02-28", "2023-03-29"]);
    expect(labels("2024-01-29T00:00:00Z", calendar, 3)).toEqual(["2024-01-29", "2024-02-29", "2024-03-29"]);
    // 2100 is not a leap year (century rule).
    expect(periodByLabel("2100-02-28", calendar).label).toBe("2100-02-28");
  });

  it("Q1: half-open: the start belongs to the period, exactly its end to the next", () => {
    const calendar = { timeZone: "UTC", anchorDay: 15 };
    const period = periodContaining(at("2024-05-20T12:00:00Z"), calendar);
    expect(period).toMatchObject({
      label: "2024-05-15",
      start: at("2024-05-15T00:00:00Z"),
      end: at("2024-06-15T00:00:00Z"),
    });
    expect(periodContaining(period.start, calendar).label).toBe("2024-05-15");
    expect(periodContaining(period.end - 1, calendar).label).toBe("2024-05-15");
    expect(periodContaining(period.end, calendar).label).toBe("2024-06-15");
    expect(periodContaining(period.start - 1, calendar).label).toBe("2024-04-15");
  });

  it("Q1: periods follow the tenant's time zone, not UTC", () => {
    // 23:30 UTC on 14 May is already 15 May in Paris: the new period has begun there, not in UTC.
    const instant = at("2024-05-14T22:30:00Z");
    expect(periodContaining(instant, { timeZone: "Europe/Paris", anchorDay: 15 }).label).toBe("2024-05-15");
    expect(periodContaining(instant, { timeZone: "UTC", anchorDay: 15 }).label).toBe("2024-04-15");
  });

  it("Q1: Europe/Paris DST: periods start at local midnight on both sides of a clock change", () => {
    const spring = periodContaining(at("2024-04-10T12:00:00Z"), { timeZone: "Europe/Paris", anchorDay: 31 });
    // Starts at midnight CET (+01:00) on the day clocks go forward, ends at midnight CEST (+02:00).
    expect(spring.label).toBe("2024-03-31");
    expect(spring.start).toBe(at("2024-03-31T00:00:00+01:00"));
    expect(spring.end).toBe(at("2024-04-30T00:00:00+02:00"));
    expect(spring.end - spring.start).toBe(30 * DAY - HOUR);

    const autumn = periodContaining(at("2024-11-01T12:00:00Z"), { timeZone: "Europe/Paris", anchorDay: 27 });
    expect(autumn.start).toBe(at("2024-10-27T00:00:00+02:00"));
    expect(autumn.end).toBe(at("2024-11-27T00:00:00+01:00"));
    expect(autumn.end - autumn.start).toBe(31 * DAY + HOUR);
  });

  it("Q1: America/New_York DST: 10 March and 3 November 2024", () => {
    const march = periodContaining(at("2024-03-10T05:00:00Z"), {
      timeZone: "America/New_York",
      anchorDay: 10,
    });
    expect(march.start).toBe(at("2024-03-10T00:00:00-05:00"));
    expect(march.end).toBe(at("2024-04-10T00:00:00-04:00"));
    // One millisecond before local midnight is still February's period.
    expect(
      periodContaining(at("2024-03-10T04:59:59.999Z"), { timeZone: "America/New_York", anchorDay: 10 }).label,
    ).toBe("2024-02-10");
    const november = periodByLabel("2024-11-03", { timeZone: "America/New_York", anchorDay: 3 });
    expect(november.start).toBe(at("2024-11-03T00:00:00-04:00"));
    expect(november.end).toBe(at("2024-12-03T00:00:00-05:00"));
  });

  it("Q1: a midnight skipped by DST (America/Sao_Paulo, 4 Nov 2018) starts the period at 01:00", () => {
    const period = periodByLabel("2018-11-04", { timeZone: "America/Sao_Paulo", anchorDay: 4 });
    expect(period.start).toBe(at("2018-11-04T01:00:00-02:00"));
    expect(periodContaining(period.start - 1, { timeZone: "America/Sao_Paulo", anchorDay: 4 }).label).toBe(
      "2018-10-04",
    );
  });

  it("Q1: Pacific/Kiritimati (UTC+14) starts periods the previous UTC day", () => {
    const calendar = { timeZone: "Pacific/Kiritimati", anchorDay: 1 };
    const july = periodContaining(at("2024-06-30T10:00:00Z"), calendar);
    expect(july.label).toBe("2024-07-01");
    expect(july.start).toBe(at("2024-06-30T10:00:00Z"));
    expect(periodContaining(at("2024-06-30T09:59:59.999Z"), calendar).label).toBe("2024-06-01");
  });

  it("Q1: Pacific/Kiritimati skipped 31 Dec 1994: anchor 31 starts at the next real midnight, label kept", () => {
    const calendar = { timeZone: "Pacific/Kiritimati", anchorDay: 31 };
    const december = periodByLabel("1994-12-31", calendar);
    expect(december.start).toBe(at("1995-01-01T00:00:00+14:00"));
    expect(previousPeriod(december, calendar).end).toBe(december.start);
    expect(periodContaining(december.start, calendar).label).toBe("1994-12-31");
    // The 30 Dec 1994 period lost a whole day: 31 calendar days, 30 real ones.
    const thirty = periodByLabel("1994-12-30", { timeZone: "Pacific/Kiritimati", anchorDay: 30 });
    expect(thirty.end - thirty.start).toBe(30 * DAY);
  });

  it("Q1: for random instants, zones and anchors, periods are contiguous, local-midnight, clamped", () => {
    // Zones with whole-hour, half-hour and 45-minute offsets, DST north and south; none skips a midnight after 2000.
    const zones = [
      "UTC",
      "Europe/Paris",
      "America/New_York",
      "Australia/Lord_Howe",
      "Asia/Kathmandu",
      "Pacific/Kiritimati",
      "America/Santiago",
      "Pacific/Auckland",
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: at("2000-01-01T00:00:00Z"), max: at("2040-01-01T00:00:00Z") }),
        fc.constantFrom(...zones),
        fc.integer({ min: 1, max: 31 }),
        (instant, timeZone, anchorDay) => {
          const calendar = { timeZone, anchorDay };
          const period = periodContaining(instant, calendar);
          expect(period.start).toBeLessThanOrEqual(instant);
          expect(instant).toBeLessThan(period.end);
          const next = nextPeriod(period, calendar);
          expect(next.start).toBe(period.end);
          expect(previousPeriod(next, calendar)).toEqual(period);
          expect(periodByLabel(period.label, calendar)).toEqual(period);
          const start = DateTime.fromMillis(period.start, { zone: timeZone });
          // Santiago moves its clocks at midnight (00:00 → 01:00): the first real instant of the day.
          if (timeZone !== "America/Santiago") expect(start.toFormat("HH:mm:ss.SSS")).toBe("00:00:00.000");
          expect(start.toISODate()).toBe(period.label);
          expect(start.day).toBe(Math.min(anchorDay, daysInMonth(start.year, start.month)));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("period helpers", () => {
  it("Q1: anchorDayOf reads the day in the tenant's zone", () => {
    expect(anchorDayOf(at("2024-01-31T23:30:00Z"), "Europe/Paris")).toBe(1);
    expect(anchorDayOf(at("2024-01-31T23:30:00Z"), "UTC")).toBe(31);
  });

  it("canonicalTimeZone fixes the case only", () => {
    expect(canonicalTimeZone("europe/paris")).toBe("Europe/Paris");
    expect(canonicalTimeZone("America/New_York")).toBe("America/New_York");
  });

  it("daysInMonth knows leap years", () => {
    expect([2023, 2024, 1900, 2000].map((year) => daysInMonth(year, 2))).toEqual([28, 29, 28, 29]);
    expect(daysInMonth(2024, 4)).toBe(30);
  });

  it("rejects an unknown time zone, naming the field and the fix", () => {
    const error = expectQuotaError(
      () => periodContaining(0, { timeZone: "Mars/Olympus_Mons", anchorDay: 1 }),
      /timeZone: "Mars\/Olympus_Mons" is not an IANA time zone/,
      /Europe\/Paris/,
    );
    expect(error.details).toMatchObject({ field: "timeZone" });
  });

  it.each([0, 32, 1.5, Number.NaN])("rejects anchor day %s", (anchorDay) => {
    expectQuotaError(
      () => periodContaining(0, { timeZone: "UTC", anchorDay }),
      /anchorDay: must be a whole day of month from 1 to 31/,
      /day of month/,
    );
  });

  it("periodByLabel rejects a day that is no period start and names the right one", () => {
    expectQuotaError(
      () => periodByLabel("2024-02-15", { timeZone: "UTC", anchorDay: 31 }),
      /"2024-02-15" is not a period start for anchor day 31/,
      /"2024-02-29"/,
    );
    expectQuotaError(
      () => periodByLabel("Feb 2024", { timeZone: "UTC", anchorDay: 31 }),
      /YYYY-MM-DD/,
      /2024-03-31/,
    );
  });

  it("rejects a non-finite instant", () => {
    expect(() => periodContaining(Number.NaN, { timeZone: "UTC", anchorDay: 1 })).toThrow(RangeError);
  });

  it("returns the same frozen period object for every instant of a period (memoized)", () => {
    const calendar = { timeZone: "Asia/Tokyo", anchorDay: 5 };
    const first: BillingPeriod = periodContaining(at("2024-05-06T00:00:00Z"), calendar);
    expect(periodContaining(at("2024-05-20T00:00:00Z"), calendar)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });
});
