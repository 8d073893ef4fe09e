import { createHash } from "node:crypto";
import type {
  AgentDesk,
  ChannelAdapter,
  CoreHandle,
  DeliveryResult,
  OutboundMessage,
} from "../adapters/channel-adapter.js";
import { type Clock, systemClock } from "../clock.js";
import type { ConversationLog, ConversationLogEntry } from "../conversation-log/index.js";
import type { ConversationRecord } from "../counting/conversation.js";
import type { ConversationCounter } from "../counting/counter.js";
import { LutinError } from "../errors.js";
import type { FollowUpDesk } from "../escalation/follow-up.js";
import {
  type InboundEvent,
  type InboundEventInput,
  MAX_TEXT_LENGTH,
  type Origin,
  parseInboundEvent,
  threadKeyOf,
  trustedTimestamp,
} from "../events/inbound-event.js";
import { errorFields, type Logger, silentLogger } from "../logging/logger.js";
import type { Store } from "../store/store.js";
import { KeyedQueue } from "../util/keyed-queue.js";
import type { EnchantmentPolicy } from "./enabled-enchantments.js";
import { defineEnchantment, type Enchantment, orderEnchantments, runEnchantments } from "./enchantment.js";
import { isSupportedLanguage, type LanguageCode } from "./language.js";
import type { ProductMessages } from "./product-messages.js";
import {
  type ContactRequest,
  LOW_CONFIDENCE,
  type Responder,
  type ResponderReply,
  type WindowMessage,
} from "./responder.js";
import { type AssistantTenant, parseAssistantTenant } from "./tenant-profile.js";
import {
  ANSWERED_KEYS_KEPT,
  createInMemoryThreadMemory,
  DEFAULT_WINDOW_SIZE,
  emptyThreadMemory,
  MAX_WINDOW_SIZE,
  type ThreadMemory,
  type ThreadMemoryRecord,
} from "./thread-memory.js";
import type { EnchantmentState, TurnContext } from "./turn-context.js";
import type { TurnOutcome, TurnReply } from "./turn-outcome.js";

export interface AssistantOptions {
  counter: ConversationCounter;
  /** The counter's store (the assistant reads a thread's current conversation from it). */
  store: Store;
  responder: Responder;
  messages: ProductMessages;
  /** Which enchantments run for a tenant (by plan: `enchantmentsByPlan`; fixed: `fixedEnchantments`). */
  policy: EnchantmentPolicy;
  /** Every enchantment available (built-ins and third-party); the policy picks per tenant. */
  enchantments?: readonly Enchantment[];
  /** The assistant settings of a tenant; unknown tenants get the defaults (English, no contact). */
  tenants?: (tenant: string) => AssistantTenant | undefined | Promise<AssistantTenant | undefined>;
  memory?: ThreadMemory;
  /** Where each conversation's messages and readings are kept for the dashboard; absent: not kept. */
  conversationLog?: ConversationLog;
  clock?: Clock;
  logger?: Logger;
  /**
   * Who decides about a conversation an enchantment handed over (Escalation's handoffs): whether it is
   * still held (the customer's message is relayed, the assistant stays quiet) or was released.
   */
  takeovers?: TakeoverRouter;
  /** What agents do from channels that host them (Escalation's service); handed to adapters in their CoreHandle. */
  desk?: AgentDesk;
  /** Follow-up tasks' customer side and answers (Escalation's service); handed to adapters in their CoreHandle. */
  followUpDesk?: FollowUpDesk;
  /** The responder's time budget per message; past it the customer gets the apology message. Default 10 s. */
  responderTimeoutMs?: number;
}

export interface ThreadMessage {
  tenant: string;
  channel: string;
  thread: string;
  /** Idempotency key of the message (an agent's message id, or a notice's derived key). */
  key: string;
  text: string;
  from: "agent" | "system";
  language: LanguageCode;
  origin?: Origin;
  /** A notice that a follow-up task was created: the channel may ask for a contact (OutboundMessage). */
  contactRequest?: ContactRequest;
  /** The goodbye of a conversation an agent resolved (C4): the channel may hide its "resolved" button. */
  resolved?: true;
}

export interface TakeoverRouter {
  /** `holder` is what the enchantment put in `context.handledBy`. */
  route(holder: string, event: InboundEvent, conversation: ConversationRecord): Promise<"held" | "released">;
}

