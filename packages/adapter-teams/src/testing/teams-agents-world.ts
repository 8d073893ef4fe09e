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
import { AGENT_ACTION_KEY, type AgentVerb } from "../agent-cards.js";
import { createTeamsAdapter, type TeamsAdapter } from "../teams-adapter.js";
import { createTeamsAgentSide, type TeamsAgentSideHandle } from "../teams-agent-side.js";
import type { TeamsAgentState } from "../teams-agent-state.js";
import { FakeBotConnector } from "./fake-bot-connector.js";
import { LoopbackCredentialsFactory } from "./loopback-credentials.js";
import { LocalTokenIssuer } from "./token-issuer.js";

export const APP_ID = "3f2b7c1e-4d5a-4b6c-8d7e-9f0a1b2c3d4e";
export const APP_PASSWORD = "agents-test-app-password";
export const TEAMS_TENANT_ID = "7d8e9f0a-1b2c-4d3e-8f4a-5b6c7d8e9f0a";
export const AGENTS_CHANNEL = "19:agents0000000000000000000000@thread.tacv2";
export const FOLLOW_UP_CHANNEL = "19:follow0000000000000000000000@thread.tacv2";
/** Teams user ids of the agents (their core agent ids) and of the customer. */
export const ANA = "29:1ana-teams-user";
export const BRUNO = "29:1bruno-teams-user";
export const CUSTOMER = "29:1customer-teams-user";
export const CUSTOMER_CHAT = "a:1customer-personal-chat";
const PERSONAL_OF: Record<string, string> = {
  [ANA]: "a:1ana-personal-chat",
  [BRUNO]: "a:1bruno-personal-chat",
};
const NAME_OF: Record<string, string> = { [ANA]: "Ana", [BRUNO]: "Bruno", [CUSTOMER]: "Chloé" };

export interface TeamsWorldOptions {
  agents?: ReadonlyArray<{ id: string; name: string }>;
  clock?: Clock;
  /** Team members the fake's members API knows (for `agents-team` enrollment). */
  teamMembers?: ReadonlyArray<{ id: string; name: string }>;
  enrollment?: "agents-team" | "tenant-file";
  dataDir?: string;
  /** A restart: the fakes and core's stores of the run before (as files would keep them). */
  restartOf?: {
    connector: FakeBotConnector;
    issuer: LocalTokenIssuer;
    store: Store;
    escalationStore: EscalationStore;
    memory: ThreadMemory;
    agentState?: TeamsAgentState;
  };
}

/**
 * The whole stack as production wires it: createLutinRuntime (assistant, counting, Escalation) over the
 * demo tenant with Teams agents, the real Teams adapter with its agents' side over HTTP on 127.0.0.1 with
 * inbound JWT validation ON against a local OpenID/JWKS issuer, and the fake Bot Connector for every
 * outbound call. Open every hour so business hours never decide a test.
 */
