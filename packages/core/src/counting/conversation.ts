import type { Origin } from "../events/inbound-event.js";

/** COUNTING.md C1 (and `handoff` for the human conversation C10 links to an AI one). */
export type OpenReason = "first_message" | "after_close" | "after_inactivity" | "new_topic" | "handoff";
/** How a conversation ended (C2, C3, C4). */
export type EndReason = "inactivity" | "closed" | "resolved";
/**
 * Why a conversation is not counted: C9 origins, C8 cancellation, and C13 merges (the conversation
 * turned out to be part of an earlier one once a late event arrived).
 */
export type NotCountedReason = "test" | "preview" | "cancelled" | "merged";
export type ConversationMode = "ai" | "human";

/** C6: what the relatedness detector said about a message after a resolution, kept for transparency. */
export interface RelatednessVerdict {
  /** Key of the customer message the verdict is about. */
  eventKey: string;
  related: boolean;
  /** 0 (surely unrelated) … 1 (surely related). */
  score: number;
  /** Detector name and version, e.g. `default@1`, or `transcript` when the input said so. */
  version: string;
  at: number;
}

/** One conversation, with every fact the dashboard's "why did this count" history needs (Q8). */
export interface ConversationRecord {
  id: string;
  tenant: string;
  channel: string;
  thread: string;
  threadKey: string;
  mode: ConversationMode;
  /** For a human conversation the AI one it belongs to, and the other way round (C10). */
  linkedConversationId: string | null;
  origin: Origin;
  openedAt: number;
  openReason: OpenReason;
  /** Key of the event that opened it (the conversation id is derived from it). */
  openedBy: string;
  lastActivityAt: number;
  endedAt: number | null;
  endReason: EndReason | null;
  /** Times a related follow-up reopened it after a resolution (C4). */
  reopenedAt: number[];
  counted: boolean;
  /** C7: when the first non-system reply (assistant, or agent for human) was delivered. */
  countedAt: number | null;
  /** Key of that delivered reply. */
  countedBy: string | null;
  notCountedReason: NotCountedReason | null;
  /** Set when a late event merged this conversation into an earlier one (C13). */
  mergedInto: string | null;
  /** C6 verdicts that decided a reopen or a new topic around this conversation. */
  relatedness: RelatednessVerdict[];
  /** Billing period start (YYYY-MM-DD, tenant time zone) of the count moment, or of the opening if not counted (Q2). */
  period: string;
  /** Plan in force at the count moment (Q8); null while not counted. */
  plan: string | null;
  /** Activity messages (customer, assistant, agent) placed in it. */
  messageCount: number;
  /** Ledger rows written for it so far (counts and reversals); the next row's id is `${id}:${ledgerGeneration}`. */
  ledgerGeneration: number;
}

/** True while nothing has ended the conversation (it may still expire by inactivity, see settle). */
export function isInProgress(conversation: ConversationRecord): boolean {
  return conversation.endReason === null && conversation.mergedInto === null;
}
