import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { jsonSyntaxProblem, LutinError } from "@lutingenie/core";
import { z } from "zod";

/** The demo tenant's public widget key: it is not a secret (it is written in every page that embeds the widget). */
export const DEMO_WIDGET_KEY = "demo-shop-widget";

const origin = z
  .string()
  .regex(/^https?:\/\/[^/\s]+$/, "must be an origin like https://shop.example (scheme and host, no path)")
  // As browsers send it: lower-case host, no default port ("https://Shop.example:443" → "https://shop.example").
  .transform((value) => new URL(value).origin);

const token = z
  .string()
  .min(16, "must be at least 16 characters (use a random string: openssl rand -hex 24)");

const tenantFile = z
  .string()
  .min(1, "must be the path of a tenant file (see packages/core/demo/demo-shop.tenant.json)");
const widgetKey = z.string().min(8, "must be at least 8 characters");
const identitySecret = z.string().min(32, "must be at least 32 characters (openssl rand -hex 32)");
const agentTokens = z.record(z.string().min(1), token);

/** One tenant of `tenants`: everything that is one tenant's own on a server that serves several. */
export const servedTenantSchema = z
  .object({
    tenantFile,
    /** Public (written in the tenant's pages); it selects the tenant on the widget's connection. */
    widgetKey,
    /** This tenant's pages allowed to embed its widget, besides the server's own origins. */
    allowedOrigins: z.array(origin).default([]),
    identitySecret: identitySecret.optional(),
    adminToken: token.optional(),
    agentTokens: agentTokens.default({}),
  })
  .strict();

/** The fields a one-tenant config sets at the top level and a `tenants` entry sets for its tenant. */
const ONE_TENANT_FIELDS = [
  "tenantFile",
  "widgetKey",
  "allowedOrigins",
  "identitySecret",
  "adminToken",
  "agentTokens",
] as const;
type OneTenantField = (typeof ONE_TENANT_FIELDS)[number];

/** Everything `lutin serve` reads from `--config lutin.config.json` and the environment (env wins). */
export const serverConfigSchema = z
  .object({
    port: z.coerce.number().int().min(0).max(65_535, "must be a TCP port (0–65535)").default(3000),
    host: z.string().min(1).default("127.0.0.1"),
    /** Where lutin.json, thread memory and escalation files live; created when missing. */
    dataDir: z.string().min(1).default("./data"),
    /** One tenant's tenant file (see packages/core/demo/demo-shop.tenant.json); default: the demo shop. For several tenants: `tenants`. */
    tenantFile: tenantFile.optional(),
    /** One tenant's public widget key (the snippet's data-tenant-key): names the tenant, is not a secret. Default: the demo key. */
    widgetKey: widgetKey.optional(),
    /** One tenant's pages allowed to embed the widget (checked on HTTP and on the WebSocket upgrade); the server's own origins always are. */
    allowedOrigins: z.array(origin).optional(),
    /** The server's address as people reach it (behind a proxy: https://support.shop.example); one of its own origins. */
    publicUrl: z.url({ error: "must be a URL like https://support.shop.example" }).optional(),
    /**
     * Express's trust proxy: "false" (default), "true", a hop count, or the proxies' addresses/subnets
     * ("loopback", "10.0.0.0/8,127.0.0.1"). Decides which client address the per-IP limits see.
     */
    trustProxy: z
      .union([z.boolean(), z.number().int().min(0), z.string().min(1)])
      .default(false)
      .transform((value) => {
        if (value === "true") return true;
        if (value === "false") return false;
        if (typeof value === "string" && /^\d+$/.test(value)) return Number(value);
        return value;
      }),
    /** Signs the visitor tokens the widget keeps; default: made once and kept in dataDir/visitor-secret (0600). */
    visitorSecret: z.string().min(32, "must be at least 32 characters (openssl rand -hex 32)").optional(),
    /** One tenant's identity verification: its page signs its logged-in customer's id with it (HMAC-SHA256). */
    identitySecret: identitySecret.optional(),
    /** One tenant's dashboard and admin API token; generated (and printed) in development when missing. */
    adminToken: token.optional(),
    /** One tenant's agent console tokens: agent id → token; generated (and printed) in development when missing. */
    agentTokens: agentTokens.optional(),
    /**
     * Several tenants on one server, each with its own tenant file, widget key and tokens (instead of the
     * one-tenant fields above, never beside them). A token names exactly one tenant: what it reads and
     * changes is that tenant's only.
     */
    tenants: z
      .array(servedTenantSchema)
      .min(1, "list at least one tenant (or leave tenants out and use the one-tenant fields)")
      .optional(),
    /** production refuses to start without adminToken and agentTokens instead of generating them. */
    mode: z.enum(["development", "production"]).default("development"),
    /**
     * Minutes between two store maintenance runs (the inactivity sweep, then archiving of settled
     * conversations and closed billing periods out of lutin.json); one also runs at start.
     */
    archiveIntervalMinutes: z.coerce
      .number()
      .int("must be a whole number of minutes")
      .min(1, "must be at least 1 (minutes)")
      .max(7 * 24 * 60, "must be at most 10080 (a week)")
      .default(60),
    limits: z
      .object({
        /** Longest customer message, in characters. */
        maxMessageLength: z.number().int().min(1).max(40_000).default(2_000),
        /** Customer messages per visitor per minute. */
        visitorMessagesPerMinute: z.number().int().min(1).default(30),
        /** Messages (all visitors) per client IP per minute. */
        ipMessagesPerMinute: z.number().int().min(1).default(300),
        /** WebSocket connections per client IP per minute. */
        ipConnectionsPerMinute: z.number().int().min(1).default(120),
        /** Widget sockets one client address may hold open at once. */
        ipOpenSockets: z.number().int().min(1).default(50),
        /** A request's headers and body must arrive within this (slow clients). */
        requestTimeoutMs: z.number().int().min(1_000).max(300_000).default(15_000),
      })
      .strict()
      .default({
        maxMessageLength: 2_000,
        visitorMessagesPerMinute: 30,
        ipMessagesPerMinute: 300,
        ipConnectionsPerMinute: 120,
        ipOpenSockets: 50,
        requestTimeoutMs: 15_000,
      }),
  })
  .strict();

