import { describe, expect, it } from "vitest";
import { createEmotionDetector } from "./create-emotion-detector.js";
import { EMOTION_DATA_SETS, loadLabelledMessages, scoreDetector } from "./labelled-messages.js";

/**
 * Issue 17's measuring set: emotion-blind-3.jsonl was written by a writer who saw no code and no other
 * set, and was scored once, in aggregate, when hybrid@4 was final: 91.9 % accuracy, 93.3 % frustrated
 * recall, 92.6 % precision (the lead's baseline on main before the change: 91.3 %, 92.5 %, 91.0 %). These
 * floors guard that result; a change that needs looking at this set's misses turns it into a tuning set,
 * and a fresh blind set is then due.
 */
const blind = loadLabelledMessages(EMOTION_DATA_SETS.blindThree);

describe("emotion-blind-3 (the measuring set of issue 17)", () => {
  it("holds 80 messages in each of en, fr, es, de, all five moods", () => {
    for (const language of ["en", "fr", "es", "de"])
      expect(blind.filter((message) => message.language === language)).toHaveLength(80);
    expect(new Set(blind.map((message) => message.emotion)).size).toBe(5);
  });

  it("keeps accuracy >= 90 %, frustrated recall >= 91 % and frustrated precision >= 90 %", () => {
    const scores = scoreDetector(createEmotionDetector(), blind);
    expect(scores.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(scores.frustratedRecall).toBeGreaterThanOrEqual(0.91);
    expect(scores.frustratedPrecision).toBeGreaterThanOrEqual(0.9);
  });

  it("keeps frustrated recall >= 88 % in each main language", () => {
    const detector = createEmotionDetector();
    for (const language of ["en", "fr", "es", "de"]) {
      const own = blind.filter((message) => message.language === language);
      expect(scoreDetector(detector, own).frustratedRecall, language).toBeGreaterThanOrEqual(0.88);
    }
  });
});
