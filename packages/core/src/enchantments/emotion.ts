import type { Emotion, EmotionDetector } from "../assistant/emotion.js";
import { defineEnchantment, type Enchantment } from "../assistant/enchantment.js";
import type { ProductMessageKey } from "../assistant/product-messages.js";
import { LOW_CONFIDENCE } from "../assistant/responder.js";

export interface EmotionOptions {
  detector: EmotionDetector;
}

interface EmotionState {
  conversationId?: string;
  frustratedInRow?: number;
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
      }
      state.frustratedInRow = reading.emotion === "frustrated" ? (state.frustratedInRow ?? 0) + 1 : 0;
      context.signals.frustratedInRow = state.frustratedInRow;

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
  return /[?？؟]/u.test(text) || countWords(text) <= 3;
}

// Chinese and Japanese write no spaces between words, so words are counted by ICU's segmenter.
const wordSegmenter = new Intl.Segmenter(undefined, { granularity: "word" });

export function countWords(text: string): number {
  if (hasFourAsciiWordChunks(text)) return 4;
  let words = 0;
  for (const segment of wordSegmenter.segment(text)) {
    if (segment.isWordLike === true && ++words > 3) break;
  }
  return words;
}

/**
 * In ASCII text, four whitespace-separated chunks that each hold a letter or digit are at least four
 * words to the segmenter too: it never joins across whitespace, and an ASCII segment holding a letter
 * or digit is word-like. Enough to answer "more than 3" without segmenting, which most happy messages
 * need. Any other character (an emoji joined by U+200D, a format character) sends the text to the
 * segmenter: only ASCII is simple enough to be sure of.
 */
function hasFourAsciiWordChunks(text: string): boolean {
  let chunks = 0;
  let counted = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code >= 128) return false;
    if (code === 32 || (code >= 9 && code <= 13)) counted = false;
    else if (
      !counted &&
      ((code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122))
    ) {
      counted = true;
      if (++chunks === 4) return true;
    }
  }
  return false;
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
