import type { ConversationRecord } from "./conversation.js";

/**
 * A conversation as people read it (dashboards, `lutin simulate --json`, exports): its reasons and
 * count as COUNTING.md words them, instants as ISO-8601 UTC text.
 */
export interface ConversationView {
  id: string;
  channel: string;
  mode: ConversationRecord["mode"];
  linkedConversationId: string | null;
  openedAt: string;
  openReason: ConversationRecord["openReason"];
  endedAt: string | null;
  endReason: ConversationRecord["endReason"];
  counted: boolean;
  countedAt: string | null;
  notCountedReason: ConversationRecord["notCountedReason"];
  period: string;
  plan: string | null;
}

export function conversationView(conversation: ConversationRecord): ConversationView {
  return {
    id: conversation.id,
    channel: conversation.channel,
    mode: conversation.mode,
    linkedConversationId: conversation.linkedConversationId,
    openedAt: new Date(conversation.openedAt).toISOString(),
    openReason: conversation.openReason,
    endedAt: isoOrNull(conversation.endedAt),
    endReason: conversation.endReason,
    counted: conversation.counted,
    countedAt: isoOrNull(conversation.countedAt),
    notCountedReason: conversation.notCountedReason,
    period: conversation.period,
    plan: conversation.plan,
  };
}

function isoOrNull(at: number | null): string | null {
  return at === null ? null : new Date(at).toISOString();
}
