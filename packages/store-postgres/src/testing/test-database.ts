import { randomBytes } from "node:crypto";
import pg from "pg";
import { startThrowawayCluster, type ThrowawayCluster } from "./throwaway-cluster.js";

/** A server the tests may create and drop databases on; `npm test` sets it (vitest-global-setup.ts) unless you did. */
export const TEST_DATABASE_URL_VARIABLE = "LUTIN_TEST_DATABASE_URL";

export interface TestDatabase {
  /** Connection string of this database, of its own. */
  readonly url: string;
  /** The throwaway cluster it lives on when this helper started one (null with LUTIN_TEST_DATABASE_URL). */
  readonly cluster: ThrowawayCluster | null;
  /** Drops the database (and stops the cluster this helper started for it). */
  drop(): Promise<void>;
}

/** `url` with another database name. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

/**
 * A fresh, empty database for one test file (vitest runs files in parallel workers: each gets its own).
 * Created on LUTIN_TEST_DATABASE_URL's server when it is set (the global setup sets it to the run's
 * throwaway cluster); otherwise on a throwaway cluster started for this database alone.
 */
export async function createTestDatabase(
  environment: NodeJS.ProcessEnv = process.env,
): Promise<TestDatabase> {
  const configured = environment[TEST_DATABASE_URL_VARIABLE];
  const cluster = configured === undefined || configured === "" ? await startThrowawayCluster() : null;
  const serverUrl = cluster?.url ?? (configured as string);
  const name = `lutin_test_${process.pid}_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
  } catch (error) {
    await cluster?.stop();
    throw new Error(
      `could not create a test database on ${redacted(serverUrl)}: ${error instanceof Error ? error.message : String(error)}; check that the server runs and that its user may CREATE DATABASE (or unset ${TEST_DATABASE_URL_VARIABLE} to use a throwaway cluster)`,
      { cause: error },
    );
  } finally {
    await admin.end().catch(() => undefined);
  }
  let dropped = false;
  return {
    url: withDatabase(serverUrl, name),
    cluster,
    async drop() {
      if (dropped) return;
      dropped = true;
      if (cluster !== null) {
        await cluster.stop();
        return;
      }
      const client = new pg.Client({ connectionString: serverUrl });
      try {
        await client.connect();
        // FORCE: a pool a failed test left open must not keep the database alive (PostgreSQL 13+).
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end().catch(() => undefined);
      }
    },
  };
}

/** A connection string without its password, for messages. */
export function redacted(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(an unparsable connection string)";
  }
}
