import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type ChannelAdapter,
  type Clock,
  type CoreHandle,
  errorFields,
  type InboundEventInput,
  type Logger,
  LutinError,
  silentLogger,
  systemClock,
} from "@lutingenie/core";
import {
  App,
  type Logger as BoltLogger,
  HTTPReceiver,
  type InstallationStore,
  LogLevel,
  SocketModeReceiver,
} from "@slack/bolt";
import { WebClient, type WebClientOptions } from "@slack/web-api";
import { AGENT_ACTION_PREFIX } from "./agent-blocks.js";
import { type AgentEnrollment, createAgentEnrollment } from "./agent-enrollment.js";
import { type AgentClick, CUSTOMER_HELP, createAgentInteractions } from "./agent-interactions.js";
import { AgentPostIndex, BoundedMap } from "./agent-post-index.js";
import { createAgentPosting } from "./agents-channel.js";
import { answeredBlocks, type ReceivedBlock } from "./answered-buttons.js";
import { parseSlackConfig, type SlackAdapterConfig, type SlackSettings } from "./config.js";
import { callSlack, postAnswer } from "./delivery.js";
import { EngagedThreads, mapMessageEvent, type SlackMessageEvent } from "./inbound-mapping.js";
import { installPages } from "./install-pages.js";
import {
  installedWorkspaceOf,
  openFileSlackInstallations,
  type SlackInstallations,
  type SlackInstalledWorkspace,
  tenantOfQuery,
} from "./installations.js";
import { overLimit, tooLongNotice } from "./long-messages.js";
import { PresenceKeeper } from "./presence-keeper.js";
import {
  ACTION_PREFIX,
  decodeValue,
  HUMAN_ACTION,
  HUMAN_REQUEST_TEXT,
  QUICK_REPLY_ACTION,
  RESOLVE_ACTION,
} from "./reply-blocks.js";
import { answerBoltFailure, createSlackEntry } from "./slack-entry.js";
import { createMemorySlackState, openFileSlackState, type SlackStateStore } from "./slack-state.js";
import { addressOf, millisecondsOf } from "./thread-address.js";
import { installedWorkspaces, singleWorkspace, type Workspaces } from "./workspaces.js";

export interface SlackAdapter extends ChannelAdapter {
  readonly mode: "http" | "socket";
  /** The base URL the Events API endpoint listens on once started over HTTP (e.g. http://127.0.0.1:3000); "" in Socket Mode and when mounted on a host's routes. */
  readonly url: string;
  /** The bot's own user id, known once started (auth.test). */
  readonly botUserId: string | null;
  /** Single-workspace mode: where handoffs and follow-up tasks are posted (multi-workspace: per installation). */
  readonly agentsChannel: string | undefined;
  readonly followUpChannel: string | undefined;
  /** "single" (one bot token) or "multi" (OAuth installs, one tenant per workspace). */
  readonly workspaceMode: "single" | "multi";
  /** Multi-workspace mode: the installations, once started. */
  readonly installations: SlackInstallations | null;
  /** Re-reports every agent who said available as online (the adapter's timer does it every 60 s). */
  refreshPresence(): Promise<void>;
  /** Resolves when every event already acknowledged to Slack has been handled (answered or refused). */
  idle(): Promise<void>;
}

/** The slash command the manifest declares: help for customers, presence for agents. */
export const SLASH_COMMAND = "/lutin";
/** Multi-workspace mode: where an admin starts the install, and where Slack sends them back. */
export const INSTALL_PATH = "/slack/install";
export const OAUTH_REDIRECT_PATH = "/slack/oauth_redirect";
/**
 * The bot scopes an OAuth install asks for (manifest.json lists the same; a test keeps them equal).
 * users:read and im:write are asked now so agent features that name people or open a DM with an agent
 * do not need every workspace to reinstall; no call uses them yet.
 */
