import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import {
  type Agent,
  type AgentChannelPost,
  type ChannelAdapter,
  type Clock,
  type CoreHandle,
  type CustomerFollowUp,
  type DeliveryResult,
  type DeskFeed,
  type DeskResult,
  type DeskStatus,
  errorFields,
  type HandoffRequest,
  type Logger,
  LutinError,
  type Origin,
  type OutboundMessage,
  silentLogger,
  systemClock,
  type TurnOutcome,
} from "@lutingenie/core";
import type { RawData, WebSocket } from "ws";
import { type AgentClientMessage, agentClientMessageSchema } from "./agent-protocol.js";
import { detailOf, listFor, search } from "./console-view.js";
import { createDeskRelay, type DeskRelay } from "./desk-relay.js";
import { consoleDeskFrame, createDeskStatusFeed, widgetDeskFrame } from "./desk-status-feed.js";
import { createRateLimiter } from "./rate-limiter.js";
import { createTestChatOutbox, type TestChatMessage } from "./test-chat-outbox.js";
import { TypingIndicator } from "./typing-indicator.js";
import { createVisitorIdentities } from "./visitor-identity.js";
import {
  parseWidgetFrame,
  type WidgetClientMessage,
  type WidgetErrorCode,
  type WidgetServerMessage,
} from "./widget-protocol.js";

/** What the console lists besides live posts: core's EscalationService answers these (runtime.escalation). */
export interface AgentDirectory {
  listHandoffs(tenant: string): Promise<HandoffRequest[]>;
  listFollowUps(tenant: string): Promise<CustomerFollowUp[]>;
  agentsOf(tenant: string): Promise<Array<Agent & { isOnline: boolean }>>;
  /** Whether a live request reaches an agent now (widgets and consoles show it); absent: not shown. */
  deskStatus?(tenant: string): Promise<DeskStatus>;
  onDeskStatusChange?(listener: (tenant: string) => void): () => void;
}

/** One tenant the web channel serves: its agents' console tokens and its identity secret. */
export interface WebAdapterTenant {
  id: string;
  /** Agent console tokens: agent id → token. A token signs in as this tenant's agent only. */
  agentTokens?: Record<string, string>;
  /** The tenant's secret for signed customer identities (data-user-id / data-user-hash); off when unset. */
  identitySecret?: string;
  /** The tenant's quick replies in a language: the console offers them as canned replies. */
  quickReplies?: (language: string) => ReadonlyArray<{ label: string }>;
}

export interface WebAdapterOptions {
  /** Every tenant served (the widget key chose one per socket, the console's token chooses one per agent). */
  tenants?: readonly WebAdapterTenant[];
  /** One tenant served, with `agentTokens` and `identitySecret` below: the short form of `tenants`. */
  tenant?: string;
  /** Default "web". */
  channel?: string;
  maxMessageLength?: number;
  visitorMessagesPerMinute?: number;
  ipMessagesPerMinute?: number;
  /** How long a reply waits for the widget's receipt before it counts as undelivered (C7). Default 10 s. */
  receiptTimeoutMs?: number;
  /**
   * How long an agent whose console went away without saying so (a page reload, a dropped network) stays
   * online, so a reconnect within it keeps the chats they hold. Default 15 s. Closing the console's
   * connection on purpose (the Online toggle) is offline at once.
   */
  reconnectGraceMs?: number;
  /** How long a customer's message waits for its reply before the widget shows "typing…". Default 300 ms. */
  typingDelayMs?: number;
  /** The one tenant's agent console tokens (with `tenant`). */
  agentTokens?: Record<string, string>;
  /**
   * Signs the visitor tokens the widget keeps (visitor-identity.ts). Default: random for this process, so
   * visitors cannot resume after a restart; `lutin serve` keeps one in the data directory.
   */
  visitorSecret?: string | Buffer;
  /** The one tenant's identity secret (with `tenant`). */
  identitySecret?: string;
  /**
   * A socket that sends nothing for this long is closed (the widget pings every 25 s, the console beats
   * every 20 s), so a silent client cannot hold a connection forever. Default 120 s.
   */
  idleTimeoutMs?: number;
  /** Widget sockets one client address may hold open at once. Default 50. */
  ipOpenSockets?: number;
  directory?: AgentDirectory;
  /**
   * Several servers sharing one escalation store: what this one cannot deliver itself (a widget or a
   * console connected to another server) goes through this feed (desk-relay.ts). Absent: one server.
   */
  deskFeed?: DeskFeed;
  /** The longest a shown desk status goes without being read again (desk-status-feed.ts). Default 60 s. */
  deskRecheckMs?: number;
  clock?: Clock;
  logger?: Logger;
}

/** What the dashboard's history shows of a conversation beyond its counting record. */
export interface ConversationReading {
  language: string | null;
  emotion: string;
}

export interface TestChatResult {
  status: TurnOutcome["status"];
  reply: string | null;
  direction: "ltr" | "rtl";
  conversation: { id: string; counted: boolean; notCountedReason: string | null } | null;
}

