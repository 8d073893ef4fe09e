import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { countWords } from "./emotion.js";

const segmenter = new Intl.Segmenter(undefined, { granularity: "word" });
/** The count the enchantment used before its ASCII shortcut: word-like segments, stopping after 4. */
function segmentedCount(text: string): number {
  let words = 0;
  for (const segment of segmenter.segment(text)) if (segment.isWordLike === true && ++words > 3) break;
  return words;
}

describe("countWords", () => {
  it("answers like the segmenter on ordinary and tricky messages", () => {
    for (const text of [
      "great, thank you",
      "thank you so much, it arrived today",
      "it's 3.5 kg a_b c",
      "a - b - c",
      "thanks!",
      "great, thank you",
      "#12345",
      "(yes) ok!! ...",
      "e.g. ok",
      "don't",
      "a_b _ c",
      "- - - -",
      "a\tb\nc\r\nd",
      "a\u200d😀 b c d",
      "merci beaucoup, c'est arrivé",
      "注文が届きました ありがとう",
      "",
    ]) {
      expect(countWords(text), text).toBe(segmentedCount(text));
    }
  });

  it("answers like the segmenter on random mixes of letters, digits, punctuation, spaces and emoji", () => {
    const pieces = [
      "a",
      "Z",
      "7",
      " ",
      "  ",
      "\t",
      "\n",
      "-",
      "_",
      ".",
      "'",
      ",",
      ":",
      "é",
      "😀",
      "\u200d",
      "\u00ad",
      "注",
      "ก",
      "؟",
      "?",
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 30 }), (parts) => {
        const text = parts.join("");
        expect(countWords(text)).toBe(segmentedCount(text));
      }),
      { numRuns: 3000 },
    );
    // ASCII only: the texts the shortcut answers without the segmenter.
    const ascii = pieces.filter((piece) => /^[\x20-\x7e\t\n]+$/.test(piece));
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ascii), { maxLength: 30 }), (parts) => {
        const text = parts.join("");
        expect(countWords(text)).toBe(segmentedCount(text));
      }),
      { numRuns: 5000 },
    );
  });
});