/**
 * The assistant pipeline (ARCHITECTURE.md "How a message travels"): an adapter's event is validated,
 * de-duplicated (C11) and counted (C1–C10), one event per thread at a time (C12); a customer message
 * then runs through the tenant's enchantments around the responder, the reply goes out through the
 * adapter, and the counter books it on the delivery receipt (C7).
 */
export class Assistant {
  readonly #options: AssistantOptions;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #memory: ThreadMemory;
  readonly #enchantments: Enchantment[];
  readonly #adapters = new Map<string, ChannelAdapter>();
  readonly #threads = new KeyedQueue();

  constructor(options: AssistantOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
    this.#memory = options.memory ?? createInMemoryThreadMemory();
    const names = new Set<string>();
    for (const enchantment of options.enchantments ?? []) {
      defineEnchantment(enchantment);
      if (names.has(enchantment.name))
        throw new LutinError("ENCHANTMENT_INVALID", `two enchantments are named "${enchantment.name}"`, {
          hint: "give each enchantment its own name",
        });
      names.add(enchantment.name);
    }
    this.#enchantments = orderEnchantments(options.enchantments ?? []);
  }

  get counter(): ConversationCounter {
    return this.#options.counter;
  }

  /** Registers an adapter for its channel and returns the handle it receives events through. */
  connect(adapter: ChannelAdapter): CoreHandle {
    const existing = this.#adapters.get(adapter.channel);
    if (existing !== undefined && existing !== adapter)
      throw new LutinError("ADAPTER_CONFIG_INVALID", `two adapters claim the channel "${adapter.channel}"`, {
        hint: "give each adapter its own channel name",
      });
    this.#adapters.set(adapter.channel, adapter);
    const { desk, followUpDesk } = this.#options;
    return {
      receive: (event) => this.receive(adapter, event),
      ...(desk === undefined ? {} : { desk }),
      ...(followUpDesk === undefined ? {} : { followUpDesk }),
    };
  }