export interface WebAdapter extends ChannelAdapter {
  /** A widget socket whose upgrade the server accepted: `tenant` is the one its widget key names (origin checked). */
  acceptWidget(socket: WebSocket, client: { ip: string; tenant: string }): void;
  /**
   * An agent console socket; it must send `auth` first. `originAllowed` says whether the page that opened
   * it may drive a console of that tenant (checked once the token named the tenant); absent: any page.
   */
  acceptAgent(socket: WebSocket, client: { ip: string; originAllowed?: (tenant: string) => boolean }): void;
  /**
   * The dashboard's test chat and previews (C9): answered, never counted. The caller checked the admin
   * token, which named `tenant`; each tenant's sessions are its own threads.
   */
  testChat(input: {
    tenant: string;
    session: string;
    id: string;
    text: string;
    origin: Exclude<Origin, "live">;
  }): Promise<TestChatResult>;
  /**
   * What reached a test chat after its own answers (an agent who took its handoff, their replies, notices),
   * after the sequence number `after`; `next` is the one to ask after next time.
   */
  testChatMessages(input: {
    tenant: string;
    session: string;
    origin: Exclude<Origin, "live">;
    after: number;
  }): {
    messages: TestChatMessage[];
    next: number;
  };
  /** Language and emotion the assistant read in a conversation's last customer message (in memory). */
  readingOf(conversationId: string): ConversationReading | undefined;
  connections(): { widgets: number; agents: number };
}

/** Threads of the dashboard's test chat: the reply goes back in the HTTP response, not to a socket. */
const TEST_THREAD_PREFIX = "dashboard-";
const READINGS_KEPT = 10_000;

