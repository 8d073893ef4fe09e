import type { LanguageCode } from "../assistant/language.js";
import { LutinError } from "../errors.js";
import { defaultProductMessages, type ProductMessages } from "./product-messages.js";
import { type OpeningRange, parseWeeklyHours, WEEKDAYS, type WeeklyHours } from "./weekly-hours.js";

// Chinese and Japanese text takes full-width parentheses.
const FULL_WIDTH_PARENTHESES: ReadonlySet<LanguageCode> = new Set(["zh", "ja"]);
// 2024-01-01 was a Monday: day `index` of WEEKDAYS is 2024-01-(1 + index), formatted in UTC.
const A_MONDAY_UTC = Date.UTC(2024, 0, 1);
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Business hours as one sentence part for `contact.details`, e.g. "Monday–Friday 09:00–18:00, Saturday
 * 10:00–13:00 (Central European Time)" / "lundi–vendredi 09:00–18:00, samedi 10:00–13:00 (heure d’Europe
 * centrale)". Consecutive days with the same ranges are grouped; closed days are left out; a week with no
 * opening at all is `hours.closed`. The hours are wall-clock times in `timeZone` (an IANA name), which is named
 * at the end so a customer elsewhere knows which clock they follow. Weekday names, list words and the zone name
 * come from Intl in `language`; times use a 24-hour clock everywhere, the unambiguous choice for a written
 * answer. `messages` supplies `hours.range` and `hours.closed` (pass a tenant's instance to use its overrides).
 */
export function formatBusinessHours(
  hours: WeeklyHours,
  language: LanguageCode,
  timeZone: string,
  messages: ProductMessages = defaultProductMessages(),
): string {
  const week = parseWeeklyHours(hours, "hours");
  const zone = timeZoneName(language, timeZone);
  const groups = groupDays(week);
  if (groups.length === 0) return messages.t(language, "hours.closed");

  const { dayName, time, rangeList, groupList } = formattersFor(language);
  const nameOf = (dayIndex: number) => dayName.format(A_MONDAY_UTC + dayIndex * DAY_MS);
  const timeOf = (text: string) => {
    const [hour, minute] = text.split(":").map(Number);
    return time.format(Date.UTC(2024, 0, 1, hour, minute));
  };

  const parts = groups.map(({ first, last, ranges }) => {
    const days =
      first === last
        ? nameOf(first)
        : messages.t(language, "hours.range", { from: nameOf(first), to: nameOf(last) });
    const times = ranges.map((range) =>
      messages.t(language, "hours.range", { from: timeOf(range.from), to: timeOf(range.to) }),
    );
    return `${days} ${rangeList.format(times)}`;
  });
  const body = groupList.format(parts);
  return FULL_WIDTH_PARENTHESES.has(language) ? `${body}（${zone}）` : `${body} (${zone})`;
}

interface Formatters {
  dayName: Intl.DateTimeFormat;
  time: Intl.DateTimeFormat;
  rangeList: Intl.ListFormat;
  groupList: Intl.ListFormat;
}

// Building Intl formatters costs about 0.1 ms each; they are immutable, so one set per language is kept.
const formattersByLanguage = new Map<LanguageCode, Formatters>();
const zoneNames = new Map<string, string>();

function formattersFor(language: LanguageCode): Formatters {
  let formatters = formattersByLanguage.get(language);
  if (formatters === undefined) {
    formatters = {
      dayName: new Intl.DateTimeFormat(language, { weekday: "long", timeZone: "UTC" }),
      time: new Intl.DateTimeFormat(language, {
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
        timeZone: "UTC",
      }),
      // Ranges of one day are joined with the language's "and"; day groups with its narrow list separator where
      // it has one ("Monday 09:00–12:00 and 14:00–18:00, Saturday 10:00–13:00"), keeping the two levels apart.
      rangeList: new Intl.ListFormat(language, { type: "conjunction" }),
      groupList: new Intl.ListFormat(language, { type: "conjunction", style: "narrow" }),
    };
    formattersByLanguage.set(language, formatters);
  }
  return formatters;
}

interface DayGroup {
  first: number;
  last: number;
  ranges: readonly OpeningRange[];
}

/** Runs of consecutive open days (Monday to Sunday, no wrap-around) that share exactly the same ranges. */
function groupDays(week: WeeklyHours): DayGroup[] {
  const groups: DayGroup[] = [];
  let previousSignature = "";
  WEEKDAYS.forEach((day, index) => {
    const ranges = [...(week[day] ?? [])].sort((left, right) => left.from.localeCompare(right.from));
    const signature = ranges.map((range) => `${range.from}-${range.to}`).join(",");
    const current = groups[groups.length - 1];
    if (signature === "") {
      previousSignature = "";
    } else if (current !== undefined && signature === previousSignature && current.last === index - 1) {
      current.last = index;
    } else {
      groups.push({ first: index, last: index, ranges });
      previousSignature = signature;
    }
  });
  return groups;
}

function timeZoneName(language: LanguageCode, timeZone: string): string {
  const cacheKey = `${language} ${timeZone}`;
  const cached = zoneNames.get(cacheKey);
  if (cached !== undefined) return cached;
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat(language, { timeZone, timeZoneName: "longGeneric" }).formatToParts(
      A_MONDAY_UTC,
    );
  } catch (error) {
    throw new LutinError("CONFIG_INVALID", `"${timeZone}" is not a time zone`, {
      hint: 'use an IANA time zone name such as "Europe/Paris" or "America/New_York"',
      details: { timeZone },
      cause: error,
    });
  }
  const name = parts.find((part) => part.type === "timeZoneName")?.value ?? timeZone;
  zoneNames.set(cacheKey, name);
  return name;
}
