import { z } from "zod";
import type { Emotion } from "../assistant/emotion.js";
import type { LanguageCode } from "../assistant/language.js";
import type { WindowMessage } from "../assistant/responder.js";
import type { EscalationReason, Priority } from "./handoff.js";

export type FollowUpStatus = "open" | "assigned" | "done";

/** RFC 5321's limit on a forward path; longer is no deliverable address. */
export const MAX_EMAIL_LENGTH = 254;
export const MAX_CONTACT_NAME_LENGTH = 100;

/**
 * What a customer gives when nobody could take them live (issue 17, finding 2). The name goes into an
 * e-mail's To header: control characters (CR/LF header injection, NUL) are refused, not stripped.
 */
export const followUpContactSchema = z
  .object({
    email: z
      .string()
      .trim()
      .max(MAX_EMAIL_LENGTH, `email is longer than ${MAX_EMAIL_LENGTH} characters`)
      .pipe(z.email("email is not an e-mail address: write it as name@example.com")),
    name: z
      .string()
      .trim()
      .max(MAX_CONTACT_NAME_LENGTH, `name is longer than ${MAX_CONTACT_NAME_LENGTH} characters`)
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
      .refine((name) => !/[\u0000-\u001f\u007f]/.test(name), "name must be one line of text")
      .optional(),
  })
  .strict();
export type FollowUpContactInput = z.input<typeof followUpContactSchema>;

/** The contact a customer gave for a task (never logged: it is customer contact detail). */
export interface FollowUpContact {
  email: string;
  /** Empty name given = null. */
  name: string | null;
  givenAt: number;
}

/**
 * An agent's answer to a task: by e-mail (sent through the tenant's OutboundSender), or in the customer's
 * own thread (kept until the customer's widget is back, then delivered as the agent's message).
 */
export interface FollowUpAnswer {
  /** The idempotency key of the answer (the console's message id): a resend is not sent twice. */
  key: string;
  via: "email" | "thread";
  by: string;
  at: number;
  text: string;
  /** E-mail only. */
  subject: string | null;
  /** E-mail: the address it went to (the contact's, at that moment). */
  to: string | null;
  /** `pending`: a thread answer waiting for the customer to come back. */
  status: "sent" | "delivered" | "pending";
  /** When it reached the customer's mail server (e-mail) or widget (thread). */
  deliveredAt: number | null;
}

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
  /**
   * What the customer gave when asked (the web widget asks): null until then. Absent from tasks stored
   * before it existed; read through `customerContactOf`.
   */
  customerContact?: FollowUpContact | null;
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
  /** As HandoffRequest.revision: bumped by the store on every replaceFollowUp (issue 16). */
  revision?: number;
  history: Array<{ at: number; status: FollowUpStatus; by: string | null }>;
  /** The agents' answers, oldest first. Absent from tasks stored before answers existed. */
  answers?: FollowUpAnswer[];
}

export function customerContactOf(task: CustomerFollowUp): FollowUpContact | null {
  return task.customerContact ?? null;
}

/**
 * What channels do with follow-up tasks beyond the agents' list (CoreHandle.followUpDesk): a customer
 * gives a contact for their own task, a customer's channel is back (pending thread answers go out), an
 * agent answers a task.
 */
export interface FollowUpDesk {
  /**
   * The customer of (tenant, channel, thread) gives a contact for task `followUp`. Refused with the
   * same problem as an unknown id when the task is another thread's: nobody learns another visitor's task.
   */
  giveContact(
    customer: { tenant: string; channel: string; thread: string },
    followUp: string,
    contact: FollowUpContactInput,
  ): Promise<FollowUpResult>;
  /** The customer's channel is open again: the answers kept for this thread are delivered now. */
  customerReturned(customer: { tenant: string; channel: string; thread: string }): Promise<void>;
  answerFollowUp(
    followUpId: string,
    agent: string,
    answer: { via: "email" | "thread"; key: string; text: string; subject?: string },
  ): Promise<FollowUpResult>;
}

/** `ok: false` says what was wrong, for the person who did it. */
export type FollowUpResult = { ok: true; status?: FollowUpAnswer["status"] } | { ok: false; problem: string };
