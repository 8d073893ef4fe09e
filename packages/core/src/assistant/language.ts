/** The 12 languages Polyglot speaks (COUNTING.md catalog: "12 languages"). */
export const SUPPORTED_LANGUAGES = [
  "en",
  "fr",
  "es",
  "de",
  "it",
  "pt",
  "nl",
  "pl",
  "tr",
  "ar",
  "zh",
  "ja",
] as const;
export type LanguageCode = (typeof SUPPORTED_LANGUAGES)[number];

export function isSupportedLanguage(value: unknown): value is LanguageCode {
  return typeof value === "string" && (SUPPORTED_LANGUAGES as readonly string[]).includes(value);
}

/** Languages written right to left: the product's messages carry `dir="rtl"` for them. */
export const RIGHT_TO_LEFT_LANGUAGES: ReadonlySet<LanguageCode> = new Set(["ar"]);

/**
 * How the detector reads one message on its own. `language` is null when the text has no language
 * (numbers, emoji, links, order references). `reliable` says whether the reading is strong enough to
 * switch a conversation's language: short messages ("ok", "#12345") are never reliable.
 */
export interface LanguageGuess {
  language: LanguageCode | null;
  /** 0..1 */
  confidence: number;
  reliable: boolean;
}

export interface LanguageDetector {
  readonly name: string;
  readonly version: string;
  detect(text: string): LanguageGuess;
}
