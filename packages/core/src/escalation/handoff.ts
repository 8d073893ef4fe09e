import type { Emotion } from "../assistant/emotion.js";
import type { LanguageCode } from "../assistant/language.js";
import type { WindowMessage } from "../assistant/responder.js";

export const PRIORITIES = ["urgent", "high", "normal", "low"] as const;
export type Priority = (typeof PRIORITIES)[number];

/** Why the assistant escalated (issue 4, "When to escalate"). */
export type EscalationReason = "asked_for_human" | "repeated_frustration" | "low_confidence" | "tenant_rule";

export type HandoffStatus = "pending" | "accepted" | "follow_up" | "ended";

/**
 * A message of the handoff's own conversation (the customer's while it waits or is held, the agents'
 * replies): kept on the handoff so a closed chat stays readable for the 30 days the store keeps it.
 */
export interface HandoffMessage {
  /** The message's idempotency key: a retried relay or reply is stored once (C11). */
  key: string;
  at: number;
  from: "customer" | "agent";
  text: string;
  /** The agent who wrote it (agent messages). */
  agent?: string;
  /** The customer's mood read in it (customer messages, when the desk has a detector). */
  emotion?: Emotion;
}

/** An internal note: between agents only, never sent to the customer. */
export interface HandoffNote {
  id: string;
  at: number;
  agent: string;
  text: string;
}

/** Bounds of what a handoff keeps, so one record stays small however long the chat. */
export const HANDOFF_LIMITS = {
  /** The last messages kept (older ones leave the record first). */
  messages: 200,
  /** Characters kept of one message (a longer one is cut, with "…"). */
  messageLength: 4_000,
  notes: 100,
  noteLength: 2_000,
} as const;

/**
 * The guide's HandoffRequest: a customer waiting for a live agent. Its life is a small state machine
 * (applyHandoffEvent): offered to the available agents, taken by exactly one (atomic claim), requeued if
 * that agent disconnects, and turned into a follow-up task when nobody takes it in time.
 */
export interface HandoffRequest {
  id: string;
  tenant: string;
  channel: string;
  thread: string;
  threadKey: string;
  conversationId: string;
  /**
   * Asked from the dashboard's test chat or a preview (origin test/preview): shown to agents as a test,
   * never counted (C9). Absent in records from before it existed: live.
   */
  test?: boolean;
  reason: EscalationReason;
  language: LanguageCode;
  emotion: Emotion;
  priority: Priority;
  summary: string;
  lastMessages: WindowMessage[];
  createdAt: number;
  /** Nobody accepted by then → follow-up task. Reset when a requeue offers it again. */
  deadline: number;
  status: HandoffStatus;
  /** Every agent it was ever offered to. */
  offeredTo: string[];
  /** Agents who may accept it now. */
  candidates: string[];
  declinedBy: string[];
  /** Agents who disconnected while it was offered to them or while they had it. */
  leftBy: string[];
  acceptedBy: string | null;
  acceptedAt: number | null;
  /** Why it became a follow-up task. */
  followUpReason: "timeout" | "no_agent_left" | null;
  endedAt: number | null;
  endReason: "closed" | "resolved" | null;
  /**
   * Bumped by the store on every replaceHandoff (issue 16): a kept message or a note changes it too, not
   * only a state change. Absent from records written before it: their revision is their history length.
   */
  revision?: number;
  history: Array<{
    at: number;
    event: HandoffEvent["type"];
    agent?: string;
    /** The agent a transfer gave it to. */
    to?: string;
    result: HandoffResult;
  }>;
  /** The conversation since the request (absent on records stored before it was kept). */
  messages?: HandoffMessage[];
  /** Internal notes, oldest first (absent on older records). */
  notes?: HandoffNote[];
}

export type HandoffEvent =
  | { type: "accept"; agent: string; at: number }
  | { type: "decline"; agent: string; at: number }
  | { type: "disconnect"; agent: string; at: number }
  /** An agent became available while the request waits: it is offered to them too. */
  | { type: "agent-available"; agent: string; at: number }
  /** Time passes: past the deadline a pending request becomes a follow-up task. */
  | { type: "tick"; at: number }
  | { type: "end"; agent: string; at: number; how: "closed" | "resolved" }
  /** The agent who holds it gives it to another agent of the tenant; the customer's thread stays held. */
  | { type: "transfer"; agent: string; to: string; at: number };