export const BOT_SCOPES = [
  "app_mentions:read",
  "channels:history",
  "groups:history",
  "im:history",
  "mpim:history",
  "chat:write",
  "commands",
  "files:read",
  "users:read",
  "im:write",
];

type ProcessedEvent = Parameters<App["processEvent"]>[0];

/**
 * Bolt's App, with every event it dispatches tracked: Bolt acknowledges Slack first (its 3 s rule) and then
 * runs the listeners, so `processEvent` settles only once the turn is fully handled. `idle()` waits on it.
 */
class TrackedApp extends App {
  track: (work: Promise<unknown>) => void = () => {};
  override processEvent(event: ProcessedEvent): Promise<void> {
    const work = super.processEvent(event);
    this.track(work);
    return work;
  }
}

/**
 * The Slack channel, customer side: DMs, mentions in channels (answered in the mention's thread), replies
 * in those threads and Slack Connect shared channels, over the Events API (HTTP) or Socket Mode. Answers go
 * out with chat.postMessage with "That solved it" and "Talk to a human" buttons; the delivery receipt or a
 * typed failure is what core counts on (C7).
 */
export function createSlackAdapter(
  config: SlackAdapterConfig = {},
  /** Where unset values are read from (SLACK_BOT_TOKEN, …); pass {} to read none. */
  environment: NodeJS.ProcessEnv = process.env,
): SlackAdapter {
  const settings = parseSlackConfig(config, environment);
  const logger = config.logger ?? silentLogger;
  const clock: Clock = config.clock ?? systemClock;
  const sleep =
    config.sleep ??
    ((milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds)));
  const clientOptions: WebClientOptions = {
    ...(settings.slackApiUrl === undefined ? {} : { slackApiUrl: settings.slackApiUrl }),
    // The WebClient's own retries are off (it would retry a 5xx for minutes, holding a turn) and a 429 is
    // handed back at once: postAnswer waits Retry-After itself, a bounded number of times.
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
    logger: boltLoggerOf(logger),
  };
  // One client for every workspace: each call names its workspace's token.
  const client = new WebClient(settings.botToken, clientOptions);
  const engaged = new EngagedThreads();
  const inFlight = new Set<Promise<unknown>>();
  let core: CoreHandle | null = null;
  let app: TrackedApp | null = null;
  let server: Server | null = null;
  let url = "";
  let botUserId: string | null = null;
  const multi = settings.clientId !== undefined;
  let installations: SlackInstallations | null = config.installations ?? null;
  // Installations the adapter opened itself (from dataDir) are closed by stop(); passed-in ones are the caller's.
  let ownsInstallations = false;
  const workspaces: Workspaces = multi
    ? lazyInstalledWorkspaces(() => installations)
    : singleWorkspace(() => ({
        tenant: settings.tenant,
        token: settings.botToken as string,
        botUserId,
        agentsChannel: settings.agentsChannel,
        followUpChannel: settings.followUpChannel,
      }));
  const delivery = {
    rateLimitRetries: settings.rateLimitRetries,
    maxRetryAfterSeconds: settings.maxRetryAfterSeconds,
    sleep,
    now: () => clock.now(),
  };
  // Which Slack message is which handoff or task, and who said available: a file in the data directory
  // once started (memory without one, or the caller's store). Read through a getter: start() opens it.
  let state: SlackStateStore = config.state ?? createMemorySlackState(() => clock.now());
  let ownsState = false;
  const index = new AgentPostIndex(() => state);
  const keeper = new PresenceKeeper({
    desk: () => core?.desk,
    state: () => state,
    refreshMs: settings.presenceRefreshMs,
    onError: (error) => logger.warn("slack presence refresh failed", errorFields(error)),
  });
  const posting = createAgentPosting({ ...delivery, client, workspaces, index });
  const enrollment = createAgentEnrollment({
    directory: multi ? config.agentDirectory : undefined,
    installations: () => installations ?? undefined,
    client,
    logger,
  });
  const interactions = createAgentInteractions({
    client,
    workspaces,
    index,
    keeper,
    get installations() {
      return installations ?? undefined;
    },
    desk: () => core?.desk,
    enrollment,
    logger,
  });

  // Bolt's HTTP listener once started; the front door (slack-entry.ts) answers 503 while it is null.
  let receiverListener: RequestListener | null = null;
  const entry = createSlackEntry({
    signingSecret: settings.signingSecret ?? "",
    maxBodyBytes: settings.maxBodyBytes,
    eventsPath: settings.path,
    pagePaths: multi ? [INSTALL_PATH, OAUTH_REDIRECT_PATH] : [],
    slashCommand: SLASH_COMMAND,
    target: () => receiverListener,
    logger,
    onRateLimitNotice: () => logger.warn("Slack reports it is rate-limiting this app's events", {}),
  });
  // Mounted on the host's web server: the routes are registered now, before the host adds its catch-alls
  // (Express matches in order), and answer 503 until start() built the receiver and after stop().
  if (config.routes !== undefined && settings.mode === "http")
    for (const path of [settings.path, ...(multi ? [INSTALL_PATH, OAUTH_REDIRECT_PATH] : [])])
      config.routes.all(path, entry);

  const track = (work: Promise<unknown>) => {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    inFlight.add(settled);
    void settled.then(() => inFlight.delete(settled));
  };

  const hand = async (event: InboundEventInput, retryNum: number | undefined) => {
    const handle = core;
    if (handle === null) return;
    try {
      await handle.receive(event);
    } catch (error) {
      // Slack has its ack already: a failure here is only visible in the log (ids, never the text).
      logger.warn("slack event not handled", {
        key: event.key,
        thread: event.thread,
        kind: event.kind,
        retryNum: retryNum ?? 0,
        ...errorFields(error),
      });
    }
  };

  const onMessage = async (
    event: SlackMessageEvent,
    source: Source,
    contextBotUserId: string | undefined,
    retryNum: number | undefined,
  ) => {
    const tenant = workspaces.tenantOf(source.teamId, source.enterpriseId);
    const bot = contextBotUserId ?? botUserId;
    if (bot === null || tenant === null) return;
    // The agents' channels and handoff threads are the team's: never a customer conversation.
    if (await interactions.onChannelMessage(tenant, event)) return;
    const mapping = mapMessageEvent(event, {
      tenant,
      botUserId: bot,
      isEngaged: (thread) => engaged.has(thread),
      receivedAt: clock.now(),
    });
    if (mapping.action === "ignore") return;
    engaged.add(mapping.engage);
    const length = overLimit(mapping.event.text ?? "", settings.maxMessageLength);
    if (length !== null) return refuseTooLong(tenant, mapping.event, length);
    await hand(mapping.event, retryNum);
  };

  // Keys of messages already told they are too long: a mention arrives twice (app_mention and message)
  // and Slack retries, and the customer must get one notice.
  const toldTooLong = new BoundedMap<true>(10_000);
  /**
   * A customer message over maxMessageLength is not handed to core at all: no conversation opens (C1),
   * so nothing can be counted (C7) or cancelled (C8), and the assistant never reads it. The customer is
   * told the limit in the same thread (the thread stays followed, so a shortened reply there is answered).
   */
  const refuseTooLong = async (tenant: string, event: InboundEventInput, length: number) => {
    const once = `${tenant}\u0000${event.key}`;
    const workspace = workspaces.forTenant(tenant);
    if (toldTooLong.has(once) || workspace === undefined) return;
    toldTooLong.set(once, true);
    logger.info("slack message over the length limit; not handed to the assistant", {
      key: event.key,
      thread: event.thread,
      length,
      limit: settings.maxMessageLength,
    });
    const address = addressOf(event.thread);
    const result = await callSlack(delivery, "chat.postMessage", () =>
      client.chat.postMessage({
        token: workspace.token,
        channel: address.channel,
        text: tooLongNotice(length, settings.maxMessageLength),
        ...(address.threadTs === undefined ? {} : { thread_ts: address.threadTs }),
      }),
    );
    if (!result.ok)
      logger.warn("slack length notice not posted", { thread: event.thread, reason: result.reason });
  };

  const onButton = async (body: ButtonClick) => {
    const source = sourceOfClick(body);
    const tenant = workspaces.tenantOf(source.teamId, source.enterpriseId);
    if (tenant === null) return;
    const action = body.actions?.[0];
    const value = decodeValue(action?.value);
    const channel = body.channel?.id ?? body.container?.channel_id;
    const messageTs = body.message?.ts ?? body.container?.message_ts;
    if (action === undefined || value === null || channel === undefined || messageTs === undefined) {
      logger.warn("slack button click without our value; ignored", { actionId: action?.action_id ?? null });
      return;
    }
    const at = millisecondsOf(action.action_ts ?? "") ?? clock.now();
    // One key per answer and button: a double click or a retried interaction changes nothing (C11).
    const base = `${channel}:${messageTs}`;
    const common = {
      tenant,
      thread: value.thread,
      from: "customer" as const,
      origin: "live" as const,
      at,
      receivedAt: clock.now(),
    };
    const handing =
      action.action_id === RESOLVE_ACTION
        ? hand({ ...common, key: `resolve:${base}`, kind: "resolve" }, undefined)
        : action.action_id === HUMAN_ACTION
          ? hand({ ...common, key: `human:${base}`, kind: "message", text: HUMAN_REQUEST_TEXT }, undefined)
          : action.action_id.startsWith(QUICK_REPLY_ACTION) && value.value !== undefined
            ? hand(
                { ...common, key: `${action.action_id}:${base}`, kind: "message", text: value.value },
                undefined,
              )
            : null;
    if (handing === null) return;
    await Promise.all([handing, retireButtons(tenant, channel, messageTs, body.message, action)]);
  };

  /** The clicked answer loses its buttons (see answered-buttons.ts); a failure only costs the redraw. */
  const retireButtons = async (
    tenant: string,
    channel: string,
    messageTs: string,
    message: ButtonClick["message"],
    action: NonNullable<ButtonClick["actions"]>[number],
  ) => {
    const blocks = answeredBlocks(message?.blocks, action.action_id, action.text?.text);
    const workspace = workspaces.forTenant(tenant);
    if (blocks === null || workspace === undefined) return;
    const result = await callSlack(delivery, "chat.update", () =>
      client.chat.update({
        channel,
        ts: messageTs,
        text: message?.text ?? "",
        blocks,
        ...(multi ? { token: workspace.token } : {}),
      }),
    );
    if (!result.ok)
      logger.warn("slack answer buttons not removed", { channel, ts: messageTs, reason: result.reason });
  };

  const onAgentButton = async (body: ButtonClick) => {
    const source = sourceOfClick(body);
    const tenant = workspaces.tenantOf(source.teamId, source.enterpriseId);
    const action = body.actions?.[0];
    const user = body.user?.id;
    if (tenant === null || action === undefined || user === undefined) return;
    const click: AgentClick = {
      actionId: action.action_id,
      value: action.value ?? "",
      user,
      channel: body.channel?.id ?? body.container?.channel_id,
      messageTs: body.message?.ts ?? body.container?.message_ts,
    };
    await interactions.onAction(tenant, click);
  };

  const buildApp = (receiver: HTTPReceiver | SocketModeReceiver, botId: string | undefined) => {
    const built = new TrackedApp({
      // Multi-workspace: no token, Bolt authorizes each request from the installation store.
      ...(multi ? {} : { token: settings.botToken }),
      receiver,
      clientOptions,
      logger: boltLoggerOf(logger),
      // auth.test already ran in start(); Bolt takes its answer instead of calling again.
      ...(multi ? {} : { tokenVerificationEnabled: false }),
      ...(botUserId === null ? {} : { botUserId }),
      ...(botId === undefined ? {} : { botId }),
      ignoreSelf: true,
    });
    built.track = track;
    built.event("message", async ({ event, context, body }) =>
      onMessage(
        event as SlackMessageEvent,
        sourceOfEnvelope(body, context),
        context.botUserId,
        context.retryNum,
      ),
    );
    built.event("app_mention", async ({ event, context, body }) =>
      onMessage(
        event as SlackMessageEvent,
        sourceOfEnvelope(body, context),
        context.botUserId,
        context.retryNum,
      ),
    );
    built.event("app_home_opened", async ({ event, context, body }) => {
      const source = sourceOfEnvelope(body, context);
      const tenant = workspaces.tenantOf(source.teamId, source.enterpriseId);
      const user = (event as { user?: string }).user;
      if (tenant !== null && user !== undefined) await interactions.onHomeOpened(tenant, user);
    });
    if (multi)
      // The workspace removed the app: its token is dead; forget it so its events are no longer answered
      // (the tenant and its counts stay). A reinstall starts over, channels to choose again.
      built.event("app_uninstalled", async ({ context, body }) => {
        const source = sourceOfEnvelope(body, context);
        const tenant = workspaces.tenantOf(source.teamId, source.enterpriseId);
        if (tenant === null || installations === null) return;
        await installations.forget(tenant);
        logger.info("slack app uninstalled", { tenant });
      });
    built.action(new RegExp(`^${ACTION_PREFIX}`), async ({ ack, body }) => {
      await ack();
      await onButton(body as ButtonClick);
    });
    built.action(new RegExp(`^${AGENT_ACTION_PREFIX}`), async ({ ack, body }) => {
      await ack();
      await onAgentButton(body as ButtonClick);
    });
    built.command(SLASH_COMMAND, async ({ ack, command }) => {
      const tenant = workspaces.tenantOf(command.team_id, command.enterprise_id);
      if (tenant === null || core === null) {
        await ack({ response_type: "ephemeral", text: CUSTOMER_HELP });
        return;
      }
      // The answer is the command's own HTTP response (3 s budget): presence calls are in-memory.
      const text = await interactions.onCommand(tenant, {
        text: command.text ?? "",
        user: command.user_id,
        channel: command.channel_id,
        ...(typeof command.user_name === "string" ? { userName: command.user_name } : {}),
      });
      await ack({ response_type: "ephemeral", text });
    });
    built.error(async (error) => {
      logger.error("slack listener failed", errorFields(error));
    });
    return built;
  };

  return {
    channel: "slack",
    mode: settings.mode,
    get url() {
      return url;
    },
    get botUserId() {
      return botUserId;
    },
    agentsChannel: settings.agentsChannel,
    followUpChannel: settings.followUpChannel,
    workspaceMode: multi ? "multi" : "single",
    get installations() {
      return installations;
    },
    // Offered whenever the adapter can reach agents; a workspace without its channel refuses the post.
    ...(multi || settings.agentsChannel !== undefined ? { agents: posting.agents } : {}),
    ...(multi || settings.followUpChannel !== undefined ? { followUps: posting.followUps } : {}),
    refreshPresence: () => keeper.refresh(),
    async start(handle) {
      let identity: { userId: string | null; botId: string | undefined } = { userId: null, botId: undefined };
      if (multi) {
        if (installations === null) {
          installations = await openFileSlackInstallations({
            dataDir: settings.dataDir as string,
            now: () => clock.now(),
          });
          ownsInstallations = true;
        }
      } else {
        identity = await whoAmI(client);
        botUserId = identity.userId;
      }
      if (config.state === undefined && settings.dataDir !== undefined && !ownsState) {
        state = await openFileSlackState({ dataDir: settings.dataDir, now: () => clock.now() });
        ownsState = true;
      }
      await keeper.restore();
      core = handle;
      // Agents who said available before a restart are online again now, not a refresh period later.
      await keeper
        .refresh()
        .catch((error: unknown) => logger.warn("slack presence refresh failed", errorFields(error)));
      keeper.start();
      if (settings.mode === "socket") {
        const receiver = new SocketModeReceiver({
          appToken: settings.appToken as string,
          logger: boltLoggerOf(logger),
          installerOptions: { clientOptions },
        });
        app = buildApp(receiver, identity.botId);
        await app.start();
        return;
      }
      const receiver = new HTTPReceiver({
        signingSecret: settings.signingSecret as string,
        endpoints: settings.path,
        // Acknowledge before the listeners run: a slow responder must never make Slack retry.
        processBeforeResponse: false,
        logger: boltLoggerOf(logger),
        processEventErrorHandler: async ({ error, response }) => answerBoltFailure(logger, error, response),
        ...(multi && installations !== null
          ? {
              clientId: settings.clientId,
              clientSecret: settings.clientSecret,
              stateSecret: settings.stateSecret,
              scopes: BOT_SCOPES,
              installationStore: withInstallHook(installations, config.onInstalled, enrollment),
              installerOptions: {
                installPath: INSTALL_PATH,
                redirectUriPath: OAUTH_REDIRECT_PATH,
                // The install page sends the admin straight to Slack (with the signed state cookie set).
                directInstall: true,
                callbackOptions: installPages(INSTALL_PATH),
                // oauth.v2.access and auth.test go where the other Web API calls go (tests: the fake).
                clientOptions,
              },
            }
          : {}),
      });
      app = buildApp(receiver, identity.botId);
      receiverListener = receiver.requestListener;
      // The host's server listens when mounted; its URL is the host's to know.
      if (config.routes !== undefined) return;
      server = createServer(entry);
      await listen(server, settings);
      const address = server.address() as AddressInfo;
      const host = settings.host === "0.0.0.0" ? "127.0.0.1" : settings.host;
      url = `http://${host}:${address.port}`;
    },
    async stop() {
      core = null;
      receiverListener = null;
      keeper.stop();
      const closing = server;
      server = null;
      if (closing !== null) {
        closing.closeIdleConnections();
        await new Promise<void>((resolve) => closing.close(() => resolve()));
      } else if (app !== null && settings.mode === "socket") {
        await app.stop();
      }
      app = null;
      if (ownsState) {
        await state.close();
        state = createMemorySlackState(() => clock.now());
        ownsState = false;
      }
      if (ownsInstallations && installations !== null) {
        await installations.close();
        installations = null;
        ownsInstallations = false;
      }
    },
    async send(message) {
      const workspace = workspaces.forTenant(message.tenant);
      if (workspace === undefined)
        return {
          ok: false,
          reason: "auth_failed",
          retryable: false,
          detail: `no Slack workspace is installed for tenant "${message.tenant}"; install the app again`,
        };
      return postAnswer({ ...delivery, client }, message, multi ? workspace.token : undefined);
    },
    async idle() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}

