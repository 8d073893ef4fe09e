/** @lutingenie/store-postgres: the Store contract on PostgreSQL (node-postgres). */
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
  openPostgresEscalationStore,
  type PostgresEscalationStoreOptions,
} from "./postgres-escalation-store.js";
export {
  createPostgresStore,
  POSTGRES_STORE_KIND,
  type PostgresStore,
  type PostgresStoreOptions,
} from "./postgres-store.js";
