import type { SlackInstallations } from "./installations.js";

/** What the adapter needs to act in one workspace: the bot's token, its own user id and the agents' channels. */
export interface Workspace {
  tenant: string;
  token: string;
  botUserId: string | null;
  agentsChannel: string | undefined;
  followUpChannel: string | undefined;
}

/**
 * Tenant ↔ workspace. Single-workspace mode: one token from the config, every event is the configured
 * tenant. Multi-workspace (OAuth): each installed workspace is a tenant named by its team id.
 */
export interface Workspaces {
  readonly multi: boolean;
  /** The tenant of an event or interaction from this team (of this org, for org-wide installs). */
  tenantOf(teamId: string | undefined, enterpriseId?: string): string | null;
  forTenant(tenant: string): Workspace | undefined;
}

export function singleWorkspace(workspace: () => Workspace): Workspaces {
  return {
    multi: false,
    tenantOf: () => workspace().tenant,
    forTenant: (tenant) => (tenant === workspace().tenant ? workspace() : undefined),
  };
}

export function installedWorkspaces(installations: SlackInstallations): Workspaces {
  return {
    multi: true,
    // The workspace's own install first, else its org's org-wide install; an event from a team with
    // neither is not ours to answer (uninstalled meanwhile).
    tenantOf(teamId, enterpriseId) {
      if (teamId !== undefined && installations.get(teamId)?.installation.bot !== undefined) return teamId;
      const org = enterpriseId === undefined ? undefined : installations.get(enterpriseId);
      return org?.isEnterpriseInstall === true && org.installation.bot !== undefined ? org.tenant : null;
    },
    forTenant(tenant) {
      const record = installations.get(tenant);
      const bot = record?.installation.bot;
      if (record === undefined || bot === undefined) return undefined;
      return {
        tenant,
        token: bot.token,
        botUserId: bot.userId,
        agentsChannel: record.agentsChannel,
        followUpChannel: record.followUpChannel,
      };
    },
  };
}
