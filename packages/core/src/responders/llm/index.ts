export { type ChatMessage, toChatMessages } from "./chat-messages.js";
export { type CompletionContent, interpretReply, readCompletionContent } from "./completion-content.js";
export { LLM_API_KEY_VARIABLE, type LlmConfig, type LlmConfigInput, parseLlmConfig } from "./llm-config.js";
export { createLlmResponder, LLM_RESPONDER_NAME, type LlmResponderOptions } from "./llm-responder.js";
export { type BackoffPolicy, isRetryableStatus, readRetryAfter, retryDelay } from "./retry-delay.js";
export {
  buildSystemPrompt,
  describeLanguage,
  LANGUAGE_NAMES,
  type SystemPromptInput,
  TONE_BY_EMOTION,
} from "./system-prompt.js";
