import { makeThreadCommit } from "@lutingenie/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresStore, type PostgresStore } from "./postgres-store.js";
import { createTestDatabase, type TestDatabase } from "./testing/index.js";

let database: TestDatabase;
let store: PostgresStore;

beforeAll(async () => {
  database = await createTestDatabase();
  store = await createPostgresStore({ connectionString: database.url, poolSize: 2 });
});

afterAll(async () => {
  await store.close();
  await database.drop();
});

describe("pruning processed keys", () => {
  it("C11: forgets the keys of events processed before the instant, keeps the later ones and the data", async () => {
    const old = makeThreadCommit({ tenant: "acme", thread: "old", key: "k-old", at: 1_000 });
    const recent = makeThreadCommit({ tenant: "acme", thread: "recent", key: "k-recent", at: 5_000 });
    await store.commitThread(old);
    await store.commitThread(recent);
    expect(await store.pruneProcessedKeys(5_000)).toBe(1);
    expect(await store.isProcessed(old.processed)).toBe(false);
    expect(await store.isProcessed(recent.processed)).toBe(true);
    // Only the key goes: the thread, its conversation and its ledger row stay.
    expect(await store.getThread(old.thread.key)).toEqual(old.thread);
    expect(await store.listLedger({ tenant: "acme" })).toHaveLength(2);
    expect(await store.pruneProcessedKeys(5_000)).toBe(0);
  });
});
