import type { IncomingMessage, ServerResponse } from "node:http";
import {
  type TeamsAdapter,
  type TeamsAdapterConfig,
  type TeamsRouteHost,
  type TeamsStateStore,
  teamsChannelFromEnvironment,
} from "@lutingenie/adapter-teams";
import { type TeamsAgentState, teamsAgentSideFromEnvironment } from "@lutingenie/adapter-teams/agents";
import type { StartLutinServerOptions } from "@lutingenie/adapter-web";
import { type LoadedTenant, type Logger, LutinError, type LutinRuntime } from "@lutingenie/core";

type RouteHandler = (request: IncomingMessage, response: ServerResponse) => void;

/** Teams beside the web channel, when the environment configures it (see adapter-teams' README). */
export interface ServedTeamsChannel {
  adapter: TeamsAdapter;
  /** Puts /api/messages on the web server's port (declared before the server exists). */
  mountRoutes: NonNullable<StartLutinServerOptions["mountRoutes"]>;
  /** Whether TEAMS_AGENTS_CHANNEL / TEAMS_FOLLOW_UP_CHANNEL put the agents' side in. */
  hasAgentSide: boolean;
  /** Gives the agents' side the running server's desk and agent directory (the runtime exists after start). */
  attach(runtime: LutinRuntime): void;
}

/** What tests put where Microsoft would be: outbound credentials and a local token issuer. */
export type TeamsNetworkOverrides = Pick<
  TeamsAdapterConfig,
  "credentialsFactory" | "openIdMetadataUrl" | "tokenIssuer"
>;

/**
 * Reads the MICROSOFT_APP_* and TEAMS_* variables; null when none is set (then /api/messages is not
 * served: the web server's 404). The Teams traffic belongs to the served tenant; TEAMS_TENANT, when set,
 * must name it.
 */
export function teamsChannelForServer(options: {
  environment: NodeJS.ProcessEnv;
  dataDir: string;
  /** The tenants this server serves; Teams traffic belongs to the one TEAMS_TENANT names (default: the first). */
  tenants: readonly LoadedTenant[];
  logger: Logger;
  network?: TeamsNetworkOverrides;
  /** The adapters' state in the database when serve runs on PostgreSQL (default: files in dataDir). */
  state?: { teams: TeamsStateStore; agents: TeamsAgentState };
}): ServedTeamsChannel | null {
  const served = options.tenants.map((tenant) => tenant.settings.id);
  const named = options.environment.TEAMS_TENANT?.trim();
  const tenant = named === undefined || named === "" ? served[0] : served.find((id) => id === named);
  if (tenant === undefined)
    throw new LutinError(
      "ADAPTER_CONFIG_INVALID",
      `TEAMS_TENANT is "${named}" but this server serves ${served.map((id) => `"${id}"`).join(", ")}`,
      {
        hint: `set TEAMS_TENANT to one of ${served.join(", ")} (or unset it for the first), or serve that tenant's file`,
      },
    );
  const routes: Array<[string, RouteHandler]> = [];
  const routeHost: TeamsRouteHost = {
    all(path, handler) {
      routes.push([path, handler]);
    },
  };
  let runtime: LutinRuntime | null = null;
  const agentSide = teamsAgentSideFromEnvironment(options.environment, {
    dataDir: options.dataDir,
    ...(options.state === undefined ? {} : { state: options.state.agents }),
    directory: {
      putAgent: async (agent) => {
        if (runtime === null)
          throw new Error("the Teams agents' side enrolled an agent before the server started");
        await runtime.escalation.putAgent(agent);
      },
    },
    desk: () => runtime?.escalation,
  });
  const adapter = teamsChannelFromEnvironment(options.environment, {
    tenant,
    dataDir: options.dataDir,
    routes: routeHost,
    logger: options.logger,
    ...(options.state === undefined ? {} : { state: options.state.teams }),
    ...(agentSide === undefined ? {} : { agentSide }),
    ...options.network,
  });
  if (adapter === null) return null;
  return {
    adapter,
    hasAgentSide: agentSide !== undefined,
    attach(served) {
      runtime = served;
    },
    mountRoutes(app) {
      for (const [path, handler] of routes) app.all(path, handler);
    },
  };
}
