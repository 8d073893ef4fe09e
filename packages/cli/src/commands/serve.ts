import type { Writable } from "node:stream";
import { DEFAULT_SLACK_TENANT } from "@lutingenie/adapter-slack";
import {
  createSmtpSender,
  DEMO_WIDGET_KEY,
  loadServedTenants,
  loadServerConfig,
  type RunningLutinServer,
  type StartLutinServerOptions,
  smtpConfigFromEnvironment,
  startLutinServer,
} from "@lutingenie/adapter-web";
import { type ChannelAdapter, createJsonLinesLogger, type LoadedTenant, type Logger } from "@lutingenie/core";
import {
  DATABASE_LISTEN_URL_VARIABLE,
  DATABASE_URL_VARIABLE,
  databaseLocation,
  databaseUrlFrom,
} from "../database-url.js";
import {
  chatAdaptersConfigured,
  openPostgresAdapterState,
  type PostgresAdapterState,
} from "../postgres-adapter-state.js";
import { openPostgresServerStores } from "../postgres-server-stores.js";
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
 * `lutin serve`: the widget, the agent console and the dashboard on one port, on the embedded store in the
 * data directory, or on PostgreSQL when LUTIN_DATABASE_URL is set (then any number of instances may share
 * the database). Stops gracefully on SIGINT/SIGTERM: adapters stop, running turns finish, the store is
 * flushed and its lock released.
 */
export async function serve(options: ServeOptions): Promise<void> {
  const environment = options.environment ?? process.env;
  // Checked first: a wrong URL is refused before anything is opened or generated.
  const databaseUrl = databaseUrlFrom(environment);
  const listenUrl = databaseUrlFrom(environment, DATABASE_LISTEN_URL_VARIABLE);
  const preliminary = await loadServerConfig({
    ...(options.configFile === undefined ? {} : { file: options.configFile }),
    environment,
  });
  const tenants = await loadServedTenants(preliminary);
  // Loaded again with each tenant's agents, so development tokens are generated for each of them.
  const config = await loadServerConfig({
    ...(options.configFile === undefined ? {} : { file: options.configFile }),
    environment,
    agents: (index) => tenants[index]?.agents.map((agent) => agent.id) ?? [],
  });
  // Slack serves its own tenant as before: the one SLACK_TENANT names when this server serves it.
  const slackTenant = environment.SLACK_TENANT ?? DEFAULT_SLACK_TENANT;
  const tenant =
    tenants.find((candidate) => candidate.settings.id === slackTenant) ?? (tenants[0] as LoadedTenant);
  const logger = options.logger ?? createJsonLinesLogger();
  // On PostgreSQL the adapters' state is shared by every instance (issue 16); embedded: files in dataDir.
  const adapterState =
    databaseUrl === null || !chatAdaptersConfigured(environment)
      ? null
      : await openPostgresAdapterState(databaseUrl, { logger });
  try {
    await serveWith(adapterState);
  } finally {
    await adapterState?.close().catch(() => undefined);
  }

  async function serveWith(adapterState: PostgresAdapterState | null): Promise<void> {
    const slack = slackChannelForServer({
      environment,
      dataDir: config.dataDir,
      tenant,
      logger,
      ...(options.slackApiUrl === undefined ? {} : { slackApiUrl: options.slackApiUrl }),
      ...(adapterState === null
        ? {}
        : { state: adapterState.slack, installations: adapterState.slackInstallations }),
    });
    const teams = teamsChannelForServer({
      environment,
      dataDir: config.dataDir,
      tenants,
      logger,
      ...(options.teamsNetwork === undefined ? {} : { network: options.teamsNetwork }),
      ...(adapterState === null ? {} : { state: adapterState.teams }),
    });
    const extraAdapters = [
      ...(options.extraAdapters ?? []),
      ...(slack === null ? [] : [slack.adapter]),
      ...(teams === null ? [] : [teams.adapter]),
    ];
    // Agents' e-mail answers to follow-up tasks: refused at start when a LUTIN_SMTP_* variable is wrong.
    const smtp = smtpConfigFromEnvironment(environment);
    const server = await startLutinServer({
      config,
      tenants,
      logger,
      extraAdapters,
      ...(smtp === null ? {} : { outboundSender: createSmtpSender(smtp) }),
      ...(databaseUrl === null
        ? {}
        : {
            openStores: openPostgresServerStores({
              url: databaseUrl,
              ...(listenUrl === null ? {} : { listenUrl }),
            }),
          }),
      mountRoutes: (app) => {
        slack?.mountRoutes(app);
        teams?.mountRoutes(app);
        options.mountRoutes?.(app);
      },
    });
    await slack?.attach(server.runtime);
    teams?.attach(server.runtime);
    const out = (line: string) => options.output.write(`${line}\n`);
    const where =
      databaseUrl === null
        ? `data in ${config.dataDir}`
        : `database ${databaseLocation(databaseUrl)} from ${DATABASE_URL_VARIABLE}, files in ${config.dataDir}`;
    out(
      `LutinGénie is serving ${tenants.map((served) => served.settings.name ?? served.settings.id).join(", ")} (${where})`,
    );
    out(`  widget demo    ${server.urls.widgetDemo}`);
    out(`  agent console  ${server.urls.agentConsole}`);
    out(`  dashboard      ${server.urls.dashboard}`);
    if (slack !== null)
      out(
        slack.adapter.mode === "socket"
          ? "  slack          Socket Mode (one workspace)"
          : `  slack          ${server.url}/slack/events (${slack.adapter.workspaceMode === "multi" ? `install: ${server.url}/slack/install` : "one workspace"})`,
      );
    if (teams !== null)
      out(
        `  teams          ${server.url}${teams.adapter.path} (app ${teams.adapter.appId}${teams.hasAgentSide ? ", agents' side on" : ""})`,
      );
    config.tenants.forEach((entry, index) => {
      // With several tenants, each line says whose it is (a token opens that tenant only).
      const whose = config.tenants.length > 1 ? ` of ${tenants[index]?.settings.id}` : "";
      if (entry.widgetKey === DEMO_WIDGET_KEY)
        out(
          `  embed${whose}: <script src="${server.url}/widget.js" data-tenant-key="${entry.widgetKey}" async></script>`,
        );
      // Development only: generated tokens are printed so the operator can sign in; production requires set ones.
      if (entry.generated.adminToken) out(`  admin token${whose} (dev, generated): ${entry.adminToken}`);
      for (const agent of entry.generated.agentTokens)
        out(`  agent token for ${agent}${whose} (dev, generated): ${entry.agentTokens[agent]}`);
    });
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
}
