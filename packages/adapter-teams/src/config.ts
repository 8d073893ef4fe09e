import type { IncomingMessage, ServerResponse } from "node:http";
import { type Clock, type Logger, LutinError, MAX_TEXT_LENGTH } from "@lutingenie/core";
import type { ServiceClientCredentialsFactory } from "botframework-connector";
import { z } from "zod";
import type { TeamsAgentSide } from "./agent-side.js";
import type { TeamsStateStore } from "./teams-state.js";

/** How the bot's Azure identity is registered (Azure Bot → Configuration → Type of App). */
export const APP_TYPES = ["MultiTenant", "SingleTenant", "UserAssignedMSI"] as const;
export type TeamsAppType = (typeof APP_TYPES)[number];

export interface TeamsAdapterConfig {
  /** The bot's Microsoft App ID; falls back to MICROSOFT_APP_ID. Never empty: that turns inbound auth off. */
  appId?: string;
  /** Client secret; falls back to MICROSOFT_APP_PASSWORD. Not with UserAssignedMSI. */
  appPassword?: string;
  /** MultiTenant (default), SingleTenant or UserAssignedMSI; falls back to MICROSOFT_APP_TYPE. */
  appType?: string;
  /** The app's Entra ID tenant; falls back to MICROSOFT_APP_TENANT_ID. Required unless MultiTenant. */
  appTenantId?: string;
  /** Certificate credentials instead of a password: thumbprint and PEM private key (MICROSOFT_APP_CERTIFICATE_*). */
  certificateThumbprint?: string;
  certificatePrivateKey?: string;
  /**
   * Outbound credentials instead of the ones built from the fields above (MSAL): tests pass one pointing
   * at a local token endpoint (see `@lutingenie/adapter-teams/testing`).
   */
  credentialsFactory?: ServiceClientCredentialsFactory;
  /** Inbound token validation overrides (tests: a local issuer). Set both or neither. */
  openIdMetadataUrl?: string;
  tokenIssuer?: string;
  /** The LutinGénie tenant every Teams activity belongs to; falls back to TEAMS_TENANT. Default "default". */
  tenant?: string;
  /** Where conversation references and install greetings are kept (teams-state.json); memory without it. */
  dataDir?: string;
  /** A store of the adapter's state instead of dataDir (a shared one). */
  state?: TeamsStateStore;
  /** The agents' side (handoff cards, presence, follow-ups): see agent-side.ts. */
  agentSide?: TeamsAgentSide;
  /** A host's app (Express or any router with `all(path, handler)`) to mount /api/messages on instead of listening. */
  routes?: TeamsRouteHost;
  /** HTTP port without `routes` (0: any free port). Default 3978, the Bot Framework's. */
  port?: number;
  /** HTTP interface without `routes`. Default 0.0.0.0. */
  host?: string;
  /** The messaging endpoint path. Default /api/messages. */
  path?: string;
  /** Largest request body, in bytes. Default 256 KiB (a Teams message is at most ~100 KB). */
  maxBodyBytes?: number;
  /** Longest customer message handed to the assistant, in characters (TEAMS_MAX_MESSAGE_LENGTH). Default 4,000. */
  maxMessageLength?: number;
  /** Largest outbound activity, in bytes of JSON; a longer answer is split into several messages. Default 80,000. */
  maxActivityBytes?: number;
  /**
   * The typing indicator is posted only when the answer is not ready this long after the message
   * (personal and group chats). Default 400 ms: a quick answer needs none, and each indicator is a
   * connector call counted against the app's rate limits. 0: at once.
   */
  typingDelayMs?: number;
  /** Attempts after a 429/412 (or an idempotent call's 502/504) before giving up. Default 3. */
  rateLimitRetries?: number;
  /** A longer Retry-After (seconds) is not waited for: the delivery fails as retryable. Default 30. */
  maxRetryAfterSeconds?: number;
  /** Time limit of one Bot Connector call. Default 10 s. */
  requestTimeoutMs?: number;
  /**
   * Teams re-sends a turn it thinks unanswered, later with a new activity id: the same text from the same
   * person in the same conversation (and reply chain) within this window is taken as that retry. Default 60 s.
   */
  retryWindowMs?: number;
  logger?: Logger;
  clock?: Clock;
  /** How the adapter waits (Retry-After, back-off); tests pass one that does not sleep. */
  sleep?: (milliseconds: number) => Promise<void>;
}

/** Where the messaging endpoint can be mounted: an Express app or router fits (before any body parser). */
export interface TeamsRouteHost {
  all(path: string, handler: (request: IncomingMessage, response: ServerResponse) => void): unknown;
}