export async function startTeamsWorld(options: TeamsWorldOptions = {}) {
  const tenantId = "acme";
  const issuer = options.restartOf?.issuer ?? (await LocalTokenIssuer.start());
  const members = (options.teamMembers ?? []).map((member) => ({
    id: member.id,
    name: member.name,
    aadObjectId: `aad-${member.name.toLowerCase()}`,
    email: `${member.name.toLowerCase()}@acme.example`,
  }));
  const connector =
    options.restartOf?.connector ??
    (await FakeBotConnector.start({
      appId: APP_ID,
      appPassword: APP_PASSWORD,
      members: { [AGENTS_CHANNEL]: members },
    }));
  const demo = await loadTenantFile(DEMO_TENANT_FILE);
  const tenant: LoadedTenant = {
    ...demo,
    settings: { ...demo.settings, id: tenantId, businessHours: undefined },
    agents: (options.agents ?? []).map((agent) =>
      agentSchema.parse({ ...agent, tenant: tenantId, channels: ["teams"] }),
    ),
  };
  const store: Store = options.restartOf?.store ?? createMemoryStore();
  const escalationStore = options.restartOf?.escalationStore ?? createMemoryEscalationStore();
  const memory = options.restartOf?.memory ?? createInMemoryThreadMemory();
  const runtime: LutinRuntime = await createLutinRuntime({
    store,
    tenants: [tenant],
    escalationStore,
    memory,
    enchantments: ["escalation"],
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  const agentSide: TeamsAgentSideHandle = createTeamsAgentSide({
    settings: {
      places: {
        agentsChannel: AGENTS_CHANNEL,
        followUpChannel: FOLLOW_UP_CHANNEL,
        serviceUrl: connector.serviceUrl,
      },
      enrollment: { rule: options.enrollment ?? "agents-team" },
    },
    directory: { putAgent: (agent) => runtime.escalation.putAgent(agent) },
    desk: () => runtime.escalation,
    ...(options.restartOf?.agentState === undefined ? {} : { state: options.restartOf.agentState }),
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  const adapter: TeamsAdapter = createTeamsAdapter({
    appId: APP_ID,
    appPassword: APP_PASSWORD,
    credentialsFactory: new LoopbackCredentialsFactory({
      appId: APP_ID,
      appPassword: APP_PASSWORD,
      tokenUrl: connector.tokenUrl,
    }),
    openIdMetadataUrl: issuer.metadataUrl,
    tokenIssuer: issuer.issuer,
    tenant: tenantId,
    agentSide,
    port: 0,
    host: "127.0.0.1",
    sleep: async () => {},
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  await runtime.assistant.start([adapter]);
  let sequence = 0;
  const nextId = () => `${Date.now()}${String(++sequence).padStart(4, "0")}`;

  /** Posts an activity as Teams does (a channel token for our app id and this service URL). */
  const deliver = async (activity: Record<string, unknown>, wait = true) => {
    const response = await fetch(`${adapter.url}${adapter.path}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: issuer.authorization({ aud: APP_ID, serviceurl: connector.serviceUrl }),
      },
      body: JSON.stringify({
        id: nextId(),
        timestamp: new Date().toISOString(),
        serviceUrl: connector.serviceUrl,
        channelId: "msteams",
        recipient: { id: `28:${APP_ID}`, name: "LutinGénie" },
        locale: "en-US",
        ...activity,
      }),
    });
    const text = await response.text();
    if (wait) await adapter.idle();
    return { status: response.status, body: text === "" ? undefined : (JSON.parse(text) as unknown) };
  };
  const person = (id: string) => ({ id, name: NAME_OF[id] ?? id, aadObjectId: `aad-${NAME_OF[id] ?? id}` });
  const channelData = (channel?: string) => ({
    tenant: { id: TEAMS_TENANT_ID },
    ...(channel === undefined ? {} : { channel: { id: channel }, team: { id: channel } }),
  });
  const personal = (user: string, text: string, id?: string) => ({
    type: "message",
    ...(id === undefined ? {} : { id }),
    from: person(user),
    conversation: {
      id: user === CUSTOMER ? CUSTOMER_CHAT : (PERSONAL_OF[user] ?? `a:personal-${user}`),
      conversationType: "personal",
      tenantId: TEAMS_TENANT_ID,
    },
    text,
    textFormat: "plain",
    channelData: channelData(),
  });

  return {
    connector,
    issuer,
    runtime,
    adapter,
    agentSide,
    tenantId,
    store,
    escalationStore,
    memory,
    deliver,
    customerSays: (text: string, id?: string) => deliver(personal(CUSTOMER, text, id)),
    /** An agent writes to the bot in personal chat (presence commands). */
    agentSaysPrivately: (agent: string, text: string) => deliver(personal(agent, text)),
    /** An agent writes in a card's reply chain (the bot gets it through RSC, no mention needed). */
    agentWritesInChain: (agent: string, chain: string, text: string, id?: string) =>
      deliver({
        type: "message",
        ...(id === undefined ? {} : { id }),
        from: person(agent),
        conversation: { id: chain, conversationType: "channel", isGroup: true, tenantId: TEAMS_TENANT_ID },
        text: `<p>${text}</p>`,
        textFormat: "xml",
        channelData: channelData(chain.split(";")[0]),
      }),
    /** An agent presses a card's button: Action.Execute (an invoke) or its Action.Submit fallback. */
    press: (
      agent: string,
      chain: string,
      verb: AgentVerb,
      ref: string,
      via: "execute" | "submit" = "execute",
      wait = true,
    ) => {
      const data = { [AGENT_ACTION_KEY]: verb, ref };
      const where = {
        from: person(agent),
        conversation: { id: chain, conversationType: "channel", isGroup: true, tenantId: TEAMS_TENANT_ID },
        channelData: channelData(chain.split(";")[0]),
        replyToId: chain.split("=")[1],
      };
      return via === "execute"
        ? deliver(
            {
              type: "invoke",
              name: "adaptiveCard/action",
              value: { action: { type: "Action.Execute", verb: `lutin-agent-${verb}`, data } },
              ...where,
            },
            wait,
          )
        : deliver({ type: "message", value: data, ...where }, wait);
    },
    usage: async () => {
      const rows = await runtime.store.listLedger({ tenant: tenantId });
      const sum = (mode: string) =>
        rows.filter((row) => row.mode === mode).reduce((total, row) => total + row.delta, 0);
      return { ai: sum("ai"), human: sum("human") };
    },
    /** Stops the server side (adapter, assistant, Escalation); the fakes stay for a restart. */
    async stopServer() {
      await runtime.assistant.stop();
      await runtime.escalation.stop();
    },
    async stop() {
      await this.stopServer();
      if (options.restartOf === undefined) {
        await connector.close();
        await issuer.close();
      }
    },
  };
}

export type TeamsWorld = Awaited<ReturnType<typeof startTeamsWorld>>;

/** Starts worlds in a test and stops them after it, failing or not. */
export function teamsWorldPerTest() {
  const worlds: TeamsWorld[] = [];
  afterEach(async () => {
    for (const world of worlds.splice(0).reverse()) await world.stop();
  });
  return async (options: TeamsWorldOptions = {}) => {
    const world = await startTeamsWorld(options);
    worlds.push(world);
    return world;
  };
}