export type ServerConfigInput = z.input<typeof serverConfigSchema>;

/** One tenant the server serves, with its tokens complete (generated in development when missing). */
export interface ServedTenantConfig {
  /** The tenant file; undefined: the demo shop. */
  tenantFile: string | undefined;
  widgetKey: string;
  allowedOrigins: string[];
  identitySecret: string | undefined;
  adminToken: string;
  agentTokens: Record<string, string>;
  /** Tokens that were generated at start (development): printed once so the operator can sign in. */
  generated: { adminToken: boolean; agentTokens: string[] };
  /** Where the entry was written, for messages: "tenants[1]", or "" for the one-tenant fields. */
  field: string;
}

export type ServerConfig = Omit<z.output<typeof serverConfigSchema>, OneTenantField | "tenants"> & {
  /** Every tenant served, in the config's order (the one-tenant fields make a list of one). */
  tenants: ServedTenantConfig[];
};

/** Environment variables and the field each one sets. */
export const ENVIRONMENT_VARIABLES = {
  PORT: "port",
  LUTIN_HOST: "host",
  LUTIN_DATA_DIR: "dataDir",
  LUTIN_TENANT_FILE: "tenantFile",
  LUTIN_WIDGET_KEY: "widgetKey",
  LUTIN_ALLOWED_ORIGINS: "allowedOrigins",
  LUTIN_PUBLIC_URL: "publicUrl",
  LUTIN_TRUST_PROXY: "trustProxy",
  LUTIN_VISITOR_SECRET: "visitorSecret",
  LUTIN_IDENTITY_SECRET: "identitySecret",
  LUTIN_ADMIN_TOKEN: "adminToken",
  LUTIN_AGENT_TOKENS: "agentTokens",
  LUTIN_MODE: "mode",
  LUTIN_ARCHIVE_INTERVAL_MINUTES: "archiveIntervalMinutes",
} as const;

function fromEnvironment(environment: NodeJS.ProcessEnv): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(ENVIRONMENT_VARIABLES)) {
    const value = environment[name];
    if (value === undefined || value === "") continue;
    if (field === "allowedOrigins") values[field] = value.split(",").map((part) => part.trim());
    else if (field === "agentTokens")
      // "ana=token1,bruno=token2": one pair per agent.
      values[field] = Object.fromEntries(
        value.split(",").map((pair) => {
          const at = pair.indexOf("=");
          return [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
        }),
      );
    else values[field] = value;
  }
  return values;
}

