import {
  agentSchema,
  type Clock,
  createInMemoryThreadMemory,
  createLutinRuntime,
  createMemoryEscalationStore,
  createMemoryStore,
  DEMO_TENANT_FILE,
  type EscalationStore,
  type LoadedTenant,
  type LutinRuntime,
  loadTenantFile,
  type Store,
  type ThreadMemory,
} from "@lutingenie/core";
import { afterEach } from "vitest";
import type { SlackAdapterConfig } from "../config.js";
import { createSlackAdapter, type SlackAdapter } from "../slack-adapter.js";
import { FakeSlack } from "./fake-slack.js";
import { directMessage, eventCallback } from "./slack-events.js";
import { click, slashCommand } from "./slack-interactions.js";
import { postSignedToSlackEndpoint } from "./slack-signature.js";

export const BOT_TOKEN = "xoxb-agents-test";
export const SIGNING_SECRET = "agents-test-signing-secret";
export const AGENTS_CHANNEL = "C0AGENTS";
export const FOLLOW_UP_CHANNEL = "C0FOLLOW";
export const CUSTOMER_DM = "D0CUSTOMER";
/** Slack user ids of the agents the tests enrol. */
export const ANA = "U0ANA";
export const BRUNO = "U0BRUNO";
export const CAROL = "U0CAROL";

/**
 * The whole stack as production wires it: createLutinRuntime (assistant, counting, Escalation) over the
 * demo tenant with Slack agents (their ids are Slack user ids), the real Slack adapter over HTTP on
 * 127.0.0.1, and the fake Web API. Open every hour so business hours never decide a test.
 */
