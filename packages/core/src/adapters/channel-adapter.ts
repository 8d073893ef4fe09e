import type { LanguageCode } from "../assistant/language.js";
import type { ContactRequest } from "../assistant/responder.js";
import type { TurnOutcome } from "../assistant/turn-outcome.js";
import type { FollowUpDesk } from "../escalation/follow-up.js";
import type { InboundEventInput } from "../events/inbound-event.js";

/**
 * The channel adapter contract (the plugin SDK's way in and out of core). An adapter turns platform
 * input into `InboundEvent`s and hands them to core through the `CoreHandle` it is given at start;
 * core asks it to deliver replies through `send`, and counts a reply only on a delivery receipt (C7).
 * Slack, Teams, the web widget and examples/custom-adapter all implement it the same way.
 */
export interface ChannelAdapter {
  /** The channel name written into every event (`slack`, `teams`, `web`, …): scopes idempotency keys (C11). */
  readonly channel: string;
  /** Begins receiving platform input (listen, connect, subscribe). Core is ready when this is called. */
  start(core: CoreHandle): Promise<void>;
  /** Stops receiving and releases sockets and timers; pending deliveries may still settle. */
  stop(): Promise<void>;
  /** Delivers a message to a customer's thread. Never throws for a platform refusal: it returns a failure. */
  send(message: OutboundMessage): Promise<DeliveryResult>;
  /** Optional: the channel can host agents (handoffs, agent replies). Used by Escalation. */
  readonly agents?: AgentChannel;
  /** Optional: the channel can host the tenant's follow-up thread. Used by Escalation. */
  readonly followUps?: FollowUpChannel;
}

/** What core gives an adapter: one entry point for every normalized event. */
export interface CoreHandle {
  /**
   * Validates (zod), de-duplicates (C11), places (C1–C10) and, for a customer message, answers it through
   * the adapter's `send`. Resolves when the event is fully handled. Rejects with a LutinError
   * (EVENT_INVALID, …) when the event is not acceptable; the adapter answers its platform accordingly.
   */
  receive(event: InboundEventInput): Promise<TurnOutcome>;
  /** Present when Escalation runs: what agents do from this channel. */
  readonly desk?: AgentDesk;
  /** Present when Escalation runs: customers' contacts for their tasks, answers kept for their return. */
  readonly followUpDesk?: FollowUpDesk;
}

export interface OutboundMessage {
  tenant: string;
  /** The thread as the adapter put it in its inbound events. */
  thread: string;
  /** Core's idempotency key for this reply; an adapter may pass it to platforms that de-duplicate sends. */
  key: string;
  text: string;
  language: LanguageCode;
  /** Text direction of `language` (Arabic is right to left). */
  direction: "ltr" | "rtl";
  /** Buttons the channel may render (Quick Replies, "resolved" button); a channel without buttons ignores them. */
  actions?: readonly OutboundAction[];
  /** The inbound message this answers, as its idempotency key. */
  inReplyTo?: string;
  /**
   * Who speaks: the assistant's answer, a human agent's message, or a system notice (handoff, follow-up,
   * goodbye; never counted, C9). Channels may show them differently. Absent from adapters' older callers.
   */
  author?: "assistant" | "agent" | "system";
  /**
   * A follow-up task was created for this customer: a channel that cannot reach them otherwise (the web
   * widget's anonymous visitor) asks for a contact and gives it to `CoreHandle.followUpDesk`; channels
   * that know who the customer is (Slack, Teams) ignore it.
   */
  contactRequest?: ContactRequest;
  /** Set on the goodbye of a conversation the customer just resolved (C4): a channel may hide its "resolved" button. */
  resolved?: true;
}

export interface OutboundAction {
  /** `quick_reply` sends `value` back as a customer message; `resolve` marks the conversation resolved (C4). */
  kind: "quick_reply" | "resolve";
  label: string;
  value: string;
}

export type DeliveryResult = DeliveryReceipt | DeliveryFailure;

