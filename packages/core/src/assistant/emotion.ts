import type { LanguageCode } from "./language.js";

/**
 * The moods Emotion tells apart. Anger is read as `frustrated` with a high score: support answers both
 * the same way (empathy first), and Escalation reads the score for priority.
 */
export const EMOTIONS = ["frustrated", "happy", "neutral", "confused", "urgent"] as const;
export type Emotion = (typeof EMOTIONS)[number];

export interface EmotionReading {
  emotion: Emotion;
  /** 0..1: how strongly the message shows it (0 for neutral). */
  score: number;
  /** Which cues fired, for the "why did the bot…" view; never the message text itself. */
  cues: string[];
}

export interface EmotionDetector {
  readonly name: string;
  readonly version: string;
  /** `language` is the conversation's language when known; the detector may use every lexicon anyway. */
  read(text: string, language?: LanguageCode | null): EmotionReading;
}
