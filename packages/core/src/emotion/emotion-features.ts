import type { LanguageCode } from "../assistant/language.js";
import type { RuleAnalysis } from "./emotion-detector.js";
import { foldText } from "./normalize-text.js";
import { countEmoji, hasPunctuationBurst, readCaps } from "./surface-cues.js";

/**
 * The learned model's view of a message: hashed sparse features, so the model needs no vocabulary and
 * a word it never saw still shares its character n-grams with the ones it did ("decu", "déçue").
 *
 * - word unigrams and bigrams (accent-folded, lower case, with start and end markers: openers such as
 *   "great," and closers such as "…again" carry the tone);
 * - character 3- to 5-grams of the folded words, for typos and missing accents;
 * - surface cues (question and exclamation marks, capitals, emoji classes, length);
 * - the rules' own reading: evidence per mood, their verdict and every cue that fired, so the model
 *   learns when to trust them.
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

const EVIDENCE_CAP = 4;

/**
 * Which of the rules' readings the model sees: none, the cues that fired, or the cues plus the rules'
 * evidence and verdict.
 */
export type RuleFeatures = "none" | "cues" | "verdict";
export const RULE_FEATURES: RuleFeatures = "cues";

export function extractFeatures(
  text: string,
  language: LanguageCode | null | undefined,
  rules: RuleAnalysis,
  ruleFeatures: RuleFeatures = RULE_FEATURES,
): SparseFeatures {
  const indices: number[] = [];
  const values: number[] = [];
  const { tokens, joined } = foldText(text);

  // Words: unigrams, then bigrams with the start and end of the message as words of their own.
  const wordStart = indices.length;
  let previous = hashString(BIGRAM_SEED, START);
  for (const token of tokens) {
    indices.push(bucket(hashString(WORD_SEED, token)));
    const pair = hashString(hashStep(previous, 32), token);
    indices.push(bucket(pair));
    previous = hashString(BIGRAM_SEED, token);
  }
  if (tokens.length > 0) indices.push(bucket(hashString(hashStep(previous, 32), END)));
  fillScaled(values, indices.length - wordStart);

  // Character n-grams over " word word ": the spaces mark word edges, as in fastText.
  const characterStart = indices.length;
  for (let start = 0; start + 3 <= joined.length; start++) {
    let hash = CHARACTER_SEED;
    for (let length = 1; length <= 5 && start + length <= joined.length; length++) {
      hash = hashStep(hash, joined.charCodeAt(start + length - 1));
      if (length >= 3) indices.push(bucket(hash));
    }
  }
  fillScaled(values, indices.length - characterStart);

  const add = (name: string, value = 1) => {
    indices.push(named(name));
    values.push(value);
  };
  add("bias-text");
  if (language) add(`language:${language}`);
  add(
    `length:${tokens.length <= 2 ? "1-2" : tokens.length <= 5 ? "3-5" : tokens.length <= 12 ? "6-12" : "13+"}`,
  );
  if (text.includes("?")) add("question-mark");
  if (/\?\s*$/.test(text)) add("ends-with-question");
  if (text.includes("!")) add("exclamation-mark");
  if (hasPunctuationBurst(text)) add("punctuation-burst");
  const caps = readCaps(text);
  if (caps !== null) add(`caps:${caps}`);
  const emoji = countEmoji(text);
  for (const kind of ["angry", "sad", "eyeRoll", "happy", "confused", "clapping"] as const) {
    if (emoji[kind] > 0) add(`emoji:${kind}`);
  }

  if (ruleFeatures === "none") return { indices, values };
  for (const cue of rules.cues) add(`cue:${cue}`);
  if (ruleFeatures === "cues") return { indices, values };
  add(`rules:${rules.emotion}`);
  for (const mood of ["frustrated", "happy", "urgent", "confused"] as const) {
    const evidence = rules.evidence[mood];
    if (evidence > 0) add(`evidence:${mood}`, Math.min(EVIDENCE_CAP, evidence) / 2);
  }
  if (rules.faultEvidence > 0) add("evidence:fault", Math.min(EVIDENCE_CAP, rules.faultEvidence) / 2);
  if (rules.anger) add("anger");
  return { indices, values };
}

function fillScaled(values: number[], count: number): void {
  const value = count === 0 ? 0 : 1 / Math.sqrt(count);
  for (let index = 0; index < count; index++) values.push(value);
}
