import type { IncomingMessage, ServerResponse } from "node:http";
import type { Clock, Logger } from "@lutingenie/core";
import { LutinError, MAX_TEXT_LENGTH } from "@lutingenie/core";
import { z } from "zod";
import type { SlackAgentDirectory } from "./agent-enrollment.js";
import type { SlackInstallations, SlackInstalledWorkspace } from "./installations.js";
import type { SlackStateStore } from "./slack-state.js";

/**
 * Single-workspace mode: one bot token and one signing secret (or app-level token for Socket Mode), from
 * the config or the environment. Multi-workspace mode: a client id and secret (Bolt's OAuth installer),
 * each installing workspace becoming the tenant named by its team id.
 */
export interface SlackAdapterConfig {
  /** Bot token (xoxb-…); falls back to SLACK_BOT_TOKEN. Not used in multi-workspace mode. */
  botToken?: string;
  /** OAuth client id: setting it (or SLACK_CLIENT_ID) turns on multi-workspace mode. */
  clientId?: string;
  /** OAuth client secret; falls back to SLACK_CLIENT_SECRET. */
  clientSecret?: string;
  /** Secret that signs the OAuth state cookie; falls back to SLACK_STATE_SECRET. */
  stateSecret?: string;
  /** Where installations are kept (multi-workspace); default: slack-installations.json in `dataDir`. */
  installations?: SlackInstallations;
  /**
   * Called when a workspace (or org) installs the app through OAuth, before the installation is stored:
   * the place to create its tenant (named `workspace.tenant`). A throw cancels the install (the admin sees
   * an error page, nothing is stored).
   */
  onInstalled?: (workspace: SlackInstalledWorkspace) => Promise<void> | void;
  /**
   * Multi-workspace mode: where agents are enrolled (core's `runtime.escalation`). The installing user
   * becomes an agent of the workspace's tenant at install, and anyone typing `/lutin available` in the
   * agents' channel the installer chose becomes one then. Without it, a workspace's agents are whoever
   * the host adds.
   */
  agentDirectory?: SlackAgentDirectory;
  /**
   * The data directory: installations (multi-workspace mode without `installations`) and the adapter's
   * state (slack-state.json: handoff and task messages, agents' presence; without `state`).
   */
  dataDir?: string;
  /** Where the adapter keeps its state instead of dataDir (a shared store); default: memory without dataDir. */
  state?: SlackStateStore;
  /** How often agents who said available are re-reported online (core forgets them after 90 s). Default 60 s. */
  presenceRefreshMs?: number;
  /** Signing secret (Events API over HTTP); falls back to SLACK_SIGNING_SECRET. */
  signingSecret?: string;
  /** App-level token (xapp-…) for Socket Mode; falls back to SLACK_APP_TOKEN. */
  appToken?: string;
  /** "http" (Events API) or "socket" (Socket Mode). Default: "socket" when an app token is set, else "http". */
  mode?: "http" | "socket";
  /** Channel id where agents take handoffs (single workspace); falls back to SLACK_AGENTS_CHANNEL. */
  agentsChannel?: string;
  /** Channel id of the follow-up tasks (single workspace); falls back to SLACK_FOLLOW_UP_CHANNEL. */
  followUpChannel?: string;
  /**
   * An existing web server's app (Express or any router with `all(path, handler)`) to mount the Slack
   * routes on instead of listening on `port`: events, and in multi-workspace mode the install pages.
   */
  routes?: SlackRouteHost;
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
  /**
   * Longest customer message handed to the assistant, in characters; a longer one gets a polite reply
   * asking to shorten it and is not processed. Falls back to SLACK_MAX_MESSAGE_LENGTH. Default 4,000.
   */
  maxMessageLength?: number;
  logger?: Logger;
  clock?: Clock;
  /** How the adapter waits for a Retry-After; tests pass one that does not sleep. */
  sleep?: (milliseconds: number) => Promise<void>;
}

/**
 * Where the Slack HTTP routes can be mounted: an Express app or router fits. The routes read the raw body
 * themselves (the signature is over the exact bytes), so they must come before any body parser.
 */
export interface SlackRouteHost {
  all(path: string, handler: (request: IncomingMessage, response: ServerResponse) => void): unknown;
}

const optionalText = z.string().trim().min(1).optional();

/**
 * Slack lets a message run to 40,000 characters, but what a customer writes to support is a few
 * sentences: 4,000 (two screens) leaves room for a pasted error message or order summary, and keeps a
 * pasted log or document (a 40,000-character DM blocked the event loop for 9.5 s) away from the assistant.
 */
export const DEFAULT_MAX_MESSAGE_LENGTH = 4_000;
const LENGTH_PROBLEM = `must be a whole number of characters from 1 to ${MAX_TEXT_LENGTH} (SLACK_MAX_MESSAGE_LENGTH)`;