export type HandoffResult =
  | "accepted"
  | "already_taken"
  | "not_offered"
  | "declined"
  | "offered"
  | "requeued"
  | "follow_up"
  | "ended"
  | "transferred"
  | "ignored";

export interface HandoffTransition {
  request: HandoffRequest;
  result: HandoffResult;
}

/**
 * One event applied to one request; pure, so the escalation service can apply events one at a time per
 * request (the atomic claim) and tests can replay any interleaving.
 */
export function applyHandoffEvent(
  request: HandoffRequest,
  event: HandoffEvent,
  options: { acceptTimeoutMs: number },
): HandoffTransition {
  const next = structuredClone(request);
  const result = transition(next, event, options.acceptTimeoutMs);
  next.history.push({
    at: event.at,
    event: event.type,
    ...("agent" in event ? { agent: event.agent } : {}),
    ...(event.type === "transfer" ? { to: event.to } : {}),
    result,
  });
  return { request: next, result };
}

function transition(request: HandoffRequest, event: HandoffEvent, acceptTimeoutMs: number): HandoffResult {
  const toFollowUp = (reason: "timeout" | "no_agent_left"): HandoffResult => {
    request.status = "follow_up";
    request.followUpReason = reason;
    request.candidates = [];
    return "follow_up";
  };
  switch (event.type) {
    case "accept": {
      if (request.status === "accepted" || request.status === "ended")
        return request.acceptedBy === event.agent ? "ignored" : "already_taken";
      if (request.status !== "pending") return "already_taken";
      if (!request.candidates.includes(event.agent)) return "not_offered";
      if (event.at > request.deadline) return toFollowUp("timeout");
      request.status = "accepted";
      request.acceptedBy = event.agent;
      request.acceptedAt = event.at;
      request.candidates = [];
      return "accepted";
    }
    case "decline": {
      if (request.status !== "pending" || !request.candidates.includes(event.agent)) return "ignored";
      request.candidates = request.candidates.filter((agent) => agent !== event.agent);
      request.declinedBy.push(event.agent);
      return request.candidates.length === 0 ? toFollowUp("no_agent_left") : "declined";
    }
    case "disconnect": {
      if (request.status === "pending" && request.candidates.includes(event.agent)) {
        request.candidates = request.candidates.filter((agent) => agent !== event.agent);
        request.leftBy.push(event.agent);
        return request.candidates.length === 0 ? toFollowUp("no_agent_left") : "ignored";
      }
      if (request.status === "accepted" && request.acceptedBy === event.agent) {
        request.status = "pending";
        // The agent who had it left mid-handoff: offer it again to the others who have not said no.
        request.leftBy.push(event.agent);
        request.acceptedBy = null;
        request.acceptedAt = null;
        request.candidates = request.offeredTo.filter(
          (agent) => !request.declinedBy.includes(agent) && !request.leftBy.includes(agent),
        );
        if (request.candidates.length === 0) return toFollowUp("no_agent_left");
        request.deadline = event.at + acceptTimeoutMs;
        return "requeued";
      }
      return "ignored";
    }
    case "agent-available": {
      if (request.status !== "pending") return "ignored";
      if (request.candidates.includes(event.agent) || request.declinedBy.includes(event.agent))
        return "ignored";
      request.candidates.push(event.agent);
      if (!request.offeredTo.includes(event.agent)) request.offeredTo.push(event.agent);
      return "offered";
    }
    case "tick": {
      if (request.status === "pending" && event.at > request.deadline) return toFollowUp("timeout");
      if (request.status === "pending" && request.candidates.length === 0) return toFollowUp("no_agent_left");
      return "ignored";
    }
    case "transfer": {
      if (request.status !== "accepted" || request.acceptedBy !== event.agent || event.to === event.agent)
        return "ignored";
      request.acceptedBy = event.to;
      // The new holder is one of those it was offered to from now on: they see it in their console.
      if (!request.offeredTo.includes(event.to)) request.offeredTo.push(event.to);
      return "transferred";
    }
    case "end": {
      if (request.status !== "accepted" || request.acceptedBy !== event.agent) return "ignored";
      request.status = "ended";
      request.endedAt = event.at;
      request.endReason = event.how;
      return "ended";
    }
  }
}