  /** Every connected adapter. */
  adapters(): ChannelAdapter[] {
    return [...this.#adapters.values()];
  }

  /** The adapter that serves a channel, for messages that start outside a turn (agents, notices). */
  adapterFor(channel: string): ChannelAdapter | undefined {
    return this.#adapters.get(channel);
  }

  /**
   * Sends a message to a customer's thread outside a customer turn — an agent's reply (counted as the
   * human conversation's activity, C10) or a notice (a system message, never counted, C9) — and places
   * it in counting once the channel confirmed it (C7). Runs in the thread's turn order (C12).
   */
  sendToThread(message: ThreadMessage): Promise<DeliveryResult> {
    const threadKey = threadKeyOf(message);
    return this.#threads.run(threadKey, async () => {
      const adapter = this.#adapters.get(message.channel);
      if (adapter === undefined)
        return {
          ok: false,
          reason: "unreachable",
          retryable: false,
          detail: `no adapter serves channel "${message.channel}"`,
        };
      let result: DeliveryResult;
      try {
        result = await adapter.send({
          tenant: message.tenant,
          thread: message.thread,
          key: message.key,
          text: message.text,
          language: message.language,
          direction: this.#options.messages.dir(message.language),
          author: message.from,
          ...(message.contactRequest === undefined ? {} : { contactRequest: message.contactRequest }),
          ...(message.resolved === true ? { resolved: true as const } : {}),
        });
      } catch (error) {
        result = {
          ok: false,
          reason: "unreachable",
          retryable: true,
          detail: String(errorFields(error).reason),
        };
      }
      if (!result.ok) return result;
      const at = this.#clock.now();
      const placed = await this.#options.counter.ingestEvent({
        key: message.key,
        tenant: message.tenant,
        channel: message.channel,
        thread: message.thread,
        kind: "message",
        from: message.from,
        origin: message.origin ?? "live",
        at,
        receivedAt: at,
        text: message.text,
      });
      const memory = (await this.#memory.load(threadKey)) ?? emptyThreadMemory(at);
      memory.window.push({ from: message.from, text: message.text, at, key: message.key });
      await Promise.all([
        this.#save(threadKey, memory, MAX_WINDOW_SIZE),
        this.#log(placed.conversation, {
          tenant: message.tenant,
          messages: [{ from: message.from, text: message.text, at }],
        }),
      ]);
      return result;
    });
  }

  /** Places an event that needs no answer (a handoff, an agent's close or resolve) in the thread's turn order. */
  recordEvent(input: InboundEventInput): Promise<TurnOutcome> {
    const event = parseInboundEvent({ ...input, receivedAt: input.receivedAt ?? this.#clock.now() });
    return this.#threads.run(threadKeyOf(event), async () => {
      const placed = await this.#options.counter.ingestEvent(event);
      return {
        status: placed.status === "processed" ? "placed" : placed.status,
        conversation: placed.conversation,
        reply: null,
        reading: null,
        enchantments: [],
      };
    });
  }

  /** Ends the hold an enchantment put on a thread (a handoff that is over), so the assistant answers again. */
  release(threadKey: string): Promise<void> {
    return this.#threads.run(threadKey, async () => {
      const memory = await this.#memory.load(threadKey);
      if (memory === undefined || memory.handledBy === null) return;
      memory.handledBy = null;
      await this.#save(threadKey, memory, MAX_WINDOW_SIZE);
    });
  }

  /** Connects and starts every adapter. */
  async start(adapters: readonly ChannelAdapter[]): Promise<void> {
    for (const adapter of adapters) await adapter.start(this.connect(adapter));
  }

  async stop(): Promise<void> {
    for (const adapter of this.#adapters.values()) await adapter.stop();
    await this.#threads.idle();
    await this.#options.counter.idle();
    await this.#memory.close();
  }

  /** Handles one event from `adapter` (its channel is filled in when the event leaves it out). */
  receive(adapter: ChannelAdapter, input: InboundEventInput): Promise<TurnOutcome> {
    let event: InboundEvent;
    let tooLong = 0;
    try {
      const candidate = { ...input, channel: input.channel ?? adapter.channel };
      if (candidate.channel !== adapter.channel)
        throw new LutinError(
          "EVENT_INVALID",
          `event channel "${candidate.channel}" does not match its adapter's channel "${adapter.channel}"`,
          { hint: "let the adapter set `channel`, or leave it out" },
        );
      if (typeof candidate.key === "string" && candidate.key.startsWith(REPLY_KEY_PREFIX))
        throw new LutinError(
          "EVENT_INVALID",
          `event key "${candidate.key.slice(0, 80)}" is reserved: keys starting with "${REPLY_KEY_PREFIX}" name the assistant's replies`,
          {
            hint: "give the event the platform's own id (a widget message id, Slack's channel:ts, a Teams activity id), never one starting with reply:",
          },
        );
      // An oversized message is still a customer message: it is counted and answered with the limit,
      // instead of being dropped with a validation error the customer never sees.
      if (typeof candidate.text === "string" && candidate.text.length > MAX_TEXT_LENGTH) {
        tooLong = candidate.text.length;
        candidate.text = candidate.text.slice(0, MAX_TEXT_LENGTH);
      }
      event = parseInboundEvent(candidate);
      if (event.receivedAt === undefined) event = { ...event, receivedAt: this.#clock.now() };
    } catch (error) {
      return Promise.reject(error);
    }
    const threadKey = threadKeyOf(event);
    return this.#threads.run(threadKey, () => this.#handle(adapter, event, threadKey, tooLong));
  }

  async #handle(
    adapter: ChannelAdapter,
    event: InboundEvent,
    threadKey: string,
    tooLong: number,
  ): Promise<TurnOutcome> {
    const placed = await this.#options.counter.ingestEvent(event);
    const outcome = (
      status: TurnOutcome["status"],
      conversation: ConversationRecord | null,
    ): TurnOutcome => ({
      status,
      conversation,
      reply: null,
      reading: null,
      enchantments: [],
    });
    if (placed.status === "too_late") return outcome("too_late", null);
    const needsReply = event.kind === "message" && event.from === "customer" && event.echo !== true;
    if (!needsReply) {
      // C4: the customer pressed "That solved it": say goodbye (a notice: it never counts). A resend of the
      // press whose goodbye never arrived (its key is booked only once delivered) gets it now (C11).
      if (
        event.kind === "resolve" &&
        event.from === "customer" &&
        (placed.status === "processed" || !(await this.#replyBooked(event)))
      )
        await this.#acknowledgeResolution(adapter, event, threadKey);
      return outcome(placed.status === "duplicate" ? "duplicate" : "placed", placed.conversation);
    }

    const memory = (await this.#memory.load(threadKey)) ?? emptyThreadMemory(this.#clock.now());
    if (placed.status === "duplicate" && memory.answered.includes(event.key)) {
      await this.#bookAnsweredReply(event, memory);
      return outcome("duplicate", placed.conversation);
    }
    // C11: a duplicate whose first attempt never got a reply out (delivery failed, process died) is
    // answered now: the key was recorded by counting, the reply was not.
    const conversation = placed.conversation ?? (await this.#currentConversation(threadKey));
    // C4: whether this very message resolved its conversation ("thanks, that solved it"): its answer is the
    // goodbye, on the first attempt and on a resend whose goodbye never arrived alike.
    const resolvedHere =
      placed.status === "processed"
        ? conversation?.endReason === "resolved" && conversation.endedAt === trustedTimestamp(event)
        : await this.#resolvedBy(event, threadKey, memory);
    if (!memory.window.some((message) => message.key === event.key))
      memory.window.push({ from: "customer", text: event.text ?? "", at: event.at, key: event.key });

    // A resend of a message whose answer never got out is already in the log: only the answer is new (C11).
    const heard = placed.status === "processed" ? [customerSaid(event)] : [];
    const holder = memory.handledBy;
    if (holder !== null && conversation !== null && holder.conversationId === conversation.id) {
      const routed = (await this.#options.takeovers?.route(holder.by, event, conversation)) ?? "held";
      if (routed === "held") {
        await Promise.all([
          this.#save(threadKey, memory, MAX_WINDOW_SIZE),
          this.#log(conversation, { tenant: event.tenant, messages: heard }),
        ]);
        return outcome("silent", conversation);
      }
    }
    memory.handledBy = null;

    const tenant = await this.#tenant(event.tenant);
    const enabled = await this.#options.policy(tenant, event.at);
    const context = this.#context(tenant, event, conversation, memory, enabled);
    // Enabled enchantments run; the others run their `whenDisabled` fallback, if they have one.
    const ran = this.#enchantments.flatMap((enchantment): Enchantment[] => {
      if (enabled.has(enchantment.name)) return [enchantment];
      const fallback = enchantment.whenDisabled;
      return fallback === undefined
        ? []
        : [{ ...enchantment, name: `${enchantment.name}:off`, run: fallback.bind(enchantment) }];
    });

    if (tooLong > 0) {
      context.reply = {
        text: context.t("assistant.messageTooLong", { length: tooLong, limit: MAX_TEXT_LENGTH }),
        confidence: 1,
        source: "assistant:message-too-long",
      };
    } else {
      await runEnchantments(
        ran,
        context,
        () => this.#respond(context, memory, conversation, resolvedHere),
        (enchantment, error) =>
          this.#logger.warn("enchantment failed; the turn went on without it", {
            enchantment: enchantment.name,
            version: enchantment.version,
            tenant: tenant.id,
            ...errorFields(error),
          }),
      );
    }
    memory.language = context.language;
    memory.handledBy =
      context.handledBy !== null && conversation !== null
        ? { by: context.handledBy, conversationId: conversation.id }
        : null;

    const reading = {
      language: context.languageGuess?.language ?? null,
      languageConfidence: context.languageGuess?.confidence ?? 0,
      emotion: context.emotion,
      emotionScore: context.emotionReading?.score ?? 0,
    };
    const names = ran.map((enchantment) => enchantment.name);
    const logged: ConversationLogEntry = {
      tenant: event.tenant,
      messages: heard,
      reading: { language: reading.language, emotion: reading.emotion },
    };
    if (context.reply === null) {
      await Promise.all([this.#save(threadKey, memory, context.windowSize), this.#log(conversation, logged)]);
      return { status: "silent", conversation, reply: null, reading, enchantments: names };
    }

    const reply = await this.#deliver(adapter, event, context, context.reply);
    let counted = conversation;
    if (reply.delivered) {
      const said: WindowMessage = {
        from: context.reply.notice === true ? "system" : "assistant",
        text: reply.text,
        at: this.#clock.now(),
        key: reply.key,
      };
      memory.window.push(said);
      memory.answered = [...memory.answered, event.key].slice(-ANSWERED_KEYS_KEPT);
      // Booking the reply (C7) and saving memory go to two files, written at the same time: one wait for
      // the disk instead of two. A crash between the two writes is repaired at the widget's resend either
      // way: memory without the answer answers again (the reply's key books nothing twice, C11); memory
      // with it books the reply it remembers (#bookAnsweredReply).
      const [booked] = await Promise.all([
        this.#bookReply(event, said, trustedTimestamp(event)),
        this.#save(threadKey, memory, context.windowSize),
        this.#log(conversation, {
          ...logged,
          messages: [...heard, { from: said.from, text: said.text, at: said.at }],
        }),
      ]);
      counted = booked.conversation ?? counted;
    } else
      await Promise.all([this.#save(threadKey, memory, context.windowSize), this.#log(conversation, logged)]);
    return {
      status: reply.delivered ? "answered" : "undelivered",
      conversation: counted,
      reply,
      reading,
      enchantments: names,
    };
  }

  /**
   * Keeps what was said for the dashboard's conversation view. A failure there is logged and the turn goes
   * on: the customer's answer and its count (C7) matter more than the transcript shown to the admin.
   */
  async #log(conversation: ConversationRecord | null, entry: ConversationLogEntry): Promise<void> {
    const log = this.#options.conversationLog;
    if (log === undefined || conversation === null) return;
    try {
      await log.add(conversation.id, entry);
    } catch (error) {
      this.#logger.warn("conversation log not written", { tenant: entry.tenant, ...errorFields(error) });
    }
  }

  #context(
    tenant: AssistantTenant,
    event: InboundEvent,
    conversation: ConversationRecord | null,
    memory: ThreadMemoryRecord,
    enabled: ReadonlySet<string>,
  ): TurnContext {
    const messages = this.#options.messages;
    const context: TurnContext = {
      tenant,
      event,
      text: event.text ?? "",
      conversation,
      clock: this.#clock,
      messages,
      enabled,
      // Without Polyglot the reply is in the tenant's default language, whatever an earlier turn chose.
      language: tenant.defaultLanguage,
      languageGuess: null,
      emotion: "neutral",
      emotionReading: null,
      windowSize: DEFAULT_WINDOW_SIZE,
      window: memory.window,
      reply: null,
      handledBy: null,
      openers: [],
      signals: { frustratedInRow: 0 },
      stateOf(name: string): EnchantmentState {
        memory.enchantments[name] ??= {};
        return memory.enchantments[name];
      },
      t: (key, values) => messages.t(context.language, key, values),
    };
    return context;
  }

  /** The responder, last in the chain: it sees the last `windowSize` messages and its own flow state. */
  async #respond(
    context: TurnContext,
    memory: ThreadMemoryRecord,
    conversation: ConversationRecord | null,
    resolvedHere: boolean,
  ) {
    if (context.handledBy !== null) return;
    // C4: this very message resolved the conversation ("thanks, that solved it"): no question to answer.
    if (resolvedHere) {
      memory.responder = null;
      context.reply = resolvedNotice(context.t("assistant.resolved"));
      return;
    }
    const conversationId = conversation?.id ?? "";
    const state = memory.responder?.conversationId === conversationId ? memory.responder.state : undefined;
    const timeoutMs = this.#options.responderTimeoutMs ?? 10_000;
    const started = performance.now();
    let budget: AbortSignal | undefined;
    let reply: ResponderReply;
    try {
      reply = await this.#options.responder.respond({
        tenant: context.tenant.id,
        text: context.text,
        window: context.window.slice(-context.windowSize),
        language: context.language,
        emotion: context.emotion,
        state,
        // Most turns never look at the signal (a Quick Reply, a search): its timer is only created when a
        // responder reads it, with what is left of the budget, so the deadline is the same either way.
        get signal() {
          budget ??= AbortSignal.timeout(Math.max(0, Math.ceil(timeoutMs - (performance.now() - started))));
          return budget;
        },
      });
    } catch (error) {
      this.#logger.error("responder failed; the customer got the apology message", {
        responder: this.#options.responder.name,
        tenant: context.tenant.id,
        ...errorFields(error),
      });
      context.reply = { text: context.t("assistant.error"), confidence: 0, source: "assistant:error" };
      return;
    }
    memory.responder = reply.state === undefined ? null : { conversationId, state: reply.state };
    context.reply = reply;
  }

  async #deliver(
    adapter: ChannelAdapter,
    event: InboundEvent,
    context: TurnContext,
    answer: ResponderReply,
  ): Promise<TurnReply> {
    const openers = answer.toned === true ? [] : context.openers;
    const text = [...openers, answer.text].filter((part) => part.length > 0).join(" ");
    const message: OutboundMessage = {
      tenant: event.tenant,
      thread: event.thread,
      key: replyKeyOf(event.key),
      text,
      language: context.language,
      direction: context.messages.dir(context.language),
      inReplyTo: event.key,
      author: answer.notice === true ? "system" : "assistant",
      ...(answer.source === RESOLVED_SOURCE ? { resolved: true as const } : {}),
      ...(answer.actions !== undefined && answer.actions.length > 0
        ? { actions: answer.actions.map((action) => ({ kind: "quick_reply" as const, ...action })) }
        : {}),
      ...(answer.contactRequest === undefined ? {} : { contactRequest: answer.contactRequest }),
    };
    let result: DeliveryResult;
    try {
      result = await adapter.send(message);
    } catch (error) {
      // The contract says adapters return failures; one that throws is treated as unreachable (C7: not counted).
      result = {
        ok: false,
        reason: "unreachable",
        retryable: true,
        detail: errorFields(error).reason as string,
      };
    }
    if (!result.ok)
      this.#logger.warn("reply not delivered; not counted (C7)", {
        channel: adapter.channel,
        tenant: event.tenant,
        reason: result.reason,
        detail: result.detail,
      });
    return {
      key: message.key,
      text,
      language: context.language,
      confidence: answer.confidence,
      source: answer.source,
      delivered: result.ok,
      ...(result.ok ? {} : { failure: result }),
    };
  }

  async #tenant(id: string): Promise<AssistantTenant> {
    const settings = await this.#options.tenants?.(id);
    return settings ?? parseAssistantTenant({ id });
  }

  /** Thanks the customer after the "That solved it" button, in the conversation's language. */
  async #acknowledgeResolution(
    adapter: ChannelAdapter,
    event: InboundEvent,
    threadKey: string,
  ): Promise<void> {
    const memory = await this.#memory.load(threadKey);
    const tenant = await this.#tenant(event.tenant);
    const chosen = memory?.enchantments.polyglot?.language;
    const language = isSupportedLanguage(chosen) ? chosen : tenant.defaultLanguage;
    const text = this.#options.messages.t(language, "assistant.resolved");
    const key = replyKeyOf(event.key);
    const result = await adapter
      .send({
        tenant: event.tenant,
        thread: event.thread,
        key,
        text,
        language,
        direction: this.#options.messages.dir(language),
        inReplyTo: event.key,
        author: "system",
        resolved: true,
      })
      .catch(
        (): DeliveryResult => ({
          ok: false,
          reason: "unreachable",
          retryable: true,
          detail: "adapter threw",
        }),
      );
    if (!result.ok) return;
    const at = this.#clock.now();
    await this.#options.counter.ingestEvent({
      key,
      tenant: event.tenant,
      channel: event.channel,
      thread: event.thread,
      kind: "message",
      from: "system",
      origin: event.origin,
      at,
      receivedAt: at,
      text,
    });
  }

  /**
   * A delivered reply, as the counting event that counts the conversation (C7). `askedAt`: when the
   * message it answers was placed (at or after its stored timestamp). Events fold in (at, key) order, so
   * a reply stamped in the same millisecond as its question would fold before it whenever the question's
   * key sorts after "reply:" (a widget id starting with "s"), and so would a reply to a platform whose
   * clock runs ahead (within the allowed skew); either counted nothing. It is stamped at least 1 ms after.
   */
  #bookReply(event: InboundEvent, said: WindowMessage, askedAt: number) {
    return this.#options.counter.ingestEvent({
      key: replyKeyOf(event.key),
      tenant: event.tenant,
      channel: event.channel,
      thread: event.thread,
      kind: "message",
      from: said.from === "system" ? "system" : "assistant",
      origin: event.origin,
      at: Math.max(said.at, askedAt + 1),
      receivedAt: this.#clock.now(),
      text: said.text,
    });
  }

  /**
   * A resend of a message memory says was answered: books the reply memory kept, in case the process
   * stopped after saving memory and before the booking reached the disk (both are written at once).
   * Already booked, the reply's key makes this a duplicate that changes nothing (C11).
   */
  async #bookAnsweredReply(event: InboundEvent, memory: ThreadMemoryRecord): Promise<void> {
    const key = replyKeyOf(event.key);
    const said = memory.window.find((message) => message.key === key);
    if (said === undefined || (await this.#options.store.isProcessed({ ...event, key }))) return;
    const asked = memory.window.find((message) => message.key === event.key);
    await this.#bookReply(event, said, asked?.at ?? trustedTimestamp(event));
  }

  /** Whether the reply to `event` (the goodbye, for a resolve) was booked, that is delivered (C7, C11). */
  #replyBooked(event: InboundEvent): Promise<boolean> {
    return this.#options.store.isProcessed({ ...event, key: replyKeyOf(event.key) });
  }

  /**
   * For a resend (a duplicate): whether the message resolved a conversation of the thread when it was
   * first placed (C4). Its resend carries a new timestamp (the widget stamps each send), so the first
   * placement's is read from the thread's log, or from memory once the log no longer holds it.
   */
  async #resolvedBy(event: InboundEvent, threadKey: string, memory: ThreadMemoryRecord): Promise<boolean> {
    const thread = await this.#options.store.getThread(threadKey);
    const placedAt =
      thread?.events.find((stored) => stored.key === event.key)?.at ??
      memory.window.find((message) => message.key === event.key)?.at;
    if (placedAt === undefined) return false;
    const conversations = await this.#options.store.listConversations({ tenant: event.tenant, threadKey });
    return conversations.some(
      (conversation) =>
        conversation.mode === "ai" &&
        conversation.endReason === "resolved" &&
        conversation.endedAt === placedAt,
    );
  }

  /** The thread's current AI conversation (for a duplicate, whose result carries none). */
  async #currentConversation(threadKey: string): Promise<ConversationRecord | null> {
    return (await this.#options.store.getThread(threadKey))?.state.current ?? null;
  }

  async #save(threadKey: string, memory: ThreadMemoryRecord, windowSize: number): Promise<void> {
    // Memory: the store keeps what the window needs and no more (10 messages, 50 with Memory).
    memory.window = memory.window.slice(-Math.min(Math.max(windowSize, 1), MAX_WINDOW_SIZE));
    memory.updatedAt = this.#clock.now();
    await this.#memory.save(threadKey, memory);
  }
}

