import { describe, expect, it } from "vitest";
import { LutinError } from "../errors.js";
import { formatBusinessHours } from "./business-hours.js";
import { createProductMessages } from "./product-messages.js";
import type { WeeklyHours } from "./weekly-hours.js";

const NINE_TO_SIX = [{ from: "09:00", to: "18:00" }];
const OFFICE: WeeklyHours = {
  mon: NINE_TO_SIX,
  tue: NINE_TO_SIX,
  wed: NINE_TO_SIX,
  thu: NINE_TO_SIX,
  fri: NINE_TO_SIX,
  sat: [{ from: "10:00", to: "13:00" }],
};
const ISOLATES = /[\u2066-\u2069]/g;

describe("formatBusinessHours", () => {
  it("groups consecutive days with equal hours, in English", () => {
    expect(formatBusinessHours(OFFICE, "en", "Europe/Paris")).toBe(
      "Monday–Friday 09:00–18:00, Saturday 10:00–13:00 (Central European Time)",
    );
  });

  it("uses French weekday names and the French zone name", () => {
    expect(formatBusinessHours(OFFICE, "fr", "Europe/Paris")).toBe(
      "lundi–vendredi 09:00–18:00, samedi 10:00–13:00 (heure d’Europe centrale)",
    );
  });

  it("writes Japanese with its range mark and full-width parentheses", () => {
    expect(formatBusinessHours(OFFICE, "ja", "Asia/Tokyo")).toBe(
      "月曜日～金曜日 09:00～18:00、土曜日 10:00～13:00（日本標準時）",
    );
  });

  it("keeps Arabic right to left: Arabic words first, every inserted part isolated", () => {
    const text = formatBusinessHours(OFFICE, "ar", "Asia/Riyadh");
    expect(text.replace(ISOLATES, "")).toBe(
      "من الاثنين إلى الجمعة من 09:00 إلى 18:00 والسبت من 10:00 إلى 13:00 (التوقيت العربي الرسمي)",
    );
    // The first strong character decides an auto-direction paragraph: it must be Arabic, not a digit or Latin.
    expect(text.match(/[\p{L}]/u)?.[0]).toMatch(/\p{Script=Arabic}/u);
    const opened = text.match(/\u2068/g)?.length ?? 0;
    expect(opened).toBe(6);
    expect(text.match(/\u2069/g)?.length).toBe(opened);
    expect(text).toContain("\u206809:00\u2069");
  });

  it("splits groups on different hours, on closed days, and lists a day's several ranges", () => {
    const week: WeeklyHours = {
      mon: [
        { from: "14:00", to: "18:00" },
        { from: "09:00", to: "12:00" },
      ],
      tue: [
        { from: "09:00", to: "12:00" },
        { from: "14:00", to: "18:00" },
      ],
      thu: [{ from: "09:00", to: "12:00" }],
      fri: [{ from: "09:00", to: "12:00" }],
      sun: [{ from: "10:00", to: "12:00" }],
    };
    expect(formatBusinessHours(week, "en", "America/New_York")).toBe(
      "Monday–Tuesday 09:00–12:00 and 14:00–18:00, Thursday–Friday 09:00–12:00, Sunday 10:00–12:00 (Eastern Time)",
    );
  });

  it("says closed when nothing is open, in the tenant's wording when given", () => {
    expect(formatBusinessHours({}, "de", "Europe/Berlin")).toBe("geschlossen");
    expect(formatBusinessHours({ sat: [] }, "en", "UTC")).toBe("closed");
    const tenant = createProductMessages({
      overrides: { en: { hours: { closed: "closed for the holidays" } } },
    });
    expect(formatBusinessHours({}, "en", "UTC", tenant)).toBe("closed for the holidays");
  });

  it("names the bad field and the fix for invalid hours or time zone", () => {
    expect(() => formatBusinessHours({ mon: [{ from: "9:00", to: "18:00" }] }, "en", "UTC")).toThrow(
      /hours\.mon\.0\.from: use 24-hour "HH:MM"/,
    );
    try {
      formatBusinessHours(OFFICE, "en", "Mars/Olympus_Mons");
      throw new Error("expected CONFIG_INVALID");
    } catch (error) {
      expect(LutinError.isInstance(error, "CONFIG_INVALID")).toBe(true);
      expect((error as LutinError).hint).toMatch(/IANA time zone/);
    }
  });
});
