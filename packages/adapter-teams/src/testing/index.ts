// Local stand-ins for the network around a Teams bot (no traffic leaves the machine), for the tests of any
// package that serves Teams.
export {
  type ConnectorCall,
  type ConnectorOperation,
  FakeBotConnector,
  type FakeBotConnectorOptions,
  type PostedActivity,
  type ScriptedConnectorAnswer,
} from "./fake-bot-connector.js";
export { LoopbackCredentialsFactory } from "./loopback-credentials.js";
export {
  cardExecute,
  cardSubmit,
  channelMention,
  groupMention,
  type MessageOptions,
  nextActivityId,
  otherActivity,
  personalMessage,
  type TeamsParties,
} from "./teams-activities.js";
export { APP_ID, APP_PASSWORD, BOT_ID, startTeamsNetwork, type TeamsNetwork } from "./teams-network.js";
export { type ChannelTokenClaims, LocalTokenIssuer, type SignOptions } from "./token-issuer.js";
