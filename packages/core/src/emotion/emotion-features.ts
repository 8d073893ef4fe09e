import type { LanguageCode } from "../assistant/language.js";
import type { RuleAnalysis } from "./emotion-detector.js";
import { foldText } from "./normalize-text.js";

/**
 * The learned model's view of a message: hashed sparse features, so the model needs no vocabulary and
 * a word it never saw still shares its character n-grams with the ones it did ("decu", "déçue").
 *
 * - word unigrams and bigrams (accent-folded, lower case, with start and end markers: openers such as
 *   "great," and closers such as "…again" carry the tone);
 * - character 3- to 5-grams of the folded words, for typos and missing accents;
 * - question and exclamation marks, length, language;
 * - the cues the rules fired (capitals, "!!", emoji classes, support phrases, lexicon families…), so the
 *   model learns when to trust each of them.
 *
 * Each group of text features is scaled to about unit length so a long message does not outvote a
 * short one; the cue features stay at 1 so a rule counts the same in any message.
 */
export const FEATURE_BITS = 15;
export const FEATURE_BUCKETS = 1 << FEATURE_BITS;
const MASK = FEATURE_BUCKETS - 1;

export interface SparseFeatures {
  /** Bucket of each feature; a bucket may repeat (two features hashed together, or a repeated word). */
  indices: number[];
  values: number[];
}

// FNV-1a, then a murmur-style finaliser: FNV's low bits alone spread short strings poorly.
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function hashStep(hash: number, code: number): number {
  return Math.imul(hash ^ code, FNV_PRIME);
}

function hashString(seed: number, text: string): number {
  let hash = seed;
  for (let index = 0; index < text.length; index++) hash = hashStep(hash, text.charCodeAt(index));
  return hash;
}

function bucket(hash: number): number {
  let mixed = hash ^ (hash >>> 16);
  mixed = Math.imul(mixed, 0x85ebca6b);
  mixed ^= mixed >>> 13;
  return mixed & MASK;
}

const seedOf = (prefix: string) => hashString(FNV_OFFSET, prefix);
const WORD_SEED = seedOf("w:");
const BIGRAM_SEED = seedOf("b:");
const CHARACTER_SEED = seedOf("c:");
const START = "^";
const END = "$";

/** Named (non-text) features, hashed once per name and cached: the names are a small fixed set. */
const namedBuckets = new Map<string, number>();
function named(name: string): number {
  let found = namedBuckets.get(name);
  if (found === undefined) {
    found = bucket(hashString(FNV_OFFSET, `f:${name}`));
    namedBuckets.set(name, found);
  }
  return found;
}
/** Cue features by cue name, without building the "cue:…" string on every read. */
const cueBuckets = new Map<string, number>();
function cueBucket(cue: string): number {
  let found = cueBuckets.get(cue);
  if (found === undefined) {
    found = named(`cue:${cue}`);
    cueBuckets.set(cue, found);
  }
  return found;
}

const EVIDENCE_CAP = 4;
const MOODS = ["frustrated", "happy", "urgent", "confused"] as const;
const LENGTH_FEATURES = ["length:1-2", "length:3-5", "length:6-12", "length:13+"].map(named);
const ENDS_WITH_QUESTION = /\?\s*$/;
const BIAS = named("bias-text");
const QUESTION_MARK = named("question-mark");
const ENDS_WITH_QUESTION_MARK = named("ends-with-question");
const EXCLAMATION_MARK = named("exclamation-mark");
const languageBuckets = new Map<string, number>();
function languageBucket(language: string): number {
  let found = languageBuckets.get(language);
  if (found === undefined) {
    found = named(`language:${language}`);
    languageBuckets.set(language, found);
  }
  return found;
}

/**
 * Which of the rules' readings the model sees: none, the cues that fired (the rules' surface cues
 * included: caps, "!!", emoji classes), or the cues plus the rules' evidence and verdict.
 */
