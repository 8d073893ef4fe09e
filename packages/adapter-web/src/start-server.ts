import { chmod, stat } from "node:fs/promises";
import {
  type ArchiveReport,
  type ChannelAdapter,
  type Clock,
  type ConversationLog,
  calendarOf,
  createLutinRuntime,
  type DeskFeed,
  type EscalationStore,
  type LanguageCode,
  type LoadedTenant,
  type Logger,
  type LutinRuntime,
  listQuickReplies,
  type OutboundSender,
  openFileConversationLog,
  openFileEscalationStore,
  openFileThreadMemory,
  openLowdbStore,
  periodContaining,
  readLastAudit,
  type Store,
  silentLogger,
  systemClock,
  type ThreadMemory,
} from "@lutingenie/core";
import type { Express } from "express";
import type { ServedTenantConfig, ServerConfig } from "./config.js";
import { checkServedTenants, loadServedTenants } from "./served-tenants.js";
import { type StoreMaintenance, startStoreMaintenance } from "./store-maintenance.js";
import { loadVisitorSecret } from "./visitor-secret.js";
import { createWebAdapter, type WebAdapter } from "./web-adapter.js";
import { createWebServer, type WebServer } from "./web-server.js";

export interface StartLutinServerOptions {
  config: ServerConfig;
  /**
   * The tenants, already loaded (tests adjust business hours), one per entry of `config.tenants`, in
   * its order; default: each entry's tenant file (or the demo shop). `tenant`: the same for one tenant.
   */
  tenants?: readonly LoadedTenant[];
  tenant?: LoadedTenant;
  /**
   * The seam for Slack and Teams: adapters started beside the web one (same Assistant, same store and
   * escalation service) and stopped with it, before the store is flushed.
   */
  extraAdapters?: readonly ChannelAdapter[];
  /**
   * Mounts those adapters' HTTP routes on the same express app and port (e.g. Slack's POST /slack/events),
   * before the server listens; the routes get the raw body (no JSON parser runs before them).
   */
  mountRoutes?: (app: Express) => void;
  logger?: Logger;
  clock?: Clock;
  /** Widget receipt time budget (tests shorten it). */
  receiptTimeoutMs?: number;
  /** How long an agent whose console went away stays online for a reconnect (tests shorten it). */
  reconnectGraceMs?: number;
  /** How long a message waits for its reply before the widget shows "typing…" (default 300 ms). */
  typingDelayMs?: number;
  /** Time between store maintenance runs; default: config.archiveIntervalMinutes (tests shorten it). */
  maintenanceIntervalMs?: number;
  /** The longest a shown desk status goes without being read again (default 60 s; tests shorten it). */
  deskRecheckMs?: number;
  /** Carries agents' e-mail answers to follow-up tasks (lutin serve: createSmtpSender from LUTIN_SMTP_*). */
  outboundSender?: OutboundSender;
  /**
   * Where the server keeps its data; default: the embedded stores in the data directory (openEmbeddedStores).
   * `lutin serve` passes PostgreSQL's when LUTIN_DATABASE_URL is set.
   */
  openStores?: OpenServerStores;
  /**
   * Agents, presence, handoffs and tasks somewhere other than the data directory's files (PostgreSQL, shared
   * by several servers); the caller opened it and closes it after `stop()`.
   */
  escalationStore?: EscalationStore;
  /** The feed between servers sharing `escalationStore`, for the web channel's relay (web-adapter.ts). */
  deskFeed?: DeskFeed;
}

/** Everything the server persists, opened together and closed together (after the turns have drained). */
export interface ServerStores {
  /** Shown in the start line: where the data is ("data in ./data", "database 127.0.0.1:5432/lutin"). */
  describe: string;
  store: Store;
  /** Closed by the assistant when it stops. */
  memory: ThreadMemory;
  escalationStore: EscalationStore;
  /** Wake-ups between servers sharing `escalationStore` (PostgreSQL); absent: this server is the only one. */
  deskFeed?: DeskFeed;
  /** The key that signs visitor tokens when the config gives none: the same on every instance sharing the data. */
  visitorSecret(): Promise<string>;
  /** Each maintenance run's archiving step, after the inactivity sweep. */
  archiveSettled(now: number): Promise<ArchiveReport>;
  /** Wraps every channel adapter before it starts (several instances: a thread's turns across them). */
  wrapAdapter?(adapter: ChannelAdapter): ChannelAdapter;
  /**
   * The dashboard's conversation log shared by every instance (PostgreSQL), closed by `close`; absent: the
   * file one in the data directory.
   */
  conversationLog?: ConversationLog;
  close(): Promise<void>;
}

