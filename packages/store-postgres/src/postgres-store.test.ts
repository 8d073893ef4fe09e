import { describeStoreConformance } from "@lutingenie/core/testing";
import pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { createPostgresStore } from "./postgres-store.js";
import { createTestDatabase, type TestDatabase } from "./testing/index.js";

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

/** Every conformance test starts on an empty store: the tables are emptied (the ledger's guard lifted for it). */
async function emptied(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("BEGIN");
    await client.query("ALTER TABLE lutin_ledger DISABLE TRIGGER lutin_ledger_no_truncate");
    await client.query(
      "TRUNCATE lutin_threads, lutin_conversations, lutin_ledger, lutin_processed_keys, lutin_tenants, lutin_packs, lutin_alerts",
    );
    await client.query("ALTER TABLE lutin_ledger ENABLE TRIGGER lutin_ledger_no_truncate");
    await client.query("COMMIT");
  } finally {
    await client.end();
  }
}

describeStoreConformance(
  "postgres",
  async () => {
    const store = await createPostgresStore({ connectionString: database.url });
    await emptied(database.url);
    return {
      store,
      reopen: () => createPostgresStore({ connectionString: database.url }),
    };
  },
  // Several processes share it: it refuses a commit over a thread written since (C12).
  { checksExpected: true },
);
