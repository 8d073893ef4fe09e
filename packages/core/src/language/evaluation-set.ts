import { readFile } from "node:fs/promises";
import { isSupportedLanguage, type LanguageCode, type LanguageDetector } from "../assistant/language.js";

/**
 * The labelled support messages of data/language-eval.jsonl. `held-out` was written before any
 * threshold was chosen and is only ever reported on; `tuning` is what thresholds were chosen on.
 */
export interface EvaluationMessage {
  text: string;
  language: LanguageCode;
  set: "tuning" | "held-out";
}

export const EVALUATION_SET_URL = new URL("./data/language-eval.jsonl", import.meta.url);

export async function loadEvaluationSet(url: URL = EVALUATION_SET_URL): Promise<EvaluationMessage[]> {
  const lines = (await readFile(url, "utf8")).split("\n").filter((line) => line.trim() !== "");
  return lines.map((line, index) => {
    const row = JSON.parse(line) as Partial<EvaluationMessage>;
    if (typeof row.text !== "string" || !isSupportedLanguage(row.language)) {
      throw new Error(`language-eval.jsonl line ${index + 1}: needs "text" and a supported "language"`);
    }
    if (row.set !== "tuning" && row.set !== "held-out") {
      throw new Error(`language-eval.jsonl line ${index + 1}: "set" must be "tuning" or "held-out"`);
    }
    return { text: row.text, language: row.language, set: row.set };
  });
}

/** Whitespace-separated words: a Chinese or Japanese sentence with no spaces is one word. */
export function countWords(text: string): number {
  return text.split(/\s+/).filter((word) => word !== "").length;
}

export const SHORT_MESSAGE_WORDS = 3;

export interface Tally {
  correct: number;
  total: number;
}

export interface EvaluationReport {
  overall: Tally;
  /** Messages of SHORT_MESSAGE_WORDS words or fewer. */
  short: Tally;
  /** Short messages of the Latin-script languages, where the script cannot help. */
  shortLatin: Tally;
  byLanguage: Map<LanguageCode, Tally>;
  /** Among guesses marked reliable: how many named the right language (a wrong one flips a conversation). */
  reliable: Tally;
  /** Which messages were misread; texts are our own test data, not customer messages. */
  misses: { text: string; expected: LanguageCode; detected: LanguageCode | null; reliable: boolean }[];
}

const SCRIPT_DECIDED: ReadonlySet<LanguageCode> = new Set(["ar", "zh", "ja"]);

/** A message counts as correct when the detected language is the labelled one; null is wrong. */
export function evaluate(
  detector: LanguageDetector,
  messages: readonly EvaluationMessage[],
): EvaluationReport {
  const tally = (): Tally => ({ correct: 0, total: 0 });
  const report: EvaluationReport = {
    overall: tally(),
    short: tally(),
    shortLatin: tally(),
    byLanguage: new Map(),
    reliable: tally(),
    misses: [],
  };
  for (const message of messages) {
    const guess = detector.detect(message.text);
    const correct = guess.language === message.language ? 1 : 0;
    const short = countWords(message.text) <= SHORT_MESSAGE_WORDS;
    const perLanguage = report.byLanguage.get(message.language) ?? tally();
    report.byLanguage.set(message.language, perLanguage);
    const tallies = [report.overall, perLanguage];
    if (short) tallies.push(report.short);
    if (short && !SCRIPT_DECIDED.has(message.language)) tallies.push(report.shortLatin);
    if (guess.reliable) tallies.push(report.reliable);
    for (const counted of tallies) {
      counted.total++;
      counted.correct += correct;
    }
    if (!correct) {
      report.misses.push({
        text: message.text,
        expected: message.language,
        detected: guess.language,
        reliable: guess.reliable,
      });
    }
  }
  return report;
}

export const accuracy = (tally: Tally): number => (tally.total === 0 ? 0 : tally.correct / tally.total);
