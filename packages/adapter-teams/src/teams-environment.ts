import type { TeamsAdapterConfig } from "./config.js";
import { createTeamsAdapter, type TeamsAdapter } from "./teams-adapter.js";

/** Every variable the Teams channel reads; setting none of them leaves Teams off. */
export const TEAMS_ENVIRONMENT_VARIABLES = [
  "MICROSOFT_APP_ID",
  "MICROSOFT_APP_PASSWORD",
  "MICROSOFT_APP_TYPE",
  "MICROSOFT_APP_TENANT_ID",
  "MICROSOFT_APP_CERTIFICATE_THUMBPRINT",
  "MICROSOFT_APP_CERTIFICATE_KEY",
  "TEAMS_TENANT",
  "TEAMS_MAX_MESSAGE_LENGTH",
] as const;

/**
 * The Teams channel as a server starts it: from the MICROSOFT_APP_* and TEAMS_* variables, or null when
 * none is set (Teams off: /api/messages is not served). `options` carries what the host decides (its
 * data directory, its routes, its logger) and what tests inject (outbound credentials, a local issuer).
 * A missing or contradictory variable throws ADAPTER_CONFIG_INVALID naming each variable and its fix,
 * before anything listens. The adapter is returned unstarted.
 */
export function teamsChannelFromEnvironment(
  environment: NodeJS.ProcessEnv,
  options: Omit<
    TeamsAdapterConfig,
    "appId" | "appPassword" | "appType" | "appTenantId" | "certificateThumbprint" | "certificatePrivateKey"
  >,
): TeamsAdapter | null {
  const present = TEAMS_ENVIRONMENT_VARIABLES.some((name) => (environment[name]?.trim() ?? "") !== "");
  if (!present) return null;
  return createTeamsAdapter(options, environment);
}