/** The parts of a block_actions payload the adapter reads. */
interface ButtonClick {
  actions?: Array<{ action_id: string; value?: string; action_ts?: string; text?: { text?: string } }>;
  user?: { id?: string; team_id?: string };
  team?: { id?: string } | null;
  enterprise?: { id?: string } | null;
  channel?: { id?: string };
  container?: { channel_id?: string; message_ts?: string };
  message?: { ts?: string; text?: string; blocks?: ReceivedBlock[] };
}

/** Where a request comes from: its workspace and, in an Enterprise Grid org, the org. */
interface Source {
  teamId: string | undefined;
  enterpriseId: string | undefined;
}

function sourceOfClick(body: ButtonClick): Source {
  return { teamId: body.team?.id ?? body.user?.team_id, enterpriseId: body.enterprise?.id };
}

/** The workspace an event came from: the envelope's team and org (Bolt's context has them once authorized). */
function sourceOfEnvelope(
  body: unknown,
  context: { teamId?: string | undefined; enterpriseId?: string | undefined },
): Source {
  const { team_id: team, enterprise_id: enterprise } = body as { team_id?: unknown; enterprise_id?: unknown };
  return {
    teamId: context.teamId ?? (typeof team === "string" ? team : undefined),
    enterpriseId: context.enterpriseId ?? (typeof enterprise === "string" ? enterprise : undefined),
  };
}

