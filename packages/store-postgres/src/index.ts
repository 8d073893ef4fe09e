/** @lutingenie/store-postgres: the Store contract on PostgreSQL (node-postgres). */

export { DESK_FEED_CHANNEL } from "./desk-migrations.js";
export { identityText } from "./identity-text.js";
export {
  importLowdbData,
  type LowdbImportReport,
  type LowdbImportSource,
  readPostgresContents,
  splitThreadScopedKey,
} from "./lowdb-import.js";
export {
  MIGRATIONS,
  MIGRATIONS_TABLE,
  type Migration,
  type MigrationReport,
  migrate,
  SCHEMA_VERSION,
} from "./migrations.js";
export {
  createPostgresConversationLog,
  type PostgresConversationLogOptions,
} from "./postgres-conversation-log.js";
export {
  openPostgresDeskFeed,
  type PostgresDeskFeed,
  type PostgresDeskFeedOptions,
} from "./postgres-desk-feed.js";
export { isConnectionProblem, storeFailure } from "./postgres-errors.js";
export {
  openPostgresEscalationStore,
  type PostgresEscalationStoreOptions,
} from "./postgres-escalation-store.js";
export {
  openPostgresStateCollections,
  type PostgresStateCollections,
  type PostgresStateCollectionsOptions,
} from "./postgres-state-collections.js";
export {
  createPostgresStore,
  POSTGRES_STORE_KIND,
  type PostgresStore,
  type PostgresStoreOptions,
} from "./postgres-store.js";
export { createPostgresThreadMemory, type PostgresThreadMemoryOptions } from "./postgres-thread-memory.js";
export { adoptSecret, sharedSecret, VISITOR_SECRET_NAME } from "./shared-secret.js";
export {
  createThreadTurns,
  type ThreadTurns,
  type ThreadTurnsOptions,
  withTurnsAcrossInstances,
} from "./thread-turns.js";
