export type { SlackAdapterConfig } from "./config.js";
export { escapeText, HUMAN_REQUEST_TEXT, unescapeText } from "./reply-blocks.js";
export { createSlackAdapter, SLASH_COMMAND, type SlackAdapter } from "./slack-adapter.js";
export { addressOf, type SlackAddress, threadKeyOf } from "./thread-address.js";
