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

/** Everything `lutin serve` reads from `--config lutin.config.json` and the environment (env wins). */
export const serverConfigSchema = z
  .object({
    port: z.coerce.number().int().min(0).max(65_535, "must be a TCP port (0–65535)").default(3000),
    host: z.string().min(1).default("127.0.0.1"),
    /** Where lutin.json, thread memory and escalation files live; created when missing. */
    dataDir: z.string().min(1).default("./data"),
    /** Tenant file (see packages/core/demo/demo-shop.tenant.json); default: the demo shop. */
    tenantFile: z.string().min(1).optional(),
    /** Public widget key (the snippet's data-tenant-key): names the tenant, is not a secret. */
    widgetKey: z.string().min(8, "must be at least 8 characters").default(DEMO_WIDGET_KEY),
    /** Pages allowed to embed the widget (checked on HTTP and on the WebSocket upgrade); the server's own origins always are. */
    allowedOrigins: z.array(origin).default([]),
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
    /** Identity verification: the tenant's page signs its logged-in customer's id with it (HMAC-SHA256). */
    identitySecret: z.string().min(32, "must be at least 32 characters (openssl rand -hex 32)").optional(),
    /** The dashboard's and admin API's token; generated (and printed) in development when missing. */
    adminToken: token.optional(),
    /** Agent console tokens: agent id → token; generated (and printed) in development when missing. */
    agentTokens: z.record(z.string().min(1), token).default({}),
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
export type ServerConfig = z.output<typeof serverConfigSchema> & {
  adminToken: string;
  /** Tokens that were generated at start (development): printed once so the operator can sign in. */
  generated: { adminToken: boolean; agentTokens: string[] };
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
  agents?: readonly string[];
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

export function parseServerConfig(
  input: unknown,
  agents: readonly string[] = [],
  context: { source?: string; environmentFields?: ReadonlySet<string> } = {},
): ServerConfig {
  const parsed = serverConfigSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const field = issue.path.join(".") || "config";
      const variable = Object.entries(ENVIRONMENT_VARIABLES).find(
        ([, name]) => name === issue.path[0] && context.environmentFields?.has(name),
      )?.[0];
      if (issue.code === "unrecognized_keys")
        return `unknown field ${issue.keys.map((key) => `"${key}"`).join(", ")}${issue.path.length > 0 ? ` in ${field}` : ""}`;
      return `${field}${variable === undefined ? "" : ` (from ${variable})`}: ${issue.message}`;
    });
    throw new LutinError("CONFIG_INVALID", `invalid server config: ${problems.join("; ")}`, {
      hint: `fix ${context.source ?? "the config"} (fields: ${Object.keys(serverConfigSchema.shape).join(", ")}; see packages/adapter-web/README.md)`,
      details: { problems },
    });
  }
  const config = parsed.data;
  const generatedAgents: string[] = [];
  const agentTokens = { ...config.agentTokens };
  if (config.mode === "production") {
    const missing = [
      ...(config.adminToken === undefined ? ["adminToken (LUTIN_ADMIN_TOKEN)"] : []),
      ...agents
        .filter((agent) => agentTokens[agent] === undefined)
        .map((agent) => `agentTokens.${agent} (LUTIN_AGENT_TOKENS)`),
    ];
    if (missing.length > 0)
      throw new LutinError("CONFIG_INVALID", `production mode needs ${missing.join(", ")}`, {
        hint: "set each token (16+ random characters); tokens are generated only in development",
        details: { problems: missing },
      });
  }
  for (const agent of agents)
    if (agentTokens[agent] === undefined) {
      agentTokens[agent] = randomToken();
      generatedAgents.push(agent);
    }
  return {
    ...config,
    agentTokens,
    adminToken: config.adminToken ?? randomToken(),
    generated: { adminToken: config.adminToken === undefined, agentTokens: generatedAgents },
  };
}

function randomToken(): string {
  return randomBytes(18).toString("base64url");
}
