import { analyzedText } from "../util/analyzed-text.js";

/**
 * C6: after a resolution, is a new customer message a follow-up of the resolved conversation
 * (it reopens, C4) or a new question (a new conversation, `new_topic`)? Pluggable and conservative:
 * short replies are always related, and doubt, errors and time-outs mean related.
 */
export interface RelatednessInput {
  /** The new customer message. */
  text: string;
  /** Recent customer messages of the resolved conversation, oldest first. */
  previous: readonly string[];
}

export interface RelatednessDecision {
  related: boolean;
  /** 0 (surely unrelated) … 1 (surely related). */
  score: number;
}

export interface RelatednessDetector {
  /** Name and version stored with every verdict, e.g. `default@1`. */
  readonly version: string;
  decide(input: RelatednessInput): RelatednessDecision | Promise<RelatednessDecision>;
}

/** C6: what a failing or slow detector is taken to have said. */
export const RELATED_ON_DOUBT: RelatednessDecision = { related: true, score: 0.5 };

/** Phrases by which customers announce a different subject (the detector's only strong "unrelated" signal). */
const NEW_SUBJECT_PHRASES = [
  "another question",
  "other question",
  "different question",
  "new question",
  "something else",
  "unrelated",
  "different topic",
  "also wanted to ask",
  "autre question",
  "nouvelle question",
  "autre chose",
  "rien à voir",
  "otra pregunta",
  "otra cosa",
  "andere frage",
  "etwas anderes",
  "altra domanda",
  "outra pergunta",
  "andere vraag",
  "inne pytanie",
  "coś innego",
  "başka bir sorum",
  "başka bir konu",
  "سؤال آخر",
  "موضوع آخر",
  "另一个问题",
  "别的问题",
  "別の質問",
  "話は変わりますが",
];

/** Words that carry no topic; everything else counts toward "same subject". */
const STOP_WORDS = new Set(
  (
    "a an the and or but if of to in on at for with from by is are was were be been am do does did i you we " +
    "he she it they my your our their me us them this that these those what when where why how which who can " +
    "could would should will shall may might must have has had not no yes please thanks thank hi hello hey ok " +
    "okay just also still about there here now then so too very any some all more get got " +
    "le la les un une des et ou mais si de du au aux en dans sur pour par avec est sont était je tu il elle " +
    "nous vous ils elles mon ma mes ton ta tes son sa ses notre votre leur ce cet cette ces que qui quoi quand " +
    "où comment pourquoi pas ne oui non merci bonjour salut ça ca a y " +
    "el los las unos unas y o pero del al es son fue yo tú él ella nosotros ustedes mi mis tu tus su sus " +
    "qué cuándo dónde cómo por gracias hola sí " +
    "der die das ein eine und oder aber ist sind war ich du er sie wir ihr mein meine dein deine was wann wo " +
    "wie warum nicht ja nein danke hallo mit von zu im auf für"
  ).split(" "),
);

/** Chinese and Japanese write without spaces: a run of these characters is many words, not one. */
const UNSPACED_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
/** About two characters make a word in Chinese and Japanese. */
const CHARACTERS_PER_UNSPACED_WORD = 2;

function wordCount(text: string): number {
  let count = 0;
  for (const token of text.split(/\s+/u)) {
    if (token.length === 0) continue;
    count += UNSPACED_SCRIPT.test(token) ? Math.ceil(token.length / CHARACTERS_PER_UNSPACED_WORD) : 1;
  }
  return count;
}

/** Up to three words, greetings, thanks, "ok", order or ticket numbers: always related (C6). */
export function isShortReply(text: string): boolean {
  const trimmed = text.trim();
  if (trimmed.length === 0) return true;
  if (/^[#\d\s\-/.:A-Z]{1,24}$/.test(trimmed) && /\d/.test(trimmed)) return true;
  return wordCount(trimmed) <= 3;
}

function topicWords(text: string): string[] {
  const words: string[] = [];
  for (const token of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    if (UNSPACED_SCRIPT.test(token)) {
      // Character pairs stand in for words: "退货政策" shares "退货" with "我想退货".
      for (let index = 0; index + 1 < token.length; index++) words.push(token.slice(index, index + 2));
    } else if (token.length > 2 && !STOP_WORDS.has(token)) words.push(token.slice(0, 5));
  }
  return words;
}

/**
 * The default detector: unrelated only when the message says it changes subject, or when it is a
 * real question sharing no topic word with the resolved conversation; related otherwise.
 */
export function createDefaultRelatednessDetector(): RelatednessDetector {
  return {
    // default@3: reads the part of each message every per-message analysis reads (analyzed-text.ts).
    version: "default@3",
    decide(input) {
      const text = analyzedText(input.text);
      const previous = input.previous.map(analyzedText);
      if (isShortReply(text)) return { related: true, score: 0.95 };
      const lower = text.toLowerCase();
      if (NEW_SUBJECT_PHRASES.some((phrase) => lower.includes(phrase))) return { related: false, score: 0.1 };
      const earlier = new Set(previous.flatMap(topicWords));
      const words = topicWords(text);
      const shared = words.filter((word) => earlier.has(word)).length;
      if (shared > 0) return { related: true, score: Math.min(0.95, 0.6 + 0.1 * shared) };
      const looksLikeQuestion =
        text.includes("?") || text.includes("？") || text.includes("؟") || words.length >= 4;
      if (looksLikeQuestion && earlier.size > 0) return { related: false, score: 0.25 };
      return RELATED_ON_DOUBT;
    },
  };
}

/** C6: a detector that answers `related` when the wrapped one fails or takes longer than `timeoutMs`. */
export function withRelatedOnDoubt(detector: RelatednessDetector, timeoutMs: number): RelatednessDetector {
  return {
    version: detector.version,
    async decide(input) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<RelatednessDecision>((resolve) => {
        timer = setTimeout(() => resolve(RELATED_ON_DOUBT), timeoutMs);
        timer.unref();
      });
      try {
        const decision = await Promise.race([Promise.resolve().then(() => detector.decide(input)), timeout]);
        return isValidDecision(decision) ? decision : RELATED_ON_DOUBT;
      } catch {
        return RELATED_ON_DOUBT;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

function isValidDecision(decision: unknown): decision is RelatednessDecision {
  if (typeof decision !== "object" || decision === null) return false;
  const { related, score } = decision as RelatednessDecision;
  return typeof related === "boolean" && typeof score === "number" && score >= 0 && score <= 1;
}
