import { readFileSync } from "node:fs";
import type { LanguageCode } from "../../assistant/language.js";
import type { ResponderRequest } from "../../assistant/responder.js";
import { createInMemoryLookup } from "./in-memory-lookup.js";
import { type KnowledgeBase, type PerLanguage, parseKnowledgeBase } from "./knowledge-base-file.js";

const demo = new URL("../../../demo/", import.meta.url);

/** The demo shop's knowledge base (packages/core/demo/demo-shop.knowledge-base.json), as shipped. */
export function demoKnowledgeBase(): KnowledgeBase {
  const file = new URL("demo-shop.knowledge-base.json", demo);
  return parseKnowledgeBase(JSON.parse(readFileSync(file, "utf8")), "demo-shop.knowledge-base.json");
}

/** The demo shop's orders lookup, over packages/core/demo/demo-shop.orders.json. */
export function demoOrderLookup() {
  const records = JSON.parse(readFileSync(new URL("demo-shop.orders.json", demo), "utf8")) as Record<
    string,
    PerLanguage<Record<string, string>>
  >;
  return createInMemoryLookup({ slot: "orderNumber", records });
}

export const DONT_KNOW: Record<string, string> = {
  en: "Sorry, I don't know.",
  fr: "Désolé, je ne sais pas.",
};
export const dontKnow = (language: LanguageCode) => DONT_KNOW[language] ?? "?";

export function request(
  text: string,
  language: LanguageCode = "en",
  state?: Record<string, unknown>,
  signal: AbortSignal = new AbortController().signal,
): ResponderRequest {
  return {
    tenant: "lutin-and-co",
    text,
    window: [{ from: "customer", text, at: 0 }],
    language,
    emotion: "neutral",
    state,
    signal,
  };
}
