export {
  CONVERSATION_LOG_FILE_NAME,
  type ConversationLog,
  type ConversationLogEntry,
  type ConversationLogRecord,
  conversationLogOn,
  createMemoryConversationLog,
  DEFAULT_LOG_RETENTION_MS,
  LOGGED_TEXT_LENGTH,
  type LoggedMessage,
  MEMORY_LOG_CONVERSATIONS,
  MESSAGES_KEPT,
  openFileConversationLog,
} from "./conversation-log.js";
