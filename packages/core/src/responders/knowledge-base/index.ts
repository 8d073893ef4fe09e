export type {
  FlowLookup,
  FlowState,
  LookupContext,
} from "./flows.js";
export { createInMemoryLookup, type InMemoryLookupOptions } from "./in-memory-lookup.js";
export {
  type Flow,
  type FlowSlot,
  type KnowledgeBase,
  type KnowledgeBaseEntry,
  loadKnowledgeBase,
  type PerLanguage,
  parseKnowledgeBase,
  type QuickReply,
} from "./knowledge-base-file.js";
export {
  createKnowledgeBaseResponder,
  KNOWLEDGE_BASE_CONFIDENCE,
  type KnowledgeBaseResponderOptions,
  MAX_SLOT_REASKS,
} from "./knowledge-base-responder.js";
export { listQuickReplies, type QuickReplyButton } from "./quick-replies.js";
export { normalizeText } from "./text.js";
