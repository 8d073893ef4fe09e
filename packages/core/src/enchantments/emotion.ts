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
      const opener = openerFor(
        reading.emotion,
        state.frustratedInRow,
        reply.confidence,
        isPolitenessRatherThanNews(context.text),
      );
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

function countWords(text: string): number {
  let words = 0;
  for (const segment of wordSegmenter.segment(text)) {
    if (segment.isWordLike === true && ++words > 3) break;
  }
  return words;
}

function openerFor(
  mood: Emotion,
  frustratedInRow: number,
  confidence: number,
  question: boolean,
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
      return confidence >= LOW_CONFIDENCE && !question ? "tone.happy" : null;
    case "neutral":
      return null;
  }
}