/**
 * Validates the config file (optional) merged with the environment. Errors name the field, its source
 * and the fix. In development, missing tokens are generated for the given agents.
 */
export async function loadServerConfig(options: {
  file?: string;
  environment?: NodeJS.ProcessEnv;
  overrides?: ServerConfigInput;
  /** The tenants' agent ids (see parseServerConfig). */
  agents?: readonly string[] | ((tenantIndex: number) => readonly string[]);
}): Promise<ServerConfig> {
  let fromFile: Record<string, unknown> = {};
  if (options.file !== undefined) {
    let text: string;
    try {
      text = await readFile(options.file, "utf8");
    } catch (error) {
      throw new LutinError(
        "CONFIG_INVALID",
        `cannot read the config file ${options.file}: ${(error as NodeJS.ErrnoException).code ?? error}`,
        { hint: "check the --config path, or leave it out to use environment variables and defaults" },
      );
    }
    try {
      fromFile = JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
      throw new LutinError(
        "CONFIG_INVALID",
        `${options.file} is not valid JSON (${jsonSyntaxProblem(error)})`,
        {
          hint: "fix the JSON syntax (a trailing comma? a missing quote?)",
        },
      );
    }
  }
  const environment = fromEnvironment(options.environment ?? process.env);
  return parseServerConfig({ ...fromFile, ...environment, ...options.overrides }, options.agents ?? [], {
    source: options.file ?? "the environment",
    environmentFields: new Set(Object.keys(environment)),
  });
}

/**
 * Validates a config (file and environment merged). `agents` are the tenants' agent ids, for the
 * development tokens and production's check: one list for every tenant, or a list per `tenants` entry.
 */
export function parseServerConfig(
  input: unknown,
  agents: readonly string[] | ((tenantIndex: number) => readonly string[]) = [],
  context: { source?: string; environmentFields?: ReadonlySet<string> } = {},
): ServerConfig {
  const variableOf = (field: unknown) =>
    Object.entries(ENVIRONMENT_VARIABLES).find(
      ([, name]) => name === field && context.environmentFields?.has(name),
    )?.[0];
  const refuse = (problems: string[]): never => {
    throw new LutinError("CONFIG_INVALID", `invalid server config: ${problems.join("; ")}`, {
      hint: `fix ${context.source ?? "the config"} (fields: ${Object.keys(serverConfigSchema.shape).join(", ")}; see packages/adapter-web/README.md)`,
      details: { problems },
    });
  };
  const parsed = serverConfigSchema.safeParse(input);
  if (!parsed.success)
    return refuse(
      parsed.error.issues.map((issue) => {
        const field = fieldName(issue.path);
        const variable = variableOf(issue.path[0]);
        if (issue.code === "unrecognized_keys")
          return `unknown field ${issue.keys.map((key) => `"${key}"`).join(", ")}${issue.path.length > 0 ? ` in ${field}` : ""}`;
        return `${field}${variable === undefined ? "" : ` (from ${variable})`}: ${issue.message}`;
      }),
    );
  const config = parsed.data;
  const { tenants: listed, ...rest } = config;
  const server = Object.fromEntries(
    Object.entries(rest).filter(([name]) => !(ONE_TENANT_FIELDS as readonly string[]).includes(name)),
  ) as Omit<z.output<typeof serverConfigSchema>, OneTenantField | "tenants">;
  const named = (field: string) => {
    const variable = variableOf(field);
    return variable === undefined ? field : `${field} (${variable})`;
  };
  if (listed !== undefined) {
    const mixed = ONE_TENANT_FIELDS.filter((field) => config[field] !== undefined);
    if (mixed.length > 0)
      refuse([
        `tenants cannot be mixed with the one-tenant fields ${mixed.map(named).join(", ")}: move them into each entry of tenants (or remove tenants and serve one tenant)`,
      ]);
  }
  const entries = (
    listed ?? [
      {
        tenantFile: config.tenantFile,
        widgetKey: config.widgetKey ?? DEMO_WIDGET_KEY,
        allowedOrigins: config.allowedOrigins ?? [],
        identitySecret: config.identitySecret,
        adminToken: config.adminToken,
        agentTokens: config.agentTokens ?? {},
      },
    ]
  ).map((entry, index) => ({ ...entry, field: listed === undefined ? "" : `tenants[${index}]` }));
  // The one-tenant fields keep their names (and their variables) in messages; entries are named by place.
  const pathOf = (entry: { field: string }, field: string) => {
    if (entry.field !== "") return `${entry.field}.${field}`;
    const variable = Object.entries(ENVIRONMENT_VARIABLES).find(
      ([, name]) => name === field.split(".")[0],
    )?.[0];
    return variable === undefined ? field : `${field} (${variable})`;
  };
  refuseDuplicates(entries, pathOf, refuse);

  const agentsOf = (index: number) => (typeof agents === "function" ? agents(index) : agents);
  if (config.mode === "production") {
    const missing = entries.flatMap((entry, index) => [
      ...(entry.adminToken === undefined ? [pathOf(entry, "adminToken")] : []),
      ...agentsOf(index)
        .filter((agent) => entry.agentTokens[agent] === undefined)
        .map((agent) => pathOf(entry, `agentTokens.${agent}`)),
    ]);
    if (missing.length > 0)
      throw new LutinError("CONFIG_INVALID", `production mode needs ${missing.join(", ")}`, {
        hint: "set each token (16+ random characters); tokens are generated only in development",
        details: { problems: missing },
      });
  }
  return {
    ...server,
    tenants: entries.map((entry, index) => {
      const agentTokens = { ...entry.agentTokens };
      const generatedAgents: string[] = [];
      for (const agent of agentsOf(index))
        if (agentTokens[agent] === undefined) {
          agentTokens[agent] = randomToken();
          generatedAgents.push(agent);
        }
      return {
        tenantFile: entry.tenantFile,
        widgetKey: entry.widgetKey,
        allowedOrigins: entry.allowedOrigins,
        identitySecret: entry.identitySecret,
        adminToken: entry.adminToken ?? randomToken(),
        agentTokens,
        generated: { adminToken: entry.adminToken === undefined, agentTokens: generatedAgents },
        field: entry.field,
      };
    }),
  };
}

