import {
  createMemoryStateCollection,
  fileStateCollections,
  LutinError,
  type StateCollection,
  type StateCollectionSpec,
  type StateCollections,
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
 *
 * Kept in one of core's StateCollections: `slack-installations.json` of the data directory, memory, or a
 * shared store (PostgreSQL, issue 16) so that a workspace installed through one server is known to all.
 * `get`/`list` answer from this server's copy; `boltStore.fetchInstallation` (Bolt's authorize, before
 * every event, command and click) reads the collection itself and refreshes that copy, so an uninstall
 * or a reinstall made through another server is seen by the next request here.
 */
export interface SlackInstallations {
  /** By tenant: team id, or enterprise id for an org-wide install (this server's copy). */
  get(tenant: string): SlackInstallationRecord | undefined;
  list(): SlackInstallationRecord[];
  /** Reads one tenant's record from the collection again (another server may have changed it). */
  refresh(tenant: string): Promise<SlackInstallationRecord | undefined>;
  setChannel(tenant: string, which: "agentsChannel" | "followUpChannel", channel: string): Promise<void>;
  /** The app was uninstalled: drop the installation (token and channels). */
  forget(tenant: string): Promise<void>;
  readonly boltStore: InstallationStore;
  close(): Promise<void>;
}

export const INSTALLATIONS_FILE_NAME = "slack-installations.json";
/** Bot tokens are secrets: the file and its journal are readable by the server's user only. */
export const SECRET_FILE_MODE = 0o600;

/** The collection: in files, `slack-installations.json` as before (older files are read as they are). */
const INSTALLATIONS_SPEC: StateCollectionSpec<SlackInstallationRecord> = {
  name: INSTALLATIONS_FILE_NAME.replace(/\.json$/, ""),
  format: "lutingenie-slack-installations",
  fileMode: SECRET_FILE_MODE,
  corruptHint: `restore ${INSTALLATIONS_FILE_NAME} from a backup, or move it aside and reinstall the app in each workspace`,
};

/** Installations in one of core's StateCollections (a shared one: every server knows every workspace). */
export async function openSlackInstallations(
  collections: StateCollections,
  now: () => number = Date.now,
): Promise<SlackInstallations> {
  const collection = await collections.open(INSTALLATIONS_SPEC);
  const known = new Map<string, SlackInstallationRecord>();
  for (const record of await collection.values()) known.set(record.tenant, record);
  return slackInstallationsOver(collection, known, now);
}

/** Installations in `slack-installations.json` of the data directory (bot tokens inside: keep it private). */
export function openFileSlackInstallations(options: {
  dataDir: string;
  now?: () => number;
}): Promise<SlackInstallations> {
  const now = options.now ?? Date.now;
  return openSlackInstallations(fileStateCollections({ dataDir: options.dataDir, now }), now);
}

/** Installations kept in memory only (tests, demos): a restart forgets them. */
export function createMemorySlackInstallations(now: () => number = Date.now): SlackInstallations {
  return slackInstallationsOver(createMemoryStateCollection(INSTALLATIONS_SPEC, now), new Map(), now);
}

function slackInstallationsOver(
  collection: StateCollection<SlackInstallationRecord>,
  known: Map<string, SlackInstallationRecord>,
  now: () => number,
): SlackInstallations {
  const refresh = async (tenant: string): Promise<SlackInstallationRecord | undefined> => {
    const record = await collection.get(tenant);
    if (record === undefined) known.delete(tenant);
    else known.set(tenant, record);
    return record;
  };
  const put = async (record: SlackInstallationRecord): Promise<void> => {
    await collection.set(record.tenant, record);
    known.set(record.tenant, record);
  };
  const forget = async (tenant: string): Promise<void> => {
    await collection.delete(tenant);
    known.delete(tenant);
  };
  const boltStore: InstallationStore = {
    async storeInstallation(installation) {
      const workspace = installedWorkspaceOf(installation);
      // Read from the collection, not the copy: the channels may have been chosen through another server.
      const previous = await collection.get(workspace.tenant);
      // A reinstall (new scopes, new token) keeps the channels the workspace already chose.
      await put({
        ...previous,
        ...workspace,
        installation: installation as Installation,
        installedAt: now(),
      });
    },
    async fetchInstallation(query: InstallationQuery<boolean>) {
      const tenant = tenantOfQuery(query);
      // Read each time, never from the copy: a token another server saw revoked must not be used here.
      const record = tenant === undefined ? undefined : await refresh(tenant);
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
      if (tenant !== undefined) await forget(tenant);
    },
  };
  return {
    get: (tenant) => known.get(tenant),
    list: () => [...known.values()],
    refresh,
    async setChannel(tenant, which, channel) {
      const record = await refresh(tenant);
      if (record === undefined) return;
      await put({ ...record, [which]: channel });
    },
    forget,
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
export function tenantOfQuery(query: InstallationQuery<boolean>): string | undefined {
  return query.isEnterpriseInstall ? query.enterpriseId : query.teamId;
}
