import { createHash } from "node:crypto";
import type { AgentChannelPost, AgentDesk, DeskResult } from "../adapters/channel-adapter.js";
import type { Assistant, TakeoverRouter } from "../assistant/assistant.js";
import type { EmotionDetector } from "../assistant/emotion.js";
import type { ProductMessages } from "../assistant/product-messages.js";
import type { ResponderReply, WindowMessage } from "../assistant/responder.js";
import type { AssistantTenant } from "../assistant/tenant-profile.js";
import type { TurnContext } from "../assistant/turn-context.js";
import { type Clock, systemClock } from "../clock.js";
import type { ConversationRecord } from "../counting/conversation.js";
import type { InboundEvent } from "../events/inbound-event.js";
import { threadKeyOf } from "../events/inbound-event.js";
import { errorFields, type Logger, silentLogger } from "../logging/logger.js";
import { analyzedText } from "../util/analyzed-text.js";
import { KeyedQueue } from "../util/keyed-queue.js";
import { type Agent, availableAgents, DEFAULT_PRESENCE_TTL_MS, isOnline, type Presence } from "./agents.js";
import { type DeskStatus, deskStatusAt } from "./desk-status.js";
import { type EscalationStore, type Revision, reviseRecord } from "./escalation-store.js";
import {
  type CustomerFollowUp,
  customerContactOf,
  type FollowUpDesk,
  type FollowUpResult,
} from "./follow-up.js";
import { FollowUpDeskService } from "./follow-up-desk.js";
import {
  applyHandoffEvent,
  type EscalationReason,
  type HandoffEvent,
  type HandoffRequest,
} from "./handoff.js";
import { withMessage, withNote } from "./handoff-record.js";
import { followUpLabels, topicOf } from "./labels.js";
import type { OutboundSender } from "./outbound-sender.js";
import { followUpPriority } from "./priority.js";

export interface EscalationServiceOptions {
  store: EscalationStore;
  messages: ProductMessages;
  /** The assistant settings of a tenant (business hours, time zone, follow-up channels). */
  tenants: (tenant: string) => Promise<AssistantTenant>;
  /** Rank of the tenant's plan now (for follow-up priority); null when unknown. */
  planRank?: (tenant: string, at: number) => Promise<number | null>;
  clock?: Clock;
  logger?: Logger;
  /** Nobody accepted a handoff by then → follow-up task. Default 2 minutes. */
  acceptTimeoutMs?: number;
  /** Presence not refreshed for this long counts as offline. Default 90 s. */
  presenceTtlMs?: number;
  /** How often `start()` checks deadlines and presence. Default 1 s. */
  tickIntervalMs?: number;
  /** Reads the mood of each customer message of a handoff, for the console's emotion trend. */
  emotion?: EmotionDetector;
  /** Carries agents' e-mail answers to follow-up tasks (SMTP in lutin serve); absent: e-mail answers are refused. */
  outboundSender?: OutboundSender;
  /** Whether Escalation runs for the tenant at `at` (its plan's enchantments); absent: always. */
  escalationEnabled?: (tenant: string, at: number) => Promise<boolean>;
}

/** What the escalation enchantment gets back: the notice for the customer, and the hold on the thread. */
export interface EscalationDecision {
  reply: ResponderReply;
  /** Set for a live handoff: the assistant stays quiet while the handoff holds. */
  holder: string | null;
  handoff: HandoffRequest | null;
  followUp: CustomerFollowUp | null;
}

const HOLDER_PREFIX = "handoff:";

/**
 * The guide's Escalation Power: check agent availability first; hand off in real time when someone can
 * take it (HandoffRequest, first to accept wins); create an organised follow-up task when nobody can.
 * Every change to a handoff goes through its own queue, so two agents accepting at once are applied one
 * after the other and exactly one wins (the atomic claim).
 */
export class EscalationService implements TakeoverRouter, AgentDesk, FollowUpDesk {
  readonly #options: EscalationServiceOptions;
  readonly #store: EscalationStore;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #acceptTimeoutMs: number;
  readonly #presenceTtlMs: number;
  readonly #queue = new KeyedQueue();
  readonly #deskListeners = new Set<(tenant: string) => void>();
  #assistant: Assistant | null = null;
  #timer: NodeJS.Timeout | null = null;
  readonly #followUpDesk: FollowUpDeskService;

