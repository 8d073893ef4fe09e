import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type ChannelAdapter,
  type Clock,
  type CoreHandle,
  type DeliveryResult,
  type InboundEventInput,
  type OutboundMessage,
  silentLogger,
  systemClock,
} from "@lutingenie/core";
import {
  type Activity,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
  ConfigurationServiceClientCredentialFactory,
  type ConversationReference,
  type InvokeResponse,
  TurnContext,
} from "botbuilder";
import { type AuthenticateRequestResult, AuthenticationConstants } from "botframework-connector";
import type { ReceivedActivity } from "./activity-verdict.js";
import type { ConnectorCallResult, TeamsAgentHost } from "./agent-side.js";
import { parseTeamsConfig, type TeamsAdapterConfig, type TeamsSettings } from "./config.js";
import { TamedAuthentication } from "./connector-policy.js";
import { callConnector, type DeliveryPolicy } from "./delivery.js";
import { type CustomerMessage, mapActivity } from "./inbound-mapping.js";
import { overLimit, splitForTeams, tooLongNotice } from "./long-messages.js";
import {
  ADAPTIVE_CARD_TYPE,
  answerCard,
  answeredCard,
  type CardChoice,
  customerChoiceOf,
  HUMAN_REQUEST_TEXT,
} from "./reply-card.js";
import { RetryGuard } from "./retry-guard.js";
import { createTeamsEntry, errorKindOf, type TeamsTarget } from "./teams-entry.js";
import { createMemoryTeamsState, openFileTeamsState, type TeamsStateStore } from "./teams-state.js";

export const TEAMS_CHANNEL = "teams";
/** The greeting an installation gets, once (never handed to core: no conversation, no count). */
export const INSTALL_GREETING =
  "Hello! I am the assistant of this workspace. Ask me your question here; in a channel, @mention me.";
/** Answers longer than this many messages are refused (too_long) rather than flooding the chat. */
export const MAX_REPLY_PARTS = 10;
/** Room an activity's envelope (ids, names, service URL) takes besides its text and card. */
const ENVELOPE_BYTES = 4_000;

export interface TeamsAdapter extends ChannelAdapter {
  /** The base URL the messaging endpoint listens on once started (http://host:port); "" when mounted. */
  readonly url: string;
  readonly appId: string;
  /** The LutinGénie tenant of this Teams app's traffic. */
  readonly tenant: string;
  readonly path: string;
  /** botbuilder's adapter: proactive sends (the agent side uses it through its host). */
  readonly cloudAdapter: CloudAdapter;
  /** Resolves when every activity already answered over HTTP has been handled. */
  idle(): Promise<void>;
}

/** CloudAdapter with its protected turn runner reachable: the entry authenticates before calling it. */
class TeamsCloudAdapter extends CloudAdapter {
  authenticate(activity: Activity, authorization: string): Promise<AuthenticateRequestResult> {
    return this.botFrameworkAuthentication.authenticateRequest(activity, authorization);
  }
  runTurn(
    authenticated: AuthenticateRequestResult,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    return this.processActivity(authenticated, activity, logic);
  }
}

/**
 * The Microsoft Teams channel on botbuilder's CloudAdapter, customer side: personal chats, @mentions in
 * team channels (answered in that post's reply chain) and group chats. Every activity passes the front
 * door (teams-entry.ts) and botbuilder's JWT validation before anything else; the HTTP answer goes back
 * at once and the turn runs after (Teams re-sends a turn unanswered in ~15 s). Answers go out through
 * the Bot Connector with the stored conversation reference (so they also work after a restart); the
 * connector's activity id is the delivery receipt core counts on (C7). The agents' side plugs in through
 * `agentSide` (agent-side.ts).
 */
