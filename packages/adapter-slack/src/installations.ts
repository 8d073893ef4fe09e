import { join } from "node:path";
import { type JsonCollection, LutinError, openJsonCollection } from "@lutingenie/core";
import type { Installation, InstallationQuery, InstallationStore } from "@slack/bolt";

/** One workspace that installed the app (multi-workspace OAuth): Slack's installation plus our settings. */
export interface SlackInstallationRecord {
  teamId: string;
  teamName: string | null;
  installation: Installation;
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
  get(teamId: string): SlackInstallationRecord | undefined;
  list(): SlackInstallationRecord[];
  setChannel(teamId: string, which: "agentsChannel" | "followUpChannel", channel: string): Promise<void>;
  readonly boltStore: InstallationStore;
  close(): Promise<void>;
}

export const INSTALLATIONS_FILE_NAME = "slack-installations.json";

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
    corruptHint: `restore ${file} from a backup, or move it aside and reinstall the app in each workspace`,
  });
  return slackInstallationsOver(collection, options.now ?? Date.now);
}

/** Installations kept in memory only (tests, demos): a restart forgets them. */
export function createMemorySlackInstallations(now: () => number = Date.now): SlackInstallations {
  const records = new Map<string, SlackInstallationRecord>();
  const collection: JsonCollection<SlackInstallationRecord> = {
    get: (key) => (records.has(key) ? structuredClone(records.get(key)) : undefined),
    values: () => [...records.values()].map((record) => structuredClone(record)),
    set: async (key, value) => void records.set(key, structuredClone(value)),
    delete: async (key) => void records.delete(key),
    get size() {
      return records.size;
    },
    close: async () => {},
  };
  return slackInstallationsOver(collection, now);
}

function slackInstallationsOver(
  collection: JsonCollection<SlackInstallationRecord>,
  now: () => number,
): SlackInstallations {
  const teamOf = (query: { teamId?: string | undefined; isEnterpriseInstall?: boolean }): string => {
    if (query.isEnterpriseInstall === true || query.teamId === undefined)
      throw new LutinError(
        "ADAPTER_CONFIG_INVALID",
        "org-wide (Enterprise Grid) installs are not supported",
        {
          hint: "install the app in each workspace; each workspace is one tenant",
        },
      );
    return query.teamId;
  };
  const boltStore: InstallationStore = {
    async storeInstallation(installation) {
      const teamId = teamOf({
        teamId: installation.team?.id,
        isEnterpriseInstall: installation.isEnterpriseInstall === true,
      });
      const previous = collection.get(teamId);
      // A reinstall (new scopes, new token) keeps the channels the workspace already chose.
      await collection.set(teamId, {
        ...previous,
        teamId,
        teamName: installation.team?.name ?? null,
        installation: installation as Installation,
        installedAt: now(),
      });
    },
    async fetchInstallation(query: InstallationQuery<boolean>) {
      const record = collection.get(teamOf(query));
      if (record === undefined)
        throw new LutinError("ADAPTER_AUTH_FAILED", `the app is not installed in workspace ${query.teamId}`, {
          hint: "install it from the adapter's /slack/install page",
        });
      return record.installation;
    },
    async deleteInstallation(query: InstallationQuery<boolean>) {
      await collection.delete(teamOf(query));
    },
  };
  return {
    get: (teamId) => collection.get(teamId),
    list: () => collection.values(),
    async setChannel(teamId, which, channel) {
      const record = collection.get(teamId);
      if (record === undefined) return;
      await collection.set(teamId, { ...record, [which]: channel });
    },
    boltStore,
    close: () => collection.close(),
  };
}
