import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { asksForHuman, foldForMatching } from "./human-request.js";

describe("asking for a human, in the 12 languages", () => {
  const asks: Record<string, string[]> = {
    en: ["Can I talk to a human please?", "I want a real person", "LIVE AGENT"],
    fr: ["Je veux parler à un humain", "je voudrais parler a un conseiller svp"],
    es: ["Quiero hablar con una persona", "¿Puedo hablar con un agente?"],
    de: ["Ich möchte mit einem Menschen sprechen", "Bitte mit einem Mitarbeiter verbinden"],
    it: ["Vorrei parlare con un operatore"],
    pt: ["Quero falar com um atendente"],
    nl: ["Kan ik met een medewerker praten?"],
    pl: ["Chcę porozmawiać z konsultantem"],
    tr: ["Müşteri temsilcisi ile görüşmek istiyorum"],
    ar: ["أريد التحدث مع موظف"],
    zh: ["转人工", "我要人工客服"],
    ja: ["オペレーターと話したいです"],
  };
  for (const [language, texts] of Object.entries(asks))
    it(`recognises a request for a person in ${language}`, () => {
      for (const text of texts) expect(asksForHuman(text), text).toBe(true);
    });

  it("ignores a negated request and ordinary questions", () => {
    for (const text of [
      "I don't need to talk to a human",
      "pas besoin de parler à un humain",
      "Where is my order?",
      "Quel est votre numéro de téléphone ?",
      "我的订单在哪里",
    ])
      expect(asksForHuman(text), text).toBe(false);
  });
});

describe("foldForMatching", () => {
  /** The plain definition: what the fast paths (ASCII, same text as last time) must agree with. */
  const reference = (text: string) =>
    text
      .normalize("NFD")
      .replace(/([a-zA-Z])[\u0300-\u036f]+/g, "$1")
      .normalize("NFC")
      .toLowerCase()
      .replace(/[’`]/g, "'")
      .replace(/\s+/g, " ");

  it("agrees with the plain definition on ASCII, accented and any Unicode text, repeated or not", () => {
    const text = fc.oneof(
      fc.string({ unit: "binary-ascii" }),
      fc.string({
        unit: fc.constantFrom("A", "e", "É", "ü", "ß", " ", "\t", "`", "’", "ǅ", "İ", "e\u0301", "人"),
      }),
      fc.string({ unit: "grapheme" }),
    );
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 4 }), (texts) => {
        for (const value of [...texts, ...texts]) expect(foldForMatching(value)).toBe(reference(value));
      }),
    );
  });
});

describe("asksForHuman with punctuation in the phrases", () => {
  it("finds phrases holding an apostrophe or a dash, whatever the text around them", () => {
    expect(asksForHuman("Je voudrais parler à quelqu’un svp")).toBe(true);
    expect(asksForHuman("Mettez-moi en relation avec le service")).toBe(true);
    expect(asksForHuman("mettez moi en relation")).toBe(false);
    expect(asksForHuman("je ne veux pas parler a quelqu'un")).toBe(false);
  });
});
