export type { PostedTask } from "./agent-post-index.js";
export type { SlackAdapterConfig, SlackRouteHost } from "./config.js";
export {
  createMemorySlackInstallations,
  INSTALLATIONS_FILE_NAME,
  openFileSlackInstallations,
  openSlackInstallations,
  type SlackInstallationRecord,
  type SlackInstallations,
  type SlackInstalledWorkspace,
} from "./installations.js";
export { escapeText, HUMAN_REQUEST_TEXT, unescapeText } from "./reply-blocks.js";
export {
  BOT_SCOPES,
  createSlackAdapter,
  INSTALL_PATH,
  OAUTH_REDIRECT_PATH,
  SLASH_COMMAND,
  type SlackAdapter,
} from "./slack-adapter.js";
export {
  DEFAULT_SLACK_TENANT,
  SLACK_ENVIRONMENT_VARIABLES,
  type SlackEnvironmentOptions,
  slackChannelFromEnvironment,
} from "./slack-environment.js";
export {
  createMemorySlackState,
  openFileSlackState,
  openSlackState,
  type PresenceDeclaration,
  type SlackStateStore,
  STATE_FILE_NAME,
} from "./slack-state.js";
export { addressOf, type SlackAddress, threadKeyOf } from "./thread-address.js";
