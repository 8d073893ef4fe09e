import type {
  AgentChannel,
  AgentDesk,
  DeliveryFailureReason,
  FollowUpChannel,
  Logger,
} from "@lutingenie/core";
import type { Activity, CloudAdapter, ConversationReference, TurnContext } from "botbuilder";

/**
 * The agents' half of the Teams channel, plugged into the customer adapter (createTeamsAdapter's
 * `agentSide`). The adapter owns the HTTP entry, authentication, the CloudAdapter and the customer side;
 * for every authenticated activity it first asks `handles(activity)`, and routes what the agent side
 * claims to `onActivity` instead of the customer mapping. Typical claims: any activity in the agents'
 * or follow-up channel (their conversations, `19:…@thread.tacv2`, with or without `;messageid=`), a card
 * action whose data is not the customer's (the customer's carry `lutin: "customer"`, see reply-card.ts),
 * and presence commands (`available`, `away`, `status`) in an agent's personal chat.
 *
 * Contract:
 * - `handles` is synchronous, cheap and never throws; it sees the raw (authenticated) activity.
 * - `onActivity` runs inside the Bot Framework turn, so the HTTP answer waits for it: do the quick part
 *   (an invoke must set its response with `context.sendActivity({ type: "invokeResponse", value })`) and
 *   start anything slow without awaiting it, handing the promise to `host.track` so `idle()` and tests
 *   wait for it. A throw is logged (kind only) and answered 200 / an invoke 500.
 * - `agents` and `followUps`, when present, are exposed as the adapter's own `agents` / `followUps`
 *   (core's Escalation posts handoff requests and follow-up tasks through them).
 * - `start` is called once from the adapter's start(), after its state is open and before traffic;
 *   `stop` from the adapter's stop().
 */
export interface TeamsAgentSide {
  handles(activity: Partial<Activity>): boolean;
  onActivity(context: TurnContext, desk: AgentDesk | undefined): Promise<void>;
  readonly agents?: AgentChannel;
  readonly followUps?: FollowUpChannel;
  start?(host: TeamsAgentHost): Promise<void>;
  stop?(): Promise<void>;
}

/** What the adapter lends the agent side. */
export interface TeamsAgentHost {
  /** The LutinGénie tenant of this Teams app's traffic. */
  readonly tenant: string;
  /** The bot's Microsoft App ID (continueConversationAsync's first argument). */
  readonly appId: string;
  /** The adapter's CloudAdapter: proactive sends (continueConversationAsync, createConversationAsync). */
  readonly cloudAdapter: CloudAdapter;
  /** Where the customer's thread lives in Teams (its stored conversation reference), if known. */
  customerReference(thread: string): Promise<Partial<ConversationReference> | undefined>;
  /**
   * Runs one Bot Connector call with the adapter's delivery policy (bounded back-off on 429/412 honouring
   * Retry-After, no blind replay of a create that failed ambiguously; see delivery.ts). `idempotent`:
   * PUT/DELETE/reads may also be retried after a 502/504 or a time-out.
   */
  call<T>(operation: string, idempotent: boolean, run: () => Promise<T>): Promise<ConnectorCallResult<T>>;
  /** Keeps work started outside a turn visible to the adapter's idle(). */
  track(work: Promise<unknown>): void;
  readonly logger: Logger;
}

export type ConnectorCallResult<T> =
  | { ok: true; value: T }
  | { ok: false; status: number | null; reason: DeliveryFailureReason; retryable: boolean; detail: string };
