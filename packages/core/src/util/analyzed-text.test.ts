import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyzedText, MAX_ANALYZED_TEXT_LENGTH } from "./analyzed-text.js";

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

describe("analyzedText: the part of a message per-message analyses read", () => {
  it("is the message itself up to MAX_ANALYZED_TEXT_LENGTH", () => {
    const text = "x".repeat(MAX_ANALYZED_TEXT_LENGTH);
    expect(analyzedText(text)).toBe(text);
    expect(analyzedText("Where is my order?")).toBe("Where is my order?");
  });

  it("keeps the start and the end of a longer one, never more than MAX_ANALYZED_TEXT_LENGTH, never half a surrogate pair", () => {
    const unit = fc.constantFrom("a", " ", "!", "😡", "é", "\u0301", "ب", "中");
    fc.assert(
      fc.property(fc.array(unit, { minLength: 1_000, maxLength: 6_000 }), (units) => {
        const text = units.join("");
        const part = analyzedText(text);
        expect(part.length).toBeLessThanOrEqual(MAX_ANALYZED_TEXT_LENGTH);
        // Well-formed UTF-16: no lone surrogate at either side of the cut.
        expect(LONE_SURROGATE.test(part)).toBe(false);
        if (text.length > MAX_ANALYZED_TEXT_LENGTH) {
          const [head, tail] = part.split(" … ");
          expect(text.startsWith(head as string)).toBe(true);
          expect(text.endsWith(tail as string)).toBe(true);
          expect((tail as string).length).toBeGreaterThanOrEqual(299);
        } else expect(part).toBe(text);
      }),
      { numRuns: 200 },
    );
  });

  it("reads a 40,000-character message as MAX_ANALYZED_TEXT_LENGTH characters: what any analysis costs no longer grows with it", () => {
    const ask = " so can I talk to a person?";
    const part = analyzedText(`Hello, my order is late.${"x".repeat(40_000)}${ask}`);
    expect(part.length).toBe(MAX_ANALYZED_TEXT_LENGTH);
    expect(part.startsWith("Hello, my order is late.")).toBe(true);
    expect(part.endsWith(ask)).toBe(true);
  });
});