const configSchema = z
  .object({
    botToken: z
      .string()
      .regex(/^xoxb-/, "must be a bot token starting with xoxb- (OAuth & Permissions page)")
      .optional(),
    clientId: optionalText,
    clientSecret: optionalText,
    stateSecret: optionalText,
    dataDir: optionalText,
    presenceRefreshMs: z.number().int().min(1_000).max(85_000).default(60_000),
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
    maxMessageLength: z
      .number({ error: LENGTH_PROBLEM })
      .int(LENGTH_PROBLEM)
      .min(1, LENGTH_PROBLEM)
      .max(MAX_TEXT_LENGTH, LENGTH_PROBLEM)
      .default(DEFAULT_MAX_MESSAGE_LENGTH),
  })
  .transform((config) => ({ ...config, mode: config.mode ?? (config.appToken ? "socket" : "http") }));

/**
 * What each mode needs besides the bot token. Checked apart from the schema so one message lists every
 * problem at once (zod skips object refinements once a field has failed).
 */
function modeProblems(input: {
  mode?: string;
  signingSecret?: string;
  appToken?: string;
  botToken?: string;
  clientId?: string;
  clientSecret?: string;
  stateSecret?: string;
  dataDir?: string;
  hasInstallations: boolean;
  hasRoutes: boolean;
}): string[] {
  const mode = input.mode ?? (input.appToken ? "socket" : "http");
  const routes =
    input.hasRoutes && mode === "socket"
      ? ["routes: Socket Mode has no HTTP routes to mount; drop the app token or the routes"]
      : [];
  if (input.clientId !== undefined) {
    const problems: string[] = [];
    if (input.clientSecret === undefined)
      problems.push("clientSecret: is required with clientId (Basic Information → App Credentials)");
    if (input.stateSecret === undefined)
      problems.push("stateSecret: is required with clientId (any long random string, kept secret)");
    if (!input.hasInstallations && input.dataDir === undefined)
      problems.push("installations: pass an installation store or a dataDir to keep installations in");
    if (mode !== "http")
      problems.push("mode: multi-workspace OAuth needs the Events API over HTTP, not Socket Mode");
    if (!input.signingSecret)
      problems.push(
        "signingSecret: is required for the Events API over HTTP (Basic Information → App Credentials)",
      );
    return [...problems, ...routes];
  }
  const problems =
    input.botToken === undefined ? ["botToken: is missing (OAuth & Permissions → Bot User OAuth Token)"] : [];
  if (mode === "http" && !input.signingSecret)
    problems.push(
      "signingSecret: is required for the Events API over HTTP (Basic Information → App Credentials)",
    );
  if (mode === "socket" && !input.appToken)
    problems.push(
      "appToken: is required for Socket Mode (Basic Information → App-Level Tokens, scope connections:write)",
    );
  return [...problems, ...routes];
}

export type SlackSettings = z.output<typeof configSchema>;

/** A variable's digits as a number; anything else stays text, for the schema to refuse with its message. */
function wholeNumber(value: string | undefined): number | string | undefined {
  return value !== undefined && /^\d{1,9}$/.test(value.trim()) ? Number(value) : value;
}

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
    clientId: fromEnvironment(config.clientId, "SLACK_CLIENT_ID"),
    clientSecret: fromEnvironment(config.clientSecret, "SLACK_CLIENT_SECRET"),
    stateSecret: fromEnvironment(config.stateSecret, "SLACK_STATE_SECRET"),
    dataDir: config.dataDir,
    presenceRefreshMs: config.presenceRefreshMs,
    agentsChannel: fromEnvironment(config.agentsChannel, "SLACK_AGENTS_CHANNEL"),
    followUpChannel: fromEnvironment(config.followUpChannel, "SLACK_FOLLOW_UP_CHANNEL"),
    mode: config.mode,
    port: config.port,
    host: config.host,
    path: config.path,
    slackApiUrl: config.slackApiUrl,
    tenant: config.tenant,
    rateLimitRetries: config.rateLimitRetries,
    maxRetryAfterSeconds: config.maxRetryAfterSeconds,
    maxBodyBytes: config.maxBodyBytes,
    maxMessageLength:
      config.maxMessageLength ?? wholeNumber(fromEnvironment(undefined, "SLACK_MAX_MESSAGE_LENGTH")),
  };
  const parsed = configSchema.safeParse(input);
  // Problems name the field only: the values may be secrets.
  const problems = [
    ...(parsed.success
      ? []
      : parsed.error.issues.map((issue) => `${issue.path.join(".") || "config"}: ${issue.message}`)),
    ...modeProblems({
      ...input,
      hasInstallations: config.installations !== undefined,
      hasRoutes: config.routes !== undefined,
    }),
  ];
  if (parsed.success && problems.length === 0) return parsed.data;
  throw new LutinError("ADAPTER_CONFIG_INVALID", `invalid Slack adapter config: ${problems.join("; ")}`, {
    hint: "pass { botToken, signingSecret } (or { botToken, appToken } for Socket Mode; or { clientId, clientSecret, stateSecret, signingSecret, dataDir } for multi-workspace OAuth), or set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET / SLACK_APP_TOKEN (packages/adapter-slack/README.md)",
    details: { problems },
  });
}
