import {
  isSupportedLanguage,
  type LanguageCode,
  type LanguageDetector,
  type LanguageGuess,
  SUPPORTED_LANGUAGES,
} from "../assistant/language.js";
import { analyzedText } from "../util/analyzed-text.js";
import { courtesyLanguage } from "./courtesy-words.js";
import { ELD_VERSION, type EldDatabaseSize, type EldInstance, loadEld } from "./eld-database.js";
import {
  DEFAULT_LATIN_RELIABILITY,
  isReliableLatinReading,
  type LatinReliabilityRule,
} from "./latin-reliability.js";
import { decideByScript, profileScripts } from "./script-profile.js";
import { stripNonLanguage } from "./strip-non-language.js";

export interface LanguageDetectorOptions {
  /** eld database; `extrasmall` (default) keeps the detector well under 150 MB of resident memory. */
  database?: EldDatabaseSize;
  /** When a Latin-script reading may switch a conversation (defaults tuned on the evaluation set). */
  latinReliability?: Partial<LatinReliabilityRule>;
  /**
   * Let eld choose only among the 12 supported languages (default true). Switching it off exists to
   * measure what the restriction buys: eld then also answers Catalan, Galician-like Portuguese, etc.,
   * which read as "no language" here.
   */
  restrictToSupportedLanguages?: boolean;
  /** Decide Arabic, Japanese and Chinese by their script before eld (default true; off only to measure). */
  decideScriptsFirst?: boolean;
  /** Read 1–3 word greetings and thanks from courtesy-words.ts before eld (default true; off only to measure). */
  useCourtesyWords?: boolean;
}

/** Courtesy words decide only greetings-sized messages; longer ones have enough n-grams for eld. */
const MAXIMUM_COURTESY_MESSAGE_WORDS = 3;

const NO_LANGUAGE: LanguageGuess = Object.freeze({ language: null, confidence: 0, reliable: false });

/**
 * The default Polyglot language detector: script first (Arabic, kana, Han), then eld restricted to the
 * 12 supported languages for Latin-script text, after removing links, e-mail addresses, mentions and
 * anything containing a digit. Loads eld's database, hence async.
 */
export async function createLanguageDetector(
  options: LanguageDetectorOptions = {},
): Promise<LanguageDetector> {
  const database = options.database ?? "extrasmall";
  const restrict = options.restrictToSupportedLanguages ?? true;
  const scriptsFirst = options.decideScriptsFirst ?? true;
  const courtesy = options.useCourtesyWords ?? true;
  const rule: LatinReliabilityRule = { ...DEFAULT_LATIN_RELIABILITY, ...options.latinReliability };
  const eld = await loadEld(database, restrict ? SUPPORTED_LANGUAGES : null);

  const variant = [
    database,
    restrict ? "subset" : "all-languages",
    scriptsFirst ? "script-first" : "eld-only",
  ];
  if (!courtesy) variant.push("no-courtesy-words");
  return {
    name: "eld",
    version: `${ELD_VERSION}/${variant.join("/")}`,
    detect(text: string): LanguageGuess {
      // Bounded per message (analyzed-text.ts): a language shows in a sentence, not in 40,000 characters.
      const cleaned = stripNonLanguage(analyzedText(text));
      const profile = profileScripts(cleaned);
      if (profile.letters === 0) return NO_LANGUAGE;
      if (scriptsFirst) {
        const decision = decideByScript(profile);
        if (decision.kind === "decided") {
          return {
            language: decision.language,
            confidence: decision.confidence,
            reliable: decision.reliable,
          };
        }
        if (decision.kind !== "latin") return NO_LANGUAGE;
      }
      return readLatin(eld, cleaned, profile.letters, rule, courtesy);
    },
  };
}

/** Confidence given to a short message read from its courtesy words: a fair guess, never reliable. */
const COURTESY_CONFIDENCE = 0.5;

function readLatin(
  eld: EldInstance,
  cleaned: string,
  letters: number,
  rule: LatinReliabilityRule,
  useCourtesyWords: boolean,
): LanguageGuess {
  // JavaScript lower-cases Turkish "İ" to "i" plus a combining dot, which matches no n-gram.
  const text = cleaned.replace(/İ/g, "i");
  const words = text
    .toLowerCase()
    .split(" ")
    .map((word) => word.replace(/[^\p{L}]/gu, ""))
    .filter((word) => word !== "");
  if (useCourtesyWords && words.length <= MAXIMUM_COURTESY_MESSAGE_WORDS) {
    const courtesy = courtesyLanguage(words);
    if (courtesy !== null) return { language: courtesy, confidence: COURTESY_CONFIDENCE, reliable: false };
  }
  const result = eld.detect(text);
  const language: LanguageCode | null = isSupportedLanguage(result.language) ? result.language : null;
  if (language === null) return NO_LANGUAGE;
  const scores = Object.values(result.getScores()).sort((a, b) => b - a);
  const best = scores[0] ?? 0;
  const margin = best - (scores[1] ?? 0);
  return {
    language,
    confidence: Math.min(1, Math.max(0, best)),
    reliable: isReliableLatinReading({ letters, words: words.length, margin }, rule),
  };
}