/** The channel confirmed the send (C7: this is the count moment). */
export interface DeliveryReceipt {
  ok: true;
  /** When the channel accepted the message (ms since the epoch); the platform's timestamp when it gives one. */
  deliveredAt: number;
  /** The platform's id for the message (Slack ts, Teams activity id), for edits and threading. */
  platformMessageId?: string;
}

export const DELIVERY_FAILURE_REASONS = [
  "unreachable",
  "rate_limited",
  "rejected",
  "auth_failed",
  "too_long",
  "thread_gone",
] as const;
export type DeliveryFailureReason = (typeof DELIVERY_FAILURE_REASONS)[number];

/** The channel did not take the message: the reply is not counted (C7) and may be retried. */
export interface DeliveryFailure {
  ok: false;
  reason: DeliveryFailureReason;
  /** Whether trying again later may succeed (rate limits, network), as opposed to a refusal. */
  retryable: boolean;
  /** What went wrong and how to fix it, for the operator; never the message text or a secret. */
  detail: string;
}

/** Agents' side of a channel (Slack channel, Teams channel, web console): handoffs and live chats. */
export interface AgentChannel {
  /** Posts something agents must see: a new handoff request, its update ("taken by Ana"), a customer's message. */
  post(post: AgentChannelPost): Promise<DeliveryResult>;
}

/** The tenant's follow-up thread: one post per task, then its updates. */
export interface FollowUpChannel {
  postFollowUp(post: AgentChannelPost): Promise<DeliveryResult>;
}

export type AgentChannelPostKind =
  | "handoff_requested"
  | "handoff_taken"
  | "handoff_withdrawn"
  | "customer_message"
  | "handoff_ended"
  /** A handoff given to another agent: only the new holder gets it (channels that do not know it may refuse it). */
  | "handoff_transferred"
  | "follow_up_created"
  | "follow_up_updated";

/** A message for agents: plain text plus structured fields the channel may render richly (Block Kit, cards). */
export interface AgentChannelPost {
  kind: AgentChannelPostKind;
  tenant: string;
  /** Idempotency key of the post: posting the same key twice must not show it twice. */
  key: string;
  /** The handoff request or follow-up task it is about. */
  ref: string;
  /** The agents it is meant for (a handoff's candidates, its holder); empty = every agent of the tenant on the channel. */
  agents: string[];
  text: string;
  fields: Record<string, string>;
  /**
   * The handoff or task comes from the dashboard's test chat or a preview (origin test/preview, never
   * counted, C9): channels show it as a test ("TEST" badge) so nobody treats it as a customer.
   */
  test?: boolean;
}

/**
 * What agents do, for adapters that host them (they get it in `CoreHandle.desk`): presence, accepting a
 * handoff (the atomic claim), writing to the customer, ending the handoff, and working follow-up tasks.
 */
export interface AgentDesk {
  reportPresence(tenant: string, agent: string, presence: { isOnline: boolean; via: string }): Promise<void>;
  /** Refused (with what to tell the person) when `agent` is not one of the tenant's agents. */
  setActive(tenant: string, agent: string, isActive: boolean): Promise<DeskResult>;
  accept(handoffId: string, agent: string): Promise<DeskResult>;
  decline(handoffId: string, agent: string): Promise<DeskResult>;
  reply(handoffId: string, agent: string, text: string, key: string): Promise<DeskResult>;
  end(handoffId: string, agent: string, how: "closed" | "resolved"): Promise<DeskResult>;
  assignFollowUp(followUpId: string, agent: string): Promise<DeskResult>;
  completeFollowUp(followUpId: string, agent: string): Promise<DeskResult>;
  /** An internal note on a handoff (agents only, never the customer); `id` makes a resend a no-op. */
  addNote?(handoffId: string, agent: string, text: string, id: string): Promise<DeskResult>;
  /** The holder gives the handoff to another online, active agent of the tenant; the customer is not told. */
  transfer?(handoffId: string, agent: string, to: string): Promise<DeskResult>;
}

/** `ok: false` carries what to tell the agent ("taken by Bob", "no longer pending"). */
export type DeskResult = { ok: true } | { ok: false; problem: string };
