import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { LanguageDetector } from "../assistant/language.js";
import { createDefaultRelatednessDetector } from "../counting/relatedness.js";
import { createDefaultResolutionDetector } from "../counting/resolution.js";
import { createRulesEmotionDetector } from "../emotion/emotion-detector.js";
import { createHybridEmotionDetector } from "../emotion/hybrid-emotion-detector.js";
import { asksForHuman } from "../escalation/human-request.js";
import { MAX_TEXT_LENGTH } from "../events/inbound-event.js";
import { createLanguageDetector } from "../language/index.js";
import {
  demoKnowledgeBase,
  demoOrderLookup,
  dontKnow,
  request,
} from "../responders/knowledge-base/demo-shop.test-support.js";
import { createKnowledgeBaseResponder } from "../responders/knowledge-base/knowledge-base-responder.js";
import { fuzzRuns } from "../testing/fuzz-runs.js";
import { analyzedText, MAX_ANALYZED_TEXT_LENGTH } from "./analyzed-text.js";

/*
 * Every per-message analysis reads the analysed part of a message and nothing else: whatever a message
 * holds beyond it changes no reading. That is what bounds their work by MAX_ANALYZED_TEXT_LENGTH instead of
 * by the message's length (up to MAX_TEXT_LENGTH), asserted on the results, not on timings. The messages
 * put what each analysis looks for (a request for a person, anger, a resolution phrase, another
 * language, a question of the knowledge base) in the middle, where only a reader of the whole would see it.
 */

const FILLER = fc.constantFrom(
  "lorem ",
  "ipsum ",
  "dolor ",
  "!!! ",
  "😡 ",
  "12345 ",
  "zzzzzzzzzzzzzzzzzzzz",
  "\u0301",
  " ",
);
const DECISIVE = fc.constantFrom(
  "I want to talk to a human. ",
  "This is ridiculous, I am furious!!! ",
  "thanks, that solved it. ",
  "Bonjour, où est ma commande ? Je suis très en colère. ",
  "How do I reset my password? ",
  "Another question: do you ship to Canada? ",
);

/** A message longer than the analysed part, with something decisive anywhere in it, middle included. */
const longMessage = fc
  .tuple(
    fc.array(FILLER, { minLength: 300, maxLength: 3_000 }),
    fc.array(DECISIVE, { minLength: 1, maxLength: 4 }),
    fc.nat(),
  )
  .map(([filler, decisive, where]) => {
    const at = where % (filler.length + 1);
    return [...filler.slice(0, at), ...decisive, ...filler.slice(at)].join("").slice(0, MAX_TEXT_LENGTH);
  })
  .filter((text) => text.length > MAX_ANALYZED_TEXT_LENGTH);

let language: LanguageDetector;
beforeAll(async () => {
  language = await createLanguageDetector();
});

describe("per-message analyses read the analysed part only (analyzed-text.ts)", () => {
  it("the analysed part of the analysed part is itself: reading it again reads the same", () => {
    fc.assert(
      fc.property(longMessage, (text) => {
        const part = analyzedText(text);
        expect(part.length).toBeLessThanOrEqual(MAX_ANALYZED_TEXT_LENGTH);
        expect(analyzedText(part)).toBe(part);
      }),
      { numRuns: fuzzRuns(50) },
    );
  });

  it("language, emotion (rules and hybrid), a request for a person, C4 resolution, C6 relatedness", () => {
    const rules = createRulesEmotionDetector();
    const hybrid = createHybridEmotionDetector();
    const resolution = createDefaultResolutionDetector();
    const relatedness = createDefaultRelatednessDetector();
    const previous = ["Where is my order?", "It ships today."];
    fc.assert(
      fc.property(longMessage, (text) => {
        const part = analyzedText(text);
        expect(language.detect(text)).toEqual(language.detect(part));
        expect(rules.read(text, "en")).toEqual(rules.read(part, "en"));
        expect(hybrid.read(text, "en")).toEqual(hybrid.read(part, "en"));
        expect(asksForHuman(text)).toBe(asksForHuman(part));
        expect(resolution.isResolution(text)).toBe(resolution.isResolution(part));
        expect(relatedness.decide({ text, previous })).toEqual(relatedness.decide({ text: part, previous }));
        expect(relatedness.decide({ text: "ok", previous: [text] })).toEqual(
          relatedness.decide({ text: "ok", previous: [part] }),
        );
      }),
      { numRuns: fuzzRuns(40) },
    );
  });

  it("the knowledge base: Quick Replies, flows and their slots, the search", async () => {
    const responder = createKnowledgeBaseResponder({
      knowledgeBase: demoKnowledgeBase(),
      lookups: { orderStatus: demoOrderLookup() },
      dontKnow,
    });
    await fc.assert(
      fc.asyncProperty(longMessage, fc.constantFrom("en", "fr") as fc.Arbitrary<"en">, async (text, code) => {
        const whole = await responder.respond(request(text, code));
        const part = await responder.respond(request(analyzedText(text), code));
        expect(whole).toEqual(part);
      }),
      { numRuns: fuzzRuns(40) },
    );
  });

  it("a person asked for in the middle of a long message is not seen; at its end it is", () => {
    const filler = "lorem ipsum ".repeat(500);
    expect(asksForHuman(`${filler}I want to talk to a human. ${filler}`)).toBe(false);
    expect(asksForHuman(`${filler}${filler}so can I talk to a human?`)).toBe(true);
    expect(asksForHuman(`Can I talk to a human? ${filler}${filler}`)).toBe(true);
  });
});
