import { describe, expect, it } from "vitest";
import { LutinError } from "../errors.js";
import { type EldDatabaseSize, loadEld } from "./eld-database.js";

describe("loadEld", () => {
  it("shares one loaded database between detectors with the same size and subset", async () => {
    const first = await loadEld("extrasmall", ["fr", "en"]);
    expect(await loadEld("extrasmall", ["fr", "en"])).toBe(first);
    const everyLanguage = await loadEld("extrasmall", null);
    expect(everyLanguage).not.toBe(first);
    // The subset stays each instance's own: the restricted one cannot answer Polish.
    expect(first.detect("Dziękuję za pomoc, wszystko działa").language).not.toBe("pl");
    expect(everyLanguage.detect("Dziękuję za pomoc, wszystko działa").language).toBe("pl");
  });

  it("does not remember a failed load", async () => {
    const size = "huge" as EldDatabaseSize;
    for (let attempt = 0; attempt < 2; attempt++) {
      const failure = await loadEld(size, null).catch((error: unknown) => error);
      expect(LutinError.isInstance(failure, "CONFIG_INVALID")).toBe(true);
    }
  });
});