/**
 * The installation store Bolt writes to, telling the host first (so it can create the tenant), then
 * making the installing user an agent of it (agent-enrollment.ts). A throw in either cancels the install.
 * A workspace installed through another server on the same shared store is told to the host too, on its
 * first request here, so that this server also serves its tenant.
 */
function withInstallHook(
  installations: SlackInstallations,
  onInstalled: ((workspace: SlackInstalledWorkspace) => Promise<void> | void) | undefined,
  enrollment: AgentEnrollment,
): InstallationStore {
  const store = installations.boltStore;
  return {
    ...store,
    async fetchInstallation(query, logger) {
      const tenant = tenantOfQuery(query);
      const knownHere = tenant !== undefined && installations.get(tenant) !== undefined;
      const installation = await store.fetchInstallation(query, logger);
      if (!knownHere) await onInstalled?.(installedWorkspaceOf(installation));
      return installation;
    },
    async storeInstallation(installation, logger) {
      const workspace = installedWorkspaceOf(installation);
      await onInstalled?.(workspace);
      const token = installation.bot?.token;
      if (workspace.installerUserId !== null && token !== undefined)
        await enrollment.enroll(workspace.tenant, workspace.installerUserId, { token, reason: "installer" });
      await store.storeInstallation(installation, logger);
    },
  };
}

