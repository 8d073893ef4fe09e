import { expectLutinError } from "@lutingenie/core/testing";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { MIGRATIONS_TABLE, SCHEMA_VERSION } from "./migrations.js";
import { createPostgresStore, type PostgresStore } from "./postgres-store.js";
import { createTestDatabase, type TestDatabase } from "./testing/index.js";

const databases: TestDatabase[] = [];
const stores: PostgresStore[] = [];

afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const database of databases.splice(0)) await database.drop();
});

async function freshDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase();
  databases.push(database);
  return database;
}

async function open(url: string, migrate = true): Promise<PostgresStore> {
  const store = await createPostgresStore({ connectionString: url, migrate });
  stores.push(store);
  return store;
}

async function sql<R extends pg.QueryResultRow>(url: string, text: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text)).rows;
  } finally {
    await client.end();
  }
}

describe("schema migrations", () => {
  it("an empty database is migrated at open, once; a second open applies nothing", async () => {
    const { url } = await freshDatabase();
    const first = await open(url);
    expect(first.migration).toEqual({ from: 0, to: SCHEMA_VERSION, applied: [1, 2, 3] });
    const second = await open(url);
    expect(second.migration).toEqual({ from: SCHEMA_VERSION, to: SCHEMA_VERSION, applied: [] });
    const rows = await sql<{ version: number }>(
      url,
      `SELECT version FROM ${MIGRATIONS_TABLE} ORDER BY version`,
    );
    expect(rows.map((row) => row.version)).toEqual([1, 2, 3]);
  });

  it("instances starting together on an empty database: every step runs exactly once", async () => {
    const { url } = await freshDatabase();
    const opened = await Promise.all(Array.from({ length: 4 }, () => open(url)));
    // Each step once, by whichever instance got the lock first.
    expect(opened.flatMap((store) => store.migration.applied).sort()).toEqual([1, 2, 3]);
    const rows = await sql<{ count: string }>(url, `SELECT count(*) AS count FROM ${MIGRATIONS_TABLE}`);
    expect(Number(rows[0]?.count)).toBe(SCHEMA_VERSION);
  });

  it("a schema newer than the code is refused with STORE_SCHEMA_TOO_NEW, naming both versions and the fix, and left as it is", async () => {
    const { url } = await freshDatabase();
    await (await open(url)).close();
    await sql(
      url,
      `INSERT INTO ${MIGRATIONS_TABLE} (version, name) VALUES (${SCHEMA_VERSION + 1}, 'from the future')`,
    );
    const error = await expectLutinError(open(url), "STORE_SCHEMA_TOO_NEW");
    expect(error.message).toContain(`version ${SCHEMA_VERSION + 1}`);
    expect(error.message).toContain(`version ${SCHEMA_VERSION})`);
    expect(error.hint).toContain("newer LutinGénie");
    await expectLutinError(open(url, false), "STORE_SCHEMA_TOO_NEW");
    const rows = await sql<{ version: number }>(
      url,
      `SELECT version FROM ${MIGRATIONS_TABLE} ORDER BY version`,
    );
    expect(rows.map((row) => row.version)).toEqual([1, 2, 3, SCHEMA_VERSION + 1]);
  });

  it("with migrate: false an unmigrated database is refused, naming `lutin migrate`, and nothing is created", async () => {
    const { url } = await freshDatabase();
    const error = await expectLutinError(open(url, false), "STORE_UNAVAILABLE");
    expect(error.hint).toContain("lutin migrate");
    const rows = await sql<{ name: string | null }>(url, `SELECT to_regclass('${MIGRATIONS_TABLE}') AS name`);
    expect(rows[0]?.name).toBeNull();
  });

  it("C13: the ledger is append-only: UPDATE, DELETE and TRUNCATE are refused by the database itself", async () => {
    const { url } = await freshDatabase();
    const store = await open(url);
    await store.pool.query(
      `INSERT INTO lutin_ledger (id, tenant, period, mode, delta, record) VALUES ('c:1', 'acme', '2025-01-01', 'ai', 1, '{}')`,
    );
    for (const statement of [
      "UPDATE lutin_ledger SET delta = -1",
      "DELETE FROM lutin_ledger",
      "TRUNCATE lutin_ledger",
    ]) {
      await expect(store.pool.query(statement), statement).rejects.toThrow(/append-only \(C13\)/);
    }
    const rows = await store.pool.query<{ delta: number }>("SELECT delta FROM lutin_ledger");
    expect(rows.rows).toEqual([{ delta: 1 }]);
  });
});
