export { type AgentClientMessage, agentClientMessageSchema } from "./agent-protocol.js";
export {
  DEMO_WIDGET_KEY,
  ENVIRONMENT_VARIABLES,
  loadServerConfig,
  parseServerConfig,
  type ServedTenantConfig,
  type ServerConfig,
  type ServerConfigInput,
  servedTenantSchema,
  serverConfigSchema,
} from "./config.js";
export { filterHistory, type HistoryQuery, type HistoryRow, historyCsv, historyRowOf } from "./history.js";
export { createRateLimiter, type RateLimiter } from "./rate-limiter.js";
export { checkServedTenants, loadServedTenants } from "./served-tenants.js";
export {
  createSmtpSender,
  parseSmtpConfig,
  SMTP_VARIABLES,
  type SmtpConfig,
  type SmtpConfigInput,
  type SmtpSenderOptions,
  smtpConfigFromEnvironment,
} from "./smtp-sender.js";
export {
  type OpenServerStores,
  openEmbeddedStores,
  type RunningLutinServer,
  type ServerStores,
  type StartLutinServerOptions,
  startLutinServer,
} from "./start-server.js";
export { type MaintenanceReport, type StoreMaintenance, startStoreMaintenance } from "./store-maintenance.js";
export { VISITOR_SECRET_FILE } from "./visitor-secret.js";
export {
  type AgentDirectory,
  type ConversationReading,
  createWebAdapter,
  type TestChatResult,
  type WebAdapter,
  type WebAdapterOptions,
  type WebAdapterTenant,
} from "./web-adapter.js";
export {
  createWebServer,
  PUBLIC_DIRECTORY,
  type WebServer,
  type WebServerOptions,
  type WebServerTenant,
} from "./web-server.js";
export {
  parseWidgetFrame,
  type WidgetClientMessage,
  type WidgetErrorCode,
  type WidgetServerMessage,
  widgetClientMessageSchema,
} from "./widget-protocol.js";
