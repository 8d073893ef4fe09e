import { type Clock, type Logger, LutinError, MAX_TEXT_LENGTH } from "@lutingenie/core";
import { z } from "zod";
import { DEFAULT_MAX_MESSAGE_LENGTH, type SlackAdapterConfig, type SlackRouteHost } from "./config.js";
import { createSlackAdapter, type SlackAdapter } from "./slack-adapter.js";

/** Every variable the Slack channel reads; setting none of them leaves Slack off. */
export const SLACK_ENVIRONMENT_VARIABLES = [
  "SLACK_BOT_TOKEN",
  "SLACK_SIGNING_SECRET",
  "SLACK_APP_TOKEN",
  "SLACK_CLIENT_ID",
  "SLACK_CLIENT_SECRET",
  "SLACK_STATE_SECRET",
  "SLACK_AGENTS_CHANNEL",
  "SLACK_FOLLOW_UP_CHANNEL",
  "SLACK_TENANT",
  "SLACK_PORT",
  "SLACK_MAX_MESSAGE_LENGTH",
] as const;

/** The tenant a single workspace answers for when SLACK_TENANT is not set: the demo shop. */
export const DEFAULT_SLACK_TENANT = "demo-shop";

export interface SlackEnvironmentOptions {
  /** The data directory: multi-workspace installations are kept in slack-installations.json there. */
  dataDir: string;
  /**
   * The web server's Express app (or router): the Slack routes (/slack/events, and with OAuth
   * /slack/install and /slack/oauth_redirect) are mounted on it, before its body parsers, and Slack shares
   * its port. Without it the adapter listens on SLACK_PORT (default 3000).
   */
  expressApp?: SlackRouteHost;
  /**
   * OAuth mode: called when a workspace (or Enterprise Grid org) installs the app, before it is stored;
   * create its tenant (`workspace.tenant`, the team or enterprise id) here. A throw cancels the install.
   */
  onInstalled?: SlackAdapterConfig["onInstalled"];
  /** OAuth mode: where the adapter enrols each workspace's agents (core's `runtime.escalation`). */
  agentDirectory?: SlackAdapterConfig["agentDirectory"];
  logger?: Logger;
  clock?: Clock;
  /** Interface to listen on without `expressApp`. Default 0.0.0.0. */
  host?: string;
  /** Slack Web API base URL (tests, proxies). */
  slackApiUrl?: string;
  /** The adapter's state in a shared store (several servers) instead of slack-state.json in dataDir. */
  state?: SlackAdapterConfig["state"];
  /** OAuth mode: the installations in a shared store (several servers) instead of slack-installations.json. */
  installations?: SlackAdapterConfig["installations"];
}

const MESSAGE_LENGTH_PROBLEM = `must be a whole number of characters from 1 to ${MAX_TEXT_LENGTH} (default ${DEFAULT_MAX_MESSAGE_LENGTH})`;

const channelId = z
  .string()
  .regex(
    /^[CG][A-Z0-9]{2,}$/,
    "must be a channel id like C0123ABCD (channel details, at the bottom), not its name",
  )
  .optional();

const variablesSchema = z.object({
  SLACK_BOT_TOKEN: z
    .string()
    .startsWith(
      "xoxb-",
      "must be the bot token starting with xoxb- (OAuth & Permissions → Bot User OAuth Token)",
    )
    .optional(),
  SLACK_SIGNING_SECRET: z.string().optional(),
  SLACK_APP_TOKEN: z
    .string()
    .startsWith(
      "xapp-",
      "must be an app-level token starting with xapp- (Basic Information → App-Level Tokens)",
    )
    .optional(),
  SLACK_CLIENT_ID: z.string().optional(),
  SLACK_CLIENT_SECRET: z.string().optional(),
  SLACK_STATE_SECRET: z
    .string()
    .min(16, "must be at least 16 characters (any long random string, kept secret)")
    .optional(),
  SLACK_AGENTS_CHANNEL: channelId,
  SLACK_FOLLOW_UP_CHANNEL: channelId,
  SLACK_TENANT: z
    .string()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/,
      "must be a tenant id (letters, digits, - and _), e.g. demo-shop",
    )
    .optional(),
  SLACK_PORT: z.coerce
    .number({ error: "must be a port number" })
    .int("must be a port number")
    .min(1, "must be a port between 1 and 65535")
    .max(65_535, "must be a port between 1 and 65535")
    .optional(),
  SLACK_MAX_MESSAGE_LENGTH: z
    .string()
    .regex(/^\d{1,9}$/, MESSAGE_LENGTH_PROBLEM)
    .transform(Number)
    .pipe(z.number().min(1, MESSAGE_LENGTH_PROBLEM).max(MAX_TEXT_LENGTH, MESSAGE_LENGTH_PROBLEM))
    .optional(),
});

