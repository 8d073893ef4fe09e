export type { ArchiveDocument } from "./archive.js";
export { ARCHIVE_DIRECTORY, archiveFileOf } from "./archive.js";
// For other Store implementations (PostgreSQL): the same order, the same normalisation on the way out.
export { copyAlert } from "./copy.js";
export { storeClosed } from "./errors.js";
export {
  LAST_AUDIT_FILE,
  type LastAudit,
  type LastAuditDifference,
  lastAuditSchema,
  readLastAudit,
  recordLastAudit,
  type TenantAudit,
  tenantAuditOf,
} from "./last-audit.js";
export { LOCK_FILE_NAME, readStoreLock, type StoreLockHolder } from "./lock-file.js";
export type {
  ArchivedPeriod,
  ArchiveReport,
  LowdbStore,
  LowdbStoreOptions,
  LowdbStoreStats,
  PeriodOf,
} from "./lowdb-store.js";
export { DATA_FILE_NAME, openLowdbStore, readStoreFiles } from "./lowdb-store.js";
export type { MemoryStore } from "./memory-store.js";
export { createMemoryStore } from "./memory-store.js";
export {
  type ArchivedPeriodFile,
  type DataDirectoryContents,
  readDataDirectory,
} from "./read-data-directory.js";
export type {
  ConversationQuery,
  LedgerQuery,
  LedgerTotals,
  ProcessedKey,
  SaveConversationsOptions,
  Store,
  ThreadAppend,
  ThreadCommit,
} from "./store.js";
export { compareConversations, ledgerEntryExists } from "./store-state.js";
