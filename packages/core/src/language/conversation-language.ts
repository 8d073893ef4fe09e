import type { LanguageCode, LanguageGuess } from "../assistant/language.js";

/**
 * The language a conversation continues in after one more customer message.
 *
 * - Once a conversation has a language, only a reliable guess of another language switches it:
 *   "ok", "#12345", "merci" or an emoji never flip a French conversation.
 * - The first message sets the language whenever it has one, reliable or not: an unreliable reading of
 *   "hola" is still a better first answer than the tenant's default, and the next reliable message
 *   corrects it if it was wrong. A first message with no language ("#12345") gives the fallback.
 */
export function chooseConversationLanguage(
  current: LanguageCode | null,
  guess: LanguageGuess,
  fallback: LanguageCode,
): LanguageCode {
  if (current === null) return guess.language ?? fallback;
  if (guess.reliable && guess.language !== null && guess.language !== current) return guess.language;
  return current;
}
