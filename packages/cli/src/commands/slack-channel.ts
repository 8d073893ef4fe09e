import type { IncomingMessage, ServerResponse } from "node:http";
import {
  DEFAULT_SLACK_TENANT,
  type SlackAdapter,
  type SlackInstallations,
  type SlackInstalledWorkspace,
  type SlackRouteHost,
  type SlackStateStore,
  slackChannelFromEnvironment,
} from "@lutingenie/adapter-slack";
import type { StartLutinServerOptions } from "@lutingenie/adapter-web";
import { type LoadedTenant, type Logger, LutinError, type LutinRuntime } from "@lutingenie/core";

type RouteHandler = (request: IncomingMessage, response: ServerResponse) => void;

/** Slack beside the web channel, when the environment configures it (see adapter-slack's README). */
export interface ServedSlackChannel {
  adapter: SlackAdapter;
  /** Puts the Slack routes on the web server's port (they are declared before the server exists). */
  mountRoutes: NonNullable<StartLutinServerOptions["mountRoutes"]>;
  /** Once the server runs: makes every workspace installed earlier a tenant again, and new ones as they install. */
  attach(runtime: LutinRuntime): Promise<void>;
}

/**
 * Reads the SLACK_* variables; null when none is set. A single workspace answers for the served tenant;
 * with OAuth each installed workspace becomes a tenant made from the served tenant's file (its knowledge
 * base, plan and settings) under the workspace's id, whose agents the adapter enrols into Escalation.
 */
export function slackChannelForServer(options: {
  environment: NodeJS.ProcessEnv;
  dataDir: string;
  tenant: LoadedTenant;
  logger: Logger;
  /** Slack Web API base URL: tests point it at a local fake. */
  slackApiUrl?: string;
  /** The adapter's state in the database when serve runs on PostgreSQL (default: slack-state.json in dataDir). */
  state?: SlackStateStore;
  /** OAuth installations in the database on PostgreSQL (default: slack-installations.json in dataDir). */
  installations?: SlackInstallations;
}): ServedSlackChannel | null {
  const routes: Array<[string, RouteHandler]> = [];
  const routeHost: SlackRouteHost = {
    all(path, handler) {
      routes.push([path, handler]);
    },
  };
  let runtime: LutinRuntime | null = null;
  const adapter = slackChannelFromEnvironment(options.environment, {
    dataDir: options.dataDir,
    expressApp: routeHost,
    logger: options.logger,
    ...(options.slackApiUrl === undefined ? {} : { slackApiUrl: options.slackApiUrl }),
    ...(options.state === undefined ? {} : { state: options.state }),
    ...(options.installations === undefined ? {} : { installations: options.installations }),
    onInstalled: async (workspace) => {
      if (runtime === null)
        throw new LutinError("TENANT_UNKNOWN", "a Slack install arrived before the server was ready", {
          hint: "install the app again in a few seconds",
        });
      await runtime.addTenant(workspaceTenant(options.tenant, workspace));
    },
    agentDirectory: {
      putAgent: async (agent) => {
        if (runtime === null)
          throw new LutinError("TENANT_UNKNOWN", "a Slack agent enrolled before the server was ready", {
            hint: "try again in a few seconds",
          });
        await runtime.escalation.putAgent(agent);
      },
    },
  });
  if (adapter === null) return null;

  const singleTenant = options.environment.SLACK_TENANT ?? DEFAULT_SLACK_TENANT;
  if (adapter.workspaceMode === "single" && singleTenant !== options.tenant.settings.id)
    throw new LutinError(
      "ADAPTER_CONFIG_INVALID",
      `SLACK_TENANT is "${singleTenant}" but this server serves the tenant "${options.tenant.settings.id}"`,
      { hint: `set SLACK_TENANT=${options.tenant.settings.id}, or serve that tenant's file` },
    );

  return {
    adapter,
    mountRoutes(app) {
      for (const [path, handler] of routes) app.all(path, handler);
    },
    async attach(served) {
      runtime = served;
      for (const installed of adapter.installations?.list() ?? [])
        await served.addTenant(workspaceTenant(options.tenant, installed));
    },
  };
}

/**
 * The tenant a Slack workspace becomes: the served tenant's settings under the workspace's own id. Its
 * agents are not the template's: the adapter enrols the installer and who says available in the agents'
 * channel (adapter-slack README), kept in the escalation store across restarts.
 */
export function workspaceTenant(
  template: LoadedTenant,
  workspace: Pick<SlackInstalledWorkspace, "tenant" | "teamName">,
): LoadedTenant {
  return {
    ...template,
    settings: { ...template.settings, id: workspace.tenant, name: workspace.teamName ?? workspace.tenant },
    agents: [],
  };
}
