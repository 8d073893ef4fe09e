import { describe, expect, it } from "vitest";
import { createDefaultRelatednessDetector, isShortReply } from "./relatedness.js";
import { createDefaultResolutionDetector } from "./resolution.js";

const detector = createDefaultResolutionDetector();

describe("C4: resolution phrases in the 12 languages", () => {
  const resolved: Record<string, string[]> = {
    en: ["Thanks, that solved it!", "ok it works now"],
    fr: ["Merci, c'est résolu", "ça marche maintenant, merci"],
    es: ["Gracias, problema resuelto", "ya funciona"],
    de: ["Danke, Problem gelöst", "es funktioniert jetzt"],
    it: ["Grazie, problema risolto"],
    pt: ["Obrigado, problema resolvido"],
    nl: ["Bedankt, probleem opgelost"],
    pl: ["Dziękuję, problem rozwiązany", "już działa, dzięki"],
    tr: ["Teşekkürler, sorun çözüldü"],
    ar: ["شكرا، تم حل المشكلة"],
    zh: ["谢谢，问题解决了"],
    ja: ["ありがとうございます、解決しました"],
  };
  for (const [language, texts] of Object.entries(resolved))
    it(`C4: recognises a resolution in ${language}`, () => {
      for (const text of texts) expect(detector.isResolution(text), text).toBe(true);
    });

  it("C4: a negated phrase is not a resolution", () => {
    for (const text of [
      "it's not resolved",
      "ce n'est pas résolu",
      "nie, problem nie został rozwiązany",
      "لم يتم حل المشكلة",
      "问题还没解决了",
      "sorun çözülmedi",
      "まだ解決していません",
    ])
      expect(detector.isResolution(text), text).toBe(false);
  });

  it("C4: everyday messages are not resolutions", () => {
    for (const text of [
      "where is my order?",
      "我的订单在哪里？",
      "注文はどこですか",
      "أين طلبي؟",
      "Gdzie jest moje zamówienie?",
    ])
      expect(detector.isResolution(text), text).toBe(false);
  });
});

describe("C6: relatedness across scripts", () => {
  const relatedness = createDefaultRelatednessDetector();

  it("C6: counts Chinese and Japanese words by characters, so a long sentence is not a short reply", () => {
    expect(isShortReply("谢谢")).toBe(true);
    expect(isShortReply("好的")).toBe(true);
    expect(isShortReply("我想知道你们的退货政策是什么")).toBe(false);
  });

  it("C6: a Chinese follow-up sharing words with the resolved question is related; a new subject is not", async () => {
    const previous = ["我想退货，怎么办？"];
    expect((await relatedness.decide({ text: "退货需要多长时间？", previous })).related).toBe(true);
    expect((await relatedness.decide({ text: "另一个问题：你们周末营业吗？", previous })).related).toBe(
      false,
    );
  });

  it("C6: an Arabic question on another subject is unrelated, an order number is related", async () => {
    const previous = ["أين طلبي رقم 12345؟"];
    expect((await relatedness.decide({ text: "#12345", previous })).related).toBe(true);
    expect(
      (await relatedness.decide({ text: "سؤال آخر: هل تبيعون بطاقات الهدايا؟", previous })).related,
    ).toBe(false);
  });
});