export const DEFAULT_MAX_MESSAGE_LENGTH = 4_000;
const LENGTH_PROBLEM = `must be a whole number of characters from 1 to ${MAX_TEXT_LENGTH} (TEAMS_MAX_MESSAGE_LENGTH)`;
const text = z.string().trim().min(1).optional();

const settingsSchema = z.object({
  appId: z
    .string({ error: "is missing (Azure Bot → Configuration → Microsoft App ID)" })
    .trim()
    .min(1, "must not be empty: an empty app id turns authentication off"),
  appPassword: text,
  appType: z
    .string()
    .trim()
    .transform((value, context) => {
      const found = APP_TYPES.find((type) => type.toLowerCase() === value.toLowerCase());
      if (found === undefined)
        context.addIssue({
          code: "custom",
          message: `must be one of ${APP_TYPES.join(", ")} (MICROSOFT_APP_TYPE; Azure Bot → Configuration → Type of App)`,
        });
      return found ?? "MultiTenant";
    })
    .default("MultiTenant"),
  appTenantId: text,
  certificateThumbprint: text,
  certificatePrivateKey: text,
  openIdMetadataUrl: z.url({ error: "must be an http(s) URL" }).optional(),
  tokenIssuer: text,
  tenant: z
    .string()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/,
      "must be a tenant id (letters, digits, - and _), TEAMS_TENANT",
    )
    .default("default"),
  dataDir: text,
  port: z.number().int().min(0).max(65_535).default(3978),
  host: z.string().min(1).default("0.0.0.0"),
  path: z.string().startsWith("/", "must start with /").default("/api/messages"),
  maxBodyBytes: z
    .number()
    .int()
    .min(16 * 1024, "must be at least 16 KiB (Teams sends activities of several KB)")
    .default(256 * 1024),
  maxMessageLength: z
    .number({ error: LENGTH_PROBLEM })
    .int(LENGTH_PROBLEM)
    .min(1, LENGTH_PROBLEM)
    .max(MAX_TEXT_LENGTH, LENGTH_PROBLEM)
    .default(DEFAULT_MAX_MESSAGE_LENGTH),
  typingDelayMs: z.number().int().min(0).max(10_000).default(400),
  maxActivityBytes: z
    .number()
    .int()
    .min(1_000)
    .max(100_000, "Teams refuses more than ~100 KB")
    .default(80_000),
  rateLimitRetries: z.number().int().min(0).max(10).default(3),
  maxRetryAfterSeconds: z.number().positive().default(30),
  requestTimeoutMs: z.number().int().min(100).default(10_000),
  retryWindowMs: z.number().int().min(0).default(60_000),
});

export type TeamsSettings = z.output<typeof settingsSchema>;

/** What each app type needs, checked apart from the schema so one message lists every problem. */
function credentialProblems(settings: {
  appType: string;
  appPassword?: string | undefined;
  appTenantId?: string | undefined;
  certificateThumbprint?: string | undefined;
  certificatePrivateKey?: string | undefined;
  openIdMetadataUrl?: string | undefined;
  tokenIssuer?: string | undefined;
  injected: boolean;
}): string[] {
  const problems: string[] = [];
  const certificate =
    settings.certificateThumbprint !== undefined || settings.certificatePrivateKey !== undefined;
  if (settings.certificateThumbprint === undefined && settings.certificatePrivateKey !== undefined)
    problems.push("MICROSOFT_APP_CERTIFICATE_THUMBPRINT: is required with the certificate's private key");
  if (settings.certificatePrivateKey === undefined && settings.certificateThumbprint !== undefined)
    problems.push(
      "MICROSOFT_APP_CERTIFICATE_KEY: is required with the certificate's thumbprint (the PEM key)",
    );
  const type = settings.appType.toLowerCase();
  if (type === "usermsi" || type === "userassignedmsi") {
    if (settings.appPassword !== undefined || certificate)
      problems.push(
        "MICROSOFT_APP_PASSWORD: unset it with MICROSOFT_APP_TYPE=UserAssignedMSI (the managed identity has no secret)",
      );
  } else if (!settings.injected && settings.appPassword === undefined && !certificate)
    problems.push(
      "MICROSOFT_APP_PASSWORD: is missing (Azure Bot → Configuration → Manage Password → a client secret; or set MICROSOFT_APP_CERTIFICATE_THUMBPRINT and MICROSOFT_APP_CERTIFICATE_KEY)",
    );
  if (settings.appPassword !== undefined && certificate)
    problems.push("MICROSOFT_APP_PASSWORD: set a password or a certificate, not both");
  if (
    type !== "multitenant" &&
    settings.appTenantId === undefined &&
    APP_TYPES.some((t) => t.toLowerCase() === type)
  )
    problems.push(
      `MICROSOFT_APP_TENANT_ID: is required with MICROSOFT_APP_TYPE=${settings.appType} (Azure Bot → Configuration → App Tenant ID)`,
    );
  if ((settings.openIdMetadataUrl === undefined) !== (settings.tokenIssuer === undefined))
    problems.push("openIdMetadataUrl and tokenIssuer: set both (a local issuer in tests) or neither");
  return problems;
}