export function createTeamsAdapter(
  config: TeamsAdapterConfig = {},
  /** Where unset values are read from (MICROSOFT_APP_ID, …); pass {} to read none. */
  environment: NodeJS.ProcessEnv = process.env,
): TeamsAdapter {
  const settings = parseTeamsConfig(config, environment);
  const logger = config.logger ?? silentLogger;
  const clock: Clock = config.clock ?? systemClock;
  const sleep =
    config.sleep ??
    ((milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds)));
  const policy: DeliveryPolicy = {
    rateLimitRetries: settings.rateLimitRetries,
    maxRetryAfterSeconds: settings.maxRetryAfterSeconds,
    sleep,
  };
  const cloudAdapter = new TeamsCloudAdapter(
    new TamedAuthentication(
      new ConfigurationBotFrameworkAuthentication(
        authenticationOptions(settings),
        credentialsFactoryOf(config, settings),
      ),
      settings.requestTimeoutMs,
    ),
  );
  const agentSide = config.agentSide;
  const guard = new RetryGuard(settings.retryWindowMs);
  const inFlight = new Set<Promise<unknown>>();
  let core: CoreHandle | null = null;
  let target: TeamsTarget | null = null;
  let server: Server | null = null;
  let url = "";
  let state: TeamsStateStore = config.state ?? createMemoryTeamsState(() => clock.now());
  let ownsState = false;
  // Keys already told they are too long (Teams re-sends): bounded, the oldest forgotten first.
  const toldTooLong = new Set<string>();
  const rememberTold = (key: string) => {
    toldTooLong.add(key);
    if (toldTooLong.size > 10_000) toldTooLong.delete(toldTooLong.values().next().value as string);
  };

  const track = (work: Promise<unknown>) => {
    const settled = work.then(
      () => undefined,
      (error: unknown) => logger.error("teams background work failed", errorKindOf(error)),
    );
    inFlight.add(settled);
    void settled.then(() => inFlight.delete(settled));
  };

  /** One proactive activity to a stored reference; resolves with the connector's activity id. */
  const postTo = async (reference: Partial<ConversationReference>, activity: Partial<Activity>) => {
    let id: string | undefined;
    await cloudAdapter.continueConversationAsync(settings.appId, reference, async (context) => {
      id = (await context.sendActivity(activity))?.id;
    });
    return id ?? "";
  };
  const call = <T>(
    operation: string,
    idempotent: boolean,
    run: () => Promise<T>,
  ): Promise<ConnectorCallResult<T>> => callConnector(policy, operation, idempotent, run);

  const entry = createTeamsEntry({
    path: settings.path,
    maxBodyBytes: settings.maxBodyBytes,
    target: () => target,
    logger,
  });
  if (config.routes !== undefined) config.routes.all(settings.path, entry);

  const hand = async (event: InboundEventInput) => {
    const handle = core;
    if (handle === null) return;
    try {
      await handle.receive(event);
    } catch (error) {
      // Teams has its answer already: a failure is only visible in the log (ids, never the text).
      logger.warn("teams activity not handled", {
        key: event.key,
        thread: event.thread,
        kind: event.kind,
        ...errorKindOf(error),
      });
    }
  };

  const onMessage = async (message: CustomerMessage, reference: Partial<ConversationReference>) => {
    const receivedAt = clock.now();
    const key = guard.keyOf({
      tenant: settings.tenant,
      conversationId: message.thread,
      replyToId: message.replyToId,
      fromId: message.fromId,
      text: message.text,
      activityId: message.activityId,
      at: message.at ?? receivedAt,
    });
    const length = overLimit(message.text, settings.maxMessageLength);
    if (length !== null) {
      // Not handed to core: no conversation opens (C1), nothing to count (C7) or cancel (C8).
      if (toldTooLong.has(key)) return;
      rememberTold(key);
      logger.info("teams message over the length limit; not handed to the assistant", {
        key,
        thread: message.thread,
        length,
        limit: settings.maxMessageLength,
      });
      const told = await call("sendToConversation", false, () =>
        postTo(reference, { type: "message", text: tooLongNotice(length, settings.maxMessageLength) }),
      );
      if (!told.ok)
        logger.warn("teams length notice not posted", { thread: message.thread, reason: told.reason });
      return;
    }
    // Typing shows in personal and group chats only, and only for an answer that is slow to come (a
    // connector call per message otherwise); a refused one is not worth a retry.
    const showTyping = () =>
      track(
        callConnector({ ...policy, rateLimitRetries: 0 }, "typing", true, () =>
          postTo(reference, { type: "typing" }),
        ),
      );
    let typingTimer: NodeJS.Timeout | undefined;
    if (message.kind !== "channel") {
      if (settings.typingDelayMs === 0) showTyping();
      else typingTimer = setTimeout(showTyping, settings.typingDelayMs);
    }
    try {
      await hand({
        key,
        tenant: settings.tenant,
        channel: TEAMS_CHANNEL,
        thread: message.thread,
        kind: "message",
        from: "customer",
        origin: "live",
        at: message.at ?? receivedAt,
        receivedAt,
        text: message.text,
      });
    } finally {
      clearTimeout(typingTimer);
    }
  };

  /** A customer card button: the event for core, and the card redrawn without its buttons. */
  const onChoice = async (choice: CardChoice, cardActivityId: string, at: number | undefined) => {
    const card = await state.card(settings.tenant, cardActivityId);
    if (card !== undefined && card.thread !== choice.thread) return;
    if (card?.usedAt !== undefined) return; // used already (another device, a double click): C11 would collapse it too
    const base = cardActivityId;
    const receivedAt = clock.now();
    const common = {
      tenant: settings.tenant,
      channel: TEAMS_CHANNEL,
      thread: choice.thread,
      from: "customer" as const,
      origin: "live" as const,
      at: at ?? receivedAt,
      receivedAt,
    };
    const event: InboundEventInput =
      choice.choice === "resolve"
        ? { ...common, key: `resolve:${base}`, kind: "resolve" }
        : choice.choice === "human"
          ? { ...common, key: `human:${base}`, kind: "message", text: HUMAN_REQUEST_TEXT }
          : {
              ...common,
              key: `quick-reply:${choice.index ?? 0}:${base}`,
              kind: "message",
              text: choice.value ?? "",
            };
    const redraw = async () => {
      if (card === undefined) return;
      await state.rememberCard({ ...card, usedAt: receivedAt });
      const reference = await state.reference(settings.tenant, card.thread);
      if (reference === undefined) return;
      const updated = await call("updateActivity", true, () =>
        cloudAdapter.continueConversationAsync(settings.appId, reference, async (context) => {
          await context.updateActivity({
            type: "message",
            id: card.activityId,
            conversation: {
              ...(reference.conversation as ConversationReference["conversation"]),
              id: card.conversationId,
            },
            text: card.text,
            attachments: [answeredCard(choice.label)],
          });
        }),
      );
      if (!updated.ok)
        logger.warn("teams answer card not redrawn", { thread: card.thread, reason: updated.reason });
    };
    await Promise.all([hand(event), redraw()]);
  };

  const onInstall = async (conversationId: string, reference: Partial<ConversationReference>) => {
    if (!(await state.firstGreeting(settings.tenant, conversationId))) return;
    const greeted = await call("sendToConversation", false, () =>
      postTo(reference, { type: "message", text: INSTALL_GREETING }),
    );
    if (!greeted.ok) logger.warn("teams install greeting not posted", { reason: greeted.reason });
  };

  /** The turn: route, remember where the customer is, answer the invoke; slow work is tracked, not awaited. */
  const logic = async (context: TurnContext) => {
    const activity = context.activity;
    try {
      if (agentSide?.handles(activity) === true) {
        await agentSide.onActivity(context, core?.desk);
        return;
      }
      const mapping = mapActivity(activity as unknown as ReceivedActivity);
      switch (mapping.action) {
        case "ignore":
          if (activity.type === "invoke") await answerInvoke(context, 200, undefined);
          return;
        case "install": {
          const reference = referenceOf(activity, activity.conversation.id);
          await state.rememberReference(settings.tenant, activity.conversation.id, reference);
          track(onInstall(mapping.conversationId, reference));
          return;
        }
        case "message": {
          const reference = referenceOf(activity, mapping.message.thread);
          // Kept before the answer to Teams: a proactive reply must find it even after a restart.
          await state.rememberReference(settings.tenant, mapping.message.thread, reference);
          track(onMessage(mapping.message, reference));
          return;
        }
        case "card": {
          const choice = customerChoiceOf(mapping.data);
          const thread = threadOfConversation(activity);
          if (choice === null || choice.thread !== thread || mapping.cardActivityId === undefined) {
            if (mapping.invoke)
              await answerInvoke(context, 200, {
                statusCode: 200,
                type: "application/vnd.microsoft.activity.message",
                value: "This button is no longer active.",
              });
            return;
          }
          if (mapping.invoke)
            await answerInvoke(context, 200, {
              statusCode: 200,
              type: ADAPTIVE_CARD_TYPE,
              value: answeredCard(choice.label).content,
            });
          track(onChoice(choice, mapping.cardActivityId, mapping.at));
          return;
        }
      }
    } catch (error) {
      logger.error("teams turn failed", { type: String(activity.type).slice(0, 32), ...errorKindOf(error) });
      if (activity.type === "invoke") await answerInvoke(context, 500, undefined);
    }
  };

  const send = async (message: OutboundMessage): Promise<DeliveryResult> => {
    if (message.tenant !== settings.tenant)
      return {
        ok: false,
        reason: "auth_failed",
        retryable: false,
        detail: `this Teams app serves tenant "${settings.tenant}", not "${message.tenant}"`,
      };
    const reference = await state.reference(message.tenant, message.thread);
    if (reference === undefined)
      return {
        ok: false,
        reason: "thread_gone",
        retryable: false,
        detail:
          "no Teams conversation reference is kept for this thread (the customer never wrote to the bot here, or the state file was lost)",
      };
    const card =
      message.author === "agent" || message.author === "system"
        ? null
        : answerCard(message.thread, message.actions);
    const cardBytes = card === null ? 0 : Buffer.byteLength(JSON.stringify(card));
    const parts = splitForTeams(message.text, settings.maxActivityBytes - ENVELOPE_BYTES - cardBytes);
    if (parts.length > MAX_REPLY_PARTS)
      return {
        ok: false,
        reason: "too_long",
        retryable: false,
        detail: `the answer needs ${parts.length} Teams messages (limit ${MAX_REPLY_PARTS} of ${settings.maxActivityBytes} bytes each); shorten it`,
      };
    let lastId = "";
    for (const [index, part] of parts.entries()) {
      const last = index === parts.length - 1;
      const result = await call("sendToConversation", false, () =>
        postTo(reference, {
          type: "message",
          text: part,
          textFormat: "markdown",
          ...(message.language === undefined ? {} : { locale: message.language }),
          ...(last && card !== null ? { attachments: [card] } : {}),
        }),
      );
      if (!result.ok)
        return {
          ok: false,
          reason: result.reason,
          retryable: result.retryable,
          detail:
            parts.length > 1 ? `${result.detail} (part ${index + 1} of ${parts.length})` : result.detail,
        };
      lastId = result.value;
    }
    if (card !== null && lastId !== "")
      await state.rememberCard({
        tenant: message.tenant,
        thread: message.thread,
        conversationId: String(reference.conversation?.id ?? message.thread),
        activityId: lastId,
        text: parts.at(-1) ?? "",
      });
    return { ok: true, deliveredAt: clock.now(), ...(lastId === "" ? {} : { platformMessageId: lastId }) };
  };

  const host: TeamsAgentHost = {
    tenant: settings.tenant,
    appId: settings.appId,
    cloudAdapter,
    customerReference: (thread) => state.reference(settings.tenant, thread),
    call,
    track,
    logger,
  };

  return {
    channel: TEAMS_CHANNEL,
    appId: settings.appId,
    tenant: settings.tenant,
    path: settings.path,
    cloudAdapter,
    get url() {
      return url;
    },
    ...(agentSide?.agents === undefined ? {} : { agents: agentSide.agents }),
    ...(agentSide?.followUps === undefined ? {} : { followUps: agentSide.followUps }),
    async start(handle) {
      if (config.state === undefined && settings.dataDir !== undefined && !ownsState) {
        state = await openFileTeamsState({ dataDir: settings.dataDir, now: () => clock.now() });
        ownsState = true;
      }
      await agentSide?.start?.(host);
      core = handle;
      target = {
        authenticate: (activity, authorization) =>
          cloudAdapter.authenticate(activity as unknown as Activity, authorization),
        async process(authenticated, activity) {
          const response = await cloudAdapter.runTurn(
            authenticated as AuthenticateRequestResult,
            activity as unknown as Activity,
            logic,
          );
          return {
            status: response?.status ?? 200,
            ...(response?.body === undefined ? {} : { body: response.body }),
          };
        },
      };
      if (config.routes !== undefined) return;
      server = createServer(entry);
      await listen(server, settings);
      const address = server.address() as AddressInfo;
      url = `http://${settings.host === "0.0.0.0" ? "127.0.0.1" : settings.host}:${address.port}`;
    },
    async stop() {
      target = null;
      core = null;
      const closing = server;
      server = null;
      if (closing !== null) {
        closing.closeIdleConnections();
        await new Promise<void>((resolve) => closing.close(() => resolve()));
      }
      await agentSide?.stop?.();
      if (ownsState) {
        await state.close();
        state = createMemoryTeamsState(() => clock.now());
        ownsState = false;
      }
    },
    send,
    async idle() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}

