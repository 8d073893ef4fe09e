import { z } from "zod";
import { LutinError } from "../errors.js";

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** One opening range on one day, in the tenant's time zone, 24-hour "HH:MM"; `from` is before `to`. */
export interface OpeningRange {
  from: string;
  to: string;
}

/** A tenant's business hours; a day that is absent or empty is closed. */
export type WeeklyHours = { [Day in Weekday]?: readonly OpeningRange[] };

const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/;
const timeOfDaySchema = z.string().regex(TIME_OF_DAY, 'use 24-hour "HH:MM", e.g. "09:00"');

const openingRangeSchema = z
  .strictObject({ from: timeOfDaySchema, to: timeOfDaySchema })
  // "HH:MM" strings compare in time order. A night shift crossing midnight is two ranges on two days.
  .refine((range) => !TIME_OF_DAY.test(range.from) || !TIME_OF_DAY.test(range.to) || range.from < range.to, {
    message: 'must end after it starts (for a range past midnight, close at "23:59" and reopen the next day)',
  });

const dayHoursSchema = z.array(openingRangeSchema).superRefine((ranges, context) => {
  const sorted = [...ranges].sort((left, right) => left.from.localeCompare(right.from));
  for (let index = 1; index < sorted.length; index += 1) {
    const previous = sorted[index - 1] as OpeningRange;
    const current = sorted[index] as OpeningRange;
    if (current.from < previous.to) {
      context.addIssue({
        code: "custom",
        message: `${previous.from}–${previous.to} and ${current.from}–${current.to} overlap`,
      });
    }
  }
});

// `satisfies` keeps the schema's own type (Escalation extends it) while checking it parses to WeeklyHours.
export const weeklyHoursSchema = z.strictObject({
  mon: dayHoursSchema.optional(),
  tue: dayHoursSchema.optional(),
  wed: dayHoursSchema.optional(),
  thu: dayHoursSchema.optional(),
  fri: dayHoursSchema.optional(),
  sat: dayHoursSchema.optional(),
  sun: dayHoursSchema.optional(),
}) satisfies z.ZodType<WeeklyHours>;

/** Validates business hours from configuration; the error names the day and what is wrong. */
export function parseWeeklyHours(input: unknown, field = "businessHours"): WeeklyHours {
  const result = weeklyHoursSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const where = [field, ...issue.path.map(String)].join(".");
    if (issue.code === "unrecognized_keys") {
      const what = issue.path.length === 0 ? "day" : "field";
      return `${where}: unknown ${what} ${issue.keys.map((key) => `"${key}"`).join(", ")}`;
    }
    return `${where}: ${issue.message}`;
  });
  throw new LutinError("CONFIG_INVALID", `business hours are invalid: ${problems.join("; ")}`, {
    hint: `give days as ${WEEKDAYS.join(", ")}, each a list of { from: "09:00", to: "18:00" } ranges`,
    details: { problems },
  });
}
