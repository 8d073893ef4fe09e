import { describe, expect, it } from "vitest";
import { HOUR } from "../clock.js";
import { followUpLabels, topicOf } from "./labels.js";
import { followUpPriority } from "./priority.js";

const calm = { emotion: null, frustratedInRow: 0, text: "", waitedMs: 0, planRank: 10 };

describe("follow-up priority (README escalation table)", () => {
  it("is normal for a calm customer on a paid plan", () => {
    expect(followUpPriority(calm)).toMatchObject({ priority: "normal", points: 0 });
  });
  it("is urgent for a strongly frustrated customer who mentions a chargeback", () => {
    const decision = followUpPriority({
      ...calm,
      emotion: { emotion: "frustrated", score: 0.9, cues: [] },
      text: "I will file a CHARGEBACK",
    });
    expect(decision.priority).toBe("urgent");
    expect(decision.reasons).toEqual(["+3 strongly frustrated", '+3 serious keyword "chargeback"']);
  });
  it("is high for a frustrated customer, and for an urgent one on Professional", () => {
    expect(
      followUpPriority({ ...calm, emotion: { emotion: "frustrated", score: 0.5, cues: [] } }).priority,
    ).toBe("high");
    expect(
      followUpPriority({ ...calm, emotion: { emotion: "urgent", score: 0.6, cues: [] }, planRank: 20 })
        .priority,
    ).toBe("high");
  });
  it("rises with the wait and with repeated frustration", () => {
    expect(followUpPriority({ ...calm, waitedMs: 25 * HOUR, frustratedInRow: 2 }).points).toBe(3);
  });
  it("is low for a happy customer on the free plan", () => {
    expect(
      followUpPriority({ ...calm, emotion: { emotion: "happy", score: 0.7, cues: [] }, planRank: 0 })
        .priority,
    ).toBe("low");
  });
  it("finds serious keywords in other languages and scripts", () => {
    expect(followUpPriority({ ...calm, text: "Je vais porter plainte" }).points).toBe(3);
    expect(followUpPriority({ ...calm, text: "这是诈骗" }).points).toBe(3);
  });
});

describe("follow-up labels", () => {
  it("prefers the knowledge base's topic, else guesses from keywords in any language", () => {
    expect(topicOf("billing", ["where is my parcel"])).toBe("billing");
    expect(topicOf(null, ["Où est ma commande ?"])).toBe("orders");
    expect(topicOf(null, ["Quiero un reembolso"])).toBe("refunds");
    expect(topicOf(null, ["我想退货"])).toBe("returns");
    expect(topicOf(null, ["Bonjour"])).toBe("general");
  });
  it("labels topic, language, emotion, channel and reason", () => {
    expect(
      followUpLabels({
        topic: null,
        texts: ["my invoice is wrong"],
        language: "en",
        emotion: "frustrated",
        channel: "slack",
        reason: "asked_for_human",
      }),
    ).toEqual(["topic:billing", "lang:en", "emotion:frustrated", "channel:slack", "reason:asked_for_human"]);
  });
});
