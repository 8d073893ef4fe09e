import type { IncomingMessage, ServerResponse } from "node:http";
import {
  type TeamsAdapter,
  type TeamsAdapterConfig,
  type TeamsRouteHost,
  teamsChannelFromEnvironment,
} from "@lutingenie/adapter-teams";
import type { StartLutinServerOptions } from "@lutingenie/adapter-web";
import { type LoadedTenant, type Logger, LutinError } from "@lutingenie/core";

type RouteHandler = (request: IncomingMessage, response: ServerResponse) => void;

/** Teams beside the web channel, when the environment configures it (see adapter-teams' README). */
export interface ServedTeamsChannel {
  adapter: TeamsAdapter;
  /** Puts /api/messages on the web server's port (declared before the server exists). */
  mountRoutes: NonNullable<StartLutinServerOptions["mountRoutes"]>;
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
  tenant: LoadedTenant;
  logger: Logger;
  network?: TeamsNetworkOverrides;
}): ServedTeamsChannel | null {
  const served = options.tenant.settings.id;
  const named = options.environment.TEAMS_TENANT?.trim();
  if (named !== undefined && named !== "" && named !== served)
    throw new LutinError(
      "ADAPTER_CONFIG_INVALID",
      `TEAMS_TENANT is "${named}" but this server serves the tenant "${served}"`,
      {
        hint: `set TEAMS_TENANT=${served} (or unset it), or serve that tenant's file`,
      },
    );
  const routes: Array<[string, RouteHandler]> = [];
  const routeHost: TeamsRouteHost = {
    all(path, handler) {
      routes.push([path, handler]);
    },
  };
  const adapter = teamsChannelFromEnvironment(options.environment, {
    tenant: served,
    dataDir: options.dataDir,
    routes: routeHost,
    logger: options.logger,
    ...options.network,
  });
  if (adapter === null) return null;
  return {
    adapter,
    mountRoutes(app) {
      for (const [path, handler] of routes) app.all(path, handler);
    },
  };
}
