/** Test kit: a throwaway PostgreSQL cluster, or LUTIN_TEST_DATABASE_URL. */
export { DEBIAN_POSTGRES_ROOT, findPostgresBinaries } from "./postgres-binaries.js";
export {
  createTestDatabase,
  redacted,
  TEST_DATABASE_URL_VARIABLE,
  type TestDatabase,
  withDatabase,
} from "./test-database.js";
export {
  startThrowawayCluster,
  THROWAWAY_SUPERUSER,
  type ThrowawayCluster,
  type ThrowawayClusterOptions,
} from "./throwaway-cluster.js";
