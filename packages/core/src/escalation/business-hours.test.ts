import { describe, expect, it } from "vitest";
import { type WeeklyHours, weeklyHoursSchema } from "../i18n/weekly-hours.js";
import { isOpenAt, nextOpening } from "./business-hours.js";

const weekdays: WeeklyHours = {
  mon: [{ from: "09:00", to: "18:00" }],
  tue: [{ from: "09:00", to: "18:00" }],
  wed: [
    { from: "09:00", to: "12:00" },
    { from: "14:00", to: "18:00" },
  ],
  thu: [{ from: "09:00", to: "18:00" }],
  fri: [{ from: "09:00", to: "18:00" }],
};

describe("business hours across time zones", () => {
  it("reads the hours in the tenant's zone: 08:30 UTC is 09:30 in Paris (open) and 03:30 in New York (closed)", () => {
    const at = Date.UTC(2026, 0, 12, 8, 30); // a Monday
    expect(isOpenAt(weekdays, "Europe/Paris", at)).toBe(true);
    expect(isOpenAt(weekdays, "America/New_York", at)).toBe(false);
    expect(isOpenAt(weekdays, "Asia/Tokyo", at)).toBe(true); // 17:30 on Monday in Tokyo
  });

  it("closes at the end of a range and over lunch, and on days without hours", () => {
    expect(isOpenAt(weekdays, "UTC", Date.UTC(2026, 0, 12, 18, 0))).toBe(false);
    expect(isOpenAt(weekdays, "UTC", Date.UTC(2026, 0, 12, 17, 59))).toBe(true);
    expect(isOpenAt(weekdays, "UTC", Date.UTC(2026, 0, 14, 13, 0))).toBe(false); // Wednesday lunch
    expect(isOpenAt(weekdays, "UTC", Date.UTC(2026, 0, 17, 10, 0))).toBe(false); // Saturday
  });

  it("follows daylight saving time: 09:00 in Paris is 08:00 UTC in winter and 07:00 UTC in summer", () => {
    expect(isOpenAt(weekdays, "Europe/Paris", Date.UTC(2026, 0, 12, 8, 0))).toBe(true);
    expect(isOpenAt(weekdays, "Europe/Paris", Date.UTC(2026, 6, 13, 7, 0))).toBe(true);
    expect(isOpenAt(weekdays, "Europe/Paris", Date.UTC(2026, 6, 13, 6, 59))).toBe(false);
  });

  it("finds the next opening, over a weekend", () => {
    const fridayEvening = Date.UTC(2026, 0, 16, 19, 0);
    expect(nextOpening(weekdays, "UTC", fridayEvening)).toBe(Date.UTC(2026, 0, 19, 9, 0));
  });

  it("validates ranges with errors that say what to write", () => {
    const result = weeklyHoursSchema.safeParse({
      mon: [{ from: "18:00", to: "09:00" }],
      sun: [{ from: "9h", to: "10:00" }],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message).join(" | ")).toMatch(
      /must end after it starts.*HH:MM/,
    );
  });
});
