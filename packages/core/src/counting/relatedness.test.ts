import { describe, expect, it } from "vitest";
import {
  createDefaultRelatednessDetector,
  type RelatednessDetector,
  withRelatedOnDoubt,
} from "./relatedness.js";
import { createDefaultResolutionDetector } from "./resolution.js";

const detector = createDefaultRelatednessDetector();
const previous = ["Where is my order?", "It was order #12345 for a blue jacket"];
const decide = (text: string) => detector.decide({ text, previous }) as { related: boolean; score: number };

describe("the default relatedness detector (C6)", () => {
  it.each(["thanks!", "ok", "Merci beaucoup", "hello again", "#12345", "AB-778-12", "12345"])(
    "C6: a short reply, greeting, thanks or order number is always related: %s",
    (text) => {
      expect(decide(text).related).toBe(true);
    },
  );

  it("C6: a follow-up sharing the conversation's subject is related", () => {
    expect(decide("Can the jacket be delivered to my office instead?").related).toBe(true);
  });

  it("C6: a question on another subject, or one announced as such, is unrelated", () => {
    expect(decide("Do you have a loyalty programme for students?")).toMatchObject({ related: false });
    expect(decide("Another question: what are your opening hours")).toMatchObject({ related: false });
    expect(decide("Autre question : quels sont vos horaires ?").related).toBe(false);
  });

  it("C6: without anything to compare with, it answers related (doubt means related)", () => {
    expect(
      detector.decide({ text: "Do you have a loyalty programme for students?", previous: [] }),
    ).toMatchObject({
      related: true,
    });
  });

  it("C6: a failing, slow or nonsensical detector is taken to say related", async () => {
    const failing: RelatednessDetector = {
      version: "x@1",
      decide: () => {
        throw new Error("model down");
      },
    };
    const slow: RelatednessDetector = { version: "x@1", decide: () => new Promise(() => undefined) };
    const nonsense = {
      version: "x@1",
      decide: () => ({ related: "maybe", score: 7 }),
    } as unknown as RelatednessDetector;
    for (const wrapped of [failing, slow, nonsense].map((inner) => withRelatedOnDoubt(inner, 5))) {
      expect(await wrapped.decide({ text: "Totally new question?", previous })).toEqual({
        related: true,
        score: 0.5,
      });
    }
  });
});

describe("resolution phrases (C4)", () => {
  const resolution = createDefaultResolutionDetector();
  it.each([
    "Thanks, that solved it!",
    "Problem solved :)",
    "Merci, c'est résolu",
    "ça marche maintenant, merci",
    "Perfecto, problema resuelto",
    "Danke, Problem gelöst",
    "it’s resolved now, thank you",
  ])("C4: %s resolves", (text) => {
    expect(resolution.isResolution(text)).toBe(true);
  });

  it.each([
    "It's not resolved",
    "I don't think that solved it",
    "ce n'est pas résolu",
    "Where is my order?",
    "thanks",
  ])("C4: %s does not resolve", (text) => {
    expect(resolution.isResolution(text)).toBe(false);
  });
});
