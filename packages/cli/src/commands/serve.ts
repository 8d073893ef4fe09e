import type { Writable } from "node:stream";
import {
  DEMO_WIDGET_KEY,
  loadServerConfig,
  type RunningLutinServer,
  type StartLutinServerOptions,
  startLutinServer,
} from "@lutingenie/adapter-web";
import {
  type ChannelAdapter,
  createJsonLinesLogger,
  DEMO_TENANT_FILE,
  type Logger,
  loadTenantFile,
} from "@lutingenie/core";
import { slackChannelForServer } from "./slack-channel.js";
import { type TeamsNetworkOverrides, teamsChannelForServer } from "./teams-channel.js";

export interface ServeOptions {
  configFile?: string;
  environment?: NodeJS.ProcessEnv;
  output: Writable;
  /** Slack, Teams…: started beside the web adapter (the seam for their packages). */
  extraAdapters?: readonly ChannelAdapter[];
  /** Mounts those adapters' HTTP routes on the same port (see StartLutinServerOptions.mountRoutes). */
  mountRoutes?: StartLutinServerOptions["mountRoutes"];
  /** Default: JSON lines on standard error. */
  logger?: Logger;
  /** Resolves when the server should stop; default: SIGINT or SIGTERM. */
  until?: Promise<unknown>;
  /** Slack Web API base URL when SLACK_* variables are set (tests point it at a local fake). */
  slackApiUrl?: string;
  /** Where Microsoft would be when MICROSOFT_APP_* variables are set (tests: a local issuer and connector). */
  teamsNetwork?: TeamsNetworkOverrides;
  /** Called once the server listens (tests). */
  onStarted?: (server: RunningLutinServer) => void;
}

/**
 * `lutin serve`: the widget, the agent console and the dashboard on one port. Stops gracefully on
 * SIGINT/SIGTERM: adapters stop, running turns finish, the store is flushed and its lock released.
 */
export async function serve(options: ServeOptions): Promise<void> {
  const environment = options.environment ?? process.env;
  const preliminary = await loadServerConfig({
    ...(options.configFile === undefined ? {} : { file: options.configFile }),
    environment,
  });
  const tenant = await loadTenantFile(preliminary.tenantFile ?? DEMO_TENANT_FILE);
  // Loaded again with the tenant's agents, so development tokens are generated for each of them.
  const config = await loadServerConfig({
    ...(options.configFile === undefined ? {} : { file: options.configFile }),
    environment,
    agents: tenant.agents.map((agent) => agent.id),
  });
  const logger = options.logger ?? createJsonLinesLogger();
  const slack = slackChannelForServer({
    environment,
    dataDir: config.dataDir,
    tenant,
    logger,
    ...(options.slackApiUrl === undefined ? {} : { slackApiUrl: options.slackApiUrl }),
  });
  const teams = teamsChannelForServer({
    environment,
    dataDir: config.dataDir,
    tenant,
    logger,
    ...(options.teamsNetwork === undefined ? {} : { network: options.teamsNetwork }),
  });
  const extraAdapters = [
    ...(options.extraAdapters ?? []),
    ...(slack === null ? [] : [slack.adapter]),
    ...(teams === null ? [] : [teams.adapter]),
  ];
  const server = await startLutinServer({
    config,
    tenant,
    logger,
    extraAdapters,
    mountRoutes: (app) => {
      slack?.mountRoutes(app);
      teams?.mountRoutes(app);
      options.mountRoutes?.(app);
    },
  });
  await slack?.attach(server.runtime);
  const out = (line: string) => options.output.write(`${line}\n`);
  out(`LutinGénie is serving ${tenant.settings.name ?? tenant.settings.id} (data in ${config.dataDir})`);
  out(`  widget demo    ${server.urls.widgetDemo}`);
  out(`  agent console  ${server.urls.agentConsole}`);
  out(`  dashboard      ${server.urls.dashboard}`);
  if (slack !== null)
    out(
      slack.adapter.mode === "socket"
        ? "  slack          Socket Mode (one workspace)"
        : `  slack          ${server.url}/slack/events (${slack.adapter.workspaceMode === "multi" ? `install: ${server.url}/slack/install` : "one workspace"})`,
    );
  if (teams !== null) out(`  teams          ${server.url}${teams.adapter.path} (app ${teams.adapter.appId})`);
  if (config.widgetKey === DEMO_WIDGET_KEY)
    out(
      `  embed: <script src="${server.url}/widget.js" data-tenant-key="${config.widgetKey}" async></script>`,
    );
  // Development only: generated tokens are printed so the operator can sign in; production requires set ones.
  if (config.generated.adminToken) out(`  admin token (dev, generated): ${config.adminToken}`);
  for (const agent of config.generated.agentTokens)
    out(`  agent token for ${agent} (dev, generated): ${config.agentTokens[agent]}`);
  options.onStarted?.(server);

  await (options.until ??
    new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    }));
  out("Stopping: closing connections and flushing the data files…");
  await server.stop();
  out("Stopped.");
}