export type OpenServerStores = (
  config: ServerConfig,
  options: { clock?: Clock; logger: Logger },
) => Promise<ServerStores>;

/**
 * The embedded default: the lowdb store, file thread memory and escalation files in the data directory
 * (created when missing; its lock refuses a second process), the visitor secret in a file beside them.
 */
export const openEmbeddedStores: OpenServerStores = async (config, options) => {
  const store = await openLowdbStore({
    dataDir: config.dataDir,
    ...(options.clock ? { clock: options.clock } : {}),
    // Q1: archiving then knows when each tenant's period really ended, instead of waiting 32 days after
    // its start to be sure; a tenant without a billing record stays hot (the store's rule for a throw).
    periodOf: (tenant, at, record) => {
      if (record === undefined) throw new Error(`tenant ${tenant} has no billing record`);
      return periodContaining(at, calendarOf(record)).label;
    },
  });
  try {
    const memory = await openFileThreadMemory({
      dataDir: config.dataDir,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    const escalationStore = await openFileEscalationStore({ dataDir: config.dataDir });
    return {
      describe: `data in ${config.dataDir}`,
      store,
      memory,
      escalationStore,
      visitorSecret: () => loadVisitorSecret(config.dataDir),
      archiveSettled: (now) => store.archiveSettled(now),
      async close() {
        await escalationStore.close().catch(() => undefined);
        await store.close();
      },
    };
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
};

export interface RunningLutinServer {
  url: string;
  port: number;
  urls: { widgetDemo: string; agentConsole: string; dashboard: string };
  runtime: LutinRuntime;
  adapter: WebAdapter;
  /** The express app (also `web.app`); other adapters' routes go through `mountRoutes`, before the catch-all 404. */
  app: Express;
  web: WebServer;
  /** Every tenant the web channel serves, in the config's order. */
  tenants: readonly LoadedTenant[];
  /** The first of them (the only one on a one-tenant server). */
  tenant: LoadedTenant;
  /** The inactivity sweep and archiving, run at start and every `archiveIntervalMinutes`; `run()` runs it now. */
  maintenance: StoreMaintenance;
  /** Stops accepting, stops every adapter, lets running turns finish, then flushes and closes the stores. */
  stop(): Promise<void>;
}

/**
 * `lutin serve`: the stores (`openStores`, by default the embedded ones in the data directory), the
 * tenants, the runtime, the web adapter and any extra adapters, behind one express + ws server.
 */
export async function startLutinServer(options: StartLutinServerOptions): Promise<RunningLutinServer> {
  const { config } = options;
  const logger = options.logger ?? silentLogger;
  const tenants =
    options.tenants ?? (options.tenant === undefined ? await loadServedTenants(config) : [options.tenant]);
  checkServedTenants(config, tenants);
  const stores = await (options.openStores ?? openEmbeddedStores)(config, {
    logger,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const { store, memory } = stores;
  // A caller's own escalation store and feed (tests of several servers on one database) win over the stores'.
  const escalationStore = options.escalationStore ?? stores.escalationStore;
  const deskFeed = options.deskFeed ?? stores.deskFeed;
  const closers: Array<() => Promise<void>> = [() => stores.close()];
  await restrictDataDirectory(config.dataDir, logger);
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  };
  try {
    // Closed after the assistant stops (closers run last first): a turn under way still writes to it.
    const conversationLog =
      stores.conversationLog ??
      (await openFileConversationLog({
        dataDir: config.dataDir,
        ...(options.clock ? { clock: options.clock } : {}),
      }));
    // The stores' own log is closed by stores.close(), after the turns that write to it.
    if (stores.conversationLog === undefined) closers.push(() => conversationLog.close());
    const runtime = await createLutinRuntime({
      store,
      tenants,
      memory,
      conversationLog,
      escalationStore,
      logger,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.outboundSender === undefined ? {} : { outboundSender: options.outboundSender }),
    });
    const sender = options.outboundSender;
    if (sender?.close !== undefined) closers.push(() => sender.close?.() ?? Promise.resolve());
    // Each tenant with the entry of the config it came from (same order, checked above).
    const served = tenants.map((tenant, index) => ({
      tenant,
      entry: config.tenants[index] as ServedTenantConfig,
    }));
    const adapter = createWebAdapter({
      tenants: served.map(({ tenant, entry }) => ({
        id: tenant.settings.id,
        agentTokens: entry.agentTokens,
        ...(entry.identitySecret === undefined ? {} : { identitySecret: entry.identitySecret }),
        // The console's canned replies: the same quick replies the widget suggests.
        quickReplies: (language: string) => listQuickReplies(tenant.knowledgeBase, language as LanguageCode),
      })),
      maxMessageLength: config.limits.maxMessageLength,
      visitorMessagesPerMinute: config.limits.visitorMessagesPerMinute,
      ipMessagesPerMinute: config.limits.ipMessagesPerMinute,
      ipOpenSockets: config.limits.ipOpenSockets,
      visitorSecret: config.visitorSecret ?? (await stores.visitorSecret()),
      directory: runtime.escalation,
      ...(deskFeed === undefined ? {} : { deskFeed }),
      logger,
      ...(options.receiptTimeoutMs === undefined ? {} : { receiptTimeoutMs: options.receiptTimeoutMs }),
      ...(options.reconnectGraceMs === undefined ? {} : { reconnectGraceMs: options.reconnectGraceMs }),
      ...(options.typingDelayMs === undefined ? {} : { typingDelayMs: options.typingDelayMs }),
      ...(options.deskRecheckMs === undefined ? {} : { deskRecheckMs: options.deskRecheckMs }),
      ...(options.clock ? { clock: options.clock } : {}),
    });
    const web = createWebServer({
      adapter,
      tenants: served.map(({ tenant, entry }) => ({
        id: tenant.settings.id,
        widgetKey: entry.widgetKey,
        allowedOrigins: entry.allowedOrigins,
        adminToken: entry.adminToken,
        // An unknown language falls back to the knowledge base's default one (listQuickReplies).
        quickReplies: (language: string) => listQuickReplies(tenant.knowledgeBase, language as LanguageCode),
        greeting: (language: string) => tenant.greeting?.[language] ?? null,
      })),
      ...(config.publicUrl === undefined ? {} : { publicUrl: config.publicUrl }),
      trustProxy: config.trustProxy,
      requestTimeoutMs: config.limits.requestTimeoutMs,
      logger,
      runtime,
      ipConnectionsPerMinute: config.limits.ipConnectionsPerMinute,
      maxMessageLength: config.limits.maxMessageLength,
      ...(options.mountRoutes === undefined ? {} : { mountRoutes: options.mountRoutes }),
      lastAudit: () => readLastAudit(config.dataDir),
    });
    // Assistant.stop() stops the adapters, waits for running turns and closes the thread memory.
    closers.push(() => runtime.assistant.stop());
    const wrap = stores.wrapAdapter ?? ((channel: ChannelAdapter) => channel);
    await runtime.assistant.start([adapter, ...(options.extraAdapters ?? [])].map(wrap));
    await runtime.escalation.start();
    closers.push(() => runtime.escalation.stop());
    const { port, url } = await web.listen(config.port, config.host);
    closers.push(() => web.close());
    // Started last, so it is stopped first: no sweep or archive run is under way while turns drain.
    const maintenance = startStoreMaintenance({
      store: { archiveSettled: (now = (options.clock ?? systemClock).now()) => stores.archiveSettled(now) },
      counter: runtime.counter,
      clock: options.clock ?? systemClock,
      logger,
      intervalMs: options.maintenanceIntervalMs ?? config.archiveIntervalMinutes * 60_000,
    });
    closers.push(() => maintenance.stop());
    logger.info("lutin serve listening", {
      url,
      dataDir: config.dataDir,
      tenants: tenants.map((tenant) => tenant.settings.id),
    });
    let stopping: Promise<void> | null = null;
    return {
      url,
      port,
      urls: { widgetDemo: `${url}/demo`, agentConsole: `${url}/console`, dashboard: `${url}/dashboard` },
      runtime,
      adapter,
      app: web.app,
      web,
      tenants,
      tenant: tenants[0] as LoadedTenant,
      maintenance,
      stop() {
        stopping ??= closeAll();
        return stopping;
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/**
 * The data directory holds customer messages, contact details and tokens: nobody but the server's user
 * may list or read it (0700), whatever the files' own modes. A directory owned by someone else is left
 * as it is, with a warning.
 */
async function restrictDataDirectory(dataDir: string, logger: Logger): Promise<void> {
  try {
    if (((await stat(dataDir)).mode & 0o077) !== 0) await chmod(dataDir, 0o700);
  } catch (error) {
    logger.warn("data directory permissions not narrowed", {
      code: (error as NodeJS.ErrnoException).code ?? "UNKNOWN",
      hint: "chmod 700 the data directory: it holds customer messages and secrets",
    });
  }
}