export type RuleFeatures = "none" | "cues" | "verdict";
export const RULE_FEATURES: RuleFeatures = "cues";

/** Receives each feature as it is read: training collects them, the detector scores them on the fly. */
export interface FeatureSink {
  add(bucket: number, value: number): void;
}

/** Character n-grams (3 to 5) starting at each position of a text of this length. */
function characterGramCount(length: number): number {
  let count = 0;
  for (let start = 0; start + 3 <= length; start++) count += Math.min(3, length - start - 2);
  return count;
}

export function emitFeatures(
  text: string,
  language: LanguageCode | null | undefined,
  rules: RuleAnalysis,
  sink: FeatureSink,
  ruleFeatures: RuleFeatures = RULE_FEATURES,
): void {
  const { tokens, joined } = rules.folded ?? foldText(text);

  // Words: unigrams, then bigrams with the start and end of the message as words of their own.
  const wordCount = tokens.length === 0 ? 0 : 2 * tokens.length + 1;
  const wordValue = wordCount === 0 ? 0 : 1 / Math.sqrt(wordCount);
  let previous = hashString(BIGRAM_SEED, START);
  for (const token of tokens) {
    sink.add(bucket(hashString(WORD_SEED, token)), wordValue);
    sink.add(bucket(hashString(hashStep(previous, 32), token)), wordValue);
    previous = hashString(BIGRAM_SEED, token);
  }
  if (tokens.length > 0) sink.add(bucket(hashString(hashStep(previous, 32), END)), wordValue);

  // Character n-grams over " word word ": the spaces mark word edges, as in fastText.
  const characterCount = characterGramCount(joined.length);
  const characterValue = characterCount === 0 ? 0 : 1 / Math.sqrt(characterCount);
  for (let start = 0; start + 3 <= joined.length; start++) {
    let hash = CHARACTER_SEED;
    for (let length = 1; length <= 5 && start + length <= joined.length; length++) {
      hash = hashStep(hash, joined.charCodeAt(start + length - 1));
      if (length >= 3) sink.add(bucket(hash), characterValue);
    }
  }

  sink.add(BIAS, 1);
  if (language) sink.add(languageBucket(language), 1);
  const lengthClass = tokens.length <= 2 ? 0 : tokens.length <= 5 ? 1 : tokens.length <= 12 ? 2 : 3;
  sink.add(LENGTH_FEATURES[lengthClass] as number, 1);
  if (text.includes("?")) sink.add(QUESTION_MARK, 1);
  if (ENDS_WITH_QUESTION.test(text)) sink.add(ENDS_WITH_QUESTION_MARK, 1);
  if (text.includes("!")) sink.add(EXCLAMATION_MARK, 1);

  if (ruleFeatures === "none") return;
  for (const cue of rules.cues) sink.add(cueBucket(cue), 1);
  if (ruleFeatures === "cues") return;
  sink.add(named(`rules:${rules.emotion}`), 1);
  for (const mood of MOODS) {
    const evidence = rules.evidence[mood];
    if (evidence > 0) sink.add(named(`evidence:${mood}`), Math.min(EVIDENCE_CAP, evidence) / 2);
  }
  if (rules.faultEvidence > 0)
    sink.add(named("evidence:fault"), Math.min(EVIDENCE_CAP, rules.faultEvidence) / 2);
  if (rules.anger) sink.add(named("anger"), 1);
}

/** The features as lists, for training. */
export function extractFeatures(
  text: string,
  language: LanguageCode | null | undefined,
  rules: RuleAnalysis,
  ruleFeatures: RuleFeatures = RULE_FEATURES,
): SparseFeatures {
  const indices: number[] = [];
  const values: number[] = [];
  emitFeatures(
    text,
    language,
    rules,
    {
      add(index, value) {
        indices.push(index);
        values.push(value);
      },
    },
    ruleFeatures,
  );
  return { indices, values };
}