  constructor(options: EscalationServiceOptions) {
    this.#options = options;
    this.#store = options.store;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
    this.#acceptTimeoutMs = options.acceptTimeoutMs ?? 120_000;
    this.#presenceTtlMs = options.presenceTtlMs ?? DEFAULT_PRESENCE_TTL_MS;
    this.#followUpDesk = new FollowUpDeskService({
      store: this.#store,
      // The same queue as assign and done: a task changes one step at a time.
      queue: this.#queue,
      clock: this.#clock,
      logger: this.#logger,
      tenants: options.tenants,
      ...(options.outboundSender === undefined ? {} : { outboundSender: options.outboundSender }),
      agentName: async (tenant, agent) => (await this.#agent(tenant, agent))?.name ?? agent,
      sendToThread: (message) => this.#assistantOrThrow().sendToThread(message),
      changed: (task) => this.#postToFollowUpChannels(task),
    });
  }

  /** The assistant that delivers to customers and counts (they refer to each other; this closes the loop). */
  attach(assistant: Assistant): void {
    this.#assistant = assistant;
  }

  /** Posts follow-up tasks left unposted by a crash, then checks deadlines and presence every second. */
  async start(): Promise<void> {
    await this.flushOutbox();
    this.#timer = setInterval(() => {
      this.tick().catch((error: unknown) => this.#logger.error("escalation tick failed", errorFields(error)));
    }, this.#options.tickIntervalMs ?? 1_000);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    await this.#queue.idle();
  }

  // ── agents ──────────────────────────────────────────────────────────────

  async putAgent(agent: Agent): Promise<void> {
    await this.#store.putAgent(agent);
  }

  async agentsOf(tenant: string): Promise<Array<Agent & { isOnline: boolean }>> {
    const now = this.#clock.now();
    const presence = await this.#tenantPresence(tenant);
    return (await this.#store.listAgents(tenant)).map((agent) => ({
      ...agent,
      isOnline: isOnline(presence.get(agent.id), now, this.#presenceTtlMs),
    }));
  }

  async reportPresence(
    tenant: string,
    agent: string,
    presence: { isOnline: boolean; via: string },
  ): Promise<void> {
    const now = this.#clock.now();
    // Presence lives in the store, so every server sharing it sees the agent online.
    const wasOnline = isOnline(await this.#store.getPresence(tenant, agent), now, this.#presenceTtlMs);
    await this.#store.putPresence(tenant, agent, { ...presence, seenAt: now });
    if (wasOnline && !presence.isOnline) await this.#agentLeft(tenant, agent);
    if (!wasOnline && presence.isOnline) await this.#agentArrived(tenant, agent);
    if (wasOnline !== presence.isOnline) this.#deskMayHaveChanged(tenant);
  }

  async setActive(tenant: string, agentId: string, isActive: boolean): Promise<DeskResult> {
    const agent = (await this.#store.listAgents(tenant)).find((candidate) => candidate.id === agentId);
    if (agent === undefined)
      return {
        ok: false,
        problem: `${agentId} is not an agent of ${tenant}: an admin adds this id to the tenant's agents (tenant file, "agents")`,
      };
    await this.#store.putAgent({ ...agent, isActive });
    if (!isActive) await this.#agentLeft(tenant, agentId);
    else if (isOnline(await this.#store.getPresence(tenant, agentId), this.#clock.now(), this.#presenceTtlMs))
      await this.#agentArrived(tenant, agentId);
    this.#deskMayHaveChanged(tenant);
    return { ok: true };
  }

  // ── the desk's status ──────────────────────────────────────────────────────

  /** Whether a live request of `tenant` can reach an agent now, and why not (desk-status.ts). */
  async deskStatus(tenant: string, now: number = this.#clock.now()): Promise<DeskStatus> {
    const settings = await this.#options.tenants(tenant);
    if ((await this.#options.escalationEnabled?.(tenant, now)) === false)
      return {
        state: "off",
        reason: "escalation_off",
        opensAt: null,
        hoursChangeAt: null,
        timeZone: settings.timeZone,
        availableAgents: [],
      };
    return deskStatusAt({
      agents: await this.#store.listAgents(tenant),
      presence: await this.#tenantPresence(tenant),
      load: await this.#load(tenant),
      now,
      presenceTtlMs: this.#presenceTtlMs,
      businessHours: settings.businessHours,
      timeZone: settings.timeZone,
      agentsMayTakeOutsideHours: settings.escalation.agentsMayTakeOutsideHours,
    });
  }

  /**
   * Calls `listener` with a tenant whenever its desk status may have changed (an agent came, left, turned
   * active or away, took or ended a chat). The business hours' own boundaries are not signalled: a status
   * carries \`hoursChangeAt\`, the instant to ask again. Returns the function that unsubscribes.
   */
  onDeskStatusChange(listener: (tenant: string) => void): () => void {
    this.#deskListeners.add(listener);
    return () => this.#deskListeners.delete(listener);
  }

  // ── the decision (called by the escalation enchantment, inside the customer's turn) ──────────

  async escalate(context: TurnContext, reason: EscalationReason): Promise<EscalationDecision> {
    const tenant = context.tenant;
    const now = this.#clock.now();
    const conversationId = context.conversation?.id ?? "";
    const threadKey = threadKeyOf(context.event);
    const load = await this.#load(tenant.id);
    const candidates = availableAgents({
      agents: await this.#store.listAgents(tenant.id),
      presence: await this.#tenantPresence(tenant.id),
      load,
      now,
      presenceTtlMs: this.#presenceTtlMs,
      businessHours: tenant.businessHours,
      timeZone: tenant.timeZone,
      language: context.language,
      agentsMayTakeOutsideHours: tenant.escalation.agentsMayTakeOutsideHours,
    });
    // C9: a test chat or a preview may reach agents, marked as a test everywhere it shows.
    const test = context.event.origin !== "live";
    const transcript = context.window.slice(-20);
    const priority = followUpPriority({
      emotion: context.emotionReading,
      frustratedInRow: context.signals.frustratedInRow,
      // Each message's analysed part (analyzed-text.ts): every message is read, none at any length.
      text: transcript.map((message) => analyzedText(message.text)).join("\n"),
      waitedMs: now - (context.conversation?.openedAt ?? now),
      planRank: (await this.#options.planRank?.(tenant.id, now)) ?? null,
    });
    const notice = (key: "handoff.connecting" | "followUp.created", source: string): ResponderReply => ({
      text: context.t(key),
      confidence: 1,
      source,
      notice: true,
      toned: true,
    });

    // The guide's key point: never offer a live connection when nobody can take it.
    if (candidates.length > 0) {
      const id = `handoff_${digest(threadKey, context.event.key)}`;
      const existing = await this.#store.getHandoff(id);
      const request: HandoffRequest = existing ?? {
        id,
        tenant: tenant.id,
        channel: context.event.channel,
        thread: context.event.thread,
        threadKey,
        conversationId,
        ...(test ? { test: true } : {}),
        reason,
        language: context.language,
        emotion: context.signals.recentMood ?? context.emotion,
        priority: priority.priority,
        summary: summaryOf(transcript),
        lastMessages: transcript,
        createdAt: now,
        deadline: now + this.#acceptTimeoutMs,
        status: "pending",
        offeredTo: candidates.map((agent) => agent.id),
        candidates: candidates.map((agent) => agent.id),
        declinedBy: [],
        leftBy: [],
        acceptedBy: null,
        acceptedAt: null,
        followUpReason: null,
        endedAt: null,
        endReason: null,
        history: [],
      };
      // A retried turn finds its handoff: never written back, it may have been accepted meanwhile (elsewhere).
      if (existing === undefined) await this.#store.putHandoff(request);
      const posted = await this.#postToAgents(
        request,
        "handoff_requested",
        request.candidates,
        handoffText(request),
      );
      if (posted > 0)
        return {
          reply: notice("handoff.connecting", "escalation:handoff"),
          holder: `${HOLDER_PREFIX}${id}`,
          handoff: request,
          followUp: null,
        };
      // No agents' channel took the request: nobody would see it, so it is a follow-up task after all.
      // Compare and set (issue 16): another server may have offered or changed it since it was written.
      await this.#reviseHandoff(
        id,
        (current) => ({
          next:
            current.status === "pending"
              ? { ...current, status: "follow_up", followUpReason: "no_agent_left", candidates: [] }
              : null,
          outcome: undefined,
        }),
        () => undefined,
      );
    }
    const followUp = await this.#createFollowUp({
      id: `followup_${digest(threadKey, context.event.key)}`,
      tenant: tenant.id,
      channel: context.event.channel,
      thread: context.event.thread,
      threadKey,
      conversationId,
      test,
      handoffId: null,
      transcript,
      topic: context.reply?.topic ?? null,
      language: context.language,
      emotion: context.signals.recentMood ?? context.emotion,
      reason,
      priority,
      now,
    });
    return {
      // Channels that do not know how to reach the customer (the web widget) ask for a contact now.
      reply: {
        ...notice("followUp.created", "escalation:follow-up"),
        contactRequest: { followUp: followUp.id },
      },
      holder: null,
      handoff: null,
      followUp,
    };
  }

  // ── while handed off ──────────────────────────────────────────────────────

  async route(
    holder: string,
    event: InboundEvent,
    _conversation: ConversationRecord,
  ): Promise<"held" | "released"> {
    if (!holder.startsWith(HOLDER_PREFIX)) return "held";
    const request = await this.#store.getHandoff(holder.slice(HOLDER_PREFIX.length));
    if (request === undefined || (request.status !== "pending" && request.status !== "accepted"))
      return "released";
    const audience =
      request.status === "accepted" && request.acceptedBy !== null
        ? [request.acceptedBy]
        : request.candidates;
    const text = event.text ?? "";
    if (text.length > 0) {
      const emotion = this.#options.emotion?.read(text, request.language).emotion;
      // Not awaited: this runs inside the customer's turn, and an accept holding the handoff's queue waits
      // for that turn (recordEvent); the queue applies it right after, in arrival order.
      void this.#keep(request.id, (current) =>
        withMessage(current, {
          key: event.key,
          at: event.at,
          from: "customer",
          text,
          ...(emotion === undefined ? {} : { emotion }),
        }),
      );
    }
    await this.#postToAgents(request, "customer_message", audience, text, `${request.id}:${event.key}`);
    return "held";
  }

  // ── agents' actions (AgentDesk) ─────────────────────────────────────────────

  accept(handoffId: string, agent: string): Promise<DeskResult> {
    return this.#apply(
      handoffId,
      { type: "accept", agent, at: this.#clock.now() },
      async (request, result) => {
        if (result === "accepted") {
          await this.#assistantOrThrow().recordEvent({
            key: `${request.id}:accepted:${agent}`,
            tenant: request.tenant,
            channel: request.channel,
            thread: request.thread,
            kind: "handoff",
            from: "agent",
            at: this.#clock.now(),
          });
          const name = (await this.#agent(request.tenant, agent))?.name ?? agent;
          await this.#notifyCustomer(request, `${request.id}:joined:${agent}`, "handoff.agentJoined", {
            agent: name,
          });
          await this.#postToAgents(request, "handoff_taken", request.offeredTo, `Taken by ${name}`);
          // The agent holds one more chat: at capacity, the desk may now have nobody with room.
          this.#deskMayHaveChanged(request.tenant);
          return { ok: true };
        }
        if (result === "already_taken") {
          const holder =
            request.acceptedBy === null ? null : await this.#agent(request.tenant, request.acceptedBy);
          return { ok: false, problem: `already taken by ${holder?.name ?? "another agent"}` };
        }
        if (result === "follow_up") {
          await this.#toFollowUp(request);
          return { ok: false, problem: "too late: the request became a follow-up task" };
        }
        return {
          ok: false,
          problem: result === "not_offered" ? "this request was not offered to you" : "no longer pending",
        };
      },
    );
  }

  decline(handoffId: string, agent: string): Promise<DeskResult> {
    return this.#apply(
      handoffId,
      { type: "decline", agent, at: this.#clock.now() },
      async (request, result) => {
        if (result === "follow_up") await this.#toFollowUp(request);
        return result === "ignored" ? { ok: false, problem: "no longer pending" } : { ok: true };
      },
    );
  }

  async reply(handoffId: string, agent: string, text: string, key: string): Promise<DeskResult> {
    const request = await this.#store.getHandoff(handoffId);
    if (request === undefined) return { ok: false, problem: "unknown handoff" };
    if (request.status !== "accepted" || request.acceptedBy !== agent)
      return { ok: false, problem: "you do not hold this conversation" };
    // C10: the agent's first delivered message counts the human conversation.
    const delivered = await this.#assistantOrThrow().sendToThread({
      tenant: request.tenant,
      channel: request.channel,
      thread: request.thread,
      key,
      text,
      from: "agent",
      language: request.language,
      origin: originOf(request),
    });
    if (!delivered.ok) return { ok: false, problem: `not delivered to the customer: ${delivered.detail}` };
    await this.#keep(handoffId, (current) =>
      withMessage(current, { key, at: delivered.deliveredAt, from: "agent", agent, text }),
    );
    return { ok: true };
  }

  /** An internal note (never sent to the customer), kept with the handoff for the agents who see it. */
  addNote(handoffId: string, agent: string, text: string, id: string): Promise<DeskResult> {
    const at = this.#clock.now();
    return this.#queue.run(handoffId, () =>
      this.#reviseHandoff(
        handoffId,
        async (request): Promise<Revision<HandoffRequest, DeskResult>> => {
          if ((await this.#agent(request.tenant, agent)) === undefined)
            return { next: null, outcome: { ok: false, problem: `${agent} is not an agent of this tenant` } };
          const outcome = withNote(request, { id: `${agent}:${id}`, at, agent, text });
          if (!outcome.ok) return { next: null, outcome };
          return { next: outcome.request === request ? null : outcome.request, outcome: { ok: true } };
        },
        () => ({ ok: false, problem: BUSY }),
        () => ({ ok: false, problem: "unknown handoff" }),
      ),
    );
  }

  /**
   * The holder gives the conversation to another agent of the tenant who is online, active and has room.
   * The thread stays held (the customer is not interrupted); the new holder is told and gets its messages.
   */
  async transfer(handoffId: string, agent: string, to: string): Promise<DeskResult> {
    const current = await this.#store.getHandoff(handoffId);
    if (current === undefined) return { ok: false, problem: "unknown handoff" };
    const target = await this.#agent(current.tenant, to);
    if (target === undefined) return { ok: false, problem: `${to} is not an agent of this tenant` };
    if (to === agent) return { ok: false, problem: "pick another agent than yourself" };
    const now = this.#clock.now();
    if (
      !target.isActive ||
      !isOnline(await this.#store.getPresence(current.tenant, to), now, this.#presenceTtlMs)
    )
      return { ok: false, problem: `${target.name} is not online and active: pick an agent who is` };
    if (((await this.#load(current.tenant)).get(to) ?? 0) >= target.capacity)
      return {
        ok: false,
        problem: `${target.name} already holds ${target.capacity} conversations, their most`,
      };
    return this.#apply(handoffId, { type: "transfer", agent, to, at: now }, async (request, result) => {
      if (result !== "transferred") return { ok: false, problem: "you do not hold this conversation" };
      const from = (await this.#agent(request.tenant, agent))?.name ?? agent;
      await this.#postToAgents(
        request,
        "handoff_transferred",
        [to],
        `${from} transferred a conversation to you`,
      );
      await this.#postToAgents(request, "handoff_taken", request.offeredTo, `Taken by ${target.name}`);
      // One agent holds one chat less and another one more: either may now have room, or none.
      this.#deskMayHaveChanged(request.tenant);
      return { ok: true };
    });
  }

  end(handoffId: string, agent: string, how: "closed" | "resolved"): Promise<DeskResult> {
    return this.#apply(
      handoffId,
      { type: "end", agent, at: this.#clock.now(), how },
      async (request, result) => {
        if (result !== "ended") return { ok: false, problem: "you do not hold this conversation" };
        const assistant = this.#assistantOrThrow();
        await this.#notifyCustomer(
          request,
          `${request.id}:left`,
          "handoff.agentLeft",
          { agent: (await this.#agent(request.tenant, agent))?.name ?? agent },
          undefined,
          undefined,
          // C4: an agent's Resolve ends the chat as solved, as the customer's own "That solved it" does.
          how === "resolved",
        );
        // C3 / C4: closing ends the conversation for good; resolving lets a related follow-up reopen it.
        await assistant.recordEvent({
          key: `${request.id}:${how}`,
          tenant: request.tenant,
          channel: request.channel,
          thread: request.thread,
          kind: how === "closed" ? "close" : "resolve",
          from: "agent",
          at: this.#clock.now(),
        });
        await assistant.release(request.threadKey);
        await this.#postToAgents(
          request,
          "handoff_ended",
          request.offeredTo,
          how === "closed" ? "Closed" : "Resolved",
        );
        this.#deskMayHaveChanged(request.tenant);
        return { ok: true };
      },
    );
  }

  async assignFollowUp(followUpId: string, agent: string): Promise<DeskResult> {
    return this.#updateFollowUp(followUpId, agent, (task) => {
      if (task.status === "done") return "already done";
      task.status = "assigned";
      task.assignee = agent;
      return null;
    });
  }

  async completeFollowUp(followUpId: string, agent: string): Promise<DeskResult> {
    return this.#updateFollowUp(followUpId, agent, (task) => {
      if (task.status === "done") return "already done";
      task.status = "done";
      task.assignee ??= agent;
      return null;
    });
  }

  // ── follow-up tasks: the customer's contact, agents' answers (follow-up-desk.ts) ─────────────

  giveContact(...args: Parameters<FollowUpDesk["giveContact"]>): Promise<FollowUpResult> {
    return this.#followUpDesk.giveContact(...args);
  }

  answerFollowUp(...args: Parameters<FollowUpDesk["answerFollowUp"]>): Promise<FollowUpResult> {
    return this.#followUpDesk.answerFollowUp(...args);
  }

  customerReturned(...args: Parameters<FollowUpDesk["customerReturned"]>): Promise<void> {
    return this.#followUpDesk.customerReturned(...args);
  }

  /** A tenant's follow-up tasks; `test: false` leaves out the test chat's, `test: true` keeps only them. */
  async listFollowUps(tenant: string, filter: { test?: boolean } = {}): Promise<CustomerFollowUp[]> {
    const tasks = await this.#store.listFollowUps(tenant);
    return filter.test === undefined ? tasks : tasks.filter((task) => (task.test === true) === filter.test);
  }

  listHandoffs(tenant: string): Promise<HandoffRequest[]> {
    return this.#store.listHandoffs(tenant);
  }

  // ── time ─────────────────────────────────────────────────────────────────

  /** Deadlines (no agent accepted in time → follow-up) and presence that stopped being refreshed. */
  async tick(now: number = this.#clock.now()): Promise<void> {
    for (const { tenant, agent, presence } of await this.#store.listPresence()) {
      if (presence.isOnline && !isOnline(presence, now, this.#presenceTtlMs)) {
        await this.#store.putPresence(tenant, agent, { ...presence, isOnline: false });
        await this.#agentLeft(tenant, agent);
        this.#deskMayHaveChanged(tenant);
      }
    }
    for (const request of await this.#store.listHandoffs(undefined, ["pending"])) {
      await this.#apply(request.id, { type: "tick", at: now }, async (updated, result) => {
        if (result === "follow_up") await this.#toFollowUp(updated);
        return { ok: true };
      });
    }
  }

  /** Posts the follow-up tasks that were stored but not yet posted (a crash between the two). */
  async flushOutbox(): Promise<void> {
    for (const task of await this.#store.listFollowUps())
      if (task.postedAt === null) await this.#postFollowUp(task);
  }

  // ── internals ──────────────────────────────────────────────────────────────

  #deskMayHaveChanged(tenant: string): void {
    for (const listener of this.#deskListeners) {
      try {
        listener(tenant);
      } catch (error) {
        this.#logger.warn("desk status listener failed", errorFields(error));
      }
    }
  }

  /**
   * Changes what a handoff keeps (messages), in the handoff's queue, by compare and set: a state change
   * another server made since the read (an Accept) is never written over (issue 16).
   */
  #keep(handoffId: string, change: (request: HandoffRequest) => HandoffRequest): Promise<void> {
    return this.#queue
      .run(handoffId, () =>
        this.#reviseHandoff(
          handoffId,
          (current) => {
            const changed = change(current);
            return { next: changed === current ? null : changed, outcome: undefined };
          },
          () =>
            this.#logger.warn("handoff message not kept: changed too often at once", { handoff: handoffId }),
        ),
      )
      .catch((error: unknown) =>
        this.#logger.warn("handoff message not kept", { handoff: handoffId, ...errorFields(error) }),
      );
  }

  /** reviseRecord on a handoff of this store; an unknown handoff answers as `unknown handoff` / nothing. */
  #reviseHandoff<T>(
    handoffId: string,
    change: (current: HandoffRequest) => Revision<HandoffRequest, T> | Promise<Revision<HandoffRequest, T>>,
    busy: () => T,
    missing: () => T = busy,
  ): Promise<T> {
    return reviseRecord({
      read: () => this.#store.getHandoff(handoffId),
      replace: (next, readRevision) => this.#store.replaceHandoff(next, readRevision),
      change,
      missing,
      busy,
    });
  }

  #apply(
    handoffId: string,
    event: HandoffEvent,
    after: (
      request: HandoffRequest,
      result: ReturnType<typeof applyHandoffEvent>["result"],
    ) => Promise<DeskResult>,
  ): Promise<DeskResult> {
    return this.#queue.run(handoffId, async () => {
      // The queue orders this process's changes; replaceHandoff (compare and set on the revision) orders
      // them across processes sharing the store: of two Accepts computed from one read, one lands, and the
      // other is applied again to what landed ("already taken").
      type Applied = { request: HandoffRequest; result: ReturnType<typeof applyHandoffEvent>["result"] };
      const applied = await this.#reviseHandoff<Applied | "busy" | "unknown">(
        handoffId,
        (current) => {
          const { request, result } = applyHandoffEvent(current, event, {
            acceptTimeoutMs: this.#acceptTimeoutMs,
          });
          // A tick that changed nothing is not written: every server ticks every pending handoff each second.
          const unchanged = event.type === "tick" && result === "ignored";
          return {
            next: unchanged ? null : request,
            outcome: { request: unchanged ? current : request, result },
          };
        },
        () => "busy" as const,
        () => "unknown" as const,
      );
      if (applied === "unknown") return { ok: false, problem: "unknown handoff" };
      if (applied === "busy") return { ok: false, problem: BUSY };
      return after(applied.request, applied.result);
    });
  }

  async #agentLeft(tenant: string, agent: string): Promise<void> {
    for (const request of await this.#store.listHandoffs(tenant, ["pending", "accepted"])) {
      const involved =
        (request.status === "pending" && request.candidates.includes(agent)) ||
        (request.status === "accepted" && request.acceptedBy === agent);
      if (!involved) continue;
      await this.#apply(
        request.id,
        { type: "disconnect", agent, at: this.#clock.now() },
        async (updated, result) => {
          if (result === "follow_up") await this.#toFollowUp(updated);
          if (result === "requeued") {
            await this.#notifyCustomer(
              updated,
              `${updated.id}:requeued:${updated.history.length}`,
              "handoff.connecting",
              {},
            );
            await this.#postToAgents(updated, "handoff_requested", updated.candidates, handoffText(updated));
          }
          return { ok: true };
        },
      );
    }
  }

  async #agentArrived(tenant: string, agentId: string): Promise<void> {
    const agent = await this.#agent(tenant, agentId);
    if (agent === undefined || !agent.isActive) return;
    for (const request of await this.#store.listHandoffs(tenant, ["pending"])) {
      await this.#apply(
        request.id,
        { type: "agent-available", agent: agentId, at: this.#clock.now() },
        async (updated, result) => {
          if (result === "offered")
            await this.#postToAgents(updated, "handoff_requested", [agentId], handoffText(updated));
          return { ok: true };
        },
      );
    }
  }

  /** A handoff nobody took: the customer is told, a task is created, and the assistant answers again. */
  async #toFollowUp(request: HandoffRequest): Promise<void> {
    const now = this.#clock.now();
    const task = await this.#createFollowUp({
      id: `followup_${digest(request.threadKey, request.id)}`,
      tenant: request.tenant,
      channel: request.channel,
      thread: request.thread,
      threadKey: request.threadKey,
      conversationId: request.conversationId,
      test: request.test === true,
      handoffId: request.id,
      transcript: request.lastMessages,
      topic: null,
      language: request.language,
      emotion: request.emotion,
      reason: request.reason,
      priority: {
        ...followUpPriority({
          emotion: { emotion: request.emotion, score: request.priority === "urgent" ? 0.9 : 0.5, cues: [] },
          frustratedInRow: 0,
          text: request.lastMessages.map((message) => message.text).join("\n"),
          waitedMs: now - request.createdAt,
          planRank: (await this.#options.planRank?.(request.tenant, now)) ?? null,
        }),
      },
      now,
    });
    await this.#postToAgents(
      request,
      "handoff_withdrawn",
      request.offeredTo,
      "No longer waiting: it became a follow-up task",
    );
    const assistant = this.#assistantOrThrow();
    await this.#notifyCustomer(
      request,
      `${request.id}:follow-up`,
      "handoff.noAgentAccepted",
      {},
      "followUp.created",
      task.id,
    );
    await assistant.release(request.threadKey);
  }

  async #createFollowUp(
    input: Pick<
      CustomerFollowUp,
      | "id"
      | "tenant"
      | "channel"
      | "thread"
      | "threadKey"
      | "conversationId"
      | "handoffId"
      | "transcript"
      | "language"
      | "emotion"
      | "reason"
    > & { priority: ReturnType<typeof followUpPriority>; topic: string | null; now: number; test: boolean },
  ): Promise<CustomerFollowUp> {
    // Idempotent: a retried turn or a restart mid-creation finds the task instead of making a second one.
    const existing = await this.#store.getFollowUp(input.id);
    if (existing !== undefined) {
      if (existing.postedAt === null) await this.#postFollowUp(existing);
      return existing;
    }
    // For the topic only: each message's analysed part (analyzed-text.ts).
    const texts = input.transcript
      .filter((message) => message.from === "customer")
      .map((message) => analyzedText(message.text));
    const task: CustomerFollowUp = {
      id: input.id,
      tenant: input.tenant,
      channel: input.channel,
      thread: input.thread,
      threadKey: input.threadKey,
      conversationId: input.conversationId,
      ...(input.test ? { test: true } : {}),
      handoffId: input.handoffId,
      contact: `${input.channel}:${input.thread}`,
      customerContact: null,
      transcript: input.transcript,
      summary: summaryOf(input.transcript),
      topic: topicOf(input.topic, texts),
      labels: followUpLabels({
        topic: input.topic,
        texts,
        language: input.language,
        emotion: input.emotion,
        channel: input.channel,
        reason: input.reason,
      }),
      priority: input.priority.priority,
      priorityReasons: input.priority.reasons,
      language: input.language,
      emotion: input.emotion,
      reason: input.reason,
      status: "open",
      assignee: null,
      createdAt: input.now,
      updatedAt: input.now,
      postedAt: null,
      history: [{ at: input.now, status: "open", by: null }],
      answers: [],
    };
    // Stored first (durably), posted second: a crash in between leaves it in the outbox, never lost.
    await this.#store.putFollowUp(task);
    await this.#postFollowUp(task);
    return task;
  }

  async #postFollowUp(task: CustomerFollowUp): Promise<void> {
    const assistant = this.#assistantOrThrow();
    const tenant = await this.#options.tenants(task.tenant);
    const channels = tenant.followUpChannels.length > 0 ? tenant.followUpChannels : undefined;
    const post: AgentChannelPost = {
      kind: "follow_up_created",
      tenant: task.tenant,
      key: `${task.id}:created`,
      ref: task.id,
      agents: [],
      text: testMarked(task.test, followUpText(task)),
      fields: {
        priority: task.priority,
        labels: task.labels.join(", "),
        contact: task.contact,
        language: task.language,
        status: task.status,
        customer: task.thread,
        lastMessages: lastMessagesField(task.transcript),
      },
      ...(task.test === true ? { test: true } : {}),
    };
    let posted = false;
    for (const adapter of assistant.adapters()) {
      if (adapter.followUps === undefined) continue;
      if (channels !== undefined && !channels.includes(adapter.channel)) continue;
      const result = await adapter.followUps.postFollowUp(post).catch((error: unknown) => ({
        ok: false as const,
        reason: "unreachable" as const,
        retryable: true,
        detail: String(errorFields(error).reason),
      }));
      if (result.ok) posted = true;
      else
        this.#logger.warn("follow-up task not posted; it stays in the outbox", {
          channel: adapter.channel,
          task: task.id,
          detail: result.detail,
        });
    }
    if (!posted) return;
    const postedAt = this.#clock.now();
    // Marked on what is stored now, by compare and set: an agent's assignment on another server meanwhile stays.
    await reviseRecord({
      read: () => this.#store.getFollowUp(task.id),
      replace: (next, readRevision) => this.#store.replaceFollowUp(next, readRevision),
      change: (current) => ({
        next: current.postedAt === null ? { ...current, postedAt } : null,
        outcome: undefined,
      }),
      missing: () => undefined,
      busy: () => undefined,
    });
  }

  async #updateFollowUp(
    id: string,
    agent: string,
    change: (task: CustomerFollowUp) => string | null,
  ): Promise<DeskResult> {
    return this.#queue.run(id, async () => {
      // Another process changed the task since it was read: read it again (compare and set, as #apply).
      const updated = await reviseRecord({
        read: () => this.#store.getFollowUp(id),
        replace: (next, readRevision) => this.#store.replaceFollowUp(next, readRevision),
        change: (task): Revision<CustomerFollowUp, CustomerFollowUp | string> => {
          const problem = change(task);
          if (problem !== null) return { next: null, outcome: problem };
          task.updatedAt = this.#clock.now();
          task.history.push({ at: task.updatedAt, status: task.status, by: agent });
          return { next: task, outcome: task };
        },
        missing: () => UNKNOWN_FOLLOW_UP,
        busy: () => BUSY,
      });
      if (typeof updated === "string") return { ok: false, problem: updated };
      await this.#postToFollowUpChannels(updated);
      return { ok: true };
    });
  }

  async #postToFollowUpChannels(task: CustomerFollowUp): Promise<void> {
    for (const adapter of this.#assistantOrThrow().adapters()) {
      await adapter.followUps
        ?.postFollowUp({
          kind: "follow_up_updated",
          tenant: task.tenant,
          key: `${task.id}:${task.history.length}`,
          ref: task.id,
          agents: [],
          text: testMarked(task.test, `${task.status}${task.assignee === null ? "" : ` · ${task.assignee}`}`),
          fields: {
            status: task.status,
            assignee: task.assignee ?? "",
            contact: customerContactOf(task)?.email ?? task.contact,
          },
          ...(task.test === true ? { test: true } : {}),
        })
        .catch(() => undefined);
    }
  }

  /** Posts to the agents' channels of the given agents; returns how many channels took it. */
  async #postToAgents(
    request: HandoffRequest,
    kind: AgentChannelPost["kind"],
    audience: readonly string[],
    text: string,
    key = `${request.id}:${kind}:${request.history.length}`,
  ): Promise<number> {
    const assistant = this.#assistantOrThrow();
    const agents = await this.#store.listAgents(request.tenant);
    const channels = new Set(
      agents.filter((agent) => audience.includes(agent.id)).flatMap((agent) => agent.channels),
    );
    let posted = 0;
    for (const channel of channels) {
      const desk = assistant.adapterFor(channel)?.agents;
      if (desk === undefined) continue;
      const result = await desk
        .post({
          kind,
          tenant: request.tenant,
          key,
          ref: request.id,
          agents: [...audience],
          text: testMarked(request.test, text),
          fields: {
            priority: request.priority,
            language: request.language,
            emotion: request.emotion,
            reason: request.reason,
            customerChannel: request.channel,
            customer: request.thread,
            lastMessages: lastMessagesField(request.lastMessages),
            status: request.status,
            ...(request.acceptedBy === null ? {} : { acceptedBy: request.acceptedBy }),
          },
          ...(request.test === true ? { test: true } : {}),
        })
        .catch((error: unknown) => ({ ok: false as const, detail: String(errorFields(error).reason) }));
      if (result.ok) posted++;
      else
        this.#logger.warn("agents' channel refused a post", {
          channel,
          handoff: request.id,
          kind,
          detail: result.detail,
        });
    }
    return posted;
  }

  async #notifyCustomer(
    request: HandoffRequest,
    key: string,
    message: "handoff.agentJoined" | "handoff.agentLeft" | "handoff.connecting" | "handoff.noAgentAccepted",
    values: Record<string, string>,
    then?: "followUp.created",
    contactFor?: string,
    resolved = false,
  ): Promise<void> {
    const messages = this.#options.messages;
    const text = [
      messages.t(request.language, message, values),
      ...(then === undefined ? [] : [messages.t(request.language, then)]),
    ].join(" ");
    const result = await this.#assistantOrThrow().sendToThread({
      tenant: request.tenant,
      channel: request.channel,
      thread: request.thread,
      key,
      text,
      from: "system",
      language: request.language,
      origin: originOf(request),
      ...(contactFor === undefined ? {} : { contactRequest: { followUp: contactFor } }),
      ...(resolved ? { resolved: true as const } : {}),
    });
    if (!result.ok)
      this.#logger.warn("customer notice not delivered", { handoff: request.id, detail: result.detail });
  }

  async #load(tenant: string): Promise<Map<string, number>> {
    const load = new Map<string, number>();
    for (const request of await this.#store.listHandoffs(tenant, ["accepted"]))
      if (request.acceptedBy !== null) load.set(request.acceptedBy, (load.get(request.acceptedBy) ?? 0) + 1);
    return load;
  }

  async #tenantPresence(tenant: string): Promise<Map<string, Presence>> {
    return new Map(
      (await this.#store.listPresence(tenant)).map((entry) => [entry.agent, entry.presence] as const),
    );
  }

  async #agent(tenant: string, id: string): Promise<Agent | undefined> {
    return (await this.#store.listAgents(tenant)).find((agent) => agent.id === id);
  }

  #assistantOrThrow(): Assistant {
    if (this.#assistant === null) throw new Error("EscalationService.attach(assistant) was not called");
    return this.#assistant;
  }
}

