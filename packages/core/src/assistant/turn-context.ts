import type { Clock } from "../clock.js";
import type { ConversationRecord } from "../counting/conversation.js";
import type { InboundEvent } from "../events/inbound-event.js";
import type { Emotion, EmotionReading } from "./emotion.js";
import type { LanguageCode, LanguageGuess } from "./language.js";
import type { ProductMessageKey, ProductMessages } from "./product-messages.js";
import type { ResponderReply, WindowMessage } from "./responder.js";
import type { AssistantTenant } from "./tenant-profile.js";

/** Plain JSON an enchantment keeps per thread between turns (Emotion's frustration streak, …). */
export type EnchantmentState = Record<string, unknown>;

/**
 * One customer message on its way through the enchantments to the responder and back. Enchantments
 * read and set the fields they own; the responder sees `language`, `emotion` and the last `windowSize`
 * messages of `window`; after `next()` the reply is in `reply` and may still be reworded.
 */
export interface TurnContext {
  readonly tenant: AssistantTenant;
  readonly event: InboundEvent;
  /** The customer's text, as received. */
  readonly text: string;
  /** The conversation the message belongs to after counting (C1–C6). */
  readonly conversation: ConversationRecord | null;
  readonly clock: Clock;
  readonly messages: ProductMessages;
  /** Names of the enchantments enabled for this tenant now (plan + add-ons, COUNTING.md catalog). */
  readonly enabled: ReadonlySet<string>;

  /** Language of the reply: the tenant's default unless Polyglot says otherwise. */
  language: LanguageCode;
  /** Polyglot's reading of this message on its own (null without Polyglot). */
  languageGuess: LanguageGuess | null;
  /** Mood for the tone of the reply: neutral unless Emotion reads otherwise. */
  emotion: Emotion;
  emotionReading: EmotionReading | null;
  /** Context window size: 10, or 50 with Memory. */
  windowSize: number;
  /** Recent messages of the thread, oldest first, ending with this message. */
  readonly window: readonly WindowMessage[];
  /** The responder's reply once `next()` returned (enchantments may reword it or replace it). */
  reply: ResponderReply | null;
  /**
   * Set by an enchantment that takes the conversation away from the responder (Escalation's handoff):
   * the responder is not called and the assistant stays quiet on later turns while it holds.
   */
  handledBy: string | null;
  /** Signals for Escalation: Emotion sets `frustratedInRow` (this message included). */
  readonly signals: TurnSignals;
  /** Texts to put before the reply (tone openers), in order; the pipeline joins them once. */
  readonly openers: string[];
  /** This enchantment's state for the thread (persisted after the turn). */
  stateOf(enchantment: string): EnchantmentState;
  /** A product message in the reply language (i18next). */
  t(key: ProductMessageKey, values?: Record<string, string | number>): string;
}

export interface TurnSignals {
  /** Consecutive customer messages of this conversation read as frustrated, this one included. */
  frustratedInRow: number;
  /**
   * The most pressing mood of the conversation's last few customer messages (Emotion sets it): what an
   * agent must know on a handoff, even when the message that asked for a person reads neutral
   * ("j'en ai marre !!!", then "je veux parler à un humain").
   */
  recentMood?: Emotion;
}
