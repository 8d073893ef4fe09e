import type { LanguageCode } from "../../assistant/language.js";
import type { KnowledgeBase, QuickReply } from "./knowledge-base-file.js";
import { normalizeText } from "./text.js";

/** A Quick Reply as an adapter shows it: a button whose label, sent back as a message, matches exactly. */
export interface QuickReplyButton {
  id: string;
  label: string;
  topic: string;
  /** The language of the label (the knowledge base's default language when the asked one is missing). */
  language: LanguageCode;
}

/** The Quick Replies to show as buttons in `language`, in file order. */
export function listQuickReplies(knowledgeBase: KnowledgeBase, language: LanguageCode): QuickReplyButton[] {
  return knowledgeBase.quickReplies.flatMap((reply) => {
    if (!reply.button) return [];
    const chosen = reply.variants[language] ? language : knowledgeBase.defaultLanguage;
    const variant = reply.variants[chosen];
    return variant ? [{ id: reply.id, label: variant.label, topic: reply.topic, language: chosen }] : [];
  });
}

/**
 * Exact matching of a whole message against Quick Reply labels and triggers, after folding case, accents and
 * punctuation: "Horaires ?" matches the label "Horaires". No partial matches: that is the search's job.
 */
export class QuickReplyMatcher {
  readonly #byLanguage = new Map<LanguageCode, Map<string, QuickReply>>();

  constructor(knowledgeBase: KnowledgeBase) {
    for (const reply of knowledgeBase.quickReplies) {
      for (const [language, variant] of Object.entries(reply.variants)) {
        if (variant === undefined) continue;
        const code = language as LanguageCode;
        const phrases = this.#byLanguage.get(code) ?? new Map<string, QuickReply>();
        this.#byLanguage.set(code, phrases);
        for (const phrase of [variant.label, ...variant.triggers]) phrases.set(normalizeText(phrase), reply);
      }
    }
  }

  /** The Quick Reply whose label or trigger is the message, looking in `language` first, then in any language. */
  match(text: string, language: LanguageCode): QuickReply | null {
    const normalized = normalizeText(text);
    if (normalized === "") return null;
    const own = this.#byLanguage.get(language)?.get(normalized);
    if (own !== undefined) return own;
    for (const phrases of this.#byLanguage.values()) {
      const found = phrases.get(normalized);
      if (found !== undefined) return found;
    }
    return null;
  }
}
