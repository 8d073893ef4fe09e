import type { Emotion } from "./emotion.js";
import type { LanguageCode } from "./language.js";

/** One message of the context window, oldest first. */
/** Read-only: a saved window shares its messages with the next load's (file-thread-memory.ts). */
export interface WindowMessage {
  readonly from: "customer" | "assistant" | "agent" | "system";
  readonly text: string;
  readonly at: number;
  /** The message's idempotency key, when it came through the assistant (keeps a retried turn from adding it twice). */
  readonly key?: string;
}

/** Everything a responder may read to answer the customer's latest message. */
export interface ResponderRequest {
  tenant: string;
  /** The customer's latest message (also the last entry of `window`). */
  text: string;
  /** The context window (Memory: 10 messages, 50 with the Memory enchantment). */
  window: readonly WindowMessage[];
  /** The language to answer in (Polyglot's choice, or the tenant's default language). */
  language: LanguageCode;
  /** The customer's mood, for the tone of the answer (neutral without Emotion). */
  emotion: Emotion;
  /**
   * The responder's own state for this conversation (a multi-step flow and its slots), as it returned
   * it last time; undefined at the start of a conversation. Plain JSON: the pipeline stores it.
   */
  state: Record<string, unknown> | undefined;
  /** Aborted when the pipeline's time budget runs out. */
  signal: AbortSignal;
}

export interface ResponderReply {
  text: string;
  /** 0..1: how sure the responder is that the reply answers the message. Below 0.35 is "I don't know". */
  confidence: number;
  /** Which responder (and which entry or model) produced it, for the history view. */
  source: string;
  /** New state for the conversation; undefined clears it. */
  state?: Record<string, unknown> | undefined;
  /** Set by a knowledge base entry or flow that knows the topic (used for follow-up labels). */
  topic?: string | undefined;
  /** The responder already wrote the reply in the customer's tone (an LLM told so): no tone opener is added. */
  toned?: boolean;
  /**
   * A product notice (handoff, follow-up, contact details), not an answer: delivered as a system message,
   * so it never counts (C9) — a customer who only got notices before a handoff counts 0 AI (C10).
   */
  notice?: boolean;
  /**
   * The responder had no answer: this is its "I don't know". Escalation then offers a person (or, without
   * Escalation, the tenant's contact details) rather than leave the customer with a request to rephrase.
   */
  unanswered?: boolean;
  /** Buttons to offer with the reply (Quick Replies). */
  actions?: Array<{ label: string; value: string }>;
  /** A follow-up task was created: channels that cannot reach the customer later ask for a contact. */
  contactRequest?: ContactRequest;
}

/** Ask the customer how to reach them about follow-up task `followUp` (OutboundMessage.contactRequest). */
export interface ContactRequest {
  followUp: string;
}

export interface Responder {
  readonly name: string;
  respond(request: ResponderRequest): Promise<ResponderReply>;
}

/** Below this confidence a reply is an "I don't know" (Escalation counts these). */
export const LOW_CONFIDENCE = 0.35;
