import {
  openSlackInstallations,
  openSlackState,
  SLACK_ENVIRONMENT_VARIABLES,
  type SlackInstallations,
  type SlackStateStore,
} from "@lutingenie/adapter-slack";
import { openTeamsState, TEAMS_ENVIRONMENT_VARIABLES, type TeamsStateStore } from "@lutingenie/adapter-teams";
import { openTeamsAgentState, type TeamsAgentState } from "@lutingenie/adapter-teams/agents";
import { type Logger, silentLogger } from "@lutingenie/core";
import { openPostgresStateCollections } from "@lutingenie/store-postgres";
import { type AdapterStatePruning, startAdapterStatePruning } from "./adapter-state-pruning.js";

/** The Slack and Teams adapters' state in the database, shared by every `serve` instance on it. */
export interface PostgresAdapterState {
  slack: SlackStateStore;
  /** Slack's OAuth installations (bot tokens inside): a workspace installed through one instance is known to all. */
  slackInstallations: SlackInstallations;
  teams: { teams: TeamsStateStore; agents: TeamsAgentState };
  /** The scheduled prune of expired records (at open, then hourly); `run()` prunes now. */
  pruning: AdapterStatePruning;
  /** Stops the prune and ends the connections this opened (after the adapters stopped). */
  close(): Promise<void>;
}

/**
 * Opens the adapters' state on table lutin_adapter_state (issue 16): Slack's installations, handoff and task
 * message links and agents' presence, Teams' conversation references and agent cards, so that instance B
 * answers a workspace installed through instance A, updates the handoff message A posted, or messages a
 * conversation A met. Its own small pool (3 connections): the adapters are built before the server opens
 * its stores.
 */
export async function openPostgresAdapterState(
  url: string,
  options: { logger?: Logger; pruneIntervalMs?: number } = {},
): Promise<PostgresAdapterState> {
  const collections = await openPostgresStateCollections({ connectionString: url });
  try {
    const [slack, slackInstallations, teams, agents] = await Promise.all([
      openSlackState(collections),
      openSlackInstallations(collections),
      openTeamsState(collections),
      openTeamsAgentState(collections),
    ]);
    const pruning = startAdapterStatePruning({
      prune: () => collections.prune(),
      logger: options.logger ?? silentLogger,
      ...(options.pruneIntervalMs === undefined ? {} : { intervalMs: options.pruneIntervalMs }),
    });
    return {
      slack,
      slackInstallations,
      teams: { teams, agents },
      pruning,
      async close() {
        await pruning.stop();
        await collections.close();
      },
    };
  } catch (error) {
    await collections.close().catch(() => undefined);
    throw error;
  }
}

/** Whether any SLACK_* or Teams variable is set: without them no adapter needs the state (nor its pool). */
export function chatAdaptersConfigured(environment: NodeJS.ProcessEnv): boolean {
  return [...SLACK_ENVIRONMENT_VARIABLES, ...TEAMS_ENVIRONMENT_VARIABLES, "SLACK_FOLLOWUP_CHANNEL"].some(
    (name) => (environment[name]?.trim() ?? "") !== "",
  );
}
