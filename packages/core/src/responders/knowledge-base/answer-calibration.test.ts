import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { LanguageCode } from "../../assistant/language.js";
import { LOW_CONFIDENCE } from "../../assistant/responder.js";
import { demoKnowledgeBase, demoOrderLookup, dontKnow, request } from "./demo-shop.test-support.js";
import { createKnowledgeBaseResponder, KNOWLEDGE_BASE_CONFIDENCE } from "./knowledge-base-responder.js";

/**
 * Issue 17, finding 3: "Ça fait trois fois que je demande, j'en ai marre !!!" got the demo shop's
 * payment-methods answer at confidence 0.39. A search hit is now given only from a calibrated confidence
 * (KNOWLEDGE_BASE_CONFIDENCE.answer), chosen on data/answer-calibration.jsonl: messages to the demo shop
 * in en/fr/es/de, each labelled with the entry (or flow) that answers it, or null when the base has no
 * answer (complaints without a question, products and services the shop does not describe).
 */
interface Labelled {
  text: string;
  language: LanguageCode;
  expected: string | null;
}

const calibration: Labelled[] = readFileSync(
  new URL("./data/answer-calibration.jsonl", import.meta.url),
  "utf8",
)
  .split("\n")
  .filter((line) => line.trim() !== "")
  .map((line) => JSON.parse(line) as Labelled);

const knowledgeBase = demoKnowledgeBase();
const lookups = { orderStatus: demoOrderLookup() };

interface Reading {
  message: Labelled;
  /** The entry, quick reply or flow the responder would answer with at any confidence; null for none. */
  answer: string | null;
  confidence: number;
}

/** Every message's best answer and its confidence, with the threshold at 0 (nothing withheld). */
async function readAll(): Promise<Reading[]> {
  const unfiltered = createKnowledgeBaseResponder({ knowledgeBase, lookups, dontKnow, answerConfidence: 0 });
  const readings: Reading[] = [];
  for (const message of calibration) {
    const reply = await unfiltered.respond(request(message.text, message.language));
    const answer = /^knowledge-base:(?:entry|quick-reply|flow):([^:]+)/.exec(reply.source)?.[1] ?? null;
    readings.push({ message, answer, confidence: reply.confidence });
  }
  return readings;
}

function figuresAt(readings: readonly Reading[], threshold: number) {
  let right = 0;
  let wrong = 0;
  for (const { message, answer, confidence } of readings) {
    if (answer === null || confidence < threshold) continue;
    if (answer === message.expected) right++;
    else wrong++;
  }
  const answerable = readings.filter((reading) => reading.message.expected !== null).length;
  return {
    right,
    wrong,
    precision: right + wrong === 0 ? 1 : right / (right + wrong),
    coverage: right / answerable,
    // A withheld right answer still gets "I don't know" and the offer of a person; a wrong one misleads.
    utility: right - 2 * wrong,
  };
}

describe("the knowledge base's answer threshold, calibrated on the demo shop", () => {
  it("the calibration set covers en, fr, es and de, with answerable and unanswerable messages", () => {
    for (const language of ["en", "fr", "es", "de"]) {
      const own = calibration.filter((message) => message.language === language);
      expect(own.length, language).toBeGreaterThanOrEqual(20);
      expect(
        own.some((message) => message.expected === null),
        language,
      ).toBe(true);
      expect(new Set(own.map((message) => message.expected)).size, language).toBeGreaterThanOrEqual(8);
    }
  });

  it("at the chosen threshold no wrong topic is answered and most right answers are kept", async () => {
    const readings = await readAll();
    const chosen = figuresAt(readings, KNOWLEDGE_BASE_CONFIDENCE.answer);
    const before = figuresAt(readings, LOW_CONFIDENCE);
    // Measured: at 0.58, 45 right and 0 wrong of 61 answerable (precision 100 %, coverage 73.8 %); at the
    // former 0.35, 52 right and 14 wrong (78.8 %, 85.2 %).
    expect(chosen.precision).toBeGreaterThanOrEqual(0.95);
    expect(chosen.coverage).toBeGreaterThanOrEqual(0.7);
    expect(before.wrong).toBeGreaterThan(chosen.wrong + 10);
  });

  it("is still the best threshold for the set: recalibrate when the search changes", async () => {
    const readings = await readAll();
    const candidates = [...new Set(readings.map((reading) => reading.confidence)), 0, 1];
    const best = Math.max(...candidates.map((threshold) => figuresAt(readings, threshold).utility));
    expect(figuresAt(readings, KNOWLEDGE_BASE_CONFIDENCE.answer).utility).toBe(best);
  });

  it("withholds the payment-methods answer the frustrated customer got at 0.39", async () => {
    const text = "Ça fait trois fois que je demande, j'en ai marre !!!";
    const unfiltered = createKnowledgeBaseResponder({
      knowledgeBase,
      lookups,
      dontKnow,
      answerConfidence: 0,
    });
    const guessed = await unfiltered.respond(request(text, "fr"));
    expect(guessed.source).toBe("knowledge-base:entry:payment-methods");
    expect(guessed.confidence).toBeGreaterThanOrEqual(LOW_CONFIDENCE);
    const responder = createKnowledgeBaseResponder({ knowledgeBase, lookups, dontKnow });
    const reply = await responder.respond(request(text, "fr"));
    expect(reply).toMatchObject({ source: "knowledge-base:none", text: dontKnow("fr"), unanswered: true });
    expect(reply.confidence).toBeLessThan(LOW_CONFIDENCE);
  });

  it("still answers close paraphrases in every language", async () => {
    const responder = createKnowledgeBaseResponder({ knowledgeBase, lookups, dontKnow });
    for (const [language, text, entry] of [
      ["en", "I can't remember my password", "password-reset"],
      ["fr", "les frais de port sont de combien ?", "delivery-times"],
      ["es", "¿aceptan Bizum o PayPal?", "payment-methods"],
      ["de", "wo kann ich meine Rechnung herunterladen?", "invoices"],
    ] as const) {
      expect((await responder.respond(request(text, language))).source).toBe(`knowledge-base:entry:${entry}`);
    }
  });

  it("refuses an answer threshold outside 0..1, naming the option", () => {
    expect(() =>
      createKnowledgeBaseResponder({ knowledgeBase, dontKnow, lookups, answerConfidence: 2 }),
    ).toThrow(/answerConfidence/);
    expect(() =>
      createKnowledgeBaseResponder({ knowledgeBase, dontKnow, lookups, answerConfidence: Number.NaN }),
    ).toThrow(/answerConfidence/);
  });
});