/** Installed workspaces once `start()` opened the installations; none before. */
function lazyInstalledWorkspaces(installations: () => SlackInstallations | null): Workspaces {
  return {
    multi: true,
    tenantOf: (teamId, enterpriseId) => {
      const opened = installations();
      return opened === null ? null : installedWorkspaces(opened).tenantOf(teamId, enterpriseId);
    },
    forTenant: (tenant) => {
      const opened = installations();
      return opened === null ? undefined : installedWorkspaces(opened).forTenant(tenant);
    },
  };
}

async function whoAmI(client: WebClient): Promise<{ userId: string; botId: string | undefined }> {
  try {
    const answer = await client.auth.test();
    if (typeof answer.user_id !== "string") throw new Error("auth.test returned no user_id");
    return { userId: answer.user_id, botId: typeof answer.bot_id === "string" ? answer.bot_id : undefined };
  } catch (error) {
    const code = (error as { data?: { error?: unknown } }).data?.error;
    throw new LutinError(
      "ADAPTER_AUTH_FAILED",
      `Slack refused the bot token (${String(code ?? "no answer")})`,
      {
        hint: "check SLACK_BOT_TOKEN (OAuth & Permissions → Bot User OAuth Token) and that the app is installed",
        cause: error,
      },
    );
  }
}

function listen(server: Server, settings: SlackSettings): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(settings.port, settings.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

/** Bolt and the WebClient log through ours; their debug output (which can hold payloads) is dropped. */
function boltLoggerOf(logger: Logger): BoltLogger {
  let level = LogLevel.WARN;
  let name = "slack";
  return {
    debug() {},
    info() {},
    warn: (...messages: unknown[]) => logger.warn(`${name}: ${messages.map(String).join(" ")}`),
    error: (...messages: unknown[]) => logger.error(`${name}: ${messages.map(String).join(" ")}`),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: (next: string) => {
      name = next;
    },
  };
}
