import { describe, expect, it } from "vitest";
import { createEmotionDetector } from "./create-emotion-detector.js";
import { EMOTION_DATA_SETS, loadLabelledMessages, scoreDetector } from "./labelled-messages.js";

/**
 * Issue 3's targets on a set nobody tuned on: emotion-blind-2.jsonl was written by a writer who saw no
 * detector and no other set, and was first read by hybrid@3 once it was final (90.6 % accuracy, 90.2 %
 * frustrated recall, 98.1 % precision). These floors guard that result; a rule or model change that needs
 * looking at this set's misses to pass it turns it into a tuning set, and a fresh blind set is then due.
 */
const blind = loadLabelledMessages(EMOTION_DATA_SETS.blindTwo);

describe("emotion-blind-2 (the measuring set)", () => {
  it("holds 80 messages in each of en, fr, es, de, all five moods", () => {
    for (const language of ["en", "fr", "es", "de"])
      expect(blind.filter((message) => message.language === language)).toHaveLength(80);
    expect(new Set(blind.map((message) => message.emotion)).size).toBe(5);
  });

  it("meets the targets: accuracy >= 85 %, frustrated recall >= 85 %, with frustrated precision >= 90 %", () => {
    const scores = scoreDetector(createEmotionDetector(), blind);
    expect(scores.accuracy).toBeGreaterThanOrEqual(0.85);
    expect(scores.frustratedRecall).toBeGreaterThanOrEqual(0.85);
    expect(scores.frustratedPrecision).toBeGreaterThanOrEqual(0.9);
  });

  it("the hybrid beats the rules alone on unseen writing (rules@2: 79.1 % accuracy, 66.1 % recall)", () => {
    const hybrid = scoreDetector(createEmotionDetector(), blind);
    const rules = scoreDetector(createEmotionDetector({ engine: "rules" }), blind);
    expect(hybrid.accuracy).toBeGreaterThan(rules.accuracy + 0.05);
    expect(hybrid.frustratedRecall).toBeGreaterThan(rules.frustratedRecall + 0.1);
  });
});
