import type { DeliveryFailure } from "../adapters/channel-adapter.js";
import type { ConversationRecord } from "../counting/conversation.js";
import type { Emotion } from "./emotion.js";
import type { LanguageCode } from "./language.js";

/**
 * What happened to one inbound event:
 * - `answered`: a customer message got a reply and the channel confirmed it (C7 count moment);
 * - `undelivered`: a reply was produced but the channel refused it (not counted; a retry of the event answers again);
 * - `placed`: the event was counted in its thread and needs no reply (assistant, agent, system, close, resolve…);
 * - `silent`: a customer message the assistant must not answer (a human agent has the conversation);
 * - `duplicate`: the idempotency key was seen and answered already (C11): nothing changed;
 * - `too_late`: older than the counting horizon (see `event-too-late`).
 */
export type TurnStatus = "answered" | "undelivered" | "placed" | "silent" | "duplicate" | "too_late";

export interface TurnReply {
  /** Core's idempotency key for the reply, derived from the inbound key so a retry never answers twice. */
  key: string;
  text: string;
  language: LanguageCode;
  confidence: number;
  source: string;
  delivered: boolean;
  failure?: DeliveryFailure;
}

/** How the assistant read the customer's message (the `lutin analyze` view, and the history's "why"). */
export interface MessageReading {
  language: LanguageCode | null;
  languageConfidence: number;
  emotion: Emotion;
  emotionScore: number;
}

export interface TurnOutcome {
  status: TurnStatus;
  conversation: ConversationRecord | null;
  reply: TurnReply | null;
  /** Present for customer messages the pipeline read. */
  reading: MessageReading | null;
  /** Names of the enchantments that ran for this turn, in order. */
  enchantments: string[];
}
