import { join } from "node:path";
import {
  createMemoryJsonCollection,
  type JsonCollection,
  LutinError,
  openJsonCollection,
} from "@lutingenie/core";
import type { Installation, InstallationQuery, InstallationStore } from "@slack/bolt";

/**
 * One installation (multi-workspace OAuth): Slack's installation plus our settings. A workspace install is
 * the tenant named by its team id; an org-wide (Enterprise Grid) install is one tenant for all of the
 * org's workspaces, named by the enterprise id.
 */
export interface SlackInstallationRecord {
  /** The tenant: the team id (T…), or the enterprise id (E…) of an org-wide install. */
  tenant: string;
  teamId: string | null;
  teamName: string | null;
  enterpriseId: string | null;
  isEnterpriseInstall: boolean;
  installation: Installation;
  /** Who installed last (also `installation.user.id`): absent in records written before it was kept. */
  installerUserId?: string | null;
  /** Where this workspace's agents take handoffs; set with `/lutin agents-channel` in that channel. */
  agentsChannel?: string;
  /** Where this workspace's follow-up tasks go; set with `/lutin follow-up-channel` in that channel. */
  followUpChannel?: string;
  installedAt: number;
}

/**
 * The installations, one record per workspace (the workspace's team id is its tenant). Bolt's installer
 * writes through `boltStore` after oauth.v2.access; the adapter reads tokens and channels back from here.
 */
export interface SlackInstallations {
  /** By tenant: team id, or enterprise id for an org-wide install. */
  get(tenant: string): SlackInstallationRecord | undefined;
  list(): SlackInstallationRecord[];
  setChannel(tenant: string, which: "agentsChannel" | "followUpChannel", channel: string): Promise<void>;
  /** The app was uninstalled: drop the installation (token and channels). */
  forget(tenant: string): Promise<void>;
  readonly boltStore: InstallationStore;
  close(): Promise<void>;
}

export const INSTALLATIONS_FILE_NAME = "slack-installations.json";
/** Bot tokens are secrets: the file and its journal are readable by the server's user only. */
export const SECRET_FILE_MODE = 0o600;

/** Installations in `slack-installations.json` of the data directory (bot tokens inside: keep it private). */
export async function openFileSlackInstallations(options: {
  dataDir: string;
  now?: () => number;
}): Promise<SlackInstallations> {
  const file = join(options.dataDir, INSTALLATIONS_FILE_NAME);
  const collection = await openJsonCollection<SlackInstallationRecord>({
    file,
    directory: options.dataDir,
    format: "lutingenie-slack-installations",
    fileMode: SECRET_FILE_MODE,
    corruptHint: `restore ${file} from a backup, or move it aside and reinstall the app in each workspace`,
  });
  return slackInstallationsOver(collection, options.now ?? Date.now);
}

/** Installations kept in memory only (tests, demos): a restart forgets them. */
export function createMemorySlackInstallations(now: () => number = Date.now): SlackInstallations {
  return slackInstallationsOver(createMemoryJsonCollection<SlackInstallationRecord>(), now);
}

function slackInstallationsOver(
  collection: JsonCollection<SlackInstallationRecord>,
  now: () => number,
): SlackInstallations {
  const boltStore: InstallationStore = {
    async storeInstallation(installation) {
      const workspace = installedWorkspaceOf(installation);
      const previous = collection.get(workspace.tenant);
      // A reinstall (new scopes, new token) keeps the channels the workspace already chose.
      await collection.set(workspace.tenant, {
        ...previous,
        ...workspace,
        installation: installation as Installation,
        installedAt: now(),
      });
    },
    async fetchInstallation(query: InstallationQuery<boolean>) {
      const tenant = tenantOfQuery(query);
      const record = tenant === undefined ? undefined : collection.get(tenant);
      if (record === undefined)
        throw new LutinError(
          "ADAPTER_AUTH_FAILED",
          `the app is not installed in workspace ${tenant ?? "(none)"}`,
          {
            hint: "install it from the adapter's /slack/install page",
          },
        );
      return record.installation;
    },
    async deleteInstallation(query: InstallationQuery<boolean>) {
      const tenant = tenantOfQuery(query);
      if (tenant !== undefined) await collection.delete(tenant);
    },
  };
  return {
    get: (tenant) => collection.get(tenant),
    list: () => collection.values(),
    async setChannel(tenant, which, channel) {
      const record = collection.get(tenant);
      if (record === undefined) return;
      await collection.set(tenant, { ...record, [which]: channel });
    },
    forget: (tenant) => collection.delete(tenant),
    boltStore,
    close: () => collection.close(),
  };
}

/** Who installed: the tenant it becomes and the names to show. */
export type SlackInstalledWorkspace = Pick<
  SlackInstallationRecord,
  "tenant" | "teamId" | "teamName" | "enterpriseId" | "isEnterpriseInstall"
> & {
  /** The Slack user who installed the app (OAuth's authed_user): the workspace's first agent. */
  installerUserId: string | null;
};

/** The tenant an installation is kept under: the org for an org-wide install, else the workspace. */
export function installedWorkspaceOf(installation: {
  team?: { id?: string; name?: string } | undefined;
  enterprise?: { id?: string; name?: string } | undefined;
  isEnterpriseInstall?: boolean | undefined;
  user?: { id?: string } | undefined;
}): SlackInstalledWorkspace {
  const isEnterpriseInstall = installation.isEnterpriseInstall === true;
  const tenant = isEnterpriseInstall ? installation.enterprise?.id : installation.team?.id;
  if (tenant === undefined)
    throw new LutinError("ADAPTER_AUTH_FAILED", "Slack's installation names no workspace or org", {
      hint: "install the app again from the adapter's /slack/install page",
    });
  return {
    tenant,
    teamId: installation.team?.id ?? null,
    teamName: installation.team?.name ?? installation.enterprise?.name ?? null,
    enterpriseId: installation.enterprise?.id ?? null,
    isEnterpriseInstall,
    installerUserId: installation.user?.id ?? null,
  };
}

/** Bolt asks for the installation an event comes from: the org's when it is an org-wide install. */
function tenantOfQuery(query: InstallationQuery<boolean>): string | undefined {
  return query.isEnterpriseInstall ? query.enterpriseId : query.teamId;
}
