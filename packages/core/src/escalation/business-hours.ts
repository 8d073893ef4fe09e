import { DateTime } from "luxon";
import { z } from "zod";

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const TIME = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const timeRangeSchema = z
  .object({
    from: z.string().regex(TIME, 'must be a time "HH:MM" (00:00–23:59)'),
    to: z.string().regex(TIME, 'must be a time "HH:MM" (00:01–24:00)'),
  })
  .strict()
  .refine((range) => minutesOf(range.from) < minutesOf(range.to), {
    message: "`from` must be before `to` (a range after midnight goes on the next day)",
  });

/** Opening hours per weekday in the tenant's time zone; a missing day is closed. */
export const weeklyHoursSchema = z.partialRecord(z.enum(WEEKDAYS), z.array(timeRangeSchema));
export type WeeklyHours = z.output<typeof weeklyHoursSchema>;

function minutesOf(time: string): number {
  const [hours, minutes] = time.split(":").map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

/** Whether `at` falls within the business hours, read in `timeZone`. No hours at all = always open. */
export function isOpenAt(hours: WeeklyHours | undefined, timeZone: string, at: number): boolean {
  if (hours === undefined || Object.keys(hours).length === 0) return true;
  const local = DateTime.fromMillis(at, { zone: timeZone });
  const day = WEEKDAYS[local.weekday - 1] as Weekday;
  const minute = local.hour * 60 + local.minute;
  return (hours[day] ?? []).some((range) => minute >= minutesOf(range.from) && minute < minutesOf(range.to));
}

/** The next instant the business opens after `at` (within a week), or null if it never opens. */
export function nextOpening(hours: WeeklyHours | undefined, timeZone: string, at: number): number | null {
  if (hours === undefined || Object.keys(hours).length === 0) return at;
  const start = DateTime.fromMillis(at, { zone: timeZone });
  for (let offset = 0; offset <= 7; offset++) {
    const date = start.plus({ days: offset }).startOf("day");
    const day = WEEKDAYS[date.weekday - 1] as Weekday;
    const openings = (hours[day] ?? [])
      .map((range) => date.plus({ minutes: minutesOf(range.from) }).toMillis())
      .filter((opening) => opening > at)
      .sort((left, right) => left - right);
    if (openings[0] !== undefined) return openings[0];
  }
  return null;
}