export function createWebAdapter(options: WebAdapterOptions): WebAdapter {
  const channel = options.channel ?? "web";
  const served = servedTenantsOf(options);
  const servedIds = new Set(served.map((tenant) => tenant.id));
  if (served.length > 1 && options.directory === undefined)
    throw new LutinError(
      "ADAPTER_CONFIG_INVALID",
      "a web adapter serving several tenants needs a directory",
      {
        hint: "pass directory: runtime.escalation, so an agent's actions are checked against their own tenant",
      },
    );
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const maxMessageLength = options.maxMessageLength ?? 2_000;
  const receiptTimeoutMs = options.receiptTimeoutMs ?? 10_000;
  const reconnectGraceMs = options.reconnectGraceMs ?? 15_000;
  const typingDelayMs = options.typingDelayMs ?? 300;
  const idleTimeoutMs = options.idleTimeoutMs ?? 120_000;
  const ipOpenSockets = options.ipOpenSockets ?? 50;
  /** Open widget sockets by client address (the per-IP cap). */
  const openByIp = new Map<string, number>();
  const identities = createVisitorIdentities({
    secret: options.visitorSecret ?? randomBytes(32),
    identitySecretOf: (asked) => served.find((tenant) => tenant.id === asked)?.identitySecret,
  });
  /** Agents whose last console went away, by (tenant, agent): the timer that reports them offline. */
  const goingOffline = new Map<string, NodeJS.Timeout>();
  const visitorLimiter = createRateLimiter({
    limit: options.visitorMessagesPerMinute ?? 30,
    windowMs: 60_000,
    clock,
  });
  const ipLimiter = createRateLimiter({ limit: options.ipMessagesPerMinute ?? 300, windowMs: 60_000, clock });
  const tokenDigests = served.flatMap((tenant) =>
    Object.entries(tenant.agentTokens ?? {}).map(([agent, token]) => ({
      session: { tenant: tenant.id, agent },
      digest: sha256(token),
    })),
  );
  if (new Set(tokenDigests.map((entry) => entry.digest.toString("hex"))).size !== tokenDigests.length)
    throw new LutinError("ADAPTER_CONFIG_INVALID", "two agents have the same console token", {
      hint: "a token must name exactly one tenant and one agent: give each agent its own",
    });

  let core: CoreHandle | null = null;
  /** Open widget sockets by (tenant, visitor): the visitor is the thread, and threads are per tenant. */
  const widgets = new Map<string, Set<WebSocket>>();
  /** Replies waiting for the widget's receipt, by tenant, thread and reply key. */
  const receipts = new Map<string, (ok: boolean) => void>();
  /** Open console sockets by (tenant, agent): agent ids are a tenant's own (two tenants may both have "ana"). */
  const agents = new Map<string, { session: AgentSession; sockets: Set<WebSocket> }>();
  /** Test chat replies by (tenant, thread). */
  const testReplies = new Map<string, OutboundMessage>();
  /** What reaches a test chat outside its requests (an agent's reply), until the dashboard fetches it. */
  const testOutbox = createTestChatOutbox();
  const readings = new Map<string, ConversationReading>();
  const allSockets = new Set<WebSocket>();
  /** Each widget socket's typing indicator. */
  const typingOf = new WeakMap<WebSocket, TypingIndicator>();
  const directory = options.directory;
  /** Desk status for open widgets and consoles ("our team is away until…"), when escalation runs. */
  const deskStatusFeed =
    directory?.deskStatus === undefined
      ? null
      : createDeskStatusFeed({
          source: {
            deskStatus: (tenant) => directory.deskStatus?.(tenant) as Promise<DeskStatus>,
            ...(directory.onDeskStatusChange === undefined
              ? {}
              : { onDeskStatusChange: (listener) => directory.onDeskStatusChange?.(listener) ?? (() => {}) }),
          },
          clock,
          logger,
          ...(options.deskRecheckMs === undefined ? {} : { recheckMs: options.deskRecheckMs }),
        });

  const sendFrame = (socket: WebSocket, frame: unknown) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
  };
  const widgetFrame = (socket: WebSocket, frame: WidgetServerMessage) => sendFrame(socket, frame);
  const widgetError = (
    socket: WebSocket,
    id: string | null,
    code: WidgetErrorCode,
    message: string,
    retryAfterMs?: number,
  ) =>
    widgetFrame(socket, {
      type: "error",
      id,
      code,
      message,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });

  /**
   * What every socket gets, widget or console: an 'error' listener (ws emits one for an oversized or
   * malformed frame, invalid UTF-8 or a reserved close code, and an unheard 'error' would end the
   * process), and an idle timer. Returns the function each frame calls to keep the socket alive.
   */
  const guardSocket = (socket: WebSocket, entry: "widget" | "agent"): (() => void) => {
    allSockets.add(socket);
    socket.on("error", (error: Error & { code?: string }) => {
      logger.warn("websocket protocol error", { entry, code: error.code ?? "WS_ERROR" });
      socket.terminate();
    });
    let idle = setTimeout(() => socket.close(4408, "idle"), idleTimeoutMs);
    socket.on("close", () => {
      clearTimeout(idle);
      allSockets.delete(socket);
    });
    return () => {
      clearTimeout(idle);
      idle = setTimeout(() => socket.close(4408, "idle"), idleTimeoutMs);
    };
  };
  /** Refused frames per socket: past this many, the socket is closed (each refusal costs a parse and a log line). */
  const refusalsOf = new WeakMap<WebSocket, number>();
  /** One log line per refused frame: its code only, never the frame's text. */
  const refuseFrame = (entry: "widget" | "agent", code: string, socket: WebSocket) => {
    logger.warn("websocket frame refused", { entry, code });
    const refusals = (refusalsOf.get(socket) ?? 0) + 1;
    refusalsOf.set(socket, refusals);
    if (refusals >= MAX_REFUSALS_PER_SOCKET) socket.close(1008, "too many refused frames");
  };

  const remember = (outcome: TurnOutcome) => {
    if (outcome.conversation === null || outcome.reading === null) return;
    readings.delete(outcome.conversation.id);
    readings.set(outcome.conversation.id, {
      language: outcome.reading.language,
      emotion: outcome.reading.emotion,
    });
    if (readings.size > READINGS_KEPT) readings.delete(readings.keys().next().value as string);
  };

  const receive = async (event: Parameters<CoreHandle["receive"]>[0]): Promise<TurnOutcome> => {
    if (core === null)
      throw new LutinError("DELIVERY_FAILED", "the web adapter is stopping", { hint: "retry in a moment" });
    const outcome = await core.receive(event);
    remember(outcome);
    return outcome;
  };

  // ── the widget ────────────────────────────────────────────────────────────

  const acceptWidget = (socket: WebSocket, client: { ip: string; tenant: string }) => {
    const keepAlive = guardSocket(socket, "widget");
    const tenant = client.tenant;
    if (!servedIds.has(tenant)) {
      logger.warn("websocket refused", { entry: "widget", code: "TENANT_UNKNOWN" });
      return socket.close(1008, "this tenant is not served here");
    }
    let visitor: string | null = null;
    /** The visitor's entry in `widgets` (tenant and visitor). */
    let session = "";
    let unwatchDesk: (() => void) | undefined;
    const held = openByIp.get(client.ip) ?? 0;
    if (held >= ipOpenSockets) {
      logger.warn("websocket refused", { entry: "widget", code: "TOO_MANY_OPEN_SOCKETS" });
      return socket.close(1013, "too many open connections from your network");
    }
    openByIp.set(client.ip, held + 1);
    // A socket that never says hello is dropped, as a console that never signs in is.
    const helloDeadline = setTimeout(() => {
      if (visitor === null) socket.close(4401, "say hello first");
    }, SIGN_IN_DEADLINE_MS);
    const typing = new TypingIndicator((on) => widgetFrame(socket, { type: "typing", on }), typingDelayMs);
    typingOf.set(socket, typing);
    const refuse = (id: string | null, code: WidgetErrorCode, message: string, retryAfterMs?: number) => {
      widgetError(socket, id, code, message, retryAfterMs);
      refuseFrame("widget", code, socket);
    };
    socket.on("close", () => {
      clearTimeout(helloDeadline);
      typing.dispose();
      unwatchDesk?.();
      const left = (openByIp.get(client.ip) ?? 1) - 1;
      if (left > 0) openByIp.set(client.ip, left);
      else openByIp.delete(client.ip);
      if (visitor === null) return;
      const open = widgets.get(session);
      open?.delete(socket);
      if (open?.size === 0) {
        widgets.delete(session);
        // Nobody is left to show this visitor's pending replies: they are undelivered now (C7), so the
        // thread's turn ends at once instead of waiting out the receipt time.
        for (const [key, settle] of receipts) if (key.startsWith(`${session}\u0000`)) settle(false);
      }
    });
    socket.on("message", (data: RawData, isBinary: boolean) => {
      // Frames that arrive while the server closes this socket (a refused sign-in) are not worked on.
      if (socket.readyState !== socket.OPEN) return;
      keepAlive();
      if (isBinary) return refuse(null, "MESSAGE_INVALID", "send JSON text frames, not binary");
      const parsed = parseWidgetFrame(data.toString());
      if (!parsed.ok) return refuse(parsed.id, "MESSAGE_INVALID", parsed.problem);
      const message = parsed.message;
      if (message.type === "ping") return widgetFrame(socket, { type: "pong" });
      if (message.type === "hello") {
        // One visitor per connection: a second hello would leave the first visitor's entry behind.
        if (visitor !== null)
          return refuse(
            null,
            "HELLO_REPEATED",
            "this connection already said hello; open a new one for another visitor",
          );
        const decision = identities.decide(tenant, message);
        if (!decision.ok) {
          refuse(null, decision.code, decision.problem);
          return socket.close(4401, decision.code);
        }
        // Not an error for the client (it gets a visitor of its own), but worth a line: a forged or stale token.
        if (decision.refusedToken) logger.warn("widget visitor token refused", { entry: "widget" });
        visitor = decision.identity.visitor;
        session = sessionKey(tenant, visitor);
        const open = widgets.get(session) ?? new Set<WebSocket>();
        open.add(socket);
        widgets.set(session, open);
        widgetFrame(socket, {
          type: "welcome",
          visitor,
          token: decision.identity.token,
          resumed: decision.resumed,
          maxMessageLength,
        });
        // Agents' answers kept for this visitor (follow-up tasks) go out now that they are back.
        core?.followUpDesk
          ?.customerReturned({ tenant, channel, thread: visitor })
          .catch((error: unknown) => logger.warn("kept answers not delivered", errorFields(error)));
        // Told before the customer asks: whether a person can take the chat now (issue 17, finding 1).
        unwatchDesk = deskStatusFeed?.watch(tenant, (status) => widgetFrame(socket, widgetDeskFrame(status)));
        return;
      }
      if (message.type === "receipt") {
        if (visitor !== null) receipts.get(receiptKey(session, message.key))?.(message.ok);
        return;
      }
      if (message.type === "typing") {
        // Best effort and free (no rate limit taken): only an agent holding the chat sees it.
        if (visitor !== null && mayForwardTyping(socket))
          customerTyping(tenant, visitor).catch((error: unknown) =>
            logger.warn("customer typing not forwarded", errorFields(error)),
          );
        return;
      }
      if (visitor === null)
        return refuse(
          message.id,
          "HELLO_REQUIRED",
          "send { type: 'hello' } first (with the visitor and token of an earlier welcome, if any)",
        );
      if (message.type === "message" && message.text.length > maxMessageLength)
        return refuse(
          message.id,
          "MESSAGE_TOO_LONG",
          `Your message has ${message.text.length} characters; the limit is ${maxMessageLength}. Please shorten it.`,
        );
      if (!ipLimiter.take(client.ip))
        return refuse(
          message.id,
          "RATE_LIMITED",
          "Too many messages from your network; wait a moment.",
          ipLimiter.retryAfterMs(client.ip),
        );
      if (!visitorLimiter.take(session))
        return refuse(
          message.id,
          "RATE_LIMITED",
          "You are sending messages too fast; wait a moment.",
          visitorLimiter.retryAfterMs(session),
        );
      const thread = visitor;
      if (message.type === "contact") return giveContact(socket, refuse, { tenant, thread }, message);
      const isMessage = message.type === "message";
      if (isMessage) typing.turnStarted();
      receive({
        key: message.id,
        tenant,
        channel,
        thread,
        kind: message.type,
        from: "customer",
        at: clock.now(),
        ...(isMessage ? { text: message.text } : {}),
      })
        .then((outcome) => {
          if (isMessage) typing.turnEnded();
          widgetFrame(socket, { type: "ack", id: message.id, status: outcome.status });
        })
        .catch((error: unknown) => {
          if (isMessage) typing.turnEnded();
          if (LutinError.isInstance(error, "EVENT_INVALID"))
            return refuse(message.id, "MESSAGE_INVALID", (error as LutinError).message);
          logger.error("widget message not processed", { tenant, ...errorFields(error) });
          // No ack: the widget keeps the message in its outbox and resends it (same id, C11).
          widgetError(
            socket,
            message.id,
            "UNAVAILABLE",
            "The message could not be processed; it will be retried.",
          );
        });
    });
  };

  /** A visitor's contact for their follow-up task: core checks the task is this visitor's own. */
  const giveContact = (
    socket: WebSocket,
    refuse: (id: string | null, code: WidgetErrorCode, message: string) => void,
    customer: { tenant: string; thread: string },
    message: Extract<WidgetClientMessage, { type: "contact" }>,
  ) => {
    const desk = core?.followUpDesk;
    if (desk === undefined)
      return refuse(message.id, "CONTACT_REFUSED", "follow-up tasks are not kept on this server");
    const contact = { email: message.email, ...(message.name === undefined ? {} : { name: message.name }) };
    desk
      .giveContact({ ...customer, channel }, message.followUp, contact)
      .then((result) =>
        result.ok
          ? widgetFrame(socket, { type: "ack", id: message.id, status: "contact_saved" })
          : refuse(message.id, "CONTACT_REFUSED", result.problem),
      )
      .catch((error: unknown) => {
        logger.error("contact not saved", { tenant: customer.tenant, ...errorFields(error) });
        widgetError(socket, message.id, "UNAVAILABLE", "The contact could not be saved; try again.");
      });
  };

  /** `relayed`: asked by another server through the feed, so never sent back to the feed. */
  const deliverToWidget = (message: OutboundMessage, relayed = false): Promise<DeliveryResult> => {
    const session = sessionKey(message.tenant, message.thread);
    const open = [...(widgets.get(session) ?? [])].filter((socket) => socket.readyState === socket.OPEN);
    if (open.length === 0 && relay !== null && !relayed) return relay.deliverElsewhere(message);
    if (open.length === 0)
      return Promise.resolve({
        ok: false,
        reason: "unreachable",
        retryable: true,
        detail: "the visitor's widget is not connected (the reply is sent again when it resends the message)",
      });
    const key = receiptKey(session, message.key);
    return new Promise<DeliveryResult>((resolve) => {
      const settle = (result: DeliveryResult) => {
        clearTimeout(timer);
        // Only this delivery's own entry: a later delivery of the same key may have taken the slot.
        if (receipts.get(key) === onReceipt) receipts.delete(key);
        resolve(result);
      };
      const timer = setTimeout(
        () =>
          settle({
            ok: false,
            reason: "unreachable",
            retryable: true,
            detail: `no receipt from the widget within ${receiptTimeoutMs} ms`,
          }),
        receiptTimeoutMs,
      );
      const onReceipt = (ok: boolean) =>
        settle(
          ok
            ? { ok: true, deliveredAt: clock.now() }
            : { ok: false, reason: "rejected", retryable: true, detail: "the widget refused the reply" },
        );
      receipts.set(key, onReceipt);
      const frame: WidgetServerMessage = {
        type: "reply",
        key: message.key,
        text: message.text,
        direction: message.direction,
        language: message.language,
        author: message.author ?? authorOf(message.key),
        inReplyTo: message.inReplyTo ?? null,
        actions: [...(message.actions ?? [])],
        contactRequest: message.contactRequest ?? null,
        ...(message.resolved === true ? { resolved: true as const } : {}),
      };
      for (const socket of open) {
        widgetFrame(socket, frame);
        typingOf.get(socket)?.replied();
      }
    });
  };

  // ── the agent console ───────────────────────────────────────────────────────

  const agentOf = (token: string): AgentSession | undefined => {
    const digest = sha256(token);
    let found: AgentSession | undefined;
    // Every candidate is compared, so the time taken does not tell which prefix matched.
    for (const candidate of tokenDigests)
      if (timingSafeEqual(candidate.digest, digest)) found = candidate.session;
    return found;
  };

  const snapshotFor = async ({ tenant, agent }: AgentSession) => {
    const directory = options.directory;
    if (directory === undefined) return { type: "snapshot", agent, handoffs: [], followUps: [], agents: [] };
    const [handoffs, followUps, people] = await Promise.all([
      directory.listHandoffs(tenant),
      directory.listFollowUps(tenant),
      directory.agentsOf(tenant),
    ]);
    return {
      type: "snapshot",
      agent,
      agents: people.map((person) => ({
        id: person.id,
        name: person.name,
        isOnline: person.isOnline,
        isActive: person.isActive,
      })),
      handoffs: listFor(handoffs, agent, clock.now()),
      followUps: followUps.sort((left, right) => right.createdAt - left.createdAt).slice(0, 100),
    };
  };

  /** Each signed-in console of `tenant` gets its fresh snapshot (its own tenant's only). */
  const pushSnapshots = (tenant: string) => {
    for (const { session, sockets } of agents.values())
      if (session.tenant === tenant)
        snapshotFor(session)
          .then((snapshot) => {
            for (const socket of sockets) sendFrame(socket, snapshot);
          })
          .catch((error: unknown) => logger.warn("agent snapshot failed", errorFields(error)));
  };

  const reportPresence = ({ tenant, agent }: AgentSession, isOnline: boolean) =>
    core?.desk
      ?.reportPresence(tenant, agent, { isOnline, via: channel })
      .catch((error: unknown) => logger.warn("presence not recorded", { agent, ...errorFields(error) }));

  /**
   * Core's desk knows handoffs and tasks by id only, and agent ids are each tenant's own: before an
   * action, the id must be one of the agent's tenant's. Another tenant's id gets the answer an unknown
   * id gets, so a console cannot learn that it exists.
   */
  const ownsHandoff = async (tenant: string, id: string) =>
    options.directory === undefined ||
    (await options.directory.listHandoffs(tenant)).some((request) => request.id === id);
  const ownsFollowUp = async (tenant: string, id: string) =>
    options.directory === undefined ||
    (await options.directory.listFollowUps(tenant)).some((task) => task.id === id);

  const answerFollowUp = async (
    agent: string,
    command: Extract<AgentClientMessage, { type: "answer" }>,
  ): Promise<DeskResult & { status?: string }> => {
    const desk = core?.followUpDesk;
    if (desk === undefined) return { ok: false, problem: "Escalation is not running on this server" };
    // A thread answer is a chat message: the widget's own limit applies.
    if (command.via === "thread" && command.text.length > maxMessageLength)
      return { ok: false, problem: `the message is longer than ${maxMessageLength} characters` };
    return desk.answerFollowUp(command.followUp, agent, {
      via: command.via,
      // Its own key space beside the handoff replies' `agent:<agent>:<id>` (the console makes both ids).
      key: `agent:${agent}:follow-up:${command.id}`,
      text: command.text,
      ...(command.subject === undefined ? {} : { subject: command.subject }),
    });
  };

  const runCommand = async (
    { tenant, agent }: AgentSession,
    command: AgentClientMessage,
  ): Promise<(DeskResult & Record<string, unknown>) | null> => {
    const desk = core?.desk;
    if (desk === undefined) return { ok: false, problem: "Escalation is not running on this server" };
    switch (command.type) {
      case "accept":
      case "decline":
      case "end":
      case "reply":
      case "open":
      case "note":
      case "transfer":
        if (!(await ownsHandoff(tenant, command.handoff))) return { ok: false, problem: UNKNOWN_HANDOFF };
        break;
      case "assign":
      case "done":
      case "answer":
        if (!(await ownsFollowUp(tenant, command.followUp))) return { ok: false, problem: UNKNOWN_FOLLOW_UP };
        break;
      default:
        break;
    }
    switch (command.type) {
      case "active":
        await desk.setActive(tenant, agent, command.isActive);
        return { ok: true };
      case "accept":
        return desk.accept(command.handoff, agent);
      case "decline":
        return desk.decline(command.handoff, agent);
      case "end":
        return desk.end(command.handoff, agent, command.how);
      case "reply":
        if (command.text.length > maxMessageLength)
          return { ok: false, problem: `the message is longer than ${maxMessageLength} characters` };
        return desk.reply(command.handoff, agent, command.text, `agent:${agent}:${command.id}`);
      case "assign":
        return desk.assignFollowUp(command.followUp, agent);
      case "done":
        return desk.completeFollowUp(command.followUp, agent);
      case "note":
        return desk.addNote?.(command.handoff, agent, command.text, command.id) ?? NOT_ON_THIS_SERVER;
      case "transfer":
        return desk.transfer?.(command.handoff, agent, command.to) ?? NOT_ON_THIS_SERVER;
      case "open": {
        const directory = options.directory;
        if (directory === undefined) return NOT_ON_THIS_SERVER;
        const [requests, followUps] = await Promise.all([
          directory.listHandoffs(tenant),
          directory.listFollowUps(tenant),
        ]);
        const request = requests.find((candidate) => candidate.id === command.handoff);
        if (request === undefined) return { ok: false, problem: UNKNOWN_HANDOFF };
        return { ok: true, ...detailOf(request, requests, followUps) };
      }
      case "search": {
        const directory = options.directory;
        if (directory === undefined) return NOT_ON_THIS_SERVER;
        return { ok: true, conversations: search(await directory.listHandoffs(tenant), command.query) };
      }
      case "canned": {
        const replies =
          served.find((candidate) => candidate.id === tenant)?.quickReplies?.(command.language) ?? [];
        return {
          ok: true,
          replies: replies
            .slice(0, MAX_CANNED_REPLIES)
            .map((reply) => ({ label: reply.label.slice(0, 500) })),
        };
      }
      case "answer":
        return answerFollowUp(agent, command);
      default:
        return null;
    }
  };

  /** Typing frames one socket may have forwarded, at most one per this many ms (the others are dropped). */
  const typingForwardedAt = new WeakMap<WebSocket, number>();
  const mayForwardTyping = (socket: WebSocket) => {
    const now = clock.now();
    if (now - (typingForwardedAt.get(socket) ?? Number.NEGATIVE_INFINITY) < TYPING_FORWARD_INTERVAL_MS)
      return false;
    typingForwardedAt.set(socket, now);
    return true;
  };

  /** The agent who holds a web conversation is typing: its widget shows "<name> is typing…". */
  const agentTyping = async ({ tenant, agent }: AgentSession, handoff: string, on: boolean) => {
    const directory = options.directory;
    if (directory === undefined) return;
    const request = (await directory.listHandoffs(tenant)).find((candidate) => candidate.id === handoff);
    if (request?.status !== "accepted" || request.acceptedBy !== agent || request.channel !== channel) return;
    const name = (await directory.agentsOf(tenant)).find((person) => person.id === agent)?.name ?? agent;
    for (const socket of widgets.get(sessionKey(tenant, request.thread)) ?? [])
      widgetFrame(socket, { type: "typing", on, agent: name });
  };

  /** The customer is typing in a conversation an agent holds: that agent's consoles show it. */
  const customerTyping = async (tenant: string, thread: string) => {
    const directory = options.directory;
    if (directory === undefined) return;
    const request = (await directory.listHandoffs(tenant)).find(
      (candidate) =>
        candidate.status === "accepted" && candidate.channel === channel && candidate.thread === thread,
    );
    if (request?.acceptedBy == null) return;
    for (const socket of agents.get(sessionKey(tenant, request.acceptedBy))?.sockets ?? [])
      sendFrame(socket, { type: "typing", handoff: request.id, on: true });
  };

  /**
   * The socket no longer speaks for `leaving`: offline once their last console is gone, so core requeues
   * what they were offered or holding. A page that went away (1001: a reload, a closed tab) or a
   * connection that dropped (1006) gets a grace period to come back.
   */
  const detachAgent = (socket: WebSocket, leaving: AgentSession, code: number) => {
    const key = sessionKey(leaving.tenant, leaving.agent);
    const open = agents.get(key);
    open?.sockets.delete(socket);
    if (open === undefined || open.sockets.size > 0) return;
    agents.delete(key);
    if (code !== WENT_AWAY && code !== DROPPED) return void reportPresence(leaving, false);
    goingOffline.set(
      key,
      setTimeout(() => {
        goingOffline.delete(key);
        if (!agents.has(key)) void reportPresence(leaving, false);
      }, reconnectGraceMs),
    );
  };

  const acceptAgent = (
    socket: WebSocket,
    client: { ip: string; originAllowed?: (tenant: string) => boolean },
  ) => {
    const keepAlive = guardSocket(socket, "agent");
    let signedIn: AgentSession | null = null;
    let unwatchDesk: (() => void) | undefined;
    // A console that does not sign in within 10 s is dropped.
    const signIn = setTimeout(() => {
      if (signedIn === null) socket.close(4401, "sign in with { type: 'auth', token }");
    }, SIGN_IN_DEADLINE_MS);
    const refuse = (code: string, problem: string) => {
      sendFrame(socket, { type: "error", problem });
      refuseFrame("agent", code, socket);
    };
    socket.on("close", (code: number) => {
      clearTimeout(signIn);
      unwatchDesk?.();
      if (signedIn !== null) detachAgent(socket, signedIn, code);
    });
    socket.on("message", (data: RawData, isBinary: boolean) => {
      // Frames that arrive while the server closes this socket (a refused sign-in) are not worked on.
      if (socket.readyState !== socket.OPEN) return;
      keepAlive();
      if (isBinary) return refuse("MESSAGE_INVALID", "send JSON text frames, not binary");
      let json: unknown;
      try {
        json = JSON.parse(data.toString());
      } catch {
        return refuse("MESSAGE_INVALID", "send one JSON object per frame");
      }
      const parsed = agentClientMessageSchema.safeParse(json);
      if (!parsed.success)
        return refuse(
          "MESSAGE_INVALID",
          parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; "),
        );
      const command = parsed.data;
      if (command.type === "auth") {
        const found = agentOf(command.token);
        if (found === undefined) {
          refuse("AGENT_TOKEN_UNKNOWN", "unknown agent token");
          return socket.close(4401, "unknown agent token");
        }
        if (client.originAllowed !== undefined && !client.originAllowed(found.tenant)) {
          refuse(
            "ORIGIN_NOT_ALLOWED",
            "this page may not open your tenant's console: use the server's own address or one of your tenant's allowedOrigins",
          );
          return socket.close(4403, "origin not allowed");
        }
        const key = sessionKey(found.tenant, found.agent);
        // Signing in as someone else on the same connection signs the first agent out of it.
        if (signedIn !== null && sessionKey(signedIn.tenant, signedIn.agent) !== key)
          detachAgent(socket, signedIn, 1000);
        signedIn = found;
        clearTimeout(goingOffline.get(key));
        goingOffline.delete(key);
        const open = agents.get(key) ?? { session: found, sockets: new Set<WebSocket>() };
        open.sockets.add(socket);
        agents.set(key, open);
        void Promise.resolve(reportPresence(found, true))
          .then(async () => {
            sendFrame(socket, { type: "welcome", agent: found.agent });
            sendFrame(socket, await snapshotFor(found));
            unwatchDesk?.();
            unwatchDesk = deskStatusFeed?.watch(found.tenant, (status) =>
              sendFrame(socket, consoleDeskFrame(status, found.agent)),
            );
          })
          .catch((error: unknown) => logger.warn("agent snapshot failed", errorFields(error)));
        return;
      }
      if (signedIn === null) return refuse("SIGN_IN_REQUIRED", "sign in first");
      const session = signedIn;
      if (command.type === "heartbeat") return void reportPresence(session, true);
      if (command.type === "typing") {
        // Best effort, no result: a start at most once a second; a stop only after a start (and it lets
        // the next start through at once), so neither can be sent faster than that.
        const forward = command.on ? mayForwardTyping(socket) : typingForwardedAt.delete(socket);
        if (forward)
          agentTyping(session, command.handoff, command.on).catch((error: unknown) =>
            logger.warn("agent typing not forwarded", errorFields(error)),
          );
        return;
      }
      if (command.type === "snapshot")
        return void snapshotFor(session)
          .then((snapshot) => sendFrame(socket, snapshot))
          .catch((error: unknown) => logger.warn("agent snapshot failed", errorFields(error)));
      runCommand(session, command)
        .then((result) => {
          sendFrame(socket, { type: "result", requestId: command.requestId, ...(result ?? { ok: true }) });
          pushSnapshots(session.tenant);
          // A reply changes no list the consoles show: other servers need no refresh for it.
          if (command.type !== "reply") relay?.deskChanged(session.tenant);
        })
        .catch((error: unknown) => {
          logger.error("agent command failed", { command: command.type, ...errorFields(error) });
          sendFrame(socket, {
            type: "result",
            requestId: command.requestId,
            ok: false,
            problem: "the server could not do it; try again",
          });
        });
    });
  };

  /** Sends a post to its tenant's consoles only: `audience` (agent ids of that tenant), or all of them. */
  const postToAgents = (post: AgentChannelPost, audience: readonly string[]): number => {
    let sent = 0;
    for (const { session, sockets } of agents.values()) {
      if (session.tenant !== post.tenant) continue;
      if (audience.length > 0 && !audience.includes(session.agent)) continue;
      for (const socket of sockets) {
        if (socket.readyState !== socket.OPEN) continue;
        sendFrame(socket, { type: "post", post, at: clock.now() });
        sent += 1;
      }
    }
    return sent;
  };

  const relay: DeskRelay | null =
    options.deskFeed === undefined
      ? null
      : createDeskRelay(
          options.deskFeed,
          {
            channel,
            serves: (tenant) => servedIds.has(tenant),
            holdsCustomer: (tenant, thread) =>
              [...(widgets.get(sessionKey(tenant, thread)) ?? [])].some(
                (socket) => socket.readyState === socket.OPEN,
              ),
            deliverToCustomer: (message) => deliverToWidget(message, true),
            postToConsoles: (post, audience) => void postToAgents(post, audience),
            // Another server's agent signed in, stepped away or took a chat: its consoles and this server's
            // desk status ("our team is away", "live requests reach you") follow at once, not at the next recheck.
            refreshConsoles: (tenant) => {
              pushSnapshots(tenant);
              deskStatusFeed?.refresh(tenant);
            },
          },
          { receiptTimeoutMs, logger },
        );
  // This server's presence changes (a console signing in or out, the Active switch) reach the others too.
  const stopSharingDeskChanges =
    relay === null ? undefined : directory?.onDeskStatusChange?.((tenant) => relay.deskChanged(tenant));

  return {
    channel,
    async start(handle) {
      core = handle;
      relay?.start();
    },
    async stop() {
      core = null;
      stopSharingDeskChanges?.();
      relay?.stop();
      deskStatusFeed?.stop();
      for (const timer of goingOffline.values()) clearTimeout(timer);
      goingOffline.clear();
      for (const resolve of receipts.values()) resolve(false);
      for (const socket of allSockets) socket.close(1001, "server stopping");
      allSockets.clear();
      widgets.clear();
      agents.clear();
    },
    async send(message) {
      if (message.thread.startsWith(TEST_THREAD_PREFIX)) {
        const session = sessionKey(message.tenant, message.thread);
        // The answer to the test chat's own message goes back in its HTTP response; the rest (an agent
        // who took its handoff and their replies, issue 17 finding 4) waits for the dashboard to fetch it.
        if (message.inReplyTo !== undefined) testReplies.set(session, message);
        else testOutbox.put(session, message, clock.now());
        return { ok: true, deliveredAt: clock.now() };
      }
      return deliverToWidget(message);
    },
    agents: {
      async post(post) {
        if (!servedIds.has(post.tenant))
          return {
            ok: false,
            reason: "rejected",
            retryable: false,
            detail: `tenant ${post.tenant} is not served here`,
          };
        const sent = postToAgents(post, post.agents);
        pushSnapshots(post.tenant);
        // The agents' consoles may be on other servers (their presence is shared): the feed takes it there.
        const relayed = relay !== null && (await relay.postElsewhere(post, false));
        return sent > 0 || relayed
          ? { ok: true, deliveredAt: clock.now() }
          : { ok: false, reason: "unreachable", retryable: true, detail: "no agent console is connected" };
      },
    },
    followUps: {
      // Tasks are listed from the escalation store whenever a console connects, so they are never lost:
      // the post is only the live notification.
      async postFollowUp(post) {
        postToAgents(post, []);
        pushSnapshots(post.tenant);
        await relay?.postElsewhere(post, true);
        return { ok: true, deliveredAt: clock.now() };
      },
    },
    acceptWidget,
    acceptAgent,
    async testChat(input) {
      if (!servedIds.has(input.tenant))
        throw new LutinError("TENANT_UNKNOWN", `tenant ${input.tenant} is not served by this web channel`, {
          hint: "sign in to the dashboard with that tenant's admin token on the server that serves it",
        });
      const thread = testThreadOf(input.origin, input.session);
      const replyKey = sessionKey(input.tenant, thread);
      testReplies.delete(replyKey);
      const outcome = await receive({
        key: input.id,
        tenant: input.tenant,
        channel,
        thread,
        kind: "message",
        from: "customer",
        origin: input.origin,
        text: input.text,
        at: clock.now(),
      });
      const reply = testReplies.get(replyKey);
      testReplies.delete(replyKey);
      return {
        status: outcome.status,
        reply: reply?.text ?? null,
        direction: reply?.direction ?? "ltr",
        conversation:
          outcome.conversation === null
            ? null
            : {
                id: outcome.conversation.id,
                counted: outcome.conversation.counted,
                notCountedReason: outcome.conversation.notCountedReason,
              },
      };
    },
    testChatMessages(input) {
      return testOutbox.after(
        sessionKey(input.tenant, testThreadOf(input.origin, input.session)),
        input.after,
      );
    },
    readingOf: (conversationId) => readings.get(conversationId),
    connections: () => ({
      widgets: [...widgets.values()].reduce((sum, set) => sum + set.size, 0),
      agents: [...agents.values()].reduce((sum, entry) => sum + entry.sockets.size, 0),
    }),
  };
}

