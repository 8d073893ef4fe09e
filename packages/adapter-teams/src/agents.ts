/**
 * @lutingenie/adapter-teams/agents: the agents' side of the Teams channel (handoff cards in the agents'
 * channel, follow-up tasks, presence in personal chat), plugged into createTeamsAdapter's `agentSide`,
 * and the Teams app package (manifest and icons) that `npm run teams:package` builds.
 */
export {
  ADAPTIVE_CARD_CONTENT_TYPE,
  AGENT_ACTION_KEY,
  AGENT_VERBS,
  type AgentActionData,
  type AgentVerb,
  agentActionOf,
  followUpCard,
  handoffCard,
} from "./agent-cards.js";
export {
  ENROLLMENT_RULES,
  type EnrollmentRule,
  enrollmentRuleFromEnvironment,
  type TeamsAgentDirectory,
  type TeamsPerson,
} from "./agent-enrollment.js";
export type { TeamsAgentPlaces } from "./agents-channel.js";
export {
  appManifest,
  appPackageSettingsFrom,
  buildAppPackage,
  DEFAULT_PACKAGE_PATH,
} from "./app-package/app-package.js";
export { PRESENCE_COMMANDS, type PresenceCommand, presenceCommandOf } from "./presence-commands.js";
export { PRESENCE_REFRESH_MS } from "./presence-keeper.js";
export {
  createTeamsAgentSide,
  DEFAULT_TEAMS_SERVICE_URL,
  type TeamsAgentSettings,
  type TeamsAgentSideHandle,
  type TeamsAgentSideOptions,
  teamsAgentSettingsFromEnvironment,
  teamsAgentSideFromEnvironment,
} from "./teams-agent-side.js";
export {
  AGENT_STATE_FILE_NAME,
  createMemoryTeamsAgentState,
  openFileTeamsAgentState,
  openTeamsAgentState,
  type TeamsAgentState,
} from "./teams-agent-state.js";
