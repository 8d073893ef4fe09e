import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type AssistantTenant,
  DEMO_TENANT_FILE,
  type LoadedTenant,
  type Logger,
  loadTenantFile,
} from "@lutingenie/core";
import { parseServerConfig, type ServerConfigInput } from "../config.js";
import { type RunningLutinServer, type StartLutinServerOptions, startLutinServer } from "../start-server.js";

/** Business hours with every day listed and none open (no hours at all, or `{}`, is always open). */
export const CLOSED_ALL_WEEK = { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };

export const TEST_ADMIN_TOKEN = "test-admin-token-0123456789";
export const TEST_AGENT_TOKENS = { ana: "test-token-for-ana-0123456", bruno: "test-token-for-bruno-012345" };

/**
 * The real server on 127.0.0.1 (ephemeral port) with the demo tenant in a fresh data directory; with
 * `overrides.tenants`, every tenant listed (each entry's tenant file, its own tokens). Business hours
 * are removed (agents are available at any hour), so handoff tests do not depend on the day the tests run;
 * `options.businessHours` sets them instead (CLOSED_ALL_WEEK: the desk is always closed).
 * `settings` sets the time zone and the escalation settings (and hours, with a clock of the test's choosing).
 */
export async function startTestServer(
  overrides: ServerConfigInput = {},
  options: {
    receiptTimeoutMs?: number;
    reconnectGraceMs?: number;
    typingDelayMs?: number;
    maintenanceIntervalMs?: number;
    deskRecheckMs?: number;
    settings?: Partial<
      Pick<AssistantTenant, "businessHours" | "timeZone" | "escalation" | "disabledEnchantments">
    >;
    clock?: StartLutinServerOptions["clock"];
    logger?: StartLutinServerOptions["logger"];
    dataDir?: string;
    extraAdapters?: StartLutinServerOptions["extraAdapters"];
    mountRoutes?: StartLutinServerOptions["mountRoutes"];
    outboundSender?: StartLutinServerOptions["outboundSender"];
    /** Every tenant's business hours (CLOSED_ALL_WEEK: always closed); default none (always open). */
    businessHours?: LoadedTenant["settings"]["businessHours"];
    escalationStore?: StartLutinServerOptions["escalationStore"];
    deskFeed?: StartLutinServerOptions["deskFeed"];
  } = {},
): Promise<RunningLutinServer & { dataDir: string; cleanup(): Promise<void> }> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), "lutin-web-")));
  const files =
    overrides.tenants === undefined
      ? [DEMO_TENANT_FILE]
      : overrides.tenants.map((entry) => entry.tenantFile ?? DEMO_TENANT_FILE);
  const tenants: LoadedTenant[] = [];
  for (const file of files) {
    const tenant = await loadTenantFile(file);
    tenant.settings.businessHours = options.businessHours;
    Object.assign(tenant.settings, options.settings);
    tenants.push(tenant);
  }
  const config = parseServerConfig(
    {
      port: 0,
      dataDir,
      // A list of tenants carries its own tokens (the one-tenant fields beside it are refused).
      ...(overrides.tenants === undefined
        ? { adminToken: TEST_ADMIN_TOKEN, agentTokens: TEST_AGENT_TOKENS }
        : {}),
      ...overrides,
    },
    (index) => tenants[index]?.agents.map((agent) => agent.id) ?? [],
  );
  const server = await startLutinServer({
    config,
    tenants,
    receiptTimeoutMs: options.receiptTimeoutMs ?? 3_000,
    ...(options.reconnectGraceMs === undefined ? {} : { reconnectGraceMs: options.reconnectGraceMs }),
    ...(options.typingDelayMs === undefined ? {} : { typingDelayMs: options.typingDelayMs }),
    ...(options.maintenanceIntervalMs === undefined
      ? {}
      : { maintenanceIntervalMs: options.maintenanceIntervalMs }),
    ...(options.deskRecheckMs === undefined ? {} : { deskRecheckMs: options.deskRecheckMs }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.extraAdapters === undefined ? {} : { extraAdapters: options.extraAdapters }),
    ...(options.mountRoutes === undefined ? {} : { mountRoutes: options.mountRoutes }),
    ...(options.outboundSender === undefined ? {} : { outboundSender: options.outboundSender }),
    ...(options.escalationStore === undefined ? {} : { escalationStore: options.escalationStore }),
    ...(options.deskFeed === undefined ? {} : { deskFeed: options.deskFeed }),
  });
  return {
    ...server,
    dataDir,
    async cleanup() {
      await server.stop();
      if (options.dataDir === undefined) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** An admin API call with the test admin token. */
export async function adminCall<T = Record<string, unknown>>(
  url: string,
  path: string,
  init: { method?: string; body?: unknown; token?: string | null } = {},
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  const token = init.token === undefined ? TEST_ADMIN_TOKEN : init.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${url}/api/admin${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers,
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* CSV and other text bodies stay text */
  }
  return { status: response.status, body: body as T };
}

/** A logger that keeps every line as JSON text, to assert what is logged and that no message text is. */
export function recordingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const entry = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    void lines.push(JSON.stringify({ level, message, ...fields }));
  return { lines, logger: { info: entry("info"), warn: entry("warn"), error: entry("error") } };
}
