import type { LanguageCode } from "../../assistant/language.js";

/**
 * Folds a text to the form both the exact matchers (Quick Replies, flow triggers) and the search index
 * compare: lower case, accents removed ("Réponses" → "reponses"), punctuation and symbols turned into
 * spaces, spaces collapsed. Customers type "OÙ est ma commande ?!" and "ou est ma commande": same thing.
 */
export function normalizeText(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/**
 * Deliberately short lists: only words that carry no topic in a support question. A long list would
 * drop words such as "when" or "how" that tell "when will it arrive" from "how do I return it".
 */
// biome-ignore format: a word list reads better filled than one word a line
const STOP_WORDS: Partial<Record<LanguageCode, readonly string[]>> = {
  en: [
    "a", "an", "the", "i", "me", "my", "you", "your", "we", "our", "it", "is", "are", "am", "be", "do",
    "does", "can", "could", "would", "please", "to", "of", "in", "on", "for", "and", "or", "s", "this",
    "that", "there", "any", "some", "what", "hi", "hello", "thanks", "d", "ll", "m", "re", "ve", "t",
  ],
  fr: [
    "le", "la", "les", "l", "un", "une", "des", "de", "du", "d", "je", "j", "me", "m", "mon", "ma", "mes",
    "vous", "votre", "vos", "nous", "notre", "il", "elle", "est", "sont", "et", "ou", "a", "au", "aux",
    "en", "pour", "que", "qu", "quel", "quelle", "quels", "quelles", "ce", "c", "se", "s", "y", "svp",
    "bonjour", "merci", "puis", "peux", "pouvez", "t",
  ],
  es: [
    "el", "la", "los", "las", "un", "una", "de", "del", "y", "o", "en", "mi", "mis", "su", "sus", "es",
    "son", "que", "por", "para", "me", "se", "lo", "al", "hola", "gracias", "favor", "puedo", "pueden",
  ],
  de: [
    "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "und", "oder", "ich", "mein",
    "meine", "meinen", "sie", "ihr", "ihre", "ist", "sind", "zu", "von", "mit", "fur", "bitte", "hallo",
    "danke", "kann", "konnen", "es", "wir", "mir", "mich",
  ],
};

const EMPTY: ReadonlySet<string> = new Set();
const STOP_WORD_SETS = new Map<LanguageCode, ReadonlySet<string>>(
  Object.entries(STOP_WORDS).map(([language, words]) => [language as LanguageCode, new Set(words)]),
);

export function stopWordsOf(language: LanguageCode): ReadonlySet<string> {
  return STOP_WORD_SETS.get(language) ?? EMPTY;
}

/** The words of a text that can carry its topic in this language, normalized. */
export function contentTerms(text: string, language: LanguageCode): string[] {
  return contentTermsOfNormalized(normalizeText(text), language);
}

/** `contentTerms` of a text already passed through `normalizeText` (the responder normalizes once per message). */
export function contentTermsOfNormalized(normalized: string, language: LanguageCode): string[] {
  if (normalized === "") return [];
  const stopWords = stopWordsOf(language);
  return normalized.split(" ").filter((term) => !stopWords.has(term));
}

/** Whether `phrase` (normalized) occurs in `text` (normalized) as whole words. */
export function containsPhrase(text: string, phrase: string): boolean {
  return phrase !== "" && ` ${text} `.includes(` ${phrase} `);
}
