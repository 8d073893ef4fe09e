import type { Emotion, EmotionDetector } from "../assistant/emotion.js";
import { defineEnchantment, type Enchantment } from "../assistant/enchantment.js";
import type { ProductMessageKey } from "../assistant/product-messages.js";
import { LOW_CONFIDENCE } from "../assistant/responder.js";
import { analyzedText } from "../util/analyzed-text.js";

export interface EmotionOptions {
  detector: EmotionDetector;
}

interface EmotionState {
  conversationId?: string;
  frustratedInRow?: number;
  /** The conversation's last RECENT_MESSAGES readings, oldest first. */
  recent?: Emotion[];
}

/** How many of the conversation's latest customer messages a handoff's mood looks at. */
const RECENT_MESSAGES = 5;
/** Which mood an agent most needs to know of, first. */
const MOOD_URGENCY: readonly Emotion[] = ["frustrated", "urgent", "confused", "happy", "neutral"];

function mostPressing(moods: readonly Emotion[]): Emotion {
  return MOOD_URGENCY.find((mood) => moods.includes(mood)) ?? "neutral";
}

/**
 * Emotion: reads the customer's mood, hands it to the responder (an LLM writes in that tone) and puts a
 * translated opener before the reply otherwise — empathy for frustration, enthusiasm for good news.
 * Counts frustrated messages in a row for Escalation ("repeated frustration").
 */
export function emotion(options: EmotionOptions): Enchantment {
  const { detector } = options;
  return defineEnchantment({
    name: "emotion",
    version: "1.0.0",
    order: 200,
    async run(context, next) {
      const reading = detector.read(context.text, context.language);
      context.emotionReading = reading;
      context.emotion = reading.emotion;

      const state = context.stateOf("emotion") as EmotionState;
      const conversationId = context.conversation?.id;
      if (state.conversationId !== conversationId) {
        state.conversationId = conversationId;
        state.frustratedInRow = 0;
        state.recent = [];
      }
      state.frustratedInRow = reading.emotion === "frustrated" ? (state.frustratedInRow ?? 0) + 1 : 0;
      context.signals.frustratedInRow = state.frustratedInRow;
      state.recent = [...(state.recent ?? []), reading.emotion].slice(-RECENT_MESSAGES);
      context.signals.recentMood = mostPressing(state.recent);

      await next();

      const reply = context.reply;
      if (reply === null || reply.toned === true) return;
      const opener = openerFor(reading.emotion, state.frustratedInRow, reply.confidence, context.text);
      if (opener !== null) context.openers.push(context.t(opener));
    },
  });
}

/**
 * "Thanks, where is my order?" is politeness before a question, and "merci !" alone is thanks: neither is
 * news to celebrate with "That's great to hear!".
 */
function isPolitenessRatherThanNews(text: string): boolean {
  // The segmenter's cost grows with the text: only the analysed part is segmented (analyzed-text.ts).
  return /[?？؟]/u.test(text) || countWords(analyzedText(text)) <= 3;
}

// Chinese and Japanese write no spaces between words, so words are counted by ICU's segmenter.
const wordSegmenter = new Intl.Segmenter(undefined, { granularity: "word" });

export function countWords(text: string): number {
  const ascii = asciiWordCount(text);
  if (ascii !== null) return ascii;
  let words = 0;
  for (const segment of wordSegmenter.segment(text)) {
    if (segment.isWordLike === true && ++words > 3) break;
  }
  return words;
}

/**
 * The segmenter's count, up to 4, for ASCII text, or null when only the segmenter can tell. The segmenter
 * never joins across whitespace, and in ASCII text a segment holding a letter or digit is word-like, so
 * four whitespace-separated chunks holding one are at least four words. A chunk that is punctuation,
 * then letters and digits, then punctuation ("great,", "#12345", "thanks!") is exactly one word; other
 * chunks ("e.g.", "a-b", "don't", "_") can be one word or more, so then only "at least 4" is known.
 * Any other character (an emoji joined by U+200D, a format character) needs the segmenter.
 */
function asciiWordCount(text: string): number | null {
  let words = 0;
  let exact = true;
  // 0: before the chunk's letters; 1: in them; 2: in punctuation after them.
  let state = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code >= 128) return null;
    if (code === 32 || (code >= 9 && code <= 13)) state = 0;
    else if ((code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122)) {
      if (state === 0) {
        state = 1;
        if (++words === 4) return 4;
      } else if (state === 2) exact = false;
    } else {
      if (code === 95) exact = false; // "_" joins words ("a_b") and may be one on its own
      if (state === 1) state = 2;
    }
  }
  return exact ? words : null;
}

function openerFor(
  mood: Emotion,
  frustratedInRow: number,
  confidence: number,
  text: string,
): ProductMessageKey | null {
  switch (mood) {
    case "frustrated":
      return frustratedInRow >= 2 ? "tone.frustratedAgain" : "tone.frustrated";
    case "urgent":
      return "tone.urgent";
    case "confused":
      return "tone.confused";
    // "That's great to hear!" before "I'm not sure I understood" would read as mockery.
    case "happy":
      return confidence >= LOW_CONFIDENCE && !isPolitenessRatherThanNews(text) ? "tone.happy" : null;
    case "neutral":
      return null;
  }
}
