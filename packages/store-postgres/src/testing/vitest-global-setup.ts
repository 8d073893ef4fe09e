import { findPostgresBinaries } from "./postgres-binaries.js";
import { TEST_DATABASE_URL_VARIABLE } from "./test-database.js";
import { startThrowawayCluster } from "./throwaway-cluster.js";

/**
 * vitest globalSetup: one throwaway PostgreSQL cluster for the whole run, unless LUTIN_TEST_DATABASE_URL
 * names a server already. Its URL goes to the workers (and the processes they start) through the
 * environment; each test file then creates its own database on it (createTestDatabase).
 */
export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  const configured = process.env[TEST_DATABASE_URL_VARIABLE];
  if (configured !== undefined && configured !== "") return undefined;
  try {
    findPostgresBinaries();
  } catch (error) {
    // Only the PostgreSQL store's tests need a server: the rest of the run goes on, and those tests fail
    // with this same message (createTestDatabase).
    console.warn(`vitest global setup: no PostgreSQL test server. ${(error as Error).message}`);
    return undefined;
  }
  const cluster = await startThrowawayCluster();
  process.env[TEST_DATABASE_URL_VARIABLE] = cluster.url;
  return async () => {
    delete process.env[TEST_DATABASE_URL_VARIABLE];
    await cluster.stop();
  };
}
