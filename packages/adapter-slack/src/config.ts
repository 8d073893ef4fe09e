import type { Clock, Logger } from "@lutingenie/core";
import { LutinError } from "@lutingenie/core";
import { z } from "zod";

/**
 * Single-workspace installation: one bot token and one signing secret (or app-level token for Socket
 * Mode), from the config or the environment. Multi-workspace OAuth comes later and will add its own fields.
 */
export interface SlackAdapterConfig {
  /** Bot token (xoxb-…); falls back to SLACK_BOT_TOKEN. */
  botToken?: string;
  /** Signing secret (Events API over HTTP); falls back to SLACK_SIGNING_SECRET. */
  signingSecret?: string;
  /** App-level token (xapp-…) for Socket Mode; falls back to SLACK_APP_TOKEN. */
  appToken?: string;
  /** "http" (Events API) or "socket" (Socket Mode). Default: "socket" when an app token is set, else "http". */
  mode?: "http" | "socket";
  /** Where agents take handoffs (issue 4, stored for later); falls back to SLACK_AGENTS_CHANNEL. */
  agentsChannel?: string;
  /** The tenant's follow-up channel (issue 4, stored for later); falls back to SLACK_FOLLOWUP_CHANNEL. */
  followUpChannel?: string;
  /** HTTP port (0: any free port). Default 3000. */
  port?: number;
  /** HTTP interface. Default 0.0.0.0 (Slack must reach it, usually through a TLS proxy). */
  host?: string;
  /** Request path for events, interactivity and the slash command. Default /slack/events. */
  path?: string;
  /** Slack Web API base URL, ending in /api/. Only tests and proxies change it. */
  slackApiUrl?: string;
  /** Tenant of every event in single-workspace mode. Default "default". */
  tenant?: string;
  /** Attempts after a 429 before giving up with a retryable failure. Default 3. */
  rateLimitRetries?: number;
  /** A Retry-After longer than this (seconds) is not waited for: the reply fails as retryable. Default 30. */
  maxRetryAfterSeconds?: number;
  /** Largest request body accepted over HTTP, in bytes. Default 1 MiB. */
  maxBodyBytes?: number;
  logger?: Logger;
  clock?: Clock;
  /** How the adapter waits for a Retry-After; tests pass one that does not sleep. */
  sleep?: (milliseconds: number) => Promise<void>;
}

const optionalText = z.string().trim().min(1).optional();

const configSchema = z
  .object({
    botToken: z
      .string({ error: "is missing" })
      .regex(/^xoxb-/, "must be a bot token starting with xoxb- (OAuth & Permissions page)"),
    signingSecret: optionalText,
    appToken: z
      .string()
      .regex(/^xapp-/, "must be an app-level token starting with xapp- (Basic Information page)")
      .optional(),
    mode: z.enum(["http", "socket"]).optional(),
    agentsChannel: optionalText,
    followUpChannel: optionalText,
    port: z.number().int().min(0).max(65_535).default(3000),
    host: z.string().min(1).default("0.0.0.0"),
    path: z.string().startsWith("/", "must start with /").default("/slack/events"),
    slackApiUrl: z
      .url({ error: "must be an http(s) URL" })
      .refine((url) => url.endsWith("/api/"), "must end with /api/")
      .optional(),
    tenant: z.string().min(1).max(128).default("default"),
    rateLimitRetries: z.number().int().min(0).max(10).default(3),
    maxRetryAfterSeconds: z.number().positive().default(30),
    maxBodyBytes: z
      .number()
      .int()
      .positive()
      .default(1024 * 1024),
  })
  .transform((config) => ({ ...config, mode: config.mode ?? (config.appToken ? "socket" : "http") }));

/**
 * What each mode needs besides the bot token. Checked apart from the schema so one message lists every
 * problem at once (zod skips object refinements once a field has failed).
 */
function modeProblems(input: { mode?: string; signingSecret?: string; appToken?: string }): string[] {
  const mode = input.mode ?? (input.appToken ? "socket" : "http");
  if (mode === "http" && !input.signingSecret)
    return ["signingSecret: is required for the Events API over HTTP (Basic Information → App Credentials)"];
  if (mode === "socket" && !input.appToken)
    return [
      "appToken: is required for Socket Mode (Basic Information → App-Level Tokens, scope connections:write)",
    ];
  return [];
}

export type SlackSettings = z.output<typeof configSchema>;

/** Validates the config, filling gaps from the environment; the error names each field and its fix. */
export function parseSlackConfig(
  config: SlackAdapterConfig,
  environment: NodeJS.ProcessEnv = process.env,
): SlackSettings {
  const fromEnvironment = (value: string | undefined, name: string) =>
    value ?? (environment[name] === "" ? undefined : environment[name]);
  const input = {
    botToken: fromEnvironment(config.botToken, "SLACK_BOT_TOKEN"),
    signingSecret: fromEnvironment(config.signingSecret, "SLACK_SIGNING_SECRET"),
    appToken: fromEnvironment(config.appToken, "SLACK_APP_TOKEN"),
    agentsChannel: fromEnvironment(config.agentsChannel, "SLACK_AGENTS_CHANNEL"),
    followUpChannel: fromEnvironment(config.followUpChannel, "SLACK_FOLLOWUP_CHANNEL"),
    mode: config.mode,
    port: config.port,
    host: config.host,
    path: config.path,
    slackApiUrl: config.slackApiUrl,
    tenant: config.tenant,
    rateLimitRetries: config.rateLimitRetries,
    maxRetryAfterSeconds: config.maxRetryAfterSeconds,
    maxBodyBytes: config.maxBodyBytes,
  };
  const parsed = configSchema.safeParse(input);
  // Problems name the field only: the values may be secrets.
  const problems = [
    ...(parsed.success
      ? []
      : parsed.error.issues.map((issue) => `${issue.path.join(".") || "config"}: ${issue.message}`)),
    ...modeProblems(input),
  ];
  if (parsed.success && problems.length === 0) return parsed.data;
  throw new LutinError("ADAPTER_CONFIG_INVALID", `invalid Slack adapter config: ${problems.join("; ")}`, {
    hint: "pass { botToken, signingSecret } (or { botToken, appToken } for Socket Mode), or set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET / SLACK_APP_TOKEN (packages/adapter-slack/README.md)",
    details: { problems },
  });
}
