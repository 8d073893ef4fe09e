import { DateTime } from "luxon";
import { WEEKDAYS, type Weekday, type WeeklyHours } from "../i18n/weekly-hours.js";

// The hours themselves (type, schema, formatting) live with the messages in ../i18n; this is the clock side.

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
