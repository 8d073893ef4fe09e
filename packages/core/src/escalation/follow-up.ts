import type { Emotion } from "../assistant/emotion.js";
import type { LanguageCode } from "../assistant/language.js";
import type { WindowMessage } from "../assistant/responder.js";
import type { EscalationReason, Priority } from "./handoff.js";

export type FollowUpStatus = "open" | "assigned" | "done";

/** The guide's CustomerFollowUp: an organised task for the team when nobody could take the customer live. */
export interface CustomerFollowUp {
  /** Derived from the message that led to it, so a retried or restarted creation finds the same task. */
  id: string;
  tenant: string;
  channel: string;
  thread: string;
  threadKey: string;
  conversationId: string;
  /** From the dashboard's test chat or a preview (C9: never counted); agents can tell it apart and filter it out. */
  test?: boolean;
  /** The handoff that timed out or lost its agents, if it came from one. */
  handoffId: string | null;
  /** How to reach the customer: the platform identity (Slack user, Teams chat, web visitor) or what they gave. */
  contact: string;
  transcript: WindowMessage[];
  summary: string;
  topic: string;
  labels: string[];
  priority: Priority;
  priorityReasons: string[];
  language: LanguageCode;
  emotion: Emotion;
  reason: EscalationReason;
  status: FollowUpStatus;
  assignee: string | null;
  createdAt: number;
  updatedAt: number;
  /** When it reached the follow-up thread; null = still to post (an outbox the service drains on start). */
  postedAt: number | null;
  history: Array<{ at: number; status: FollowUpStatus; by: string | null }>;
}
