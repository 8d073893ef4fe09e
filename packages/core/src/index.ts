export * from "./adapters/channel-adapter.js";
export * from "./assistant/assistant.js";
export * from "./assistant/emotion.js";
export * from "./assistant/enabled-enchantments.js";
export * from "./assistant/enchantment.js";
export * from "./assistant/file-thread-memory.js";
export * from "./assistant/language.js";
export type { ProductMessageKey } from "./assistant/product-messages.js";
export * from "./assistant/responder.js";
export * from "./assistant/tenant-profile.js";
export * from "./assistant/thread-memory.js";
export * from "./assistant/turn-context.js";
export * from "./assistant/turn-outcome.js";
export * from "./billing-directory.js";
export * from "./clock.js";
export * from "./conversation-log/index.js";
export * from "./counting/batch.js";
export * from "./counting/compaction.js";
export * from "./counting/conversation.js";
export * from "./counting/conversation-view.js";
export * from "./counting/counter.js";
export {
  type BillingView,
  compareEvents,
  INACTIVITY_MS,
  REOPEN_WINDOW_MS,
  settleAt,
} from "./counting/fold.js";
export { conversationIdOf } from "./counting/ids.js";
export * from "./counting/relatedness.js";
export * from "./counting/resolution.js";
export type { CachedVerdict, FoldState, StoredEvent, ThreadRecord } from "./counting/thread-state.js";
export * from "./emotion/index.js";
export * from "./enchantments/emotion.js";
export * from "./enchantments/escalation.js";
export * from "./enchantments/memory.js";
export * from "./enchantments/polyglot.js";
export * from "./errors.js";
export * from "./escalation/agents.js";
export * from "./escalation/business-hours.js";
export * from "./escalation/desk-feed.js";
export * from "./escalation/desk-status.js";
export * from "./escalation/escalation-service.js";
export * from "./escalation/escalation-store.js";
export * from "./escalation/follow-up.js";
export * from "./escalation/handoff.js";
export * from "./escalation/human-request.js";
export * from "./escalation/labels.js";
export * from "./escalation/outbound-sender.js";
export * from "./escalation/priority.js";
export * from "./events/event-bus.js";
export * from "./events/inbound-event.js";
export * from "./i18n/index.js";
export * from "./language/index.js";
export * from "./logging/logger.js";
export * from "./quota/index.js";
export * from "./responders/knowledge-base/index.js";
export * from "./responders/llm/index.js";
export * from "./runtime/index.js";
export * from "./store/index.js";
export * from "./store/json-collection-file.js";
export * from "./store/state-collection.js";
export * from "./transcript/transcript.js";
export * from "./util/analyzed-text.js";
export { jsonSyntaxProblem } from "./util/json-syntax-problem.js";

export const VERSION = "0.1.0";
