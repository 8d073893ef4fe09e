import { createServer, type Server } from "node:http";
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
import { App, type Logger as BoltLogger, HTTPReceiver, LogLevel, SocketModeReceiver } from "@slack/bolt";
import { WebClient, type WebClientOptions } from "@slack/web-api";
import { parseSlackConfig, type SlackAdapterConfig, type SlackSettings } from "./config.js";
import { postAnswer } from "./delivery.js";
import { EngagedThreads, mapMessageEvent, type SlackMessageEvent } from "./inbound-mapping.js";
import {
  ACTION_PREFIX,
  decodeValue,
  HUMAN_ACTION,
  HUMAN_REQUEST_TEXT,
  QUICK_REPLY_ACTION,
  RESOLVE_ACTION,
} from "./reply-blocks.js";
import { createRequestGate } from "./request-gate.js";
import { millisecondsOf } from "./thread-address.js";

export interface SlackAdapter extends ChannelAdapter {
  readonly mode: "http" | "socket";
  /** The base URL the Events API endpoint listens on once started over HTTP (e.g. http://127.0.0.1:3000); "" in Socket Mode. */
  readonly url: string;
  /** The bot's own user id, known once started (auth.test). */
  readonly botUserId: string | null;
  /** Where Escalation (issue 4) will post handoffs and follow-ups; stored now so the config is set once. */
  readonly agentsChannel: string | undefined;
  readonly followUpChannel: string | undefined;
  /** Resolves when every event already acknowledged to Slack has been handled (answered or refused). */
  idle(): Promise<void>;
}

/** The slash command the manifest declares; it only explains how to reach the assistant. */
export const SLASH_COMMAND = "/lutin";
const SLASH_COMMAND_HELP =
  "Write me a direct message, or mention me in a channel: I answer in the thread. Press “Talk to a human” under an answer to reach the team.";

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
export function createSlackAdapter(config: SlackAdapterConfig = {}): SlackAdapter {
  const settings = parseSlackConfig(config);
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
  const client = new WebClient(settings.botToken, clientOptions);
  const engaged = new EngagedThreads();
  const inFlight = new Set<Promise<unknown>>();
  let core: CoreHandle | null = null;
  let app: TrackedApp | null = null;
  let server: Server | null = null;
  let url = "";
  let botUserId: string | null = null;

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

  const onMessage = async (event: SlackMessageEvent, retryNum: number | undefined) => {
    if (botUserId === null) return;
    const mapping = mapMessageEvent(event, {
      tenant: settings.tenant,
      botUserId,
      isEngaged: (thread) => engaged.has(thread),
      receivedAt: clock.now(),
    });
    if (mapping.action === "ignore") return;
    engaged.add(mapping.engage);
    await hand(mapping.event, retryNum);
  };

  const onButton = async (body: ButtonClick) => {
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
      tenant: settings.tenant,
      thread: value.thread,
      from: "customer" as const,
      origin: "live" as const,
      at,
      receivedAt: clock.now(),
    };
    if (action.action_id === RESOLVE_ACTION) {
      await hand({ ...common, key: `resolve:${base}`, kind: "resolve" }, undefined);
    } else if (action.action_id === HUMAN_ACTION) {
      await hand({ ...common, key: `human:${base}`, kind: "message", text: HUMAN_REQUEST_TEXT }, undefined);
    } else if (action.action_id.startsWith(QUICK_REPLY_ACTION) && value.value !== undefined) {
      await hand(
        { ...common, key: `${action.action_id}:${base}`, kind: "message", text: value.value },
        undefined,
      );
    }
  };

  const buildApp = (receiver: HTTPReceiver | SocketModeReceiver, botId: string | undefined) => {
    const built = new TrackedApp({
      token: settings.botToken,
      receiver,
      clientOptions,
      logger: boltLoggerOf(logger),
      // auth.test already ran in start(); Bolt takes its answer instead of calling again.
      tokenVerificationEnabled: false,
      ...(botUserId === null ? {} : { botUserId }),
      ...(botId === undefined ? {} : { botId }),
      ignoreSelf: true,
    });
    built.track = track;
    built.event("message", async ({ event, context }) =>
      onMessage(event as SlackMessageEvent, context.retryNum),
    );
    built.event("app_mention", async ({ event, context }) =>
      onMessage(event as SlackMessageEvent, context.retryNum),
    );
    built.action(new RegExp(`^${ACTION_PREFIX}`), async ({ ack, body }) => {
      await ack();
      await onButton(body as ButtonClick);
    });
    built.command(SLASH_COMMAND, async ({ ack }) => {
      await ack({ response_type: "ephemeral", text: SLASH_COMMAND_HELP });
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
    async start(handle) {
      const identity = await whoAmI(client);
      botUserId = identity.userId;
      core = handle;
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
      });
      app = buildApp(receiver, identity.botId);
      server = createServer(
        createRequestGate({
          signingSecret: settings.signingSecret as string,
          maxBodyBytes: settings.maxBodyBytes,
          forward: receiver.requestListener,
          onRateLimitNotice: () => logger.warn("Slack reports it is rate-limiting this app's events", {}),
        }),
      );
      await listen(server, settings);
      const address = server.address() as AddressInfo;
      const host = settings.host === "0.0.0.0" ? "127.0.0.1" : settings.host;
      url = `http://${host}:${address.port}`;
    },
    async stop() {
      core = null;
      const closing = server;
      server = null;
      if (closing !== null) {
        closing.closeIdleConnections();
        await new Promise<void>((resolve) => closing.close(() => resolve()));
      } else if (app !== null && settings.mode === "socket") {
        await app.stop();
      }
      app = null;
    },
    send: (message) =>
      postAnswer(
        {
          client,
          rateLimitRetries: settings.rateLimitRetries,
          maxRetryAfterSeconds: settings.maxRetryAfterSeconds,
          sleep,
          now: () => clock.now(),
        },
        message,
      ),
    async idle() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}

/** The parts of a block_actions payload the adapter reads. */
interface ButtonClick {
  actions?: Array<{ action_id: string; value?: string; action_ts?: string }>;
  channel?: { id?: string };
  container?: { channel_id?: string; message_ts?: string };
  message?: { ts?: string };
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
