import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { type LanguageDetector, type LanguageGuess, SUPPORTED_LANGUAGES } from "../assistant/language.js";
import { chooseConversationLanguage } from "./conversation-language.js";
import { createLanguageDetector } from "./language-detector.js";

const guess = (language: LanguageGuess["language"], reliable: boolean): LanguageGuess => ({
  language,
  confidence: reliable ? 0.9 : 0.4,
  reliable,
});

describe("chooseConversationLanguage", () => {
  it("first message: takes any non-null guess, even unreliable, else the fallback", () => {
    expect(chooseConversationLanguage(null, guess("es", false), "en")).toBe("es");
    expect(chooseConversationLanguage(null, guess("de", true), "en")).toBe("de");
    expect(chooseConversationLanguage(null, guess(null, false), "fr")).toBe("fr");
  });

  it("switches only on a reliable guess of another language", () => {
    expect(chooseConversationLanguage("fr", guess("en", true), "en")).toBe("en");
    expect(chooseConversationLanguage("fr", guess("en", false), "en")).toBe("fr");
    expect(chooseConversationLanguage("fr", guess(null, false), "en")).toBe("fr");
  });

  it("never leaves the current language on an unreliable or empty guess (property)", () => {
    const language = fc.constantFrom(...SUPPORTED_LANGUAGES);
    fc.assert(
      fc.property(language, fc.option(language, { nil: null }), language, (current, guessed, fallback) => {
        expect(chooseConversationLanguage(current, guess(guessed, false), fallback)).toBe(current);
      }),
    );
  });
});

describe("a French conversation with the default detector", () => {
  let detector: LanguageDetector;
  beforeAll(async () => {
    detector = await createLanguageDetector();
  });

  it("is not flipped by short replies, order numbers, links or emoji", () => {
    let language = chooseConversationLanguage(
      null,
      detector.detect("Bonjour, ma commande n'est pas arrivée"),
      "en",
    );
    expect(language).toBe("fr");
    for (const reply of [
      "ok",
      "OK",
      "#12345",
      "thanks",
      "hi",
      "merci",
      "👍",
      "https://example.com/x",
      "yes please",
    ]) {
      language = chooseConversationLanguage(language, detector.detect(reply), "en");
      expect(language, reply).toBe("fr");
    }
  });

  it("switches when the customer clearly writes in another language", () => {
    const next = chooseConversationLanguage(
      "fr",
      detector.detect("Sorry, could you answer me in English please?"),
      "fr",
    );
    expect(next).toBe("en");
  });
});
