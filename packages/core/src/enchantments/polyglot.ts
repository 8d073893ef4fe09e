import { defineEnchantment, type Enchantment } from "../assistant/enchantment.js";
import { isSupportedLanguage, type LanguageCode, type LanguageDetector } from "../assistant/language.js";
import { chooseConversationLanguage } from "../language/conversation-language.js";

export interface PolyglotOptions {
  /** `await createLanguageDetector()` by default (eld on the 12 languages, scripts first). */
  detector: LanguageDetector;
}

interface PolyglotState {
  language?: LanguageCode;
}

/**
 * Polyglot: reads each customer message's language and keeps the conversation's language unless the
 * detector is sure of another one ("ok" or "#12345" never flip it); the responder then answers in it,
 * and every product message (handoff, follow-up, tone openers, errors) is translated into it.
 * Without Polyglot the assistant answers in the tenant's default language.
 */
export function polyglot(options: PolyglotOptions): Enchantment {
  return defineEnchantment({
    name: "polyglot",
    version: "1.0.0",
    order: 100,
    async run(context, next) {
      const guess = options.detector.detect(context.text);
      context.languageGuess = guess;
      const state = context.stateOf("polyglot") as PolyglotState;
      const current = isSupportedLanguage(state.language) ? state.language : null;
      context.language = chooseConversationLanguage(current, guess, context.tenant.defaultLanguage);
      state.language = context.language;
      await next();
    },
  });
}
