import { describe, expect, it } from "vitest";
import { LutinError } from "../errors.js";
import { parseWeeklyHours, weeklyHoursSchema } from "./weekly-hours.js";

function problemsOf(input: unknown): unknown {
  try {
    parseWeeklyHours(input);
  } catch (error) {
    expect(LutinError.isInstance(error, "CONFIG_INVALID")).toBe(true);
    return (error as LutinError).details?.problems;
  }
  throw new Error("expected CONFIG_INVALID");
}

describe("weeklyHoursSchema", () => {
  it("accepts days with ranges, empty days and absent days", () => {
    const hours = {
      mon: [{ from: "00:00", to: "23:59" }],
      tue: [],
      sat: [
        { from: "09:00", to: "12:00" },
        { from: "12:00", to: "13:00" },
      ],
    };
    expect(weeklyHoursSchema.parse(hours)).toEqual(hours);
  });

  it("rejects bad times, backward ranges, overlaps and unknown days, naming each", () => {
    expect(
      problemsOf({
        mon: [{ from: "24:00", to: "25:00" }],
        tue: [{ from: "18:00", to: "09:00" }],
        wed: [
          { from: "09:00", to: "13:00" },
          { from: "12:00", to: "18:00" },
        ],
        monday: [],
      }),
    ).toEqual([
      'businessHours.mon.0.from: use 24-hour "HH:MM", e.g. "09:00"',
      'businessHours.mon.0.to: use 24-hour "HH:MM", e.g. "09:00"',
      'businessHours.tue.0: must end after it starts (for a range past midnight, close at "23:59" and reopen the next day)',
      "businessHours.wed: 09:00–13:00 and 12:00–18:00 overlap",
      'businessHours: unknown day "monday"',
    ]);
  });

  it("rejects extra fields in a range", () => {
    expect(problemsOf({ fri: [{ from: "09:00", to: "17:00", note: "x" }] })).toEqual([
      'businessHours.fri.0: unknown field "note"',
    ]);
  });
});
