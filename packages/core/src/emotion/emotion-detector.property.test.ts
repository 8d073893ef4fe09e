import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EMOTIONS } from "../assistant/emotion.js";
import { SUPPORTED_LANGUAGES } from "../assistant/language.js";
import { createEmotionDetector } from "./create-emotion-detector.js";

const detector = createEmotionDetector();
const CUE = /^(?:(?:lexicon|phrase|emoji|model):)?[a-z-]+$/;

describe("any message, any language", () => {
  it("reads to a known emotion with a score in 0..1 (0 exactly when neutral) and text-free cues", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", maxLength: 200 }),
        fc.constantFrom(null, ...SUPPORTED_LANGUAGES),
        (text, language) => {
          const reading = detector.read(text, language);
          expect(EMOTIONS).toContain(reading.emotion);
          expect(reading.score).toBeGreaterThanOrEqual(0);
          expect(reading.score).toBeLessThanOrEqual(1);
          expect(reading.score === 0).toBe(reading.emotion === "neutral");
          for (const cue of reading.cues) expect(cue).toMatch(CUE);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("is not fooled by case or accents: the folded and the original text read the same", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          "je suis très déçu",
          "ça fait trois fois",
          "no estoy nada contento, sigo esperando",
          "Das Paket ist immer noch nicht angekommen",
        ),
        (text) => {
          const stripped = text.normalize("NFKD").replace(/\p{M}/gu, "");
          expect(detector.read(stripped).emotion).toBe(detector.read(text).emotion);
        },
      ),
    );
  });
});
