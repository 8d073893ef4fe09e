import type { LanguageCode } from "../assistant/language.js";

/**
 * Greetings, thanks and "please" that belong to one language only. One- to three-word messages are
 * mostly these ("merci", "danke", "bonsoir"), and they are exactly where n-grams fail: eld reads
 * "merci" as Italian and "danke" as Dutch, and finds nothing at all in "bonsoir". Words shared by two
 * languages ("hallo", "por favor", "ok") are deliberately absent: they must not decide anything.
 */
const COURTESY_WORDS: Readonly<Partial<Record<LanguageCode, readonly string[]>>> = {
  en: ["thanks", "thank", "thx", "please", "cheers", "goodbye", "hello"],
  fr: ["merci", "bonjour", "bonsoir", "salut", "svp", "stp", "oui", "revoir", "bonne", "journée", "soirée"],
  es: ["gracias", "hola", "adiós", "buenas", "buenos", "días", "tardes", "noches"],
  de: ["danke", "bitte", "tschüss", "moin", "servus", "guten", "abend", "schön", "vielen"],
  it: ["grazie", "ciao", "buongiorno", "buonasera", "salve", "prego", "arrivederci", "mille"],
  pt: ["obrigado", "obrigada", "olá", "oi", "tchau", "valeu", "bom", "boa", "tarde", "noite", "dia"],
  nl: [
    "bedankt",
    "dank",
    "dankjewel",
    "hoi",
    "goedemorgen",
    "goedemiddag",
    "goedenavond",
    "alstublieft",
    "doei",
  ],
  pl: ["dziękuję", "dzięki", "cześć", "dzień", "dobry", "proszę", "dobranoc"],
  tr: ["teşekkürler", "teşekkür", "sağol", "sağolun", "merhaba", "lütfen", "günaydın", "akşamlar", "günler"],
};

const LANGUAGES_BY_WORD: ReadonlyMap<string, LanguageCode> = (() => {
  const byWord = new Map<string, LanguageCode>();
  for (const [language, words] of Object.entries(COURTESY_WORDS) as [LanguageCode, readonly string[]][]) {
    for (const word of words) {
      if (byWord.has(word)) throw new Error(`courtesy word "${word}" is listed for two languages`);
      byWord.set(word, language);
    }
  }
  return byWord;
})();

/**
 * The one language whose courtesy words appear in `words` (already lower-cased, punctuation removed),
 * or null when none or several languages appear.
 */
export function courtesyLanguage(words: readonly string[]): LanguageCode | null {
  let found: LanguageCode | null = null;
  for (const word of words) {
    const language = LANGUAGES_BY_WORD.get(word);
    if (language === undefined) continue;
    if (found !== null && found !== language) return null;
    found = language;
  }
  return found;
}