/** Where to answer: the activity's conversation (a channel post's reply chain), without the message id. */
function referenceOf(activity: Activity, thread: string): Partial<ConversationReference> {
  const reference = TurnContext.getConversationReference(activity);
  delete reference.activityId;
  return {
    ...reference,
    conversation: { ...(reference.conversation as ConversationReference["conversation"]), id: thread },
  };
}

/** The thread a card in this conversation answers (mapActivity's rule for messages). */
function threadOfConversation(activity: Activity): string {
  const id = activity.conversation.id;
  if (
    activity.conversation.conversationType === "channel" &&
    !id.includes(";messageid=") &&
    activity.replyToId !== undefined
  )
    return `${id};messageid=${activity.replyToId}`;
  return id;
}

async function answerInvoke(context: TurnContext, status: number, body: unknown): Promise<void> {
  await context.sendActivity({
    type: "invokeResponse",
    value: { status, ...(body === undefined ? {} : { body }) },
  });
}

/**
 * botbuilder's authentication options. Tests point the inbound side at a local issuer: setting one of
 * these overrides makes botbuilder take its parameterized path, where every unset one is undefined, so
 * all of them are set together, with the public cloud's values for the outbound side.
 */
function authenticationOptions(settings: TeamsSettings): ConfigurationBotFrameworkAuthenticationOptions {
  return {
    MicrosoftAppId: settings.appId,
    MicrosoftAppType: settings.appType,
    ...(settings.appTenantId === undefined ? {} : { MicrosoftAppTenantId: settings.appTenantId }),
    ...(settings.openIdMetadataUrl === undefined || settings.tokenIssuer === undefined
      ? {}
      : {
          ToBotFromChannelOpenIdMetadataUrl: settings.openIdMetadataUrl,
          ToBotFromChannelTokenIssuer: settings.tokenIssuer,
          ToBotFromEmulatorOpenIdMetadataUrl: settings.openIdMetadataUrl,
          ToChannelFromBotLoginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
          ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
          OAuthUrl: AuthenticationConstants.OAuthUrl,
          ValidateAuthority: true,
          CallerId: "urn:botframework:azure",
        }),
  };
}

function credentialsFactoryOf(config: TeamsAdapterConfig, settings: TeamsSettings) {
  if (config.credentialsFactory !== undefined) return config.credentialsFactory;
  return new ConfigurationServiceClientCredentialFactory({
    MicrosoftAppId: settings.appId,
    MicrosoftAppType: settings.appType,
    ...(settings.appPassword === undefined ? {} : { MicrosoftAppPassword: settings.appPassword }),
    ...(settings.appTenantId === undefined ? {} : { MicrosoftAppTenantId: settings.appTenantId }),
    ...(settings.certificateThumbprint === undefined
      ? {}
      : { CertificateThumbprint: settings.certificateThumbprint }),
    ...(settings.certificatePrivateKey === undefined
      ? {}
      : { CertificatePrivateKey: settings.certificatePrivateKey }),
  });
}

function listen(server: Server, settings: TeamsSettings): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(settings.port, settings.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}
