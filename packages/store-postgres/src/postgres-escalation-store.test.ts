import { describeEscalationStoreConformance } from "@lutingenie/core/testing";
import pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { openPostgresEscalationStore } from "./postgres-escalation-store.js";
import { createTestDatabase, type TestDatabase } from "./testing/index.js";

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

/** Every conformance test starts on empty tables. */
async function emptied(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("TRUNCATE lutin_agents, lutin_agent_presence, lutin_handoffs, lutin_follow_ups");
  } finally {
    await client.end();
  }
}

describeEscalationStoreConformance("postgres", async () => {
  const store = await openPostgresEscalationStore({ connectionString: database.url });
  await emptied(database.url);
  return { store, reopen: () => openPostgresEscalationStore({ connectionString: database.url }) };
});