const UNKNOWN_FOLLOW_UP = "unknown follow-up task";

const BUSY = "the request changed several times at once; try again";

/**
 * A post about a test chat's handoff or task starts with "[TEST]": every agents' channel shows it (a Slack
 * section, a Teams card's text), and `test: true` says it to those that read fields.
 */
function testMarked(test: boolean | undefined, text: string): string {
  return test === true ? `[TEST] ${text}` : text;
}

/** What a handoff's messages to the customer are placed as: a test handoff's never count (C9). */
function originOf(request: HandoffRequest): "live" | "test" {
  return request.test === true ? "test" : "live";
}

function digest(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("base64url").slice(0, 20);
}

/** The customer's last questions, for the agent's first glance (no more than 280 characters). */
function summaryOf(transcript: readonly WindowMessage[]): string {
  const asked = transcript
    .filter((message) => message.from === "customer")
    .map((message) => message.text.trim());
  const summary = asked.slice(-3).join(" / ");
  return summary.length > 280 ? `${summary.slice(0, 279)}…` : summary;
}

/**
 * The conversation's last messages for an agent's card, one a line ("customer: …"): channels that render
 * rich posts (Teams cards) show them; bounded so a long transcript never swells a post.
 */
function lastMessagesField(messages: readonly WindowMessage[]): string {
  return messages
    .filter((message) => message.from !== "system")
    .slice(-5)
    .map((message) => {
      const text = message.text.replace(/\s+/g, " ").trim();
      return `${message.from}: ${text.length > 300 ? `${text.slice(0, 299)}…` : text}`;
    })
    .join("\n");
}

function handoffText(request: HandoffRequest): string {
  return `New ${request.priority} request (${request.language}, ${request.emotion}): ${request.summary}`;
}

function followUpText(task: CustomerFollowUp): string {
  return `Follow-up [${task.priority}] ${task.labels.join(" ")}\n${task.summary}`;
}
