export {
  type AdapterCapabilities,
  type AdapterConformanceHarness,
  describeAdapterConformance,
  type PlatformAck,
  type PlatformMessage,
} from "./adapter-conformance.js";
export {
  CONFORMANCE_RETENTION_MS,
  type ConversationLogUnderTest,
  describeConversationLogConformance,
} from "./conversation-log-conformance.js";
export {
  describeEscalationStoreConformance,
  type EscalationStoreConformanceOptions,
  type EscalationStoreUnderTest,
  makeAgent,
  makeFollowUp,
  makeHandoff,
} from "./escalation-store-conformance.js";
export {
  chatCompletionBody,
  chatErrorBody,
  type FakeChatBehaviour,
  type FakeChatCompletionsOptions,
  type FakeChatCompletionsServer,
  type FakeChatContext,
  type FakeChatMessage,
  type FakeChatRequest,
  type FakeChatScript,
  type RecordedChatRequest,
  startFakeChatCompletionsServer,
} from "./fake-chat-completions-server.js";
export { fuzzRuns } from "./fuzz-runs.js";
export {
  describeStateCollectionConformance,
  type StateCollectionsUnderTest,
} from "./state-collection-conformance.js";
export {
  BUILDER_TIME,
  describeStoreConformance,
  expectLutinError,
  makeConversation,
  makeFiredAlert,
  makeFoldState,
  makeLedgerEntry,
  makePack,
  makeRelatednessVerdict,
  makeStoredEvent,
  makeTenant,
  makeThreadCommit,
  makeThreadRecord,
  type StoreUnderTest,
  type ThreadCommitSpec,
} from "./store-conformance.js";
