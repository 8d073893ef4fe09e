import type { DeskState, DeskStatusReason } from "@lutingenie/core";
import { z } from "zod";

const reference = z.string().min(1).max(200);
/** A message id made by the console: a resend after a reconnect is applied once (C11). */
const clientId = z
  .string()
  .regex(/^[A-Za-z0-9:_-]{1,128}$/, "id must be 1–128 letters, digits, ':', '_' or '-'");

/** Longest internal note, in characters (core keeps the same bound: HANDOFF_LIMITS.noteLength). */
export const MAX_NOTE_LENGTH = 2_000;
/** Longest search text, in characters. */
export const MAX_SEARCH_LENGTH = 200;

/** The agent console's WebSocket protocol, client → server. Every command carries a requestId for its result. */
export const agentClientMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("auth"), token: z.string().min(1).max(200) }).strict(),
  /** Sent every 20 s: refreshes presence (isOnline), which expires after 90 s without one. */
  z.object({ type: z.literal("heartbeat") }).strict(),
  z.object({ type: z.literal("snapshot") }).strict(),
  z.object({ type: z.literal("active"), requestId: reference, isActive: z.boolean() }).strict(),
  z.object({ type: z.literal("accept"), requestId: reference, handoff: reference }).strict(),
  z.object({ type: z.literal("decline"), requestId: reference, handoff: reference }).strict(),
  z
    .object({
      type: z.literal("end"),
      requestId: reference,
      handoff: reference,
      how: z.enum(["closed", "resolved"]),
    })
    .strict(),
  z
    .object({
      type: z.literal("reply"),
      requestId: reference,
      handoff: reference,
      /** The console's message id: a resend after a reconnect is not delivered twice (C11). */
      id: clientId,
      text: z.string().min(1, "text must not be empty"),
    })
    .strict(),
  /** One conversation to read: its messages, notes and the customer's panel (any agent of the tenant). */
  z.object({ type: z.literal("open"), requestId: reference, handoff: reference }).strict(),
  /** Conversations of the last 30 days whose customer text, id or language matches `query`. */
  z
    .object({
      type: z.literal("search"),
      requestId: reference,
      query: z
        .string()
        .max(MAX_SEARCH_LENGTH, `query is longer than ${MAX_SEARCH_LENGTH} characters: shorten it`),
    })
    .strict(),
  /** An internal note: stored with the handoff, shown to the tenant's agents, never sent to the customer. */
  z
    .object({
      type: z.literal("note"),
      requestId: reference,
      handoff: reference,
      id: clientId,
      text: z
        .string()
        .trim()
        .min(1, "text must not be empty")
        .max(MAX_NOTE_LENGTH, `text is longer than ${MAX_NOTE_LENGTH} characters: shorten the note`),
    })
    .strict(),
  /** The holder gives the conversation to another online agent of the tenant (`to`: their agent id). */
  z.object({ type: z.literal("transfer"), requestId: reference, handoff: reference, to: reference }).strict(),
  /** The tenant's canned replies (its quick replies) in one language. */
  z
    .object({
      type: z.literal("canned"),
      requestId: reference,
      language: z.string().regex(/^[a-z]{2}$/, "language must be a two-letter code such as en or fr"),
    })
    .strict(),
  /** The agent is typing (on) or stopped (off) in a conversation they hold: the widget shows it. No result. */
  z.object({ type: z.literal("typing"), handoff: reference, on: z.boolean() }).strict(),
  z.object({ type: z.literal("assign"), requestId: reference, followUp: reference }).strict(),
  z.object({ type: z.literal("done"), requestId: reference, followUp: reference }).strict(),
  /** Answers a follow-up task by e-mail (to the contact the customer gave) or in the customer's thread. */
  z
    .object({
      type: z.literal("answer"),
      requestId: reference,
      followUp: reference,
      via: z.enum(["email", "thread"]),
      /** The console's answer id: a resend after a reconnect is not sent twice. */
      id: z.string().regex(/^[A-Za-z0-9:_-]{1,128}$/, "id must be 1–128 letters, digits, ':', '_' or '-'"),
      text: z.string().min(1, "text must not be empty").max(10_000, "text is longer than 10,000 characters"),
      subject: z.string().max(200, "subject is longer than 200 characters").optional(),
    })
    .strict(),
]);
export type AgentClientMessage = z.output<typeof agentClientMessageSchema>;

/**
 * Server → console, after the first snapshot and on every change: whether live requests reach agents now
 * (core's desk status). `reachesYou`: this agent is one a live request can reach (online, active, with
 * room, and in hours unless the tenant allows agents outside them).
 */
export interface AgentDeskFrame {
  type: "desk";
  /** `off`: the tenant's plan has no Escalation: no live request reaches anyone. */
  state: DeskState;
  reason: DeskStatusReason;
  /** closed: the next opening, ISO 8601 (shown on the tenant's clock, `timeZone`); otherwise null. */
  opensAt: string | null;
  timeZone: string;
  reachesYou: boolean;
}