/** The source of the goodbye a resolution gets (C4). */
const RESOLVED_SOURCE = "assistant:resolved";

function resolvedNotice(text: string): ResponderReply {
  return { text, confidence: 1, source: RESOLVED_SOURCE, notice: true, toned: true };
}

/**
 * Keys core gives the replies it books. Adapters' events may not use them (receive refuses them): a
 * customer who chose the id `reply:m2` (the web client chooses its ids) would otherwise have booked m2's
 * reply key in advance, and m2's reply, a duplicate then, would have been answered and never counted (C11).
 */
export const REPLY_KEY_PREFIX = "reply:";

/**
 * The reply's idempotency key follows from the message it answers, so a retried turn reuses it (C11). It
 * is scoped by the thread like every key, so no other thread's reply (or message) can ever collide with it.
 */
export function replyKeyOf(inboundKey: string): string {
  const key = `${REPLY_KEY_PREFIX}${inboundKey}`;
  return key.length <= 512
    ? key
    : `${REPLY_KEY_PREFIX}${createHash("sha256").update(inboundKey).digest("base64url")}`;
}

export { LOW_CONFIDENCE };

/** The customer's message as the conversation log keeps it, at its trusted time (C14). */
function customerSaid(event: InboundEvent): { from: "customer"; text: string; at: number } {
  return { from: "customer", text: event.text ?? "", at: trustedTimestamp(event) };
}
