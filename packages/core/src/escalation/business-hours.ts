import { DateTime } from "luxon";
import { WEEKDAYS, type Weekday, type WeeklyHours } from "../i18n/weekly-hours.js";

// The hours themselves (type, schema, formatting) live with the messages in ../i18n; this is the clock side.

function timeOf(time: string): { hour: number; minute: number } {
  const [hour, minute] = time.split(":").map(Number);
  return { hour: hour ?? 0, minute: minute ?? 0 };
}

function minutesOf(time: string): number {
  const { hour, minute } = timeOf(time);
  return hour * 60 + minute;
}

function hasNoHours(hours: WeeklyHours | undefined): hours is undefined {
  return hours === undefined || Object.keys(hours).length === 0;
}

/** Whether `at` falls within the business hours, read in `timeZone`. No hours at all = always open. */
export function isOpenAt(hours: WeeklyHours | undefined, timeZone: string, at: number): boolean {
  if (hasNoHours(hours)) return true;
  const local = DateTime.fromMillis(at, { zone: timeZone });
  const day = WEEKDAYS[local.weekday - 1] as Weekday;
  const minute = local.hour * 60 + local.minute;
  return (hours[day] ?? []).some((range) => minute >= minutesOf(range.from) && minute < minutesOf(range.to));
}

/**
 * Every instant a range starts or ends, from the day of `at` to eight days later, in time order. The
 * wall-clock time is set on each day (not added to its midnight), so a day that gains or loses an hour
 * (daylight saving time) still opens at its written "09:00".
 */
function boundariesAfter(
  hours: WeeklyHours,
  timeZone: string,
  at: number,
): Array<{ at: number; opens: boolean }> {
  const start = DateTime.fromMillis(at, { zone: timeZone }).startOf("day");
  const boundaries: Array<{ at: number; opens: boolean }> = [];
  for (let offset = 0; offset <= 8; offset++) {
    const date = start.plus({ days: offset });
    const day = WEEKDAYS[date.weekday - 1] as Weekday;
    for (const range of hours[day] ?? []) {
      boundaries.push({
        at: date.set({ ...timeOf(range.from), second: 0, millisecond: 0 }).toMillis(),
        opens: true,
      });
      boundaries.push({
        at: date.set({ ...timeOf(range.to), second: 0, millisecond: 0 }).toMillis(),
        opens: false,
      });
    }
  }
  return boundaries.filter((boundary) => boundary.at > at).sort((left, right) => left.at - right.at);
}

/** The next instant the business opens after `at` (within a week), or null if it never opens. */
export function nextOpening(hours: WeeklyHours | undefined, timeZone: string, at: number): number | null {
  if (hasNoHours(hours)) return at;
  return boundariesAfter(hours, timeZone, at).find((boundary) => boundary.opens)?.at ?? null;
}

/**
 * The next instant after `at` when the business goes from open to closed or back (ranges that touch,
 * "09:00–12:00" then "12:00–18:00", are one stretch); null when that never happens (no hours: always open;
 * hours with no range: never open). Whatever depends on the hours is computed again at that instant.
 */
export function nextHoursChange(hours: WeeklyHours | undefined, timeZone: string, at: number): number | null {
  if (hasNoHours(hours)) return null;
  const openNow = isOpenAt(hours, timeZone, at);
  return (
    boundariesAfter(hours, timeZone, at).find(
      (boundary) => isOpenAt(hours, timeZone, boundary.at) !== openNow,
    )?.at ?? null
  );
}
