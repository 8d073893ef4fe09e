/** @lutingenie/store-postgres: the Store contract on PostgreSQL (node-postgres). */
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
export { isConnectionProblem, storeFailure } from "./postgres-errors.js";
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
