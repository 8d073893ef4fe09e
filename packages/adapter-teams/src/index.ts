/** @lutingenie/adapter-teams: Microsoft Teams on botbuilder (CloudAdapter). */
export { TEAMS_CHANNEL_ID } from "./activity-verdict.js";
export type { ConnectorCallResult, TeamsAgentHost, TeamsAgentSide } from "./agent-side.js";
export {
  APP_TYPES,
  DEFAULT_MAX_MESSAGE_LENGTH,
  parseTeamsConfig,
  type TeamsAdapterConfig,
  type TeamsAppType,
  type TeamsRouteHost,
  type TeamsSettings,
} from "./config.js";
export { callConnector, type DeliveryPolicy } from "./delivery.js";
export { CUSTOMER_MARK, HUMAN_REQUEST_TEXT } from "./reply-card.js";
export {
  createTeamsAdapter,
  INSTALL_GREETING,
  MAX_REPLY_PARTS,
  TEAMS_CHANNEL,
  type TeamsAdapter,
} from "./teams-adapter.js";
export { TEAMS_ENVIRONMENT_VARIABLES, teamsChannelFromEnvironment } from "./teams-environment.js";
export {
  createMemoryTeamsState,
  openFileTeamsState,
  openTeamsState,
  type PostedCard,
  STATE_FILE_NAME,
  type TeamsStateStore,
} from "./teams-state.js";
