/**
 * When a Latin-script reading is strong enough to switch a conversation's language. Closely related
 * languages share most short words (es/pt "pedido cancelado", "reembolso por favor"), and one or two
 * words give the n-gram detector too little to tell them apart, so a reading is reliable only when
 * the text is long enough AND the best language clearly beats the runner-up, with a larger margin
 * asked of texts that are still short.
 *
 * Chosen on the `tuning` part of data/language-eval.jsonl only: every misread tuning message had
 * at most 3 words and a margin under 0.16, the misread 3-word ones a margin under 0.02; correct long
 * messages go down to 0.06 (Portuguese against Spanish). The held-out part checks the choice.
 */
export interface LatinReliabilityRule {
  /** Letters after stripping links, numbers and mentions. */
  minimumLetters: number;
  minimumWords: number;
  /** Texts with fewer words than this need `shortTextMargin`, longer ones `longTextMargin`. */
  longTextWords: number;
  /** Best score minus runner-up score, on eld's 0..1 scale. */
  shortTextMargin: number;
  longTextMargin: number;
}

export const DEFAULT_LATIN_RELIABILITY: LatinReliabilityRule = {
  minimumLetters: 12,
  minimumWords: 3,
  longTextWords: 6,
  shortTextMargin: 0.1,
  longTextMargin: 0.05,
};

export interface LatinReading {
  letters: number;
  words: number;
  margin: number;
}

export function isReliableLatinReading(reading: LatinReading, rule: LatinReliabilityRule): boolean {
  if (reading.letters < rule.minimumLetters || reading.words < rule.minimumWords) return false;
  const margin = reading.words >= rule.longTextWords ? rule.longTextMargin : rule.shortTextMargin;
  return reading.margin >= margin;
}
