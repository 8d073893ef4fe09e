import {
  type ConversationLogRecord,
  type ConversationRecord,
  conversationView,
  type LoggedMessage,
} from "@lutingenie/core";
import { z } from "zod";
import { type HistoryReading, type HistoryRow, historyRowOf } from "./history.js";

/** Conversation ids are core's (`conv_…`, `human_…`); anything longer or stranger is refused before a lookup. */
export const conversationIdSchema = z
  .string()
  .max(64, "the conversation id is longer than 64 characters: copy it from the history")
  .regex(
    /^[A-Za-z0-9_-]+$/,
    "the conversation id must be letters, digits, '_' or '-': copy it from the history",
  );

/**
 * One step of a conversation's counting trail, with the COUNTING.md rule behind it: why it opened, what
 * reopened it, when and why it counted or why not, why it ended. The dashboard words `event` per language.
 */
export interface TrailStep {
  at: string | null;
  event:
    | `opened_${ConversationRecord["openReason"]}`
    | "reopened"
    | "related"
    | "unrelated"
    | "counted_ai"
    | "counted_human"
    | "not_counted_test"
    | "not_counted_preview"
    | "not_counted_cancelled"
    | "not_counted_merged"
    | "not_counted_yet"
    | `ended_${NonNullable<ConversationRecord["endReason"]>}`;
  rules: string[];
  /** What the step names: the plan and period of a count, the detector of a verdict, the conversation merged into. */
  detail: Record<string, string | number | boolean | null>;
}

export interface ConversationDetail extends HistoryRow {
  reopenedAt: string[];
  mergedInto: string | null;
  trail: TrailStep[];
  /** This conversation's messages, with its linked one's (C10: the AI and human halves of one chat), oldest first. */
  messages: Array<LoggedMessage & { at: number; conversationId: string }>;
  /** Messages said but no longer kept (the log keeps the latest ones per conversation). */
  messagesDropped: number;
}

const OPEN_RULES: Record<ConversationRecord["openReason"], string[]> = {
  first_message: ["C1"],
  after_close: ["C1", "C3"],
  after_inactivity: ["C1", "C2"],
  new_topic: ["C1", "C4", "C6"],
  handoff: ["C10"],
};
const END_RULES: Record<NonNullable<ConversationRecord["endReason"]>, string[]> = {
  inactivity: ["C2"],
  closed: ["C3"],
  resolved: ["C4"],
};
const NOT_COUNTED_RULES: Record<NonNullable<ConversationRecord["notCountedReason"]>, string[]> = {
  test: ["C9"],
  preview: ["C9"],
  cancelled: ["C8"],
  merged: ["C13"],
};

const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString());

/** The trail of a conversation, in time order (a step with no time, "not counted yet", last). */
export function trailOf(conversation: ConversationRecord): TrailStep[] {
  const steps: TrailStep[] = [
    {
      at: iso(conversation.openedAt),
      event: `opened_${conversation.openReason}`,
      rules: OPEN_RULES[conversation.openReason],
      detail: {
        linkedConversationId:
          conversation.openReason === "handoff" ? conversation.linkedConversationId : null,
      },
    },
  ];
  for (const verdict of conversation.relatedness)
    steps.push({
      at: iso(verdict.at),
      event: verdict.related ? "related" : "unrelated",
      rules: ["C4", "C6"],
      detail: { score: verdict.score, version: verdict.version },
    });
  for (const at of conversation.reopenedAt)
    steps.push({ at: iso(at), event: "reopened", rules: ["C4"], detail: {} });
  if (conversation.counted)
    steps.push({
      at: iso(conversation.countedAt),
      event: conversation.mode === "ai" ? "counted_ai" : "counted_human",
      rules: conversation.mode === "ai" ? ["C7", "Q2"] : ["C10", "Q2"],
      detail: { plan: conversation.plan, period: conversation.period },
    });
  if (conversation.notCountedReason !== null)
    steps.push({
      at: conversation.notCountedReason === "merged" ? null : iso(conversation.openedAt),
      event: `not_counted_${conversation.notCountedReason}`,
      rules: NOT_COUNTED_RULES[conversation.notCountedReason],
      detail: { mergedInto: conversation.mergedInto },
    });
  if (conversation.endReason !== null)
    steps.push({
      at: iso(conversation.endedAt),
      event: `ended_${conversation.endReason}`,
      rules: END_RULES[conversation.endReason],
      detail: {},
    });
  if (!conversation.counted && conversation.notCountedReason === null)
    steps.push({ at: null, event: "not_counted_yet", rules: ["C7", "C8"], detail: {} });
  return steps.sort((left, right) =>
    left.at === null ? 1 : right.at === null ? -1 : left.at.localeCompare(right.at),
  );
}

/** Everything the dashboard shows when a conversation is opened. */
export function conversationDetailOf(input: {
  conversation: ConversationRecord;
  linked: ConversationRecord | undefined;
  /** The conversation's log record and its linked half's (already read and tenant-checked). */
  own: ConversationLogRecord | undefined;
  other: ConversationLogRecord | undefined;
  /** Its language and emotion as the history row shows them. */
  reading: HistoryReading | undefined;
}): ConversationDetail {
  const { conversation, linked } = input;
  const { own } = input;
  const other = linked === undefined ? undefined : input.other;
  const messages = [
    ...(own?.messages ?? []).map((message) => ({ ...message, conversationId: conversation.id })),
    ...(other?.messages ?? []).map((message) => ({
      ...message,
      conversationId: (linked as ConversationRecord).id,
    })),
  ].sort((left, right) => left.at - right.at);
  const view = conversationView(conversation);
  return {
    ...historyRowOf(conversation, input.reading),
    ...view,
    reopenedAt: conversation.reopenedAt.map((at) => new Date(at).toISOString()),
    mergedInto: conversation.mergedInto,
    trail: trailOf(conversation),
    messages,
    messagesDropped: (own?.dropped ?? 0) + (other?.dropped ?? 0),
  };
}