/** A variable's digits as a number; anything else stays text for the schema to refuse. */
function wholeNumber(value: string | undefined): number | string | undefined {
  return value !== undefined && /^\d{1,9}$/.test(value.trim()) ? Number(value) : value;
}

/**
 * Validates the config, filling gaps from the environment (MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD,
 * MICROSOFT_APP_TYPE, MICROSOFT_APP_TENANT_ID, MICROSOFT_APP_CERTIFICATE_THUMBPRINT,
 * MICROSOFT_APP_CERTIFICATE_KEY, TEAMS_TENANT, TEAMS_MAX_MESSAGE_LENGTH). The error names each variable
 * and its fix, never a value (most are secrets).
 */
export function parseTeamsConfig(
  config: TeamsAdapterConfig,
  environment: NodeJS.ProcessEnv = process.env,
): TeamsSettings {
  const fromEnvironment = (value: string | undefined, name: string) =>
    value ?? (environment[name]?.trim() === "" ? undefined : environment[name]);
  const input = {
    appId: fromEnvironment(config.appId, "MICROSOFT_APP_ID"),
    appPassword: fromEnvironment(config.appPassword, "MICROSOFT_APP_PASSWORD"),
    appType: fromEnvironment(config.appType, "MICROSOFT_APP_TYPE"),
    appTenantId: fromEnvironment(config.appTenantId, "MICROSOFT_APP_TENANT_ID"),
    certificateThumbprint: fromEnvironment(
      config.certificateThumbprint,
      "MICROSOFT_APP_CERTIFICATE_THUMBPRINT",
    ),
    certificatePrivateKey: fromEnvironment(config.certificatePrivateKey, "MICROSOFT_APP_CERTIFICATE_KEY"),
    openIdMetadataUrl: config.openIdMetadataUrl,
    tokenIssuer: config.tokenIssuer,
    tenant: fromEnvironment(config.tenant, "TEAMS_TENANT"),
    dataDir: config.dataDir,
    port: config.port,
    host: config.host,
    path: config.path,
    maxBodyBytes: config.maxBodyBytes,
    maxMessageLength:
      config.maxMessageLength ?? wholeNumber(fromEnvironment(undefined, "TEAMS_MAX_MESSAGE_LENGTH")),
    maxActivityBytes: config.maxActivityBytes,
    typingDelayMs: config.typingDelayMs,
    rateLimitRetries: config.rateLimitRetries,
    maxRetryAfterSeconds: config.maxRetryAfterSeconds,
    requestTimeoutMs: config.requestTimeoutMs,
    retryWindowMs: config.retryWindowMs,
  };
  const parsed = settingsSchema.safeParse(input);
  const variableOf: Record<string, string> = {
    appId: "MICROSOFT_APP_ID",
    appPassword: "MICROSOFT_APP_PASSWORD",
    appType: "MICROSOFT_APP_TYPE",
    appTenantId: "MICROSOFT_APP_TENANT_ID",
    tenant: "TEAMS_TENANT",
    maxMessageLength: "TEAMS_MAX_MESSAGE_LENGTH",
  };
  const problems = [
    ...(parsed.success
      ? []
      : parsed.error.issues.map((issue) => {
          const field = String(issue.path[0] ?? "config");
          return `${variableOf[field] ?? field}: ${issue.message}`;
        })),
    ...credentialProblems({
      appType: typeof input.appType === "string" ? input.appType.trim() : "MultiTenant",
      appPassword: input.appPassword?.trim() || undefined,
      appTenantId: input.appTenantId?.trim() || undefined,
      certificateThumbprint: input.certificateThumbprint?.trim() || undefined,
      certificatePrivateKey: input.certificatePrivateKey?.trim() || undefined,
      openIdMetadataUrl: input.openIdMetadataUrl,
      tokenIssuer: input.tokenIssuer,
      injected: config.credentialsFactory !== undefined,
    }),
  ];
  if (parsed.success && problems.length === 0) return parsed.data;
  throw new LutinError("ADAPTER_CONFIG_INVALID", `invalid Teams adapter config: ${problems.join("; ")}`, {
    hint: "set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD (and MICROSOFT_APP_TYPE / MICROSOFT_APP_TENANT_ID for a single-tenant app) from the Azure Bot's Configuration page (packages/adapter-teams/README.md)",
    details: { problems },
  });
}