/** Canned replies one answer lists. */
const MAX_CANNED_REPLIES = 20;
/** A typing "on" is forwarded at most once per second per socket. */
const TYPING_FORWARD_INTERVAL_MS = 1_000;
/** What a server without the escalation store answers a console command it cannot serve. */
const NOT_ON_THIS_SERVER = { ok: false as const, problem: "conversations are not kept on this server" };

/** A socket that refuses this many frames is closed (1008): a client that keeps sending them is not a widget. */
const MAX_REFUSALS_PER_SOCKET = 50;
/** How long a new socket has to say hello (widget) or sign in (console). */
const SIGN_IN_DEADLINE_MS = 10_000;

/** WebSocket close codes: the page went away (reload, tab closed); the connection dropped without a close. */
const WENT_AWAY = 1001;
const DROPPED = 1006;

/** An agent signed in on a console: agent ids are their tenant's own. */
interface AgentSession {
  tenant: string;
  agent: string;
}

/** What core's desk answers for an id it does not know: another tenant's id gets the same. */
const UNKNOWN_HANDOFF = "unknown handoff";
const UNKNOWN_FOLLOW_UP = "unknown follow-up task";

/** The thread of a dashboard test chat or preview session: the tenant's own (sessionKey adds the tenant). */
function testThreadOf(origin: Exclude<Origin, "live">, session: string): string {
  return `${TEST_THREAD_PREFIX}${origin}-${session}`;
}