export async function startSlackRuntime(
  options: {
    agents?: ReadonlyArray<{ id: string; name: string }>;
    tenant?: string;
    clock?: Clock;
    adapter?: Partial<SlackAdapterConfig>;
    /**
     * A restart: the Slack fake and core's stores of the run before (as files would keep them); stop()
     * then leaves the fake open for the next run.
     */
    restartOf?: { fake: FakeSlack; store: Store; escalationStore: EscalationStore; memory: ThreadMemory };
  } = {},
) {
  const tenantId = options.tenant ?? "acme";
  const fake = options.restartOf?.fake ?? (await FakeSlack.start({ botToken: BOT_TOKEN }));
  const demo = await loadTenantFile(DEMO_TENANT_FILE);
  const tenant: LoadedTenant = {
    ...demo,
    settings: { ...demo.settings, id: tenantId, businessHours: undefined },
    agents: (options.agents ?? []).map((agent) =>
      agentSchema.parse({ ...agent, tenant: tenantId, channels: ["slack"] }),
    ),
  };
  const store: Store = options.restartOf?.store ?? createMemoryStore();
  const escalationStore: EscalationStore =
    options.restartOf?.escalationStore ?? createMemoryEscalationStore();
  // Thread memory holds who handles a thread (the agent who took it): production keeps it in a file.
  const memory: ThreadMemory = options.restartOf?.memory ?? createInMemoryThreadMemory();
  const runtime: LutinRuntime = await createLutinRuntime({
    store,
    tenants: [tenant],
    escalationStore,
    memory,
    enchantments: ["escalation"],
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  const adapter: SlackAdapter = createSlackAdapter({
    botToken: BOT_TOKEN,
    signingSecret: SIGNING_SECRET,
    port: 0,
    host: "127.0.0.1",
    slackApiUrl: fake.url,
    tenant: tenantId,
    agentsChannel: AGENTS_CHANNEL,
    followUpChannel: FOLLOW_UP_CHANNEL,
    ...options.adapter,
  });
  await runtime.assistant.start([adapter]);
  const endpoint = () => `${adapter.url}/slack/events`;
  let sequence = 0;
  const nextTs = () => `${Math.floor(Date.now() / 1000)}.${String(++sequence).padStart(6, "0")}`;

  const sendEvent = async (event: Record<string, unknown>) => {
    const body = JSON.stringify(eventCallback(event, { eventId: `Ev${++sequence}` }));
    const response = await postSignedToSlackEndpoint(endpoint(), SIGNING_SECRET, body);
    await adapter.idle();
    return response;
  };

  return {
    fake,
    runtime,
    adapter,
    tenantId,
    store,
    escalationStore,
    memory,
    /** The customer writes in their DM with the bot; resolves once the turn is handled. */
    customerSays: (text: string) => sendEvent(directMessage(CUSTOMER_DM, nextTs(), text)),
    /** An agent writes in a thread of the agents' channel. */
    agentWritesInThread: (user: string, threadTs: string, text: string, ts = nextTs()) =>
      sendEvent({
        type: "message",
        channel_type: "channel",
        channel: AGENTS_CHANNEL,
        user,
        text,
        ts,
        event_ts: ts,
        thread_ts: threadTs,
      }),
    sendEvent,
    click: async (user: string, actionId: string, value: string, channel: string, messageTs: string) => {
      const response = await click(endpoint(), SIGNING_SECRET, { user, actionId, value, channel, messageTs });
      await adapter.idle();
      return response;
    },
    /** Clicks without waiting for the handling: for clicks that race. */
    clickOnly: (user: string, actionId: string, value: string, channel: string, messageTs: string) =>
      click(endpoint(), SIGNING_SECRET, { user, actionId, value, channel, messageTs }),
    command: async (user: string, text: string) => {
      const answer = await slashCommand(endpoint(), SIGNING_SECRET, { user, text });
      await adapter.idle();
      return answer;
    },
    usage: async () => {
      const rows = await runtime.store.listLedger({ tenant: tenantId });
      const sum = (mode: string) =>
        rows.filter((row) => row.mode === mode).reduce((total, row) => total + row.delta, 0);
      return { ai: sum("ai"), human: sum("human") };
    },
    /** Stops the server side (adapter, assistant, Escalation); the fake stays for a restart. */
    async stopServer() {
      await runtime.assistant.stop();
      await runtime.escalation.stop();
    },
    async stop() {
      await this.stopServer();
      if (options.restartOf === undefined) await fake.close();
    },
  };
}

export type SlackWorld = Awaited<ReturnType<typeof startSlackRuntime>>;

/**
 * For a test file: returns `start`, which starts the Slack runtime for the running test, and stops it
 * after that test whatever its outcome.
 */
export function slackRuntimePerTest(): (
  options?: Parameters<typeof startSlackRuntime>[0],
) => Promise<SlackWorld> {
  let running: SlackWorld | null = null;
  afterEach(async () => {
    await running?.stop();
    running = null;
  });
  return async (options) => {
    running = await startSlackRuntime(options);
    return running;
  };
}

/** The Block Kit buttons of a message, as [action_id, value]. */
export function buttonsOf(blocks: unknown): Array<[string, string]> {
  const found: Array<[string, string]> = [];
  for (const block of Array.isArray(blocks) ? blocks : []) {
    const elements = (block as { elements?: unknown }).elements;
    if ((block as { type?: unknown }).type !== "actions" || !Array.isArray(elements)) continue;
    for (const element of elements as Array<{ action_id?: unknown; value?: unknown }>)
      found.push([String(element.action_id), String(element.value)]);
  }
  return found;
}

/** Every text of a message's blocks, joined: what an agent reads. */
export function textOf(blocks: unknown): string {
  const parts: string[] = [];
  const walk = (value: unknown) => {
    if (Array.isArray(value)) for (const item of value) walk(item);
    else if (typeof value === "object" && value !== null) {
      const record = value as Record<string, unknown>;
      if (record.type === "mrkdwn" && typeof record.text === "string") parts.push(record.text);
      for (const [key, child] of Object.entries(record))
        if (key !== "text" || typeof child !== "string") walk(child);
    }
  };
  walk(typeof blocks === "string" ? JSON.parse(blocks) : blocks);
  return parts.join("\n");
}
