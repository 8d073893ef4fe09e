/** @lutingenie/store-postgres: the Store contract on PostgreSQL (node-postgres). */

export { DESK_FEED_CHANNEL } from "./desk-migrations.js";
export { identityText } from "./identity-text.js";
export {
  MIGRATIONS,
  MIGRATIONS_TABLE,
  type Migration,
  type MigrationReport,
  migrate,
  SCHEMA_VERSION,
} from "./migrations.js";
export {
  openPostgresDeskFeed,
  type PostgresDeskFeed,
  type PostgresDeskFeedOptions,
} from "./postgres-desk-feed.js";
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