type Variables = z.output<typeof variablesSchema>;

/**
 * The Slack channel as the server starts it: from the SLACK_* variables, or null when none is set (Slack
 * off). Three ways to run, chosen by which variables are set:
 * - one workspace over HTTP: SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET (tenant SLACK_TENANT, default demo-shop);
 * - one workspace over Socket Mode: SLACK_BOT_TOKEN + SLACK_APP_TOKEN (no public URL needed);
 * - many workspaces over OAuth: SLACK_CLIENT_ID + SLACK_CLIENT_SECRET + SLACK_STATE_SECRET +
 *   SLACK_SIGNING_SECRET, each installing workspace a tenant named by its team id.
 * A missing or contradictory variable throws ADAPTER_CONFIG_INVALID naming every variable and its fix,
 * before anything listens. The adapter is returned unstarted: the assistant starts it with the others.
 */
export function slackChannelFromEnvironment(
  environment: NodeJS.ProcessEnv,
  options: SlackEnvironmentOptions,
): SlackAdapter | null {
  const present = Object.fromEntries(
    SLACK_ENVIRONMENT_VARIABLES.flatMap((name) => {
      const value = environment[name]?.trim();
      return value === undefined || value === "" ? [] : [[name, value]];
    }),
  );
  const renamed = environment.SLACK_FOLLOWUP_CHANNEL?.trim()
    ? ["SLACK_FOLLOWUP_CHANNEL: was renamed; set SLACK_FOLLOW_UP_CHANNEL instead"]
    : [];
  if (Object.keys(present).length === 0 && renamed.length === 0) return null;

  const parsed = variablesSchema.safeParse(present);
  // Problems name the variable only, never its value: most are secrets.
  const problems = [
    ...renamed,
    ...(parsed.success
      ? []
      : parsed.error.issues.map((issue) => `${String(issue.path[0])}: ${issue.message}`)),
    ...combinationProblems(present, options),
  ];
  if (!parsed.success || problems.length > 0)
    throw new LutinError("ADAPTER_CONFIG_INVALID", `the Slack variables do not fit: ${problems.join("; ")}`, {
      hint:
        "fix each variable named above; set SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET for one workspace, " +
        "SLACK_BOT_TOKEN + SLACK_APP_TOKEN for Socket Mode, or SLACK_CLIENT_ID + SLACK_CLIENT_SECRET + " +
        "SLACK_STATE_SECRET + SLACK_SIGNING_SECRET for multi-workspace OAuth (packages/adapter-slack/README.md); " +
        "unset every SLACK_* variable to run without Slack",
      details: { problems },
    });
  return createSlackAdapter(configOf(parsed.data, options), {});
}

