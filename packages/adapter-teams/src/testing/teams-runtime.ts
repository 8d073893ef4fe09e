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
import type { TeamsAdapterConfig } from "../config.js";
import { createTeamsAdapter, type TeamsAdapter } from "../teams-adapter.js";
import type { TeamsStateStore } from "../teams-state.js";
import { startTeamsNetwork, type TeamsNetwork } from "./teams-network.js";

/**
 * The whole stack as production wires it: createLutinRuntime (assistant, counting, Escalation) over the
 * demo tenant (open every hour), the real Teams adapter with authentication ON (a local issuer's keys,
 * never an empty app id) on 127.0.0.1, and the fake Bot Connector. `restartOf` starts again over the
 * network, stores and adapter state of a run before (as files would keep them).
 */
export async function startTeamsRuntime(
  options: {
    agents?: ReadonlyArray<{ id: string; name: string }>;
    tenant?: string;
    clock?: Clock;
    adapter?: Partial<TeamsAdapterConfig>;
    enchantments?: Parameters<typeof createLutinRuntime>[0]["enchantments"];
    restartOf?: {
      network: TeamsNetwork;
      store: Store;
      escalationStore: EscalationStore;
      memory: ThreadMemory;
      state?: TeamsStateStore;
    };
  } = {},
) {
  const tenantId = options.tenant ?? "acme";
  const network = options.restartOf?.network ?? (await startTeamsNetwork());
  const demo = await loadTenantFile(DEMO_TENANT_FILE);
  const tenant: LoadedTenant = {
    ...demo,
    settings: { ...demo.settings, id: tenantId, businessHours: undefined },
    agents: (options.agents ?? []).map((agent) =>
      agentSchema.parse({ ...agent, tenant: tenantId, channels: ["teams"] }),
    ),
  };
  const store: Store = options.restartOf?.store ?? createMemoryStore();
  const escalationStore: EscalationStore =
    options.restartOf?.escalationStore ?? createMemoryEscalationStore();
  const memory: ThreadMemory = options.restartOf?.memory ?? createInMemoryThreadMemory();
  const runtime: LutinRuntime = await createLutinRuntime({
    store,
    tenants: [tenant],
    escalationStore,
    memory,
    enchantments: options.enchantments ?? ["escalation"],
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  const adapter: TeamsAdapter = createTeamsAdapter(
    network.adapterConfig({
      tenant: tenantId,
      ...(options.restartOf?.state === undefined ? {} : { state: options.restartOf.state }),
      ...options.adapter,
    }),
    {},
  );
  await runtime.assistant.start([adapter]);
  const endpoint = () => `${adapter.url}${adapter.path}`;
  return {
    network,
    connector: network.connector,
    parties: network.parties,
    runtime,
    adapter,
    tenantId,
    store,
    escalationStore,
    memory,
    endpoint,
    /** Posts a signed activity and waits until the adapter handled it. */
    async send(activity: unknown, token?: Parameters<TeamsNetwork["post"]>[2]) {
      const response = await network.post(endpoint(), activity, token);
      await adapter.idle();
      await runtime.assistant.counter.idle();
      return response;
    },
    usage: async () => {
      const rows = await runtime.store.listLedger({ tenant: tenantId });
      const sum = (mode: string) =>
        rows.filter((row) => row.mode === mode).reduce((total, row) => total + row.delta, 0);
      return { ai: sum("ai"), human: sum("human") };
    },
    /** Stops the server side (adapter, assistant, Escalation); the network stays for a restart. */
    async stopServer() {
      await runtime.assistant.stop();
      await runtime.escalation.stop();
    },
    async stop() {
      await this.stopServer();
      if (options.restartOf === undefined) await network.close();
    },
  };
}

export type TeamsWorld = Awaited<ReturnType<typeof startTeamsRuntime>>;

/** For a test file: `start` starts the Teams runtime for the running test and stops it after that test. */
export function teamsRuntimePerTest(): (
  options?: Parameters<typeof startTeamsRuntime>[0],
) => Promise<TeamsWorld> {
  const running: TeamsWorld[] = [];
  afterEach(async () => {
    for (const world of running.splice(0).reverse()) await world.stop();
  });
  return async (options) => {
    const world = await startTeamsRuntime(options);
    running.push(world);
    return world;
  };
}
