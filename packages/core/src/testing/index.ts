export {
  type AdapterConformanceHarness,
  describeAdapterConformance,
  type PlatformAck,
  type PlatformMessage,
} from "./adapter-conformance.js";
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
