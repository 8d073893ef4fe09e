import { openSlackState, SLACK_ENVIRONMENT_VARIABLES, type SlackStateStore } from "@lutingenie/adapter-slack";
import { openTeamsState, TEAMS_ENVIRONMENT_VARIABLES, type TeamsStateStore } from "@lutingenie/adapter-teams";
import { openTeamsAgentState, type TeamsAgentState } from "@lutingenie/adapter-teams/agents";
import { openPostgresStateCollections } from "@lutingenie/store-postgres";

/** The Slack and Teams adapters' state in the database, shared by every `serve` instance on it. */
export interface PostgresAdapterState {
  slack: SlackStateStore;
  teams: { teams: TeamsStateStore; agents: TeamsAgentState };
  /** Ends the connections this opened (after the adapters stopped). */
  close(): Promise<void>;
}

/**
 * Opens the adapters' state on table lutin_adapter_state (issue 16): Slack's handoff and task message links
 * and agents' presence, Teams' conversation references and agent cards, so that instance B updates the
 * handoff message instance A posted, or messages a conversation A met. Its own small pool (3 connections):
 * the adapters are built before the server opens its stores.
 */
export async function openPostgresAdapterState(url: string): Promise<PostgresAdapterState> {
  const collections = await openPostgresStateCollections({ connectionString: url });
  try {
    const [slack, teams, agents] = await Promise.all([
      openSlackState(collections),
      openTeamsState(collections),
      openTeamsAgentState(collections),
    ]);
    return { slack, teams: { teams, agents }, close: () => collections.close() };
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
