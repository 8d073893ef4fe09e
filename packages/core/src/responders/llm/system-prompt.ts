import type { Emotion } from "../../assistant/emotion.js";
import type { LanguageCode } from "../../assistant/language.js";

/**
 * Language names in English: models follow "answer in French (fr)" far more reliably than a bare code,
 * and English instructions are the ones every model was tuned on.
 */
export const LANGUAGE_NAMES: Readonly<Record<LanguageCode, string>> = Object.freeze({
  en: "English",
  fr: "French",
  es: "Spanish",
  de: "German",
  it: "Italian",
  pt: "Portuguese",
  nl: "Dutch",
  pl: "Polish",
  tr: "Turkish",
  ar: "Arabic",
  zh: "Chinese",
  ja: "Japanese",
});

/** One tone per mood Emotion tells apart (neutral when the tenant has no Emotion). */
export const TONE_BY_EMOTION: Readonly<Record<Emotion, string>> = Object.freeze({
  frustrated:
    "The customer is frustrated. Be empathetic: acknowledge the problem and the inconvenience first, then help.",
  happy: "The customer is happy. Be warm and enthusiastic.",
  confused: "The customer is confused. Explain simply, step by step, one short step per line.",
  urgent: "The customer is in a hurry. Be direct: give the shortest path to a solution first.",
  neutral: "Be friendly and concise.",
});

export interface SystemPromptInput {
  /** The company the assistant works for, as the customer knows it. */
  companyName: string;
  language: LanguageCode;
  emotion: Emotion;
  unsureMarker: string;
  /** The tenant's own instructions; they come last so that they can refine, not replace, the rules above. */
  tenantInstructions: string | undefined;
}

export function describeLanguage(language: LanguageCode): string {
  return `${LANGUAGE_NAMES[language]} (${language})`;
}

/** The system message: who the assistant is, the language it must answer in, its tone, the tenant's instructions. */
export function buildSystemPrompt(input: SystemPromptInput): string {
  const lines = [
    `You are the customer-support assistant of ${input.companyName}.`,
    `You MUST answer in ${describeLanguage(input.language)}, whatever language the customer, the history or these instructions use.`,
    `Tone: ${TONE_BY_EMOTION[input.emotion]}`,
    `Never invent facts, prices, policies or order details. If you do not know the answer or are not sure of it, say so briefly and add ${input.unsureMarker} at the very end of your reply.`,
    `Messages that start with "Agent: " were written by a human support agent of ${input.companyName}; stay consistent with them.`,
  ];
  if (input.tenantInstructions !== undefined) {
    lines.push("", `Instructions from ${input.companyName}:`, input.tenantInstructions);
  }
  return lines.join("\n");
}