/**
 * A widget key selects one tenant and a token names one tenant (and, for an agent, one agent): a value
 * given twice would let one tenant's credential open another's data, so it is refused. Tokens are never
 * quoted in the message (they are secrets); the places that share one are.
 */
function refuseDuplicates(
  entries: ReadonlyArray<{
    field: string;
    widgetKey: string;
    adminToken?: string | undefined;
    agentTokens: Record<string, string>;
  }>,
  pathOf: (entry: { field: string }, field: string) => string,
  refuse: (problems: string[]) => never,
): void {
  const problems: string[] = [];
  const keys = new Map<string, string>();
  const tokens = new Map<string, string>();
  for (const entry of entries) {
    const key = pathOf(entry, "widgetKey");
    const earlier = keys.get(entry.widgetKey);
    if (earlier !== undefined)
      problems.push(
        `${key}: the widget key "${entry.widgetKey}" is already ${earlier}'s; give each tenant its own widget key`,
      );
    else keys.set(entry.widgetKey, key);
    const owned = [
      ...(entry.adminToken === undefined ? [] : [[pathOf(entry, "adminToken"), entry.adminToken] as const]),
      ...Object.entries(entry.agentTokens).map(
        ([agent, value]) => [pathOf(entry, `agentTokens.${agent}`), value] as const,
      ),
    ];
    for (const [place, value] of owned) {
      const first = tokens.get(value);
      if (first !== undefined)
        problems.push(
          `${place}: the same token as ${first}; a token must name exactly one tenant and one role (make a new one: openssl rand -hex 24)`,
        );
      else tokens.set(value, place);
    }
  }
  if (problems.length > 0) refuse(problems);
}

function fieldName(path: readonly PropertyKey[]): string {
  let name = "";
  for (const part of path)
    name += typeof part === "number" ? `[${part}]` : `${name === "" ? "" : "."}${String(part)}`;
  return name || "config";
}

function randomToken(): string {
  return randomBytes(18).toString("base64url");
}
