import { describe, expect, it } from "vitest";
import type { LanguageCode } from "../../assistant/language.js";
import { LOW_CONFIDENCE } from "../../assistant/responder.js";
import { demoKnowledgeBase } from "./demo-shop.test-support.js";
import { KnowledgeBaseIndex } from "./search-index.js";

const index = new KnowledgeBaseIndex(demoKnowledgeBase());

// Paraphrases: none of these is a question of the file word for word.
const PARAPHRASES: [LanguageCode, string, string][] = [
  ["en", "What time do you open on Saturdays?", "opening-hours"],
  ["en", "When do you close today?", "opening-hours"],
  ["en", "How long will my parcel take to arrive?", "delivery-times"],
  ["en", "Where do I download my invoices?", "invoices"],
  ["en", "My card got declined", "payment-methods"],
  ["en", "I can't sign in", "password-reset"],
  ["en", "I lost my password", "password-reset"],
  ["en", "How many days for shipping to Germany?", "delivery-times"],
  ["fr", "À quelle heure ouvrez-vous le samedi ?", "opening-hours"],
  ["fr", "Combien de jours pour la livraison ?", "delivery-times"],
  ["fr", "Toujours pas reçu mon remboursement", "refunds"],
  ["fr", "Vous acceptez Paypal ?", "payment-methods"],
  ["fr", "mot de passe oublie", "password-reset"],
  ["fr", "Je voudrais parler à un conseiller", "contact"],
  ["fr", "Est-ce que je peux payer en trois fois ?", "payment-methods"],
  ["fr", "OU TELECHARGER MES FACTURES", "invoices"],
];

const UNRELATED: [LanguageCode, string][] = [
  ["en", "do you sell bicycles?"],
  ["en", "What is the weather tomorrow?"],
  ["en", "Tell me a joke"],
  ["en", "Who won the football match?"],
  ["fr", "Vendez-vous des vélos ?"],
  ["fr", "Quel temps fera-t-il demain ?"],
  ["fr", "Racontez-moi une blague"],
];

describe("KnowledgeBaseIndex on the demo shop", () => {
  it.each(PARAPHRASES)("[%s] %s → %s with confidence above 0.6", (language, text, expected) => {
    const hit = index.search(text, language);
    expect(hit?.id).toBe(expected);
    expect(hit?.confidence).toBeGreaterThan(0.6);
  });

  it.each(UNRELATED)("[%s] %s → below LOW_CONFIDENCE", (language, text) => {
    expect(index.search(text, language)?.confidence ?? 0).toBeLessThan(LOW_CONFIDENCE);
  });

  it("ranks the right entry even for loose paraphrases, with a middling confidence", () => {
    const hit = index.search("I'm still waiting for my refund", "en");
    expect(hit?.id).toBe("refunds");
    expect(hit?.confidence).toBeGreaterThanOrEqual(LOW_CONFIDENCE);
  });

  it("folds accents and tolerates one typo", () => {
    expect(index.search("reinitialiser mon mot de pase", "fr")?.id).toBe("password-reset");
    expect(index.search("refunded?", "en")?.id).toBe("refunds");
  });

  it("finds flows through their triggers", () => {
    expect(index.search("has my parcel been shipped, my order", "en")).toMatchObject({
      kind: "flow",
      id: "order-status",
    });
  });

  it("has nothing to say about a message made only of stop words", () => {
    expect(index.search("can you do it please", "en")).toBeNull();
  });
});