/** One string per (tenant, visitor or agent or thread): the parts hold no NUL (ids are printable). */
function sessionKey(tenant: string, id: string): string {
  return `${tenant}\u0000${id}`;
}

/** A reply's receipt slot: the widget session (tenant and thread), then the reply key. */
function receiptKey(session: string, key: string): string {
  return `${session}\u0000${key}`;
}

/** The tenants of the options, long form or short; refuses both, neither, or one tenant twice. */
function servedTenantsOf(options: WebAdapterOptions): WebAdapterTenant[] {
  const short =
    options.tenant !== undefined || options.agentTokens !== undefined || options.identitySecret !== undefined;
  if (options.tenants !== undefined && short)
    throw new LutinError(
      "ADAPTER_CONFIG_INVALID",
      "the web adapter got both tenants and tenant/agentTokens/identitySecret",
      {
        hint: "list every tenant in tenants (each with its agentTokens and identitySecret), or serve one with tenant",
      },
    );
  const tenants =
    options.tenants ??
    (options.tenant === undefined
      ? []
      : [
          {
            id: options.tenant,
            ...(options.agentTokens === undefined ? {} : { agentTokens: options.agentTokens }),
            ...(options.identitySecret === undefined ? {} : { identitySecret: options.identitySecret }),
          },
        ]);
  if (tenants.length === 0)
    throw new LutinError("ADAPTER_CONFIG_INVALID", "the web adapter serves no tenant", {
      hint: "pass tenants: [{ id, agentTokens }] (or tenant for one)",
    });
  if (new Set(tenants.map((tenant) => tenant.id)).size !== tenants.length)
    throw new LutinError("ADAPTER_CONFIG_INVALID", "the web adapter got the same tenant twice", {
      hint: "list each tenant once",
    });
  return [...tenants];
}

function sha256(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/**
 * Who wrote an outbound message when core did not say (an older caller), read from core's key conventions: assistant replies are `reply:<key>`,
 * agent messages carry the console's `agent:` key, anything else is a notice (handoff, follow-up).
 */
function authorOf(key: string): "assistant" | "agent" | "system" {
  if (key.startsWith("reply:")) return "assistant";
  if (key.startsWith("agent:")) return "agent";
  return "system";
}