/** What no single variable shows: what each way to run needs, and the variables that mean another way. */
function combinationProblems(
  present: Partial<Record<string, string>>,
  options: SlackEnvironmentOptions,
): string[] {
  const has = (name: (typeof SLACK_ENVIRONMENT_VARIABLES)[number]) => present[name] !== undefined;
  const problems: string[] = [];
  const oauth = has("SLACK_CLIENT_ID") || has("SLACK_CLIENT_SECRET") || has("SLACK_STATE_SECRET");
  if (oauth) {
    for (const [name, where] of [
      ["SLACK_CLIENT_ID", "Basic Information → App Credentials"],
      ["SLACK_CLIENT_SECRET", "Basic Information → App Credentials"],
      ["SLACK_STATE_SECRET", "any long random string, kept secret"],
      ["SLACK_SIGNING_SECRET", "Basic Information → App Credentials"],
    ] as const)
      if (!has(name)) problems.push(`${name}: is missing for multi-workspace OAuth (${where})`);
    if (has("SLACK_BOT_TOKEN"))
      problems.push(
        "SLACK_BOT_TOKEN: unset it with OAuth — each workspace gets its own token when it installs the app",
      );
    if (has("SLACK_APP_TOKEN"))
      problems.push("SLACK_APP_TOKEN: unset it — multi-workspace OAuth runs over HTTP, not Socket Mode");
    if (has("SLACK_TENANT"))
      problems.push("SLACK_TENANT: unset it with OAuth — each workspace is the tenant named by its team id");
    for (const name of ["SLACK_AGENTS_CHANNEL", "SLACK_FOLLOW_UP_CHANNEL"] as const)
      if (has(name))
        problems.push(
          `${name}: unset it with OAuth — each workspace picks its channel with /lutin ${name === "SLACK_AGENTS_CHANNEL" ? "agents-channel" : "follow-up-channel"}`,
        );
  } else {
    if (!has("SLACK_BOT_TOKEN"))
      problems.push(
        "SLACK_BOT_TOKEN: is missing (OAuth & Permissions → Bot User OAuth Token; or set SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET for multi-workspace OAuth)",
      );
    if (!has("SLACK_APP_TOKEN") && !has("SLACK_SIGNING_SECRET"))
      problems.push(
        "SLACK_SIGNING_SECRET: is missing for the Events API over HTTP (Basic Information → App Credentials; or set SLACK_APP_TOKEN for Socket Mode)",
      );
  }
  const socket = !oauth && has("SLACK_APP_TOKEN");
  if (has("SLACK_PORT") && socket)
    problems.push("SLACK_PORT: unset it — Socket Mode connects out to Slack and listens on no port");
  else if (has("SLACK_PORT") && options.expressApp !== undefined)
    problems.push("SLACK_PORT: unset it — the Slack routes are mounted on the web server and share its port");
  return problems;
}

function configOf(variables: Variables, options: SlackEnvironmentOptions): SlackAdapterConfig {
  const oauth = variables.SLACK_CLIENT_ID !== undefined;
  const socket = !oauth && variables.SLACK_APP_TOKEN !== undefined;
  const defined = <T>(key: string, value: T | undefined) => (value === undefined ? {} : { [key]: value });
  return {
    ...defined("botToken", variables.SLACK_BOT_TOKEN),
    ...defined("signingSecret", variables.SLACK_SIGNING_SECRET),
    ...defined("appToken", variables.SLACK_APP_TOKEN),
    ...defined("clientId", variables.SLACK_CLIENT_ID),
    ...defined("clientSecret", variables.SLACK_CLIENT_SECRET),
    ...defined("stateSecret", variables.SLACK_STATE_SECRET),
    ...defined("agentsChannel", variables.SLACK_AGENTS_CHANNEL),
    ...defined("followUpChannel", variables.SLACK_FOLLOW_UP_CHANNEL),
    mode: socket ? "socket" : "http",
    dataDir: options.dataDir,
    ...(oauth ? {} : { tenant: variables.SLACK_TENANT ?? DEFAULT_SLACK_TENANT }),
    ...(socket || options.expressApp === undefined ? {} : { routes: options.expressApp }),
    ...defined("port", variables.SLACK_PORT),
    ...defined("maxMessageLength", variables.SLACK_MAX_MESSAGE_LENGTH),
    ...defined("host", options.host),
    ...defined("slackApiUrl", options.slackApiUrl),
    ...defined("state", options.state),
    ...(oauth ? defined("installations", options.installations) : {}),
    ...defined("onInstalled", options.onInstalled),
    ...defined("agentDirectory", options.agentDirectory),
    ...defined("logger", options.logger),
    ...defined("clock", options.clock),
  };
}
